// The two simulators behind one interface: `decide(row)` -> 'allow' | 'explicit-deny' |
// 'implicit-deny' | 'error: ...'. iamsim runs as one long-lived child process (the
// `differential` example, JSON lines); iam-simulate runs in this node process.
'use strict';

const { spawn } = require('child_process');
const readline = require('readline');

/** iamsim's example binary, kept running; answers come back in order. */
class Iamsim {
  constructor(bin) {
    this.child = spawn(bin, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.waiting = [];
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => {
      const w = this.waiting.shift();
      const a = JSON.parse(line);
      w(a.error !== undefined ? `error: ${a.error}` : a.decision);
    });
  }

  decide(row) {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.stdin.write(`${JSON.stringify(row)}\n`);
    });
  }

  /** Decide many rows in one stream (for the timed bulk pass). */
  decideAll(rows) {
    const out = rows.map((row) => new Promise((resolve) => this.waiting.push(resolve)));
    let i = 0;
    const pump = () => {
      while (i < rows.length) {
        const ok = this.child.stdin.write(`${JSON.stringify(rows[i++])}\n`);
        if (!ok) { this.child.stdin.once('drain', pump); return; }
      }
    };
    pump();
    return Promise.all(out);
  }

  close() { this.child.stdin.end(); }
}

/** A row in the tests/cases/engine shape as an iam-simulate `Simulation`. */
function toSimulation(row) {
  const p = row.principal || {};
  // iam-simulate adds RCPFullAWSAccess to every level itself and rejects it as input (an RCP
  // Allow is not allowed to be written), so the rows' explicit copy is left out for it.
  const isRcpFull = (d) => d.Statement.length === 1 && d.Statement[0].Sid === 'RCPFullAWSAccess';
  const levels = (ls, prefix) => (ls || []).map((level, i) => ({
    orgIdentifier: `${prefix}-level${i}`,
    policies: level
      .map((policy, j) => ({ name: `${prefix}-${i}-${j}`, policy }))
      .filter((p) => prefix !== 'rcp' || !isRcpFull(p.policy)),
  }));
  const sim = {
    request: {
      principal: p.arn,
      action: row.action,
      resource: { resource: row.resource.arn, accountId: row.resource.account },
      contextVariables: row.context || {},
    },
    identityPolicies: (p.identity || []).map((policy, i) => ({ name: `identity${i}`, policy })),
    serviceControlPolicies: levels(row.scps, 'scp'),
    resourceControlPolicies: levels(row.rcps, 'rcp'),
  };
  if (p.boundary) sim.permissionBoundaryPolicies = [{ name: 'boundary', policy: p.boundary }];
  if (row.resource.policy) sim.resourcePolicy = row.resource.policy;
  return sim;
}

const PEER_NAMES = { Allowed: 'allow', ExplicitlyDenied: 'explicit-deny', ImplicitlyDenied: 'implicit-deny' };

/** @cloud-copilot/iam-simulate, loaded from the scratch folder `dir`. */
class Peer {
  constructor(dir) {
    this.lib = require(require.resolve('@cloud-copilot/iam-simulate', { paths: [dir] }));
  }

  async decide(row) {
    let r;
    try {
      r = await this.lib.runSimulation(toSimulation(row), { simulationMode: 'Strict' });
    } catch (e) {
      return `error: ${String(e.message).split('\n')[0]}`;
    }
    if (r.resultType === 'error') return `error: ${r.errors.message} ${JSON.stringify(r.errors).slice(0, 300)}`;
    if (r.resultType !== 'single') return `error: result type ${r.resultType}`;
    const ignored = r.result.ignoredContextKeys || [];
    if (ignored.length) return `error: ignored context keys ${ignored.join(',')}`;
    return PEER_NAMES[r.overallResult] || `error: overall ${r.overallResult}`;
  }
}

module.exports = { Iamsim, Peer, toSimulation };
