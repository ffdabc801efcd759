//! Random requests against random policies. The input is structured (`arbitrary`) over small
//! pools of actions, resources, operators, keys and values, so that patterns and requests
//! collide; it becomes JSON, goes through the real parser and `Engine::new`, and is evaluated.
//! Checks: evaluation never panics; `evaluate` and `explain` agree; an allow or an explicit deny
//! names the statements that decided.
#![no_main]

use arbitrary::Arbitrary;
use iamsim::engine::{Decision, Engine};
use iamsim::inventory::{named, AdHoc};
use iamsim::policy::{parse_document, PolicyKind};
use iamsim::request::{Principal, Request};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:Get*",
    "s3:*",
    "*",
    "S3:getobject",
    "s3:?etObject",
    "kms:Decrypt",
    "kms:*crypt",
    "kms:*",
    "sts:AssumeRole",
    "s3:PutObject",
    "iam:PassRole",
];
const REQUEST_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "S3:getobject",
    "kms:Decrypt",
    "kms:Encrypt",
    "sts:AssumeRole",
    "iam:PassRole",
    "s3:ListBucket",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::*",
    "arn:aws:s3:::b",
    "arn:aws:kms:us-east-1:111122223333:key/k1",
    "arn:aws:kms:*:111122223333:key/*",
    "arn:aws:s3:::b/${aws:username}/*",
    "arn:aws:iam::111122223333:role/r",
    "arn:aws:*:*:*:*",
    "arn:aws:s3:::b/?",
];
const PRINCIPALS: &[&str] = &[
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::111122223333:role/r",
    "arn:aws:sts::111122223333:assumed-role/r/s",
    "arn:aws:iam::444455556666:user/bob",
    "arn:aws:iam::111122223333:root",
    "anonymous",
    "cloudtrail.amazonaws.com",
];
const POLICY_PRINCIPALS: &[&str] = &[
    "*",
    "arn:aws:iam::111122223333:root",
    "111122223333",
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::444455556666:user/bob",
    "arn:aws:iam::111122223333:role/r",
];
const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericLessThan",
    "NumericGreaterThanEquals",
    "DateLessThan",
    "DateGreaterThan",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotLike",
    "Null",
    "StringLikeIfExists",
    "ForAllValues:StringLike",
    "ForAnyValue:StringEquals",
    "ForAllValues:StringNotEquals",
    "NumericLessThanIfExists",
    "BoolIfExists",
    "ArnLikeIfExists",
    "ForAnyValue:IpAddress",
];
const KEYS: &[&str] = &[
    "aws:username",
    "aws:SourceIp",
    "aws:CurrentTime",
    "aws:PrincipalTag/team",
    "s3:prefix",
    "aws:SecureTransport",
    "aws:MultiFactorAuthAge",
    "aws:SourceArn",
    "aws:PrincipalArn",
    "aws:TagKeys",
    "aws:PrincipalAccount",
];
const VALUES: &[&str] = &[
    "eng-*",
    "eng-data",
    "10.0.0.0/8",
    "10.1.2.3",
    "2024-01-01T00:00:00Z",
    "true",
    "false",
    "5",
    "3600",
    "arn:aws:iam::111122223333:role/*",
    "arn:aws:iam::111122223333:role/r",
    "alice",
    "",
    "${aws:username}",
    "${aws:PrincipalTag/team, 'x'}",
    "*",
    "?",
    "dGVzdA==",
    "111122223333",
    "::1",
    "2001:db8::/32",
];

#[derive(Debug, Arbitrary)]
enum Text {
    Pool(u8),
    Raw(String),
}

#[derive(Debug, Arbitrary)]
struct Cond {
    op: u8,
    key: u8,
    values: Vec<Text>,
}

#[derive(Debug, Arbitrary)]
struct Stmt {
    deny: bool,
    not_action: bool,
    actions: Vec<Text>,
    not_resource: bool,
    resources: Vec<Text>,
    principals: Vec<u8>,
    conditions: Vec<Cond>,
    sid: Option<u8>,
}

#[derive(Debug, Arbitrary)]
struct Input {
    version_2008: bool,
    identity: Vec<Vec<Stmt>>,
    boundary: Option<Vec<Stmt>>,
    resource_policy: Option<Vec<Stmt>>,
    principal: u8,
    action: u8,
    resource: u8,
    context: Vec<(u8, Vec<Text>)>,
}

