//! The edges out of one attacker: each modelled technique against each target it could reach,
//! an edge only when the engine allows every request and every fact the technique needs holds
//! (attack.rs).

use std::collections::BTreeSet;

use super::attack::Attack;
use super::index::NodeKind;
use super::plan::{customer_policy, depends_on_target, requests_take, rewrites_trust, Edge, Via};
use super::technique::{techniques, Gains, ResourceRef, TargetKind, Technique};

impl Attack<'_, '_> {
    /// Every edge out of the attacker, at most one `becomes` (an admin one if any) and one
    /// `acts-as` per target.
    pub fn edges(&mut self) -> Vec<Edge> {
        let ix = self.ix;
        let x = self.x;
        let all = techniques();
        let mut out: Vec<Edge> = Vec::new();
        // per target node: (becomes, admin, acts-as) found so far
        let mut have: Vec<(bool, bool, bool)> = vec![(false, false, false); ix.nodes.len()];
        let trusting = ix.trusting(x);
        for &ti in &self.plan.order {
            let Some(t) = all.get(ti) else { continue };
            if !self.independent_requests_allowed(ti) || !self.target_requests_possible(ti) {
                continue;
            }
            for (to, via) in self.targets(t, ti, &trusting) {
                let seen = have.get(to).copied().unwrap_or_default();
                let wanted = match t.gains {
                    Gains::Becomes => !seen.0 || (t.admin && !seen.1),
                    Gains::ActsAs => !seen.0 && !seen.2,
                };
                if !wanted || (to == x && !t.admin) {
                    continue;
                }
                if self.attempt(ti, to, via, false).is_some() {
                    if let Some(e) = have.get_mut(to) {
                        match t.gains {
                            Gains::Becomes => {
                                e.0 = true;
                                e.1 |= t.admin;
                            }
                            Gains::ActsAs => e.2 = true,
                        }
                    }
                    out.push(Edge {
                        from: x,
                        to,
                        technique: ti,
                        via,
                        admin: t.admin,
                    });
                }
            }
        }
        out
    }

    /// Whether every request of technique `ti` on a target IAM role, user, group or managed
    /// policy could be allowed at all. Without an identity Allow for its action only a
    /// resource-based policy could allow it, and IAM identities and policies hold none but a
    /// role's trust policy (for `sts:` actions). Asked once per technique rather than once per
    /// target, which made the graph of an organisation quadratic in its roles.
    fn target_requests_possible(&mut self, ti: usize) -> bool {
        let Some(t) = techniques().get(ti) else {
            return false;
        };
        if self.ix.iam_resource_policies {
            return true;
        }
        t.requests.iter().all(|r| {
            let on_iam = matches!(
                r.resource,
                ResourceRef::TargetRole
                    | ResourceRef::TargetUser
                    | ResourceRef::TargetGroup
                    | ResourceRef::TargetPolicy
            );
            !on_iam
                || r.actions
                    .iter()
                    .any(|a| a.starts_with("sts:") || self.covers(a))
        })
    }

    /// Whether the requests of technique `ti` that do not depend on the target are allowed.
    fn independent_requests_allowed(&mut self, ti: usize) -> bool {
        let Some(t) = techniques().get(ti) else {
            return false;
        };
        // A request on a resource the technique's requests share is asked with the shared
        // choice (choice.rs), whose names this free choice may not try.
        let shared = super::choice::shared_templates(t);
        for (i, r) in t.requests.iter().enumerate() {
            let on_shared =
                super::choice::template_of(&r.resource).is_some_and(|x| shared.contains(&x));
            if depends_on_target(r) || r.resource == ResourceRef::SelfPrincipal || on_shared {
                continue;
            }
            if self
                .ask(
                    ti,
                    i,
                    r,
                    self.x,
                    Via::Nothing,
                    self.engine,
                    (false, true),
                    None,
                )
                .is_none()
            {
                return false;
            }
        }
        true
    }

