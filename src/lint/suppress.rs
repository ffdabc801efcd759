//! Suppressions: a lint config file (`iamsim-lint.json`) whose `ignore` entries each excuse the
//! findings of one rule, file or statement `Sid`, with a required reason. An entry that excuses
//! nothing in the files linted is itself a finding (`IAMSIM-L011`), so excuses do not outlive
//! the problems they excused. See docs/lint.md, Suppressions and baselines.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::context::without_parents;
use super::locate::{line_of, JsonPath};
use super::rule::{Finding, Rule};
use super::source::Report;
use super::LintError;
use crate::inventory::{parse_json, LoadError};
use crate::pattern::{Dialect, Wildcard};

/// The file `lint` reads from the working directory when `--config` is not given.
pub const CONFIG_FILE: &str = "iamsim-lint.json";

/// A lint config file, as written (`schemas/lint-config.schema.json`).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The JSON Schema the file follows (for editors; not read)
    #[serde(default, rename = "$schema")]
    pub schema: Option<String>,
    /// The findings to leave out of the report, each with its reason
    pub ignore: Vec<IgnoreEntry>,
}

/// One suppression: the findings it matches are left out. Give `file`, `sid` or both.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IgnoreEntry {
    /// The rule, by id (`IAMSIM-L002`) or name (`wildcard-grant`); every rule when absent
    #[serde(default)]
    pub rule: Option<String>,
    /// The file as `lint` reports it, less leading `./` and `../` steps
    /// (`policies/roles/a.json`); `*` and `?` are wildcards
    #[serde(default)]
    pub file: Option<String>,
    /// The `Sid` of the statement the finding is in
    #[serde(default)]
    pub sid: Option<String>,
    /// Why the findings are accepted (required, not empty)
    pub reason: String,
}

/// A loaded config: its entries, checked, and where they are in the file.
#[derive(Debug, Clone)]
pub struct Suppressions {
    file: String,
    text: String,
    entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    rule: Option<Rule>,
    file: Option<Wildcard>,
    sid: Option<String>,
    reason: String,
}

/// A finding left out of the report, and the reason given for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    /// The finding
    pub finding: Finding,
    /// The entry's `reason`
    pub reason: String,
}

fn invalid(file: &str, path: &str, message: impl Into<String>) -> LintError {
    LintError::Load(LoadError::Format {
        file: file.into(),
        path: path.into(),
        message: message.into(),
    })
}

impl Suppressions {
    /// Read and check a config file: unknown fields, a missing or empty `reason`, an unknown
    /// rule, and an entry with neither `file` nor `sid` are errors naming the entry.
    pub fn read(path: &Path) -> Result<Self, LintError> {
        let file = path.display().to_string().replace('\\', "/");
        let text = std::fs::read_to_string(path).map_err(|e| {
            LintError::Load(LoadError::Io {
                file: file.clone(),
                message: e.to_string(),
            })
        })?;
        Self::parse(&file, &text)
    }

    /// Check the config text `text` of file `file`.
    pub fn parse(file: &str, text: &str) -> Result<Self, LintError> {
        let value = parse_json(text, file)?;
        let Some(Value::Array(list)) = value.get("ignore") else {
            return Err(invalid(
                file,
                "(document)",
                "expected an object with an `ignore` list",
            ));
        };
        let mut entries = Vec::new();
        for (i, v) in list.iter().enumerate() {
            let at = format!("ignore[{i}]");
            let e = IgnoreEntry::deserialize(v).map_err(|e| invalid(file, &at, e.to_string()))?;
            entries.push(Entry::check(e).map_err(|m| invalid(file, &at, m))?);
        }
        ConfigFile::deserialize(&value).map_err(|e| invalid(file, "(document)", e.to_string()))?;
        Ok(Self {
            file: file.to_string(),
            text: text.to_string(),
            entries,
        })
    }

    /// Take the findings some entry matches out of `report` (into `report.suppressed`), then
    /// add an `IAMSIM-L011` finding for each entry that matched none although a file it names
    /// was linted (an entry for files not linted this time is not judged).
    pub fn apply(&self, report: &mut Report) {
        let mut used = vec![false; self.entries.len()];
        let mut kept = Vec::new();
        for f in std::mem::take(&mut report.findings) {
            match self.entries.iter().position(|e| e.matches(&f)) {
                Some(i) => {
                    if let Some(u) = used.get_mut(i) {
                        *u = true;
                    }
                    let reason = self.entries.get(i).map(|e| e.reason.clone());
                    report.suppressed.push(Suppressed {
                        finding: f,
                        reason: reason.unwrap_or_default(),
                    });
                }
                None => kept.push(f),
            }
        }
        for (i, e) in self.entries.iter().enumerate() {
            let in_scope = match &e.file {
                Some(w) => report.files.iter().any(|f| file_matches(w, f)),
                None => true,
            };
            if in_scope && !used.get(i).copied().unwrap_or(true) {
                kept.push(self.stale(i, e));
            }
        }
        report.findings = kept;
    }

