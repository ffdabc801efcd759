//! The cases of one scenario file, expanded a scenario at a time: from a parsed file, or from
//! a JSON text as its scenarios are read (`stream.rs`).

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;

use super::cases::{expand_plain, expand_scenario, Shared};
use super::decide::{Accepted, Decider};
use super::error::{invalid, ScenarioError};
use super::names::Names;
use super::plain::Plain;
use super::resolve::Resolver;
use super::MAX_CASES;
use crate::engine::Engine;
use crate::request::Context;
use crate::scenario::case::Case;
use crate::scenario::format::Scenario;

/// What a file's cases run against: its engine among the suite's, and the catalog setting.
#[derive(Clone, Copy)]
pub(super) struct Target<'a> {
    /// Index of the file's engine in `engines`
    pub(super) engine: usize,
    /// The suite's compiled inventories
    pub(super) engines: &'a [(PathBuf, Engine)],
    /// The inventories they were compiled from
    pub(super) inventories: &'a [crate::inventory::Inventory],
    /// Do not check context values against the catalog's key types
    pub(super) no_catalog: bool,
    /// Decide cases as they are read, holding only those a failures-only report needs
    /// (`decide.rs`), with the suite's catalog answers
    pub(super) decide: Option<&'a Accepted>,
}

/// A file's cases: those held, and how many more were decided as they were read, passed and
/// were let go (`decide.rs`).
#[derive(Debug, Default)]
pub(super) struct Expanded {
    pub(super) cases: Vec<Case>,
    pub(super) passed: usize,
}

/// The cases of one file so far, and what expanding the next scenario needs.
pub(super) struct FileCases<'a> {
    label: &'a str,
    engine: usize,
    base: Arc<Context>,
    resolver: Resolver<'a>,
    names: Names,
    cases: Vec<Case>,
    /// Deciding cases as they are read, when asked to
    decider: Option<Decider<'a>>,
    /// The cases of a scenario being decided (a list kept for its room)
    deciding: Vec<Case>,
    /// What the file's plain scenarios share
    plain: Shared,
}

impl<'a> FileCases<'a> {
    /// No case yet, for file `label` with the file-level `context` and `tags`.
    pub(super) fn new(
        label: &'a str,
        context: Option<&Value>,
        tags: &[String],
        at: &Target<'a>,
    ) -> Result<Self, ScenarioError> {
        let Some((_, eng)) = at.engines.get(at.engine) else {
            return Err(invalid(label, "internal: engine index"));
        };
        let mut base = Context::new();
        if let Some(c) = context {
            base.extend_from_json(c)
                .map_err(|e| invalid(label, format!("context: {e}")))?;
        }
        let mut resolver = Resolver::new(eng, label);
        resolver.tags = tags.into();
        resolver.inventory = at.inventories.get(at.engine);
        resolver.check_values = !at.no_catalog;
        let base = Arc::new(base);
        let plain = Shared::file(at.engine, &base, &resolver);
        Ok(Self {
            label,
            engine: at.engine,
            base,
            plain,
            resolver,
            names: Names::default(),
            cases: Vec::new(),
            decider: at.decide.map(|a| Decider::new(eng, a, at.no_catalog)),
            deciding: Vec::new(),
        })
    }

    /// Room for `n` more cases, and their names (a set grown one case at a time was rehashed
    /// a dozen times for a file of 5,000 cases).
    pub(super) fn reserve(&mut self, n: usize) {
        // Cases decided as they are read are mostly let go: their list grows as needed.
        if self.decider.is_none() {
            self.cases.reserve(n);
        }
        self.names.reserve(n);
    }

    /// Expand scenario `index`, `sc`.
    pub(super) fn add(&mut self, index: usize, sc: &Scenario) -> Result<(), ScenarioError> {
        let before = self.cases.len();
        expand_scenario(
            sc,
            index,
            &self.base,
            self.engine,
            &mut self.resolver,
            &mut self.names,
            &mut self.cases,
        )?;
        self.decide(before);
        self.within_limit()
    }

    /// Expand scenario `index`, `p`, of the plain shape: as [`Self::add`] would.
    pub(super) fn add_plain(&mut self, index: usize, p: &Plain<'_>) -> Result<(), ScenarioError> {
        if p.has_variable() {
            let sc = p
                .to_scenario()
                .map_err(|e| invalid(self.label, format!("internal: {e}")))?;
            return self.add(index, &sc);
        }
        // Decided before its case is built (`decide.rs`).
        expand_plain(
            p,
            index,
            &mut self.plain,
            &mut self.resolver,
            &mut self.names,
            &mut self.cases,
            self.decider.as_mut(),
        )?;
        self.within_limit()
    }

    /// Decide the cases from `before` on, when deciding as they are read: let go those that
    /// pass (their names kept), hold the others in order.
    fn decide(&mut self, before: usize) {
        let Some(decider) = &mut self.decider else {
            return;
        };
        // Most scenarios are one case.
        if self.cases.len() == before + 1 {
            if let Some(case) = self.cases.last() {
                if decider.lets_go(case) {
                    self.names.let_go(&case.name);
                    self.cases.pop();
                }
            }
            return;
        }
        self.deciding.extend(self.cases.drain(before..));
        for case in self.deciding.drain(..) {
            if decider.lets_go(&case) {
                self.names.let_go(&case.name);
            } else {
                self.cases.push(case);
            }
        }
    }

    /// The cases of the file so far, held or let go.
    fn count(&self) -> usize {
        self.cases.len() + self.decider.as_ref().map_or(0, |d| d.passed)
    }

    /// The file within [`MAX_CASES`].
    fn within_limit(&self) -> Result<(), ScenarioError> {
        if self.count() > MAX_CASES {
            return Err(invalid(
                self.label,
                format!("more than {MAX_CASES} cases in one run"),
            ));
        }
        Ok(())
    }

    /// The file's cases; a file that expands to none is an error.
    pub(super) fn finish(self) -> Result<Expanded, ScenarioError> {
        if self.count() == 0 {
            return Err(invalid(self.label, "the file expands to no case"));
        }
        Ok(Expanded {
            passed: self.decider.map_or(0, |d| d.passed),
            cases: self.cases,
        })
    }
}
