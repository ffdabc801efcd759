//! The statement coverage of `iamsim check --coverage`: every statement of the inventory under
//! its holder, marked exercised or not, and a closing count.

use std::io::{self, Write};

use crate::policy::Effect;
use crate::scenario::Coverage;

/// One line per statement, grouped by holder, then `coverage: N of M statements exercised`.
pub fn coverage_text(out: &mut dyn Write, c: &Coverage) -> io::Result<()> {
    writeln!(
        out,
        "coverage: whether a case exercised each statement (an Allow allowed one of its requests, a Deny denied one)"
    )?;
    let mut holder: Option<&str> = None;
    for s in &c.statements {
        if holder != Some(s.holder.as_str()) {
            writeln!(out, "{}", s.holder)?;
            holder = Some(&s.holder);
        }
        let sid = s
            .sid
            .as_deref()
            .map(|x| format!(" {x}"))
            .unwrap_or_default();
        let effect = match s.effect {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        };
        writeln!(
            out,
            "  {} {}#{}{sid} ({effect})",
            if s.covered { "covered  " } else { "UNCOVERED" },
            s.policy,
            s.index
        )?;
    }
    let total = c.statements.len();
    let missing = c.uncovered().count();
    writeln!(
        out,
        "coverage: {} of {total} statements exercised, {missing} not",
        total - missing
    )
}
