//! Which requests of the space to ask: for each principal, the (action, resource) pairs some
//! Allow statement on either side could grant (identity-based, or resource-based naming the
//! principal), kept only where the catalog accepts the pair, and only where something that
//! decides the request differs between the sides.

use std::collections::{HashMap, HashSet};

use crate::catalog::Catalog;
use crate::policy::{
    ActionClause, Effect, PrincipalClause, PrincipalEntry, ResourceClause, ResourceMatcher,
    Statement,
};
use crate::request::{IamKind, Principal};

use super::side::Side;
use super::space::{action_arn_services, by_service, RequestSpace};

/// A request to ask both sides: indices into the space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Item {
    pub principal: u32,
    pub action: u32,
    pub resource: u32,
}

/// Does the resource clause possibly match `r`? Patterns with policy variables may match
/// anything (their value is per request), so they count as matching `Resource` and as not
/// matching `NotResource`: the planner over-approximates, the engine decides.
pub(crate) fn resource_may_match(clause: Option<&ResourceClause>, r: &str) -> bool {
    let hit = |m: &ResourceMatcher, definite: bool| match m {
        ResourceMatcher::Fixed(w) => w.is_match(r),
        ResourceMatcher::Template(_) => !definite,
    };
    match clause {
        None => true,
        Some(ResourceClause::Resource(list)) => list.iter().any(|p| hit(&p.matcher, false)),
        Some(ResourceClause::NotResource(list)) => !list.iter().any(|p| hit(&p.matcher, true)),
    }
}

/// Does the action clause match the lowercased action?
pub(crate) fn action_matches(clause: &ActionClause, lower: &str) -> bool {
    match clause {
        ActionClause::Action(list) => list.iter().any(|p| p.matcher.is_match(lower)),
        ActionClause::NotAction(list) => !list.iter().any(|p| p.matcher.is_match(lower)),
    }
}

/// Could the statement's `Principal` name `p`? Over-approximates (`NotPrincipal`, wildcards).
fn principal_may_match(st: &Statement, p: &Principal) -> bool {
    let ps = match &st.principal {
        None | Some(PrincipalClause::NotPrincipal(_)) => return true,
        Some(PrincipalClause::Principal(ps)) => ps,
    };
    if ps.any {
        return true;
    }
    ps.entries.iter().any(|e| match (e, p) {
        (PrincipalEntry::AnyAws, Principal::Iam(_)) => true,
        (PrincipalEntry::Account { account, .. }, Principal::Iam(ip)) => ip.account == *account,
        (PrincipalEntry::Arn(a), Principal::Iam(ip)) => {
            a.contains(['*', '?'])
                || *a == ip.arn
                || matches!(&ip.kind, IamKind::Role { role_arn, .. } if role_arn == a)
        }
        (PrincipalEntry::Service(s), Principal::Service(t)) => s.eq_ignore_ascii_case(t),
        _ => false,
    })
}

/// Caches shared by the planner and the summary: action expansion and catalog validity.
#[derive(Debug)]
pub(crate) struct Planner<'s> {
    pub space: &'s RequestSpace,
    lower: Vec<String>,
    by_service: HashMap<String, Vec<u32>>,
    valid: HashMap<(u32, u32), bool>,
    /// Action -> its class: actions of one service taking the same resource types get the
    /// same catalog answer for every resource, so validity is cached per class
    class: HashMap<u32, u32>,
    classes: HashMap<String, u32>,
    action_resources: HashMap<u32, Vec<u32>>,
    clause_actions: HashMap<String, Vec<u32>>,
}

impl<'s> Planner<'s> {
    pub(crate) fn new(space: &'s RequestSpace) -> Self {
        Self {
            space,
            lower: space
                .actions
                .iter()
                .map(|a| a.to_ascii_lowercase())
                .collect(),
            by_service: by_service(space),
            valid: HashMap::new(),
            class: HashMap::new(),
            classes: HashMap::new(),
            action_resources: HashMap::new(),
            clause_actions: HashMap::new(),
        }
    }

