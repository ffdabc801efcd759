//! Importers: turn policies read where they really are into an inventory directory
//! (docs/formats.md), offline.
//!
//! - [`terraform::import_plan`] reads `terraform show -json PLAN` output.
//! - [`gaad::import_gaad`] reads `aws iam get-account-authorization-details` output.
//! - [`cloudformation::import_templates`] reads CloudFormation templates (JSON or YAML, CDK
//!   output included).
//!
//! All return [`Imported`]: the inventory files (relative path -> JSON content) and an
//! [`ImportReport`] naming the source of every extracted item. [`write_inventory`] writes the
//! files; [`detect`] tells a plan from a GAAD dump by content. See docs/import.md.

mod aws_policies;
mod builder;
pub mod cloudformation;
mod document;
mod error;
pub mod gaad;
mod report;
pub mod terraform;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

pub use error::{ImportError, TemplateProblem, Unresolved};
pub use report::{ImportReport, ReportItem};

/// The result of an import.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// Inventory files: path relative to the inventory directory (`roles/app.json`) -> content.
    pub files: BTreeMap<PathBuf, Value>,
    /// Every extracted item with its Terraform address or GAAD location.
    pub report: ImportReport,
}

/// What a JSON input is, judged by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// `terraform show -json` output (has `format_version` and plan keys).
    TerraformPlan,
    /// `aws iam get-account-authorization-details` output.
    Gaad,
    /// A CloudFormation template (typed `Resources`).
    CloudFormation,
    /// Anything else (an inventory file, a policy document, ...).
    Other,
}

/// Tells a Terraform plan from a GAAD dump from a CloudFormation template from anything else.
pub fn detect(value: &Value) -> InputKind {
    let Value::Object(map) = value else {
        return InputKind::Other;
    };
    let plan_keys = [
        "planned_values",
        "resource_changes",
        "prior_state",
        "configuration",
    ];
    if map.contains_key("format_version") && plan_keys.iter().any(|k| map.contains_key(*k)) {
        return InputKind::TerraformPlan;
    }
    let gaad_keys = [
        "UserDetailList",
        "GroupDetailList",
        "RoleDetailList",
        "Policies",
    ];
    if gaad_keys
        .iter()
        .any(|k| map.get(*k).is_some_and(Value::is_array))
    {
        return InputKind::Gaad;
    }
    if cloudformation::is_template(value) {
        return InputKind::CloudFormation;
    }
    InputKind::Other
}

/// Writes `files` under `dir` (pretty JSON, one trailing newline).
///
/// `dir` must not exist or be empty: a stale file from an earlier import would silently stay
/// in the inventory, so a non-empty directory is an error.
pub fn write_inventory(dir: &Path, files: &BTreeMap<PathBuf, Value>) -> Result<(), ImportError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ImportError::Io { path, source }
    };
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(io(dir))?;
        if entries.next().is_some() {
            return Err(ImportError::Io {
                path: dir.to_path_buf(),
                source: std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "directory is not empty",
                ),
            });
        }
    }
    for (rel, content) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        let mut text = serde_json::to_string_pretty(content).map_err(|e| ImportError::Io {
            path: path.clone(),
            source: std::io::Error::other(e),
        })?;
        text.push('\n');
        std::fs::write(&path, text).map_err(io(&path))?;
    }
    Ok(())
}

/// Parses JSON text, naming the input on failure.
pub(crate) fn parse_json(label: &str, text: &str) -> Result<Value, ImportError> {
    serde_json::from_str(text).map_err(|e| ImportError::NotJson {
        file: label.to_string(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn detect_by_content() {
        assert_eq!(
            detect(&json!({"format_version": "1.2", "planned_values": {}})),
            InputKind::TerraformPlan
        );
        assert_eq!(
            detect(&json!({"RoleDetailList": [], "IsTruncated": false})),
            InputKind::Gaad
        );
        assert_eq!(detect(&json!({"format_version": "1.2"})), InputKind::Other);
        assert_eq!(
            detect(&json!({"Resources": {"R": {"Type": "AWS::IAM::Role"}}})),
            InputKind::CloudFormation
        );
        assert_eq!(detect(&json!({"Statement": []})), InputKind::Other);
    }

    #[test]
    fn write_refuses_a_non_empty_directory() {
        let dir = std::env::temp_dir().join(format!("iamsim-import-write-{}", std::process::id()));
        let files = BTreeMap::from([(PathBuf::from("roles/a.json"), json!({"arn": "x"}))]);
        write_inventory(&dir, &files).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join("roles/a.json")).unwrap(),
            "{\n  \"arn\": \"x\"\n}\n"
        );
        let err = write_inventory(&dir, &files).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("cannot write `{}`: directory is not empty", dir.display())
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
