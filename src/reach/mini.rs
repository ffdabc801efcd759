//! Engines for what-if questions, built from a small slice of the inventory: the attacker with
//! a target role whose trust policy it rewrote, a user in the groups it joined (the whole
//! inventory), the attacker with another version of a policy it holds, a principal that granted itself
//! everything. Each is the real engine over a changed inventory, so SCPs, boundaries and
//! session rules still apply. Also the admin probe.

use std::collections::BTreeSet;

use serde_json::json;

use super::index::{Index, NodeKind};
use super::keys::{session_keys, RequestedRegion};
use crate::engine::Engine;
use crate::inventory::{Inventory, ManagedPolicy, NamedPolicy, Role, User};
use crate::policy::{parse_document, Document, PolicyKind};
use crate::request::{Principal, Request};

/// A made-up action that only `Action: "*"` (or a `NotAction` not naming it) allows.
const ANY_ACTION: &str = "iamsim-reach:AnyAction";

/// The requests, all on `*`, a principal allowed "every action on every resource" must be
/// allowed: the made-up action and a sample of real ones across services.
const PROBES: &[&str] = &[
    ANY_ACTION,
    "iam:PutRolePolicy",
    "iam:CreateAccessKey",
    "s3:GetObject",
    "kms:Decrypt",
    "ec2:RunInstances",
    "lambda:InvokeFunction",
];

/// Whether `p` (node `x` of `ix`) is allowed every probe on `*` (AdministratorAccess or
/// equivalent, after boundaries and SCPs), by `engine`; each probe sent to the region the
/// analysis works in (or its service's single endpoint), as a technique's requests are.
pub(super) fn allowed_everything(ix: &Index<'_>, x: usize, engine: &Engine, p: &Principal) -> bool {
    probes_allowed(ix, ix.partition(x), engine, p)
}

/// Whether `p` is allowed every probe on `*` by `engine`, in `partition`.
fn probes_allowed(ix: &Index<'_>, partition: &str, engine: &Engine, p: &Principal) -> bool {
    PROBES.iter().all(|a| {
        let mut req = Request::new(p.clone(), *a, "*");
        session_keys(p, &mut req.context);
        RequestedRegion::of(a, &ix.region, partition).set(&mut req.context);
        engine.evaluate(&req).decision.is_allowed()
    })
}

impl Index<'_> {
    /// ARNs of the inventory's managed policies that make whoever holds them admin: those an
    /// attach technique tries besides AdministratorAccess (an `iam:PolicyARN` condition may
    /// allow attaching only one of them). Here, beside the test, so that `index.rs` does not
    /// depend on this file, which depends on it.
    pub fn admin_policies(&self) -> &[String] {
        self.admin_policies.get_or_init(|| {
            self.inv
                .managed_policies
                .iter()
                .filter(|m| grants_everything(self, m))
                .map(|m| m.arn.clone())
                .collect()
        })
    }
}

