//! Condition functions: `Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not` and `{"Condition": name}`
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-conditions.html>).

use serde_json::Value;

use super::Stack;
use crate::import::cloudformation::env::{At, Stop};

/// The truth of a condition body.
pub(crate) fn eval(stack: &Stack<'_>, body: &Value, at: &At) -> Result<bool, Stop> {
    let Some((k, arg)) = body
        .as_object()
        .filter(|m| m.len() == 1)
        .and_then(|m| m.iter().next())
    else {
        if let Value::Bool(b) = body {
            return Ok(*b);
        }
        return Err(stack.fail(at, "a condition is one condition function"));
    };
    let here = at.key(k);
    match k.as_str() {
        "Condition" => match arg {
            Value::String(name) => stack.condition(name, &here),
            _ => Err(stack.fail(&here, "`Condition` takes a condition name")),
        },
        "Fn::Equals" => {
            let Some([a, b]) = arg.as_array().map(Vec::as_slice) else {
                return Err(stack.fail(&here, "`Fn::Equals` takes [value, value]"));
            };
            let a = stack.eval(a, &here.index(0))?;
            let b = stack.eval(b, &here.index(1))?;
            Ok(scalar(a.as_ref()) == scalar(b.as_ref()))
        }
        "Fn::Not" => {
            let Some([c]) = arg.as_array().map(Vec::as_slice) else {
                return Err(stack.fail(&here, "`Fn::Not` takes [condition]"));
            };
            Ok(!eval(stack, c, &here.index(0))?)
        }
        "Fn::And" | "Fn::Or" => {
            let Some(items) = arg.as_array().filter(|a| (2..=10).contains(&a.len())) else {
                return Err(stack.fail(&here, format!("`{k}` takes 2 to 10 conditions")));
            };
            let mut values = Vec::with_capacity(items.len());
            for (i, c) in items.iter().enumerate() {
                values.push(eval(stack, c, &here.index(i))?);
            }
            Ok(if k == "Fn::And" {
                values.iter().all(|v| *v)
            } else {
                values.iter().any(|v| *v)
            })
        }
        other => Err(stack.fail(
            &here,
            format!("`{other}` is not a condition function (`Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`, `Condition`)"),
        )),
    }
}

/// Values compared as CloudFormation compares them: scalars as their text.
fn scalar(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    }
}
