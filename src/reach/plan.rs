//! What is the same for every attacker: the order techniques are tried in, which runs-as
//! resources each applies to, the existing resources each template matches, the roles each
//! passed-role technique could pass, and an id per distinct request; and the edge type.

use std::collections::{BTreeSet, HashMap};

use super::index::Index;
use super::names::shape;
use super::technique::{techniques, ResourceRef, TargetKind, Technique, TechniqueRequest};
use crate::catalog::{Catalog, ResourceCheck};

/// What an edge went through besides its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Via {
    /// Nothing
    Nothing,
    /// A resource that runs as the target (index in `inventory.resources`)
    RunsAs(usize),
    /// A managed policy (index in `inventory.managed_policies`)
    Policy(usize),
    /// A group the attacker is in, or (for a join) the group it joins (index in
    /// `inventory.groups`)
    Group(usize),
}

/// One step an attacker can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    /// The attacker node
    pub from: usize,
    /// The node gained
    pub to: usize,
    /// Index in the technique catalog
    pub technique: usize,
    /// What it went through
    pub via: Via,
    /// Whether the attacker wrote the target's permissions (so holds it as admin)
    pub admin: bool,
}

/// What is the same for every attacker: techniques in the order they are tried, the runs-as
/// resources each applies to, the existing resources each template matches, and an id per
/// distinct request (so two techniques asking the same thing ask the engine once).
#[derive(Debug)]
pub(super) struct Plan {
    pub order: Vec<usize>,
    pub runs_as: Vec<Vec<usize>>,
    pub existing: HashMap<String, Vec<String>>,
    pub classes: Vec<Vec<usize>>,
    /// Per request class: whether it depends on the edge's target
    pub depends: Vec<bool>,
    /// Per technique: the role nodes a passed-role technique could pass (their trust names
    /// its service or everyone)
    pub passable: Vec<Vec<usize>>,
}

impl Plan {
    /// The plan for `ix`.
    pub fn new(ix: &Index<'_>) -> Self {
        let all = techniques();
        let mut order: Vec<usize> = (0..all.len())
            .filter(|i| all.get(*i).is_some_and(|t| t.not_modelled.is_none()))
            .collect();
        // Admin techniques first (an admin edge outranks a plain one), then the fewest requests.
        order.sort_by_key(|i| all.get(*i).map(|t| (!t.admin, t.requests.len())));
        // Whether a technique applies depends on the resource's type, which the ARN's service
        // and the start of its resource part tell (`runtime/`, `function:`): asked once per type.
        let mut by_type: HashMap<(usize, String), bool> = HashMap::new();
        let runs_as = all
            .iter()
            .enumerate()
            .map(|(ti, t)| {
                if t.target != TargetKind::RunsAsRole {
                    return Vec::new();
                }
                (0..ix.runs_as.len())
                    .filter(|k| {
                        let arn = ix
                            .runs_as
                            .get(*k)
                            .and_then(|(r, _)| ix.inv.resources.get(*r))
                            .map_or("", |r| r.arn.as_str());
                        *by_type
                            .entry((ti, resource_type_key(arn)))
                            .or_insert_with(|| applies(t, arn))
                    })
                    .collect()
            })
            .collect();
        let mut existing = HashMap::new();
        // A request passing a role is also told apart by the resource it associates the role
        // with (`iam:AssociatedResourceArn`), which its technique decides.
        let mut seen: Vec<(&TechniqueRequest, Option<&str>)> = Vec::new();
        let mut classes = Vec::with_capacity(all.len());
        let mut depends = Vec::new();
        for t in all {
            let mut ids = Vec::with_capacity(t.requests.len());
            for r in &t.requests {
                if let ResourceRef::Existing(tmpl) = &r.resource {
                    existing.entry(tmpl.clone()).or_insert_with(|| {
                        let s = shape(tmpl, "*", "*", "*");
                        ix.inv
                            .resources
                            .iter()
                            .filter(|x| s.as_ref().is_some_and(|s| s.is_match(&x.arn)))
                            .map(|x| x.arn.clone())
                            .collect()
                    });
                }
                let associated = t
                    .associated_template()
                    .filter(|_| Technique::passes_role(r));
                let id = seen
                    .iter()
                    .position(|s| *s == (r, associated))
                    .unwrap_or_else(|| {
                        seen.push((r, associated));
                        depends.push(depends_on_target(r));
                        seen.len() - 1
                    });
                ids.push(id);
            }
            classes.push(ids);
        }
        let passable = all
            .iter()
            .map(|t| {
                let service = t.service.as_deref().unwrap_or("");
                let by = ix.trust.by_service.get(service).into_iter().flatten();
                let roles: BTreeSet<usize> = by.chain(&ix.trust.anyone).copied().collect();
                roles
                    .into_iter()
                    .filter_map(|r| ix.role_node.get(r).copied())
                    .collect()
            })
            .collect();
        Plan {
            order,
            runs_as,
            existing,
            classes,
            depends,
            passable,
        }
    }
}

/// Whether technique `t`'s runs-as requests can be made on the resource `arn`: each takes a
/// resource type of which `arn` is an instance (Service Authorization Reference).
fn applies(t: &Technique, arn: &str) -> bool {
    t.target == TargetKind::RunsAsRole && requests_take(t, ResourceRef::RunsAsResource, arn)
}

/// Whether every request of `t` made on `at` has an action taking `arn`: a resource type of
/// that action has `arn` as an instance (Service Authorization Reference, through the embedded
/// catalog).
pub(super) fn requests_take(t: &Technique, at: ResourceRef, arn: &str) -> bool {
    let catalog = Catalog::embedded();
    t.requests.iter().filter(|r| r.resource == at).all(|r| {
        r.actions
            .iter()
            .any(|a| matches!(catalog.check_resource(a, arn), ResourceCheck::Matches(_)))
    })
}

/// An ARN up to the end of its resource type: `arn:aws:lambda:r:a:function:` of a function.
fn resource_type_key(arn: &str) -> String {
    let head = arn.splitn(6, ':').take(5).collect::<Vec<_>>().join(":");
    let rest = arn.get(head.len() + 1..).unwrap_or("");
    let kind = rest
        .find(['/', ':'])
        .and_then(|i| rest.get(..=i))
        .unwrap_or(rest);
    format!("{head}:{kind}")
}

/// Does request `r` depend on the edge's target (or only on the attacker)?
pub(super) fn depends_on_target(r: &TechniqueRequest) -> bool {
    let resource = matches!(
        r.resource,
        ResourceRef::TargetRole
            | ResourceRef::TargetUser
            | ResourceRef::TargetGroup
            | ResourceRef::TargetPolicy
            | ResourceRef::RunsAsResource
    );
    resource || r.context.iter().any(|(_, v)| v.contains("${Target"))
}

/// Whether technique `t` rewrites the target's trust policy before assuming it.
pub(super) fn rewrites_trust(t: &Technique) -> bool {
    t.requests.iter().any(|r| {
        r.actions
            .iter()
            .any(|a| a.eq_ignore_ascii_case("iam:UpdateAssumeRolePolicy"))
    })
}

/// The index of the customer-managed policy `arn` in the inventory.
pub(super) fn customer_policy(ix: &Index<'_>, arn: &str) -> Option<usize> {
    if arn.contains(":iam::aws:policy/") {
        return None;
    }
    ix.inv.managed_policies.iter().position(|m| m.arn == arn)
}
