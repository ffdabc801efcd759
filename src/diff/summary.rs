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
    /// Resources: the responsible statements' own `Resource` patterns that cover the resources
    /// asked; else the ARNs, or the patterns the classes asked about fall in
    pub resources: Vec<String>,
    /// The context the change needs, when any: one value per key (a class representative)
    pub context: IndexMap<String, String>,
    /// The responsible statements' conditions on those keys, as written
    /// (`aws:SourceArn ArnLike arn:aws:...:*`), so people read the policy's pattern, not a value
    pub conditions: Vec<String>,
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
            write!(f, " when {}", self.when())?;
        }
        if !self.statements.is_empty() {
            write!(f, " (by {})", self.statements.join("; "))?;
        }
        Ok(())
    }
}

impl SummaryLine {
    /// The context for people: each key's condition as the statement writes it, with the value
    /// tried as an example; `key=value` for a key no responsible statement's condition reads.
    pub fn when(&self) -> String {
        let ctx: Vec<String> = self
            .context
            .iter()
            .map(|(k, v)| {
                let written: Vec<&String> = self
                    .conditions
                    .iter()
                    .filter(|c| {
                        c.split(' ')
                            .next()
                            .is_some_and(|ck| ck.eq_ignore_ascii_case(k))
                    })
                    .collect();
                if written.is_empty() {
                    format!("{k}={v}")
                } else {
                    let conds: Vec<&str> = written.iter().map(|c| c.as_str()).collect();
                    let literal = written.iter().any(|c| {
                        c.rsplit(' ')
                            .next()
                            .is_some_and(|vs| vs.split('|').any(|x| x == v))
                    });
                    if literal {
                        conds.join(" and ")
                    } else {
                        format!("{} (e.g. {v})", conds.join(" and "))
                    }
                }
            })
            .collect();
        ctx.join(", ")
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
            .or_insert_with(|| blame.iter().map(|id| (*id).clone()).collect());
        let all: Vec<&crate::engine::StatementId> = c.statements.iter().collect();
        let label = written_pattern(&all, allowing, &c.resource)
            .or_else(|| c.pattern.clone())
            .unwrap_or_else(|| c.resource.clone());
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
            let ids = statements_of.get(&(
                principal.clone(),
                service.clone(),
                direction,
                statements.clone(),
                ctx.clone(),
            ));
            let side = if direction == Direction::Gained {
                head
            } else {
                base
            };
            let conditions = ids
                .map(|ids| written_conditions(ids, side, &ctx))
                .unwrap_or_default();
            SummaryLine {
                principal,
                service,
                direction,
                actions,
                resources,
                context: ctx.into_iter().collect(),
                conditions,
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
        // The changed actions share one service: a pattern naming another cannot hit them.
        let service = actions
            .first()
            .and_then(|a| a.split(':').next())
            .unwrap_or("");
        for p in list {
            if p.service
                .as_deref()
                .is_some_and(|s| !s.contains(['*', '?']) && !s.eq_ignore_ascii_case(service))
            {
                continue;
            }
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

/// The most specific `Resource` pattern of the allowing statements that covers `resource` (every
/// allowing layer matches it, so the narrowest is what the grant reaches; a pattern with
/// policy variables counts when none without covers it).
fn written_pattern(
    ids: &[&crate::engine::StatementId],
    side: &Side<'_>,
    resource: &str,
) -> Option<String> {
    let mut template = None;
    let mut best: Option<&str> = None;
    for id in ids {
        let Some(st) = side
            .document(&id.policy)
            .and_then(|d| d.statements.get(id.index))
        else {
            continue;
        };
        let Some(crate::policy::ResourceClause::Resource(list)) = &st.resource else {
            continue;
        };
        for p in list {
            match &p.matcher {
                // In a resource-based policy `*` is the resource it is attached to: show that.
                _ if p.raw == "*" && st.principal.is_some() => {}
                crate::policy::ResourceMatcher::Fixed(w) if w.is_match(resource) => {
                    // The most specific: a literal ARN, else the longest pattern (`runtime/*`
                    // rather than `*`).
                    let key = |r: &str| (!r.contains(['*', '?']), r.len());
                    if best.is_none_or(|b| key(&p.raw) > key(b)) {
                        best = Some(&p.raw);
                    }
                }
                crate::policy::ResourceMatcher::Template(_) if template.is_none() => {
                    template = Some(p.raw.clone());
                }
                _ => {}
            }
        }
    }
    best.map(str::to_string).or(template)
}

/// The conditions of the statements `ids` on the keys of `ctx`, as written
/// (`KEY OPERATOR value|value`), once each.
fn written_conditions(
    ids: &[crate::engine::StatementId],
    side: &Side<'_>,
    ctx: &[(String, String)],
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        let Some(st) = side
            .document(&id.policy)
            .and_then(|d| d.statements.get(id.index))
        else {
            continue;
        };
        for c in &st.conditions {
            if !ctx.iter().any(|(k, _)| k.eq_ignore_ascii_case(&c.key)) {
                continue;
            }
            let text = format!("{} {} {}", c.key, c.operator, c.raw.join("|"));
            if !out.contains(&text) {
                out.push(text);
            }
        }
    }
    out
}
