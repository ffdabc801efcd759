//! The evaluator's laws, one property per law, each named as the law. Worlds come from
//! `support/strategies.rs`; decisions from the real engine. Sources for each law are the
//! docs/aws-rules.md rules cited on it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

mod support;

use std::collections::{BTreeMap, BTreeSet};

use iamsim::engine::{Decision, Evaluation};
use iamsim::request::{Principal, Request};
use proptest::prelude::*;
use proptest::sample::{select, Index};
use serde_json::{json, Value};
use support::strategies::{
    action, action_pattern, config, document, levels, operator, policy_values, request_value,
    statement_with, world, CtxValue, DocKind, KeyKind, Seeds, World, A, KEYS,
};

const FILE: &str = "proptest-regressions/laws.txt";

type Id = (String, usize);

/// Decision, blocked_by (fast path) and the deciding statements (from `explain`, which names
/// them all; see oracles.rs for why `evaluate` is not used for the set).
fn run(w: &World) -> (Decision, Option<String>, BTreeSet<Id>) {
    let engine = w.engine();
    let req = w.request();
    let fast = engine.evaluate(&req);
    let (slow, _) = engine.explain(&req);
    (
        fast.decision,
        fast.blocked_by.map(|l| l.name().to_string()),
        ids(&slow),
    )
}

fn ids(e: &Evaluation) -> BTreeSet<Id> {
    e.deciding
        .iter()
        .map(|s| (s.policy.to_string(), s.index))
        .collect()
}

fn decision(w: &World) -> Decision {
    w.engine().evaluate(&w.request()).decision
}

/// Every document of a world with its kind and the name the engine knows it by.
fn docs_mut(w: &mut World) -> Vec<(DocKind, String, &mut Value)> {
    let resource_kind = w.resource_doc_kind();
    let mut out: Vec<(DocKind, String, &mut Value)> = Vec::new();
    for (i, d) in w.identity.iter_mut().enumerate() {
        out.push((DocKind::Identity, format!("identity{i}"), d));
    }
    if let Some(b) = w.boundary.as_mut() {
        out.push((DocKind::Identity, "boundary".into(), b));
    }
    if let Some(s) = w.session.as_mut() {
        out.push((DocKind::Identity, "session-policy".into(), s));
    }
    if let Some(r) = w.resource_policy.as_mut() {
        out.push((resource_kind, "resource-policy".into(), r));
    }
    for (prefix, kind, lv) in [
        ("scp", DocKind::Scp, &mut w.scps),
        ("rcp", DocKind::Rcp, &mut w.rcps),
    ] {
        for (li, level) in lv.iter_mut().enumerate() {
            for (di, d) in level.iter_mut().enumerate() {
                out.push((kind, format!("{prefix}[{li}][{di}]"), d));
            }
        }
    }
    out
}

fn statements(doc: &mut Value) -> &mut Vec<Value> {
    doc["Statement"].as_array_mut().unwrap()
}

/// One statement of each document kind, with the given effect.
fn one_of_each(effect: &'static str) -> impl Strategy<Value = BTreeMap<&'static str, Value>> {
    let s = Seeds::all();
    (
        statement_with(DocKind::Identity, effect, &s),
        statement_with(DocKind::Resource, effect, &s),
        statement_with(DocKind::Trust, effect, &s),
        statement_with(DocKind::Scp, effect, &s),
        statement_with(DocKind::Rcp, effect, &s),
    )
        .prop_map(|(i, r, t, s, c)| {
            [
                ("identity", i),
                ("resource", r),
                ("trust", t),
                ("scp", s),
                ("rcp", c),
            ]
            .into()
        })
}

fn key_of(kind: DocKind) -> &'static str {
    match kind {
        DocKind::Identity => "identity",
        DocKind::Resource => "resource",
        DocKind::Trust => "trust",
        DocKind::Scp => "scp",
        DocKind::Rcp => "rcp",
    }
}

