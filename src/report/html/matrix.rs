//! The access matrix as an HTML table (rows: resources; columns: principals; in each cell one
//! button per action group, coloured by its verdict) and its details as JSON for the script.

use std::io::{self, Write};

use super::data::verdict_class;
use super::escape::html;
use crate::matrix::{ActionGroup, Cell, Matrix, MatrixResource};
use crate::pattern::Arn;

/// `role/NAME` for an IAM ARN, the text itself otherwise (service principals).
pub fn principal_label(arn: &str) -> &str {
    match Arn::parse(arn) {
        Some(a) if a.service == "iam" || a.service == "sts" => a.resource,
        _ => arn,
    }
}

/// `service resource` of an ARN, or the alias's name for a KMS key that has one.
pub fn resource_label(r: &MatrixResource) -> String {
    let shown = r.alias.as_deref().unwrap_or(&r.arn);
    match Arn::parse(shown) {
        Some(a) => format!("{} {}", a.service, a.resource),
        None => shown.to_string(),
    }
}

/// The element id of a cell: `cell-RESOURCE-PRINCIPAL-GROUP` (indices and the group's name).
pub fn cell_id(c: &Cell) -> String {
    format!("cell-{}-{}-{}", c.resource, c.principal, c.group.name())
}

/// Write the matrix section: legend, table and the explanation panel.
pub fn write_matrix(out: &mut dyn Write, m: &Matrix) -> io::Result<()> {
    writeln!(out, "<section id=\"matrix\">\n<h2>Access matrix</h2>")?;
    writeln!(
        out,
        "<p class=\"legend\">Each cell holds one box per action group: <b>R</b>ead, <b>W</b>rite, \
         <b>P</b>ermissions, <b>T</b>agging (the actions the AWS catalog says act on the \
         resource). <span class=\"cell allow\">allowed</span> every action, \
         <span class=\"cell partial\">partial</span> some, <span class=\"cell deny\">denied</span> \
         none, <span class=\"cell explicit-deny\">explicit deny</span> a Deny statement decided, \
         <span class=\"cell deny cond\">dashed</span> some denied action has an Allow that \
         failed only on its conditions (another context may allow it). Click a box for the \
         explanation.</p>"
    )?;
    writeln!(
        out,
        "<p class=\"filter\"><label>Show the resources whose ARN holds <input id=\"filter\" type=\"search\" placeholder=\"repository/, acme-dev-research, ...\"></label></p>"
    )?;
    writeln!(
        out,
        "<div class=\"layout\">\n<div class=\"scroll\">\n<table class=\"matrix\">\n<thead><tr><th>resource</th>"
    )?;
    for p in &m.principals {
        writeln!(
            out,
            "<th class=\"principal\" data-principal=\"{0}\" title=\"{0}\">{1}</th>",
            html(p),
            html(principal_label(p))
        )?;
    }
    writeln!(out, "</tr></thead>\n<tbody>")?;
    let mut cells = m.cells.iter().enumerate().peekable();
    for (r, res) in m.resources.iter().enumerate() {
        writeln!(
            out,
            "<tr><th class=\"resource\" data-resource=\"{0}\" title=\"{0}\">{1}</th>",
            html(&res.arn),
            html(&resource_label(res))
        )?;
        for p in 0..m.principals.len() {
            write!(out, "<td>")?;
            let mut present = Vec::new();
            while let Some((n, c)) = cells.next_if(|(_, c)| c.resource == r && c.principal == p) {
                present.push((n, c));
            }
            for g in ActionGroup::ALL {
                match present.iter().find(|(_, c)| c.group == g) {
                    Some((n, c)) => write_cell(out, *n, c)?,
                    None => write!(out, "<span class=\"none\" title=\"no action\">·</span>")?,
                }
            }
            writeln!(out, "</td>")?;
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</tbody>\n</table>\n</div>")?;
    writeln!(
        out,
        "<aside id=\"explanation\" aria-live=\"polite\"><p class=\"hint\">Click a box of the matrix to see which statement decided each action, the patterns that matched and the conditions.</p></aside>\n</div>\n</section>"
    )
}

/// One clickable box: its id names its row, column and group; the script gives it a title when
/// the pointer rests on it (a title per box would double a large page). A screen reader reads
/// its short label (`read: allow`), since the letter and colour alone say nothing to it.
fn write_cell(out: &mut dyn Write, n: usize, c: &Cell) -> io::Result<()> {
    let verdict = verdict_class(c.verdict);
    write!(
        out,
        "<button type=\"button\" id=\"{}\" class=\"cell {verdict}{}\" data-cell=\"{n}\" aria-label=\"{}: {}{}\">{}</button>",
        cell_id(c),
        if c.conditional { " cond" } else { "" },
        c.group.name(),
        verdict.replace('-', " "),
        if c.conditional { ", conditions" } else { "" },
        c.group.letter()
    )
}

/// The matrix as JSON, for the script to explain a clicked cell.
pub fn write_data(out: &mut dyn Write, m: &Matrix) -> io::Result<()> {
    let json = super::data::page_json(m).map_err(io::Error::other)?;
    writeln!(
        out,
        "<script type=\"application/json\" id=\"matrix-data\">{json}</script>"
    )
}
