//! Which requests of the space to ask: for each principal, the (action, resource) pairs some
//! Allow statement on either side could grant (identity-based, or resource-based naming the
//! principal), kept only where the catalog accepts the pair, and only where something that
//! decides the request differs between the sides.

use std::collections::{HashMap, HashSet};

use crate::policy::{Effect, Statement};
use crate::request::{IamKind, Principal};

use super::planner::{Filter, Planner};
use super::side::Side;
use super::space::RequestSpace;
use crate::prove::matching::{action_matches, principal_may_match, resource_may_match};

/// A request to ask both sides: indices into the space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Item {
    pub principal: u32,
    pub action: u32,
    pub resource: u32,
}

/// A resource-based policy of one side with the resources of the space it governs.
struct Governed<'a> {
    resources: Vec<u32>,
    statements: Vec<&'a Statement>,
    trust: bool,
}

/// The resource-based policies of `side`, each with the resources of the space it governs.
fn governed<'a>(side: &Side<'a>, space: &RequestSpace) -> Vec<Governed<'a>> {
    let mut by_arn: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<Governed<'a>> = Vec::new();
    for (i, r) in space.resources.iter().enumerate() {
        let g = side.governor(&r.arn);
        let (Some(arn), Some(policy)) = (g.arn(), g.policy()) else {
            continue;
        };
        let slot = *by_arn.entry(arn.to_string()).or_insert_with(|| {
            out.push(Governed {
                resources: Vec::new(),
                statements: policy
                    .document
                    .statements
                    .iter()
                    .filter(|s| s.effect == Effect::Allow)
                    .map(|s| &**s)
                    .collect(),
                trust: g.is_trust(),
            });
            out.len() - 1
        });
        if let (Some(entry), Ok(i)) = (out.get_mut(slot), u32::try_from(i)) {
            entry.resources.push(i);
        }
    }
    out
}

/// How the organization differs between the sides.
pub(super) enum OrgChange<'a> {
    /// Not at all
    Same,
    /// Same accounts, levels and policies; these statements differ (base version, head version)
    Statements(Vec<(&'a Statement, &'a Statement)>),
    /// Accounts, levels or policies differ: every request may be affected
    Structure,
}

/// How the organizations of the two sides differ.
pub(super) fn org_change<'a>(
    b: Option<&'a crate::inventory::Organization>,
    h: Option<&'a crate::inventory::Organization>,
) -> OrgChange<'a> {
    let (b, h) = match (b, h) {
        (None, None) => return OrgChange::Same,
        (Some(b), Some(h)) if b == h => return OrgChange::Same,
        (Some(b), Some(h)) if b.management_account == h.management_account => (b, h),
        _ => return OrgChange::Structure,
    };
    let mut changed: Vec<(&Statement, &Statement)> = Vec::new();
    for (bm, hm) in [
        (&b.scp_levels, &h.scp_levels),
        (&b.rcp_levels, &h.rcp_levels),
    ] {
        if bm.len() != hm.len() {
            return OrgChange::Structure;
        }
        for ((ba, bl), (ha, hl)) in bm.iter().zip(hm) {
            if ba != ha || bl.len() != hl.len() {
                return OrgChange::Structure;
            }
            for (bp, hp) in bl.iter().flatten().zip(hl.iter().flatten()) {
                let (bs, hs) = (&bp.document.statements, &hp.document.statements);
                if bp.name != hp.name || bs.len() != hs.len() {
                    return OrgChange::Structure;
                }
                for (x, y) in bs.iter().zip(hs) {
                    if x != y {
                        changed.push((x, y));
                    }
                }
            }
            if bl.iter().map(Vec::len).ne(hl.iter().map(Vec::len)) {
                return OrgChange::Structure;
            }
        }
    }
    OrgChange::Statements(changed)
}

/// Do two versions of a statement differ only in their `Action`/`NotAction` (or `Sid`)? Then
/// a request whose action both or neither matches is decided alike by both versions.
pub(super) fn only_actions_differ(x: &Statement, y: &Statement) -> bool {
    x.effect == y.effect
        && x.principal == y.principal
        && x.resource == y.resource
        && x.conditions == y.conditions
}

