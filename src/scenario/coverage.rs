//! Statement coverage of a run: for every statement of the inventories, whether some case
//! exercised it: an Allow that allowed one of its requests, a Deny that explicitly denied one.
//! Identity policies and boundaries are counted per principal (a managed policy attached to
//! two roles needs a case for each); resource-based, trust and organization policies once.

use std::collections::HashSet;

use serde::Serialize;

use super::load::Suite;
use super::run::Outcome;
use crate::engine::Decision;
use crate::inventory::{Inventory, NamedPolicy};
use crate::policy::Effect;
use crate::request::{IamKind, Principal};

/// One statement and whether a case exercised it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Covered {
    /// Whose statement it is: `role NAME`, `user NAME`, `role NAME (trust policy)`,
    /// `resource ARN`, `organization`
    pub holder: String,
    /// The policy's name
    pub policy: String,
    /// The statement's position in the policy
    pub index: usize,
    /// Its Sid
    pub sid: Option<String>,
    /// `Allow` or `Deny`
    pub effect: Effect,
    /// Whether some case exercised it
    pub covered: bool,
}

/// The coverage of a run, statement by statement, in inventory order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Every statement of the inventories
    pub statements: Vec<Covered>,
}

impl Coverage {
    /// The statements no case exercised.
    pub fn uncovered(&self) -> impl Iterator<Item = &Covered> {
        self.statements.iter().filter(|s| !s.covered)
    }
}

/// `role:ACCOUNT:NAME` or `user:ACCOUNT:NAME` for a caller the inventory may hold.
fn principal_key(p: &Principal) -> Option<String> {
    let Principal::Iam(ip) = p else { return None };
    match &ip.kind {
        IamKind::Role { name, .. } => Some(format!("role:{}:{name}", ip.account)),
        IamKind::User { name } => Some(format!("user:{}:{name}", ip.account)),
        _ => None,
    }
}

/// (inventory, principal key or "", policy, index) of every exercised statement.
type Seen = HashSet<(usize, String, String, usize)>;

fn exercised(suite: &Suite, outcomes: &[Outcome]) -> Seen {
    let mut seen = Seen::new();
    for o in outcomes {
        let Some(case) = suite.cases.get(o.case) else {
            continue;
        };
        let who = principal_key(&case.request.principal).unwrap_or_default();
        let decided = o
            .evaluation
            .iter()
            .filter(|e| matches!(e.decision, Decision::Allow | Decision::ExplicitDeny))
            .flat_map(|e| e.deciding.iter());
        for id in decided.chain(&o.exercised) {
            let (policy, index) = (&id.policy, id.index);
            seen.insert((case.engine, who.clone(), policy.to_string(), index));
            seen.insert((case.engine, String::new(), policy.to_string(), index));
        }
    }
    seen
}

/// The statements of `policies`, held by `holder` (for the principal `who`, or "" for all).
fn add(
    out: &mut Vec<Covered>,
    seen: &Seen,
    (engine, who, holder): (usize, &str, &str),
    policies: &[&NamedPolicy],
) {
    for p in policies {
        for (index, st) in p.document.statements.iter().enumerate() {
            let covered = seen.contains(&(engine, who.to_string(), p.name.clone(), index));
            out.push(Covered {
                holder: holder.to_string(),
                policy: p.name.clone(),
                index,
                sid: st.sid.clone(),
                effect: st.effect,
                covered,
            });
        }
    }
}

/// Every statement of one inventory.
fn inventory(out: &mut Vec<Covered>, seen: &Seen, engine: usize, inv: &Inventory, tag: &str) {
    let managed = |arns: &[String]| -> Vec<&NamedPolicy> {
        arns.iter()
            .filter_map(|a| inv.managed_policies.iter().find(|m| m.arn == *a))
            .map(|m| &m.policy)
            .collect()
    };
    for r in &inv.roles {
        let who = format!("role:{}:{}", r.account, r.name);
        let mut policies: Vec<&NamedPolicy> = r.inline_policies.iter().collect();
        policies.extend(managed(&r.managed_policy_arns));
        policies.extend(managed(r.permissions_boundary_arn.as_slice()));
        add(
            out,
            seen,
            (engine, &who, &format!("{tag}role {}", r.name)),
            &policies,
        );
    }
    for u in &inv.users {
        let who = format!("user:{}:{}", u.account, u.name);
        let mut policies: Vec<&NamedPolicy> = u.inline_policies.iter().collect();
        policies.extend(managed(&u.managed_policy_arns));
        for g in inv.groups.iter().filter(|g| u.groups.contains(&g.name)) {
            policies.extend(g.inline_policies.iter());
            policies.extend(managed(&g.managed_policy_arns));
        }
        policies.extend(managed(u.permissions_boundary_arn.as_slice()));
        add(
            out,
            seen,
            (engine, &who, &format!("{tag}user {}", u.name)),
            &policies,
        );
    }
    for r in &inv.roles {
        let holder = format!("{tag}role {} (trust policy)", r.name);
        add(
            out,
            seen,
            (engine, "", &holder),
            &r.trust_policy.iter().collect::<Vec<_>>(),
        );
    }
    for r in &inv.resources {
        let holder = format!("{tag}resource {}", r.arn);
        add(
            out,
            seen,
            (engine, "", &holder),
            &r.policy.iter().collect::<Vec<_>>(),
        );
    }
    if let Some(org) = &inv.organization {
        let mut policies: Vec<&NamedPolicy> = Vec::new();
        for levels in org.scp_levels.values().chain(org.rcp_levels.values()) {
            for p in levels.iter().flatten() {
                // RCPFullAWSAccess is AWS's, attached implicitly: nothing to cover.
                if p.name != "RCPFullAWSAccess" && !policies.iter().any(|q| q.name == p.name) {
                    policies.push(p);
                }
            }
        }
        add(
            out,
            seen,
            (engine, "", &format!("{tag}organization")),
            &policies,
        );
    }
}

/// The coverage of `outcomes` over every inventory of `suite`.
pub fn coverage(suite: &Suite, outcomes: &[Outcome]) -> Coverage {
    let seen = exercised(suite, outcomes);
    let mut statements = Vec::new();
    let several = suite.inventories.len() > 1;
    for (engine, inv) in suite.inventories.iter().enumerate() {
        let tag = match suite.engines.get(engine) {
            Some((dir, _)) if several => format!("{}: ", dir.display()),
            _ => String::new(),
        };
        inventory(&mut statements, &seen, engine, inv, &tag);
    }
    Coverage { statements }
}
