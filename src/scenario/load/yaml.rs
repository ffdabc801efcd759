//! Reading a YAML scenario file (`.yaml`, `.yml`) into the same JSON value a `.json` file gives,
//! so that one parser ([`super::parse_file`]) checks both. The strict reader of `crate::json`
//! runs over the YAML events: a repeated key is an error, as in JSON. Syntax errors carry
//! serde_norway's line and column. YAML tags (`!Ref x`) and non-string keys have no JSON
//! meaning and are refused.

use std::path::Path;

use serde_json::Value;

use super::error::{invalid, ScenarioError};
use crate::inventory::{LoadError, MAX_SCENARIO_FILE_BYTES};

/// Whether `path` names a YAML file (by its extension).
pub fn is_yaml(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// Read a YAML scenario file as a JSON value, with the size limit of JSON files.
pub fn read_yaml(path: &Path) -> Result<Value, ScenarioError> {
    let text = read_text(path)?;
    parse_yaml(&text, &path.display().to_string())
}

/// Read a YAML file's text, with the size limit of JSON files.
pub(super) fn read_text(path: &Path) -> Result<String, ScenarioError> {
    let file = path.display().to_string();
    let io = |message: String| {
        ScenarioError::from(LoadError::Io {
            file: file.clone(),
            message,
        })
    };
    let meta = std::fs::metadata(path).map_err(|e| io(e.to_string()))?;
    if meta.len() > MAX_SCENARIO_FILE_BYTES {
        return Err(io(format!(
            "file is {} bytes; the limit is {MAX_SCENARIO_FILE_BYTES}",
            meta.len()
        )));
    }
    std::fs::read_to_string(path).map_err(|e| io(e.to_string()))
}

/// An error the scenario parser found in YAML `text` about `scenarios[i]`, with the line where
/// that scenario starts put first (`line 7: scenarios[2] ...`). The value read from YAML keeps
/// no positions, so the line is found in the text: the `i`th item of the top-level
/// `scenarios:` block list; a flow-style list (`[...]`) gets no line.
pub(super) fn with_line(e: ScenarioError, text: &str) -> ScenarioError {
    let ScenarioError::Invalid { file, message } = e else {
        return e;
    };
    let index = message
        .strip_prefix("scenarios[")
        .and_then(|r| r.split_once(']'))
        .and_then(|(n, _)| n.parse::<usize>().ok());
    match index.and_then(|i| item_line(text, "scenarios", i)) {
        Some(line) => invalid(&file, format!("line {line}: {message}")),
        None => invalid(&file, message),
    }
}

/// The 1-based line of item `index` of the block list under the top-level `key:`.
fn item_line(text: &str, key: &str, index: usize) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim_end() == format!("{key}:"))?;
    let mut indent = None;
    let mut n = 0;
    for (i, l) in lines.iter().enumerate().skip(start + 1) {
        let t = l.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let at = l.len() - t.len();
        let item = t == "-" || t.starts_with("- ");
        if at == 0 && !item {
            return None; // the next top-level key
        }
        if !item || indent.is_some_and(|x| x != at) {
            continue;
        }
        indent = Some(at);
        if n == index {
            return Some(i + 1);
        }
        n += 1;
    }
    None
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
    fn scenario_errors_get_the_line_of_their_scenario() {
        let text = "scenarios:\n  - name: a\n    actions:\n      - x\n  # note\n  - name: b\n";
        assert_eq!(item_line(text, "scenarios", 0), Some(2));
        assert_eq!(item_line(text, "scenarios", 1), Some(6));
        assert_eq!(item_line(text, "scenarios", 2), None);
        assert_eq!(
            item_line("scenarios:\n- name: a\nother: 1\n", "scenarios", 0),
            Some(2)
        );
        assert_eq!(item_line("scenarios: [{name: a}]\n", "scenarios", 0), None);
        let e = with_line(invalid("f.yaml", "scenarios[1] `b`: bad"), text);
        assert_eq!(e.to_string(), "f.yaml: line 6: scenarios[1] `b`: bad");
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
