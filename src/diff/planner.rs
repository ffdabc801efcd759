//! The planner's caches: each action's catalog class and valid resources, the actions each
//! action clause matches, and the (action, resource) pairs one statement could grant.

use std::collections::{HashMap, HashSet};

use super::action_classes::action_arn_services;
use super::space::{by_service, RequestSpace};
use crate::catalog::Catalog;
use crate::policy::{ActionClause, ResourceClause, Statement};
use crate::prove::matching::{action_matches, resource_may_match};

/// Caches shared by the planner and the summary: action expansion and catalog validity.
#[derive(Debug)]
pub(crate) struct Planner<'s> {
    pub space: &'s RequestSpace,
    pub(super) lower: Vec<String>,
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
    /// A planner over `space`, its caches empty.
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
    pub(super) fn statement_pairs(
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
        // One action per class: the others decide alike (their changes are the class's).
        actions.retain(|a| self.space.is_rep(*a));
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
pub(super) struct Filter<'f> {
    pub(super) resources: Option<&'f HashSet<u32>>,
    pub(super) actions: Option<&'f HashSet<u32>>,
}
