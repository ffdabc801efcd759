//! Loading the reference `policies/` directory and deciding requests against it.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

use std::path::Path;

use iamsim::engine::{Decision, Engine, Layer};
use iamsim::inventory::load_dir;
use iamsim::request::{Principal, Request};

fn engine() -> Engine {
    let inv = load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("policies")).unwrap();
    Engine::new(&inv).unwrap()
}

fn role(name: &str) -> Principal {
    Principal::parse(&format!("arn:aws:iam::111122223333:role/{name}")).unwrap()
}

#[test]
fn an_agent_pulls_its_own_image_but_not_anothers() {
    let e = engine();
    let own = Request::new(
        role("acme-dev-agent-research"),
        "ecr:BatchGetImage",
        "arn:aws:ecr:us-east-1:111122223333:repository/acme-dev-research",
    );
    assert_eq!(e.evaluate(&own).decision, Decision::Allow);
    let other = Request::new(
        role("acme-dev-agent-research"),
        "ecr:BatchGetImage",
        "arn:aws:ecr:us-east-1:111122223333:repository/acme-dev-billing",
    );
    assert_eq!(e.evaluate(&other).decision, Decision::ImplicitDeny);
}

#[test]
fn kms_goes_through_the_key_policy_and_aliases_resolve() {
    let e = engine();
    let alias = "arn:aws:kms:us-east-1:111122223333:alias/acme-dev-platform-artifacts";
    let ok = Request::new(role("acme-dev-agent-research"), "kms:Decrypt", alias);
    assert_eq!(e.evaluate(&ok).decision, Decision::Allow);
    let no = Request::new(role("acme-dev-agent-billing"), "kms:Decrypt", alias);
    assert_eq!(e.evaluate(&no).decision, Decision::ImplicitDeny);
}

#[test]
fn agentcore_assumes_roles_only_for_our_account() {
    let e = engine();
    let svc = Principal::parse("bedrock-agentcore.amazonaws.com").unwrap();
    let role_arn = "arn:aws:iam::111122223333:role/acme-dev-gateway";
    let ok = Request::new(svc.clone(), "sts:AssumeRole", role_arn)
        .with_context("aws:SourceAccount", "111122223333")
        .with_context(
            "aws:SourceArn",
            "arn:aws:bedrock-agentcore:us-east-1:111122223333:gateway/g",
        );
    assert_eq!(e.evaluate(&ok).decision, Decision::Allow);
    let other = Request::new(svc, "sts:AssumeRole", role_arn)
        .with_context("aws:SourceAccount", "444455556666")
        .with_context(
            "aws:SourceArn",
            "arn:aws:bedrock-agentcore:us-east-1:444455556666:gateway/g",
        );
    let ev = e.evaluate(&other);
    assert_eq!(ev.decision, Decision::ImplicitDeny);
    assert_eq!(ev.blocked_by, Some(Layer::TrustPolicy));
}
