//! `lint --baseline FILE`: the findings of an earlier `iamsim lint --format json` run are
//! accepted, and only new ones are reported. Findings are matched by fingerprint (rule, file,
//! document, statement `Sid` or index, element, offending value; see [`Finding::fingerprint`]),
//! never by line or message, and with their multiplicity: a second identical finding is new.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use super::rule::Finding;
use super::source::Report;
use super::LintError;
use crate::inventory::{read_json, LoadError};

/// The accepted findings: how many of each fingerprint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    counts: HashMap<String, usize>,
}

impl Baseline {
    /// Read a baseline written by `iamsim lint --format json`.
    pub fn read(path: &Path) -> Result<Self, LintError> {
        let file = path.display().to_string();
        Self::from_json(&read_json(path)?, &file)
    }

    /// The baseline in the JSON report `v` (from file `file`).
    pub fn from_json(v: &Value, file: &str) -> Result<Self, LintError> {
        let bad = |path: String, message: &str| {
            LintError::Load(LoadError::Format {
                file: file.into(),
                path,
                message: message.into(),
            })
        };
        let Some(Value::Array(findings)) = v.get("findings") else {
            return Err(bad(
                "(document)".into(),
                "expected the output of `iamsim lint --format json` (an object with `findings`)",
            ));
        };
        let mut counts = HashMap::new();
        for (i, f) in findings.iter().enumerate() {
            let Some(fp) = f.get("fingerprint").and_then(Value::as_str) else {
                return Err(bad(
                    format!("findings[{i}]"),
                    "no `fingerprint`: write the baseline again with `iamsim lint --format json`",
                ));
            };
            *counts.entry(fp.to_string()).or_insert(0) += 1;
        }
        Ok(Self { counts })
    }

    /// Take the findings the baseline accepts out of `report` (counting them in
    /// `report.baselined`); returns how many baseline entries matched nothing (fixed since).
    pub fn apply(&self, report: &mut Report) -> usize {
        let mut left = self.counts.clone();
        let mut kept: Vec<Finding> = Vec::new();
        for f in std::mem::take(&mut report.findings) {
            match left.get_mut(&f.fingerprint) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    report.baselined += 1;
                }
                _ => kept.push(f),
            }
        }
        report.findings = kept;
        left.values().sum()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use crate::lint::Rule;

    #[test]
    fn matches_by_fingerprint_with_multiplicity() {
        let f = |fp: &str| Finding {
            rule: Rule::UnknownAction,
            file: "p.json".into(),
            json_path: String::new(),
            line: 1,
            message: String::new(),
            fix: String::new(),
            sid: None,
            fingerprint: fp.into(),
        };
        let b = Baseline::from_json(
            &serde_json::json!({"findings": [{"fingerprint": "a"}, {"fingerprint": "gone"}]}),
            "b.json",
        )
        .unwrap();
        let mut report = Report {
            findings: vec![f("a"), f("a"), f("b")],
            ..Report::default()
        };
        assert_eq!(b.apply(&mut report), 1);
        assert_eq!(report.baselined, 1);
        let left: Vec<&str> = report
            .findings
            .iter()
            .map(|f| f.fingerprint.as_str())
            .collect();
        assert_eq!(left, ["a", "b"]);
    }

    #[test]
    fn a_report_without_fingerprints_is_refused() {
        let e = Baseline::from_json(&serde_json::json!({"findings": [{"id": "x"}]}), "b.json")
            .unwrap_err();
        assert!(
            e.to_string().contains("findings[0]: no `fingerprint`"),
            "{e}"
        );
    }
}
