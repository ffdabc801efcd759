//! Differential-testing driver: reads engine cases (the `tests/cases/engine` row shape, one JSON
//! object per line) on stdin and writes iamsim's decision for each as one JSON line on stdout:
//! `{"decision": "allow"|"explicit-deny"|"implicit-deny", "blocked_by": ...}` or `{"error": "..."}`.
//! Used by `scripts/differential`; build with `cargo build --release --example differential`.

use std::io::{BufRead, BufReader, BufWriter, Write};

use iamsim::engine::Engine;
use serde_json::{json, Value};

/// Fixed time for reproducible date conditions: 2024-06-01T00:00:00Z (as in tests/cases.rs).
const NOW: i64 = 1_717_200_000_000;

/// Decide one row exactly as `tests/cases.rs` does for `tests/cases/engine` rows.
fn decide(row: &Value) -> Result<Value, String> {
    let (adhoc, req) = iamsim::inventory::from_engine_row(row)?;
    let engine = Engine::new(&adhoc.build())
        .map_err(|e| e.to_string())?
        .with_time(NOW);
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
