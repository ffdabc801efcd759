//! Template parameters: `--var NAME=VALUE`, else the parameters file, else `Default` (except for
//! SSM-typed parameters, whose `Default` is the name of the SSM parameter read at deploy time:
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html>).
//! List types (`CommaDelimitedList`, `List<...>`) are lists.

use serde_json::Value;

use super::Stack;
use crate::import::cloudformation::env::{At, Stop};

/// The value of parameter `name` of the stack.
pub(crate) fn value(stack: &Stack<'_>, name: &str, at: &At) -> Result<Value, Stop> {
    let decl = stack.t.parameters.get(name);
    let ptype = decl
        .and_then(|d| d.get("Type"))
        .and_then(Value::as_str)
        .unwrap_or("String");
    let ssm = ptype.starts_with("AWS::SSM::Parameter::Value");
    let given = stack
        .env
        .var(stack.t, name)
        .or_else(|| stack.env.parameter_file(name))
        .map(str::to_string);
    let default = || match decl.and_then(|d| d.get("Default")) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join(","),
        ),
        _ => None,
    };
    let text = match (given, ssm) {
        (Some(v), _) => v,
        (None, false) => match default() {
            Some(d) => d,
            None => {
                return Err(stack.fail(
                    at,
                    format!("parameter `{name}` has no default: give `--var {name}=VALUE`"),
                ))
            }
        },
        (None, true) => {
            let from = default().map(|d| format!(" `{d}`")).unwrap_or_default();
            return Err(stack.fail(
                at,
                format!(
                    "parameter `{name}` is read from the SSM parameter{from} at deploy time: \
                     give `--var {name}=VALUE`"
                ),
            ));
        }
    };
    let list = ptype == "CommaDelimitedList" || ptype.contains("List<");
    Ok(if list {
        Value::Array(
            text.split(',')
                .map(|s| Value::String(s.trim().to_string()))
                .collect(),
        )
    } else {
        Value::String(text)
    })
}