    /// The (target node, via) pairs technique `t` could reach from the attacker.
    pub(super) fn targets(
        &self,
        t: &Technique,
        ti: usize,
        trusting: &BTreeSet<usize>,
    ) -> Vec<(usize, Via)> {
        let ix = self.ix;
        let x = self.x;
        let Some(node) = ix.nodes.get(x) else {
            return Vec::new();
        };
        let iam = matches!(node.kind, NodeKind::Role | NodeKind::User);
        let rewrites = rewrites_trust(t);
        let uses_policy = t
            .requests
            .iter()
            .any(|r| r.resource == ResourceRef::TargetPolicy);
        let mut out = Vec::new();
        match t.target {
            TargetKind::AssumedRole => {
                let roles: Vec<usize> = if rewrites {
                    (0..ix.inv.roles.len()).collect()
                } else {
                    trusting.iter().copied().collect()
                };
                for r in roles {
                    let Some(&to) = ix.role_node.get(r) else {
                        continue;
                    };
                    if !uses_policy {
                        out.push((to, Via::Nothing));
                        continue;
                    }
                    let attached = ix.inv.roles.get(r).map(|r| &r.managed_policy_arns);
                    for a in attached.into_iter().flatten() {
                        if let Some(p) = customer_policy(ix, a) {
                            out.push((to, Via::Policy(p)));
                        }
                    }
                }
            }
            TargetKind::PassedRole => {
                let roles = self.plan.passable.get(ti).into_iter().flatten();
                return roles.map(|n| (*n, Via::Nothing)).collect();
            }
            TargetKind::RunsAsRole => {
                let found = self.plan.runs_as.get(ti).into_iter().flatten();
                return found
                    .filter_map(|k| {
                        ix.runs_as
                            .get(*k)
                            .map(|(res, role)| (*role, Via::RunsAs(*res)))
                    })
                    .collect();
            }
            TargetKind::SelfPrincipal if iam => {
                if t.requests
                    .iter()
                    .any(|r| r.resource == ResourceRef::TargetGroup)
                {
                    out.extend(
                        self.groups_of_attacker()
                            .into_iter()
                            .map(|g| (x, Via::Group(g))),
                    );
                } else if requests_take(t, ResourceRef::SelfPrincipal, &node.arn) {
                    // A self-rewrite applies only to the principal type its action acts on:
                    // `iam:PutRolePolicy` takes a role, `iam:PutUserPolicy` a user.
                    out.push((x, Via::Nothing));
                }
            }
            TargetKind::User if iam => {
                // Not the attacker itself, nor (for a member node) the user it is.
                let others = ix.user_node.iter().filter(|u| {
                    ix.nodes
                        .get(**u)
                        .is_some_and(|n| **u != x && n.arn != node.arn)
                });
                out.extend(others.map(|u| (*u, Via::Nothing)));
            }
            TargetKind::Group if node.kind == NodeKind::User => {
                let mine = self.groups_of_attacker();
                for (g, n) in ix.group_node.iter().enumerate() {
                    if !mine.contains(&g) {
                        out.push((*n, Via::Nothing));
                    }
                }
            }
            TargetKind::PolicyHolder if iam => {
                for a in ix.holds.get(x).into_iter().flatten() {
                    if let Some(p) = customer_policy(ix, a) {
                        out.push((x, Via::Policy(p)));
                    }
                }
            }
            _ => {}
        }
        out.sort();
        out.dedup();
        out
    }

    /// The groups (indices in the inventory) the attacker, a user, is in (with those it
    /// joined, for a member node).
    fn groups_of_attacker(&self) -> Vec<usize> {
        let ix = self.ix;
        let Some(node) = ix.nodes.get(self.x).filter(|n| n.kind == NodeKind::User) else {
            return Vec::new();
        };
        let Some(user) = node.item.and_then(|i| ix.inv.users.get(i)) else {
            return Vec::new();
        };
        ix.inv
            .groups
            .iter()
            .enumerate()
            .filter(|(i, g)| user.groups.contains(&g.name) || node.joined.contains(i))
            .map(|(i, _)| i)
            .collect()
    }
}
