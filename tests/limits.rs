//! Every documented limit (docs/reliability.md) has a test here: the input just over it fails
//! with a clear error, and matching stays linear on adversarial wildcards.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers"
)]

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use iamsim::engine::{Decision, Engine};
use iamsim::inventory::{
    named, parse_json, read_json, AdHoc, MAX_FILES, MAX_FILE_BYTES, MAX_SCENARIO_FILE_BYTES,
};
use iamsim::pattern::{ArnPattern, Dialect, Wildcard, MAX_PATTERN_CHARS};
use iamsim::policy::{parse_document, PolicyKind, MAX_STATEMENTS};
use iamsim::request::{Principal, Request};
use iamsim::scenario::{load_suite, LoadOptions, MAX_CASES, MAX_EXPANSION};
use serde_json::json;

/// Run `f` on another thread and fail if it has not finished in a generous time. This asserts
/// "completes" (no exponential backtracking), not a speed: a linear matcher takes milliseconds.
fn completes<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(120))
        .unwrap_or_else(|_| panic!("{what} did not complete in 120 s"))
}

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("limits")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn wildcards_match_adversarial_text_in_linear_time() {
    let text = "a".repeat(100_000);
    let found = completes("`*a*a*a*a*b` against 100k characters", move || {
        let mut results = Vec::new();
        for p in [
            "*a*a*a*a*b",
            "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
            "a*?*?*?*?*?*b",
        ] {
            for d in [Dialect::Plain, Dialect::Resource] {
                results.push(Wildcard::new(p, d).unwrap().is_match(&text));
            }
        }
        results.push(
            Wildcard::new("*a*a*a*a*a", Dialect::Plain)
                .unwrap()
                .is_match(&text),
        );
        results
    });
    assert_eq!(found, [false, false, false, false, false, false, true]);
}

#[test]
fn arn_patterns_match_adversarial_text_in_linear_time() {
    let arn = format!("arn:aws:s3:::{}", "a".repeat(100_000));
    let found = completes(
        "an ArnLike pattern against a 100k-character ARN",
        move || {
            ArnPattern::new("arn:aws:s3:::*a*a*a*a*a*a*a*a*b")
                .unwrap()
                .unwrap()
                .is_match(&arn)
        },
    );
    assert!(!found);
}

#[test]
fn evaluation_stays_linear_on_adversarial_policies() {
    let doc = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*a*a*a*a*a*a*a*a*b", "Resource": "arn:aws:s3:::*a*a*a*a*a*a*a*a*b",
         "Condition": {"StringLike": {"s3:prefix": "*a*a*a*a*a*a*a*a*b"},
                       "ArnLike": {"aws:SourceArn": "arn:aws:*:*:*:*a*a*a*a*a*a*a*a*b"}}}]});
    let decision = completes("evaluating 100k-character values", move || {
        let principal = Principal::parse("arn:aws:iam::111122223333:user/alice").unwrap();
        let long = "a".repeat(100_000);
        let ad = AdHoc {
            principal: Some(principal.clone()),
            identity: vec![named(
                "p",
                parse_document(&doc, "p", PolicyKind::Identity).unwrap(),
            )],
            resource_arn: Some(format!("arn:aws:s3:::{long}")),
            ..AdHoc::default()
        };
        let engine = Engine::new(&ad.build()).unwrap();
        let req = Request::new(
            principal,
            format!("s3:{long}"),
            format!("arn:aws:s3:::{long}"),
        )
        .with_context("s3:prefix", long.clone())
        .with_context("aws:SourceArn", format!("arn:aws:s3:::{long}"));
        engine.evaluate(&req).decision
    });
    assert_eq!(decision, Decision::ImplicitDeny);
}

