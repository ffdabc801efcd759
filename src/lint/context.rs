//! What the rules share while linting: the linter (catalog and cached action expansions), the
//! document being linted with where it sits, and the statement being linted.

use std::collections::HashMap;
use std::rc::Rc;

use serde_json::Value;

use super::denies::Denies;
use super::locate::{line_of, JsonPath};
use super::rule::{Finding, Rule};
use crate::catalog::Catalog;
use crate::policy::{ActionClause, Document, PolicyKind, Statement};

/// Where a document sits: its file, the file's text (to find lines), and its JSON path.
#[derive(Debug, Clone, Copy)]
pub struct Placement<'a> {
    /// The file name, as reported
    pub file: &'a str,
    /// The whole file text
    pub text: &'a str,
    /// The path of the document inside the file (empty for a bare policy file)
    pub path: &'a JsonPath,
}

/// Runs the rules over documents, reusing action expansions between them.
#[derive(Debug)]
pub struct Linter {
    catalog: &'static Catalog,
    expanded: HashMap<String, Rc<Vec<String>>>,
}

impl Default for Linter {
    fn default() -> Self {
        Self::new()
    }
}

impl Linter {
    /// A linter over the embedded AWS catalog
    pub fn new() -> Self {
        Self {
            catalog: Catalog::embedded(),
            expanded: HashMap::new(),
        }
    }

    /// The actions an action pattern covers (empty when it matches none), cached
    pub(crate) fn expand(&mut self, pattern: &str) -> Rc<Vec<String>> {
        let catalog = self.catalog;
        self.expanded
            .entry(pattern.to_ascii_lowercase())
            .or_insert_with(|| Rc::new(catalog.expand(pattern)))
            .clone()
    }

    pub(crate) fn catalog(&self) -> &'static Catalog {
        self.catalog
    }
}

/// A document being linted.
pub(crate) struct Ctx<'a> {
    pub doc: &'a Document,
    pub raw: &'a Value,
    pub kind: PolicyKind,
    pub at: Placement<'a>,
    /// The Deny statements beside the document (its own, and its principals' other policies)
    pub denies: &'a Denies<'a>,
}

impl Ctx<'_> {
    /// A finding at `path`, with its line.
    pub fn finding(&self, rule: Rule, path: &JsonPath, message: String, fix: String) -> Finding {
        Finding {
            rule,
            file: self.at.file.to_string(),
            json_path: path.to_string(),
            line: line_of(self.at.text, path),
            message,
            fix,
        }
    }

    /// The path of statement `i` (`Statement` alone when the document has a single object)
    pub fn statement_path(&self, i: usize) -> JsonPath {
        let p = self.at.path.key("Statement");
        match self.raw.get("Statement") {
            Some(Value::Array(_)) => p.index(i),
            _ => p,
        }
    }

    /// The JSON of statement `i`
    pub fn raw_statement(&self, i: usize) -> Option<&Value> {
        match self.raw.get("Statement")? {
            Value::Array(a) => a.get(i),
            v => Some(v),
        }
    }

    /// `Sid` in backticks, or the statement's path
    pub fn label(&self, i: usize) -> String {
        match self.doc.statements.get(i).and_then(|s| s.sid.as_deref()) {
            Some(sid) => format!("`{sid}`"),
            None => format!("`{}`", self.statement_path(i)),
        }
    }
}

/// A statement being linted.
pub(crate) struct StatementCtx<'a> {
    pub ctx: &'a Ctx<'a>,
    pub index: usize,
    pub stmt: &'a Statement,
}

impl StatementCtx<'_> {
    /// The path of element `key` of the statement, and of its `j`th entry when it is a list.
    pub fn element(&self, key: &str, j: usize) -> JsonPath {
        let p = self.ctx.statement_path(self.index).key(key);
        match self.ctx.raw_statement(self.index).and_then(|s| s.get(key)) {
            Some(Value::Array(_)) => p.index(j),
            _ => p,
        }
    }

    /// The actions of an `Action` clause, or `None` for `NotAction` or an `Action` with `*`
    /// (the statement may apply to any action).
    pub fn actions(&self, linter: &mut Linter) -> Option<Vec<String>> {
        let ActionClause::Action(list) = &self.stmt.action else {
            return None;
        };
        if list.iter().any(|p| p.raw == "*") {
            return None;
        }
        let mut all = Vec::new();
        for p in list {
            all.extend(linter.expand(&p.raw).iter().cloned());
        }
        Some(all)
    }
}
