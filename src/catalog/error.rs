//! The error of reading a catalog text.

use thiserror::Error;

/// A catalog text that iamsim does not understand, with the line (1-based) where it failed.
///
/// The embedded catalog is checked by a unit test, so this only surfaces when parsing a text
/// given to [`Catalog::parse`](super::Catalog::parse).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("catalog line {line}: {kind}")]
pub struct CatalogError {
    line: usize,
    kind: CatalogErrorKind,
}

impl CatalogError {
    pub(crate) fn new(line: usize, kind: CatalogErrorKind) -> CatalogError {
        CatalogError { line, kind }
    }

    /// The 1-based line of the text where the problem is.
    pub fn line(&self) -> usize {
        self.line
    }

    /// What is wrong.
    pub fn kind(&self) -> &CatalogErrorKind {
        &self.kind
    }
}

/// What is wrong with a catalog text.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CatalogErrorKind {
    /// The first line is not `iamsim-catalog<TAB>1`.
    #[error("expected the header `iamsim-catalog\\t1`")]
    Header,
    /// A line starts with an unknown record tag.
    #[error("unknown record `{0}`")]
    UnknownRecord(String),
    /// A record has too few or too many fields.
    #[error("record `{0}` has the wrong number of fields")]
    FieldCount(String),
    /// A `k`, `r` or `a` record comes before the first `s` record.
    #[error("record `{0}` comes before any service")]
    OutsideService(String),
    /// A condition key has a type that is not in the Service Authorization Reference.
    #[error("unknown condition key type `{0}`")]
    KeyType(String),
    /// A reference to a key or resource type is not a valid index of the service.
    #[error("bad reference `{0}`")]
    Reference(String),
    /// Services or actions are not in strictly increasing order, ignoring case.
    #[error("`{0}` is out of order or repeated")]
    Order(String),
    /// A service has more keys or resource types than a reference can address.
    #[error("too many entries in service `{0}`")]
    TooMany(String),
    /// A service index entry (`i`) does not fit the text: its section is not that service's
    /// `s` line followed by whole records, or text is left over after the last section.
    #[error("service index entry `{0}` does not match the text")]
    Index(String),
    /// The `source` or `generated` record is missing.
    #[error("missing `{0}` record")]
    Missing(&'static str),
}
