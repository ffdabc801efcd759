//! Errors of the importers: each names the input file and the JSON path or Terraform address.

use std::fmt;
use std::path::PathBuf;

/// A value the Terraform importer could not know offline, with what would resolve it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    /// Terraform address of the resource that needs the value (or `organization`).
    pub address: String,
    /// Attribute of that resource whose value is unknown.
    pub attribute: String,
    /// What is missing, ideally a `--var` key that would resolve it.
    pub needs: String,
    /// Why the plan cannot hold the value and what to give instead, when that is not plain (a
    /// value Terraform itself knows only after apply, such as a `dynamic` block's content).
    pub why: Option<String>,
}

impl fmt::Display for Unresolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.why {
            Some(why) => write!(
                f,
                "`{}` {} ({why} as `{}`)",
                self.address, self.attribute, self.needs
            ),
            None => write!(
                f,
                "`{}` {} (needs `{}`)",
                self.address, self.attribute, self.needs
            ),
        }
    }
}

/// A template value the CloudFormation importer could not resolve or does not model, with
/// every place it occurs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateProblem {
    /// What is wrong, ideally naming the `--var` that resolves it.
    pub message: String,
    /// Where: (template file, JSON path such as `Resources.AppRole.Properties.RoleName`).
    pub places: Vec<(String, String)>,
}

impl fmt::Display for TemplateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at", self.message)?;
        let mut last_file: Option<&str> = None;
        for (i, (file, path)) in self.places.iter().enumerate() {
            let sep = if i == 0 { " " } else { ", " };
            if last_file == Some(file.as_str()) {
                write!(f, "{sep}`{path}`")?;
            } else {
                write!(f, "{sep}`{file}` `{path}`")?;
                last_file = Some(file);
            }
        }
        write!(f, ")")
    }
}

/// Joins template problems on one line.
fn join_problems(items: &[TemplateProblem]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Joins unresolved values on one line.
fn join(items: &[Unresolved]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// An import failure. Messages are lowercase and one line.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The input is not JSON.
    #[error("`{file}` is not json: {message}")]
    NotJson {
        /// Input label.
        file: String,
        /// Parser message.
        message: String,
    },
    /// A Terraform plan whose JSON major version is not 1.
    #[error("`{file}` has terraform json `format_version` `{version}`; only 1.x is supported")]
    UnsupportedVersion {
        /// Input label.
        file: String,
        /// The version found.
        version: String,
    },
    /// The input does not have the shape the importer reads.
    #[error("`{file}` at `{path}`: {message}")]
    Malformed {
        /// Input label.
        file: String,
        /// JSON path or Terraform address (with attribute) of the problem.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// Values unknown at plan time that neither the plan nor `--var` resolves.
    #[error("`{file}`: {} unresolved value(s): {}; give them with `--var KEY=VALUE`", items.len(), join(items))]
    Unresolved {
        /// Input label.
        file: String,
        /// Every unresolved value, sorted.
        items: Vec<Unresolved>,
    },
    /// CloudFormation template values that are unresolved (a parameter without a value, a
    /// generated name, a pseudo parameter) or not modelled (an unknown intrinsic, an IAM-bearing
    /// resource type the importer does not read); nothing is imported.
    #[error("{} template problem(s), nothing imported: {}", items.len(), join_problems(items))]
    Template {
        /// Every problem, with every place it occurs.
        items: Vec<TemplateProblem>,
    },
    /// A managed policy referenced (attached or as boundary) but absent from the dump.
    #[error(
        "`{file}` at `{path}`: managed policy `{arn}` is referenced but not in the dump{hint}"
    )]
    MissingManagedPolicy {
        /// Input label of the referring entry.
        file: String,
        /// JSON path of the reference.
        path: String,
        /// The missing policy ARN.
        arn: String,
        /// Extra help (empty or starting with `; `).
        hint: String,
    },
    /// A `--var` key the importer does not understand.
    #[error("unknown `--var` key `{key}`: {message}")]
    BadVar {
        /// The key (or the whole argument when it has no `=`).
        key: String,
        /// Why it is not understood.
        message: String,
    },
    /// Writing the inventory failed.
    #[error("cannot write `{}`: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unresolved_lists_every_item_on_one_line() {
        let err = ImportError::Unresolved {
            file: "plan.json".into(),
            items: vec![
                Unresolved {
                    address: "aws_kms_key.data".into(),
                    attribute: "arn".into(),
                    needs: "aws_kms_key.data.key_id".into(),
                    why: None,
                },
                Unresolved {
                    address: "aws_iam_role.app".into(),
                    attribute: "arn".into(),
                    needs: "account_id".into(),
                    why: None,
                },
            ],
        };
        assert_eq!(
            err.to_string(),
            "`plan.json`: 2 unresolved value(s): `aws_kms_key.data` arn (needs `aws_kms_key.data.key_id`); \
             `aws_iam_role.app` arn (needs `account_id`); give them with `--var KEY=VALUE`"
        );
    }
}