/// Insert a statement of the right kind into one of the world's documents (if it has any).
fn insert_somewhere(
    w: &mut World,
    by_kind: &BTreeMap<&'static str, Value>,
    which: Index,
    pos: Index,
) -> bool {
    let mut docs = docs_mut(w);
    if docs.is_empty() {
        return false;
    }
    let i = which.index(docs.len());
    let (kind, _, doc) = &mut docs[i];
    let st = by_kind[key_of(*kind)].clone();
    let list = statements(doc);
    let at = pos.index(list.len() + 1);
    list.insert(at, st);
    true
}

/// A world with one identity statement `Allow * on *` carrying `condition`: the decision is
/// Allow exactly when the condition holds.
fn condition_world(condition: Value, context: Vec<(String, CtxValue)>) -> World {
    World {
        principal: format!("arn:aws:iam::{A}:user/alice"),
        identity: vec![json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": condition}
        ]})],
        boundary: None,
        session: None,
        resource: "arn:aws:s3:::bkt/a/b.txt".into(),
        resource_account: A.into(),
        resource_policy: None,
        scps: Vec::new(),
        rcps: Vec::new(),
        management: false,
        action: "s3:GetObject".into(),
        context,
    }
}

fn holds(condition: Value, context: Vec<(String, CtxValue)>) -> bool {
    decision(&condition_world(condition, context)) == Decision::Allow
}

fn single_kinds() -> impl Strategy<Value = (&'static str, KeyKind)> {
    select(
        KEYS.iter()
            .copied()
            .filter(|(_, k)| *k != KeyKind::Multi)
            .collect::<Vec<_>>(),
    )
}

/// A Fisher-Yates permutation of `0..n` driven by `seeds`.
fn permutation(n: usize, seeds: &[Index]) -> Vec<usize> {
    let mut p: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = seeds[i % seeds.len()].index(i + 1);
        p.swap(i, j);
    }
    p
}

