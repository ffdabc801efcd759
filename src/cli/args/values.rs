//! The values of command-line options: output formats, `--fail-on` levels, `--color` and the
//! expected decisions, as clap value enums.

use clap::ValueEnum;

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// One line per failing case and a closing `N passed, N failed`
    Text,
    /// Versioned JSON (schema_version 1, docs/formats.md), one record per case
    Json,
    /// JUnit XML for CI dashboards
    Junit,
    /// A Markdown table for a pull-request comment
    Markdown,
}

/// Output formats of `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// For people
    Text,
    /// iamsim's data: decision, deciding statements, trace
    Json,
    /// AWS's `EvaluationResults` shape
    Aws,
}

/// Output formats of `who-can`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// For people
    Text,
    /// JSON
    Json,
    /// A Markdown table (with --transitive)
    Markdown,
    /// Graphviz DOT of the paths (with --transitive)
    Dot,
}

/// Output formats of `reach` and `who-can --transitive`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// For people
    Text,
    /// Versioned JSON (docs/reach.md)
    Json,
    /// A Markdown table for a pull-request comment
    Markdown,
    /// Graphviz DOT (`dot -Tsvg`)
    Dot,
}

/// Output formats of `report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// One self-contained HTML page (no network): matrix, scenario results, lint findings
    Html,
}

/// Output formats of `lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    /// One block per finding and a closing count
    Text,
    /// Versioned JSON
    Json,
    /// SARIF 2.1.0 for code scanning
    Sarif,
}

/// The lowest severity that makes `lint` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Errors only
    Error,
    /// Warnings and errors
    Warning,
    /// Any finding
    Info,
}

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// One line per change group, then `N gained, N lost`
    Text,
    /// Versioned JSON (`schema_version: 1`): summary and every differing request
    Json,
    /// A Markdown table for a pull-request comment
    Markdown,
}

/// When `diff` exits 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFailOn {
    /// When any access is gained
    Gained,
    /// When any access is lost
    Lost,
    /// When any decision differs
    Any,
}

/// When to colour text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// On a terminal, unless NO_COLOR is set
    Auto,
    /// Always
    Always,
    /// Never
    Never,
}

/// Expected decision for `explain --expect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExpectArg {
    /// Allowed
    Allow,
    /// Denied either way
    Deny,
    /// Denied by a Deny statement
    ExplicitDeny,
    /// Denied because nothing allows it
    ImplicitDeny,
}
