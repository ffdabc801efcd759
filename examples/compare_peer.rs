//! iamsim's half of `scripts/compare-peer`: `cargo run --release --example compare_peer -- DIR`
//! builds a few thousand requests on the reference platform (every agent and the gateway role,
//! on the platform's own resources, with every catalog action valid for each resource), writes
//! them with the policies that decide them to `DIR/requests.json` (what the peer is fed), and
//! writes iamsim's decisions and single-threaded throughput to `DIR/iamsim.json`.

#![allow(
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::indexing_slicing,
    reason = "a command-line harness over fixed inputs; it stops on the first error"
)]

#[path = "../benches/data/mod.rs"]
mod data;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use iamsim::catalog::{validate_request, Catalog};
use iamsim::engine::{Decision, Memo};
use iamsim::platform::{generate, KmsKey, PlatformSpec};
use iamsim::request::{Principal, Request};
use serde_json::{json, Value};

/// Copies of the requests written as scenario files, for the whole-process `iamsim check` figure
const COPIES: usize = 20;

/// The most actions kept per resource (every n-th valid action, so all verbs are represented)
const ACTIONS_PER_RESOURCE: usize = 40;

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| {
        eprintln!("usage: compare_peer DIR");
        std::process::exit(2)
    }));
    std::fs::create_dir_all(&dir).expect("create DIR");
    let spec = PlatformSpec::reference();
    let files = generate(&spec).expect("reference is valid");
    let engine = data::reference_engine();
    let account = &spec.account_id;

    // Principals: each role's identity policies as the peer takes them ({name, policy}).
    let mut principals = serde_json::Map::new();
    for (path, file) in &files {
        if path.starts_with("roles") {
            let arn = file["arn"].as_str().expect("role arn").to_string();
            let policies: Vec<Value> = file["inline_policies"]
                .as_object()
                .expect("inline policies")
                .iter()
                .map(|(name, doc)| json!({"name": name, "policy": doc}))
                .collect();
            principals.insert(arn, json!(policies));
        }
    }
    let mut key_policies = serde_json::Map::new();
    for key in KmsKey::ALL {
        let file = &files[&PlatformSpec::kms_key_file(key)];
        key_policies.insert(spec.kms_key_arn(key), file["policy"].clone());
    }

    let mut resources: Vec<String> = Vec::new();
    for k in spec.agents.keys() {
        resources.push(spec.agent_repository_arn(k));
        resources.extend(
            spec.agent_log_group_arns(k)
                .into_iter()
                .map(|a| a.replace('*', "x")),
        );
        resources.push(spec.agent_role_arn(k));
    }
    resources.extend(
        spec.ssm_parameter_arns()
            .into_iter()
            .map(|a| a.replace('*', "model-id")),
    );
    resources.extend(KmsKey::ALL.map(|k| spec.kms_key_arn(k)));
    resources.extend([
        "arn:aws:s3:::acme-dev-artifacts".to_string(),
        "arn:aws:s3:::acme-dev-artifacts/runs/1.json".to_string(),
        "arn:aws:s3:::acme-dev-datasets/train.csv".to_string(),
        format!("arn:aws:lambda:us-east-1:{account}:function:acme-dev-prompt-registry"),
        format!("arn:aws:lambda:us-east-1:{account}:function:acme-dev-search-tool"),
        format!("arn:aws:dynamodb:us-east-1:{account}:table/acme-dev-idempotency"),
        format!("arn:aws:dynamodb:us-east-1:{account}:table/acme-dev-artifacts-catalog"),
        format!(
            "arn:aws:bedrock-agentcore:us-east-1:{account}:runtime/acme_dev_research-Ab12Cd34Ef"
        ),
        format!("arn:aws:bedrock-agentcore:us-east-1:{account}:gateway/acme-dev-gateway-x1y2z3"),
        spec.gateway_role_arn(),
    ]);

    let catalog = Catalog::embedded();
    let mut pairs: Vec<(String, String)> = Vec::new();
    for r in &resources {
        let service = r.split(':').nth(2).expect("an ARN");
        let valid: Vec<String> = catalog
            .expand(&format!("{service}:*"))
            .into_iter()
            .filter(|a| validate_request(a, r).is_ok())
            .collect();
        let step = valid.len().div_ceil(ACTIONS_PER_RESOURCE).max(1);
        pairs.extend(valid.into_iter().step_by(step).map(|a| (a, r.clone())));
    }
    let mut requests = Vec::new();
    let mut json_requests = Vec::new();
    for arn in principals.keys() {
        let principal = Principal::parse(arn).expect("role ARN");
        for (action, resource) in &pairs {
            let key_policy = key_policies.contains_key(resource) && action.starts_with("kms:");
            json_requests.push(json!({
                "principal": arn,
                "action": action,
                "resource": resource,
                "accountId": account,
                "keyPolicy": if key_policy { json!(resource) } else { Value::Null },
            }));
            requests.push(Request::new(
                principal.clone(),
                action.clone(),
                resource.clone(),
            ));
        }
    }
    let input = json!({
        "principals": principals,
        "keyPolicies": key_policies,
        "requests": json_requests,
    });
    std::fs::write(dir.join("requests.json"), input.to_string()).expect("write requests.json");

    // Time whole passes over every request until half a second has gone by, in order, as
    // `check` decides a file's cases: the engine keeps the last caller and resource resolved
    // (`Engine::evaluate_memo`).
    let decisions: Vec<&str> = requests
        .iter()
        .map(|r| match engine.evaluate(r).decision {
            Decision::Allow => "Allowed",
            Decision::ExplicitDeny => "ExplicitlyDenied",
            Decision::ImplicitDeny => "ImplicitlyDenied",
        })
        .collect();
    let start = Instant::now();
    let mut evaluated = 0usize;
    while start.elapsed() < Duration::from_millis(500) {
        let mut memo = Memo::default();
        for r in &requests {
            std::hint::black_box(engine.evaluate_memo(std::hint::black_box(r), &mut memo));
        }
        evaluated += requests.len();
    }
    let per_sec = evaluated as f64 / start.elapsed().as_secs_f64();
    write_suite(&dir, &files, &json_requests, &decisions);
    let cases = requests.len() * COPIES;
    let (json_secs, decide_secs) = floor(&dir.join("scenarios"), cases, per_sec);
    let out = json!({
        "evaluations_per_second": per_sec,
        "decisions": decisions,
        "floor_json_seconds": json_secs,
        "floor_decide_seconds": decide_secs,
    });
    std::fs::write(dir.join("iamsim.json"), out.to_string()).expect("write iamsim.json");
    println!(
        "iamsim: {} requests ({} principals x {} action/resource pairs), {:.0} evaluations/s",
        requests.len(),
        principals.len(),
        pairs.len(),
        per_sec
    );
}

