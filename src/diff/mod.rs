//! `diff`: the access a change adds or removes. Both inventories are asked the same requests
//! (the request space, [`RequestSpace`]); every request whose decision differs is a gained or
//! lost [`Change`], and the [`SummaryLine`]s collapse them for people. The space is exact: one
//! representative per class of requests no policy of either side tells apart
//! (docs/diff.md, docs/prove.md).

mod action_classes;
mod eval;
mod plan;
mod planner;
mod render;
mod scope;
mod side;
mod space;
mod summary;

use serde::Serialize;

pub use eval::{Change, Direction, MAX_CONTEXTS};
pub use render::{write_json, write_markdown, write_text, SCHEMA_VERSION};
pub use side::DIFF_TIME_MILLIS;
pub use space::{RequestSpace, SpacePrincipal, SpaceResource};
pub use summary::SummaryLine;

use crate::engine::CompileError;
use crate::inventory::Inventory;

/// How to run a diff.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {
    /// Threads to evaluate on (0: one per available core)
    pub threads: usize,
    /// Ask every candidate request, even those where nothing that decides it changed (slower;
    /// the answer is the same, which a test checks)
    pub full: bool,
}

/// A side that does not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiffError {
    /// The base inventory
    #[error("base: {0}")]
    Base(CompileError),
    /// The head inventory
    #[error("head: {0}")]
    Head(CompileError),
}

/// How big the request space was and how much of it was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SpaceSize {
    /// Principals in the space
    pub principals: usize,
    /// Actions in the space
    pub actions: usize,
    /// Resource classes (one representative each) in the space
    pub resources: usize,
    /// (principal, action, resource) requests asked of both sides
    pub requests: usize,
}

/// The result of a diff.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    /// The space and the number of requests asked
    pub size: SpaceSize,
    /// Every request whose decision differs, sorted by principal, direction, action, resource
    pub changes: Vec<Change>,
    /// The changes collapsed for people
    pub summary: Vec<SummaryLine>,
    /// Parts of the space that could not be split exactly (a limit passed, a policy variable
    /// over a request key): changes there may be missed. Empty in the common case.
    pub gaps: Vec<String>,
}

impl Diff {
    /// The requests allowed on head and not on base.
    pub fn gained(&self) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(|c| c.direction == Direction::Gained)
    }

    /// The requests allowed on base and not on head.
    pub fn lost(&self) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(|c| c.direction == Direction::Lost)
    }

    /// True when no decision differs.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Diff two inventories: every request of the space whose decision differs between `base`
/// and `head`. Fails only when a side does not compile (a reference to a missing policy).
pub fn diff(base: &Inventory, head: &Inventory, opts: &DiffOptions) -> Result<Diff, DiffError> {
    let b = side::Side::new(base).map_err(DiffError::Base)?;
    let h = side::Side::new(head).map_err(DiffError::Head)?;
    let scope = scope::services(&b, &h, opts.full);
    let space = RequestSpace::within(base, head, scope.as_ref());
    let mut planner = planner::Planner::new(&space);
    let items = plan::plan(&mut planner, &b, &h, opts.full);
    let threads = match opts.threads {
        0 => crate::par::cores(),
        n => n,
    };
    let (mut changes, mut gaps) = eval::ask_all(&space, &b, &h, &items, threads);
    gaps.extend(space.gaps.iter().cloned());
    // A request names an endpoint only through `aws:SourceVpce`, which the space varies only
    // where a statement reads it: endpoint policies are not compared (docs/diff.md).
    if base.endpoints != head.endpoints {
        gaps.push(
            "the VPC endpoints or their policies differ: requests through an endpoint are not asked, so a change there is not reported".into(),
        );
    }
    gaps.sort();
    gaps.dedup();
    changes.sort_by(|x, y| {
        (&x.principal, x.direction, &x.action, &x.resource).cmp(&(
            &y.principal,
            y.direction,
            &y.action,
            &y.resource,
        ))
    });
    let summary = summary::summarise(&changes, &mut planner, &b, &h);
    Ok(Diff {
        size: SpaceSize {
            principals: space.principals.len(),
            actions: space.actions.len(),
            resources: space.resources.len(),
            requests: items.len(),
        },
        changes,
        summary,
        gaps,
    })
}