    /// The `IAMSIM-L011` finding for entry `i`.
    fn stale(&self, i: usize, e: &Entry) -> Finding {
        let path = JsonPath::root().key("ignore").index(i);
        let mut what = Vec::new();
        if let Some(r) = e.rule {
            what.push(format!("rule `{}`", r.id()));
        }
        if let Some(f) = &e.file {
            what.push(format!("file `{}`", f.as_str()));
        }
        if let Some(s) = &e.sid {
            what.push(format!("statement `{s}`"));
        }
        Finding {
            rule: Rule::StaleSuppression,
            file: self.file.clone(),
            json_path: path.to_string(),
            line: line_of(&self.text, &path),
            message: format!("the suppression for {} matches no finding", what.join(", ")),
            fix:
                "remove the entry: what it excused is gone (or correct its `rule`, `file` or `sid`)"
                    .into(),
            sid: None,
            fingerprint: format!("{}|{}|{path}", Rule::StaleSuppression.id(), self.file),
        }
    }
}

/// Whether `pattern` matches the reported file `file` with its leading `./` and `../` steps
/// dropped (the same entry serves `policies/x.json` and `../../policies/x.json`).
fn file_matches(pattern: &Wildcard, file: &str) -> bool {
    pattern.is_match(without_parents(file))
}

impl Entry {
    /// Check one entry as written.
    fn check(e: IgnoreEntry) -> Result<Self, String> {
        if e.reason.trim().is_empty() {
            return Err("`reason` is empty: say why the findings are accepted".into());
        }
        if e.file.is_none() && e.sid.is_none() {
            return Err("give `file`, `sid` or both (an entry for every file would hide every finding of its rule)".into());
        }
        let rule = match &e.rule {
            None => None,
            Some(r) => Some(
                Rule::ALL
                    .iter()
                    .copied()
                    .find(|x| x.id().eq_ignore_ascii_case(r) || x.name() == r)
                    .ok_or_else(|| {
                        let known = Rule::ALL.iter().map(|x| x.id());
                        let hint = crate::policy::closest(r, known)
                            .map(|s| format!(" (did you mean `{s}`?)"))
                            .unwrap_or_default();
                        format!("unknown rule `{r}`{hint}")
                    })?,
            ),
        };
        let file = match &e.file {
            None => None,
            Some(f) => Some(
                Wildcard::new(f, Dialect::Plain)
                    .map_err(|_| "`file` pattern too long".to_string())?,
            ),
        };
        Ok(Self {
            rule,
            file,
            sid: e.sid,
            reason: e.reason,
        })
    }

    fn matches(&self, f: &Finding) -> bool {
        self.rule.is_none_or(|r| r == f.rule)
            && self.file.as_ref().is_none_or(|w| file_matches(w, &f.file))
            && self
                .sid
                .as_ref()
                .is_none_or(|s| f.sid.as_deref() == Some(s.as_str()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn finding(rule: Rule, file: &str, sid: Option<&str>) -> Finding {
        Finding {
            rule,
            file: file.into(),
            json_path: "Statement[0].Action".into(),
            line: 3,
            message: String::new(),
            fix: String::new(),
            sid: sid.map(str::to_string),
            fingerprint: String::new(),
        }
    }

    #[test]
    fn entries_match_by_rule_file_and_sid_and_stale_ones_are_reported() {
        let text = r#"{"ignore": [
            {"rule": "wildcard-grant", "file": "policies/roles/*.json", "sid": "Wide", "reason": "r1"},
            {"sid": "Gone", "reason": "r2"},
            {"file": "elsewhere/*.json", "reason": "r3"}
        ]}"#;
        let s = Suppressions::parse("c.json", text).unwrap();
        let mut report = Report {
            findings: vec![
                finding(
                    Rule::WildcardGrant,
                    "../policies/roles/a.json",
                    Some("Wide"),
                ),
                finding(
                    Rule::UnknownAction,
                    "../policies/roles/a.json",
                    Some("Wide"),
                ),
            ],
            files: vec!["../policies/roles/a.json".into()],
            ..Report::default()
        };
        s.apply(&mut report);
        assert_eq!(report.suppressed.len(), 1);
        assert_eq!(report.suppressed[0].reason, "r1");
        let rules: Vec<(Rule, &str, usize)> = report
            .findings
            .iter()
            .map(|f| (f.rule, f.json_path.as_str(), f.line))
            .collect();
        assert_eq!(
            rules,
            [
                (Rule::UnknownAction, "Statement[0].Action", 3),
                (Rule::StaleSuppression, "ignore[1]", 3)
            ]
        );
    }

    #[test]
    fn bad_entries_are_errors_naming_them() {
        let e = |t: &str| Suppressions::parse("c.json", t).unwrap_err().to_string();
        assert_eq!(
            e(r#"{"ignore": [{"sid": "A"}]}"#),
            "c.json: ignore[0]: missing field `reason`"
        );
        assert_eq!(
            e(r#"{"ignore": [{"rule": "IAMSIM-L02", "sid": "A", "reason": "x"}]}"#),
            "c.json: ignore[0]: unknown rule `IAMSIM-L02` (did you mean `IAMSIM-L002`?)"
        );
        assert!(e(r#"{"ignore": [{"rule": "IAMSIM-L002", "reason": "x"}]}"#)
            .contains("give `file`, `sid` or both"));
        assert!(e(r#"{"ignore": [], "extra": 1}"#).contains("unknown field `extra`"));
    }
}