/// The requests to ask. With `full`, every candidate; otherwise only those where the principal,
/// the resource's governing policy or the organization differ (the others cannot differ).
pub(crate) fn plan(
    planner: &mut Planner<'_>,
    base: &Side<'_>,
    head: &Side<'_>,
    full: bool,
) -> Vec<Item> {
    let space = planner.space;
    // INVARIANT: a request none of whose deciding parts differ (principal, the resource's
    // governing policy, organization statements that could apply to it) decides the same on
    // both sides, so it is left out unless `full`.
    let org = org_change(base.organization(), head.organization());
    let changed: HashSet<u32> = space
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| base.governor(&r.arn) != head.governor(&r.arn))
        .filter_map(|(i, _)| u32::try_from(i).ok())
        .collect();
    let sides = [(base, governed(base, space)), (head, governed(head, space))];
    // The actions whose requests a changed organization statement could decide differently.
    let org_actions: HashSet<u32> = match &org {
        OrgChange::Statements(list) => list
            .iter()
            .flat_map(|(x, y)| {
                let (a, b): (HashSet<u32>, HashSet<u32>) = (
                    planner.actions_of(&x.action).into_iter().collect(),
                    planner.actions_of(&y.action).into_iter().collect(),
                );
                if only_actions_differ(x, y) {
                    a.symmetric_difference(&b).copied().collect::<Vec<u32>>()
                } else {
                    a.union(&b).copied().collect()
                }
            })
            .collect(),
        _ => HashSet::new(),
    };
    let mut items = Vec::new();
    for (pi, sp) in space.principals.iter().enumerate() {
        let arn = match &sp.principal {
            Principal::Iam(ip) if !matches!(ip.kind, IamKind::Root) => Some(ip.arn.as_str()),
            _ => None,
        };
        let p_changed = arn.is_some_and(|a| base.principal_view(a) != head.principal_view(a));
        let everything = full || p_changed || matches!(org, OrgChange::Structure);
        let mut pairs: HashSet<(u32, u32)> = HashSet::new();
        for filter in passes(everything, &changed, &org_actions) {
            let mut found: HashSet<(u32, u32)> = HashSet::new();
            for (side, gov) in &sides {
                side_pairs(planner, side, gov, arn, &sp.principal, filter, &mut found);
            }
            if filter.actions.is_some() {
                found.retain(|(a, r)| org_affects(&org, planner, *a, *r));
            }
            pairs.extend(found);
        }
        let Ok(pi) = u32::try_from(pi) else { continue };
        items.extend(pairs.into_iter().map(|(a, r)| Item {
            principal: pi,
            action: a,
            resource: r,
        }));
    }
    items.sort_unstable();
    items
}

/// The candidate passes for one principal: everything, or the changed resources and the
/// actions of changed organization statements.
fn passes<'f>(
    everything: bool,
    changed: &'f HashSet<u32>,
    org_actions: &'f HashSet<u32>,
) -> Vec<Filter<'f>> {
    let mut passes: Vec<Filter<'_>> = Vec::new();
    if everything {
        passes.push(Filter::default());
    } else {
        if !changed.is_empty() {
            passes.push(Filter {
                resources: Some(changed),
                actions: None,
            });
        }
        if !org_actions.is_empty() {
            passes.push(Filter {
                resources: None,
                actions: Some(org_actions),
            });
        }
    }
    passes
}

/// Could the changed organization statements apply to the pair (action `a`, resource `r`)?
fn org_affects(org: &OrgChange<'_>, pl: &Planner<'_>, a: u32, r: u32) -> bool {
    match org {
        OrgChange::Same => false,
        OrgChange::Structure => true,
        OrgChange::Statements(list) => {
            let (Some(action), Some(res)) =
                (pl.lower.get(a as usize), pl.space.resources.get(r as usize))
            else {
                return true;
            };
            let applies = |st: &Statement| {
                action_matches(&st.action, action)
                    && resource_may_match(st.resource.as_ref(), &res.arn)
            };
            list.iter().any(|(x, y)| {
                if only_actions_differ(x, y) {
                    applies(x) != applies(y)
                } else {
                    applies(x) || applies(y)
                }
            })
        }
    }
}

/// The pairs one side's Allow statements could grant the principal (`arn`, when it has
/// identity policies): its identity policies, and the resource-based policies naming it.
fn side_pairs(
    planner: &mut Planner<'_>,
    side: &Side<'_>,
    gov: &[Governed<'_>],
    arn: Option<&str>,
    principal: &Principal,
    filter: Filter<'_>,
    found: &mut HashSet<(u32, u32)>,
) {
    if let Some(arn) = arn {
        let (identity, _) = side.principal_policies(arn);
        for p in identity {
            for st in p
                .document
                .statements
                .iter()
                .filter(|s| s.effect == Effect::Allow)
            {
                planner.statement_pairs(st, None, filter, false, found);
            }
        }
    }
    for g in gov {
        for st in &g.statements {
            if principal_may_match(st, principal) {
                planner.statement_pairs(st, Some(&g.resources), filter, g.trust, found);
            }
        }
    }
}