    /// The class of an action: its service and the resource types it takes, in order
    /// ([`Catalog::check_resource`] depends on nothing else).
    fn class_of(&mut self, action: u32) -> u32 {
        if let Some(c) = self.class.get(&action) {
            return *c;
        }
        let name = self
            .space
            .actions
            .get(action as usize)
            .map_or("", String::as_str);
        let key = match Catalog::embedded().action(name) {
            Some(info) => {
                let mut key = format!("{}:", info.service());
                for t in info.resource_types() {
                    key.push_str(t.resource_type().name());
                    key.push(' ');
                }
                key
            }
            // Unknown actions are never valid; give each its own class.
            None => format!("?{name}"),
        };
        let next = u32::try_from(self.classes.len()).unwrap_or(u32::MAX);
        let class = *self.classes.entry(key).or_insert(next);
        self.class.insert(action, class);
        class
    }

    /// Does the catalog accept `resource` for `action` (cached per action class)?
    pub(crate) fn valid(&mut self, action: u32, resource: u32) -> bool {
        let class = self.class_of(action);
        if let Some(v) = self.valid.get(&(class, resource)) {
            return *v;
        }
        let v = match (
            self.space.actions.get(action as usize),
            self.space.resources.get(resource as usize),
        ) {
            (Some(a), Some(r)) => Catalog::embedded().check_resource(a, &r.arn).is_valid(),
            _ => false,
        };
        self.valid.insert((class, resource), v);
        v
    }

    /// Every resource of the space the catalog accepts for `action` (cached).
    fn resources_for(&mut self, action: u32) -> Vec<u32> {
        if let Some(v) = self.action_resources.get(&action) {
            return v.clone();
        }
        let name = self
            .space
            .actions
            .get(action as usize)
            .cloned()
            .unwrap_or_default();
        let mut pool: Vec<u32> = self.by_service.get("").cloned().unwrap_or_default();
        for s in action_arn_services(&name) {
            pool.extend(self.by_service.get(&s).into_iter().flatten());
        }
        let list: Vec<u32> = pool
            .into_iter()
            .filter(|r| self.valid(action, *r))
            .collect();
        self.action_resources.insert(action, list.clone());
        list
    }

    /// The actions of the space an action clause matches (cached by the clause's text).
    pub(crate) fn actions_of(&mut self, clause: &ActionClause) -> Vec<u32> {
        let (not, list) = match clause {
            ActionClause::Action(l) => (false, l),
            ActionClause::NotAction(l) => (true, l),
        };
        let key = format!(
            "{not}{}",
            list.iter()
                .map(|p| p.raw.to_ascii_lowercase())
                .collect::<Vec<_>>()
                .join("\u{0}")
        );
        if let Some(v) = self.clause_actions.get(&key) {
            return v.clone();
        }
        let v: Vec<u32> = self
            .lower
            .iter()
            .enumerate()
            .filter(|(_, a)| action_matches(clause, a))
            .filter_map(|(i, _)| u32::try_from(i).ok())
            .collect();
        self.clause_actions.insert(key, v.clone());
        v
    }

    /// Add the valid pairs an Allow statement could grant. `governed`: the resources its
    /// resource-based policy governs (None for identity policies); `filter`: only these
    /// resources (the changed ones); `sts_only`: a trust policy, consulted for `sts:` only.
    fn statement_pairs(
        &mut self,
        st: &Statement,
        governed: Option<&[u32]>,
        filter: Filter<'_>,
        sts_only: bool,
        out: &mut HashSet<(u32, u32)>,
    ) {
        let Filter {
            resources: filter,
            actions: only,
        } = filter;
        let mut actions = self.actions_of(&st.action);
        if let Some(only) = only {
            actions.retain(|a| only.contains(a));
        }
        if sts_only {
            actions.retain(|a| {
                self.lower
                    .get(*a as usize)
                    .is_some_and(|n| n.starts_with("sts:"))
            });
        }
        if actions.is_empty() {
            return;
        }
        let arn = |s: &Self, r: u32| s.space.resources.get(r as usize).map(|x| x.arn.clone());
        let resources: Option<Vec<u32>> = match (governed, filter, &st.resource) {
            (Some(g), f, _) => Some(
                g.iter()
                    .copied()
                    .filter(|r| f.is_none_or(|f| f.contains(r)))
                    .collect(),
            ),
            (None, Some(f), _) => Some(f.iter().copied().collect()),
            (None, None, Some(ResourceClause::Resource(list)))
                if list.iter().all(|p| !p.raw.starts_with(['*', '?', '$'])) =>
            {
                let mut rs = Vec::new();
                for p in list {
                    let prefix = p.raw.split(['*', '?', '$']).next().unwrap_or("");
                    rs.extend(
                        self.space
                            .with_prefix(prefix)
                            .filter_map(|i| u32::try_from(i).ok()),
                    );
                }
                Some(rs)
            }
            _ => None,
        };
        match resources {
            Some(rs) => {
                for r in rs {
                    let Some(text) = arn(self, r) else { continue };
                    if !resource_may_match(st.resource.as_ref(), &text) {
                        continue;
                    }
                    for a in &actions {
                        if self.valid(*a, r) {
                            out.insert((*a, r));
                        }
                    }
                }
            }
            None => {
                for a in actions {
                    for r in self.resources_for(a) {
                        let Some(text) = arn(self, r) else { continue };
                        if resource_may_match(st.resource.as_ref(), &text) {
                            out.insert((a, r));
                        }
                    }
                }
            }
        }
    }
}

