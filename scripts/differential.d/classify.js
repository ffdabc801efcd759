// Disagreements: shrink each to a minimal case that still disagrees the same way, and name its
// class by the shape of what is left (decisions, service, caller, layers, statement forms).
'use strict';

const clone = (x) => JSON.parse(JSON.stringify(x));
const DERIVED = new Set(['aws:PrincipalArn', 'aws:PrincipalAccount', 'aws:PrincipalType', 'aws:PrincipalIsAWSService',
  'aws:PrincipalServiceName', 'aws:username', 'aws:ResourceAccount', 'aws:CurrentTime', 'aws:EpochTime']);

/** Every policy document in a row, with a setter path for deleting it. */
function docs(row) {
  const out = [];
  const p = row.principal || {};
  (p.identity || []).forEach((d, i) => out.push({ d, del: (r) => { r.principal.identity.splice(i, 1); } }));
  if (p.boundary) out.push({ d: p.boundary, del: (r) => { delete r.principal.boundary; } });
  // A key policy or trust policy always exists in AWS: shrinking may empty it but not remove it.
  const required = /^(kms|sts):/.test(row.action);
  if (row.resource.policy && !required) out.push({ d: row.resource.policy, del: (r) => { delete r.resource.policy; } });
  for (const f of ['scps', 'rcps']) {
    (row[f] || []).forEach((level, l) => level.forEach((d, j) => out.push({
      d,
      del: (r) => { r[f][l].splice(j, 1); if (r[f][l].length === 0) r[f].splice(l, 1); if (r[f].length === 0) delete r[f]; },
    })));
  }
  return out;
}

/** Candidate reductions of a row, biggest first. */
function* reductions(row) {
  for (const f of ['scps', 'rcps']) if (row[f]) { const r = clone(row); delete r[f]; yield r; }
  const n = docs(row).length;
  for (let i = 0; i < n; i++) { const r = clone(row); docs(r)[i].del(r); yield r; }
  for (let i = 0; i < n; i++) {
    const st = docs(row)[i].d.Statement;
    for (let k = 0; k < st.length; k++) {
      if (st.length > 1) { const r = clone(row); docs(r)[i].d.Statement.splice(k, 1); yield r; }
      const s = st[k];
      if (s.Condition) {
        { const r = clone(row); delete docs(r)[i].d.Statement[k].Condition; yield r; }
        for (const op of Object.keys(s.Condition)) {
          const keys = Object.keys(s.Condition[op]);
          if (Object.keys(s.Condition).length > 1) { const r = clone(row); delete docs(r)[i].d.Statement[k].Condition[op]; yield r; }
          for (const key of keys) {
            if (keys.length > 1) { const r = clone(row); delete docs(r)[i].d.Statement[k].Condition[op][key]; yield r; }
            const v = s.Condition[op][key];
            if (Array.isArray(v) && v.length > 1) {
              for (const one of v) { const r = clone(row); docs(r)[i].d.Statement[k].Condition[op][key] = [one]; yield r; }
            }
          }
        }
      }
      for (const el of ['Action', 'NotAction', 'Resource', 'NotResource']) {
        if (Array.isArray(s[el]) && s[el].length > 1) {
          for (const one of s[el]) { const r = clone(row); docs(r)[i].d.Statement[k][el] = [one]; yield r; }
        }
      }
      if (s.Sid) { const r = clone(row); delete docs(r)[i].d.Statement[k].Sid; yield r; }
    }
  }
  for (const key of Object.keys(row.context || {})) {
    // Keys AWS derives from the request stay: iamsim derives them too, the peer does not.
    if (DERIVED.has(key)) continue;
    const r = clone(row); delete r.context[key]; yield r;
    const v = row.context[key];
    if (Array.isArray(v) && v.length > 1) for (const one of v) { const r2 = clone(row); r2.context[key] = [one]; yield r2; }
  }
}

/** Greedy shrinking: keep any reduction that keeps the same pair of decisions. */
async function minimize(row, pair, iamsim, peer, budget = 400) {
  let cur = row;
  let progress = true;
  while (progress && budget > 0) {
    progress = false;
    for (const cand of reductions(cur)) {
      if (--budget <= 0) break;
      const a = await iamsim.decide(cand);
      if (a !== pair[0]) continue;
      const b = await peer.decide(cand);
      if (b !== pair[1]) continue;
      cur = cand;
      progress = true;
      break;
    }
  }
  return cur;
}

function acctOf(arn) {
  if (/^\d{12}$/.test(arn)) return arn;
  const m = /^arn:aws:(iam|sts)::(\d{12}):/.exec(arn);
  return m ? m[2] : null;
}

