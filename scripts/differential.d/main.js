// scripts/differential driver: node main.js N SEED IAMSIM_BIN PEER_DIR OUT_DIR
// Generates N seeded cases, decides each with iamsim and with iam-simulate (timed separately),
// shrinks every disagreement and groups them into classes. Classes listed in documented.js
// (each backed by a section of docs/semantics-decisions.md) are excluded from the agreement rate.
'use strict';

const fs = require('fs');
const path = require('path');
const { rng, genCase } = require('./gen.js');
const { Iamsim, Peer } = require('./sides.js');
const { minimize, classOf } = require('./classify.js');
const { DOCUMENTED } = require('./documented.js');

const norm = (d) => (d.startsWith('error') ? 'error' : d);

async function main() {
  const [n, seed, bin, peerDir, outDir] = process.argv.slice(2);
  const N = Number(n);
  fs.mkdirSync(outDir, { recursive: true });
  const r = rng(Number(seed));
  const rows = [];
  for (let i = 0; i < N; i++) rows.push(genCase(r));
  fs.writeFileSync(path.join(outDir, 'cases.jsonl'), rows.map((x) => JSON.stringify(x)).join('\n') + '\n');

  const iamsim = new Iamsim(bin);
  let t0 = process.hrtime.bigint();
  const ours = await iamsim.decideAll(rows);
  const iamsimSecs = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stderr.write(`iamsim: ${N} cases in ${iamsimSecs.toFixed(2)}s\n`);

  const peer = new Peer(peerDir);
  t0 = process.hrtime.bigint();
  const theirs = [];
  for (let i = 0; i < N; i++) {
    theirs.push(await peer.decide(rows[i]));
    if (i % 10000 === 9999) process.stderr.write(`peer: ${i + 1}\n`);
  }
  const peerSecs = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stderr.write(`peer: ${N} cases in ${peerSecs.toFixed(2)}s\n`);

  const normIamsim = { decide: async (row) => norm(await iamsim.decide(row)) };
  const normPeer = { decide: async (row) => norm(await peer.decide(row)) };
  const classes = new Map();
  const dis = [];
  for (let i = 0; i < N; i++) {
    if (ours[i] === theirs[i]) continue;
    const pair = [norm(ours[i]), norm(theirs[i])];
    if (pair[0] === pair[1]) continue; // both errors, different words
    const small = await minimize(rows[i], pair, normIamsim, normPeer);
    const name = classOf(small, pair, [ours[i], theirs[i]]);
    dis.push({ index: i, iamsim: ours[i], peer: theirs[i], class: name, minimal: small });
    const c = classes.get(name) || { count: 0, example: small, iamsim: ours[i], peer: theirs[i] };
    c.count++;
    if (JSON.stringify(small).length < JSON.stringify(c.example).length) c.example = small;
    classes.set(name, c);
  }
  iamsim.close();
  fs.writeFileSync(path.join(outDir, 'disagreements.jsonl'), dis.map((x) => JSON.stringify(x)).join('\n') + '\n');

  const documentedOf = (name) => DOCUMENTED.find((d) => d.match.test(name));
  let excluded = 0;
  const report = [];
  const sorted = [...classes.entries()].sort((a, b) => b[1].count - a[1].count);
  for (const [name, c] of sorted) {
    const d = documentedOf(name);
    if (d) excluded += c.count;
    report.push({ class: name, count: c.count, documented: d ? d.section : null, iamsim: c.iamsim, peer: c.peer, example: c.example });
  }
  fs.writeFileSync(path.join(outDir, 'classes.json'), JSON.stringify(report, null, 1));
  const agree = N - dis.length;
  const counted = N - excluded;
  const lines = [];
  lines.push(`cases: ${N} (seed ${seed})`);
  lines.push(`iamsim: ${(N / iamsimSecs).toFixed(0)} evaluations/s (${iamsimSecs.toFixed(2)}s, one process, JSON lines)`);
  lines.push(`iam-simulate: ${(N / peerSecs).toFixed(0)} evaluations/s (${peerSecs.toFixed(2)}s, one node process, runSimulation)`);
  lines.push(`agree: ${agree}/${N} (${((100 * agree) / N).toFixed(3)}%)`);
  lines.push(`documented classes excluded: ${excluded} cases; agreement over the rest: ${agree}/${counted} (${((100 * agree) / counted).toFixed(3)}%)`);
  lines.push(`disagreement classes: ${classes.size} (${dis.length} cases)`);
  for (const x of report) {
    lines.push('');
    lines.push(`[${x.count}] ${x.documented ? `DOCUMENTED (${x.documented}) ` : ''}${x.class}`);
    lines.push(`  iamsim: ${x.iamsim.slice(0, 300)}`);
    lines.push(`  peer:   ${x.peer.slice(0, 300)}`);
    lines.push(`  example: ${JSON.stringify(x.example)}`);
  }
  fs.writeFileSync(path.join(outDir, 'report.txt'), lines.join('\n') + '\n');
  process.stdout.write(lines.slice(0, 6).join('\n') + '\n');
  process.stdout.write(`full report: ${path.join(outDir, 'report.txt')}\n`);
}

main().catch((e) => { process.stderr.write(`${e.stack}\n`); process.exit(2); });
