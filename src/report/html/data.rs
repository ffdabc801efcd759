//! The matrix's details as the page's script reads them (`#matrix-data`): compact, because a
//! page holds principals x resources x actions. Each cell names a shared list of action names and
//! lists only the actions that are not a plain implicit deny (no deciding statement, no
//! condition that would allow it, no missing context key, denied in the cell's usual layer);
//! the script fills in the others. Deciding statements (with the patterns that matched) and
//! the conditions that would allow an action are listed once and named by index.

use std::collections::HashMap;

use serde::Serialize;

use super::escape::script_json;
use crate::engine::{Decision, Layer};
use crate::matrix::{ActionResult, Cell, Deciding, Matrix, MatrixResource, StatementText, Verdict};

/// The whole data block.
#[derive(Debug, Serialize)]
struct PageData<'m> {
    principals: &'m [String],
    resources: &'m [MatrixResource],
    statements: &'m [StatementText],
    /// Lists of action names, shared by the cells with the same actions
    lists: Vec<Vec<&'m str>>,
    /// Deciding statements with the patterns that matched, named by `PageAction::s`
    deciding: Vec<&'m Deciding>,
    /// `statement: conditions` that would allow an action, named by `PageAction::f`
    notes: Vec<&'m str>,
    cells: Vec<PageCell<'m>>,
}

/// One cell: its place, verdict, action list and the actions worth explaining.
#[derive(Debug, Serialize)]
struct PageCell<'m> {
    p: usize,
    r: usize,
    g: &'static str,
    v: &'static str,
    /// Index into `lists`
    l: usize,
    /// The layer that denied the plain implicit denies
    #[serde(skip_serializing_if = "Option::is_none")]
    b: Option<Layer>,
    /// The other actions, with their index in the list
    x: Vec<PageAction<'m>>,
}

/// An action's answer: index in its list, decision, then indices and keys when not empty.
#[derive(Debug, Serialize)]
struct PageAction<'m> {
    i: usize,
    d: Decision,
    #[serde(skip_serializing_if = "Option::is_none")]
    b: Option<Layer>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    s: Vec<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    f: Vec<usize>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    m: &'m [String],
}

/// Tables of values named by index, each value listed once.
#[derive(Debug, Default)]
struct Interned<'m> {
    deciding: Vec<&'m Deciding>,
    deciding_at: HashMap<&'m Deciding, usize>,
    notes: Vec<&'m str>,
    notes_at: HashMap<&'m str, usize>,
}

impl<'m> Interned<'m> {
    fn action(&mut self, i: usize, a: &'m ActionResult) -> PageAction<'m> {
        let s = a
            .deciding
            .iter()
            .map(|d| {
                *self.deciding_at.entry(d).or_insert_with(|| {
                    self.deciding.push(d);
                    self.deciding.len() - 1
                })
            })
            .collect();
        let f = a
            .allowed_if
            .iter()
            .map(|n| {
                *self.notes_at.entry(n.as_str()).or_insert_with(|| {
                    self.notes.push(n);
                    self.notes.len() - 1
                })
            })
            .collect();
        PageAction {
            i,
            d: a.decision,
            b: a.blocked_by,
            s,
            f,
            m: &a.missing_context,
        }
    }
}

/// The CSS class of a verdict (the page colours boxes by it; the data block names it).
pub fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Allow => "allow",
        Verdict::Partial => "partial",
        Verdict::ExplicitDeny => "explicit-deny",
        Verdict::Deny => "deny",
    }
}

/// Is `a` an implicit deny with nothing to say but the layer?
fn plain(a: &ActionResult) -> bool {
    a.decision == Decision::ImplicitDeny
        && a.deciding.is_empty()
        && a.allowed_if.is_empty()
        && a.missing_context.is_empty()
}

/// The layer most plain denies of `c` name.
fn usual_layer(c: &Cell) -> Option<Layer> {
    let mut counts: Vec<(Option<Layer>, usize)> = Vec::new();
    for a in c.actions.iter().filter(|a| plain(a)) {
        match counts.iter_mut().find(|(l, _)| *l == a.blocked_by) {
            Some((_, n)) => *n += 1,
            None => counts.push((a.blocked_by, 1)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .and_then(|(l, _)| l)
}

/// The data block's JSON, safe inside `<script type="application/json">`.
pub fn page_json(m: &Matrix) -> serde_json::Result<String> {
    let mut lists: Vec<Vec<&str>> = Vec::new();
    let mut known: HashMap<Vec<&str>, usize> = HashMap::new();
    let mut tables = Interned::default();
    let cells = m
        .cells
        .iter()
        .map(|c| {
            let names: Vec<&str> = c.actions.iter().map(|a| a.action.as_str()).collect();
            let l = *known.entry(names.clone()).or_insert_with(|| {
                lists.push(names);
                lists.len() - 1
            });
            let b = usual_layer(c);
            let x = c
                .actions
                .iter()
                .enumerate()
                .filter(|(_, a)| !plain(a) || a.blocked_by != b)
                .map(|(i, a)| tables.action(i, a))
                .collect();
            PageCell {
                p: c.principal,
                r: c.resource,
                g: c.group.name(),
                v: verdict_class(c.verdict),
                l,
                b,
                x,
            }
        })
        .collect();
    script_json(&PageData {
        principals: &m.principals,
        resources: &m.resources,
        statements: &m.statements,
        lists,
        deciding: tables.deciding,
        notes: tables.notes,
        cells,
    })
}
