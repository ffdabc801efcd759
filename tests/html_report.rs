//! The HTML report without a browser: its structure (one box per cell, ids and classes, the
//! explanation panel and the data block), escaping of everything from input, no external URL,
//! and the browser test's committed artifacts (scripts/test-html-report writes them).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use std::path::{Path, PathBuf};

use iamsim::engine::Engine;
use iamsim::lint;
use iamsim::matrix::{self, MatrixOptions};
use iamsim::report::html::{report_html, HtmlInput, CSP};
use iamsim::scenario::{self, LoadOptions};
use regex::Regex;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The page for `policies` (and the scenario files given), with the extra resources.
fn render(policies: &Path, scenarios: &[PathBuf], resources: &[&str]) -> String {
    let inv = scenario::load_inventory(policies).unwrap();
    let engine = Engine::new(&inv).unwrap();
    let opts = MatrixOptions {
        resources: resources.iter().map(|r| r.to_string()).collect(),
        ..MatrixOptions::default()
    };
    let m = matrix::compute(&engine, &inv, &opts);
    let suite = (!scenarios.is_empty())
        .then(|| scenario::load_suite(scenarios, &LoadOptions::default()).unwrap());
    let outcomes = suite.as_ref().map(scenario::run_suite);
    let (findings, _) = lint::lint_each(&[policies.to_path_buf()]);
    let mut out = Vec::new();
    report_html(
        &mut out,
        &HtmlInput {
            inventory: "policies",
            matrix: &m,
            scenarios: suite.as_ref().zip(outcomes.as_deref()),
            lint: Some(&findings),
            lint_errors: &[],
            warnings: &[],
        },
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

fn hostile() -> String {
    let dir = root().join("tests/cli/html");
    render(
        &dir.join("policies"),
        &[dir.join("scenarios")],
        &["arn:aws:s3:::acme-reports/q3.csv"],
    )
}

/// The position of the header whose `attr` is `value` among the headers with `attr`.
fn header_index(page: &str, attr: &str, value: &str) -> usize {
    let values = Regex::new(&format!(r#"<th [^>]*{attr}="([^"]*)""#)).unwrap();
    let found = values.captures_iter(page).position(|c| &c[1] == value);
    found.unwrap_or_else(|| panic!("no header {attr}={value}"))
}

/// The `<button>` of one cell, found by its column (principal), row (resource) and group.
fn button<'p>(page: &'p str, principal: &str, resource: &str, group: &str) -> &'p str {
    let p = header_index(page, "data-principal", principal);
    let r = header_index(page, "data-resource", resource);
    let id = format!("id=\"cell-{r}-{p}-{group}\"");
    let at = page.find(&id).unwrap_or_else(|| panic!("no cell {id}"));
    let start = page[..at].rfind("<button").unwrap();
    let end = start + page[start..].find("</button>").unwrap();
    &page[start..end]
}

#[test]
fn the_reference_matrix_has_the_expected_cells() {
    let page = render(&root().join("policies"), &[root().join("scenarios")], &[]);
    let acct = "arn:aws:iam::111122223333:role/";
    let runtime =
        "arn:aws:bedrock-agentcore:us-east-1:111122223333:runtime/acme-dev-agent-research";
    let repo = "arn:aws:ecr:us-east-1:111122223333:repository/acme-dev-research";
    let own = button(
        &page,
        &format!("{acct}acme-dev-agent-research"),
        runtime,
        "read",
    );
    assert!(own.contains("class=\"cell allow\""), "{own}");
    let other = button(
        &page,
        &format!("{acct}acme-dev-agent-support"),
        repo,
        "read",
    );
    assert!(other.contains("class=\"cell deny\""), "{other}");
    // The box says what it holds to a screen reader, not only by letter and colour.
    assert!(own.contains("aria-label=\"read: allow\""), "{own}");
    assert!(other.contains("aria-label=\"read: deny\""), "{other}");
    let id = Regex::new(r#"id="cell-(\d+)-(\d+)-(read|write|permissions|tagging)""#).unwrap();
    assert!(id.is_match(other), "{other}");
    // One id per box, every id unique, every box points at the data.
    let ids: Vec<&str> = id.find_iter(&page).map(|m| m.as_str()).collect();
    let unique: std::collections::BTreeSet<&&str> = ids.iter().collect();
    assert!(
        ids.len() > 500 && unique.len() == ids.len(),
        "{}",
        ids.len()
    );
    assert_eq!(page.matches("data-cell=\"").count(), ids.len());
    assert!(page.contains("<aside id=\"explanation\""));
    assert!(page.contains("<input id=\"filter\" type=\"search\""));
    assert!(page.contains("5 principals, 29 resources, 580 cells (126 with some access)"));
    assert!(page.contains("<script type=\"application/json\" id=\"matrix-data\">"));
    assert!(page.contains("743 passed, 0 failed, 0 skipped"));
    assert_eq!(page.matches("<details class=\"file").count(), 14);
    assert!(page.contains("<section id=\"lint\">") && page.contains("IAMSIM-L"));
}

#[test]
fn markup_from_input_is_escaped() {
    let page = hostile();
    // The page's own two script elements, and no other markup from input.
    assert_eq!(page.matches("<script").count(), 2, "script elements");
    assert!(!page.contains("<img") && !page.contains("<b>inline"));
    assert!(page.contains("role/&lt;script&gt;window.pwned=1&lt;/script&gt;"));
    assert!(page.contains("&lt;img src=x onerror=window.pwned=4&gt; app reads a report"));
    // In the data block, markup is \u escaped, so no `</script>` can close it early.
    let data_start = page.find("id=\"matrix-data\">").unwrap();
    let data_end = data_start + page[data_start..].find("</script>").unwrap();
    let data = &page[data_start + "id=\"matrix-data\">".len()..data_end];
    assert!(!data.contains('<') && !data.contains('>'));
    assert!(data.contains(r"\u003c/script\u003e\u003cscript\u003ewindow.pwned=3"));
    // The role's name in a header, and its box found through it.
    let evil = "arn:aws:iam::111122223333:role/&lt;script&gt;window.pwned=1&lt;/script&gt;";
    let cell = button(&page, evil, "arn:aws:s3:::acme-reports/q3.csv", "read");
    assert!(cell.contains("class=\"cell deny cond\""), "{cell}");
    let parsed: serde_json::Value = serde_json::from_str(data).unwrap();
    assert!(parsed["principals"].as_array().unwrap().iter().any(|p| p
        .as_str()
        .unwrap()
        .ends_with("role/<script>window.pwned=1</script>")));
    // The failing case's file is open.
    assert!(page.contains("<details class=\"file failed\" id=\"file-0\" open>"));
}

#[test]
fn the_page_loads_nothing_from_the_network() {
    let page = hostile();
    assert!(page.contains(&format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
    )));
    assert!(CSP.starts_with("default-src 'none'"));
    let external =
        Regex::new(r#"(?i)(src|href)\s*=\s*["']?(https?:|//)|<link|@import|url\("#).unwrap();
    assert!(
        external.find(&page).is_none(),
        "{:?}",
        external.find(&page).map(|m| m.as_str())
    );
    let hrefs = Regex::new(r#"href="([^"]*)""#).unwrap();
    for h in hrefs.captures_iter(&page) {
        assert!(h[1].starts_with('#'), "href {}", &h[1]);
    }
}

#[test]
fn the_browser_test_artifacts_are_committed() {
    let dir = root().join("tests/fixtures/html");
    let png = std::fs::read(dir.join("report.png")).expect("scripts/test-html-report writes it");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000);
    let results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("browser-results.json")).unwrap())
            .unwrap();
    assert_eq!(results["failed"], 0, "{results}");
    let names: Vec<&str> = results["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    for wanted in [
        "reference: research reads its own runtime (allow)",
        "reference: support cannot read research's repository (deny)",
        "reference: a click on a denied cell explains it",
        "reference: no console or page errors",
        "reference: no network request",
        "hostile: no script from input ran",
        "reference: screenshot matches the baseline",
    ] {
        assert!(names.contains(&wanted), "{wanted} not in {names:?}");
    }
}
