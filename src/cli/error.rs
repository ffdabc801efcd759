//! The one error type of the commands: every failure a command reports as one line (exit 2).

use std::path::PathBuf;

/// Why a command could not run. Each variant renders the message the binary prints after
/// `error: `.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or creating a named file failed
    #[error("{}: {source}", path.display())]
    File {
        /// The file
        path: PathBuf,
        /// Why
        source: std::io::Error,
    },
    /// Writing a report failed (a closed pipe included)
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Writing JSON failed
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// Scenario files or their inventory could not be loaded
    #[error(transparent)]
    Scenario(#[from] crate::scenario::ScenarioError),
    /// A case the catalog rejects
    #[error(transparent)]
    InvalidCase(#[from] crate::scenario::InvalidCase),
    /// A policy file could not be read
    #[error(transparent)]
    Load(#[from] crate::inventory::LoadError),
    /// A policy document is invalid
    #[error(transparent)]
    Policy(#[from] crate::policy::PolicyError),
    /// A principal is malformed
    #[error(transparent)]
    Principal(#[from] crate::request::PrincipalError),
    /// An inventory does not compile
    #[error(transparent)]
    Compile(#[from] crate::engine::CompileError),
    /// The catalog rejects a request's action or resource
    #[error(transparent)]
    Request(#[from] crate::catalog::RequestError),
    /// A Terraform plan or GAAD dump could not be imported or written
    #[error(transparent)]
    Import(#[from] crate::import::ImportError),
    /// The platform spec is invalid or its inventory could not be written
    #[error(transparent)]
    Platform(#[from] crate::platform::PlatformError),
    /// Two inventories could not be compared
    #[error(transparent)]
    Diff(#[from] crate::diff::DiffError),
    /// Policy files could not be linted
    #[error(transparent)]
    Lint(#[from] crate::lint::LintError),
    /// Input the library describes in words: an unknown principal or resource, a bad context
    /// assignment or action
    #[error("{0}")]
    Input(String),
    /// Arguments that cannot work together, or a pattern with nothing to expand to
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// A write to a closed pipe (`iamsim ... | head`): the binary exits quietly with 0. Errors
    /// that wrap the write's error (JSON output, ...) keep only its message, so that counts too.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
            || self.to_string().contains("Broken pipe")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_errors_name_the_file() {
        let e = Error::File {
            path: PathBuf::from("plan.json"),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "gone"),
        };
        assert_eq!(e.to_string(), "plan.json: gone");
        assert!(!e.is_broken_pipe());
    }

    #[test]
    fn broken_pipes_are_recognised_through_wrappers() {
        let epipe = || std::io::Error::from_raw_os_error(32);
        assert!(Error::Io(std::io::ErrorKind::BrokenPipe.into()).is_broken_pipe());
        assert!(Error::Io(epipe()).is_broken_pipe());
        assert!(Error::Json(serde_json::Error::io(epipe())).is_broken_pipe());
        assert!(!Error::Usage("no pipe here".into()).is_broken_pipe());
    }
}