/// Two parts of what any whole `iamsim check` of `scenarios` must spend beyond its start-up,
/// in seconds: reading the files and checking their JSON syntax with every core (no values
/// built: serde_json's `IgnoredAny`; best of five), and deciding their cases at the engine's
/// one-thread rate `per_sec` with every core. Their sum with the start-up bounds the whole
/// process's throughput (docs/performance.md).
fn floor(scenarios: &std::path::Path, cases: usize, per_sec: f64) -> (f64, f64) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(scenarios)
        .expect("read scenarios/")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let start = Instant::now();
        std::thread::scope(|s| {
            let handles: Vec<_> = files
                .chunks(files.len().div_ceil(cores))
                .map(|part| {
                    s.spawn(move || {
                        for f in part {
                            let text = std::fs::read(f).expect("read a scenario file");
                            serde_json::from_slice::<serde::de::IgnoredAny>(&text)
                                .expect("valid JSON");
                        }
                    })
                })
                .collect();
            for h in handles {
                h.join().expect("thread");
            }
        });
        best = best.min(start.elapsed().as_secs_f64());
    }
    (best, cases as f64 / (per_sec * cores as f64))
}

/// `DIR/policies/` (the reference platform) and `DIR/scenarios/copy-NN.json`: every request as a
/// literal case expecting iamsim's decision, `COPIES` times, for timing the whole `iamsim check`
/// process on the same requests.
fn write_suite(
    dir: &std::path::Path,
    files: &std::collections::BTreeMap<PathBuf, Value>,
    requests: &[Value],
    decisions: &[&str],
) {
    iamsim::platform::write_inventory(dir.join("policies"), files).expect("write policies/");
    let scenarios: Vec<Value> = requests
        .iter()
        .zip(decisions)
        .enumerate()
        .map(|(i, (r, d))| {
            json!({
                "name": format!("request {i}"),
                "principal": r["principal"],
                "action": r["action"],
                "resource": r["resource"],
                "expect": if *d == "Allowed" { "allow" } else { "deny" },
            })
        })
        .collect();
    let file = json!({"policies": "../policies", "scenarios": scenarios}).to_string();
    let out = dir.join("scenarios");
    std::fs::create_dir_all(&out).expect("create scenarios/");
    for c in 0..COPIES {
        std::fs::write(out.join(format!("copy-{c:02}.json")), &file).expect("write scenarios");
    }
    // One case alone, for the start-up figure.
    let one = json!({"policies": "../policies", "scenarios": [scenarios[0]]}).to_string();
    std::fs::create_dir_all(dir.join("one")).expect("create one/");
    std::fs::write(dir.join("one/one.json"), one).expect("write one/one.json");
}
