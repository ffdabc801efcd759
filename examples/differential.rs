//! Differential-testing driver: reads engine cases (the `tests/cases/engine` row shape, one JSON
//! object per line) on stdin and writes iamsim's decision for each as one JSON line on stdout:
//! `{"decision": "allow"|"explicit-deny"|"implicit-deny", "blocked_by": ...}` or `{"error": "..."}`.
//! Used by `scripts/differential`; build with `cargo build --release --example differential`.

use std::io::{BufRead, BufReader, BufWriter, Write};

use iamsim::engine::Engine;
use iamsim::inventory::{named, AdHoc, NamedPolicy};
use iamsim::policy::{parse_document, PolicyKind};
use iamsim::request::{Context, Principal, Request};
use serde_json::{json, Value};

/// Fixed time for reproducible date conditions: 2024-06-01T00:00:00Z (as in tests/cases.rs).
const NOW: i64 = 1_717_200_000_000;

fn doc(v: &Value, kind: PolicyKind, name: &str) -> Result<NamedPolicy, String> {
    parse_document(v, name, kind)
        .map(|d| named(name, d))
        .map_err(|e| e.to_string())
}

/// Decide one row exactly as `tests/cases.rs` does for `tests/cases/engine` rows.
fn decide(row: &Value) -> Result<Value, String> {
    let p = row.get("principal").ok_or("row has no principal")?;
    let arn = p
        .get("arn")
        .and_then(Value::as_str)
        .ok_or("principal.arn")?;
    let principal = Principal::parse(arn).map_err(|e| e.to_string())?;
    let mut adhoc = AdHoc {
        principal: Some(principal.clone()),
        ..AdHoc::default()
    };
    if let Some(ids) = p.get("identity").and_then(Value::as_array) {
        for (i, d) in ids.iter().enumerate() {
            adhoc
                .identity
                .push(doc(d, PolicyKind::Identity, &format!("identity{i}"))?);
        }
    }
    if let Some(b) = p.get("boundary") {
        adhoc.boundary = Some(doc(b, PolicyKind::Identity, "boundary")?);
    }
    let resource_arn = row
        .get("resource")
        .and_then(|r| r.get("arn"))
        .and_then(Value::as_str)
        .unwrap_or("*")
        .to_string();
    if let Some(r) = row.get("resource") {
        adhoc.resource_account = r.get("account").and_then(Value::as_str).map(str::to_string);
        if let Some(pol) = r.get("policy") {
            let is_role =
                resource_arn.starts_with("arn:aws:iam:") && resource_arn.contains(":role/");
            let kind = if is_role {
                PolicyKind::Trust
            } else {
                PolicyKind::Resource
            };
            adhoc.resource_policy = Some(doc(pol, kind, "resource-policy")?);
        }
    }
    adhoc.resource_arn = Some(resource_arn.clone());
    for (field, kind) in [("scps", PolicyKind::Scp), ("rcps", PolicyKind::Rcp)] {
        let Some(levels) = row.get(field).and_then(Value::as_array) else {
            continue;
        };
        let mut out = Vec::new();
        for (li, level) in levels.iter().enumerate() {
            let docs = level.as_array().ok_or("levels are arrays")?;
            let mut parsed = Vec::new();
            for (di, d) in docs.iter().enumerate() {
                parsed.push(doc(d, kind, &format!("{field}[{li}][{di}]"))?);
            }
            out.push(parsed);
        }
        if field == "scps" {
            adhoc.scps = out;
        } else {
            adhoc.rcps = out;
        }
    }
    let engine = Engine::new(&adhoc.build())
        .map_err(|e| e.to_string())?
        .with_time(NOW);
    let action = row.get("action").and_then(Value::as_str).ok_or("action")?;
    let mut req = Request::new(principal, action, resource_arn);
    if let Some(c) = row.get("context") {
        req.context = Context::from_json(c)?;
    }
    let ev = engine.evaluate(&req);
    Ok(json!({
        "decision": ev.decision.name(),
        "blocked_by": ev.blocked_by.map(|l| l.name()),
    }))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut input = BufReader::with_capacity(1 << 16, std::io::stdin());
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            break;
        }
        if line.trim().is_empty() {
            continue;
        }
        let answer = match serde_json::from_str::<Value>(&line) {
            Ok(row) => decide(&row).unwrap_or_else(|e| json!({ "error": e })),
            Err(e) => json!({ "error": format!("bad json line: {e}") }),
        };
        writeln!(out, "{answer}")?;
        // Answer at once when no more input is waiting, so a caller can talk line by line.
        if input.buffer().is_empty() {
            out.flush()?;
        }
    }
    out.flush()?;
    Ok(())
}
