//! JUnit XML for CI dashboards (GitLab, Jenkins): a `testsuite` per scenario file, a `testcase`
//! per expanded case, `failure` for unmet expectations and `skipped` for skipped cases.

use std::io::{self, Write};

use indexmap::IndexMap;

use super::{case_of, decided_by};
use crate::scenario::{Outcome, Status, Suite, Tally};

/// Escape text for XML attributes and content.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Write the run as JUnit XML.
pub fn check_junit(out: &mut dyn Write, suite: &Suite, outcomes: &[Outcome]) -> io::Result<()> {
    let mut by_file: IndexMap<&str, Vec<&Outcome>> = IndexMap::new();
    for o in outcomes {
        if let Some(c) = case_of(suite, o) {
            by_file.entry(&*c.file).or_default().push(o);
        }
    }
    let t = Tally::of(outcomes);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="iamsim" tests="{}" failures="{}" errors="0" skipped="{}">"#,
        outcomes.len(),
        t.failed,
        t.skipped
    )?;
    for (file, list) in by_file {
        let owned: Vec<Outcome> = list.iter().map(|o| (*o).clone()).collect();
        let ft = Tally::of(&owned);
        let f = xml_escape(file);
        writeln!(
            out,
            r#"  <testsuite name="{f}" tests="{}" failures="{}" errors="0" skipped="{}">"#,
            list.len(),
            ft.failed,
            ft.skipped
        )?;
        for o in list {
            let Some(c) = case_of(suite, o) else { continue };
            write!(
                out,
                r#"    <testcase classname="{f}" file="{f}" name="{}""#,
                xml_escape(&c.name)
            )?;
            match o.status {
                Status::Passed => writeln!(out, "/>")?,
                Status::Skipped => {
                    writeln!(out, ">")?;
                    writeln!(
                        out,
                        r#"      <skipped message="{}"/>"#,
                        xml_escape(c.skip.as_deref().unwrap_or(""))
                    )?;
                    writeln!(out, "    </testcase>")?;
                }
                Status::Failed => {
                    writeln!(out, ">")?;
                    let detail = format!(
                        "principal: {}\naction: {}\nresource: {}\ndecided by: {}",
                        c.request.principal.as_str(),
                        c.request.action,
                        c.request.resource,
                        decided_by(o)
                    );
                    writeln!(
                        out,
                        r#"      <failure message="{}" type="UnexpectedDecision">{}</failure>"#,
                        xml_escape(&o.problems.join("; ")),
                        xml_escape(&detail)
                    )?;
                    writeln!(out, "    </testcase>")?;
                }
            }
        }
        writeln!(out, "  </testsuite>")?;
    }
    warnings_suite(out, &suite.warnings)?;
    writeln!(out, "</testsuites>")
}

/// The run's warnings as a suite of no tests whose `system-err` (the schema's place for a run's
/// output) holds them, so that dashboards show them beside the tests.
fn warnings_suite(out: &mut dyn Write, warnings: &[String]) -> io::Result<()> {
    if warnings.is_empty() {
        return Ok(());
    }
    let text: Vec<String> = warnings.iter().map(|w| format!("warning: {w}")).collect();
    writeln!(
        out,
        r#"  <testsuite name="warnings" tests="0" failures="0" errors="0" skipped="0">"#
    )?;
    writeln!(
        out,
        "    <system-err>{}</system-err>",
        xml_escape(&text.join("\n"))
    )?;
    writeln!(out, "  </testsuite>")
}

/// JUnit for a run that could not load: one `error` test case naming the problem.
pub fn load_error_junit(out: &mut dyn Write, message: &str) -> io::Result<()> {
    let m = xml_escape(message);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="iamsim" tests="1" failures="0" errors="1" skipped="0">"#
    )?;
    writeln!(
        out,
        r#"  <testsuite name="load" tests="1" failures="0" errors="1" skipped="0">"#
    )?;
    writeln!(
        out,
        r#"    <testcase classname="load" name="load scenarios and policies"><error message="{m}" type="LoadError">{m}</error></testcase>"#
    )?;
    writeln!(out, "  </testsuite>\n</testsuites>")
}