function principalShape(el, caller) {
  if (el === '*') return '*';
  const parts = [];
  for (const [k, vs] of Object.entries(el)) {
    for (const v of [].concat(vs)) {
      if (k === 'Service') { parts.push(v === caller.arn ? 'service:caller' : 'service:other'); continue; }
      if (v === '*') { parts.push('AWS:*'); continue; }
      const same = acctOf(v) === caller.account ? 'caller' : 'other';
      if (v === caller.arn) parts.push('caller-arn');
      else if (/:root$/.test(v) || /^\d{12}$/.test(v)) parts.push(`account:${same}${/^\d{12}$/.test(v) ? '(id)' : ''}`);
      else if (caller.roleArn && v === caller.roleArn) parts.push('caller-role-arn');
      else parts.push(`arn:${same}`);
    }
  }
  return parts.sort().join('+');
}

function callerOf(row) {
  const arn = row.principal.arn;
  if (!arn.startsWith('arn:')) return { arn, kind: 'service', account: null };
  const account = acctOf(arn);
  const m = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(arn);
  const kind = m ? 'session' : arn.includes(':role/') ? 'role' : 'user';
  return { arn, kind, account, roleArn: m ? `arn:aws:iam::${m[1]}:role/${m[2]}` : null };
}

function patternShape(p, exact) {
  if (p === '*') return '*';
  if (p === exact) return 'exact';
  if (p.toLowerCase() === exact.toLowerCase()) return 'case';
  if (/[*?]/.test(p)) return 'wild';
  return 'other';
}

function statementShape(s, row, caller) {
  const bits = [s.Effect];
  if (s.Principal !== undefined) bits.push(`P=${principalShape(s.Principal, caller)}`);
  if (s.NotPrincipal !== undefined) bits.push(`NP=${principalShape(s.NotPrincipal, caller)}`);
  if (s.Action !== undefined) bits.push(`A=${[].concat(s.Action).map((a) => patternShape(a, row.action)).join('+')}`);
  if (s.NotAction !== undefined) bits.push(`NA=${[].concat(s.NotAction).map((a) => patternShape(a, row.action)).join('+')}`);
  if (s.Resource !== undefined) bits.push(`R=${[].concat(s.Resource).map((a) => patternShape(a, row.resource.arn)).join('+')}`);
  if (s.NotResource !== undefined) bits.push(`NR=${[].concat(s.NotResource).map((a) => patternShape(a, row.resource.arn)).join('+')}`);
  for (const [op, kv] of Object.entries(s.Condition || {})) {
    for (const [key, vals] of Object.entries(kv)) {
      const ctxKey = Object.keys(row.context || {}).find((k) => k.toLowerCase() === key.toLowerCase());
      const marks = [];
      if (ctxKey === undefined) marks.push('absent');
      else if ([].concat(row.context[ctxKey]).every((x) => x === '')) marks.push('empty');
      const pv = [].concat(vals).map(String);
      if (/Date/.test(op) && pv.some((v) => /^\d+$/.test(v))) marks.push('epoch');
      if (/Date/.test(op) && pv.some((v) => /^\d{4}-\d\d-\d\d$/.test(v))) marks.push('date-only');
      if (/IpAddress/.test(op) && ctxKey !== undefined) {
        const fam = (x) => (String(x).includes(':') ? 6 : 4);
        const rv = [].concat(row.context[ctxKey]);
        if (rv.some((x) => !pv.some((p) => fam(p) === fam(x)))) marks.push('other-family');
      }
      bits.push(`${op}(${key}${marks.map((m) => `,${m}`).join('')})`);
    }
  }
  return bits.join(' ');
}

/** The class of a minimized disagreement: a readable one-line shape. */
function classOf(row, pair, raw) {
  // A load error on one side is named by its message, with the row's specifics taken out.
  const err = raw.find((d) => d.startsWith('error'));
  if (err) {
    const side = raw[0].startsWith('error') ? 'iamsim' : 'peer';
    const msg = err.replace(/"(rcp|scp|identity|boundary)[-\w]*"/g, '"$1"').replace(/\d{12}/g, 'ACCT').slice(0, 240);
    return `${side} rejects: ${msg}`;
  }
  const caller = callerOf(row);
  const svc = row.action.split(':')[0];
  const cross = caller.account && caller.account !== row.resource.account ? 'cross-account' : 'same-account';
  const layers = [];
  const p = row.principal;
  (p.identity || []).forEach((d) => layers.push(`identity[${d.Statement.map((s) => statementShape(s, row, caller)).join('; ')}]`));
  if (p.boundary) layers.push(`boundary[${p.boundary.Statement.map((s) => statementShape(s, row, caller)).join('; ')}]`);
  if (row.resource.policy) layers.push(`resource[${row.resource.policy.Statement.map((s) => statementShape(s, row, caller)).join('; ')}]`);
  for (const f of ['scps', 'rcps']) {
    if (row[f]) layers.push(`${f}[${row[f].map((l) => l.map((d) => d.Statement.map((s) => statementShape(s, row, caller)).join('; ')).join(' | ')).join(' / ')}]`);
  }
  return `iamsim=${pair[0]} peer=${pair[1]} | ${svc} ${caller.kind} ${cross} | ${layers.join(' ')}`;
}

module.exports = { minimize, classOf, reductions };
