//! `--var` keys and the parameters file. A key that names nothing in the templates is an error
//! (a typo would otherwise be ignored silently).

use std::collections::BTreeMap;

use serde_json::Value;

use super::template::Template;
use crate::import::ImportError;

/// The pseudo parameters a `--var` may give.
const PSEUDO: [&str; 6] = [
    "AWS::AccountId",
    "AWS::Region",
    "AWS::Partition",
    "AWS::URLSuffix",
    "AWS::StackName",
    "AWS::StackId",
];

/// Every key must be a pseudo parameter, `import:NAME`, or a parameter, logical id or
/// `LOGICAL_ID.ATTRIBUTE` of a template (of the one its `STEM/` prefix names).
pub(crate) fn check(
    templates: &[Template],
    vars: &BTreeMap<String, String>,
) -> Result<(), ImportError> {
    for key in vars.keys() {
        let (scope, bare): (Vec<&Template>, &str) = match key.split_once('/') {
            Some((stem, rest)) if templates.iter().any(|t| t.stem == stem) => {
                (templates.iter().filter(|t| t.stem == stem).collect(), rest)
            }
            _ => (templates.iter().collect(), key.as_str()),
        };
        let known = PSEUDO.contains(&bare)
            || bare.strip_prefix("import:").is_some_and(|n| !n.is_empty())
            || bare.strip_prefix("resolve:").is_some_and(|n| !n.is_empty())
            || scope.iter().any(|t| names(t, bare));
        if !known {
            let names = scope.iter().flat_map(|t| {
                t.parameters
                    .keys()
                    .map(String::as_str)
                    .chain(t.resources.iter().map(|(id, _)| id.as_str()))
            });
            let hint = crate::policy::closest(bare, names.chain(PSEUDO))
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            return Err(ImportError::BadVar {
                key: key.clone(),
                message: format!(
                    "not a pseudo parameter ({}), `import:EXPORT`, `resolve:...`, or a parameter, \
                     logical id or `LOGICAL_ID.ATTRIBUTE` of the templates{hint}",
                    PSEUDO.map(|p| format!("`{p}`")).join(", ")
                ),
            });
        }
    }
    Ok(())
}

/// Whether `key` is a parameter, logical id or `LOGICAL_ID.ATTRIBUTE` of `t`.
fn names(t: &Template, key: &str) -> bool {
    if t.parameters.contains_key(key) || t.resource(key).is_some() {
        return true;
    }
    key.split_once('.')
        .is_some_and(|(l, a)| !a.is_empty() && t.resource(l).is_some())
}

/// Reads `[{"ParameterKey": k, "ParameterValue": v}]` (the AWS CLI's `--parameters file://`).
pub(crate) fn parameters_file(
    label: &str,
    text: &str,
    out: &mut BTreeMap<String, String>,
) -> Result<(), ImportError> {
    let value = crate::import::parse_json(label, text)?;
    let bad = |path: String, message: &str| ImportError::Malformed {
        file: label.to_string(),
        path,
        message: message.to_string(),
    };
    let Value::Array(items) = value else {
        return Err(bad(
            "$".into(),
            "a parameters file is [{\"ParameterKey\", \"ParameterValue\"}]",
        ));
    };
    for (i, item) in items.iter().enumerate() {
        let key = item.get("ParameterKey").and_then(Value::as_str);
        let value = match item.get("ParameterValue") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        match (key, value) {
            (Some(k), Some(v)) => {
                out.insert(k.to_string(), v);
            }
            _ => {
                return Err(bad(
                    format!("[{i}]"),
                    "needs a string `ParameterKey` and `ParameterValue`",
                ))
            }
        }
    }
    Ok(())
}
