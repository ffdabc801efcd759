//! Asking both sides: the contexts a request is tried under (from the conditions that could
//! apply to it), and the parallel evaluation that turns differing decisions into changes.

use indexmap::IndexMap;

use crate::engine::{Evaluation, StatementId};
use crate::inventory::NamedPolicy;
use crate::request::{Context, Principal, Request};

use super::plan::Item;
use super::side::{org_policies, Side};
use super::space::RequestSpace;
use super::witness::condition_values;
use crate::prove::matching::{action_matches, resource_may_match};

/// The most contexts one request is tried under; past it, each key is varied alone around a
/// base context (docs/diff.md).
pub const MAX_CONTEXTS: usize = 64;

/// Whether access was gained or lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Denied on base, allowed on head
    Gained,
    /// Allowed on base, denied on head
    Lost,
}

impl Direction {
    /// `gained` or `lost`
    pub fn name(self) -> &'static str {
        match self {
            Self::Gained => "gained",
            Self::Lost => "lost",
        }
    }
}

/// One request whose decision differs between the sides.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Change {
    /// Gained or lost
    pub direction: Direction,
    /// The principal's label (`role acme-dev-agent-research`)
    pub principal: String,
    /// The principal as requests name it (ARN, service, account root ARN)
    pub principal_arn: String,
    /// The action, in AWS's casing
    pub action: String,
    /// The resource asked about (an ARN of either side, a witness of a pattern, or `*`)
    pub resource: String,
    /// The pattern the resource is a witness of, when it was not written as such
    pub pattern: Option<String>,
    /// The context keys under which the decisions differ (empty when none were needed)
    pub context: IndexMap<String, String>,
    /// The statements that allow it, on the side that allows (head if gained, base if lost)
    pub statements: Vec<StatementId>,
}

