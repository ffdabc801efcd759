//! The HTML report of `iamsim report --format html`: one self-contained page (inline CSS and
//! script, a Content-Security-Policy that forbids every network load) with the access matrix
//! (a click on a cell shows why), the scenario results and the lint findings. Every text from
//! input is escaped ([`escape`]); the matrix's details travel as JSON in a `<script
//! type="application/json">` block, which the page's script renders with `textContent` only.

mod data;
mod escape;
mod matrix;
mod sections;

use std::io::{self, Write};

pub use escape::html as html_escape;

use crate::lint;
use crate::matrix::{Matrix, Verdict};
use crate::scenario::{Outcome, Suite, Tally};

/// The page's stylesheet and script, inlined.
const CSS: &str = include_str!("page.css");
const JS: &str = include_str!("page.js");

/// The Content-Security-Policy of the page: nothing from the network, inline style and script.
pub const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

/// What the page shows.
#[derive(Debug, Clone, Copy)]
pub struct HtmlInput<'a> {
    /// The inventory the matrix and lint read, as given
    pub inventory: &'a str,
    /// The access matrix
    pub matrix: &'a Matrix,
    /// The scenario run, if scenario files were given
    pub scenarios: Option<(&'a Suite, &'a [Outcome])>,
    /// The lint findings on the inventory (`None`: lint could not read it)
    pub lint: Option<&'a lint::Report>,
    /// Why lint could not read (some of) the inventory: lint reads policy files and `policies/`
    /// folders, not Terraform plans or GAAD dumps
    pub lint_errors: &'a [String],
    /// Warnings about the inventory (catalog checks of its statements), shown at the top
    pub warnings: &'a [String],
}

/// Write the whole page.
pub fn report_html(out: &mut dyn Write, input: &HtmlInput<'_>) -> io::Result<()> {
    let title = format!("iamsim report: {}", input.inventory);
    writeln!(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>")?;
    writeln!(out, "<meta charset=\"utf-8\">")?;
    writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
    )?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(out, "<title>{}</title>", html_escape(&title))?;
    writeln!(out, "<style>\n{CSS}</style>\n</head>\n<body>")?;
    writeln!(out, "<header>\n<h1>{}</h1>", html_escape(&title))?;
    summary(out, input)?;
    writeln!(out, "</header>\n<main>")?;
    matrix::write_matrix(out, input.matrix)?;
    sections::write_scenarios(out, input.scenarios)?;
    sections::write_lint(out, input.lint, input.lint_errors)?;
    writeln!(out, "</main>")?;
    writeln!(
        out,
        "<footer>iamsim {}: decisions computed offline from the files above.</footer>",
        env!("CARGO_PKG_VERSION")
    )?;
    matrix::write_data(out, input.matrix)?;
    writeln!(out, "<script>\n{JS}</script>\n</body>\n</html>")
}

/// The counts at the top, each linking to its section.
fn summary(out: &mut dyn Write, input: &HtmlInput<'_>) -> io::Result<()> {
    let m = input.matrix;
    let allowed = m
        .cells
        .iter()
        .filter(|c| matches!(c.verdict, Verdict::Allow | Verdict::Partial))
        .count();
    writeln!(out, "<ul id=\"summary\">")?;
    writeln!(
        out,
        "<li><a href=\"#matrix\">Access matrix</a>: {} principals, {} resources, {} cells ({} with some access)</li>",
        m.principals.len(),
        m.resources.len(),
        m.cells.len(),
        allowed
    )?;
    match input.scenarios {
        Some((suite, outcomes)) => {
            let t = Tally::of_run(suite, outcomes);
            let class = if t.failed > 0 { "failed" } else { "passed" };
            writeln!(
                out,
                "<li class=\"{class}\"><a href=\"#scenarios\">Scenarios</a>: {} passed, {} failed, {} skipped</li>",
                t.passed, t.failed, t.skipped
            )?;
        }
        None => writeln!(
            out,
            "<li><a href=\"#scenarios\">Scenarios</a>: none given</li>"
        )?,
    }
    if let Some(l) = input.lint {
        writeln!(
            out,
            "<li><a href=\"#lint\">Lint</a>: {} findings in {} documents</li>",
            l.findings.len(),
            l.documents
        )?;
    }
    writeln!(out, "</ul>")?;
    if !input.warnings.is_empty() {
        writeln!(out, "<ul id=\"warnings\" class=\"warnings\">")?;
        for w in input.warnings {
            writeln!(out, "<li>warning: {}</li>", html_escape(w))?;
        }
        writeln!(out, "</ul>")?;
    }
    Ok(())
}
