// Driven by scripts/test-html-report: node test-html-report.mjs CHROMIUM REFERENCE.html HOSTILE.html OUT_DIR
import { chromium } from "playwright-core";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { PNG } from "pngjs";
import pixelmatch from "pixelmatch";
import { createRequire } from "node:module";

const [exe, referencePath, hostilePath, outDir] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const playwrightVersion = require("playwright-core/package.json").version;
const checks = [];
function check(name, ok, detail = "") {
  checks.push({ name, passed: Boolean(ok), detail });
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? ": " + detail : ""}`);
}

const browser = await chromium.launch({
  executablePath: exe,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

// Open a page, recording console errors, page errors and every request not to file: or data:.
async function open(path) {
  const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  const seen = { errors: [], requests: [] };
  page.on("console", (m) => { if (m.type() === "error") seen.errors.push(m.text()); });
  page.on("pageerror", (e) => seen.errors.push(String(e)));
  page.on("request", (r) => { if (!/^(file|data):/.test(r.url())) seen.requests.push(r.url()); });
  await page.goto("file://" + path, { waitUntil: "load" });
  return { page, seen };
}

// The share of pixels that differ from the committed screenshot (text antialiasing moves a few).
function compareWithBaseline(path, shot) {
  if (!existsSync(path)) {
    check("reference: screenshot baseline", true, "none yet: this run writes it");
    return;
  }
  const base = PNG.sync.read(readFileSync(path));
  const now = PNG.sync.read(shot);
  if (base.width !== now.width || base.height !== now.height) {
    check("reference: screenshot matches the baseline", false, `size ${now.width}x${now.height}, baseline ${base.width}x${base.height}`);
    return;
  }
  const differing = pixelmatch(base.data, now.data, null, base.width, base.height, { threshold: 0.1 });
  const share = differing / (base.width * base.height);
  check("reference: screenshot matches the baseline", share <= 0.005,
    `${differing} pixels differ (${(share * 100).toFixed(3)}%)`);
}

const acct = "arn:aws:iam::111122223333:";
// The box of a principal (column), resource (row) and group: its id holds the header positions.
async function cell(page, principal, resource, group) {
  const p = await page.$$eval("th.principal", (ths, a) => ths.findIndex((t) => t.dataset.principal === a), principal);
  const r = await page.$$eval("th.resource", (ths, a) => ths.findIndex((t) => t.dataset.resource === a), resource);
  return page.locator(`#cell-${r}-${p}-${group}`);
}
const research = "acme-dev-agent-research";
const ownRuntime = "arn:aws:bedrock-agentcore:us-east-1:111122223333:runtime/acme-dev-agent-research";
const researchRepo = "arn:aws:ecr:us-east-1:111122223333:repository/acme-dev-research";

// The reference platform.
{
  const { page, seen } = await open(referencePath);
  const title = await page.title();
  check("reference: page title", title.startsWith("iamsim report"), title);
  const boxes = await page.locator("button.cell[data-cell]").count();
  check("reference: matrix has cells", boxes > 500, `${boxes} boxes`);
  const allowed = await cell(page, `${acct}role/${research}`, ownRuntime, "read");
  check("reference: research reads its own runtime (allow)",
    (await allowed.getAttribute("class") || "").split(" ").includes("allow"), await allowed.getAttribute("class"));
  const denied = await cell(page, `${acct}role/acme-dev-agent-support`, researchRepo, "read");
  check("reference: support cannot read research's repository (deny)",
    (await denied.getAttribute("class") || "").split(" ").includes("deny"), await denied.getAttribute("class"));
  const partial = await cell(page, `${acct}role/${research}`, researchRepo, "read");
  check("reference: research reads some of its repository (partial)",
    (await partial.getAttribute("class") || "").split(" ").includes("partial"), await partial.getAttribute("class"));

  await allowed.hover();
  const hover = await allowed.getAttribute("title");
  check("reference: a box's title says how many of its actions are allowed",
    /^role\/acme-dev-agent-research: read on arn:aws:bedrock-agentcore:.*: (\d+) of \1 actions allowed$/.test(hover || ""), hover);
  await denied.click();
  let text = await page.locator("#explanation").innerText();
  check("reference: a click on a denied cell explains it",
    text.includes("ImplicitDeny") && text.includes("identity layer allows it") && text.includes(researchRepo),
    text.split("\n").slice(0, 3).join(" | "));
  await partial.click();
  text = await page.locator("#explanation").innerText();
  check("reference: a click on research's repository names EcrPull, the matched pattern and the policy",
    text.includes("ecr:BatchGetImage") && text.includes("EcrPull") && text.includes("matched") &&
      text.includes("acme-dev-agent-research/agent"),
    text.split("\n").slice(0, 3).join(" | "));
  check("reference: the clicked cell is marked selected",
    (await partial.getAttribute("class") || "").includes("selected"));
  await page.locator("#filter").fill("repository/");
  const shown = await page.locator("table.matrix tbody tr:not([hidden])").count();
  await page.locator("#filter").fill("");
  await page.locator("#filter").blur();
  const all = await page.locator("table.matrix tbody tr:not([hidden])").count();
  check("reference: the filter keeps the rows whose ARN holds the text", shown === 4 && all === 29, `repository/: ${shown} rows, none: ${all}`);
  const files = await page.locator("#scenarios details.file").count();
  check("reference: scenario results per file", files >= 10, `${files} files`);
  const findings = await page.locator("#lint tr.finding").count();
  check("reference: lint findings listed", findings > 0, `${findings} findings`);
  check("reference: no console or page errors", seen.errors.length === 0, seen.errors.join(" | "));
  check("reference: no network request", seen.requests.length === 0, seen.requests.join(" "));
  const shot = await page.screenshot();
  compareWithBaseline(`${outDir}/report.png`, shot);
  writeFileSync(`${outDir}/report.png`, shot);
  await page.close();
}

// Names and condition values holding markup: nothing runs, everything shows as text.
{
  const { page, seen } = await open(hostilePath);
  const boxes = page.locator("button.cell[data-cell]");
  const n = await boxes.count();
  for (let i = 0; i < n; i++) await boxes.nth(i).click();
  const pwned = await page.evaluate(() => window.pwned);
  check("hostile: no script from input ran", pwned === undefined, String(pwned));
  const evil = await cell(page, `${acct}role/<script>window.pwned=1</script>`, "arn:aws:s3:::acme-reports/q3.csv", "read");
  await evil.click();
  const text = await page.locator("#explanation").innerText();
  check("hostile: markup in a role name and a condition value shows as text",
    text.includes("role/<script>window.pwned=1</script>") && text.includes("</script><script>window.pwned=3</script>"),
    text.split("\n").slice(0, 2).join(" | "));
  const caseName = await page.locator("#scenarios tr.case td:nth-child(2)").first().innerText();
  check("hostile: markup in a scenario name shows as text", caseName.startsWith("<img src=x"), caseName);
  check("hostile: the failing case's file is open", await page.locator("#scenarios details.file.failed[open]").count() === 1);
  check("hostile: no console or page errors", seen.errors.length === 0, seen.errors.join(" | "));
  check("hostile: no network request", seen.requests.length === 0, seen.requests.join(" "));
  await page.close();
}

const version = browser.version();
await browser.close();
const failed = checks.filter((c) => !c.passed).length;
writeFileSync(`${outDir}/browser-results.json`, JSON.stringify({
  chromium: version, "playwright-core": playwrightVersion, screenshot: "report.png",
  passed: checks.length - failed, failed, checks }, null, 2) + "\n");
console.log(`${checks.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
