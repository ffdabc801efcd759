//! The Deny statements that apply beside a document being linted: its own, and in a `policies/`
//! inventory those of every policy of each principal that holds the document (its identity
//! policies, its groups' policies and its permissions boundary). The grant rules consult them
//! (`covered.rs`) so that a grant the same principal's Denies take away is not reported.

use crate::policy::{Document, Effect, Statement};

/// A Deny statement and where it is.
#[derive(Debug, Clone)]
pub(crate) struct DenyStatement<'a> {
    /// The statement
    pub statement: &'a Statement,
    /// The file, as lint reports files
    pub file: String,
    /// The JSON path of its document in the file (`(document)` for a bare policy file)
    pub doc_path: String,
    /// Its index among the document's statements
    pub index: usize,
}

impl DenyStatement<'_> {
    /// `statement `Sid``, followed by where it is when that is not the document at
    /// `file`/`doc_path`.
    pub fn label(&self, file: &str, doc_path: &str) -> String {
        let name = match &self.statement.sid {
            Some(sid) => format!("statement `{sid}`"),
            None => format!("statement `Statement[{}]`", self.index),
        };
        if file == self.file && doc_path == self.doc_path {
            name
        } else if self.doc_path == "(document)" {
            format!("{name} of {}", self.file)
        } else {
            format!("{name} of {} ({})", self.file, self.doc_path)
        }
    }
}

/// The Deny statements beside a document: one list per principal that holds it, or a single
/// list (the document's own) for a bare file or a document no principal holds.
#[derive(Debug, Clone, Default)]
pub(crate) struct Denies<'a> {
    /// Per principal, every Deny statement of its policies
    pub sets: Vec<Vec<DenyStatement<'a>>>,
}

impl<'a> Denies<'a> {
    /// The document's own Deny statements only.
    pub fn of_document(doc: &'a Document, file: &str, doc_path: &str) -> Self {
        Self {
            sets: vec![deny_statements(doc, file, doc_path)],
        }
    }
}

/// The Deny statements of `doc`, placed at `file`/`doc_path`.
pub(crate) fn deny_statements<'a>(
    doc: &'a Document,
    file: &str,
    doc_path: &str,
) -> Vec<DenyStatement<'a>> {
    doc.statements
        .iter()
        .enumerate()
        .filter(|(_, s)| s.effect == Effect::Deny)
        .map(|(index, statement)| DenyStatement {
            statement,
            file: file.to_string(),
            doc_path: doc_path.to_string(),
            index,
        })
        .collect()
}
