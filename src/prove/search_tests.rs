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

/// One caller with the identity policy of `statements` (a JSON list), and whatever `more` adds.
fn caller_with(
    statements: serde_json::Value,
    more: impl FnOnce(&mut crate::inventory::AdHoc),
) -> Inventory {
    use crate::inventory::{named, AdHoc};
    use crate::policy::{parse_document, PolicyKind};
    let doc = serde_json::json!({"Version": "2012-10-17", "Statement": statements});
    let mut ad = AdHoc {
        principal: Some(Principal::parse(&format!("{ROLE}x")).unwrap()),
        identity: vec![named(
            "p",
            parse_document(&doc, "p", PolicyKind::Identity).unwrap(),
        )],
        ..AdHoc::default()
    };
    more(&mut ad);
    ad.build()
}

/// The counterexample of `a`, confirmed by the engine to break `expect`.
fn confirmed(inv: &Inventory, a: &Answer, expect: Expect) -> Counterexample {
    let c = counter(a).clone();
    assert!(!expect.is_met_by(engine_decision(inv, &c)), "{c:?}");
    c
}

#[test]
fn a_read_shares_no_class_with_the_writes_aws_refuses_on_managed_policies() {
    // Audit finding: `iam:*PolicyVersion*` on AWS managed policies was proved denied because
    // `iam:GetPolicyVersion` sat in one class with `iam:CreatePolicyVersion`, which the service
    // refuses there (about-managed-policy-reference.html); reading them is allowed.
    let inv = caller_with(
        serde_json::json!([{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]),
        |_| {},
    );
    let who = format!("{ROLE}x");
    let a = ask(
        &inv,
        &who,
        &["iam:*PolicyVersion*"],
        &["arn:aws:iam::aws:policy/*"],
        Expect::Deny,
    );
    let c = confirmed(&inv, &a, Expect::Deny);
    assert!(
        !crate::engine::may_refuse_after_allow(&c.request.action.to_ascii_lowercase()),
        "{c:?}"
    );
    // And the other way: `iam:DeleteRole` on every role is not allowed on the roles the service
    // protects (service-linked, IAM Identity Center's).
    let a = ask(
        &inv,
        &who,
        &["iam:DeleteRole"],
        &["arn:aws:iam::111122223333:role/*"],
        Expect::Allow,
    );
    let c = confirmed(&inv, &a, Expect::Allow);
    assert_eq!(
        c.evaluation.blocked_by,
        Some(crate::engine::Layer::Service),
        "{c:?}"
    );
}

#[test]
fn aws_owned_resources_are_a_class_of_their_own() {
    // Audit finding: a public parameter (no account, `aws/`) shared its class with `parameter/x`
    // of the same empty account, which the catalog refuses, so it was never asked; and account
    // `aws` shared one with every foreign account.
    let inv = caller_with(
        serde_json::json!([
            {"Effect": "Allow", "Action": ["ssm:GetParameter", "iam:GetPolicy"], "Resource": "*"},
            {"Effect": "Deny", "Action": ["ssm:*", "iam:*"], "Resource": ["arn:aws:ssm:*:111122223333:*", "arn:aws:iam::111122223333:*"]}
        ]),
        |_| {},
    );
    let who = format!("{ROLE}x");
    let a = ask(
        &inv,
        &who,
        &["ssm:GetParameter"],
        &["arn:aws:ssm:us-east-1:*:parameter/*"],
        Expect::Deny,
    );
    let c = confirmed(&inv, &a, Expect::Deny);
    assert!(c.request.resource.contains("::parameter/"), "{c:?}");
    let a = ask(
        &inv,
        &who,
        &["iam:GetPolicy"],
        &["arn:aws:iam::*:policy/*"],
        Expect::Deny,
    );
    let c = confirmed(&inv, &a, Expect::Deny);
    assert!(
        c.request.resource.starts_with("arn:aws:iam::aws:policy/"),
        "{c:?}"
    );
}

/// An interface endpoint `id` with the endpoint policy `policy`.
fn endpoint(id: &str, policy: &serde_json::Value) -> crate::inventory::Endpoint {
    use crate::inventory::{named, Endpoint, EndpointKind};
    use crate::policy::{parse_document, PolicyKind};
    Endpoint {
        id: id.into(),
        vpc: None,
        kind: EndpointKind::Interface,
        policy: Some(named(
            "e",
            parse_document(policy, "e", PolicyKind::Resource).unwrap(),
        )),
        source: String::new(),
    }
}

#[test]
fn a_request_through_an_endpoint_meets_its_policy() {
    // vpc-endpoints-access.html: a request through the endpoint must also be allowed by it.
    let deny_all = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}]});
    let inv = caller_with(
        serde_json::json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]),
        |ad| {
            ad.endpoint = Some(endpoint("vpce-1a2b3c4d", &deny_all));
        },
    );
    let c = confirmed(&inv, &allowed_everywhere(&inv), Expect::Allow);
    let vpce = c
        .request
        .context
        .get("aws:SourceVpce")
        .map(|e| e.values.len());
    assert_eq!(vpce, Some(1), "{c:?}");
}

