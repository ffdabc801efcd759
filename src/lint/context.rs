//! What the rules share while linting: the linter (catalog and cached action expansions), the
//! document being linted with where it sits, and the statement being linted.

use std::collections::HashMap;
use std::rc::Rc;

use serde_json::Value;

use super::denies::Denies;
use super::locate::{line_of, JsonPath, Segment};
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
        let (sid, statement, element, value) = self.identity(path);
        let fingerprint = [
            rule.id(),
            without_parents(self.at.file),
            &elements(self.at.path.segments()),
            &statement,
            &element,
            &value,
        ]
        .join("|");
        Finding {
            rule,
            file: self.at.file.to_string(),
            json_path: path.to_string(),
            line: line_of(self.at.text, path),
            message,
            fix,
            sid,
            fingerprint,
        }
    }

    /// What a finding at `path` is about, independent of lines: the statement's `Sid`; the
    /// statement as its `Sid` or `#index` (empty outside statements); the element's path below
    /// the statement without list indices; and the string at `path` (empty for other values).
    fn identity(&self, path: &JsonPath) -> (Option<String>, String, String, String) {
        let own = self.at.path.segments();
        let rel = path.segments().get(own.len()..).unwrap_or_default();
        let value = rel
            .iter()
            .try_fold(self.raw, |v, s| match s {
                Segment::Key(k) => v.get(k),
                Segment::Index(i) => v.get(i),
            })
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let (index, rest) = match rel {
            [Segment::Key(k), Segment::Index(i), rest @ ..] if k == "Statement" => (*i, rest),
            [Segment::Key(k), rest @ ..]
                if k == "Statement"
                    && !matches!(self.raw.get("Statement"), Some(Value::Array(_))) =>
            {
                (0, rest)
            }
            _ => return (None, String::new(), elements(rel), value),
        };
        let sid = self
            .raw_statement(index)
            .and_then(|s| s.get("Sid"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let statement = sid.clone().unwrap_or_else(|| format!("#{index}"));
        (sid, statement, elements(rest), value)
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

/// `file` less its leading `./` and `../` steps, so that the same file has the same
/// fingerprint and suppressions whether it is linted from the repository's top or below it.
pub(crate) fn without_parents(file: &str) -> &str {
    let mut f = file;
    while let Some(rest) = f.strip_prefix("../").or_else(|| f.strip_prefix("./")) {
        f = rest;
    }
    f
}

/// The member names along `path`, joined by `.` (list indices left out).
fn elements(path: &[Segment]) -> String {
    let keys: Vec<&str> = path
        .iter()
        .filter_map(|s| match s {
            Segment::Key(k) => Some(k.as_str()),
            Segment::Index(_) => None,
        })
        .collect();
    keys.join(".")
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
