//! Reading a YAML scenario file (`.yaml`, `.yml`) into the same JSON value a `.json` file gives,
//! so that one parser ([`super::parse_file`]) checks both. The strict reader of `crate::json`
//! runs over the YAML events: a repeated key is an error, as in JSON. Syntax errors carry
//! serde_norway's line and column. YAML tags (`!Ref x`) and non-string keys have no JSON
//! meaning and are refused.

use std::path::Path;

use serde_json::Value;

use super::error::{invalid, ScenarioError};
use crate::inventory::{LoadError, MAX_FILE_BYTES};

/// Whether `path` names a YAML file (by its extension).
pub fn is_yaml(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// Read a YAML scenario file as a JSON value, with the size limit of JSON files.
pub fn read_yaml(path: &Path) -> Result<Value, ScenarioError> {
    let file = path.display().to_string();
    let io = |message: String| {
        ScenarioError::from(LoadError::Io {
            file: file.clone(),
            message,
        })
    };
    let meta = std::fs::metadata(path).map_err(|e| io(e.to_string()))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(io(format!(
            "file is {} bytes; the limit is {MAX_FILE_BYTES}",
            meta.len()
        )));
    }
    let text = std::fs::read_to_string(path).map_err(|e| io(e.to_string()))?;
    parse_yaml(&text, &file)
}

/// Parse YAML text as one JSON value; errors name the line and column.
pub fn parse_yaml(text: &str, file: &str) -> Result<Value, ScenarioError> {
    crate::json::from_yaml(text).map_err(|e| {
        let message = e.to_string();
        // serde_norway ends its messages with ` at line L column C`: say it first, as for JSON.
        let (what, _) = message.split_once(" at line ").unwrap_or((&message, ""));
        match e.location() {
            Some(at) => invalid(
                file,
                format!(
                    "invalid YAML at line {}, column {}: {what}",
                    at.line(),
                    at.column()
                ),
            ),
            None => invalid(file, format!("invalid YAML: {what}")),
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    #[test]
    fn yaml_reads_as_the_same_json() {
        let v = parse_yaml(
            "scenarios:\n  - name: a\n    principal: role/x\n    expect: allow\n    tags: [t]\n    n: 3\n",
            "f.yaml",
        )
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({"scenarios": [{"name": "a", "principal": "role/x", "expect": "allow", "tags": ["t"], "n": 3}]})
        );
    }

    #[test]
    fn errors_have_lines() {
        let e = parse_yaml("scenarios:\n  - name: a\n    name: b\n", "f.yaml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "f.yaml: invalid YAML at line 2, column 5: scenarios[0]: duplicate key `name`"
        );
        let e = parse_yaml("scenarios:\n  - name: [a\n", "f.yaml").unwrap_err();
        assert!(
            e.to_string().starts_with("f.yaml: invalid YAML at line "),
            "{e}"
        );
        let e = parse_yaml("scenarios: !Ref x\n", "f.yaml").unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
    }
}
