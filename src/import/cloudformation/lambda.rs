//! `AWS::Lambda::Permission`: one statement of the function's resource-based policy, as
//! Lambda's `AddPermission` writes it
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-permission.html>,
//! <https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html>).

use serde_json::{json, Map, Value};

use super::context::{at_resource, opt_string, req_string, Cx};
use super::env::{At, Stop};
use super::eval::Stack;
use crate::import::aws_policies::permission_statement;
use crate::import::builder::Dir;

/// The permission's conditions: (property, operator, key), in `AddPermission`'s order.
const CONDITIONS: [(&str, &str, &str); 5] = [
    ("SourceArn", "ArnLike", "AWS:SourceArn"),
    ("SourceAccount", "StringEquals", "AWS:SourceAccount"),
    ("PrincipalOrgID", "StringEquals", "aws:PrincipalOrgID"),
    (
        "EventSourceToken",
        "StringEquals",
        "lambda:EventSourceToken",
    ),
    (
        "FunctionUrlAuthType",
        "StringEquals",
        "lambda:FunctionUrlAuthType",
    ),
];

/// Reads one permission.
pub(crate) fn permission(cx: &mut Cx, stack: &Stack<'_>, logical: &str) {
    let at = at_resource(logical);
    let function = req_string(stack, logical, "FunctionName");
    let principal = req_string(stack, logical, "Principal");
    let action = req_string(stack, logical, "Action");
    let mut conditions = Vec::new();
    let mut ok = true;
    for (p, op, key) in CONDITIONS {
        match optional(stack, logical, p) {
            Ok(Some(v)) => conditions.push((op, key, v)),
            Ok(None) => {}
            Err(Stop) => ok = false,
        }
    }
    let (true, Ok(function), Ok(principal), Ok(action)) = (ok, function, principal, action) else {
        return;
    };
    let fat = at.key("Properties").key("FunctionName");
    let Ok(arn) = function_arn(stack, &function, &fat) else {
        return;
    };
    let pat = at.key("Properties").key("Principal");
    let Ok(partition) = stack.pseudo("AWS::Partition", &pat) else {
        return;
    };
    let Some(principal) = statement_principal(&principal, &partition) else {
        stack.fail(
            &pat,
            format!("`{principal}` is not a service principal, account id, ARN or `*`"),
        );
        return;
    };
    let stmt = permission_statement(Some(logical), principal, &action, &arn, &conditions);
    let fname = arn.split(':').nth(6).unwrap_or_default().to_string();
    let qualifier = arn
        .split(':')
        .nth(7)
        .map(|q| format!("-{q}"))
        .unwrap_or_default();
    let _ = add_statement(
        cx,
        stack,
        &arn,
        format!("lambda-{fname}{qualifier}"),
        stmt,
        &at,
    );
}

/// `Principal` as a statement's: `*`, an account (as its root), an ARN, or a service.
fn statement_principal(p: &str, partition: &str) -> Option<Value> {
    Some(match p {
        "*" => json!("*"),
        p if p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()) => {
            json!({"AWS": format!("arn:{partition}:iam::{p}:root")})
        }
        p if p.starts_with("arn:") => json!({"AWS": p}),
        p if p.contains('.') => json!({"Service": p}),
        _ => return None,
    })
}

/// The function ARN from a name (`f`, `f:alias`), a partial ARN (`123456789012:function:f`)
/// or an ARN.
fn function_arn(stack: &Stack<'_>, function: &str, at: &At) -> Result<String, Stop> {
    let parts: Vec<&str> = function.split(':').collect();
    let (base, qualifier) = match parts.as_slice() {
        ["arn", p, "lambda", region, account, "function", name, rest @ ..] => (
            format!("arn:{p}:lambda:{region}:{account}:function:{name}"),
            rest.first().copied(),
        ),
        [account, "function", name, rest @ ..] => (
            format!(
                "arn:{}:lambda:{}:{account}:function:{name}",
                stack.pseudo("AWS::Partition", at)?,
                stack.pseudo("AWS::Region", at)?
            ),
            rest.first().copied(),
        ),
        [name, rest @ ..] if !name.is_empty() => (
            format!(
                "arn:{}:lambda:{}:{}:function:{name}",
                stack.pseudo("AWS::Partition", at)?,
                stack.pseudo("AWS::Region", at)?,
                stack.pseudo("AWS::AccountId", at)?
            ),
            rest.first().copied(),
        ),
        _ => return Err(stack.fail(at, format!("`{function}` is not a function name or ARN"))),
    };
    Ok(match qualifier {
        Some(q) => format!("{base}:{q}"),
        None => base,
    })
}

/// Appends a statement to the policy of resource `arn` (created with an empty policy).
fn add_statement(
    cx: &mut Cx,
    stack: &Stack<'_>,
    arn: &str,
    name: String,
    stmt: Map<String, Value>,
    at: &At,
) -> Result<(), Stop> {
    let account = match arn.split(':').nth(4).filter(|a| !a.is_empty()) {
        Some(a) => a.to_string(),
        None => stack.pseudo("AWS::AccountId", at)?,
    };
    cx.note(Dir::Resources, arn, "function policy statement", stack, at);
    let entry = cx.b.resources.entry(arn.to_string()).or_default();
    entry.name = name;
    entry.account = account;
    let policy = entry
        .policy
        .get_or_insert_with(|| json!({"Version": "2012-10-17", "Id": "default", "Statement": []}));
    if let Some(Value::Array(stmts)) = policy.get_mut("Statement") {
        stmts.push(Value::Object(stmt));
    }
    Ok(())
}

/// An optional string property, `None` when empty.
fn optional(stack: &Stack<'_>, logical: &str, name: &str) -> Result<Option<String>, Stop> {
    opt_string(stack, logical, name).map(|o| o.filter(|s| !s.is_empty()))
}
