//! `iamsim reach` on the reference platform and its production profile: the committed
//! production inventory is what the generator writes, and the transitive scenarios hold.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use std::path::{Path, PathBuf};

use iamsim::platform::{generate, PlatformSpec};
use iamsim::scenario::{load_suite, run_suite, LoadOptions, Status};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

#[test]
fn the_production_inventory_is_what_the_generator_writes() {
    let dir = root().join("examples/production");
    let spec = PlatformSpec::load(dir.join("platform.json")).unwrap();
    assert!(spec.production.is_some());
    for (relative, document) in generate(&spec).unwrap() {
        let path = dir.join("policies").join(&relative);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        let expected = format!("{}\n", serde_json::to_string_pretty(&document).unwrap());
        assert_eq!(
            committed,
            expected,
            "{} (rerun `iamsim generate --platform examples/production/platform.json --out examples/production/policies`)",
            path.display()
        );
    }
}

/// Every transitive scenario (the reference platform's guarantees and findings, and the
/// production profile closing them) passes.
#[test]
fn transitive_scenarios_pass() {
    for dir in ["scenarios/reach.json", "examples/production/scenarios"] {
        let suite = load_suite(&[root().join(dir)], &LoadOptions::default()).unwrap();
        assert!(suite.cases.iter().all(|c| c.transitive), "{dir}");
        let failed: Vec<String> = run_suite(&suite)
            .iter()
            .filter(|o| o.status != Status::Passed)
            .map(|o| format!("{}: {}", suite.cases[o.case].name, o.problems.join("; ")))
            .collect();
        assert!(failed.is_empty(), "{dir}:\n{}", failed.join("\n"));
    }
}
