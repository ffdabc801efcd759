//! `explain --format aws`: exactly the response of AWS's `SimulateCustomPolicy` and
//! `SimulatePrincipalPolicy` (`{"EvaluationResults": [...], "IsTruncated": false}`), with no
//! field AWS does not return.
//!
//! Shapes: <https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html>
//! (response), <https://docs.aws.amazon.com/IAM/latest/APIReference/API_EvaluationResult.html>,
//! <https://docs.aws.amazon.com/IAM/latest/APIReference/API_ResourceSpecificResult.html>,
//! <https://docs.aws.amazon.com/IAM/latest/APIReference/API_Statement.html> and
//! <https://docs.aws.amazon.com/IAM/latest/APIReference/API_Position.html>. As AWS now does,
//! there is one `EvaluationResult` per action: its top-level fields are the aggregate (the most
//! restrictive decision) over the resources, each resource's own result is in
//! `ResourceSpecificResults`, and the keys a decision is missing are listed per resource
//! (at the top level only when the resource is `*`).

use std::io::{self, Write};

use serde_json::{json, Map, Value};

use super::explain::Explained;
use crate::engine::{Decision, Evaluation, Layer, StatementId, TraceEvent};
use crate::policy::Effect;

/// A line and column, both from 1 (AWS's `Position`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// The line, from 1
    pub line: usize,
    /// The column, from 1
    pub column: usize,
}

/// A matched statement as AWS names it: the policy's id, its `SourcePolicyType` (`user`,
/// `group`, `role`, `aws-managed`, `user-managed`, `resource` or `none`) and, when its source
/// text is known, where the statement starts and ends in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsStatement {
    /// `SourcePolicyId`
    pub id: String,
    /// `SourcePolicyType`
    pub source_type: &'static str,
    /// `StartPosition` and `EndPosition` (its opening and closing brace)
    pub span: Option<(Position, Position)>,
}

/// How a caller names matched statements; [`default_statement`] when it knows no sources.
pub type Locate<'a> = dyn Fn(&StatementId, Layer) -> AwsStatement + 'a;

/// A statement named after its policy, typed by its layer, without a position.
pub fn default_statement(id: &StatementId, layer: Layer) -> AwsStatement {
    AwsStatement {
        id: id.policy.to_string(),
        source_type: match layer {
            Layer::Identity => "role",
            Layer::Resource | Layer::KeyPolicy | Layer::TrustPolicy => "resource",
            Layer::Boundary => "user-managed",
            _ => "none",
        },
        span: None,
    }
}

/// AWS's spelling of a decision.
fn decision_name(d: Decision) -> &'static str {
    match d {
        Decision::Allow => "allowed",
        Decision::ExplicitDeny => "explicitDeny",
        Decision::ImplicitDeny => "implicitDeny",
    }
}

/// Most restrictive first: an explicit deny, then an implicit deny, then allowed.
fn severity(d: Decision) -> u8 {
    match d {
        Decision::ExplicitDeny => 2,
        Decision::ImplicitDeny => 1,
        Decision::Allow => 0,
    }
}

/// The statements that decided, as AWS lists them: when a Deny decides, only the Deny.
fn matched(e: &Explained, locate: &Locate<'_>) -> Vec<Value> {
    let ev = &e.evaluation;
    e.trace
        .events
        .iter()
        .filter_map(|t| match t {
            TraceEvent::Applied {
                layer,
                statement,
                effect,
                ..
            } if ev.deciding.contains(statement)
                && (ev.decision != Decision::ExplicitDeny || *effect == Effect::Deny) =>
            {
                Some(statement_json(&locate(statement, *layer)))
            }
            _ => None,
        })
        .collect()
}

/// One `Statement` object: positions only when known.
fn statement_json(s: &AwsStatement) -> Value {
    let mut o = Map::new();
    o.insert("SourcePolicyId".into(), json!(s.id));
    o.insert("SourcePolicyType".into(), json!(s.source_type));
    if let Some((start, end)) = s.span {
        o.insert(
            "StartPosition".into(),
            json!({"Line": start.line, "Column": start.column}),
        );
        o.insert(
            "EndPosition".into(),
            json!({"Line": end.line, "Column": end.column}),
        );
    }
    Value::Object(o)
}

fn boundary_detail(ev: &Evaluation) -> Value {
    json!({"AllowedByPermissionsBoundary": ev.blocked_by != Some(Layer::Boundary)})
}

/// One `ResourceSpecificResult` (its `EvalDecisionDetails` is "returned only for
/// cross-account simulations", whose per-policy-type breakdown iamsim does not compute).
fn resource_result(e: &Explained, locate: &Locate<'_>) -> Value {
    let ev = &e.evaluation;
    json!({
        "EvalResourceName": e.request.resource,
        "EvalResourceDecision": decision_name(ev.decision),
        "MatchedStatements": matched(e, locate),
        "MissingContextValues": ev.missing_context,
        "PermissionsBoundaryDecisionDetail": boundary_detail(ev),
    })
}

