//! The diff for people (text), for tools (versioned JSON) and for pull requests (Markdown).

use std::io::{self, Write};

use serde::Serialize;

use super::{Diff, SummaryLine};

/// The version of the JSON output; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

fn counts(diff: &Diff) -> (usize, usize) {
    (diff.gained().count(), diff.lost().count())
}

/// One summary line per change group, then a closing count line.
pub fn write_text(out: &mut impl Write, diff: &Diff) -> io::Result<()> {
    for line in &diff.summary {
        writeln!(out, "{line}")?;
    }
    let (gained, lost) = counts(diff);
    writeln!(
        out,
        "{gained} gained, {lost} lost ({} requests asked)",
        diff.size.requests
    )?;
    write_gaps(out, diff, "")
}

/// The parts of the space not split exactly, after a note that changes there may be missed.
fn write_gaps(out: &mut impl Write, diff: &Diff, bullet: &str) -> io::Result<()> {
    if diff.gaps.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "{bullet}not split exactly, so a change there may be missed ({}):",
        diff.gaps.len()
    )?;
    for g in &diff.gaps {
        writeln!(out, "  - {g}")?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonDiff<'a> {
    schema_version: u32,
    gained: usize,
    lost: usize,
    size: &'a super::SpaceSize,
    summary: Vec<JsonLine<'a>>,
    changes: &'a [super::Change],
    gaps: &'a [String],
}

#[derive(Serialize)]
struct JsonLine<'a> {
    text: String,
    #[serde(flatten)]
    line: &'a SummaryLine,
}

/// `{"schema_version": 1, "gained", "lost", "size", "summary": [...], "changes": [...],
/// "gaps": [...]}`.
pub fn write_json(out: &mut impl Write, diff: &Diff) -> io::Result<()> {
    let (gained, lost) = counts(diff);
    let doc = JsonDiff {
        schema_version: SCHEMA_VERSION,
        gained,
        lost,
        size: &diff.size,
        summary: diff
            .summary
            .iter()
            .map(|line| JsonLine {
                text: line.to_string(),
                line,
            })
            .collect(),
        changes: &diff.changes,
        gaps: &diff.gaps,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// A pull-request comment: a heading with the counts and one table row per summary line.
pub fn write_markdown(out: &mut impl Write, diff: &Diff) -> io::Result<()> {
    let (gained, lost) = counts(diff);
    writeln!(out, "### iamsim diff: {gained} gained, {lost} lost\n")?;
    if diff.summary.is_empty() {
        writeln!(
            out,
            "No access changes ({} requests asked).",
            diff.size.requests
        )?;
        return write_gaps(out, diff, "\n");
    }
    writeln!(
        out,
        "| principal | change | actions | resources | when | statements |"
    )?;
    writeln!(out, "| --- | --- | --- | --- | --- | --- |")?;
    for l in &diff.summary {
        let sign = match l.direction {
            super::Direction::Gained => "➕ gained",
            super::Direction::Lost => "➖ lost",
        };
        let ctx: Vec<String> = l
            .context
            .iter()
            .map(|(k, v)| format!("`{k}={v}`"))
            .collect();
        let code = |v: &[String]| {
            v.iter()
                .map(|s| format!("`{}`", cell(s)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        writeln!(
            out,
            "| {} | {sign} | {} | {} | {} | {} |",
            cell(&l.principal),
            code(&l.actions),
            code(&l.resources),
            ctx.join(", "),
            cell(&l.statements.join("; "))
        )?;
    }
    writeln!(out, "\n{} requests asked.", diff.size.requests)?;
    write_gaps(out, diff, "\n")
}
