// Random engine cases in the tests/cases/engine row shape (docs/formats.md), seeded.
// Every case is valid for both simulators: actions and resource ARNs come from the AWS catalog,
// context keys are global keys with values of their documented type, and the keys AWS derives
// from the request (aws:PrincipalArn, aws:CurrentTime, ...) are always given explicitly, because
// the peer does not derive them (its README: "coming soon").
'use strict';

const A = '111122223333';
const B = '444455556666';
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const NOW_ISO = '2024-06-01T00:00:00Z';
const NOW_EPOCH = '1717200000';

/** mulberry32: a small seeded PRNG. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    chance: (p) => next() < p,
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
  };
}

// Targets: an action, its resource (per account), and the kind of resource policy it takes.
const TARGETS = [
  { action: 's3:GetObject', arn: () => 'arn:aws:s3:::bucket1/reports/q3.csv', s3: true, kind: 'resource' },
  { action: 's3:PutObject', arn: () => 'arn:aws:s3:::bucket1/reports/q3.csv', s3: true, kind: 'resource' },
  { action: 's3:ListBucket', arn: () => 'arn:aws:s3:::bucket1', s3: true, kind: 'resource' },
  { action: 'sqs:SendMessage', arn: (acct) => `arn:aws:sqs:us-east-1:${acct}:queue1`, kind: 'resource' },
  { action: 'lambda:InvokeFunction', arn: (acct) => `arn:aws:lambda:us-east-1:${acct}:function:f1`, kind: 'resource' },
  { action: 'dynamodb:GetItem', arn: (acct) => `arn:aws:dynamodb:us-east-1:${acct}:table/t1`, kind: 'none' },
  { action: 'kms:Decrypt', arn: (acct) => `arn:aws:kms:us-east-1:${acct}:key/${KEY_ID}`, kind: 'key' },
  { action: 'kms:Encrypt', arn: (acct) => `arn:aws:kms:us-east-1:${acct}:key/${KEY_ID}`, kind: 'key' },
  { action: 'sts:AssumeRole', arn: (acct) => `arn:aws:iam::${acct}:role/target`, kind: 'trust' },
];

const PRINCIPALS = [
  { arn: `arn:aws:iam::${A}:user/alice`, account: A, type: 'User', pArn: `arn:aws:iam::${A}:user/alice`, username: 'alice' },
  { arn: `arn:aws:iam::${A}:role/app`, account: A, type: 'AssumedRole', pArn: `arn:aws:iam::${A}:role/app` },
  { arn: `arn:aws:sts::${A}:assumed-role/app/s1`, account: A, type: 'AssumedRole', pArn: `arn:aws:iam::${A}:role/app` },
  { arn: `arn:aws:iam::${B}:user/bob`, account: B, type: 'User', pArn: `arn:aws:iam::${B}:user/bob`, username: 'bob' },
  { arn: `arn:aws:sts::${B}:assumed-role/ext/s2`, account: B, type: 'AssumedRole', pArn: `arn:aws:iam::${B}:role/ext` },
  { arn: 'lambda.amazonaws.com', service: true },
];

function actionPatterns(r, action) {
  const [svc, name] = action.split(':');
  return [
    action, action, action.toUpperCase(), `${svc}:*`, '*', `${svc}:${name.slice(0, 3)}*`,
    `${svc}:${name.slice(0, -1)}?`, 's3:GetObject', 'sqs:*', 'kms:Decrypt', 'sts:AssumeRole',
    'iam:PassRole',
  ];
}

function resourcePatterns(r, arn) {
  const parts = arn.split(':');
  const out = [arn, arn, '*', `${arn.slice(0, -2)}*`, `${arn.slice(0, -1)}?`];
  if (arn.startsWith('arn:aws:s3:::')) out.push('arn:aws:s3:::bucket1/*', 'arn:aws:s3:::bucket1*', 'arn:aws:s3:::other/*');
  else {
    out.push(`${parts.slice(0, 3).join(':')}:*:${parts[4]}:*`, `${parts.slice(0, 4).join(':')}:${parts[4] === A ? B : A}:*`);
  }
  return out;
}

// Condition templates: key, operators, policy values, request values (undefined = key absent).
const CONDS = [
  { key: 'aws:PrincipalTag/team', ops: ['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase'],
    vals: [['eng'], ['eng-*'], ['ops', 'eng'], ['Eng'], ['e?g'], ['*']], req: [undefined, 'eng', 'ENG', 'eng-data', 'ops', ''] },
  { key: 'aws:RequestedRegion', ops: ['StringEquals', 'StringNotEquals', 'StringLike'],
    vals: [['us-east-1'], ['eu-*'], ['us-east-1', 'us-west-2']], req: [undefined, 'us-east-1', 'eu-west-1'] },
  { key: 'aws:MultiFactorAuthAge', ops: ['NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals'],
    vals: [['3600'], ['600', '7200'], ['3600.0']], req: [undefined, '100', '3600', '7200'] },
  { key: 'aws:TokenIssueTime', ops: ['DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals'],
    vals: [['2024-01-01T00:00:00Z'], ['2024-06-01T00:00:00Z'], ['1704067200'], ['2024-03-01']], req: [undefined, '2023-12-31T23:00:00Z', '2024-01-01T00:00:00Z', '2024-06-01T00:00:00Z'] },
  { key: 'aws:CurrentTime', ops: ['DateLessThan', 'DateGreaterThan', 'DateGreaterThanEquals'],
    vals: [['2024-06-01T00:00:00Z'], ['2025-01-01T00:00:00Z'], ['2020-01-01T00:00:00Z']], req: [NOW_ISO] },
  { key: 'aws:SecureTransport', ops: ['Bool'], vals: [['true'], ['false']], req: [undefined, 'true', 'false'] },
  { key: 'aws:MultiFactorAuthPresent', ops: ['Bool'], vals: [['true'], ['false']], req: [undefined, 'true', 'false'] },
  { key: 'aws:SourceIp', ops: ['IpAddress', 'NotIpAddress'],
    vals: [['10.0.0.0/8'], ['192.168.1.1/32'], ['192.168.1.1'], ['2001:db8::/32', '10.0.0.0/8']], req: [undefined, '10.1.2.3', '192.168.1.1', '8.8.8.8', '2001:db8::1'] },
  { key: 'aws:SourceArn', ops: ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike'],
    vals: [[`arn:aws:lambda:us-east-1:${A}:function:*`], [`arn:aws:sns:*:${A}:topic1`], [`arn:aws:lambda:us-east-1:${A}:function:f1`], ['arn:aws:*:*:*:*']],
    req: [undefined, `arn:aws:lambda:us-east-1:${A}:function:f1`, `arn:aws:sns:us-east-1:${A}:topic1`, `arn:aws:lambda:us-east-1:${B}:function:f1`] },
  { key: 'aws:PrincipalArn', ops: ['ArnLike', 'ArnNotLike', 'ArnEquals', 'StringLike'], derived: true,
    vals: [[`arn:aws:iam::${A}:role/*`], [`arn:aws:iam::${A}:user/alice`], [`arn:aws:iam::*:role/app`]] },
  { key: 'aws:PrincipalAccount', ops: ['StringEquals', 'StringNotEquals'], derived: true, vals: [[A], [B]] },
  { key: 'aws:TagKeys', ops: ['ForAllValues:StringEquals', 'ForAnyValue:StringEquals', 'ForAllValues:StringLike', 'ForAnyValue:StringNotEquals', 'ForAllValues:StringNotLike'],
    vals: [['env', 'team'], ['env'], ['t*']], req: [undefined, [], ['env'], ['env', 'owner'], ['team', 'tier']] },
  { key: 'aws:CalledVia', ops: ['ForAnyValue:StringEquals', 'ForAllValues:StringEquals'],
    vals: [['athena.amazonaws.com'], ['athena.amazonaws.com', 'cloudformation.amazonaws.com']],
    req: [undefined, ['athena.amazonaws.com'], ['athena.amazonaws.com', 'glue.amazonaws.com']] },
];
const NULL_KEYS = ['aws:PrincipalTag/team', 'aws:SourceIp', 'aws:TagKeys', 'aws:MultiFactorAuthAge', 'aws:SourceArn'];

function condition(r, usedKeys) {
  const out = {};
  const n = r.chance(0.7) ? 1 : 2;
  for (let i = 0; i < n; i++) {
    if (r.chance(0.1)) {
      const key = r.pick(NULL_KEYS);
      usedKeys.add(key);
      out.Null = Object.assign(out.Null || {}, { [key]: r.pick(['true', 'false']) });
      continue;
    }
    const t = r.pick(CONDS);
    usedKeys.add(t.key);
    let op = r.pick(t.ops);
    if (!op.startsWith('For') && r.chance(0.05) && (t.key !== 'aws:PrincipalArn')) {
      op = `${r.pick(['ForAnyValue', 'ForAllValues'])}:${op}`; // set operator on a single-valued key (rule 22)
    }
    if (r.chance(0.2)) op += 'IfExists';
    out[op] = Object.assign(out[op] || {}, { [t.key]: r.pick(t.vals) });
  }
  return out;
}

function statement(r, ctx) {
  const s = { Effect: r.chance(0.7) ? 'Allow' : 'Deny' };
  if (r.chance(0.15)) s.NotAction = [r.pick(actionPatterns(r, ctx.action))];
  else s.Action = r.chance(0.2) ? [r.pick(actionPatterns(r, ctx.action)), r.pick(actionPatterns(r, ctx.action))] : r.pick(actionPatterns(r, ctx.action));
  if (r.chance(0.1)) s.NotResource = [r.pick(resourcePatterns(r, ctx.arn))];
  else s.Resource = r.pick(resourcePatterns(r, ctx.arn));
  if (r.chance(0.4)) s.Condition = condition(r, ctx.usedKeys);
  return s;
}

function doc(r, ctx, min, max, extra) {
  const st = [];
  const n = r.int(min, max);
  for (let i = 0; i < n; i++) st.push(extra ? extra(statement(r, ctx)) : statement(r, ctx));
  return { Version: '2012-10-17', Statement: st };
}

function principalElement(r, ctx) {
  const me = ctx.principal;
  const opts = [
    { AWS: `arn:aws:iam::${A}:root` }, { AWS: A }, { AWS: `arn:aws:iam::${B}:root` }, { AWS: B },
    { AWS: `arn:aws:iam::${A}:user/alice` }, { AWS: `arn:aws:iam::${A}:role/app` },
    { AWS: `arn:aws:sts::${A}:assumed-role/app/s1` }, { AWS: `arn:aws:iam::${B}:user/bob` },
    { AWS: `arn:aws:iam::${B}:role/ext` }, '*', { AWS: '*' }, { Service: 'lambda.amazonaws.com' },
    { Service: 'sns.amazonaws.com' },
  ];
  if (me.arn && !me.service) opts.push({ AWS: me.arn }, { AWS: me.arn });
  return r.pick(opts);
}

function resourcePolicy(r, ctx) {
  return doc(r, ctx, 1, 3, (s) => {
    if (s.Effect === 'Deny' && r.chance(0.1)) {
      s.NotPrincipal = { AWS: [`arn:aws:iam::${A}:root`, `arn:aws:iam::${A}:role/app`] };
    } else {
      s.Principal = principalElement(r, ctx);
    }
    return s;
  });
}

function keyPolicy(r, ctx) {
  const p = resourcePolicy(r, ctx);
  if (r.chance(0.5)) {
    // The default key policy statement that enables IAM policies for the key's account.
    p.Statement.unshift({ Sid: 'EnableIam', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ctx.resourceAccount}:root` }, Action: 'kms:*', Resource: '*' });
  }
  return p;
}

function trustPolicy(r, ctx) {
  return doc(r, ctx, 1, 2, (s) => {
    s.Principal = principalElement(r, ctx);
    if (r.chance(0.6)) { delete s.NotAction; s.Action = r.pick(['sts:AssumeRole', 'sts:AssumeRole', 'sts:*', 'sts:TagSession']); }
    delete s.Resource; delete s.NotResource;
    return s;
  });
}

const FULL = (tag) => ({ Version: '2012-10-17', Statement: [{ Sid: tag, Effect: 'Allow', Action: '*', Resource: '*' }] });
const RCP_FULL = { Version: '2012-10-17', Statement: [{ Sid: 'RCPFullAWSAccess', Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] };

function context(r, ctx) {
  const c = {};
  for (const t of CONDS) {
    if (!ctx.usedKeys.has(t.key) || t.derived || !t.req) continue;
    const v = r.pick(t.req);
    if (v !== undefined) c[t.key] = v;
  }
  for (const k of NULL_KEYS) {
    if (ctx.usedKeys.has(k) && !(k in c) && r.chance(0.5)) {
      const t = CONDS.find((x) => x.key === k);
      const v = r.pick(t.req.filter((x) => x !== undefined));
      if (v !== undefined) c[k] = v;
    }
  }
  // Keys AWS derives from the request, given explicitly (global condition keys page).
  const p = ctx.principal;
  if (p.service) {
    c['aws:PrincipalServiceName'] = p.arn;
    c['aws:PrincipalIsAWSService'] = 'true';
  } else {
    c['aws:PrincipalArn'] = p.pArn;
    c['aws:PrincipalAccount'] = p.account;
    c['aws:PrincipalType'] = p.type;
    c['aws:PrincipalIsAWSService'] = 'false';
    if (p.username) c['aws:username'] = p.username;
  }
  c['aws:ResourceAccount'] = ctx.resourceAccount;
  c['aws:CurrentTime'] = NOW_ISO;
  c['aws:EpochTime'] = NOW_EPOCH;
  return c;
}

/** One random case (a tests/cases/engine row without `name`/`expect`). */
function genCase(r) {
  const target = r.pick(TARGETS);
  const principal = r.pick(PRINCIPALS);
  const resourceAccount = r.chance(0.65) ? A : B;
  const arn = target.arn(resourceAccount);
  const ctx = { action: target.action, arn, principal, resourceAccount, usedKeys: new Set() };
  const row = { principal: { arn: principal.arn }, resource: { arn, account: resourceAccount }, action: target.action };
  if (!principal.service) {
    row.principal.identity = [];
    const n = r.int(0, 2);
    for (let i = 0; i < n; i++) row.principal.identity.push(doc(r, ctx, 1, 3));
    if (r.chance(0.25)) row.principal.boundary = r.chance(0.3) ? FULL('BoundaryAll') : doc(r, ctx, 1, 2);
  }
  // A KMS key always has a key policy and a role always has a trust policy.
  const hasPolicy = target.kind === 'key' || target.kind === 'trust' || (target.kind === 'resource' && r.chance(0.6));
  if (hasPolicy) {
    row.resource.policy = target.kind === 'key' ? keyPolicy(r, ctx) : target.kind === 'trust' ? trustPolicy(r, ctx) : resourcePolicy(r, ctx);
  }
  if (!principal.service && r.chance(0.35)) {
    row.scps = [];
    const levels = r.int(1, 3);
    for (let i = 0; i < levels; i++) {
      const level = [];
      if (r.chance(0.85)) level.push(FULL('FullAWSAccess'));
      if (level.length === 0 || r.chance(0.4)) level.push(doc(r, ctx, 1, 2));
      row.scps.push(level);
    }
  }
  if (r.chance(0.25)) {
    row.rcps = [];
    const levels = r.int(1, 2);
    for (let i = 0; i < levels; i++) {
      const level = [RCP_FULL];
      if (r.chance(0.6)) {
        // RCP syntax page: Allow only in RCPFullAWSAccess, no NotAction, no Action "*".
        level.push(doc(r, ctx, 1, 2, (s) => {
          s.Effect = 'Deny';
          s.Principal = '*';
          delete s.NotAction;
          s.Action = r.pick(actionPatterns(r, ctx.action).filter((a) => a !== '*'));
          return s;
        }));
      }
      row.rcps.push(level);
    }
  }
  row.context = context(r, ctx);
  return row;
}

module.exports = { rng, genCase };
