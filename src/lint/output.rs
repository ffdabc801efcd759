//! Rendering a lint report as text (for people) or JSON (for tools), to any writer.

use std::io::{self, Write};

use super::rule::Severity;
use super::source::Report;

/// Counts of findings by severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Summary {
    /// Errors
    pub error: usize,
    /// Warnings
    pub warning: usize,
    /// Infos
    pub info: usize,
}

impl Summary {
    /// Count the report's findings
    pub fn of(report: &Report) -> Self {
        let mut s = Self::default();
        for f in &report.findings {
            match f.severity() {
                Severity::Error => s.error += 1,
                Severity::Warning => s.warning += 1,
                Severity::Info => s.info += 1,
            }
        }
        s
    }
}

/// One block per finding (`file:line: severity[ID] path: message`, then `fix: ...`) and a
/// closing line such as `0 errors, 2 warnings, 1 info in 17 policy documents`.
pub fn write_text(out: &mut impl Write, report: &Report) -> io::Result<()> {
    for f in &report.findings {
        writeln!(
            out,
            "{}:{}: {}[{}] {}: {}",
            f.file,
            f.line,
            f.severity(),
            f.rule.id(),
            f.json_path,
            f.message
        )?;
        writeln!(out, "    fix: {}", f.fix)?;
    }
    let s = Summary::of(report);
    writeln!(
        out,
        "{}, {}, {} in {}",
        count(s.error, "error"),
        count(s.warning, "warning"),
        count(s.info, "info"),
        count(report.documents, "policy document")
    )
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// `{"schema_version": 1, "documents", "summary", "findings": [{id, rule, severity, file, line,
/// json_path, message, fix}]}`.
pub fn write_json(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let findings: Vec<_> = report
        .findings
        .iter()
        .map(|f| {
            serde_json::json!({
                "id": f.rule.id(),
                "rule": f.rule.name(),
                "severity": f.severity(),
                "file": f.file,
                "line": f.line,
                "json_path": f.json_path,
                "message": f.message,
                "fix": f.fix,
            })
        })
        .collect();
    let v = serde_json::json!({
        "schema_version": 1,
        "documents": report.documents,
        "summary": Summary::of(report),
        "findings": findings,
    });
    serde_json::to_writer_pretty(&mut *out, &v)?;
    writeln!(out)
}