fn pick<'a>(pool: &'a [&'a str], i: u8) -> &'a str {
    pool[usize::from(i) % pool.len()]
}

fn text(pool: &[&str], t: &Text) -> String {
    match t {
        Text::Pool(i) => pick(pool, *i).to_string(),
        Text::Raw(s) => s.chars().take(40).collect(),
    }
}

fn list(pool: &[&str], items: &[Text]) -> Value {
    Value::Array(items.iter().take(4).map(|t| json!(text(pool, t))).collect())
}

fn document(stmts: &[Stmt], with_principal: bool, v2008: bool) -> Value {
    let statements: Vec<Value> = stmts
        .iter()
        .take(6)
        .map(|s| {
            let mut o = serde_json::Map::new();
            if let Some(sid) = s.sid {
                o.insert("Sid".into(), json!(format!("S{}", sid % 8)));
            }
            o.insert(
                "Effect".into(),
                json!(if s.deny { "Deny" } else { "Allow" }),
            );
            let a = if s.not_action { "NotAction" } else { "Action" };
            o.insert(a.into(), list(ACTIONS, &s.actions));
            let r = if s.not_resource {
                "NotResource"
            } else {
                "Resource"
            };
            o.insert(r.into(), list(RESOURCES, &s.resources));
            if with_principal {
                let p: Vec<Value> = s
                    .principals
                    .iter()
                    .take(3)
                    .map(|i| json!(pick(POLICY_PRINCIPALS, *i)))
                    .collect();
                o.insert("Principal".into(), json!({ "AWS": p }));
            }
            if !s.conditions.is_empty() {
                let mut c = serde_json::Map::new();
                for cond in s.conditions.iter().take(3) {
                    let op = c
                        .entry(pick(OPERATORS, cond.op))
                        .or_insert_with(|| json!({}));
                    op[pick(KEYS, cond.key)] = list(VALUES, &cond.values);
                }
                o.insert("Condition".into(), Value::Object(c));
            }
            Value::Object(o)
        })
        .collect();
    let version = if v2008 { "2008-10-17" } else { "2012-10-17" };
    json!({ "Version": version, "Statement": statements })
}

fuzz_target!(|input: Input| {
    let parse = |stmts: &[Stmt], kind: PolicyKind, name: &str| {
        let v = document(stmts, kind == PolicyKind::Resource, input.version_2008);
        parse_document(&v, name, kind).ok().map(|d| named(name, d))
    };
    let Ok(principal) = Principal::parse(pick(PRINCIPALS, input.principal)) else {
        return;
    };
    let resource = pick(RESOURCES, input.resource).replace("${aws:username}", "alice");
    let mut ad = AdHoc {
        principal: Some(principal.clone()),
        resource_arn: Some(resource.clone()),
        ..AdHoc::default()
    };
    for (i, p) in input.identity.iter().take(3).enumerate() {
        match parse(p, PolicyKind::Identity, &format!("id{i}")) {
            Some(d) => ad.identity.push(d),
            None => return,
        }
    }
    if let Some(b) = &input.boundary {
        ad.boundary = Some(match parse(b, PolicyKind::Identity, "boundary") {
            Some(d) => d,
            None => return,
        });
    }
    if let Some(r) = &input.resource_policy {
        ad.resource_policy = Some(match parse(r, PolicyKind::Resource, "resource") {
            Some(d) => d,
            None => return,
        });
    }
    let Ok(engine) = Engine::new(&ad.build()) else {
        return;
    };
    let mut req = Request::new(principal, pick(REQUEST_ACTIONS, input.action), resource);
    for (k, vals) in input.context.iter().take(4) {
        let vals: Vec<String> = vals.iter().take(3).map(|t| text(VALUES, t)).collect();
        req.context.insert_list(pick(KEYS, *k), vals);
    }
    let fast = engine.evaluate(&req);
    let (slow, _trace) = engine.explain(&req);
    assert_eq!(fast, slow, "evaluate and explain disagree");
    // The account root needs no Allow statement for its own account's resources (AWS: the root
    // user has full access), so only other callers must name the statements that decided.
    let root = pick(PRINCIPALS, input.principal).ends_with(":root");
    if fast.decision == Decision::ExplicitDeny || (fast.decision == Decision::Allow && !root) {
        assert!(
            !fast.deciding.is_empty(),
            "{:?} without a deciding statement",
            fast.decision
        );
    }
});
