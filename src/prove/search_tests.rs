//! Tests of the prove search: counterexamples found and their decisions confirmed by the engine.

use super::*;
use crate::engine::Decision;
use crate::engine::Engine;
use crate::inventory::{from_files, Inventory};
use crate::platform::{generate, PlatformSpec};
use crate::prove::Expect;

fn reference() -> Inventory {
    let files = generate(&PlatformSpec::reference()).unwrap();
    from_files(&files, std::path::Path::new("policies")).unwrap()
}

fn ask(
    inv: &Inventory,
    principal: &str,
    actions: &[&str],
    resources: &[&str],
    expect: Expect,
) -> Answer {
    let engine = Engine::new(inv).unwrap();
    let scope = Scope::new(inv, &engine);
    let q = Question {
        principal: Principal::parse(principal).unwrap(),
        actions: actions.iter().map(|s| s.to_string()).collect(),
        resources: resources.iter().map(|s| s.to_string()).collect(),
        exclude: Vec::new(),
        patterns: true,
        context: Context::new(),
        keys: Keys::All,
        expect,
        resource_account: None,
    };
    prove(&scope, &q, &Limits::default())
}

const ROLE: &str = "arn:aws:iam::111122223333:role/acme-dev-agent-";

#[test]
fn an_agent_cannot_touch_another_agents_repository() {
    let inv = reference();
    let a = ask(
        &inv,
        &format!("{ROLE}research"),
        &["ecr:*"],
        &["arn:aws:ecr:us-east-1:111122223333:repository/acme-dev-support*"],
        Expect::Deny,
    );
    assert_eq!(a.verdict, Verdict::Proved, "{a:?}");
    assert!(a.requests > 0 && a.action_classes < a.actions, "{a:?}");
}

#[test]
fn the_prefix_leak_is_a_counterexample() {
    let inv = reference();
    let a = ask(
        &inv,
        &format!("{ROLE}research"),
        &["logs:*"],
        &["arn:aws:logs:us-east-1:111122223333:log-group:/aws/bedrock-agentcore/acme-dev-research-v2*"],
        Expect::Deny,
    );
    let Verdict::Counterexample(c) = &a.verdict else {
        panic!("{a:?}")
    };
    assert!(c.resource.contains("acme-dev-research-v2"), "{c:?}");
    assert_eq!(engine_decision(&inv, c), Decision::Allow);
}

fn engine_decision(inv: &Inventory, c: &Counterexample) -> Decision {
    Engine::new(inv).unwrap().evaluate(&c.request).decision
}

#[test]
fn a_trust_policy_is_not_allowed_for_every_context() {
    let inv = reference();
    let a = ask(
        &inv,
        "bedrock-agentcore.amazonaws.com",
        &["sts:AssumeRole"],
        &[&format!("{ROLE}support")],
        Expect::Allow,
    );
    let Verdict::Counterexample(c) = &a.verdict else {
        panic!("{a:?}")
    };
    assert_ne!(c.evaluation.decision, Decision::Allow);
    assert!(!c.absent.is_empty() || !c.context.is_empty(), "{c:?}");
}

