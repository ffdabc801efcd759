//! Reading a template: JSON or YAML text to one JSON value, YAML's short forms (`!Sub`,
//! `!GetAtt A.Arn`, `!Ref`, ...) written as the long forms they stand for
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html>),
//! and the sections the importer reads.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};
use serde_norway::value::TaggedValue;

use crate::import::ImportError;

/// One resource of a template.
#[derive(Debug, Clone)]
pub(crate) struct Res {
    /// `Type`, e.g. `AWS::IAM::Role`.
    pub rtype: String,
    /// `Properties` (an empty object when absent), intrinsics unevaluated.
    pub properties: Value,
    /// `Condition`: the resource exists only when it is true.
    pub condition: Option<String>,
}

/// A template's sections, as written.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    /// The file as given (errors and the report name it).
    pub label: String,
    /// The file name less `.template.json`, `.json`, `.yaml`, ...: the `--var STEM/KEY` prefix.
    pub stem: String,
    pub parameters: Map<String, Value>,
    pub conditions: Map<String, Value>,
    pub mappings: Map<String, Value>,
    /// Resources in template order.
    pub resources: Vec<(String, Res)>,
    pub outputs: Map<String, Value>,
    /// Logical id -> position in `resources`.
    index: HashMap<String, usize>,
}

impl Template {
    /// The resource with this logical id.
    pub fn resource(&self, logical: &str) -> Option<&Res> {
        self.index
            .get(logical)
            .and_then(|i| self.resources.get(*i))
            .map(|(_, r)| r)
    }

    /// Reads a template from JSON or YAML text.
    pub fn parse(label: &str, text: &str) -> Result<Template, ImportError> {
        Template::from_value(label, &to_json(label, text)?)
    }

    /// Reads a template from its JSON value.
    pub fn from_value(label: &str, value: &Value) -> Result<Template, ImportError> {
        let bad = |path: &str, message: &str| ImportError::Malformed {
            file: label.to_string(),
            path: path.to_string(),
            message: message.to_string(),
        };
        let Value::Object(top) = value else {
            return Err(bad("$", "a template is an object"));
        };
        if let Some(t) = top.get("Transform") {
            return Err(bad(
                "Transform",
                &format!(
                    "the template uses the transform {t}, whose output is known only to \
                     CloudFormation: import the processed template (`aws cloudformation \
                     get-template --template-stage Processed`)"
                ),
            ));
        }
        let section = |name: &str| -> Result<Map<String, Value>, ImportError> {
            match top.get(name) {
                None | Some(Value::Null) => Ok(Map::new()),
                Some(Value::Object(m)) => Ok(m.clone()),
                Some(_) => Err(bad(name, "is not an object")),
            }
        };
        let Some(Value::Object(raw)) = top.get("Resources") else {
            return Err(bad("Resources", "a template needs a `Resources` object"));
        };
        let mut resources = Vec::with_capacity(raw.len());
        for (id, r) in raw {
            let path = format!("Resources.{id}");
            let Value::Object(r) = r else {
                return Err(bad(&path, "a resource is an object"));
            };
            let Some(Value::String(rtype)) = r.get("Type") else {
                return Err(bad(
                    &format!("{path}.Type"),
                    "a resource needs a string `Type`",
                ));
            };
            let condition = match r.get("Condition") {
                None => None,
                Some(Value::String(c)) => Some(c.clone()),
                Some(_) => return Err(bad(&format!("{path}.Condition"), "is not a string")),
            };
            let properties = r
                .get("Properties")
                .cloned()
                .unwrap_or_else(|| Value::Object(Map::new()));
            resources.push((
                id.clone(),
                Res {
                    rtype: rtype.clone(),
                    properties,
                    condition,
                },
            ));
        }
        let index = resources
            .iter()
            .enumerate()
            .map(|(i, (id, _))| (id.clone(), i))
            .collect();
        Ok(Template {
            index,
            label: label.to_string(),
            stem: stem(label),
            parameters: section("Parameters")?,
            conditions: section("Conditions")?,
            mappings: section("Mappings")?,
            resources,
            outputs: section("Outputs")?,
        })
    }
}

