//! Rendering a lint report as text (for people) or JSON (for tools), to any writer.

use std::io::{self, Write};

use super::rule::Severity;
use super::source::Report;
use crate::ansi::Paint;

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
/// closing line such as `0 errors, 2 warnings, 1 info in 17 policy documents`; with `paint`
/// on, the severity is coloured.
pub fn write_text(out: &mut impl Write, report: &Report, paint: Paint) -> io::Result<()> {
    for f in &report.findings {
        let severity = match f.severity() {
            Severity::Error => paint.red("error"),
            Severity::Warning => paint.yellow("warning"),
            Severity::Info => paint.dim("info"),
        };
        writeln!(
            out,
            "{}:{}: {severity}[{}] {}: {}",
            f.file,
            f.line,
            f.rule.id(),
            f.json_path,
            f.message
        )?;
        writeln!(out, "    fix: {}", f.fix)?;
    }
    let s = Summary::of(report);
    write!(
        out,
        "{}, {}, {} in {}",
        count(s.error, "error"),
        count(s.warning, "warning"),
        count(s.info, "info"),
        count(report.documents, "policy document")
    )?;
    let mut left_out = Vec::new();
    if !report.suppressed.is_empty() {
        left_out.push(format!("{} suppressed", report.suppressed.len()));
    }
    if report.baselined > 0 {
        left_out.push(format!("{} in the baseline", report.baselined));
    }
    if left_out.is_empty() {
        writeln!(out)
    } else {
        writeln!(out, " ({})", left_out.join(", "))
    }
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// `{"schema_version": 1, "documents", "summary", "findings": [{id, rule, severity, file, line,
/// json_path, sid, fingerprint, message, fix}], "suppressed": [{..., reason}], "baselined"}`.
/// The output is also a baseline for `--baseline` (matched on `fingerprint`).
pub fn write_json(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let findings: Vec<_> = report.findings.iter().map(finding_json).collect();
    let suppressed: Vec<_> = report
        .suppressed
        .iter()
        .map(|s| {
            let mut v = finding_json(&s.finding);
            if let Some(m) = v.as_object_mut() {
                m.insert("reason".into(), s.reason.clone().into());
            }
            v
        })
        .collect();
    let v = serde_json::json!({
        "schema_version": 1,
        "documents": report.documents,
        "summary": Summary::of(report),
        "findings": findings,
        "suppressed": suppressed,
        "baselined": report.baselined,
    });
    serde_json::to_writer_pretty(&mut *out, &v)?;
    writeln!(out)
}

/// One finding as JSON.
fn finding_json(f: &super::rule::Finding) -> serde_json::Value {
    serde_json::json!({
        "id": f.rule.id(),
        "rule": f.rule.name(),
        "severity": f.severity(),
        "file": f.file,
        "line": f.line,
        "json_path": f.json_path,
        "sid": f.sid,
        "fingerprint": f.fingerprint,
        "message": f.message,
        "fix": f.fix,
    })
}
