//! The human report of `iamsim check`: one line per failing case, then the tally.

use std::io::{self, Write};

use super::{case_of, decided_by};
use crate::policy::one_line;
use crate::scenario::{Outcome, Status, Suite, Tally};

/// How much of a run the text report shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TextOptions {
    /// ANSI colours
    pub color: bool,
    /// Also list the cases that passed (`-v`)
    pub verbose: bool,
    /// Only the closing tally (`-q`)
    pub quiet: bool,
}

/// Write each failure (a short line, its details indented below), with `verbose` each passing
/// case too, and the closing `N passed, N failed` line. Text from the input is written with
/// control characters escaped, so a case name cannot drive the terminal or forge a log line.
pub fn check_text(
    out: &mut dyn Write,
    suite: &Suite,
    outcomes: &[Outcome],
    opts: TextOptions,
) -> io::Result<()> {
    let (red, green, dim, reset) = if opts.color {
        ("\x1b[31m", "\x1b[32m", "\x1b[2m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    // A passing case is looked up only when it is written (`--verbose`).
    let written = |o: &&Outcome| o.status == Status::Failed || opts.verbose;
    for o in outcomes.iter().filter(|_| !opts.quiet).filter(written) {
        let Some(c) = case_of(suite, o) else { continue };
        // Built only for the lines written: a large passing suite writes none.
        let name = || one_line(&format!("{}: {}", c.file, c.name));
        match o.status {
            Status::Failed => {}
            Status::Passed if opts.verbose => {
                let name = name();
                writeln!(out, "{green}ok{reset}   {name}")?;
                continue;
            }
            Status::Skipped if opts.verbose => {
                let name = name();
                let why = c.skip.as_deref().unwrap_or("");
                writeln!(out, "{dim}skip {name} ({}){reset}", one_line(why))?;
                continue;
            }
            _ => continue,
        }
        writeln!(out, "{red}FAIL{reset} {}", name())?;
        let request = format!(
            "{} {} on {}",
            c.request.principal.as_str(),
            c.request.action,
            c.request.resource
        );
        writeln!(out, "     request: {}", one_line(&request))?;
        for p in &o.problems {
            writeln!(out, "     {}", one_line(p))?;
        }
        let who = decided_by(o);
        if !who.is_empty() {
            writeln!(out, "     {dim}decided by {}{reset}", one_line(&who))?;
        }
        if let Some(ev) = &o.evaluation {
            if !ev.missing_context.is_empty() {
                let keys = one_line(&ev.missing_context.join(", "));
                writeln!(out, "     {dim}context keys the policies read but the case does not give: {keys}{reset}")?;
            }
        }
    }
    let t = Tally::of_run(suite, outcomes);
    let color_total = if t.failed > 0 { red } else { green };
    write!(out, "{color_total}{} passed, {} failed", t.passed, t.failed)?;
    if t.skipped > 0 {
        write!(out, ", {} skipped", t.skipped)?;
    }
    writeln!(out, "{reset}")
}
