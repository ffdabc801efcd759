//! Member nodes: a user who adds herself to a group holds the group's policies besides her
//! own, since a user's identity policies are hers and her groups'
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html>). Joining leads to a node
//! that is the same user in more groups, decided by an engine over the inventory with the user
//! in them, so the search goes on from there (docs/reach.md).

use super::index::{Index, Node, NodeKind};
use super::mini;
use crate::engine::Engine;

/// At most this many member nodes in one graph. Each joinable combination of groups is a node
/// of its own, so a user who may join any of many groups would otherwise make exponentially
/// many; past the cap, joining a group is a dead end (docs/reach.md, what is not modelled).
pub(super) const MAX_MEMBERS: usize = 256;

impl Index<'_> {
    /// The member node that node `from` (a user, or a member node) becomes by adding itself
    /// to group `group` (index in `inventory.groups`), created with its engine when first
    /// asked for; `None` when `from` is no user, its engine cannot be built, or the cap is
    /// reached.
    pub(super) fn member(&mut self, from: usize, group: usize) -> Option<usize> {
        let node = self.nodes.get(from)?.clone();
        if node.kind != NodeKind::User {
            return None;
        }
        let user = *self.by_arn.get(&node.arn)?;
        let mut joined = node.joined.clone();
        if !joined.contains(&group) {
            joined.push(group);
        }
        let mut key = joined.clone();
        key.sort_unstable();
        if let Some(m) = self.members.get(&(user, key.clone())) {
            return Some(*m);
        }
        if self.members.len() >= MAX_MEMBERS {
            return None;
        }
        let engine = mini::member_engine(self, user, &joined)?;
        let m = self.nodes.len();
        self.nodes.push(Node {
            joined: joined.clone(),
            ..node
        });
        self.allows
            .push(self.allows.get(user).cloned().unwrap_or_default());
        self.denies
            .push(self.denies.get(user).cloned().unwrap_or_default());
        self.holds
            .push(self.holds.get(user).cloned().unwrap_or_default());
        self.gather_groups(m, &joined);
        self.members.insert((user, key), m);
        self.member_engines.insert(m, engine);
        Some(m)
    }

    /// Add the Allow statements and held policies of `groups` to node `n`.
    fn gather_groups(&mut self, n: usize, groups: &[usize]) {
        let inv = self.inv;
        let managed = inv
            .managed_policies
            .iter()
            .map(|m| (m.arn.as_str(), &m.policy))
            .collect();
        for g in groups.iter().filter_map(|g| inv.groups.get(*g)) {
            self.gather(n, &g.inline_policies, &g.managed_policy_arns, &managed);
        }
    }

    /// The engine that decides node `n`'s requests: its own for a member node, else the
    /// inventory's.
    pub(super) fn engine_of(&self, n: usize) -> &Engine {
        self.member_engines.get(&n).unwrap_or(self.engine)
    }
}
