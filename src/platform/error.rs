//! `PlatformError`: everything that can go wrong reading a platform spec or writing the
//! generated inventory, with the file and the JSON path of the offending value.

use std::fmt;
use std::path::{Path, PathBuf};

/// An error reading, validating or writing a platform
///
/// Displays as `<file>: <json path>: <what>` (the path is left out when the error concerns the
/// whole file), on one line.
#[derive(Debug, thiserror::Error)]
pub struct PlatformError {
    file: PathBuf,
    json_path: String,
    kind: PlatformErrorKind,
}

/// What went wrong, without the location
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlatformErrorKind {
    /// The file could not be read or written
    #[error("{0}")]
    Io(#[source] std::io::Error),
    /// The text is not JSON
    #[error("invalid JSON at line {line} column {column}: {message}")]
    Syntax {
        /// 1-based line
        line: usize,
        /// 1-based column
        column: usize,
        /// serde_json's description
        message: String,
    },
    /// An object has the same key twice
    #[error("duplicate key `{0}`")]
    DuplicateKey(String),
    /// A field the spec does not define
    #[error("unknown field `{field}`, expected one of {expected}")]
    UnknownField {
        /// The field as written
        field: String,
        /// The known fields, each in backticks
        expected: String,
    },
    /// A required field is absent
    #[error("missing field `{0}`")]
    MissingField(&'static str),
    /// A value of the wrong JSON type
    #[error("expected {expected}, found {found}")]
    InvalidType {
        /// What the spec wants (`a string`, `an object`, ...)
        expected: &'static str,
        /// The JSON type found
        found: &'static str,
    },
    /// An agent key that cannot form the agent's IAM role name
    #[error("agent key `{key}` does not form a valid IAM role name: {reason}")]
    InvalidAgentKey {
        /// The key as written
        key: String,
        /// Which rule the role name breaks
        reason: String,
    },
    /// An account id that is not 12 digits
    #[error("account id `{0}` is not 12 digits")]
    InvalidAccountId(String),
    /// A value that is not an ARN of the expected kind
    #[error("`{value}` is not {expected}")]
    InvalidArn {
        /// The value as written
        value: String,
        /// The expected kind, with its form (`an s3 bucket ARN (arn:aws:s3:::<bucket>)`)
        expected: &'static str,
    },
    /// A name or identifier that breaks its AWS naming rule
    #[error("`{value}` is not {expected}")]
    InvalidName {
        /// The value as written
        value: String,
        /// The rule it breaks (`a DynamoDB table name (3-255 characters of ...)`)
        expected: &'static str,
    },
    /// A list that must not be empty is empty
    #[error("the list is empty; give at least one ARN")]
    EmptyList,
    /// Cognito is enabled but no OAuth2 credential provider is named
    #[error("cognito is enabled but `oauth2_credential_provider_name` is empty")]
    MissingOauth2Provider,
    /// An OAuth2 credential provider is named but Cognito is disabled
    #[error("`oauth2_credential_provider_name` is set but cognito is disabled")]
    UnusedOauth2Provider,
    /// Two agent keys differing only in case: IAM role names are case-insensitive
    #[error("agent key `{key}` and `{other}` give the same IAM role name (role names are case-insensitive)")]
    CaseCollision {
        /// The later key
        key: String,
        /// The earlier key
        other: String,
    },
}

impl PlatformError {
    /// An error in `file` at `json_path` (empty for the whole file)
    pub fn new(
        file: impl Into<PathBuf>,
        json_path: impl Into<String>,
        kind: PlatformErrorKind,
    ) -> Self {
        Self {
            file: file.into(),
            json_path: json_path.into(),
            kind,
        }
    }

    /// The file the error is about
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The JSON path of the offending value (`agents.research.artifacts_bucket_arn`); empty
    /// when the error concerns the whole file
    pub fn json_path(&self) -> &str {
        &self.json_path
    }

    /// What went wrong
    pub fn kind(&self) -> &PlatformErrorKind {
        &self.kind
    }
}

impl fmt::Display for PlatformError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.json_path.is_empty() {
            write!(f, "{}: {}", self.file.display(), self.kind)
        } else {
            write!(
                f,
                "{}: {}: {}",
                self.file.display(),
                self.json_path,
                self.kind
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_path_and_kind() {
        let error = PlatformError::new(
            "policies/platform.json",
            "account_id",
            PlatformErrorKind::InvalidAccountId("12".into()),
        );
        assert_eq!(
            error.to_string(),
            "policies/platform.json: account_id: account id `12` is not 12 digits"
        );
    }

    #[test]
    fn display_without_path_names_file_and_kind() {
        let error = PlatformError::new(
            "p.json",
            "",
            PlatformErrorKind::DuplicateKey("prefix".into()),
        );
        assert_eq!(error.to_string(), "p.json: duplicate key `prefix`");
    }
}
