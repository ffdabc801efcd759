//! The decision procedure of `iamsim::prove` agrees with brute force (docs/prove.md): random
//! small policies over a small alphabet and six context keys (string, numeric, IP, Bool, date,
//! a multivalued key), asked "for every action, resource and context, is the caller denied
//! (allowed)?". Whenever the procedure proves it, no request of a finite universe (the written
//! patterns and constants instantiated, their neighbours, random strings, numbers, dates and
//! addresses) breaks it; every counterexample it gives is decided against the expectation by
//! `Engine::evaluate`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use iamsim::catalog::Catalog;
use iamsim::engine::Engine;
use iamsim::inventory::{named, AdHoc};
use iamsim::policy::{parse_document, PolicyKind};
use iamsim::prove::{prove, Expect, Keys, Limits, Question, Scope, Verdict};
use iamsim::request::{Context, Principal, Request};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{json, Map, Value};

const ROLE: &str = "arn:aws:iam::111122223333:role/app";
const BUCKET: &str = "arn:aws:s3:::ab";
/// `s3:CreateBucket` takes tags (`aws:TagKeys`); the others take none, so their requests
/// never carry it (docs/prove.md).
const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "s3:CreateBucket",
];

fn string_value() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[ab*?]{0,3}",
        1 => Just("${aws:PrincipalTag/team}".to_string()),
        1 => Just("${aws:SourceVpc}x".to_string()),
    ]
}

/// One condition entry: (operator, key, values).
fn condition() -> impl Strategy<Value = (String, String, Vec<String>)> {
    let s = |ops: &'static [&'static str], key: &'static str, vals: BoxedStrategy<Vec<String>>| {
        (select(ops), vals).prop_map(move |(o, v)| (o.to_string(), key.to_string(), v))
    };
    prop_oneof![
        s(
            &[
                "StringEquals",
                "StringNotEquals",
                "StringLike",
                "StringNotLike",
                "StringEqualsIgnoreCase",
                "StringEqualsIfExists",
                "StringNotLikeIfExists",
            ],
            "aws:SourceVpc",
            prop::collection::vec(string_value(), 1..3).boxed()
        ),
        s(
            &[
                "NumericLessThan",
                "NumericGreaterThanEquals",
                "NumericEquals",
                "NumericNotEquals",
                "NumericGreaterThan",
                "NumericLessThanEquals",
                "NumericLessThanIfExists",
            ],
            "aws:MultiFactorAuthAge",
            prop::collection::vec((0..20i64).prop_map(|n| n.to_string()), 1..3).boxed()
        ),
        s(
            &["IpAddress", "NotIpAddress", "NotIpAddressIfExists"],
            "aws:SourceIp",
            prop::collection::vec(
                select(&["10.0.0.0/8", "10.1.0.0/16", "10.1.2.3", "192.168.0.0/24"][..])
                    .prop_map(String::from),
                1..3
            )
            .boxed()
        ),
        s(
            &["Bool", "BoolIfExists"],
            "aws:SecureTransport",
            select(&["true", "false"][..])
                .prop_map(|v| vec![v.to_string()])
                .boxed()
        ),
        s(
            &["DateLessThan", "DateGreaterThanEquals", "DateNotEquals"],
            "aws:TokenIssueTime",
            select(&["2020-01-01T00:00:00Z", "2021-06-01T12:00:00Z"][..])
                .prop_map(|v| vec![v.to_string()])
                .boxed()
        ),
        s(
            &[
                "ForAnyValue:StringLike",
                "ForAllValues:StringEquals",
                "ForAnyValue:StringEquals",
                "ForAllValues:StringNotLike",
            ],
            "aws:TagKeys",
            prop::collection::vec(select(&["a", "b", "a*"][..]).prop_map(String::from), 1..3)
                .boxed()
        ),
        (
            select(&["aws:SourceVpc", "aws:MultiFactorAuthAge", "aws:TagKeys"][..]),
            select(&["true", "false"][..])
        )
            .prop_map(|(k, v)| ("Null".to_string(), k.to_string(), vec![v.to_string()])),
    ]
}