#[test]
fn a_file_over_max_file_bytes_is_refused_before_reading() {
    let dir = scratch("file-size");
    let path = dir.join("big.json");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(MAX_FILE_BYTES + 1).unwrap();
    let e = read_json(&path).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: file is {} bytes; the limit is {MAX_FILE_BYTES}",
            path.display(),
            MAX_FILE_BYTES + 1
        )
    );
    f.set_len(MAX_FILE_BYTES).unwrap();
    // At the limit the file is read (and here fails as JSON: it is all NUL bytes).
    assert!(read_json(&path)
        .unwrap_err()
        .to_string()
        .contains("invalid JSON at line 1, column 1"));
}

#[test]
fn a_scenario_file_over_the_inventory_limit_is_read() {
    let dir = scratch("scenario-size");
    let policies = dir.join("policies/roles");
    std::fs::create_dir_all(&policies).unwrap();
    std::fs::write(
        policies.join("app.json"),
        json!({"arn": "arn:aws:iam::111122223333:role/app"}).to_string(),
    )
    .unwrap();
    let sc = dir.join("scenarios");
    std::fs::create_dir_all(&sc).unwrap();
    let case = json!({"name": "n", "principal": "role/app", "action": "s3:GetObject",
        "resource": "arn:aws:s3:::b/k", "expect": "deny"});
    // Padding past the inventory's 16 MiB: scenario files have their own, larger limit.
    let text = format!(
        "{{\"scenarios\": [{case}]}}{}",
        " ".repeat(MAX_FILE_BYTES as usize)
    );
    std::fs::write(sc.join("big.json"), text).unwrap();
    let suite = load_suite(std::slice::from_ref(&sc), &LoadOptions::default()).unwrap();
    assert_eq!(suite.cases.len(), 1);
    let f = std::fs::File::create(sc.join("big.json")).unwrap();
    f.set_len(MAX_SCENARIO_FILE_BYTES + 1).unwrap();
    let e = load_suite(&[sc], &LoadOptions::default()).unwrap_err();
    assert!(
        e.to_string()
            .ends_with(&format!("; the limit is {MAX_SCENARIO_FILE_BYTES}")),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn nesting_deeper_than_serde_jsons_recursion_limit_is_an_error() {
    let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert!(parse_json(&nested(127), "ok.json").is_ok());
    assert_eq!(
        parse_json(&nested(129), "deep.json")
            .unwrap_err()
            .to_string(),
        "deep.json: invalid JSON at line 1, column 128: recursion limit exceeded"
    );
    let objects = format!("{}1{}", "{\"a\":".repeat(200), "}".repeat(200));
    assert!(parse_json(&objects, "deep.json")
        .unwrap_err()
        .to_string()
        .ends_with("recursion limit exceeded"));
}

#[test]
fn statements_per_document_are_capped() {
    let stmt = json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"});
    let doc = |n: usize| json!({"Version": "2012-10-17", "Statement": vec![stmt.clone(); n]});
    let ok = parse_document(&doc(MAX_STATEMENTS), "p.json", PolicyKind::Identity).unwrap();
    assert_eq!(ok.statements.len(), MAX_STATEMENTS);
    assert_eq!(
        parse_document(&doc(MAX_STATEMENTS + 1), "p.json", PolicyKind::Identity)
            .unwrap_err()
            .to_string(),
        format!(
            "p.json: Statement: invalid statement count `{}`: at most {MAX_STATEMENTS} statements per document",
            MAX_STATEMENTS + 1
        )
    );
}

#[test]
fn patterns_longer_than_max_pattern_chars_are_refused() {
    let at = format!("arn:aws:s3:::{}", "a*".repeat((MAX_PATTERN_CHARS - 13) / 2));
    assert!(at.chars().count() <= MAX_PATTERN_CHARS);
    assert!(Wildcard::new(&at, Dialect::Resource).is_ok());
    let over = format!("{at}{}", "b".repeat(MAX_PATTERN_CHARS));
    assert!(Wildcard::new(&over, Dialect::Resource).is_err());
    let doc = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": over}]});
    let e = parse_document(&doc, "p.json", PolicyKind::Identity).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("p.json: Statement[0].Resource: invalid resource `arn:aws:s3:::a*a*"),
        "{e}"
    );
    assert!(
        e.to_string().ends_with(&format!(
            "...` ({} characters): pattern too long: the limit is {MAX_PATTERN_CHARS} characters",
            over.chars().count()
        )),
        "{e}"
    );
}

/// A scenario directory with the invalid corpus's base inventory and one scenario file.
fn suite_with(name: &str, scenario: serde_json::Value) -> Result<usize, String> {
    let dir = scratch(name);
    std::fs::write(dir.join("s.json"), scenario.to_string()).unwrap();
    let opts = LoadOptions {
        policies: vec![
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/invalid/_base/policies")
        ],
        tags: Vec::new(),
        ..LoadOptions::default()
    };
    load_suite(&[dir.join("s.json")], &opts)
        .map(|s| s.cases.len())
        .map_err(|e| e.to_string().replace(&dir.display().to_string(), "DIR"))
}

fn numbers(n: usize) -> Vec<String> {
    (0..n).map(|i| i.to_string()).collect()
}

#[test]
fn for_each_expansion_is_capped() {
    let scenario = |y: usize| {
        json!({"scenarios": [{"name": "n ${x} ${y}", "principal": "role/app",
            "action": "s3:GetObject", "resource": "arn:aws:s3:::acme-data/${x}/${y}",
            "for_each": {"x": numbers(1000), "y": numbers(y)}, "expect": "allow"}]})
    };
    assert_eq!(
        suite_with("expansion", scenario(MAX_EXPANSION / 1000 + 1)).unwrap_err(),
        format!(
            "DIR/s.json: scenarios[0] `n ${{x}} ${{y}}`: `for_each` expands to {} combinations; the limit is {MAX_EXPANSION}",
            MAX_EXPANSION + 1000
        )
    );
    assert_eq!(suite_with("expansion-ok", scenario(2)), Ok(2000));
}

#[test]
fn total_cases_are_counted_before_they_are_built() {
    // 100,000 bindings x 51 actions: 5.1 million cases, refused without building one.
    let actions = vec!["s3:GetObject"; MAX_CASES / MAX_EXPANSION + 1];
    let scenario = json!({"scenarios": [{"name": "n ${x} ${y}", "principal": "role/app",
        "actions": actions, "resource": "arn:aws:s3:::acme-data/k",
        "for_each": {"x": numbers(1000), "y": numbers(MAX_EXPANSION / 1000)}, "expect": "allow"}]});
    let e = completes("refusing 5.1 million cases", move || {
        suite_with("cases", scenario)
    });
    assert_eq!(
        e.unwrap_err(),
        format!(
            "DIR/s.json: scenarios[0] `n ${{x}} ${{y}}`: expands to {} cases, which with the 0 before it passes the limit of {MAX_CASES} cases in one run",
            MAX_EXPANSION * (MAX_CASES / MAX_EXPANSION + 1)
        )
    );
    // actions x resources alone, with no for_each, are bounded the same way.
    let many = numbers(3000);
    let scenario = json!({"scenarios": [{"name": "n", "principal": "role/app",
        "actions": vec!["s3:GetObject"; 2000], "resources": many.iter().map(|i| format!("arn:aws:s3:::b/{i}")).collect::<Vec<_>>(),
        "expect": "allow"}]});
    assert!(suite_with("cases-product", scenario)
        .unwrap_err()
        .contains("expands to 6000000 cases"));
}

#[test]
fn an_inventory_over_max_files_is_refused_before_reading() {
    let dir = scratch("files");
    let roles = dir.join("policies/roles");
    std::fs::create_dir_all(&roles).unwrap();
    for i in 0..=MAX_FILES {
        std::fs::File::create(roles.join(format!("r{i}.json"))).unwrap();
    }
    let e = iamsim::inventory::load_dir(&dir.join("policies")).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: more than {MAX_FILES} files; the limit is {MAX_FILES}",
            dir.join("policies").display()
        )
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
