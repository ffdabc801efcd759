//! Why an inventory could not be loaded, and the helpers that build those errors.

use crate::policy::{one_line, PolicyError};

/// Why an inventory could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// A file could not be read
    #[error("{}", one_line(&format!("{file}: {message}")))]
    Io {
        /// The file
        file: String,
        /// The OS error
        message: String,
    },
    /// A file is not valid JSON
    #[error("{}", one_line(&format!("{file}: invalid JSON at line {line}, column {column}: {message}")))]
    Json {
        /// The file
        file: String,
        /// 1-based line
        line: usize,
        /// 1-based column
        column: usize,
        /// serde_json's message
        message: String,
    },
    /// A file does not follow the inventory format
    #[error("{}", one_line(&format!("{file}: {path}: {message}")))]
    Format {
        /// The file
        file: String,
        /// The JSON path
        path: String,
        /// What is wrong
        message: String,
    },
    /// A policy document is invalid
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// A reference points at nothing, or two items clash
    #[error("{}", one_line(&format!("{file}: {message}")))]
    Reference {
        /// The file
        file: String,
        /// What is wrong
        message: String,
    },
}

/// An OS error as a message: lowercase, without Rust's `(os error N)` suffix.
pub(super) fn io_message(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = match text.find(" (os error") {
        Some(i) => text.get(..i).unwrap_or(&text).to_string(),
        None => text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

/// A format error at `path` of `file`.
pub(super) fn format_err(file: &str, path: &str, message: impl Into<String>) -> LoadError {
    LoadError::Format {
        file: file.into(),
        path: path.into(),
        message: message.into(),
    }
}
