//! The reference platform as its Terraform modules would plan it
//! (`tests/fixtures/import/plan-platform.json`, written by `scripts/gen-platform-plan.py`):
//! importing it must give an inventory whose decisions equal those of the generated `policies/`
//! on every scenario in `scenarios/`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

mod common;

use std::path::{Path, PathBuf};

use iamsim::engine::Engine;
use iamsim::scenario::{load_inventory, load_suite, LoadOptions};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_planned_platform_decides_every_scenario_as_the_generated_one() {
    let suite = load_suite(&[root().join("scenarios")], &LoadOptions::default()).unwrap();
    assert_eq!(
        suite.engines.len(),
        1,
        "all scenario files share one inventory"
    );
    let generated = &suite.engines[0].1;
    let planned = Engine::new(
        &load_inventory(&root().join("tests/fixtures/import/plan-platform.json")).unwrap(),
    )
    .unwrap();
    assert!(suite.cases.len() >= 690);
    let differences = common::decision_differences(&suite, generated, &planned);
    assert!(
        differences.is_empty(),
        "{} differences:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

#[test]
fn the_plan_fixture_carries_the_generated_documents() {
    let planned = load_inventory(Path::new(
        &root().join("tests/fixtures/import/plan-platform.json"),
    ))
    .unwrap();
    let generated = iamsim::inventory::load_dir(&root().join("policies")).unwrap();
    assert_eq!(planned.roles.len(), generated.roles.len());
    for g in &generated.roles {
        let p = planned
            .roles
            .iter()
            .find(|r| r.arn == g.arn)
            .unwrap_or_else(|| panic!("{} missing from the plan", g.arn));
        assert_eq!(
            p.trust_policy.as_ref().map(|t| &t.document),
            g.trust_policy.as_ref().map(|t| &t.document),
            "{}",
            g.arn
        );
        let docs = |r: &iamsim::inventory::Role| {
            r.inline_policies
                .iter()
                .map(|n| n.document.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            docs(p),
            docs(g),
            "{} inline policies (rerun scripts/gen-platform-plan.py)",
            g.arn
        );
    }
    // The plan holds the keys; the runtimes and the gateway that run as the roles (`runs_as`)
    // are not planned resources the importer reads yet.
    let keys = generated
        .resources
        .iter()
        .filter(|r| r.runs_as.is_none())
        .count();
    assert_eq!(planned.resources.len(), keys);
}
