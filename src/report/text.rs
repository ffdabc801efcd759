//! The human report of `iamsim check`: one line per failing case, then the tally.

use std::io::{self, Write};

use super::{case_of, decided_by};
use crate::scenario::{Outcome, Status, Suite, Tally};

/// Write failures (one line each) and the closing `N passed, N failed` line.
pub fn check_text(
    out: &mut dyn Write,
    suite: &Suite,
    outcomes: &[Outcome],
    color: bool,
) -> io::Result<()> {
    let (red, green, dim, reset) = if color {
        ("\x1b[31m", "\x1b[32m", "\x1b[2m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    for o in outcomes.iter().filter(|o| o.status == Status::Failed) {
        let Some(c) = case_of(suite, o) else { continue };
        let who = decided_by(o);
        let who = if who.is_empty() {
            String::new()
        } else {
            format!(" {dim}(decided by {who}){reset}")
        };
        writeln!(
            out,
            "{red}FAIL{reset} {}: {}: {} can {} on {}? {}{who}",
            c.file,
            c.name,
            c.request.principal.as_str(),
            c.request.action,
            c.request.resource,
            o.problems.join("; ")
        )?;
        if let Some(ev) = &o.evaluation {
            if !ev.missing_context.is_empty() {
                writeln!(out, "     {dim}context keys the policies read but the case does not give: {}{reset}", ev.missing_context.join(", "))?;
            }
        }
    }
    let t = Tally::of(outcomes);
    let color_total = if t.failed > 0 { red } else { green };
    write!(out, "{color_total}{} passed, {} failed", t.passed, t.failed)?;
    if t.skipped > 0 {
        write!(out, ", {} skipped", t.skipped)?;
    }
    writeln!(out, "{reset}")
}
