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
            .map(|o| {
                let name = suite.cases.get(o.case).map_or("?", |c| c.name.as_str());
                format!("{name}: {}", o.problems.join("; "))
            })
            .collect();
        assert!(failed.is_empty(), "{dir}:\n{}", failed.join("\n"));
    }
}

fn admin_world() -> iamsim::inventory::Inventory {
    use serde_json::json;
    let doc = |s: serde_json::Value| json!({"Version": "2012-10-17", "Statement": [s]});
    let files: std::collections::BTreeMap<PathBuf, serde_json::Value> = [
        ("users/dev.json", json!({"arn": "arn:aws:iam::111122223333:user/dev",
            "inline_policies": {"p": doc(json!({"Effect": "Allow", "Action": "sts:AssumeRole",
                "Resource": "arn:aws:iam::111122223333:role/ops"}))}})),
        ("roles/ops.json", json!({"arn": "arn:aws:iam::111122223333:role/ops",
            "trust_policy": doc(json!({"Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"})),
            "inline_policies": {"p": doc(json!({"Sid": "SelfEdit", "Effect": "Allow",
                "Action": "iam:PutRolePolicy", "Resource": "arn:aws:iam::111122223333:role/ops"}))}})),
    ]
    .into_iter()
    .map(|(p, v)| (PathBuf::from(p), v))
    .collect();
    iamsim::inventory::from_files(&files, Path::new("w")).unwrap()
}

/// A role that can rewrite its own permissions is admin at zero hops; a user that can assume it
/// reaches admin in two steps (the self-rewrite is the second), and is itself not listed.
#[test]
fn self_rewrite_is_admin_and_paths_lead_to_it() {
    use iamsim::engine::Engine;
    use iamsim::reach::{Graph, Options};
    let inv = admin_world();
    let engine = Engine::new(&inv).unwrap();
    let g = Graph::build(&inv, &engine, &Options::default());
    let ops = g.reach("role/ops").unwrap();
    assert!(ops.reaches_admin());
    assert_eq!(
        ops.reaches[0].principal,
        "arn:aws:iam::111122223333:role/ops"
    );
    assert_eq!(ops.reaches[0].path[0].technique, "iam-put-role-policy-self");
    let dev = g.reach("user/dev").unwrap();
    assert_eq!(dev.reaches.len(), 1);
    let techniques: Vec<&str> = dev.reaches[0]
        .path
        .iter()
        .map(|s| s.technique.as_str())
        .collect();
    assert_eq!(techniques, ["sts-assume-role", "iam-put-role-policy-self"]);
    assert!(dev.reaches[0].admin);
    // who-can --transitive: dev gets s3:DeleteBucket by becoming ops, once ops granted itself
    // everything; with at most one hop it does not.
    let req = iamsim::request::Request::new(
        iamsim::request::Principal::Anonymous,
        "s3:DeleteBucket",
        "arn:aws:s3:::x",
    );
    let who: Vec<(String, usize)> = g
        .who_can_transitive(&req, None)
        .into_iter()
        .map(|w| (w.principal, w.hops))
        .collect();
    assert_eq!(
        who,
        [
            ("arn:aws:iam::111122223333:role/ops".to_string(), 1),
            ("arn:aws:iam::111122223333:user/dev".to_string(), 2)
        ]
    );
    assert_eq!(g.who_can_transitive(&req, Some(1)).len(), 1);
}
