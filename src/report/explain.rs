//! Rendering explained decisions for people (text) and as iamsim's data (JSON). AWS's
//! `EvaluationResults` shape is in `aws`.

use std::io::{self, Write};

use serde_json::json;

use crate::ansi::Paint;
use crate::engine::{
    ConditionCheck, Decision, ElementMatch, Evaluation, Matched, Mismatch, Trace, TraceEvent,
};
use crate::policy::one_line;
use crate::request::Request;

/// One explained request: the request, its evaluation, the trace behind it, and the warnings
/// that concern it (policies that grant nothing, context keys that may be typos).
#[derive(Debug, Clone)]
pub struct Explained {
    /// The request
    pub request: Request,
    /// Its evaluation
    pub evaluation: Evaluation,
    /// Why
    pub trace: Trace,
    /// Warnings for this request
    pub warnings: Vec<String>,
}

/// `Action ["s3:Get*"]`.
fn element_text(e: &ElementMatch) -> String {
    format!("{} {:?}", e.clause, e.patterns)
}

/// The request's values, or `absent`.
fn request_text(request: &[String]) -> String {
    if request.is_empty() {
        "absent".to_string()
    } else {
        format!("{request:?}")
    }
}

/// `StringEquals aws:SourceAccount ["1111"] (request: ["1111"])`.
fn condition_text(c: &ConditionCheck) -> String {
    format!(
        "{} {} {:?} (request: {})",
        c.operator,
        c.key,
        c.values,
        request_text(&c.request)
    )
}

/// Why a statement did not apply, in words: the element and what it contains.
fn mismatch_text(m: &Mismatch) -> String {
    match m {
        Mismatch::Action { what } if what.clause == "NotAction" => {
            format!("its {} lists the action", element_text(what))
        }
        Mismatch::Action { what } => {
            format!("its {} does not cover the action", element_text(what))
        }
        Mismatch::Resource { what } if what.clause == "NotResource" => {
            format!("its {} lists the resource", element_text(what))
        }
        Mismatch::Resource { what } => {
            format!("its {} does not cover the resource", element_text(what))
        }
        Mismatch::Principal { what } if what.clause == "NotPrincipal" => {
            format!("its {} leaves the caller out", element_text(what))
        }
        Mismatch::Principal { what } => {
            format!("its {} does not name the caller", element_text(what))
        }
        Mismatch::Condition {
            operator,
            key,
            values,
            request,
            failure,
            ..
        } => format!(
            "condition {operator} {key} {values:?} failed ({failure:?}; request: {})",
            request_text(request)
        ),
    }
}

/// Why a statement applied: the lines under it.
fn matched_lines(m: &Matched) -> Vec<String> {
    let covers = |e: &ElementMatch, what: &str| match e.clause {
        "NotAction" | "NotResource" => {
            format!("      {} does not list the {what}", element_text(e))
        }
        _ => format!("      {} covers the {what}", element_text(e)),
    };
    let mut lines = vec![covers(&m.action, "action")];
    match &m.resource {
        Some(r) => lines.push(covers(r, "resource")),
        None => lines.push("      no Resource: the policy's own resource".into()),
    }
    for c in &m.conditions {
        lines.push(format!("      condition {} holds", condition_text(c)));
    }
    lines
}

/// Write the decision, the deciding statements with why they apply, what did not apply and
/// why, and missing keys. Text from the input has its control characters escaped.
pub fn explain_text(out: &mut dyn Write, e: &Explained, paint: Paint) -> io::Result<()> {
    let (req, ev) = (&e.request, &e.evaluation);
    let head = format!(
        "{} {} on {}",
        req.principal.as_str(),
        req.action,
        req.resource
    );
    writeln!(out, "{}", one_line(&head))?;
    match ev.blocked_by {
        Some(l) => writeln!(
            out,
            "decision: {}, blocked by the {l} layer",
            painted(ev, paint)
        )?,
        None => writeln!(out, "decision: {}", painted(ev, paint))?,
    }
    for id in &ev.deciding {
        writeln!(out, "{}", one_line(&format!("  decided by: {id}")))?;
    }
    let (applied, not_applied, notes) = trace_lines(&e.trace);
    let mut sections = [
        ("statements that apply:", applied),
        (
            "statements for this service that do not apply:",
            not_applied,
        ),
        ("", notes),
    ];
    for (title, lines) in &mut sections {
        if lines.is_empty() {
            continue;
        }
        if !title.is_empty() {
            writeln!(out, "{title}")?;
        }
        for l in lines.iter() {
            writeln!(out, "{}", one_line(l))?;
        }
    }
    if !ev.missing_context.is_empty() {
        writeln!(
            out,
            "the answer depends on context keys the request did not give: {}",
            one_line(&ev.missing_context.join(", "))
        )?;
    }
    Ok(())
}

