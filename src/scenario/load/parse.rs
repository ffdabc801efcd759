//! Parsing a scenario file: unknown fields and malformed scenarios named by their JSON path.

use serde::Deserialize;
use serde_json::Value;

use super::error::{invalid, ScenarioError};
use crate::scenario::format::{Scenario, ScenarioFile};

/// Parse a JSON value as a scenario file without running it (for tools and tests). Errors name
/// the scenario (`scenarios[2] `name``) when one is at fault.
pub fn parse_file(value: Value, label: &str) -> Result<ScenarioFile, ScenarioError> {
    let Value::Object(top) = &value else {
        return Err(invalid(
            label,
            "expected an object with `scenarios` (see docs/formats.md)",
        ));
    };
    check_fields(&value).map_err(|m| invalid(label, m))?;
    // serde's messages name no position in a Value: check each scenario on its own first, so
    // the message can say which one is wrong.
    if let Some(Value::Array(list)) = top.get("scenarios") {
        for (i, sc) in list.iter().enumerate() {
            if !sc.is_object() {
                return Err(invalid(
                    label,
                    format!(
                        "scenarios[{i}]: expected an object, found {}",
                        match sc {
                            Value::Null => "null",
                            Value::Bool(_) => "a boolean",
                            Value::Number(_) => "a number",
                            Value::String(_) => "a string",
                            _ => "an array",
                        }
                    ),
                ));
            }
            if let Err(e) = Scenario::deserialize(sc) {
                let name = sc
                    .get("name")
                    .and_then(Value::as_str)
                    .map(|n| format!(" `{n}`"))
                    .unwrap_or_default();
                return Err(invalid(label, format!("scenarios[{i}]{name}: {e}")));
            }
        }
    }
    serde_json::from_value(value).map_err(|e| invalid(label, e.to_string()))
}

const FILE_FIELDS: &[&str] = &["description", "policies", "context", "tags", "scenarios"];
const SCENARIO_FIELDS: &[&str] = &[
    "name",
    "description",
    "principal",
    "action",
    "actions",
    "resource",
    "resources",
    "context",
    "expect",
    "because",
    "blocked_by",
    "session_policy",
    "resource_account",
    "vpce",
    "skip",
    "tags",
    "for_each",
    "where",
    "transitive",
];

/// Unknown fields, named with their JSON path and a "did you mean" (serde's own message has neither).
fn check_fields(value: &Value) -> Result<(), String> {
    let unknown = |path: String, key: &str, known: &[&str]| {
        let hint = match crate::policy::closest(key, known.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("expected one of {}", known.join(", ")),
        };
        Err(format!("{path}unknown field `{key}` ({hint})"))
    };
    let Some(top) = value.as_object() else {
        return Ok(());
    };
    for k in top.keys() {
        if !FILE_FIELDS.contains(&k.as_str()) {
            return unknown(String::new(), k, FILE_FIELDS);
        }
    }
    if let Some(list) = top.get("scenarios").and_then(Value::as_array) {
        for (i, sc) in list.iter().enumerate() {
            let Some(obj) = sc.as_object() else { continue };
            for k in obj.keys() {
                if !SCENARIO_FIELDS.contains(&k.as_str()) {
                    let name = obj
                        .get("name")
                        .and_then(Value::as_str)
                        .map(|n| format!(" `{n}`"))
                        .unwrap_or_default();
                    return unknown(format!("scenarios[{i}]{name}: "), k, SCENARIO_FIELDS);
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `check_fields` keeps its own list of field names (to name the path and suggest a
    /// spelling); it must agree with what the serde types accept.
    #[test]
    fn the_field_lists_match_the_serde_types() {
        let mut sc = serde_json::Map::new();
        for f in SCENARIO_FIELDS {
            let v = match *f {
                "expect" => serde_json::json!("allow"),
                "transitive" => serde_json::json!(true),
                "tags" => serde_json::json!([]),
                "for_each" | "context" | "session_policy" => serde_json::json!({}),
                "actions" | "resources" => serde_json::json!(["x"]),
                _ => serde_json::json!("x"),
            };
            sc.insert((*f).to_string(), v);
        }
        let mut file = serde_json::Map::new();
        for f in FILE_FIELDS {
            let v = match *f {
                "tags" => serde_json::json!([]),
                "context" => serde_json::json!({}),
                "scenarios" => serde_json::json!([Value::Object(sc.clone())]),
                _ => serde_json::json!("x"),
            };
            file.insert((*f).to_string(), v);
        }
        let parsed = parse_file(Value::Object(file), "t.json");
        assert!(parsed.is_ok(), "{parsed:?}");
        let err =
            parse_file(serde_json::json!({"scenarios": [{"nme": "x"}]}), "t.json").unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.json: scenarios[0]: unknown field `nme` (did you mean `name`?)"
        );
    }
}
