//! The scenario results (one collapsible block per file, failed files open) and the lint
//! findings of the HTML report.

use std::io::{self, Write};

use super::escape::html;
use crate::lint;
use crate::report::decided_by;
use crate::scenario::{Outcome, Status, Suite, Tally};

/// `passed`, `failed` or `skipped`.
fn status_name(s: Status) -> &'static str {
    match s {
        Status::Passed => "passed",
        Status::Failed => "failed",
        Status::Skipped => "skipped",
    }
}

/// Write the scenario section.
pub fn write_scenarios(out: &mut dyn Write, run: Option<(&Suite, &[Outcome])>) -> io::Result<()> {
    writeln!(out, "<section id=\"scenarios\">\n<h2>Scenario results</h2>")?;
    let Some((suite, outcomes)) = run else {
        return writeln!(
            out,
            "<p>No scenario files were given (<code>iamsim report scenarios/</code> adds them).</p>\n</section>"
        );
    };
    let t = Tally::of_run(suite, outcomes);
    writeln!(
        out,
        "<p class=\"tally\">{} passed, {} failed, {} skipped</p>",
        t.passed, t.failed, t.skipped
    )?;
    if !suite.warnings.is_empty() {
        writeln!(out, "<ul class=\"warnings\">")?;
        for w in &suite.warnings {
            writeln!(out, "<li>warning: {}</li>", html(w))?;
        }
        writeln!(out, "</ul>")?;
    }
    let mut files: Vec<&str> = Vec::new();
    for o in outcomes {
        if let Some(c) = suite.cases.get(o.case) {
            if !files.contains(&&*c.file) {
                files.push(&c.file);
            }
        }
    }
    for (n, file) in files.iter().enumerate() {
        let mine: Vec<&Outcome> = outcomes
            .iter()
            .filter(|o| suite.cases.get(o.case).is_some_and(|c| &*c.file == *file))
            .collect();
        write_file(out, n, file, suite, &mine)?;
    }
    writeln!(out, "</section>")
}

/// One scenario file: a summary line and a table of its cases.
fn write_file(
    out: &mut dyn Write,
    n: usize,
    file: &str,
    suite: &Suite,
    outcomes: &[&Outcome],
) -> io::Result<()> {
    let count = |s| outcomes.iter().filter(|o| o.status == s).count();
    let failed = count(Status::Failed);
    writeln!(
        out,
        "<details class=\"file {}\" id=\"file-{n}\"{}><summary><code>{}</code>: {} passed, {failed} failed, {} skipped</summary>",
        if failed > 0 { "failed" } else { "passed" },
        if failed > 0 { " open" } else { "" },
        html(file),
        count(Status::Passed),
        count(Status::Skipped)
    )?;
    writeln!(
        out,
        "<table class=\"cases\"><thead><tr><th>status</th><th>case</th><th>principal</th><th>action</th><th>resource</th><th>expected</th><th>actual</th><th>decided by / problems</th></tr></thead><tbody>"
    )?;
    for o in outcomes {
        let Some(c) = suite.cases.get(o.case) else {
            continue;
        };
        let actual = o.evaluation.as_ref().map_or("", |e| e.decision.name());
        let mut why = decided_by(o);
        if !o.problems.is_empty() {
            why = format!(
                "{}{}",
                o.problems.join("; "),
                if why.is_empty() {
                    String::new()
                } else {
                    format!(" ({why})")
                }
            );
        }
        writeln!(
            out,
            "<tr class=\"case {s}\"><td class=\"status\">{s}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            html(&c.name),
            html(c.request.principal.as_str()),
            html(&c.request.action),
            html(&c.request.resource),
            c.expect.name(),
            actual,
            html(&why),
            s = status_name(o.status),
        )?;
    }
    writeln!(out, "</tbody></table></details>")
}

/// Write the lint section.
pub fn write_lint(
    out: &mut dyn Write,
    report: Option<&lint::Report>,
    errors: &[String],
) -> io::Result<()> {
    writeln!(out, "<section id=\"lint\">\n<h2>Lint findings</h2>")?;
    if !errors.is_empty() {
        writeln!(out, "<ul class=\"warnings\">")?;
        for e in errors {
            writeln!(out, "<li>could not lint: {}</li>", html(e))?;
        }
        writeln!(out, "</ul>")?;
    }
    let Some(report) = report else {
        return writeln!(out, "<p>Lint did not run.</p>\n</section>");
    };
    if report.findings.is_empty() {
        return writeln!(
            out,
            "<p>No findings in {} documents.</p>\n</section>",
            report.documents
        );
    }
    writeln!(
        out,
        "<table class=\"findings\"><thead><tr><th>severity</th><th>rule</th><th>where</th><th>finding</th><th>fix</th></tr></thead><tbody>"
    )?;
    for f in &report.findings {
        writeln!(
            out,
            "<tr class=\"finding {sev}\"><td class=\"severity\">{sev}</td><td>{} <span class=\"rule\">{}</span></td><td><code>{}:{}</code> <code>{}</code></td><td>{}</td><td>{}</td></tr>",
            f.rule.id(),
            f.rule.name(),
            html(&f.file),
            f.line,
            html(&f.json_path),
            html(&f.message),
            html(&f.fix),
            sev = f.severity().name(),
        )?;
    }
    writeln!(out, "</tbody></table>\n</section>")
}
