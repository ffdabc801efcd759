//! Finding the policy documents to lint: a bare policy file, or every document of a
//! `policies/` inventory (trust, inline, managed and boundary, resource and key policies, SCPs
//! and RCPs), each with its file and JSON path.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::context::{Linter, Placement};
use super::denies::Denies;
use super::locate::JsonPath;
use super::rule::Finding;
use super::scope::principal_denies;
use super::LintError;
use crate::inventory::{load_dir, parse_json, LoadError, MAX_FILE_BYTES};
use crate::policy::{parse_document, parse_resource_policy, PolicyKind};

/// What linting some paths found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// Every finding, by file, then document, then statement
    pub findings: Vec<Finding>,
    /// How many policy documents were linted
    pub documents: usize,
    /// The files linted, as reported
    pub files: Vec<String>,
    /// Findings a suppression left out, with its reason
    pub suppressed: Vec<super::Suppressed>,
    /// How many findings `--baseline` left out
    pub baselined: usize,
}

impl Report {
    /// Add another report's findings and documents after this one's.
    fn merge(&mut self, other: Report) {
        self.findings.extend(other.findings);
        self.documents += other.documents;
        for f in other.files {
            if !self.files.contains(&f) {
                self.files.push(f);
            }
        }
    }
}

/// Lint policy files and `policies/` directories. A directory is loaded as an inventory first
/// (so a broken inventory is an error, as for `check`), then every document in it is linted.
/// A file is one policy document; its kind is read from it: with `Principal` it is a
/// resource-based policy (a trust policy if a statement has no `Resource`), else an identity
/// policy. Errors: unreadable or invalid files, and paths that hold no policy document.
pub fn lint_paths(paths: &[PathBuf]) -> Result<Report, LintError> {
    let (report, mut failures) = lint_each(paths);
    match failures.is_empty() {
        true => Ok(report),
        false => Err(failures.remove(0)),
    }
}

/// Lint every path that can be read, and say which could not: one unreadable file does not
/// hide the findings of the others.
pub fn lint_each(paths: &[PathBuf]) -> (Report, Vec<LintError>) {
    let mut linter = Linter::new();
    let mut report = Report::default();
    let mut failures = Vec::new();
    for path in paths {
        if let Err(e) = lint_path(&mut linter, path, &mut report) {
            failures.push(e);
        }
    }
    (report, failures)
}

/// Lint one file or `policies/` directory into `report`.
fn lint_path(linter: &mut Linter, path: &Path, report: &mut Report) -> Result<(), LintError> {
    let before = report.documents;
    // Findings of a document that fails part-way are not kept: the file is reported instead.
    let mut own = Report::default();
    if path.is_dir() {
        lint_inventory(linter, path, &mut own)?;
    } else {
        let file = label(path);
        let text = read_text(path)?;
        lint_text(linter, &file, &text, &mut own)?;
    }
    report.merge(own);
    if report.documents == before {
        return Err(LintError::NoDocuments(label(path)));
    }
    Ok(())
}

/// Lint one bare policy document given as text; `file` names it in findings.
pub fn lint_policy_text(file: &str, text: &str) -> Result<Report, LintError> {
    let mut report = Report::default();
    lint_text(&mut Linter::new(), file, text, &mut report)?;
    Ok(report)
}

fn lint_text(
    linter: &mut Linter,
    file: &str,
    text: &str,
    report: &mut Report,
) -> Result<(), LintError> {
    let value = parse_json(text, file)?;
    let kind = kind_of(&value);
    let at = Placement {
        file,
        text,
        path: &JsonPath::root(),
    };
    lint_one(linter, at, &value, kind, None, None, report)
}

/// Lint the document `value` placed at `at`, with the Deny statements beside it (`None`: its
/// own only); `attached` is the ARN of the resource a resource-based policy is attached to,
/// when the inventory file names it.
fn lint_one(
    linter: &mut Linter,
    at: Placement<'_>,
    value: &Value,
    kind: PolicyKind,
    denies: Option<&Denies<'_>>,
    attached: Option<&str>,
    report: &mut Report,
) -> Result<(), LintError> {
    let (file, path) = (at.file, at.path);
    let label = if path.segments().is_empty() {
        file.to_string()
    } else {
        format!("{file} ({path})")
    };
    let doc = match attached {
        Some(arn) if kind == PolicyKind::Resource => parse_resource_policy(value, &label, arn),
        _ => parse_document(value, &label, kind),
    }
    .map_err(LoadError::from)?;
    let findings = match denies {
        Some(denies) => linter.lint_beside(&doc, value, kind, at, denies),
        None => linter.lint_document(&doc, value, kind, at),
    };
    report.findings.extend(findings);
    report.documents += 1;
    if report.files.last().is_none_or(|f| f != file) {
        report.files.push(file.to_string());
    }
    Ok(())
}

/// The kind of a bare policy file, from its elements.
fn kind_of(value: &Value) -> PolicyKind {
    let statements: Vec<&Value> = match value.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
        None => Vec::new(),
    };
    let has = |s: &&Value, keys: [&str; 2]| keys.iter().any(|k| s.get(k).is_some());
    if !statements
        .iter()
        .any(|s| has(s, ["Principal", "NotPrincipal"]))
    {
        PolicyKind::Identity
    } else if statements
        .iter()
        .any(|s| !has(s, ["Resource", "NotResource"]))
    {
        PolicyKind::Trust
    } else {
        PolicyKind::Resource
    }
}

