//! Rendering one explained decision: for people (text), as iamsim's data (JSON), and in AWS's
//! `EvaluationResults` shape (<https://docs.aws.amazon.com/IAM/latest/APIReference/API_EvaluationResult.html>).

use std::io::{self, Write};

use serde_json::json;

use crate::ansi::Paint;
use crate::engine::{Decision, Evaluation, Layer, Mismatch, Trace, TraceEvent};
use crate::policy::Effect;
use crate::request::Request;

/// Why a statement did not apply, in words.
fn mismatch_text(m: &Mismatch) -> String {
    match m {
        Mismatch::Action => "its Action/NotAction does not cover the action".into(),
        Mismatch::Resource => "its Resource/NotResource does not cover the resource".into(),
        Mismatch::Principal => "its Principal/NotPrincipal does not name the caller".into(),
        Mismatch::Condition {
            operator,
            key,
            values,
            request,
            failure,
            ..
        } => {
            let got = if request.is_empty() {
                "absent".to_string()
            } else {
                format!("{request:?}")
            };
            format!(
                "condition {operator} {key} {values:?} failed ({failure:?}; request value: {got})"
            )
        }
    }
}

/// Write the decision, the deciding statements, what did not apply and why, and missing keys.
pub fn explain_text(
    out: &mut dyn Write,
    req: &Request,
    ev: &Evaluation,
    trace: &Trace,
    paint: Paint,
) -> io::Result<()> {
    writeln!(
        out,
        "{} {} on {}",
        req.principal.as_str(),
        req.action,
        req.resource
    )?;
    let verdict = match ev.decision {
        Decision::Allow => paint.green("ALLOW"),
        Decision::ExplicitDeny => paint.red("DENY (explicit)"),
        Decision::ImplicitDeny => paint.red("DENY (implicit)"),
    };
    match ev.blocked_by {
        Some(l) => writeln!(out, "decision: {verdict}, blocked by the {l} layer")?,
        None => writeln!(out, "decision: {verdict}")?,
    }
    for id in &ev.deciding {
        writeln!(out, "  decided by: {id}")?;
    }
    let (applied, not_applied, notes) = trace_lines(trace);
    if !applied.is_empty() {
        writeln!(out, "statements that apply:")?;
        for l in applied {
            writeln!(out, "{l}")?;
        }
    }
    if !not_applied.is_empty() {
        writeln!(out, "statements for this service that do not apply:")?;
        for l in not_applied {
            writeln!(out, "{l}")?;
        }
    }
    for n in notes {
        writeln!(out, "{n}")?;
    }
    if !ev.missing_context.is_empty() {
        writeln!(
            out,
            "the answer depends on context keys the request did not give: {}",
            ev.missing_context.join(", ")
        )?;
    }
    Ok(())
}

/// The trace as lines: statements that apply, statements that do not (and why), and notes.
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
            } => {
                let via = principal
                    .map(|p| format!(", principal matched as {p:?}"))
                    .unwrap_or_default();
                applied.push(format!("  [{layer}] {statement}: {effect:?} applies{via}"));
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

/// The explanation as data: one object `{"decision": "Allow"|"ExplicitDeny"|"ImplicitDeny", ...}`
/// for one request, an array of them for several (an action pattern): always one document.
pub fn explain_json(
    out: &mut dyn Write,
    results: &[(Request, Evaluation, Trace)],
) -> io::Result<()> {
    let docs: Vec<_> = results
        .iter()
        .map(|(req, ev, trace)| {
            json!({
                "schema_version": 1,
                "principal": req.principal.as_str(),
                "action": req.action,
                "resource": req.resource,
                "decision": ev.decision,
                "blocked_by": ev.blocked_by,
                "deciding": ev.deciding,
                "missing_context": ev.missing_context,
                "trace": trace.events,
            })
        })
        .collect();
    match docs.as_slice() {
        [one] => serde_json::to_writer_pretty(&mut *out, one)?,
        many => serde_json::to_writer_pretty(&mut *out, many)?,
    }
    writeln!(out)
}

fn source_type(layer: Layer) -> &'static str {
    match layer {
        Layer::Identity | Layer::Session => "role",
        Layer::Boundary => "permissions-boundary",
        Layer::Resource | Layer::KeyPolicy | Layer::TrustPolicy => "resource",
        Layer::Scp | Layer::Rcp => "organizations",
        Layer::Vpce => "vpc-endpoint",
        Layer::Service => "service",
    }
}

/// AWS's `EvaluationResults` shape, one entry per (action, resource) pair given.
pub fn explain_aws(
    out: &mut dyn Write,
    results: &[(Request, Evaluation, Trace)],
) -> io::Result<()> {
    let items: Vec<_> = results
        .iter()
        .map(|(req, ev, trace)| {
            let decision = match ev.decision {
                Decision::Allow => "allowed",
                Decision::ExplicitDeny => "explicitDeny",
                Decision::ImplicitDeny => "implicitDeny",
            };
            // As AWS: when a Deny decides, it is the only matched statement listed.
            let matched: Vec<_> = trace
                .events
                .iter()
                .filter_map(|e| match e {
                    TraceEvent::Applied { layer, statement, effect, .. }
                        if ev.deciding.contains(statement) && (ev.decision != Decision::ExplicitDeny || *effect == Effect::Deny) =>
                    {
                        Some(json!({"SourcePolicyId": statement.policy.to_string(), "SourcePolicyType": source_type(*layer), "StatementIndex": statement.index, "Sid": statement.sid}))
                    }
                    _ => None,
                })
                .collect();
            let boundary_ok = ev.blocked_by != Some(Layer::Boundary);
            let orgs_ok = !matches!(ev.blocked_by, Some(Layer::Scp | Layer::Rcp));
            json!({
                "EvalActionName": req.action,
                "EvalResourceName": req.resource,
                "EvalDecision": decision,
                "MatchedStatements": matched,
                "MissingContextValues": ev.missing_context,
                "OrganizationsDecisionDetail": {"AllowedByOrganizations": orgs_ok},
                "PermissionsBoundaryDecisionDetail": {"AllowedByPermissionsBoundary": boundary_ok},
            })
        })
        .collect();
    serde_json::to_writer_pretty(
        &mut *out,
        &json!({"EvaluationResults": items, "IsTruncated": false}),
    )?;
    writeln!(out)
}
