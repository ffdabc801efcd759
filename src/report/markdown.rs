//! A Markdown table of a run, fit for a pull-request comment or a CI step summary.

use std::io::{self, Write};

use super::{case_of, decided_by};
use crate::scenario::{Outcome, Status, Suite, Tally};

/// `s` fit for a table cell: HTML and the cell separator escaped, control characters shown.
fn cell(s: &str) -> String {
    crate::policy::one_line(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace('\n', " ")
}

/// Write a summary line and a table of failing cases (or a note that all passed).
pub fn check_markdown(out: &mut dyn Write, suite: &Suite, outcomes: &[Outcome]) -> io::Result<()> {
    let t = Tally::of_run(suite, outcomes);
    let icon = if t.failed > 0 { "❌" } else { "✅" };
    writeln!(
        out,
        "### {icon} iamsim check: {} passed, {} failed, {} skipped\n",
        t.passed, t.failed, t.skipped
    )?;
    if !suite.warnings.is_empty() {
        writeln!(out, "**Warnings**\n")?;
        for w in &suite.warnings {
            writeln!(out, "- {}", cell(w))?;
        }
        writeln!(out)?;
    }
    let failed: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.status == Status::Failed)
        .collect();
    if failed.is_empty() {
        return writeln!(out, "Every scenario met its expectation.");
    }
    writeln!(
        out,
        "| file | case | principal | action | resource | problem | decided by |"
    )?;
    writeln!(out, "| --- | --- | --- | --- | --- | --- | --- |")?;
    for o in failed {
        let Some(c) = case_of(suite, o) else { continue };
        writeln!(
            out,
            "| {} | {} | `{}` | `{}` | `{}` | {} | {} |",
            cell(&c.file),
            cell(&c.name),
            cell(c.request.principal.as_str()),
            cell(&c.request.action),
            cell(&c.request.resource),
            cell(&o.problems.join("; ")),
            cell(&decided_by(o))
        )?;
    }
    Ok(())
}
/// The Markdown report of a run that could not start.
pub fn load_error_markdown(out: &mut dyn Write, message: &str) -> io::Result<()> {
    writeln!(out, "### ❌ iamsim check: the run could not start\n")?;
    writeln!(out, "{}", cell(message))
}
