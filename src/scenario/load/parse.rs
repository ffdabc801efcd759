//! Parsing a scenario file: unknown fields and malformed scenarios named by their JSON path.

use std::sync::LazyLock;

use serde::de::DeserializeSeed;
use serde::Deserialize;
use serde_json::Value;

use super::error::{invalid, ScenarioError};
use crate::inventory::schema::fields;
use crate::scenario::format::{InventoryNames, Scenario, ScenarioFile};

/// A scenario file, while the inventories load, not yet parsed: a JSON file is read again and
/// parsed on a worker thread right before its cases are expanded, so neither the texts nor the
/// parsed files of a large suite are ever all held at once (YAML files are parsed when read).
pub(super) enum Pending {
    /// A JSON file, with the `policies` its text named when it was peeked at (`None` when it
    /// was not peeked at: `--policies` was given)
    Json(std::path::PathBuf, Option<Option<String>>),
    /// A file already parsed
    Parsed(ScenarioFile),
}

/// Parse scenario-file JSON text. A file that reads straight into the typed file, and uses
/// none of the fields whose checks need the JSON tree (`for_each`, `for_all_context`,
/// `tenancy`), is taken as read: building the tree first cost more than deciding the cases.
/// Any other file, and every file that does not read, goes through [`parse_file`], whose
/// messages name the scenario and the JSON path at fault.
pub fn parse_text(text: &str, label: &str) -> Result<ScenarioFile, ScenarioError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let typed = crate::json::Object::<ScenarioFile>::new()
        .deserialize(&mut de)
        .and_then(|file| de.end().map(|()| file));
    if let Ok(file) = typed {
        let plain = file
            .scenarios
            .iter()
            .all(|s| s.for_each.is_none() && s.for_all_context.is_none() && s.tenancy.is_none());
        if plain {
            return Ok(file);
        }
    }
    parse_file(crate::inventory::parse_json(text, label)?, label)
}

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
    // the message can say which one is wrong. The scenarios so read are kept (one pass each).
    let mut scenarios = Vec::new();
    if let Some(Value::Array(list)) = top.get("scenarios") {
        scenarios.reserve(list.len());
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
            match Scenario::deserialize(sc) {
                Ok(s) => scenarios.push(s),
                Err(e) => {
                    let name = sc
                        .get("name")
                        .and_then(Value::as_str)
                        .map(|n| format!(" `{n}`"))
                        .unwrap_or_default();
                    return Err(invalid(label, format!("scenarios[{i}]{name}: {e}")));
                }
            }
        }
    } else {
        // No list of scenarios: serde says what is missing or wrong.
        return serde_json::from_value(value).map_err(|e| invalid(label, e.to_string()));
    }
    let Value::Object(mut top) = value else {
        return Err(invalid(label, "expected an object"));
    };
    top.remove("scenarios");
    let head: Head =
        serde_json::from_value(Value::Object(top)).map_err(|e| invalid(label, e.to_string()))?;
    Ok(ScenarioFile {
        schema: head.schema,
        description: head.description,
        policies: head.policies,
        context: head.context,
        tags: head.tags,
        scenarios,
    })
}

/// A scenario file's fields but its scenarios (read one by one above).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Head {
    #[serde(default, rename = "$schema")]
    schema: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    policies: Option<String>,
    #[serde(default)]
    context: Option<Value>,
    #[serde(default)]
    tags: Vec<String>,
}

/// The fields of a scenario file, of a scenario and of a `for_each` variable naming inventory
/// entries: the serde types' own (through their JSON Schema), so the checks below and the
/// schema in `schemas/` cannot disagree with what the types accept.
static FILE_FIELDS: LazyLock<Vec<String>> = LazyLock::new(fields::<ScenarioFile>);
/// See [`FILE_FIELDS`].
static SCENARIO_FIELDS: LazyLock<Vec<String>> = LazyLock::new(fields::<Scenario>);
/// See [`FILE_FIELDS`].
static INVENTORY_FIELDS: LazyLock<Vec<String>> = LazyLock::new(fields::<InventoryNames>);

/// The shapes of `for_all_context` and `quantify` (serde's messages for them say neither).
fn check_quantifiers(obj: &serde_json::Map<String, Value>) -> Result<(), String> {
    match obj.get("for_all_context") {
        None | Some(Value::Bool(_)) => {}
        Some(Value::Array(keys)) if !keys.is_empty() && keys.iter().all(Value::is_string) => {}
        Some(_) => {
            return Err("`for_all_context` is `true` or a non-empty list of context keys".into())
        }
    }
    match obj.get("quantify") {
        None | Some(Value::Bool(_)) => {}
        Some(_) => return Err("`quantify` is `true` or `false`".into()),
    }
    match obj.get("tenancy") {
        None | Some(Value::Bool(_)) => Ok(()),
        Some(Value::Object(o))
            if o.keys().all(|k| k == "except")
                && o.get("except")
                    .and_then(Value::as_array)
                    .is_some_and(|l| l.iter().all(Value::is_string)) =>
        {
            Ok(())
        }
        Some(_) => Err("`tenancy` is `true` or `{\"except\": [owner, ...]}`".into()),
    }
}