/// `ALLOW`, `DENY (explicit)`, `DENY (implicit)`.
fn verdict(ev: &Evaluation) -> &'static str {
    match ev.decision {
        Decision::Allow => "ALLOW",
        Decision::ExplicitDeny => "DENY (explicit)",
        Decision::ImplicitDeny => "DENY (implicit)",
    }
}

/// [`verdict`] in green (allow) or red (deny) when `paint` is on.
fn painted(ev: &Evaluation, paint: Paint) -> String {
    match ev.decision {
        Decision::Allow => paint.green(verdict(ev)),
        _ => paint.red(verdict(ev)),
    }
}

/// Several requests: a table of the decisions (one row per action and resource, as AWS returns
/// `EvaluationResults`), then each explanation after a blank line.
pub fn explain_text_all(
    out: &mut dyn Write,
    results: &[Explained],
    paint: Paint,
) -> io::Result<()> {
    if results.len() > 1 {
        let width = |f: &dyn Fn(&Explained) -> usize| results.iter().map(f).max().unwrap_or(0);
        let wa = width(&|e| e.request.action.len()).max("ACTION".len());
        let wr = width(&|e| e.request.resource.len()).max("RESOURCE".len());
        writeln!(out, "{:wa$}  {:wr$}  DECISION", "ACTION", "RESOURCE")?;
        for e in results {
            let row = format!(
                "{:wa$}  {:wr$}  {}",
                e.request.action,
                e.request.resource,
                verdict(&e.evaluation)
            );
            writeln!(out, "{}", one_line(&row))?;
        }
    }
    for (i, e) in results.iter().enumerate() {
        if i > 0 || results.len() > 1 {
            writeln!(out)?;
        }
        explain_text(out, e, paint)?;
    }
    Ok(())
}

/// The trace as lines: statements that apply (and why), statements that do not (and why),
/// and notes.
fn trace_lines(trace: &Trace) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut applied = Vec::new();
    let mut not_applied = Vec::new();
    let mut notes = Vec::new();
    for e in &trace.events {
        match e {
            TraceEvent::Applied {
                layer,
                statement,
                effect,
                principal,
                matched,
            } => {
                let via = principal
                    .map(|p| format!(", principal matched as {p:?}"))
                    .unwrap_or_default();
                applied.push(format!("  [{layer}] {statement}: {effect:?} applies{via}"));
                applied.extend(matched_lines(matched));
            }
            TraceEvent::NotApplied {
                layer,
                statement,
                effect,
                because,
            } => {
                not_applied.push(format!(
                    "  [{layer}] {statement} ({effect:?}): {}",
                    mismatch_text(because)
                ));
            }
            TraceEvent::Unknown { layer, what } => {
                notes.push(format!("  [{layer}] unknown: {what}"))
            }
            TraceEvent::Note { text } => notes.push(format!("  note: {text}")),
        }
    }
    (applied, not_applied, notes)
}

/// The schema version of `explain --format json`: 2 added `matched` to applied statements,
/// the elements' patterns to `action`/`resource` mismatches, and `warnings`.
pub const EXPLAIN_SCHEMA_VERSION: u32 = 2;

/// The explanation as data: one object `{"decision": "Allow"|"ExplicitDeny"|"ImplicitDeny", ...}`
/// for one request, an array of them for several: always one document. `warnings` is present
/// only when there are some.
pub fn explain_json(out: &mut dyn Write, results: &[Explained]) -> io::Result<()> {
    let docs: Vec<_> = results
        .iter()
        .map(|e| {
            let (req, ev) = (&e.request, &e.evaluation);
            let mut doc = json!({
                "schema_version": EXPLAIN_SCHEMA_VERSION,
                "principal": req.principal.as_str(),
                "action": req.action,
                "resource": req.resource,
                "decision": ev.decision,
                "blocked_by": ev.blocked_by,
                "deciding": ev.deciding,
                "missing_context": ev.missing_context,
                "trace": e.trace.events,
            });
            if let (false, Some(o)) = (e.warnings.is_empty(), doc.as_object_mut()) {
                o.insert("warnings".into(), json!(e.warnings));
            }
            doc
        })
        .collect();
    match docs.as_slice() {
        [one] => serde_json::to_writer_pretty(&mut *out, one)?,
        many => serde_json::to_writer_pretty(&mut *out, many)?,
    }
    writeln!(out)
}
