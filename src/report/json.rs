//! The JSON report of `iamsim check`: versioned, one record per case.

use std::io::{self, Write};

use serde_json::json;

use super::case_of;
use crate::scenario::{Outcome, Suite, Tally};

/// The schema version of the JSON report.
pub const SCHEMA_VERSION: u32 = 1;

/// Write `{"schema_version": 1, "summary": {...}, "cases": [...]}`.
pub fn check_json(out: &mut dyn Write, suite: &Suite, outcomes: &[Outcome]) -> io::Result<()> {
    let cases: Vec<_> = outcomes
        .iter()
        .filter_map(|o| {
            let c = case_of(suite, o)?;
            let ev = o.evaluation.as_ref();
            Some(json!({
                "file": &*c.file,
                "name": c.name,
                "principal": c.request.principal.as_str(),
                "action": c.request.action,
                "resource": c.request.resource,
                "expected": c.expect.name(),
                "actual": ev.map(|e| e.decision.name()),
                "status": o.status,
                "problems": o.problems,
                "decided_by": ev.map(|e| e.deciding.iter().map(ToString::to_string).collect::<Vec<_>>()).unwrap_or_default(),
                "blocked_by": ev.and_then(|e| e.blocked_by).map(|l| l.name()),
                "missing_context": ev.map(|e| e.missing_context.clone()).unwrap_or_default(),
                "skip": c.skip,
                "tags": &*c.tags,
            }))
        })
        .collect();
    let mut doc = json!({
        "schema_version": SCHEMA_VERSION,
        "summary": Tally::of_run(suite, outcomes),
        "cases": cases,
    });
    // Only when there are some, so a clean run's report is unchanged.
    if let (false, Some(map)) = (suite.warnings.is_empty(), doc.as_object_mut()) {
        map.insert("warnings".into(), json!(suite.warnings));
    }
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
/// The JSON report of a run that could not start: `{"schema_version", "error"}`.
pub fn load_error_json(out: &mut dyn Write, message: &str) -> io::Result<()> {
    let doc = json!({"schema_version": SCHEMA_VERSION, "error": message});
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