/// Unknown fields, named with their JSON path and a "did you mean" (serde's own message has neither).
fn check_fields(value: &Value) -> Result<(), String> {
    let unknown = |path: String, key: &str, known: &[String]| {
        let hint = match crate::policy::closest(key, known.iter().map(String::as_str)) {
            Some(s) => format!("did you mean `{s}`?"),
            None => {
                // `$schema` is for editors: not worth offering as a field.
                let fields: Vec<&str> = known
                    .iter()
                    .map(String::as_str)
                    .filter(|f| *f != "$schema")
                    .collect();
                format!("expected one of {}", fields.join(", "))
            }
        };
        Err(format!("{path}unknown field `{key}` ({hint})"))
    };
    let Some(top) = value.as_object() else {
        return Ok(());
    };
    for k in top.keys() {
        if !FILE_FIELDS.iter().any(|f| f == k) {
            return unknown(String::new(), k, &FILE_FIELDS);
        }
    }
    if let Some(list) = top.get("scenarios").and_then(Value::as_array) {
        for (i, sc) in list.iter().enumerate() {
            let Some(obj) = sc.as_object() else { continue };
            let name = obj
                .get("name")
                .and_then(Value::as_str)
                .map(|n| format!(" `{n}`"))
                .unwrap_or_default();
            for k in obj.keys() {
                if !SCENARIO_FIELDS.iter().any(|f| f == k) {
                    return unknown(format!("scenarios[{i}]{name}: "), k, &SCENARIO_FIELDS);
                }
            }
            check_quantifiers(obj).map_err(|m| format!("scenarios[{i}]{name}: {m}"))?;
            let vars = obj.get("for_each").and_then(Value::as_object);
            for (var, v) in vars.into_iter().flatten() {
                let Some(q) = v.as_object() else { continue };
                for k in q.keys() {
                    if !INVENTORY_FIELDS.iter().any(|f| f == k) {
                        return unknown(
                            format!("scenarios[{i}]{name}: for_each.{var}: "),
                            k,
                            &INVENTORY_FIELDS,
                        );
                    }
                }
                if q.len() != 1 || !q.values().all(Value::is_string) {
                    return Err(format!(
                        "scenarios[{i}]{name}: for_each.{var}: give one of {} with a name pattern, as in {{\"roles\": \"acme-dev-agent-*\"}}",
                        INVENTORY_FIELDS.join(", ")
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The JSON scenario files of the repository: the bundled suite and the invalid-input corpus.
#[cfg(test)]
pub(super) fn repository_scenario_files() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut dirs = vec![root.join("scenarios"), root.join("tests/cases/invalid")];
    while let Some(d) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for p in entries.flatten().map(|e| e.path()) {
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "json")
                && p.parent().is_some_and(|d| d.ends_with("scenarios"))
            {
                files.push(p);
            }
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `check_fields` keeps its own list of field names (to name the path and suggest a
    /// spelling); it must agree with what the serde types accept.
    #[test]
    fn the_field_lists_match_the_serde_types() {
        let mut sc = serde_json::Map::new();
        for f in SCENARIO_FIELDS.iter() {
            let v = match f.as_str() {
                "expect" => serde_json::json!("allow"),
                "transitive" => serde_json::json!(true),
                "tags" => serde_json::json!([]),
                "for_each" | "context" | "session_policy" => serde_json::json!({}),
                "for_all_context" | "quantify" | "tenancy" => serde_json::json!(true),
                "actions" | "resources" => serde_json::json!(["x"]),
                _ => serde_json::json!("x"),
            };
            sc.insert(f.clone(), v);
        }
        let mut file = serde_json::Map::new();
        for f in FILE_FIELDS.iter() {
            let v = match f.as_str() {
                "tags" => serde_json::json!([]),
                "context" => serde_json::json!({}),
                "scenarios" => serde_json::json!([Value::Object(sc.clone())]),
                _ => serde_json::json!("x"),
            };
            file.insert(f.clone(), v);
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

    /// The straight read and the read through the JSON tree agree on every scenario file of
    /// the repository (the bundled suite and the invalid corpus): the same file, or the same
    /// message.
    #[test]
    fn reading_straight_from_text_agrees_with_the_tree() {
        let files = repository_scenario_files();
        assert!(files.len() > 20, "{files:?}");
        let mut straight = 0;
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            let label = f.display().to_string();
            let slow = crate::inventory::parse_json(&text, &label)
                .map_err(ScenarioError::from)
                .and_then(|v| parse_file(v, &label));
            let fast = parse_text(&text, &label);
            assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "{label}");
            if serde_json::from_str::<ScenarioFile>(&text).is_ok() {
                straight += 1;
            }
        }
        assert!(straight > 10, "{straight} of {} read straight", files.len());
    }

    #[test]
    fn a_repeated_key_in_a_context_is_an_error_either_way() {
        let text = r#"{"scenarios": [{"name": "n", "principal": "role/r", "action": "s3:GetObject",
            "resource": "*", "expect": "allow", "context": {"aws:SourceVpc": "a", "aws:SourceVpc": "b"}}]}"#;
        let e = parse_text(text, "t.json").unwrap_err();
        assert!(
            e.to_string().contains("duplicate key `aws:SourceVpc`"),
            "{e}"
        );
    }

    #[test]
    fn quantifier_fields_are_checked_with_their_path() {
        let parse = |sc: Value| parse_file(serde_json::json!({"scenarios": [sc]}), "t.json");
        let e = parse(serde_json::json!({"name": "n", "for_all_contxt": true})).unwrap_err();
        assert!(
            e.to_string()
                .contains("unknown field `for_all_contxt` (did you mean `for_all_context`?)"),
            "{e}"
        );
        let e =
            parse(serde_json::json!({"name": "n", "for_each": {"x": {"role": "a*"}}})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.json: scenarios[0] `n`: for_each.x: unknown field `role` (did you mean `roles`?)"
        );
        let e = parse(serde_json::json!({"name": "n", "for_all_context": "yes"})).unwrap_err();
        assert!(
            e.to_string()
                .contains("`for_all_context` is `true` or a non-empty list"),
            "{e}"
        );
    }
}
