//! The platform's invariants (docs/platform-invariants.md), each checked by deciding requests
//! through the engine on the generated inventory: one proptest over random platforms (agent
//! keys that collide on prefixes, random variables, Cognito on/off, optional production profile)
//! and one plain test on `PlatformSpec::reference()` per invariant.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

mod support_platform;

use iamsim::engine::Engine;
use iamsim::platform::{KmsKey, PlatformSpec};
use iamsim::request::Request;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

use support_platform::checks::*;
use support_platform::{agent, engine, function_arn, platform, MODELS};

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/platform_invariants.txt",
        ))),
        ..ProptestConfig::default()
    }
}

/// Runs `check` on a generated platform, failing the case with every wrong decision
fn holds(
    spec: &PlatformSpec,
    check: fn(&PlatformSpec, &Engine) -> Outcome,
) -> Result<(), TestCaseError> {
    let engine = engine(spec);
    check(spec, &engine)
        .map(|_| ())
        .map_err(TestCaseError::fail)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn prop_no_agent_pulls_another_agents_image(spec in platform()) {
        holds(&spec, no_agent_pulls_another_agents_image)?;
    }

    #[test]
    fn prop_no_agent_writes_another_agents_runtime_logs(spec in platform()) {
        holds(&spec, no_agent_writes_another_agents_runtime_logs)?;
    }

    #[test]
    fn prop_log_group_scope_leaks_iff_key_extends_another(spec in platform()) {
        holds(&spec, log_group_scope_leaks_iff_key_extends_another)?;
    }

    #[test]
    fn prop_conditional_permissions_iff_variable_set(spec in platform()) {
        holds(&spec, conditional_permissions_iff_variable_set)?;
    }

    #[test]
    fn prop_agents_reach_only_allowed_roles_and_parameters(spec in platform()) {
        holds(&spec, agents_reach_only_allowed_roles_and_parameters)?;
    }

    #[test]
    fn prop_gateway_is_scoped(spec in platform()) {
        holds(&spec, gateway_is_scoped)?;
    }

    #[test]
    fn prop_only_agentcore_assumes_roles_from_the_platform(spec in platform()) {
        holds(&spec, only_agentcore_assumes_roles_from_the_platform)?;
    }

    #[test]
    fn prop_production_agents_invoke_only_listed_models(spec in platform()) {
        holds(&spec, production_agents_invoke_only_listed_models)?;
    }
}

/// The reference platform, and the same with Cognito off and a production profile
fn reference_variants() -> Vec<PlatformSpec> {
    let reference = PlatformSpec::reference();
    let mut variant = reference.clone();
    variant.cognito.enabled = false;
    variant.cognito.oauth2_credential_provider_name.clear();
    variant.production = Some(iamsim::platform::ProductionProfile {
        bedrock_model_arns: vec![MODELS[0].into(), MODELS[2].into(), MODELS[3].into()]
            .into_iter()
            .map(|m: String| m.replace("<acct>", "111122223333"))
            .collect(),
        agentcore_resource_arns: vec![variant.agentcore_arn("memory/*")],
    });
    vec![reference, variant]
}

fn on_reference(check: fn(&PlatformSpec, &Engine) -> Outcome) -> usize {
    reference_variants()
        .iter()
        .map(|spec| check(spec, &engine(spec)).unwrap_or_else(|e| panic!("{e}")))
        .sum()
}

#[test]
fn reference_no_agent_pulls_another_agents_image() {
    // 2 variants x 4 agents x 4 repositories x 2 actions
    assert_eq!(on_reference(no_agent_pulls_another_agents_image), 64);
}

#[test]
fn reference_no_agent_writes_another_agents_runtime_logs() {
    assert_eq!(
        on_reference(no_agent_writes_another_agents_runtime_logs),
        288
    );
}

#[test]
fn reference_log_group_scope_leaks_iff_key_extends_another() {
    assert_eq!(
        on_reference(log_group_scope_leaks_iff_key_extends_another),
        288
    );
    // The finding itself: `research` writes `research-v2`'s group, not the other way round.
    let spec = PlatformSpec::reference();
    let engine = engine(&spec);
    let group = log_group(&spec, "/aws/bedrock-agentcore/acme-dev-research-v2");
    let req = Request::new(
        agent(&spec, "research"),
        "logs:PutLogEvents",
        group.as_str(),
    );
    assert!(engine.evaluate(&req).decision.is_allowed());
    let group = log_group(&spec, "/aws/bedrock-agentcore/acme-dev-research");
    let req = Request::new(
        agent(&spec, "research-v2"),
        "logs:PutLogEvents",
        group.as_str(),
    );
    assert!(!engine.evaluate(&req).decision.is_allowed());
}

#[test]
fn reference_conditional_permissions_iff_variable_set() {
    assert!(on_reference(conditional_permissions_iff_variable_set) > 0);
    // Named cases of the reference platform (docs/platform.md): billing has no artifact access at all.
    let spec = PlatformSpec::reference();
    let engine = engine(&spec);
    let billing = agent(&spec, "billing");
    let research = agent(&spec, "research");
    let alias = spec.kms_alias_arn(KmsKey::PlatformArtifacts);
    let decide = |p: &iamsim::request::Principal, action: &str, resource: &str| {
        engine
            .evaluate(&Request::new(p.clone(), action, resource))
            .decision
            .is_allowed()
    };
    assert!(!decide(&billing, "kms:Decrypt", &alias));
    assert!(decide(&research, "kms:Decrypt", &alias));
    assert!(decide(
        &research,
        "s3:PutObject",
        "arn:aws:s3:::acme-dev-artifacts/a"
    ));
    assert!(!decide(
        &research,
        "s3:PutObject",
        "arn:aws:s3:::acme-dev-datasets/a"
    ));
    assert!(decide(
        &research,
        "s3:GetObject",
        "arn:aws:s3:::acme-dev-datasets/a"
    ));
    let registry = function_arn(&spec, "<np>-prompt-registry");
    assert!(decide(&research, "lambda:InvokeFunction", &registry));
    assert!(!decide(&billing, "lambda:InvokeFunction", &registry));
}

#[test]
fn reference_agents_reach_only_allowed_roles_and_parameters() {
    // 2 variants x 4 agents x ((15 roles x 2) + (10 parameters x 2))
    assert_eq!(
        on_reference(agents_reach_only_allowed_roles_and_parameters),
        400
    );
}

#[test]
fn reference_gateway_is_scoped() {
    assert!(on_reference(gateway_is_scoped) > 0);
}

#[test]
fn reference_only_agentcore_assumes_roles_from_the_platform() {
    // 2 variants x 5 roles x 6 callers x 10 contexts
    assert_eq!(
        on_reference(only_agentcore_assumes_roles_from_the_platform),
        600
    );
}

#[test]
fn reference_production_agents_invoke_only_listed_models() {
    // Only the production variant has a profile: 4 agents x 10 models x 2 actions
    assert_eq!(
        on_reference(production_agents_invoke_only_listed_models),
        80
    );
}
