//! The cases of one scenario file, expanded a scenario at a time: from a parsed file, or from
//! a JSON text as its scenarios are read (`stream.rs`).

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;

use super::cases::{expand_plain, expand_scenario, FxBuild, Shared};
use super::error::{invalid, ScenarioError};
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
}

/// The cases of one file so far, and what expanding the next scenario needs.
pub(super) struct FileCases<'a> {
    label: &'a str,
    engine: usize,
    base: Arc<Context>,
    resolver: Resolver<'a>,
    names: HashSet<u64, FxBuild>,
    cases: Vec<Case>,
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
            names: HashSet::with_hasher(FxBuild::default()),
            cases: Vec::new(),
        })
    }

    /// Room for `n` more cases, and their names (a set grown one case at a time was rehashed
    /// a dozen times for a file of 5,000 cases).
    pub(super) fn reserve(&mut self, n: usize) {
        self.cases.reserve(n);
        self.names.reserve(n);
    }

    /// Expand scenario `index`, `sc`.
    pub(super) fn add(&mut self, index: usize, sc: &Scenario) -> Result<(), ScenarioError> {
        expand_scenario(
            sc,
            index,
            &self.base,
            self.engine,
            &mut self.resolver,
            &mut self.names,
            &mut self.cases,
        )?;
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
        expand_plain(
            p,
            index,
            &mut self.plain,
            &mut self.resolver,
            &mut self.names,
            &mut self.cases,
        )?;
        self.within_limit()
    }

    /// The file within [`MAX_CASES`].
    fn within_limit(&self) -> Result<(), ScenarioError> {
        if self.cases.len() > MAX_CASES {
            return Err(invalid(
                self.label,
                format!("more than {MAX_CASES} cases in one run"),
            ));
        }
        Ok(())
    }

    /// The file's cases; a file that expands to none is an error.
    pub(super) fn finish(self) -> Result<Vec<Case>, ScenarioError> {
        if self.cases.is_empty() {
            return Err(invalid(self.label, "the file expands to no case"));
        }
        Ok(self.cases)
    }
}
