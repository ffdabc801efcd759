//! Asking both sides: the contexts a request is tried under (from the conditions that could
//! apply to it), and the parallel evaluation that turns differing decisions into changes.

use indexmap::IndexMap;

use crate::engine::{Evaluation, StatementId};
use crate::inventory::NamedPolicy;
use crate::request::{Context, Principal, Request};

use super::plan::Item;
use super::side::{org_policies, Side};
use super::space::RequestSpace;
use crate::condition::Condition;
use crate::policy::Effect;
use crate::prove::keys::{dimension, Dimension, KeyValue};
use crate::prove::matching::{action_matches, resource_may_match};
use crate::prove::Limits;

/// The most contexts one request is tried under; past it, each key is varied alone around a
/// base context, and the diff reports the gap (docs/diff.md).
pub const MAX_CONTEXTS: usize = 4_096;

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
    /// The resource asked about (an ARN of either side, the representative of a class, or `*`)
    pub resource: String,
    /// The pattern whose class the resource represents, when it was not written as such
    pub pattern: Option<String>,
    /// The context keys under which the decisions differ (empty when none were needed)
    pub context: IndexMap<String, String>,
    /// The statements that allow it, on the side that allows (head if gained, base if lost)
    pub statements: Vec<StatementId>,
}

/// One context a request is tried under: each key the conditions read, with its value (keys
/// tried absent are left out).
pub(crate) type Ctx = Vec<(String, KeyValue)>;