#[test]
fn an_agent_pulls_its_own_images_in_every_context() {
    let inv = reference();
    let a = ask(
        &inv,
        &format!("{ROLE}support"),
        &["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        &["arn:aws:ecr:us-east-1:111122223333:repository/acme-dev-support"],
        Expect::Allow,
    );
    assert_eq!(a.verdict, Verdict::Proved, "{a:?}");
    assert_eq!((a.requests, a.action_classes), (1, 1), "{a:?}");
}

/// One caller allowed `s3:*` on `*` when `cond` holds (and denied when `deny` holds).
fn adhoc(allow_cond: serde_json::Value, deny_cond: Option<serde_json::Value>) -> Inventory {
    use crate::inventory::{named, AdHoc};
    use crate::policy::{parse_document, PolicyKind};
    let mut stmts = vec![
        serde_json::json!({"Effect": "Allow", "Action": "s3:*", "Resource": "*",
        "Condition": allow_cond}),
    ];
    if let Some(d) = deny_cond {
        stmts.push(
            serde_json::json!({"Effect": "Deny", "Action": "s3:*", "Resource": "*",
            "Condition": d}),
        );
    }
    let doc = serde_json::json!({"Version": "2012-10-17", "Statement": stmts});
    AdHoc {
        principal: Some(Principal::parse(&format!("{ROLE}x")).unwrap()),
        identity: vec![named(
            "p",
            parse_document(&doc, "p", PolicyKind::Identity).unwrap(),
        )],
        ..AdHoc::default()
    }
    .build()
}

fn allowed_everywhere(inv: &Inventory) -> Answer {
    ask(
        inv,
        &format!("{ROLE}x"),
        &["s3:GetObject"],
        &["arn:aws:s3:::b/*"],
        Expect::Allow,
    )
}

fn counter(a: &Answer) -> &Counterexample {
    match &a.verdict {
        Verdict::Counterexample(c) => c,
        other => panic!("{other:?}"),
    }
}

#[test]
fn if_exists_holds_when_the_key_is_absent() {
    let inv = adhoc(
        serde_json::json!({"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}),
        None,
    );
    let c = counter(&allowed_everywhere(&inv)).clone();
    // Absent passes; another value is the counterexample.
    assert_eq!(
        c.context.get("aws:SourceVpc"),
        Some(&serde_json::json!("x")),
        "{c:?}"
    );
}

#[test]
fn a_negated_operator_holds_when_the_key_is_absent() {
    let inv = adhoc(
        serde_json::json!({"StringNotEquals": {"aws:SourceVpc": "vpc-1"}}),
        None,
    );
    let c = counter(&allowed_everywhere(&inv)).clone();
    assert_eq!(
        c.context.get("aws:SourceVpc"),
        Some(&serde_json::json!("vpc-1")),
        "{c:?}"
    );
    // A Deny on `Null: true` makes the absent key the counterexample.
    let inv = adhoc(
        serde_json::json!({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}),
        Some(serde_json::json!({"Null": {"aws:SourceVpc": "true"}})),
    );
    let c = counter(&allowed_everywhere(&inv)).clone();
    assert!(
        c.absent.iter().any(|k| k == "aws:SourceVpc")
            || c.context.contains_key("aws:MultiFactorAuthAge"),
        "{c:?}"
    );
}

#[test]
fn numeric_boundaries_are_tried() {
    let inv = adhoc(
        serde_json::json!({"NumericLessThanEquals": {"aws:MultiFactorAuthAge": "10"}}),
        Some(serde_json::json!({"NumericLessThan": {"aws:MultiFactorAuthAge": "10"}})),
    );
    // Allowed exactly at 10: a proof of "allowed for every value" fails, and the only
    // allowed class is the boundary itself.
    let deny = ask(
        &inv,
        &format!("{ROLE}x"),
        &["s3:GetObject"],
        &["arn:aws:s3:::b/k"],
        Expect::Deny,
    );
    let c = counter(&deny);
    assert_eq!(
        c.context.get("aws:MultiFactorAuthAge"),
        Some(&serde_json::json!("10")),
        "{c:?}"
    );
}

#[test]
fn a_variable_over_a_quantified_key_is_unknown() {
    let inv = adhoc(
        serde_json::json!({"StringEquals": {"aws:SourceVpc": "${aws:SourceVpce}"}}),
        None,
    );
    let a = ask(
        &inv,
        &format!("{ROLE}x"),
        &["s3:GetObject"],
        &["arn:aws:s3:::b/k"],
        Expect::Deny,
    );
    match &a.verdict {
        Verdict::Unknown(why) => assert!(why[0].contains("aws:sourcevpce"), "{why:?}"),
        other => panic!("{other:?}"),
    }
}