/// One `EvaluationResult`: the aggregate over the resources `group` asked about for one action.
fn evaluation_result(group: &[&Explained], locate: &Locate<'_>) -> Value {
    let worst = group
        .iter()
        .map(|e| e.evaluation.decision)
        .max_by_key(|d| severity(*d))
        .unwrap_or(Decision::ImplicitDeny);
    let deciding: Vec<&&Explained> = group
        .iter()
        .filter(|e| e.evaluation.decision == worst)
        .collect();
    let mut statements: Vec<Value> = Vec::new();
    for e in &deciding {
        for s in matched(e, locate) {
            if !statements.contains(&s) {
                statements.push(s);
            }
        }
    }
    let any = |f: &dyn Fn(&Evaluation) -> bool| group.iter().any(|e| f(&e.evaluation));
    let all_resources = group.iter().all(|e| e.request.resource == "*");
    let resource = match group {
        [one] => one.request.resource.as_str(),
        _ => "*",
    };
    let mut missing: Vec<&str> = Vec::new();
    if all_resources {
        for k in group.iter().flat_map(|e| &e.evaluation.missing_context) {
            if !missing.contains(&k.as_str()) {
                missing.push(k);
            }
        }
    }
    let mut o = Map::new();
    o.insert(
        "EvalActionName".into(),
        json!(group.first().map(|e| e.request.action.as_str())),
    );
    o.insert("EvalResourceName".into(), json!(resource));
    o.insert("EvalDecision".into(), json!(decision_name(worst)));
    o.insert("MatchedStatements".into(), Value::Array(statements));
    o.insert("MissingContextValues".into(), json!(missing));
    o.insert(
        "OrganizationsDecisionDetail".into(),
        json!({"AllowedByOrganizations": !any(&|ev| matches!(ev.blocked_by, Some(Layer::Scp | Layer::Rcp)))}),
    );
    o.insert(
        "PermissionsBoundaryDecisionDetail".into(),
        json!({"AllowedByPermissionsBoundary": !any(&|ev| ev.blocked_by == Some(Layer::Boundary))}),
    );
    // "If the simulation ... includes a resource ARN, then the parameter is present but the
    // response is empty. If [it] specifies all resources (*), then the parameter is not returned."
    if !all_resources {
        o.insert("EvalDecisionDetails".into(), json!({}));
        let each: Vec<Value> = group.iter().map(|e| resource_result(e, locate)).collect();
        o.insert("ResourceSpecificResults".into(), Value::Array(each));
    }
    Value::Object(o)
}

/// AWS's `SimulatePolicyResponse`: one `EvaluationResult` per action, in the order asked.
pub fn explain_aws(
    out: &mut dyn Write,
    results: &[Explained],
    locate: &Locate<'_>,
) -> io::Result<()> {
    let mut actions: Vec<&str> = Vec::new();
    for e in results {
        if !actions.contains(&e.request.action.as_str()) {
            actions.push(&e.request.action);
        }
    }
    let items: Vec<Value> = actions
        .iter()
        .map(|a| {
            let group: Vec<&Explained> =
                results.iter().filter(|e| e.request.action == *a).collect();
            evaluation_result(&group, locate)
        })
        .collect();
    serde_json::to_writer_pretty(
        &mut *out,
        &json!({"EvaluationResults": items, "IsTruncated": false}),
    )?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

    use super::*;
    use crate::engine::Trace;
    use crate::request::{Principal, Request};

    fn explained(resource: &str, decision: Decision, missing: &[&str]) -> Explained {
        let p = Principal::parse("arn:aws:iam::111122223333:user/a").unwrap();
        Explained {
            request: Request::new(p, "s3:GetObject", resource),
            evaluation: Evaluation {
                decision,
                blocked_by: None,
                deciding: Vec::new(),
                missing_context: missing.iter().map(ToString::to_string).collect(),
            },
            trace: Trace::default(),
            warnings: Vec::new(),
        }
    }

    fn render(results: &[Explained]) -> Value {
        let mut out = Vec::new();
        explain_aws(&mut out, results, &default_statement).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn one_result_per_action_with_the_most_restrictive_decision() {
        let v = render(&[
            explained("arn:aws:s3:::b/1", Decision::Allow, &[]),
            explained(
                "arn:aws:s3:::b/2",
                Decision::ExplicitDeny,
                &["aws:SourceIp"],
            ),
            explained("arn:aws:s3:::b/3", Decision::ImplicitDeny, &[]),
        ]);
        let results = v["EvaluationResults"].as_array().unwrap();
        assert_eq!(results.len(), 1);
        let r = &results[0];
        assert_eq!(r["EvalDecision"], "explicitDeny");
        assert_eq!(r["EvalResourceName"], "*");
        assert_eq!(r["MissingContextValues"], serde_json::json!([]));
        let each = r["ResourceSpecificResults"].as_array().unwrap();
        let decisions: Vec<_> = each
            .iter()
            .map(|e| e["EvalResourceDecision"].clone())
            .collect();
        assert_eq!(decisions, ["allowed", "explicitDeny", "implicitDeny"]);
        assert_eq!(each[1]["MissingContextValues"][0], "aws:SourceIp");
    }

    #[test]
    fn every_resource_puts_missing_keys_at_the_top() {
        let v = render(&[explained("*", Decision::ImplicitDeny, &["aws:SourceIp"])]);
        let r = &v["EvaluationResults"][0];
        assert_eq!(r["MissingContextValues"][0], "aws:SourceIp");
        assert!(r.get("ResourceSpecificResults").is_none());
        assert!(r.get("EvalDecisionDetails").is_none());
    }
}