/// Whether managed policy `policy` makes whoever holds it admin: a role holding only it is
/// allowed every probe on `*` (the test [`allowed_everything`] applies to principals; no SCP
/// or boundary, which still apply to the attacker it is attached to). A policy with no Allow
/// statement covering every action is rejected without building an engine.
pub(super) fn grants_everything(ix: &Index<'_>, policy: &ManagedPolicy) -> bool {
    let any = ANY_ACTION.to_ascii_lowercase();
    let broad =
        policy.policy.document.statements.iter().any(|st| {
            st.effect == crate::policy::Effect::Allow && super::witness::covers(st, &any)
        });
    if !broad {
        return false;
    }
    let parsed = crate::pattern::Arn::parse(&policy.arn);
    let partition = parsed.as_ref().map_or("aws", |a| a.partition);
    // A customer-managed policy is attached in its own account; an AWS-managed one (account
    // `aws`) in any, so a placeholder account stands for it.
    let account = parsed
        .as_ref()
        .map(|a| a.account)
        .filter(|a| !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or("000000000000");
    let arn = format!("arn:{partition}:iam::{account}:role/iamsim-reach-policy-probe");
    let Ok(principal) = Principal::parse(&arn) else {
        return false;
    };
    let holder = Role {
        arn,
        name: "iamsim-reach-policy-probe".into(),
        account: account.into(),
        trust_policy: None,
        inline_policies: Vec::new(),
        managed_policy_arns: vec![policy.arn.clone()],
        permissions_boundary_arn: None,
        tags: Default::default(),
        instance_profile_arns: Vec::new(),
        source: "iamsim-reach".into(),
    };
    let inv = Inventory {
        roles: vec![holder],
        managed_policies: vec![policy.clone()],
        ..Inventory::default()
    };
    Engine::new(&inv).is_ok_and(|engine| probes_allowed(ix, partition, &engine, &principal))
}

/// A policy document from JSON the analysis writes (always valid).
fn document(value: &serde_json::Value, kind: PolicyKind) -> Option<Document> {
    parse_document(value, "iamsim-reach", kind).ok()
}

/// An inventory of `roles` and `users` with the groups, managed policies and organization they
/// need from `inv`.
fn slice(inv: &Inventory, roles: Vec<Role>, users: Vec<User>) -> Inventory {
    let groups: Vec<_> = inv
        .groups
        .iter()
        .filter(|g| users.iter().any(|u| u.groups.contains(&g.name)))
        .cloned()
        .collect();
    let mut wanted: BTreeSet<&str> = BTreeSet::new();
    for r in &roles {
        wanted.extend(r.managed_policy_arns.iter().map(String::as_str));
        wanted.extend(r.permissions_boundary_arn.as_deref());
    }
    for u in &users {
        wanted.extend(u.managed_policy_arns.iter().map(String::as_str));
        wanted.extend(u.permissions_boundary_arn.as_deref());
    }
    for g in &groups {
        wanted.extend(g.managed_policy_arns.iter().map(String::as_str));
    }
    let managed_policies = inv
        .managed_policies
        .iter()
        .filter(|m| wanted.contains(m.arn.as_str()))
        .cloned()
        .collect();
    Inventory {
        roles,
        users,
        groups,
        managed_policies,
        resources: Vec::new(),
        endpoints: inv.endpoints.clone(),
        ownership: inv.ownership.clone(),
        organization: inv.organization.clone(),
    }
}

/// The attacker node `x` as inventory items: (roles, users).
fn attacker(ix: &Index<'_>, x: usize) -> Option<(Vec<Role>, Vec<User>)> {
    let node = ix.nodes.get(x)?;
    let item = node.item?;
    match node.kind {
        NodeKind::Role => Some((vec![ix.inv.roles.get(item)?.clone()], Vec::new())),
        NodeKind::User => {
            let mut user = ix.inv.users.get(item)?.clone();
            join(ix, &node.joined, &mut user);
            Some((Vec::new(), vec![user]))
        }
        _ => None,
    }
}

/// Put `user` in the groups `joined` (indices in the inventory) as well.
fn join(ix: &Index<'_>, joined: &[usize], user: &mut User) {
    let names = joined.iter().filter_map(|g| ix.inv.groups.get(*g));
    for g in names {
        if !user.groups.contains(&g.name) {
            user.groups.push(g.name.clone());
        }
    }
}

/// The whole inventory with the user of node `user` also in the groups `joined`: the engine
/// of a member node (member.rs).
pub(super) fn member_engine(ix: &Index<'_>, user: usize, joined: &[usize]) -> Option<Engine> {
    let item = ix
        .nodes
        .get(user)
        .filter(|n| n.kind == NodeKind::User)?
        .item?;
    let mut inv = ix.inv.clone();
    join(ix, joined, inv.users.get_mut(item)?);
    Engine::new(&inv).ok()
}

/// The attacker `x` and the role `role` (index in the inventory) whose trust policy now lets
/// `x` assume it (`iam:UpdateAssumeRolePolicy`).
pub(super) fn trust_rewritten(ix: &Index<'_>, x: usize, role: usize) -> Option<Engine> {
    let (mut roles, users) = attacker(ix, x)?;
    let mut target = ix.inv.roles.get(role)?.clone();
    let arn = &ix.nodes.get(x)?.arn;
    if roles.iter().any(|r| r.arn == target.arn) {
        return None;
    }
    let trust = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": arn}, "Action": "sts:AssumeRole"}]});
    target.trust_policy = Some(NamedPolicy {
        name: format!("{}/trust (rewritten)", target.name),
        document: document(&trust, PolicyKind::Trust)?,
    });
    roles.push(target);
    Engine::new(&slice(ix.inv, roles, users)).ok()
}

/// The attacker `x` with managed policy `arn`'s document replaced by `version`.
pub(super) fn with_version(
    ix: &Index<'_>,
    x: usize,
    arn: &str,
    version: &NamedPolicy,
) -> Option<Engine> {
    let (roles, users) = attacker(ix, x)?;
    let mut inv = slice(ix.inv, roles, users);
    let policy = inv.managed_policies.iter_mut().find(|m| m.arn == arn)?;
    policy.policy = version.clone();
    Engine::new(&inv).ok()
}

/// The whole inventory with node `x` granted everything by an extra inline policy: what `x`
/// can do once it has rewritten its own permissions (its boundary and SCPs still apply).
pub(super) fn elevated(ix: &Index<'_>, x: usize) -> Option<Engine> {
    let node = ix.nodes.get(x)?;
    let item = node.item?;
    let all = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "*", "Resource": "*"}]});
    let policy = NamedPolicy {
        name: "iamsim-reach/granted-to-itself".into(),
        document: document(&all, PolicyKind::Identity)?,
    };
    let mut inv = ix.inv.clone();
    match node.kind {
        NodeKind::Role => inv.roles.get_mut(item)?.inline_policies.push(policy),
        NodeKind::User => {
            let user = inv.users.get_mut(item)?;
            join(ix, &node.joined, user);
            user.inline_policies.push(policy);
        }
        _ => return None,
    }
    Engine::new(&inv).ok()
}

/// The engines of principals that granted themselves everything, built when first needed.
#[derive(Debug, Default)]
pub(super) struct Elevated(
    pub std::sync::Mutex<crate::hash::FastMap<usize, Option<std::sync::Arc<Engine>>>>,
);
