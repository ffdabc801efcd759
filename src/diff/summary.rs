//! The smallest honest summary of a diff: changes grouped by principal, service and direction,
//! actions collapsed to the allowing statement's own patterns when those cover exactly the
//! actions that changed, and resources shown as the patterns their classes fall in.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use indexmap::IndexMap;
use serde::Serialize;

use super::eval::{Change, Direction};
use super::planner::Planner;
use super::side::Side;

/// One line of the summary: `role X gained s3:GetObject on arn:aws:s3:::b/* (by ...)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryLine {
    /// The principal's label
    pub principal: String,
    /// The service prefix of the actions
    pub service: String,
    /// Gained or lost
    pub direction: Direction,
    /// Actions, or the patterns that cover exactly them (`logs:Describe*`)
    pub actions: Vec<String>,
    /// Resources: ARNs, or the patterns the classes asked about fall in
    pub resources: Vec<String>,
    /// The context the change needs, when any
    pub context: IndexMap<String, String>,
    /// The statements responsible, on the side that allows
    pub statements: Vec<String>,
}

impl fmt::Display for SummaryLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} on {}",
            self.principal,
            self.direction.name(),
            self.actions.join(", "),
            self.resources.join(", ")
        )?;
        if !self.context.is_empty() {
            let ctx: Vec<String> = self
                .context
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            write!(f, " when {}", ctx.join(", "))?;
        }
        if !self.statements.is_empty() {
            write!(f, " (by {})", self.statements.join("; "))?;
        }
        Ok(())
    }
}

type GroupKey = (
    String,
    String,
    Direction,
    Vec<String>,
    Vec<(String, String)>,
);

/// Summarise `changes` (already sorted).
pub(crate) fn summarise(
    changes: &[Change],
    planner: &mut Planner<'_>,
    base: &Side<'_>,
    head: &Side<'_>,
) -> Vec<SummaryLine> {
    // 1. Per principal, service, direction, statements, context and resource label: actions.
    let mut by_resource: BTreeMap<(GroupKey, String), (BTreeSet<String>, u32)> = BTreeMap::new();
    let index: BTreeMap<&str, u32> = planner
        .space
        .resources
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((r.arn.as_str(), u32::try_from(i).ok()?)))
        .collect();
    let mut statements_of: BTreeMap<GroupKey, Vec<crate::engine::StatementId>> = BTreeMap::new();
    for c in changes {
        let service = c.action.split(':').next().unwrap_or("").to_string();
        let (allowing, other) = match c.direction {
            Direction::Gained => (head, base),
            Direction::Lost => (base, head),
        };
        let blame = responsible(&c.statements, allowing, other);
        let stmts: Vec<String> = blame.iter().map(ToString::to_string).collect();
        let ctx: Vec<(String, String)> = c
            .context
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let key: GroupKey = (c.principal.clone(), service, c.direction, stmts, ctx);
        statements_of
            .entry(key.clone())
            .or_insert_with(|| blame.into_iter().cloned().collect());
        let label = c.pattern.clone().unwrap_or_else(|| c.resource.clone());
        let r = index.get(c.resource.as_str()).copied().unwrap_or(u32::MAX);
        by_resource
            .entry((key, label))
            .or_insert_with(|| (BTreeSet::new(), r))
            .0
            .insert(c.action.clone());
    }
    // 2. Collapse actions; then merge resources with the same collapsed actions.
    let mut merged: BTreeMap<(GroupKey, Vec<String>), Vec<String>> = BTreeMap::new();
    for ((key, label), (actions, r)) in by_resource {
        let side = if key.2 == Direction::Gained {
            head
        } else {
            base
        };
        let stmts = statements_of.get(&key).map(Vec::as_slice).unwrap_or(&[]);
        let shown = collapse(&actions, r, stmts, side, planner);
        merged.entry((key, shown)).or_default().push(label);
    }
    merged
        .into_iter()
        .map(|((key, actions), resources)| {
            let (principal, service, direction, statements, ctx) = key;
            SummaryLine {
                principal,
                service,
                direction,
                actions,
                resources,
                context: ctx.into_iter().collect(),
                statements,
            }
        })
        .collect()
}

/// The allowing statements that are new or changed (not the same statement at the same place
/// on the other side); all of them when none is (a Deny removed elsewhere, say).
fn responsible<'c>(
    ids: &'c [crate::engine::StatementId],
    allowing: &Side<'_>,
    other: &Side<'_>,
) -> Vec<&'c crate::engine::StatementId> {
    let changed: Vec<&crate::engine::StatementId> = ids
        .iter()
        .filter(|id| {
            let mine = allowing
                .document(&id.policy)
                .and_then(|d| d.statements.get(id.index));
            let theirs = other
                .document(&id.policy)
                .and_then(|d| d.statements.get(id.index));
            mine != theirs
        })
        .collect();
    if changed.is_empty() {
        ids.iter().collect()
    } else {
        changed
    }
}

/// The allowing statements' action patterns, when the actions of the space they match (that
/// the catalog accepts on resource `r`) are exactly `actions`; otherwise the actions.
fn collapse(
    actions: &BTreeSet<String>,
    r: u32,
    stmts: &[crate::engine::StatementId],
    side: &Side<'_>,
    planner: &mut Planner<'_>,
) -> Vec<String> {
    let listed: Vec<String> = actions.iter().cloned().collect();
    if actions.len() < 2 {
        return listed;
    }
    let mut patterns: Vec<String> = Vec::new();
    let mut covered: BTreeSet<String> = BTreeSet::new();
    for id in stmts {
        let Some(st) = side
            .document(&id.policy)
            .and_then(|d| d.statements.get(id.index))
        else {
            return listed;
        };
        let crate::policy::ActionClause::Action(list) = &st.action else {
            return listed;
        };
        for p in list {
            let single = crate::policy::ActionClause::Action(vec![p.clone()]);
            let mut hits = BTreeSet::new();
            for a in planner.actions_of(&single) {
                if planner.valid(a, r) {
                    if let Some(name) = planner.space.actions.get(a as usize) {
                        hits.insert(name.clone());
                    }
                }
            }
            if hits.iter().any(|h| actions.contains(h)) {
                if !patterns.contains(&p.raw) {
                    patterns.push(p.raw.clone());
                }
                covered.extend(hits);
            }
        }
    }
    let exact = covered == *actions && patterns.len() < actions.len();
    if exact {
        patterns
    } else {
        listed
    }
}
