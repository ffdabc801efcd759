//! Why a scenario file cannot be run.

use crate::inventory::LoadError;

/// A scenario file that cannot be run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The inventory failed to load
    #[error(transparent)]
    Inventory(#[from] LoadError),
    /// The inventory failed to compile
    #[error(transparent)]
    Compile(#[from] crate::engine::CompileError),
    /// A Terraform plan or GAAD dump could not be imported
    #[error(transparent)]
    Import(#[from] crate::import::ImportError),
    /// A problem in a scenario file
    #[error("{}", crate::policy::one_line(&format!("{file}: {message}")))]
    Invalid {
        /// The file
        file: String,
        /// What is wrong (names the scenario)
        message: String,
    },
}

/// A problem in scenario file `file`.
pub(super) fn invalid(file: &str, message: impl Into<String>) -> ScenarioError {
    ScenarioError::Invalid {
        file: file.into(),
        message: message.into(),
    }
}
