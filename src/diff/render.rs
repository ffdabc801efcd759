//! The diff for people (text), for tools (versioned JSON) and for pull requests (Markdown).

use std::io::{self, Write};

use serde::Serialize;

use super::{Diff, SummaryLine};

/// The version of the JSON output; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

fn counts(diff: &Diff) -> (usize, usize) {
    (diff.gained().count(), diff.lost().count())
}

/// Summary lines (grants: a principal, actions, resources and the statements behind them)
/// gained and lost.
fn grants(diff: &Diff) -> (usize, usize) {
    let gained = diff
        .summary
        .iter()
        .filter(|l| l.direction == super::Direction::Gained)
        .count();
    (gained, diff.summary.len() - gained)
}

/// `N grants gained, N lost (N requests gained, N lost; N asked, one per class)`.
fn count_line(diff: &Diff) -> String {
    let (gained, lost) = counts(diff);
    let (g, l) = grants(diff);
    let plural = if g == 1 { "grant" } else { "grants" };
    format!(
        "{g} {plural} gained, {l} lost ({gained} requests gained, {lost} lost; {} asked, one per class)",
        diff.size.requests
    )
}

/// One summary line per change group, then a closing count line.
pub fn write_text(out: &mut impl Write, diff: &Diff) -> io::Result<()> {
    for line in &diff.summary {
        writeln!(out, "{line}")?;
    }
    writeln!(out, "{}", count_line(diff))?;
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
    grants: JsonGrants,
    size: &'a super::SpaceSize,
    summary: Vec<JsonLine<'a>>,
    changes: &'a [super::Change],
    gaps: &'a [String],
}

/// Summary lines gained and lost (`gained`/`lost` at the top count requests).
#[derive(Serialize)]
struct JsonGrants {
    gained: usize,
    lost: usize,
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
    let (g, l) = grants(diff);
    let doc = JsonDiff {
        schema_version: SCHEMA_VERSION,
        gained,
        lost,
        grants: JsonGrants { gained: g, lost: l },
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
    let (g, l) = grants(diff);
    let plural = if g == 1 { "grant" } else { "grants" };
    writeln!(out, "### iamsim diff: {g} {plural} gained, {l} lost\n")?;
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
        let when = if l.context.is_empty() {
            String::new()
        } else {
            format!("`{}`", cell(&l.when()))
        };
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
            when,
            cell(&l.statements.join("; "))
        )?;
    }
    writeln!(out, "\n{}.", count_line(diff))?;
    write_gaps(out, diff, "\n")
}