/// Which candidates to enumerate: only these resources, only these actions (None: all).
#[derive(Debug, Clone, Copy, Default)]
struct Filter<'f> {
    resources: Option<&'f HashSet<u32>>,
    actions: Option<&'f HashSet<u32>>,
}

/// A resource-based policy of one side with the resources of the space it governs.
struct Governed<'a> {
    resources: Vec<u32>,
    statements: Vec<&'a Statement>,
    trust: bool,
}

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
enum OrgChange<'a> {
    /// Not at all
    Same,
    /// Same accounts, levels and policies; these statements (both versions) differ
    Statements(Vec<&'a Statement>),
    /// Accounts, levels or policies differ: every request may be affected
    Structure,
}

fn org_change<'a>(
    b: Option<&'a crate::inventory::Organization>,
    h: Option<&'a crate::inventory::Organization>,
) -> OrgChange<'a> {
    let (b, h) = match (b, h) {
        (None, None) => return OrgChange::Same,
        (Some(b), Some(h)) if b == h => return OrgChange::Same,
        (Some(b), Some(h)) if b.management_account == h.management_account => (b, h),
        _ => return OrgChange::Structure,
    };
    let mut changed: Vec<&Statement> = Vec::new();
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
                        changed.push(x);
                        changed.push(y);
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
    let org_affects = |pl: &Planner<'_>, a: u32, r: u32| match &org {
        OrgChange::Same => false,
        OrgChange::Structure => true,
        OrgChange::Statements(list) => {
            let (Some(action), Some(res)) =
                (pl.lower.get(a as usize), pl.space.resources.get(r as usize))
            else {
                return true;
            };
            list.iter().any(|st| {
                action_matches(&st.action, action)
                    && resource_may_match(st.resource.as_ref(), &res.arn)
            })
        }
    };
    let changed: HashSet<u32> = space
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| base.governor(&r.arn) != head.governor(&r.arn))
        .filter_map(|(i, _)| u32::try_from(i).ok())
        .collect();
    let sides = [(base, governed(base, space)), (head, governed(head, space))];
    // The actions a changed organization statement could apply to.
    let org_actions: HashSet<u32> = match &org {
        OrgChange::Statements(list) => list
            .iter()
            .flat_map(|st| planner.actions_of(&st.action))
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
        let mut passes: Vec<Filter<'_>> = Vec::new();
        if everything {
            passes.push(Filter::default());
        } else {
            if !changed.is_empty() {
                passes.push(Filter {
                    resources: Some(&changed),
                    actions: None,
                });
            }
            if !org_actions.is_empty() {
                passes.push(Filter {
                    resources: None,
                    actions: Some(&org_actions),
                });
            }
        }
        let mut pairs: HashSet<(u32, u32)> = HashSet::new();
        for filter in passes {
            let mut found: HashSet<(u32, u32)> = HashSet::new();
            for (side, gov) in &sides {
                if let Some(arn) = arn {
                    let (identity, _) = side.principal_policies(arn);
                    for p in identity {
                        for st in p
                            .document
                            .statements
                            .iter()
                            .filter(|s| s.effect == Effect::Allow)
                        {
                            planner.statement_pairs(st, None, filter, false, &mut found);
                        }
                    }
                }
                for g in gov {
                    for st in &g.statements {
                        if principal_may_match(st, &sp.principal) {
                            planner.statement_pairs(
                                st,
                                Some(&g.resources),
                                filter,
                                g.trust,
                                &mut found,
                            );
                        }
                    }
                }
            }
            if filter.actions.is_some() {
                found.retain(|(a, r)| org_affects(planner, *a, *r));
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
