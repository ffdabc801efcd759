//! `iamsim lint`: findings about policy documents that parse but are probably wrong or too
//! broad (unknown actions, wildcard grants, `Allow` with `NotAction`, conditions that cannot
//! hold as meant, redundant statements), located by file, JSON path and line, and rendered as
//! text, JSON or SARIF. See docs/lint.md.

mod actions;
mod baseline;
mod conditions;
mod context;
mod covered;
mod denies;
mod document;
mod locate;
mod output;
mod redundant;
mod rule;
mod sarif;
mod scope;
mod source;
mod suppress;
mod variables;

pub use baseline::Baseline;
pub use context::{Linter, Placement};
pub use locate::{line_of, JsonPath, Segment};
pub use output::{write_json, write_text, Summary};
pub use rule::{Finding, Rule, Severity};
pub use sarif::write_sarif;
pub use source::{lint_each, lint_paths, lint_policy_text, Report};
pub use suppress::{ConfigFile, IgnoreEntry, Suppressed, Suppressions, CONFIG_FILE};

use crate::inventory::LoadError;

/// Why linting could not run (the findings are not errors: they are the result).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LintError {
    /// A file could not be read or parsed, or an inventory does not load
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A path holds no policy document
    #[error("{0}: no policy documents found")]
    NoDocuments(String),
}

impl Report {
    /// Whether some finding is at `threshold` or above (the `--fail-on` test)
    pub fn fails(&self, threshold: Severity) -> bool {
        self.findings.iter().any(|f| f.severity() >= threshold)
    }
}