/// Whether a JSON value looks like a CloudFormation template: `Resources` holds objects with a
/// `Type` of the form `Vendor::Service::Type` (or `Custom::...`).
pub(crate) fn looks_like_template(value: &Value) -> bool {
    let Some(Value::Object(resources)) = value.get("Resources") else {
        return false;
    };
    !resources.is_empty()
        && resources.values().all(|r| {
            r.get("Type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.contains("::"))
        })
}

/// The file name less its directory and `.template.json` / `.json` / `.yaml` / `.yml` /
/// `.template`.
pub(crate) fn stem(label: &str) -> String {
    let name = label.rsplit(['/', '\\']).next().unwrap_or(label);
    for suffix in [
        ".template.json",
        ".template.yaml",
        ".template.yml",
        ".json",
        ".yaml",
        ".yml",
        ".template",
    ] {
        if let Some(s) = name.strip_suffix(suffix) {
            return s.to_string();
        }
    }
    name.to_string()
}

/// JSON text (starting with `{`) with the strict JSON reader; anything else as YAML.
pub(crate) fn to_json(label: &str, text: &str) -> Result<Value, ImportError> {
    if text.trim_start().starts_with('{') {
        return crate::json::from_str(text).map_err(|e| ImportError::NotJson {
            file: label.to_string(),
            message: e.to_string(),
        });
    }
    let yaml: serde_norway::Value =
        serde_norway::from_str(text).map_err(|e| ImportError::Malformed {
            file: label.to_string(),
            path: e
                .location()
                .map(|l| format!("line {} column {}", l.line(), l.column()))
                .unwrap_or_else(|| "$".into()),
            message: format!("not yaml: {e}"),
        })?;
    yaml_to_json(&yaml).map_err(|message| ImportError::Malformed {
        file: label.to_string(),
        path: "$".into(),
        message,
    })
}

/// A YAML value as JSON; a tag `!Name` becomes the intrinsic it abbreviates.
fn yaml_to_json(v: &serde_norway::Value) -> Result<Value, String> {
    use serde_norway::Value as Y;
    Ok(match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(*b),
        Y::Number(n) => number(n)?,
        Y::String(s) => Value::String(s.clone()),
        Y::Sequence(items) => {
            Value::Array(items.iter().map(yaml_to_json).collect::<Result<_, _>>()?)
        }
        Y::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let key = match k {
                    Y::String(s) => s.clone(),
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    _ => return Err("a mapping key is not a string".into()),
                };
                out.insert(key, yaml_to_json(v)?);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => tagged(t)?,
    })
}

/// `!Ref x` -> `{"Ref": x}`, `!Condition c` -> `{"Condition": c}`, `!GetAtt A.B` ->
/// `{"Fn::GetAtt": ["A", "B"]}`, any other `!Name v` -> `{"Fn::Name": v}`.
fn tagged(t: &TaggedValue) -> Result<Value, String> {
    let name = t.tag.to_string();
    let name = name.trim_start_matches('!');
    let inner = yaml_to_json(&t.value)?;
    let (key, value) = match name {
        "Ref" | "Condition" => (name.to_string(), inner),
        "GetAtt" => match inner {
            Value::String(s) => {
                let (a, b) = s.split_once('.').unwrap_or((&s, ""));
                (
                    "Fn::GetAtt".to_string(),
                    Value::Array(vec![Value::String(a.into()), Value::String(b.into())]),
                )
            }
            other => ("Fn::GetAtt".to_string(), other),
        },
        other => (format!("Fn::{other}"), inner),
    };
    let mut m = Map::new();
    m.insert(key, value);
    Ok(Value::Object(m))
}

/// A YAML number as a JSON number.
fn number(n: &serde_norway::Number) -> Result<Value, String> {
    if let Some(i) = n.as_i64() {
        return Ok(Value::Number(i.into()));
    }
    if let Some(u) = n.as_u64() {
        return Ok(Value::Number(u.into()));
    }
    n.as_f64()
        .and_then(Number::from_f64)
        .map(Value::Number)
        .ok_or_else(|| format!("number `{n}` is not finite"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_short_forms_become_long_forms() {
        let text = "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      A: !Ref P\n      B: !GetAtt K.Arn\n      C: !Sub '${AWS::Region}-x'\n      D: !If [Cond, !Ref AWS::NoValue, 3]\n      E: !GetAtt [K, Endpoint.Address]\n      F: !Equals [a, !Condition C]\n";
        let v = to_json("t.yaml", text).unwrap();
        assert_eq!(
            v["Resources"]["R"]["Properties"],
            json!({
                "A": {"Ref": "P"},
                "B": {"Fn::GetAtt": ["K", "Arn"]},
                "C": {"Fn::Sub": "${AWS::Region}-x"},
                "D": {"Fn::If": ["Cond", {"Ref": "AWS::NoValue"}, 3]},
                "E": {"Fn::GetAtt": ["K", "Endpoint.Address"]},
                "F": {"Fn::Equals": ["a", {"Condition": "C"}]}
            })
        );
    }

    #[test]
    fn json_repeated_keys_and_bad_yaml_are_errors() {
        assert!(to_json("t.json", r#"{"a": 1, "a": 2}"#).is_err());
        let err = to_json("t.yaml", "a: [1,\n").unwrap_err().to_string();
        assert!(err.starts_with("`t.yaml` at `line"), "{err}");
    }

    #[test]
    fn stems_drop_the_template_suffixes() {
        assert_eq!(stem("cdk.out/AppStack.template.json"), "AppStack");
        assert_eq!(stem("stack.yaml"), "stack");
        assert_eq!(stem("x"), "x");
    }

    #[test]
    fn a_transform_fails_closed() {
        let v = json!({"Transform": "AWS::Serverless-2016-10-31", "Resources": {}});
        let err = Template::from_value("t.json", &v).unwrap_err().to_string();
        assert!(err.contains("transform"), "{err}");
    }

    #[test]
    fn detection_needs_typed_resources() {
        assert!(looks_like_template(
            &json!({"Resources": {"R": {"Type": "AWS::IAM::Role"}}})
        ));
        assert!(!looks_like_template(&json!({"Resources": {}})));
        assert!(!looks_like_template(&json!({"Statement": []})));
    }
}