#[test]
fn a_string_key_read_by_numeric_operators_can_hold_what_they_cannot_read() {
    // Audit finding: a tag is a free string; `abc` is neither <= 10 nor > 10, so both Denies
    // fail and the Allow stands (docs/semantics-decisions.md, "unusable").
    let inv = caller_with(
        serde_json::json!([
            {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*", "Condition": {"NumericLessThanEqualsIfExists": {"s3:RequestObjectTag/size": "10"}}},
            {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*", "Condition": {"NumericGreaterThanIfExists": {"s3:RequestObjectTag/size": "10"}}}
        ]),
        |_| {},
    );
    let a = ask(
        &inv,
        &format!("{ROLE}x"),
        &["s3:PutObject"],
        &["arn:aws:s3:::b/*"],
        Expect::Deny,
    );
    let c = confirmed(&inv, &a, Expect::Deny);
    assert!(
        c.request.context.get("s3:RequestObjectTag/size").is_some(),
        "{c:?}"
    );
}

#[test]
fn kms_caller_account_is_the_callers_own() {
    // conditions-kms.html#conditions-kms-caller-account: the key is the caller's account, so a
    // grant to callers of account 444455556666 never reaches a caller of 111122223333.
    use crate::inventory::named;
    use crate::policy::{parse_document, PolicyKind};
    let key = "arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let key_policy = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*",
         "Condition": {"StringEquals": {"kms:CallerAccount": "444455556666"}}}]});
    let inv = caller_with(
        serde_json::json!([{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]),
        |ad| {
            ad.resource_arn = Some(key.into());
            ad.resource_policy = Some(named(
                "k",
                parse_document(&key_policy, "k", PolicyKind::Resource).unwrap(),
            ));
        },
    );
    let a = ask(
        &inv,
        &format!("{ROLE}x"),
        &["kms:Decrypt"],
        &[key],
        Expect::Deny,
    );
    assert_eq!(a.verdict, Verdict::Proved, "{a:?}");
}

#[test]
fn tags_of_a_resource_the_inventory_does_not_hold_are_unknown() {
    // Audit findings: `aws:ResourceTag/team` of secrets the inventory does not hold read as
    // absent, so an ABAC grant was proved never to apply: as a condition's key, or through a
    // policy variable in its values.
    let conditions = [
        serde_json::json!({"StringEquals": {"aws:ResourceTag/team": "billing"}}),
        serde_json::json!({"StringEquals": {"aws:PrincipalTag/team": "${aws:ResourceTag/team}"}}),
    ];
    for cond in conditions {
        let inv = caller_with(
            serde_json::json!([{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                "Resource": "*", "Condition": cond}]),
            |ad| {
                ad.tags.insert("team".into(), "research".into());
            },
        );
        let a = ask(
            &inv,
            &format!("{ROLE}x"),
            &["secretsmanager:GetSecretValue"],
            &["arn:aws:secretsmanager:us-east-1:111122223333:secret:*"],
            Expect::Deny,
        );
        let Verdict::Unknown(why) = &a.verdict else {
            panic!("{a:?}")
        };
        assert!(
            why.iter().all(|w| w.contains("aws:ResourceTag/team")),
            "{why:?}"
        );
    }
    // A request on `*` names no resource: no tags to know, the claim is decided.
    let inv = caller_with(
        serde_json::json!([{"Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/team": "billing"}}}]),
        |_| {},
    );
    let a = ask(
        &inv,
        &format!("{ROLE}x"),
        &["ec2:DescribeInstances"],
        &["*"],
        Expect::Deny,
    );
    assert_eq!(a.verdict, Verdict::Proved, "{a:?}");
}

#[test]
fn an_endpoint_id_is_a_class_apart_from_the_ids_like_it() {
    // Re-audit finding: `StringLike aws:SourceVpce vpce-1*` with endpoint `vpce-1` in the
    // inventory: `vpce-1` was the class's only test, while `vpce-1x` (an endpoint the inventory
    // does not hold, so AWS's default policy) is allowed.
    let list_only = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": "*"}]});
    let inv = caller_with(
        serde_json::json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
            "Condition": {"StringLike": {"aws:SourceVpce": "vpce-1*"}}}]),
        |ad| {
            ad.endpoint = Some(endpoint("vpce-1", &list_only));
        },
    );
    let a = ask(
        &inv,
        &format!("{ROLE}x"),
        &["s3:GetObject"],
        &["arn:aws:s3:::b/*"],
        Expect::Deny,
    );
    let c = confirmed(&inv, &a, Expect::Deny);
    assert_ne!(
        c.context.get("aws:SourceVpce"),
        Some(&serde_json::json!("vpce-1")),
        "{c:?}"
    );
}