/// The inventory's files, in the loader's order (docs/formats.md), and the documents each holds.
/// An identity document's grants are judged with the Deny statements of every principal that
/// holds it (scope.rs); other documents with their own.
fn lint_inventory(linter: &mut Linter, dir: &Path, report: &mut Report) -> Result<(), LintError> {
    let inventory = load_dir(dir)?;
    let beside = principal_denies(&inventory, |source| label(Path::new(source)));
    let mut files = Vec::new();
    for sub in ["roles", "users", "groups", "managed", "resources"] {
        let d = dir.join(sub);
        if !d.is_dir() {
            continue;
        }
        let entries = std::fs::read_dir(&d).map_err(|e| io_error(&d, &e))?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        files.extend(paths.into_iter().map(|p| (sub, p)));
    }
    let org = dir.join("organization.json");
    if org.is_file() {
        files.push(("organization", org));
    }
    for (sub, path) in files {
        let file = label(&path);
        let text = read_text(&path)?;
        let value = parse_json(&text, &file)?;
        let attached = value.get("arn").and_then(Value::as_str);
        for (doc_path, kind) in documents(sub, &value) {
            if let Some(doc) = lookup(&value, &doc_path) {
                let denies = beside.get(&(file.clone(), doc_path.to_string()));
                let at = Placement {
                    file: &file,
                    text: &text,
                    path: &doc_path,
                };
                lint_one(linter, at, doc, kind, denies, attached, report)?;
            }
        }
    }
    Ok(())
}

/// The paths of the documents in one inventory file.
fn documents(sub: &str, value: &Value) -> Vec<(JsonPath, PolicyKind)> {
    let root = JsonPath::root();
    let mut out = Vec::new();
    let present = |k: &str| value.get(k).is_some_and(|v| !v.is_null());
    if sub == "roles" && present("trust_policy") {
        out.push((root.key("trust_policy"), PolicyKind::Trust));
    }
    if let Some(Value::Object(m)) = value.get("inline_policies") {
        for name in m.keys() {
            out.push((root.key("inline_policies").key(name), PolicyKind::Identity));
        }
    }
    if sub == "managed" && present("document") {
        out.push((root.key("document"), PolicyKind::Identity));
    }
    if sub == "resources" && present("policy") {
        out.push((root.key("policy"), PolicyKind::Resource));
    }
    if sub == "organization" {
        let mut levels = vec![(root.key("root"), value.get("root"))];
        for key in ["ous", "accounts"] {
            if let Some(Value::Array(a)) = value.get(key) {
                levels.extend(
                    a.iter()
                        .enumerate()
                        .map(|(i, v)| (root.key(key).index(i), Some(v))),
                );
            }
        }
        for (path, level) in levels {
            for (key, kind) in [("scps", PolicyKind::Scp), ("rcps", PolicyKind::Rcp)] {
                if let Some(Value::Array(a)) = level.and_then(|l| l.get(key)) {
                    for i in 0..a.len() {
                        out.push((path.key(key).index(i).key("document"), kind));
                    }
                }
            }
        }
    }
    out
}

fn lookup<'a>(value: &'a Value, path: &JsonPath) -> Option<&'a Value> {
    path.segments().iter().try_fold(value, |v, s| match s {
        super::locate::Segment::Key(k) => v.get(k),
        super::locate::Segment::Index(i) => v.get(i),
    })
}

/// A path as reported: as given, with `/` separators and without a leading `./`.
fn label(path: &Path) -> String {
    let s = path.display().to_string().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

fn io_error(path: &Path, e: &std::io::Error) -> LoadError {
    LoadError::Io {
        file: label(path),
        message: e.to_string(),
    }
}

fn read_text(path: &Path) -> Result<String, LoadError> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, &e))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(LoadError::Io {
            file: label(path),
            message: format!(
                "file is {} bytes; the limit is {MAX_FILE_BYTES}",
                meta.len()
            ),
        });
    }
    std::fs::read_to_string(path).map_err(|e| io_error(path, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_files_get_their_kind_from_their_elements() {
        let v = |s: &str| serde_json::from_str::<Value>(s).unwrap();
        assert_eq!(
            kind_of(&v(
                r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#
            )),
            PolicyKind::Identity
        );
        assert_eq!(
            kind_of(&v(
                r#"{"Statement":[{"Principal":"*","Action":"s3:*","Resource":"*"}]}"#
            )),
            PolicyKind::Resource
        );
        assert_eq!(
            kind_of(&v(
                r#"{"Statement":[{"Principal":{"Service":"x"},"Action":"sts:AssumeRole"}]}"#
            )),
            PolicyKind::Trust
        );
    }

    #[test]
    fn labels_drop_a_leading_dot() {
        assert_eq!(
            label(Path::new("./policies/roles/a.json")),
            "policies/roles/a.json"
        );
    }
}