/// The contexts to try a request under: the product of each condition key's witness values
/// (and its absence), over the conditions of every statement that could apply on either side.
pub(crate) fn contexts(
    sides: [&Side<'_>; 2],
    principal: &Principal,
    action: &str,
    resource: &str,
) -> Vec<IndexMap<String, String>> {
    let keys = condition_keys(sides, principal, action, resource);
    // Each key: absent, or one of its values.
    let dims: Vec<(String, Vec<Option<String>>)> = keys
        .into_values()
        .map(|(k, vs)| {
            (
                k,
                std::iter::once(None)
                    .chain(vs.into_iter().map(Some))
                    .collect(),
            )
        })
        .collect();
    let total = dims
        .iter()
        .try_fold(1usize, |acc, (_, vs)| acc.checked_mul(vs.len()))
        .unwrap_or(usize::MAX);
    let mut out: Vec<IndexMap<String, String>> = Vec::new();
    if total <= MAX_CONTEXTS {
        out.push(IndexMap::new());
        for (k, vs) in &dims {
            let mut next = Vec::with_capacity(out.len() * vs.len());
            for ctx in &out {
                for v in vs {
                    let mut c = ctx.clone();
                    if let Some(v) = v {
                        c.insert(k.clone(), v.clone());
                    }
                    next.push(c);
                }
            }
            out = next;
        }
    } else {
        // Too many: every key at its first value, then each key varied alone.
        let base: IndexMap<String, String> = dims
            .iter()
            .filter_map(|(k, vs)| Some((k.clone(), vs.get(1)?.clone()?)))
            .collect();
        out.push(IndexMap::new());
        out.push(base.clone());
        for (k, vs) in &dims {
            for v in vs {
                let mut c = base.clone();
                match v {
                    Some(v) => c.insert(k.clone(), v.clone()),
                    None => c.shift_remove(k),
                };
                if !out.contains(&c) {
                    out.push(c);
                }
            }
        }
    }
    out
}

/// The condition keys a request may supply (by lowercase key: the key as written and its
/// witness values), from the statements that could apply to it on either side.
fn condition_keys(
    sides: [&Side<'_>; 2],
    principal: &Principal,
    action: &str,
    resource: &str,
) -> IndexMap<String, (String, Vec<String>)> {
    let lower_action = action.to_ascii_lowercase();
    let mut keys: IndexMap<String, (String, Vec<String>)> = IndexMap::new();
    for side in sides {
        let mut docs: Vec<&NamedPolicy> = Vec::new();
        if let Principal::Iam(ip) = principal {
            let (identity, boundary) = side.principal_policies(&ip.arn);
            docs.extend(identity);
            docs.extend(boundary);
        }
        let gov = side.governor(resource);
        if let Some(p) = gov.policy() {
            if !gov.is_trust() || lower_action.starts_with("sts:") {
                docs.push(p);
            }
        }
        docs.extend(org_policies(side.organization()));
        for d in docs {
            for st in &d.document.statements {
                if st.conditions.is_empty()
                    || !action_matches(&st.action, &lower_action)
                    || !resource_may_match(st.resource.as_ref(), resource)
                {
                    continue;
                }
                for c in &st.conditions {
                    if crate::engine::is_derived_key(c.key_lower()) {
                        continue;
                    }
                    let entry = keys
                        .entry(c.key_lower().to_string())
                        .or_insert_with(|| (c.key.clone(), Vec::new()));
                    for v in condition_values(c.operator, &c.raw) {
                        if !entry.1.contains(&v) {
                            entry.1.push(v);
                        }
                    }
                }
            }
        }
    }
    keys
}

fn ask(
    side: &Side<'_>,
    principal: &Principal,
    action: &str,
    resource: &str,
    ctx: &IndexMap<String, String>,
) -> Evaluation {
    let mut req = Request::new(principal.clone(), action, resource);
    let mut c = Context::new();
    for (k, v) in ctx {
        c.insert(k, v.clone());
    }
    req.context = c;
    side.engine.evaluate(&req)
}

/// Ask both sides one request under each of its contexts; at most one change per direction.
fn ask_item(
    space: &RequestSpace,
    base: &Side<'_>,
    head: &Side<'_>,
    item: Item,
    out: &mut Vec<Change>,
) {
    let (Some(p), Some(action), Some(r)) = (
        space.principals.get(item.principal as usize),
        space.actions.get(item.action as usize),
        space.resources.get(item.resource as usize),
    ) else {
        return;
    };
    let mut found = [false, false];
    for ctx in contexts([base, head], &p.principal, action, &r.arn) {
        let b = ask(base, &p.principal, action, &r.arn, &ctx);
        let h = ask(head, &p.principal, action, &r.arn, &ctx);
        let (direction, allowing, slot) = match (b.decision.is_allowed(), h.decision.is_allowed()) {
            (false, true) => (Direction::Gained, h, 0),
            (true, false) => (Direction::Lost, b, 1),
            _ => continue,
        };
        if found.get(slot).copied().unwrap_or(true) {
            continue;
        }
        if let Some(f) = found.get_mut(slot) {
            *f = true;
        }
        out.push(Change {
            direction,
            principal: p.label.clone(),
            principal_arn: p.principal.as_str().to_string(),
            action: action.clone(),
            resource: r.arn.clone(),
            pattern: r.pattern.clone(),
            context: ctx,
            statements: allowing.deciding,
        });
        if found == [true, true] {
            break;
        }
    }
}

/// Ask every item, across `threads` threads (the engines are `Sync`); changes in item order.
pub(crate) fn ask_all(
    space: &RequestSpace,
    base: &Side<'_>,
    head: &Side<'_>,
    items: &[Item],
    threads: usize,
) -> Vec<Change> {
    let threads = threads.clamp(1, 64).min(items.len() / 512 + 1);
    if threads <= 1 {
        let mut out = Vec::new();
        for item in items {
            ask_item(space, base, head, *item, &mut out);
        }
        return out;
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk.max(1))
            .map(|part| {
                s.spawn(move || {
                    let mut out = Vec::new();
                    for item in part {
                        ask_item(space, base, head, *item, &mut out);
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}
