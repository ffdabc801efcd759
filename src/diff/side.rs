//! One side of a diff (base or head): the inventory, its compiled engine, and the lookups the
//! request space needs: a principal's policies, the policy that governs a resource, and
//! comparable views that tell whether a principal or resource changed between the sides.

use std::collections::BTreeSet;
use std::collections::HashMap;

use indexmap::IndexMap;

use crate::engine::{CompileError, Engine};
use crate::inventory::{Group, Inventory, NamedPolicy, Organization, Resource, Role, User};
use crate::pattern::Arn;
use crate::policy::Document;

/// The clock both engines use, so that date conditions decide the same way on both sides
/// (2025-01-01T00:00:00Z).
pub const DIFF_TIME_MILLIS: i64 = 1_735_689_600_000;

/// Everything that decides a principal's own part of a request: compared between the sides
/// (file names excluded, so the same role loaded from two directories compares equal).
#[derive(Debug, PartialEq)]
pub(crate) struct PrincipalView<'a> {
    arn: &'a str,
    account: &'a str,
    trust: Option<&'a NamedPolicy>,
    identity: Vec<Option<&'a NamedPolicy>>,
    boundary: Option<Option<&'a NamedPolicy>>,
    tags: &'a IndexMap<String, String>,
}

/// What governs a resource on one side: a resource with a resource-based policy, a role (its
/// trust policy and tags), or nothing.
#[derive(Debug, PartialEq)]
pub(crate) enum Governor<'a> {
    /// Not in the inventory
    None,
    /// A resource (key, bucket, function, ...); the view leaves out the file name
    Resource {
        arn: &'a str,
        account: &'a str,
        policy: Option<&'a NamedPolicy>,
        tags: &'a IndexMap<String, String>,
    },
    /// A role, as the resource of `sts:AssumeRole` (or of `iam:` actions, through its tags)
    Role(PrincipalView<'a>),
}

impl<'a> Governor<'a> {
    /// The governing policy: a resource-based policy or a role's trust policy.
    pub(crate) fn policy(&self) -> Option<&'a NamedPolicy> {
        match self {
            Self::None => None,
            Self::Resource { policy, .. } => *policy,
            Self::Role(v) => v.trust,
        }
    }

    /// Is the governed policy a role's trust policy (consulted only for `sts:` actions)?
    pub(crate) fn is_trust(&self) -> bool {
        matches!(self, Self::Role(_))
    }

    /// The ARN that names the governing object (for grouping).
    pub(crate) fn arn(&self) -> Option<&str> {
        match self {
            Self::None => None,
            Self::Resource { arn, .. } => Some(arn),
            Self::Role(v) => Some(v.arn),
        }
    }
}

/// One side of the diff.
#[derive(Debug)]
pub(crate) struct Side<'a> {
    pub inv: &'a Inventory,
    pub engine: Engine,
    managed: HashMap<&'a str, &'a NamedPolicy>,
    groups: HashMap<&'a str, &'a Group>,
    roles: HashMap<&'a str, &'a Role>,
    roles_by_name: HashMap<(&'a str, &'a str), &'a Role>,
    users: HashMap<&'a str, &'a User>,
    resources: HashMap<&'a str, &'a Resource>,
    by_policy_name: HashMap<&'a str, &'a Document>,
}

impl<'a> Side<'a> {
    /// Compile `inv` and index it.
    pub(crate) fn new(inv: &'a Inventory) -> Result<Self, CompileError> {
        let engine = Engine::new(inv)?.with_time(DIFF_TIME_MILLIS);
        let mut by_policy_name = HashMap::new();
        for p in all_policies(inv) {
            by_policy_name.insert(p.name.as_str(), &p.document);
        }
        Ok(Self {
            inv,
            engine,
            managed: inv
                .managed_policies
                .iter()
                .map(|m| (m.arn.as_str(), &m.policy))
                .collect(),
            groups: inv.groups.iter().map(|g| (g.name.as_str(), g)).collect(),
            roles: inv.roles.iter().map(|r| (r.arn.as_str(), r)).collect(),
            roles_by_name: inv
                .roles
                .iter()
                .map(|r| ((r.account.as_str(), r.name.as_str()), r))
                .collect(),
            users: inv.users.iter().map(|u| (u.arn.as_str(), u)).collect(),
            resources: inv.resources.iter().map(|r| (r.arn.as_str(), r)).collect(),
            by_policy_name,
        })
    }

