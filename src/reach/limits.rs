//! What limits, beyond the attacker's identity Allows, the names it can give what it creates
//! and the context keys it can send: its permissions boundary and each SCP and RCP level over
//! its account allow only what their Allow statements admit, and a Deny (of any of them or of
//! its identity policies) leaves only what escapes it. Each is a source of names for a shared
//! choice (choice.rs) and of context for a request (witness.rs): a boundary allowing
//! `lambda:*` on `function:team-*` only, or an SCP denying Lambda on every function but
//! `team-*`, is met by naming the function `team-...`; an SCP denying a create outside a VPC
//! (`lambda:VpcIds` `Null`), by creating it in one.
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html>
//! <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html>

use std::sync::Arc;

use super::index::{Index, NodeKind};
use crate::inventory::NamedPolicy;
use crate::policy::{Effect, Statement};

/// The statements beyond node `x`'s identity Allows that limit the names it can give.
#[derive(Debug, Default)]
pub(super) struct Limits<'i> {
    /// Each allow-list in force: the boundary, then each SCP level and each RCP level (the
    /// statements of its policies together)
    pub lists: Vec<Vec<&'i Statement>>,
    /// Deny statements: identity, boundary, SCP and RCP
    pub denies: Vec<&'i Statement>,
}

/// The limits on node `x`'s requests: its identity Denies, its boundary, and the SCP and RCP
/// levels of its account (none for the management account, to which they do not apply).
pub(super) fn limits<'i>(ix: &'i Index<'_>, x: usize) -> Limits<'i> {
    let mut out = Limits {
        denies: ix
            .denies
            .get(x)
            .map_or(Vec::new(), |s| s.iter().map(Arc::as_ref).collect()),
        ..Limits::default()
    };
    if let Some(boundary) = boundary_of(ix, x) {
        out.add(std::slice::from_ref(boundary));
    }
    let account = ix.account(x);
    let org = ix.inv.organization.as_ref();
    let managed = org.is_some_and(|o| o.management_account.as_deref() == Some(account));
    if let Some(org) = org.filter(|_| !managed) {
        let scps = org.scp_levels.get(account).into_iter().flatten();
        let rcps = org.rcp_levels.get(account).into_iter().flatten();
        for level in scps.chain(rcps) {
            out.add(level);
        }
    }
    out
}

impl<'i> Limits<'i> {
    /// Add the allow-list of `policies` (one level, or a boundary) and their Denies.
    fn add(&mut self, policies: &'i [NamedPolicy]) {
        let statements = policies
            .iter()
            .flat_map(|p| p.document.statements.iter().map(Arc::as_ref));
        let mut list = Vec::new();
        for st in statements {
            match st.effect {
                Effect::Allow => list.push(st),
                Effect::Deny => self.denies.push(st),
            }
        }
        self.lists.push(list);
    }
}

/// The permissions boundary of node `x` (a role or user), as its managed policy.
fn boundary_of<'i>(ix: &'i Index<'_>, x: usize) -> Option<&'i NamedPolicy> {
    let node = ix.nodes.get(x)?;
    let arn = match node.kind {
        NodeKind::Role => ix
            .inv
            .roles
            .get(node.item?)?
            .permissions_boundary_arn
            .as_deref(),
        NodeKind::User => ix
            .inv
            .users
            .get(node.item?)?
            .permissions_boundary_arn
            .as_deref(),
        _ => None,
    }?;
    ix.managed_policy(arn)
}
