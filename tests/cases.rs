//! The semantic case corpus (`tests/cases/{condition,pattern,engine}/*.json`, format in
//! docs/formats.md): one test per file, every row run, every failure reported by row name.
//! Filter files with arguments (`cargo test --test cases StringLike`) and rows with
//! `IAMSIM_CASE=substr,-other`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::print_stdout,
    clippy::panic,
    reason = "a test harness: failures should panic loudly"
)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use iamsim::engine::{Decision, Engine};
use iamsim::inventory::{named, AdHoc};
use iamsim::policy::{parse_document, PolicyKind};
use iamsim::request::{Context, Principal, Request};
use serde_json::{json, Value};

fn files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for group in ["condition", "pattern", "engine"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/cases")
            .join(group);
        let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        v.sort();
        out.extend(v);
    }
    out
}

fn row_filter() -> Vec<(bool, String)> {
    std::env::var("IAMSIM_CASE")
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| match s.strip_prefix('-') {
            Some(rest) => (false, rest.to_string()),
            None => (true, s.to_string()),
        })
        .collect()
}

fn wanted(name: &str, filter: &[(bool, String)]) -> bool {
    let includes: Vec<_> = filter.iter().filter(|(inc, _)| *inc).collect();
    (includes.is_empty() || includes.iter().any(|(_, s)| name.contains(s.as_str())))
        && !filter
            .iter()
            .any(|(inc, s)| !inc && name.contains(s.as_str()))
}

/// Fixed time for reproducible date conditions: 2024-06-01T00:00:00Z.
const NOW: i64 = 1_717_200_000_000;

fn run_statement_row(row: &Value) -> Result<(), String> {
    let mut st = serde_json::Map::new();
    st.insert("Effect".into(), json!("Allow"));
    match row.get("policy_not_action") {
        Some(na) => st.insert("NotAction".into(), na.clone()),
        None => st.insert(
            "Action".into(),
            row.get("policy_action").cloned().unwrap_or(json!("*")),
        ),
    };
    match row.get("policy_not_resource") {
        Some(nr) => st.insert("NotResource".into(), nr.clone()),
        None => st.insert(
            "Resource".into(),
            row.get("policy_resource").cloned().unwrap_or(json!("*")),
        ),
    };
    if let Some(c) = row.get("condition") {
        st.insert("Condition".into(), c.clone());
    }
    let mut doc = serde_json::Map::new();
    match row.get("version") {
        Some(Value::Null) => {}
        Some(v) => {
            doc.insert("Version".into(), v.clone());
        }
        None => {
            doc.insert("Version".into(), json!("2012-10-17"));
        }
    }
    doc.insert("Statement".into(), Value::Object(st));
    let parsed = parse_document(&Value::Object(doc), "row", PolicyKind::Identity);
    let expected_error = row.get("error").and_then(Value::as_str);
    let doc = match (parsed, expected_error) {
        (Err(e), Some(want)) => {
            let msg = e.to_string().to_lowercase();
            return if msg.contains(&want.to_lowercase()) {
                Ok(())
            } else {
                Err(format!("expected an error containing `{want}`, got `{e}`"))
            };
        }
        (Ok(_), Some(want)) => {
            return Err(format!(
                "expected a load error containing `{want}`, but the policy loaded"
            ))
        }
        (Err(e), None) => return Err(format!("unexpected load error: {e}")),
        (Ok(d), None) => d,
    };
    // The caller lives in the resource's account, so rows test statements, not cross-account rules.
    let resource = row.get("resource").and_then(Value::as_str).unwrap_or("*");
    let account = iamsim::pattern::Arn::parse(resource)
        .map(|a| a.account)
        .filter(|a| iamsim::request::is_account_id(a))
        .unwrap_or("111122223333");
    let principal = Principal::parse(&format!("arn:aws:iam::{account}:user/tester")).unwrap();
    let adhoc = AdHoc {
        principal: Some(principal.clone()),
        identity: vec![named("row", doc)],
        ..AdHoc::default()
    };
    let engine = Engine::new(&adhoc.build())
        .map_err(|e| e.to_string())?
        .with_time(NOW);
    let mut req = Request::new(
        principal,
        row.get("action")
            .and_then(Value::as_str)
            .unwrap_or("s3:GetObject"),
        row.get("resource").and_then(Value::as_str).unwrap_or("*"),
    );
    if let Some(c) = row.get("context") {
        req.context = Context::from_json(c)?;
    }
    let want = row
        .get("expect")
        .and_then(Value::as_bool)
        .ok_or("row has no boolean `expect`")?;
    let (ev, trace) = engine.explain(&req);
    let fast = engine.evaluate(&req);
    if fast.decision != ev.decision {
        return Err(format!(
            "evaluate and explain disagree: {:?} vs {:?}",
            fast.decision, ev.decision
        ));
    }
    let got = ev.decision == Decision::Allow;
    if got == want {
        Ok(())
    } else {
        Err(format!(
            "expected the statement to {}apply, but it did{}; trace: {}",
            if want { "" } else { "not " },
            if got { "" } else { " not" },
            serde_json::to_string(&trace.events).unwrap()
        ))
    }
}