/// The contexts to try a request under: the product of the classes of every condition key of
/// every statement that could apply to it on either side (docs/prove.md), each key absent too.
/// Past [`MAX_CONTEXTS`] combinations (a gap), every key at its first value and each key
/// varied alone.
pub(crate) fn contexts(
    sides: [&Side<'_>; 2],
    principal: &Principal,
    action: &str,
    resource: &str,
    gaps: &mut Vec<String>,
) -> Vec<Ctx> {
    let readers = condition_readers(sides, principal, action, resource);
    let base = Request::new(principal.clone(), action, resource);
    let fixed = sides[0].engine.derived_keys(&base);
    let refused = |k: &str| {
        (!crate::engine::is_derived_key(k))
            .then(|| format!("a policy variable reads the request's `{k}` in a condition value"))
    };
    let limits = Limits::default();
    // The engine tells a request through one of the inventory's endpoints (its policy applies)
    // from one through any other: `aws:SourceVpce` is split at their ids too, as `prove`
    // splits it (docs/prove.md). Endpoints that differ between the sides are a gap (mod.rs).
    let endpoint_ids: Vec<String> = sides
        .iter()
        .flat_map(|s| s.inv.endpoints.iter().map(|e| e.id.clone()))
        .collect();
    let mut dims: Vec<Dimension> = Vec::new();
    for (key, conds) in readers.values() {
        let literals = if key.eq_ignore_ascii_case("aws:SourceVpce") {
            &endpoint_ids[..]
        } else {
            &[]
        };
        match dimension(key, conds, literals, action, &fixed, &refused, &limits) {
            Ok(d) => dims.push(d),
            Err(why) => {
                gaps.push(format!("{action} on {resource}: {why}"));
                return vec![Vec::new()];
            }
        }
    }
    let total = dims
        .iter()
        .try_fold(1usize, |acc, d| acc.checked_mul(d.values.len()))
        .unwrap_or(usize::MAX);
    let mut out: Vec<Ctx> = vec![Vec::new()];
    if total <= MAX_CONTEXTS {
        for d in &dims {
            let mut next = Vec::with_capacity(out.len() * d.values.len());
            for ctx in &out {
                for v in &d.values {
                    let mut c = ctx.clone();
                    if *v != KeyValue::Absent {
                        c.push((d.key.clone(), v.clone()));
                    }
                    next.push(c);
                }
            }
            out = next;
        }
        return out;
    }
    gaps.push(format!(
        "{action} on {resource}: {total} combinations of context values; each key was varied alone (limit {MAX_CONTEXTS})"
    ));
    let first: Ctx = dims
        .iter()
        .filter_map(|d| Some((d.key.clone(), d.values.get(1)?.clone())))
        .collect();
    out.push(first.clone());
    for d in &dims {
        for v in &d.values {
            let mut c: Ctx = first.iter().filter(|(k, _)| *k != d.key).cloned().collect();
            if *v != KeyValue::Absent {
                c.push((d.key.clone(), v.clone()));
            }
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    out
}

/// By lowercased key: the key as written and the conditions reading it, with their statement's
/// effect.
type Readers<'s> = IndexMap<String, (String, Vec<(&'s Condition, Effect)>)>;

/// The conditions (with their statement's effect) of every statement that could apply to the
/// request on either side, by lowercased key; keys the engine derives are left out.
fn condition_readers<'s>(
    sides: [&Side<'s>; 2],
    principal: &Principal,
    action: &str,
    resource: &str,
) -> Readers<'s> {
    let lower_action = action.to_ascii_lowercase();
    let mut keys: Readers<'s> = IndexMap::new();
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
                    if !entry
                        .1
                        .iter()
                        .any(|(x, e)| std::ptr::eq(*x, c) && *e == st.effect)
                    {
                        entry.1.push((c, st.effect));
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
    ctx: &Ctx,
) -> Evaluation {
    let mut req = Request::new(principal.clone(), action, resource);
    let mut c = Context::new();
    for (k, v) in ctx {
        match v {
            KeyValue::One(v) => c.insert(k, v.clone()),
            KeyValue::Many(list) => c.insert_list(k, list.iter().cloned()),
            KeyValue::Absent => {}
        }
    }
    req.context = c;
    side.engine.evaluate(&req)
}

/// A context for people: each key with its value (`[a, b]` for a list).
fn shown(ctx: &Ctx) -> IndexMap<String, String> {
    ctx.iter()
        .map(|(k, v)| {
            let v = match v {
                KeyValue::One(v) => v.clone(),
                KeyValue::Many(list) => format!("[{}]", list.join(", ")),
                KeyValue::Absent => String::new(),
            };
            (k.clone(), v)
        })
        .collect()
}

/// Ask both sides one request (an action class's representative) under each of its contexts;
/// at most one change per direction, for every action of the class.
fn ask_item(
    space: &RequestSpace,
    base: &Side<'_>,
    head: &Side<'_>,
    item: Item,
    out: &mut Vec<Change>,
    gaps: &mut Vec<String>,
) {
    let (Some(p), Some(action), Some(r)) = (
        space.principals.get(item.principal as usize),
        space.actions.get(item.action as usize),
        space.resources.get(item.resource as usize),
    ) else {
        return;
    };
    let mut found = [false, false];
    for ctx in contexts([base, head], &p.principal, action, &r.arn, gaps) {
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
        let context = shown(&ctx);
        for m in space.members(item.action) {
            let Some(member) = space.actions.get(m as usize) else {
                continue;
            };
            out.push(Change {
                direction,
                principal: p.label.clone(),
                principal_arn: p.principal.as_str().to_string(),
                action: member.clone(),
                resource: r.arn.clone(),
                pattern: r.pattern.clone(),
                context: context.clone(),
                statements: allowing.deciding.clone(),
            });
        }
        if found == [true, true] {
            break;
        }
    }
}

/// Ask every item, across `threads` threads (the engines are `Sync`); changes in item order,
/// and the gaps met.
pub(crate) fn ask_all(
    space: &RequestSpace,
    base: &Side<'_>,
    head: &Side<'_>,
    items: &[Item],
    threads: usize,
) -> (Vec<Change>, Vec<String>) {
    let threads = threads.clamp(1, 64).min(items.len() / 512 + 1);
    if threads <= 1 {
        let (mut out, mut gaps) = (Vec::new(), Vec::new());
        for item in items {
            ask_item(space, base, head, *item, &mut out, &mut gaps);
        }
        return (out, gaps);
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk.max(1))
            .map(|part| {
                s.spawn(move || {
                    let (mut out, mut gaps) = (Vec::new(), Vec::new());
                    for item in part {
                        ask_item(space, base, head, *item, &mut out, &mut gaps);
                    }
                    (out, gaps)
                })
            })
            .collect();
        let (mut out, mut gaps) = (Vec::new(), Vec::new());
        for h in handles {
            let (o, g) = h.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
            out.extend(o);
            gaps.extend(g);
        }
        (out, gaps)
    })
}