proptest! {
    #![proptest_config(config(384, FILE))]

    /// Rule 1: an applicable Deny beats every Allow.
    #[test]
    fn explicit_deny_wins(mut w in world(), pos in any::<Index>()) {
        let deny = json!({"Effect": "Deny", "Action": w.action, "Resource": w.resource});
        if w.caller_is_iam() {
            if w.identity.is_empty() {
                w.identity.push(json!({"Version": "2012-10-17", "Statement": []}));
            }
            let list = statements(&mut w.identity[0]);
            list.insert(pos.index(list.len() + 1), deny);
        } else {
            // A service caller has only the resource policy, which a role's trust policy is only
            // for sts actions.
            prop_assume!(!w.resource_is_role() || w.action.starts_with("sts:"));
            let mut st = json!({"Effect": "Deny", "Principal": "*", "Action": w.action});
            if !w.resource_is_role() {
                st["Resource"] = json!(w.resource);
            }
            let doc = w.resource_policy.get_or_insert_with(|| json!({"Version": "2012-10-17", "Statement": []}));
            let list = statements(doc);
            list.insert(pos.index(list.len() + 1), st);
        }
        prop_assert_eq!(decision(&w), Decision::ExplicitDeny);
    }

    /// Allows only ever grant: adding an Allow statement anywhere never turns Allow into Deny.
    #[test]
    fn adding_an_allow_never_turns_allow_into_deny(
        w in world(), sts in one_of_each("Allow"), which in any::<Index>(), pos in any::<Index>(),
    ) {
        let before = decision(&w);
        let mut after = w.clone();
        if insert_somewhere(&mut after, &sts, which, pos) && before == Decision::Allow {
            prop_assert_eq!(decision(&after), Decision::Allow);
        }
    }

    /// Denies only ever remove: adding a Deny statement anywhere never turns Deny into Allow.
    #[test]
    fn adding_a_deny_never_turns_deny_into_allow(
        w in world(), sts in one_of_each("Deny"), which in any::<Index>(), pos in any::<Index>(),
    ) {
        let before = decision(&w);
        let mut after = w.clone();
        if insert_somewhere(&mut after, &sts, which, pos) && before != Decision::Allow {
            prop_assert_ne!(decision(&after), Decision::Allow);
        }
    }

    /// The order of statements in a policy, of identity policies, and of SCP/RCP levels and
    /// their policies never matters (the same statements decide, by original identity).
    #[test]
    fn statement_and_policy_order_never_matter(
        w in world(), seeds in prop::collection::vec(any::<Index>(), 1..8),
    ) {
        let mut after = w.clone();
        // Permute documents; remember which original name each new name holds.
        let mut names: BTreeMap<String, String> = BTreeMap::new();
        let p = permutation(w.identity.len(), &seeds);
        after.identity = p.iter().map(|&i| w.identity[i].clone()).collect();
        for (j, &i) in p.iter().enumerate() {
            names.insert(format!("identity{j}"), format!("identity{i}"));
        }
        for (prefix, before, shuffled) in [("scp", &w.scps, &mut after.scps), ("rcp", &w.rcps, &mut after.rcps)] {
            let lp = permutation(before.len(), &seeds);
            *shuffled = Vec::new();
            for (lj, &li) in lp.iter().enumerate() {
                let dp = permutation(before[li].len(), &seeds[1..].iter().chain(&seeds[..1]).copied().collect::<Vec<_>>());
                shuffled.push(dp.iter().map(|&di| before[li][di].clone()).collect());
                for (dj, &di) in dp.iter().enumerate() {
                    names.insert(format!("{prefix}[{lj}][{dj}]"), format!("{prefix}[{li}][{di}]"));
                }
            }
        }
        // Permute the statements inside every document.
        let mut index_maps: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (_, name, doc) in docs_mut(&mut after) {
            let list = statements(doc);
            let sp = permutation(list.len(), &seeds);
            *list = sp.iter().map(|&i| list[i].clone()).collect();
            index_maps.insert(name, sp);
        }
        let (d0, b0, ids0) = run(&w);
        let (d1, b1, ids1) = run(&after);
        let mapped: BTreeSet<Id> = ids1
            .into_iter()
            .map(|(name, i)| {
                let orig = names.get(&name).cloned().unwrap_or_else(|| name.clone());
                (orig, index_maps[&name][i])
            })
            .collect();
        prop_assert_eq!(d1, d0);
        prop_assert_eq!(b1, b0);
        prop_assert_eq!(mapped, ids0);
    }

    /// A duplicated statement changes neither the decision nor which statements decide.
    #[test]
    fn duplicating_a_statement_changes_nothing(
        w in world(), which in any::<Index>(), stmt in any::<Index>(),
    ) {
        let mut after = w.clone();
        let (name, copy, orig) = {
            let mut docs = docs_mut(&mut after);
            prop_assume!(!docs.is_empty());
            let n = docs.len();
            let (_, name, doc) = &mut docs[which.index(n)];
            let list = statements(doc);
            let i = stmt.index(list.len());
            list.push(list[i].clone());
            (name.clone(), list.len() - 1, i)
        };
        let (d0, b0, ids0) = run(&w);
        let (d1, b1, ids1) = run(&after);
        let mapped: BTreeSet<Id> = ids1
            .into_iter()
            .map(|(n, i)| if n == name && i == copy { (n, orig) } else { (n, i) })
            .collect();
        prop_assert_eq!(d1, d0);
        prop_assert_eq!(b1, b0);
        prop_assert_eq!(mapped, ids0);
    }

    /// With everything else equal, exactly one of `Action: P` and `NotAction: P` applies.
    #[test]
    fn exactly_one_of_action_and_not_action_applies(
        patterns in prop::collection::vec(action_pattern(&Seeds::all()), 1..3),
        act in action(),
        resource in select(vec![
            "arn:aws:s3:::bkt/a/b.txt".to_string(),
            format!("arn:aws:sqs:us-east-1:{A}:q1"),
            format!("arn:aws:ec2:us-east-1:{A}:instance/i-1"),
        ]),
    ) {
        let with = |element: &str| {
            let mut w = condition_world(json!({}), Vec::new());
            w.identity = vec![json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", element: patterns, "Resource": "*"}
            ]})];
            w.action = act.clone();
            w.resource = resource.clone();
            decision(&w) == Decision::Allow
        };
        prop_assert_ne!(with("Action"), with("NotAction"));
    }

    /// Rule 27: action matching ignores case, so re-casing the action changes nothing.
    #[test]
    fn recasing_the_action_never_changes_the_decision(
        w in world(), flips in prop::collection::vec(any::<bool>(), 24),
    ) {
        let mut after = w.clone();
        after.action = w
            .action
            .chars()
            .zip(flips.iter().cycle())
            .map(|(c, f)| if *f { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
            .collect();
        prop_assert_eq!(run(&after), run(&w));
    }

    /// Rule 15: with the key absent `XIfExists` holds; with it present it equals `X`.
    #[test]
    fn if_exists_holds_when_the_key_is_absent_and_equals_x_when_present(
        (op, key, values, present) in select(KEYS).prop_flat_map(|(key, kind)| (
            operator(kind),
            Just(key),
            policy_values(kind),
            request_value(kind).prop_filter("present", |v| *v != CtxValue::Many(Vec::new())),
        )),
    ) {
        let x = op.trim_end_matches("IfExists").to_string();
        let x_if = format!("{x}IfExists");
        let cond = |o: &str| json!({o: {key: values.clone()}});
        prop_assert!(holds(cond(&x_if), Vec::new()), "{} absent", x_if);
        let ctx = vec![(key.to_string(), present)];
        prop_assert_eq!(holds(cond(&x_if), ctx.clone()), holds(cond(&x), ctx));
    }

    /// Rule 14: with the key absent, unqualified positive operators (except Null) fail and
    /// their negated forms hold.
    #[test]
    fn absent_key_fails_positive_operators_and_holds_negated_ones(
        (op, value) in select(vec![
            ("StringEquals", "a"), ("StringEqualsIgnoreCase", "a"), ("StringLike", "a*"),
            ("NumericEquals", "1"), ("NumericLessThan", "1"), ("NumericLessThanEquals", "1"),
            ("NumericGreaterThan", "1"), ("NumericGreaterThanEquals", "1"),
            ("DateEquals", "2020-01-01T00:00:00Z"), ("DateLessThan", "2020-01-01T00:00:00Z"),
            ("DateLessThanEquals", "2020-01-01T00:00:00Z"), ("DateGreaterThan", "2020-01-01T00:00:00Z"),
            ("DateGreaterThanEquals", "2020-01-01T00:00:00Z"), ("Bool", "true"),
            ("BinaryEquals", "aGVsbG8="), ("IpAddress", "10.0.0.0/8"),
            ("ArnEquals", "arn:aws:s3:::bkt"), ("ArnLike", "arn:aws:s3:::*"),
            ("StringNotEquals", "a"), ("StringNotEqualsIgnoreCase", "a"), ("StringNotLike", "a*"),
            ("NumericNotEquals", "1"), ("DateNotEquals", "2020-01-01T00:00:00Z"),
            ("NotIpAddress", "10.0.0.0/8"), ("ArnNotEquals", "arn:aws:s3:::bkt"),
            ("ArnNotLike", "arn:aws:s3:::*"),
        ]),
        key in select(vec!["aws:RequestTag/absent", "s3:versionid", "aws:SourceVpce", "aws:TagKeys"]),
        context in support::strategies::context(),
    ) {
        let ctx: Vec<_> = context.into_iter().filter(|(k, _)| !k.eq_ignore_ascii_case(key)).collect();
        let negated = op.contains("Not");
        prop_assert_eq!(holds(json!({op: {key: value}}), ctx), negated, "{} on absent {}", op, key);
    }

    /// Rule 1 and 13 (and rule 11 for SCPs): a boundary, session policy, SCP level or RCP level
    /// can only remove access; adding one never turns Deny into Allow.
    #[test]
    fn adding_a_guardrail_never_turns_deny_into_allow(
        w in world(),
        which in 0u8..4,
        doc in document(DocKind::Identity, &Seeds::all()),
        scp in levels(DocKind::Scp, &Seeds::all()),
        rcp in levels(DocKind::Rcp, &Seeds::all()),
    ) {
        // An implication rather than prop_assume: most worlds deny, and rejects are capped.
        let mut after = w.clone();
        let added = match which {
            0 if after.boundary.is_none() => { after.boundary = Some(doc); true }
            1 if after.session.is_none() && w.caller_is_iam() => { after.session = Some(doc); true }
            2 => { after.scps.extend(scp.into_iter().take(1)); true }
            3 => { after.rcps.extend(rcp.into_iter().take(1)); true }
            _ => false,
        };
        if added && decision(&w) != Decision::Allow {
            prop_assert_ne!(decision(&after), Decision::Allow);
        }
    }

    /// Rule 22 (docs/semantics-decisions.md): a set operator on a single-valued key behaves as
    /// on a one-element list.
    #[test]
    fn a_set_operator_on_a_single_valued_key_is_a_one_element_list(
        (key, op, values, value) in single_kinds().prop_flat_map(|(key, kind)| (
            Just(key),
            operator(kind).prop_filter("qualified", |o| o.starts_with("For")),
            // Variables resolve only from single-valued keys (rule 32), so none here.
            policy_values(kind).prop_filter("no variables", |v| v.iter().all(|s| !s.contains("${"))),
            request_value(kind),
        )),
    ) {
        let CtxValue::One(v) = value else { unreachable!("single-valued kinds give one value") };
        let cond = json!({op.clone(): {key: values}});
        let single = holds(cond.clone(), vec![(key.to_string(), CtxValue::One(v.clone()))]);
        let list = holds(cond, vec![(key.to_string(), CtxValue::Many(vec![v]))]);
        prop_assert_eq!(single, list);
    }

    /// An IPv4 address without a mask is a /32 block (IP address operators page).
    #[test]
    fn an_ip_without_a_mask_is_a_slash_32(
        net in select(vec!["10.0.0.1", "192.168.1.1", "10.0.0.0"]),
        ip in select(vec!["10.0.0.1", "10.0.0.2", "192.168.1.1", "192.168.1.0", "10.0.0.0"]),
        op in select(vec!["IpAddress", "NotIpAddress", "ForAnyValue:IpAddress", "IpAddressIfExists"]),
    ) {
        let ctx = vec![("aws:SourceIp".to_string(), CtxValue::One(ip.to_string()))];
        let bare = holds(json!({op: {"aws:SourceIp": net}}), ctx.clone());
        let masked = holds(json!({op: {"aws:SourceIp": format!("{net}/32")}}), ctx);
        prop_assert_eq!(bare, masked);
        prop_assert_eq!(bare, (net == ip) != op.starts_with("Not"));
    }

    /// who-can explains only the principals some statement's condition could decide for: it
    /// loses no conditional grant, and its answers are `explain`'s, for every principal it asks.
    #[test]
    fn who_can_answers_as_explain_does(w in world()) {
        let engine = w.engine();
        let req = w.request();
        for e in engine.who_can(&req.action, &req.resource, &req.context) {
            let principal = Principal::parse(&e.principal).unwrap();
            let mut asked = Request::new(principal, req.action.clone(), req.resource.clone());
            asked.context = req.context.clone();
            let (want, trace) = engine.explain(&asked);
            let allowed_if = trace.allowed_if(want.decision.is_allowed());
            prop_assert_eq!(&e.evaluation, &want, "{}", e.principal);
            prop_assert_eq!(&e.allowed_if, &allowed_if, "{}", e.principal);
        }
    }
}