fn resource_pattern() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[ab/*?:]{0,4}".prop_map(|s| format!("arn:aws:s3:::{s}")),
        1 => Just("*".to_string()),
        1 => Just("arn:aws:s3:::${aws:PrincipalTag/team}/*".to_string()),
    ]
}

fn statement(resource_policy: bool) -> impl Strategy<Value = Value> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(
            select(
                &[
                    "s3:GetObject",
                    "s3:PutObject",
                    "s3:Get*",
                    "s3:*Object",
                    "*",
                    "s3:ListBucket",
                ][..],
            ),
            1..3,
        ),
        0..4u8,
        prop::collection::vec(resource_pattern(), 1..3),
        prop::collection::vec(condition(), 0..4),
    )
        .prop_map(
            move |(allow, not_action, actions, not_res, resources, conds)| {
                let mut st = Map::new();
                st.insert("Effect".into(), json!(if allow { "Allow" } else { "Deny" }));
                st.insert(
                    if not_action && actions.len() == 1 {
                        "NotAction"
                    } else {
                        "Action"
                    }
                    .into(),
                    json!(actions),
                );
                st.insert(
                    if not_res == 0 {
                        "NotResource"
                    } else {
                        "Resource"
                    }
                    .into(),
                    json!(resources),
                );
                if resource_policy {
                    st.insert("Principal".into(), json!({"AWS": ROLE}));
                }
                let mut c: Map<String, Value> = Map::new();
                for (op, key, values) in conds {
                    let entry = c.entry(op).or_insert_with(|| json!({}));
                    entry[key] = json!(values);
                }
                if !c.is_empty() {
                    st.insert("Condition".into(), Value::Object(c));
                }
                Value::Object(st)
            },
        )
}

fn doc(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

#[derive(Debug, Clone)]
struct World {
    identity: Value,
    boundary: Option<Value>,
    bucket: Option<Value>,
    expect: Expect,
    seed: u64,
}

fn world() -> impl Strategy<Value = World> {
    (
        prop::collection::vec(statement(false), 1..4),
        prop::option::weighted(0.3, prop::collection::vec(statement(false), 1..3)),
        prop::option::weighted(0.4, prop::collection::vec(statement(true), 1..3)),
        any::<bool>(),
        any::<u64>(),
    )
        .prop_map(|(id, b, r, deny, seed)| World {
            identity: doc(id),
            boundary: b.map(doc),
            bucket: r.map(doc),
            expect: if deny { Expect::Deny } else { Expect::Allow },
            seed,
        })
}

fn engine(w: &World) -> (iamsim::inventory::Inventory, Engine) {
    let p = |v: &Value, k| named("p", parse_document(v, "p", k).unwrap());
    let mut tags = indexmap::IndexMap::new();
    tags.insert("team".to_string(), "ab".to_string());
    let ad = AdHoc {
        principal: Some(Principal::parse(ROLE).unwrap()),
        identity: vec![p(&w.identity, PolicyKind::Identity)],
        boundary: w.boundary.as_ref().map(|b| {
            let mut n = p(b, PolicyKind::Identity);
            n.name = "boundary".into();
            n
        }),
        tags,
        resource_arn: Some(BUCKET.into()),
        resource_policy: w.bucket.as_ref().map(|b| p(b, PolicyKind::Resource)),
        ..AdHoc::default()
    };
    let inv = ad.build();
    let engine = Engine::new(&inv).unwrap().with_time(1_735_689_600_000);
    (inv, engine)
}

/// Strings a pattern stands for: each `*` as nothing, `x` and `ab/`, each `?` as `a` and `:`.
fn instances(p: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (star, one) in [("", "a"), ("x", ":"), ("ab/", "a"), ("b:a", "b")] {
        out.push(
            p.replace('*', star)
                .replace('?', one)
                .replace("${aws:PrincipalTag/team}", "ab"),
        );
    }
    out
}

/// Every resource pattern and condition value written in `v`.
fn written(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| written(x, out)),
        Value::Object(o) => o.values().for_each(|x| written(x, out)),
        _ => {}
    }
}

fn resources(w: &World) -> Vec<String> {
    let mut out: Vec<String> = [
        "", "a", "b", "ab", "ab/", "ab/a", "ab/:", "a/b", "ab:x", "x", "ba", "ab/ab/x",
    ]
    .iter()
    .map(|s| format!("arn:aws:s3:::{s}"))
    .collect();
    let mut texts = Vec::new();
    for d in [Some(&w.identity), w.boundary.as_ref(), w.bucket.as_ref()]
        .into_iter()
        .flatten()
    {
        written(d, &mut texts);
    }
    for t in texts.iter().filter(|t| t.starts_with("arn:aws:s3:::")) {
        out.extend(instances(t));
    }
    out.sort();
    out.dedup();
    out
}

/// The values each key is tried with (absent besides).
fn key_values(w: &World) -> Vec<(&'static str, Vec<Vec<String>>)> {
    let mut texts = Vec::new();
    for d in [Some(&w.identity), w.boundary.as_ref(), w.bucket.as_ref()]
        .into_iter()
        .flatten()
    {
        written(d, &mut texts);
    }
    let one = |v: &[&str]| v.iter().map(|s| vec![s.to_string()]).collect::<Vec<_>>();
    let mut vpc: Vec<Vec<String>> = one(&["x", "ab", "AB", "a", "b", "", "a:"]);
    for t in &texts {
        for i in instances(t) {
            vpc.push(vec![i]);
        }
    }
    let mut mfa = one(&["0", "0.5", "5", "19.5", "25"]);
    for n in 0..21 {
        mfa.push(vec![n.to_string()]);
    }
    vec![
        ("aws:SourceVpc", vpc),
        ("aws:MultiFactorAuthAge", mfa),
        (
            "aws:SourceIp",
            one(&[
                "10.0.0.1",
                "10.1.0.1",
                "10.1.2.3",
                "192.168.0.1",
                "8.8.8.8",
                "::1",
            ]),
        ),
        ("aws:SecureTransport", one(&["true", "false"])),
        (
            "aws:TokenIssueTime",
            one(&[
                "2019-01-01T00:00:00Z",
                "2020-01-01T00:00:00Z",
                "2021-06-01T12:00:00Z",
                "2022-01-01T00:00:00Z",
            ]),
        ),
        (
            "aws:TagKeys",
            vec![
                vec!["a".into()],
                vec!["b".into()],
                vec!["x".into()],
                vec!["a".into(), "b".into()],
                vec!["a".into(), "x".into()],
                vec!["ab".into()],
            ],
        ),
    ]
}

/// A random context: each key absent (but for one AWS always sends) or one of its values.
fn context(keys: &[(&'static str, Vec<Vec<String>>)], rng: &mut u64) -> Context {
    let mut next = || {
        *rng = rng
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (*rng >> 33) as usize
    };
    let mut ctx = Context::new();
    for (k, values) in keys {
        // AWS includes aws:SecureTransport in every request (global condition keys page).
        let absent = if *k == "aws:SecureTransport" { 0 } else { 2 };
        let pick = next() % (values.len() + absent);
        if let Some(v) = values.get(pick) {
            if *k == "aws:TagKeys" {
                ctx.insert_list(k, v.iter().cloned());
            } else {
                ctx.insert(k, v[0].clone());
            }
        }
    }
    ctx
}

/// Every action of ACTIONS on every S3 resource, in every context: `w.expect`?
fn question(w: &World) -> Question {
    Question {
        principal: Principal::parse(ROLE).unwrap(),
        actions: ACTIONS.iter().map(|s| s.to_string()).collect(),
        resources: vec!["arn:aws:s3:::*".into()],
        exclude: Vec::new(),
        patterns: true,
        context: Context::new(),
        keys: Keys::All,
        expect: w.expect,
        resource_account: None,
    }
}

fn check(w: &World) -> Result<(), TestCaseError> {
    let (inv, engine) = engine(w);
    let scope = Scope::new(&inv, &engine);
    let answer = prove(&scope, &question(w), &Limits::default());
    match &answer.verdict {
        Verdict::Counterexample(c) => {
            let d = engine.evaluate(&c.request).decision;
            prop_assert!(
                !w.expect.is_met_by(d),
                "counterexample {} is decided {d:?}",
                c.describe()
            );
            prop_assert!(Catalog::embedded()
                .check_resource(&c.action, &c.resource)
                .is_valid());
        }
        Verdict::Proved => {
            let keys = key_values(w);
            let mut rng = w.seed;
            for action in ACTIONS {
                for r in resources(w) {
                    if !Catalog::embedded().check_resource(action, &r).is_valid() {
                        continue;
                    }
                    for i in 0..120 {
                        let ctx = if i == 0 {
                            Context::new()
                        } else {
                            context(&keys, &mut rng)
                        };
                        let mut req = Request::new(Principal::parse(ROLE).unwrap(), *action, &r);
                        req.context = ctx;
                        // Tags are in a request only when its action takes them.
                        if Catalog::embedded().action_takes_key(action, "aws:TagKeys")
                            == Some(false)
                        {
                            req.context.remove("aws:TagKeys");
                        }
                        let d = engine.evaluate(&req).decision;
                        prop_assert!(
                            w.expect.is_met_by(d),
                            "proved {:?} for all, but {action} on {r} with {:?} is {d:?}",
                            w.expect,
                            req.context
                        );
                    }
                }
            }
        }
        Verdict::Unknown(_) => {}
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct("proptest-regressions/prove.txt")
        )),
        ..ProptestConfig::default()
    })]

    /// Proved means brute force finds no request that breaks it; a counterexample breaks it.
    #[test]
    fn the_procedure_agrees_with_brute_force(w in world()) {
        check(&w)?;
    }
}

/// The generator reaches every verdict (a property test that only ever saw counterexamples
/// would check nothing about proofs).
#[test]
fn worlds_reach_every_verdict() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut proved, mut counter, mut unknown) = (0, 0, 0);
    for _ in 0..200 {
        let w = world().new_tree(&mut runner).unwrap().current();
        let (inv, engine) = engine(&w);
        let scope = Scope::new(&inv, &engine);
        match prove(&scope, &question(&w), &Limits::default()).verdict {
            Verdict::Proved => proved += 1,
            Verdict::Counterexample(_) => counter += 1,
            Verdict::Unknown(_) => unknown += 1,
        }
    }
    assert!(
        proved >= 10 && counter >= 10 && unknown >= 1,
        "{proved} {counter} {unknown}"
    );
}
