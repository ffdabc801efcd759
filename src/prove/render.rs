//! Text reports of proofs: one question's answer, and a tenancy check.

use std::io::{self, Write};

use super::{Answer, Counterexample, Tenancy, Verdict};

/// The statements or layer that decided a counterexample.
fn decided(c: &Counterexample) -> String {
    let ev = &c.evaluation;
    if !ev.deciding.is_empty() {
        let ids: Vec<String> = ev.deciding.iter().map(ToString::to_string).collect();
        return format!(" (decided by {})", ids.join(", "));
    }
    match ev.blocked_by {
        Some(l) => format!(" (no Allow in the {l} layer)"),
        None => String::new(),
    }
}

/// `proved: ...`, `counterexample: ...` or `unknown: ...`, with the size of the search.
pub fn write_answer(out: &mut dyn Write, a: &Answer) -> io::Result<()> {
    let size = format!(
        "{} actions in {} classes, {} resource classes, {} requests decided",
        a.actions, a.action_classes, a.resource_classes, a.requests
    );
    match &a.verdict {
        Verdict::Proved if a.requests == 0 => {
            writeln!(out, "empty: no request in the set ({size})")
        }
        Verdict::Proved => writeln!(out, "proved for every request ({size})"),
        Verdict::Counterexample(c) => {
            writeln!(out, "counterexample: {}{}", c.describe(), decided(c))?;
            writeln!(out, "({size})")
        }
        Verdict::Unknown(why) => {
            writeln!(out, "unknown ({size}):")?;
            for w in why {
                writeln!(out, "  {w}")?;
            }
            Ok(())
        }
    }
}

/// One line per breach and per undecided pair, then the verdict.
pub fn write_tenancy(out: &mut dyn Write, t: &Tenancy) -> io::Result<()> {
    for b in &t.breaches {
        let c = &b.counterexample;
        writeln!(
            out,
            "BREACH {} ({}) acts on {}'s resources: {}{}",
            b.principal,
            b.principal_owners.join(", "),
            b.owner,
            c.describe(),
            decided(c)
        )?;
    }
    for u in &t.unknown {
        writeln!(
            out,
            "UNKNOWN {} on {}'s resources: {}",
            u.principal,
            u.owner,
            u.reasons.join("; ")
        )?;
    }
    let size = format!(
        "{} owners, {} principals, {} questions, {} requests decided",
        t.owners, t.principals, t.questions, t.requests
    );
    if t.is_proved() {
        writeln!(
            out,
            "proved: no principal acts on another owner's resources, for any action, resource or context ({size})"
        )
    } else {
        writeln!(
            out,
            "not proved: {} breaches, {} undecided ({size})",
            t.breaches.len(),
            t.unknown.len()
        )
    }
}