fn run_engine_row(row: &Value) -> Result<(), String> {
    let (adhoc, req) = iamsim::inventory::from_engine_row(row)?;
    let engine = Engine::new(&adhoc.build())
        .map_err(|e| e.to_string())?
        .with_time(NOW);
    let (ev, trace) = engine.explain(&req);
    let fast = engine.evaluate(&req);
    if fast.decision != ev.decision || fast.blocked_by != ev.blocked_by {
        return Err(format!(
            "evaluate and explain disagree: {:?} vs {:?}",
            fast.decision, ev.decision
        ));
    }
    let want = row.get("expect").and_then(Value::as_str).ok_or("expect")?;
    let mut problems = Vec::new();
    if ev.decision.name() != want {
        problems.push(format!("expected {want}, got {}", ev.decision.name()));
    }
    if let Some(b) = row.get("blocked_by").and_then(Value::as_str) {
        if ev.blocked_by.map(|l| l.name()) != Some(b) {
            problems.push(format!(
                "expected blocked by {b}, got {:?}",
                ev.blocked_by.map(|l| l.name())
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}; trace: {}",
            problems.join("; "),
            serde_json::to_string(&trace.events).unwrap()
        ))
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let filter = row_filter();
    let (mut passed, mut failed) = (0, 0);
    for file in files() {
        let label = file
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(&file)
            .display()
            .to_string();
        if !args.is_empty() && !args.iter().any(|a| label.contains(a.as_str())) {
            continue;
        }
        let data: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        assert!(data.get("description").is_some(), "{label}: no description");
        let engine_file = label.contains("/engine/");
        let mut failures = Vec::new();
        let rows = data["cases"].as_array().unwrap();
        assert!(!rows.is_empty(), "{label}: no rows");
        for row in rows {
            let name = row["name"].as_str().unwrap();
            if !wanted(name, &filter) {
                continue;
            }
            let r = if engine_file {
                run_engine_row(row)
            } else {
                run_statement_row(row)
            };
            if let Err(e) = r {
                failures.push(format!("  {name}: {e}"));
            }
        }
        if failures.is_empty() {
            println!("test {label} ... ok ({} rows)", rows.len());
            passed += 1;
        } else {
            println!(
                "test {label} ... FAILED ({} of {} rows)",
                failures.len(),
                rows.len()
            );
            for f in &failures {
                println!("{f}");
            }
            failed += 1;
        }
    }
    println!("\ntest result: {}. {passed} passed; {failed} failed; 0 ignored; 0 measured; 0 filtered out", if failed == 0 { "ok" } else { "FAILED" });
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