    /// The document a statement id's policy name refers to.
    pub(crate) fn document(&self, policy: &str) -> Option<&'a Document> {
        self.by_policy_name.get(policy).copied()
    }

    /// The ARNs of the roles and users (the principals with policies of their own).
    pub(crate) fn principal_arns(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.roles.keys().chain(self.users.keys()).copied()
    }

    /// The ARNs of everything that can govern a resource: the resources, and the roles (an IAM
    /// role ARN is governed by its role's trust policy).
    pub(crate) fn governed_arns(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.resources.keys().chain(self.roles.keys()).copied()
    }

    /// The organization, if any.
    pub(crate) fn organization(&self) -> Option<&'a Organization> {
        self.inv.organization.as_ref()
    }

    fn role_view(&self, r: &'a Role) -> PrincipalView<'a> {
        PrincipalView {
            arn: &r.arn,
            account: &r.account,
            trust: r.trust_policy.as_ref(),
            identity: r
                .inline_policies
                .iter()
                .map(Some)
                .chain(
                    r.managed_policy_arns
                        .iter()
                        .map(|a| self.managed.get(a.as_str()).copied()),
                )
                .collect(),
            boundary: r
                .permissions_boundary_arn
                .as_ref()
                .map(|a| self.managed.get(a.as_str()).copied()),
            tags: &r.tags,
        }
    }

    /// The comparable view of the role or user `arn` (None when the side does not know it).
    pub(crate) fn principal_view(&self, arn: &str) -> Option<PrincipalView<'a>> {
        if let Some(r) = self.roles.get(arn) {
            return Some(self.role_view(r));
        }
        let u = self.users.get(arn)?;
        let mut identity: Vec<Option<&NamedPolicy>> = u.inline_policies.iter().map(Some).collect();
        identity.extend(
            u.managed_policy_arns
                .iter()
                .map(|a| self.managed.get(a.as_str()).copied()),
        );
        for g in &u.groups {
            match self.groups.get(g.as_str()) {
                Some(g) => {
                    identity.extend(g.inline_policies.iter().map(Some));
                    identity.extend(
                        g.managed_policy_arns
                            .iter()
                            .map(|a| self.managed.get(a.as_str()).copied()),
                    );
                }
                None => identity.push(None),
            }
        }
        Some(PrincipalView {
            arn: &u.arn,
            account: &u.account,
            trust: None,
            identity,
            boundary: u
                .permissions_boundary_arn
                .as_ref()
                .map(|a| self.managed.get(a.as_str()).copied()),
            tags: &u.tags,
        })
    }

    /// The identity-based policies and the boundary of the role or user `arn`.
    pub(crate) fn principal_policies(
        &self,
        arn: &str,
    ) -> (Vec<&'a NamedPolicy>, Option<&'a NamedPolicy>) {
        match self.principal_view(arn) {
            Some(v) => (
                v.identity.into_iter().flatten().collect(),
                v.boundary.flatten(),
            ),
            None => (Vec::new(), None),
        }
    }

    /// What governs a request's resource, as the engine finds it: the resource itself, its
    /// bucket (S3 objects), its unqualified function (Lambda versions and aliases), or the role
    /// an IAM role ARN names.
    pub(crate) fn governor(&self, resource: &str) -> Governor<'a> {
        let found = self.resources.get(resource).copied().or_else(|| {
            let base = crate::engine::governing_parent(resource)?;
            self.resources.get(base).copied()
        });
        if let Some(r) = found {
            return Governor::Resource {
                arn: &r.arn,
                account: &r.account,
                policy: r.policy.as_ref(),
                tags: &r.tags,
            };
        }
        let role = Arn::parse(resource).and_then(|a| {
            let name = a.resource.strip_prefix("role/")?.rsplit('/').next()?;
            if a.service != "iam" {
                return None;
            }
            self.roles_by_name.get(&(a.account, name)).copied()
        });
        match role {
            Some(r) => Governor::Role(self.role_view(r)),
            None => Governor::None,
        }
    }
}

/// Every named policy of an inventory: trust, inline, managed, resource-based, SCPs and RCPs.
pub(crate) fn all_policies(inv: &Inventory) -> Vec<&NamedPolicy> {
    let mut out: Vec<&NamedPolicy> = Vec::new();
    for r in &inv.roles {
        out.extend(r.trust_policy.iter());
        out.extend(r.inline_policies.iter());
    }
    for u in &inv.users {
        out.extend(u.inline_policies.iter());
    }
    for g in &inv.groups {
        out.extend(g.inline_policies.iter());
    }
    out.extend(inv.managed_policies.iter().map(|m| &m.policy));
    for r in &inv.resources {
        out.extend(r.policy.iter());
    }
    if let Some(org) = &inv.organization {
        for levels in org.scp_levels.values().chain(org.rcp_levels.values()) {
            for level in levels {
                out.extend(level.iter());
            }
        }
    }
    out
}

/// Every SCP and RCP of an organization (for gathering the conditions a request may meet).
pub(crate) fn org_policies(org: Option<&Organization>) -> Vec<&NamedPolicy> {
    let mut out: Vec<&NamedPolicy> = Vec::new();
    if let Some(org) = org {
        for levels in org.scp_levels.values().chain(org.rcp_levels.values()) {
            for level in levels {
                out.extend(level.iter());
            }
        }
    }
    out.dedup_by(|a, b| std::ptr::eq(*a, *b));
    out
}
/// The policies of `inv` that can grant access: identity-based (inline, managed, group),
/// resource-based and trust policies (not boundaries, SCPs or RCPs).
pub(super) fn grant_policies(inv: &Inventory) -> Vec<&crate::inventory::NamedPolicy> {
    let mut out: Vec<&crate::inventory::NamedPolicy> = Vec::new();
    // A managed policy only ever used as a boundary grants nothing.
    let attached: BTreeSet<&str> = inv
        .roles
        .iter()
        .flat_map(|r| r.managed_policy_arns.iter())
        .chain(inv.users.iter().flat_map(|u| u.managed_policy_arns.iter()))
        .chain(inv.groups.iter().flat_map(|g| g.managed_policy_arns.iter()))
        .map(String::as_str)
        .collect();
    let boundaries: BTreeSet<&str> = inv
        .roles
        .iter()
        .filter_map(|r| r.permissions_boundary_arn.as_deref())
        .chain(
            inv.users
                .iter()
                .filter_map(|u| u.permissions_boundary_arn.as_deref()),
        )
        .filter(|b| !attached.contains(b))
        .collect();
    for r in &inv.roles {
        out.extend(r.trust_policy.iter());
        out.extend(r.inline_policies.iter());
    }
    for u in &inv.users {
        out.extend(u.inline_policies.iter());
    }
    for g in &inv.groups {
        out.extend(g.inline_policies.iter());
    }
    out.extend(
        inv.managed_policies
            .iter()
            .filter(|m| !boundaries.contains(m.arn.as_str()))
            .map(|m| &m.policy),
    );
    for r in &inv.resources {
        out.extend(r.policy.iter());
    }
    out
}
