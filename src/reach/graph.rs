//! The escalation graph: every edge out of every principal, computed on every core, and which
//! principals are admin (allowed everything, or able to rewrite their own permissions).

use super::attack::Attack;
use super::index::{Index, NodeKind};
use super::mini;
use super::plan::{Edge, Plan};
use crate::engine::Engine;
use crate::inventory::Inventory;

/// How the analysis is set up.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The region resources are created in (default: the region of the inventory's first
    /// regional resource, else `us-east-1`)
    pub region: Option<String>,
}

/// Why a node is admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Admin {
    /// It is not
    No,
    /// It is allowed every probe on `*` (AdministratorAccess or equivalent)
    Allowed,
    /// It can rewrite its own permissions: the admin edge (a self-loop) at this index
    Itself(usize),
}

/// The graph over an inventory and its engine.
#[derive(Debug)]
pub struct Graph<'a> {
    pub(super) ix: Index<'a>,
    pub(super) plan: Plan,
    /// Every edge, grouped by `from`
    pub(super) edges: Vec<Edge>,
    /// `edges[start[n]..start[n + 1]]` are node `n`'s out-edges
    start: Vec<usize>,
    pub(super) admin: Vec<Admin>,
    /// Engines of principals that granted themselves everything, built when first needed
    pub(super) elevated: mini::Elevated,
}

impl<'a> Graph<'a> {
    /// Compute the graph of `inv` (the inventory `engine` was compiled from).
    pub fn build(inv: &'a Inventory, engine: &'a Engine, options: &Options) -> Self {
        let ix = Index::new(inv, engine, options.region.as_deref());
        let plan = Plan::new(&ix);
        let attackers: Vec<usize> = (0..ix.nodes.len())
            .filter(|n| ix.nodes.get(*n).is_some_and(|x| x.kind != NodeKind::Group))
            .collect();
        let per = crate::par::par_map(
            &attackers,
            crate::par::SMALL_ITEMS,
            |x| {
                let edges = Attack::new(&ix, &plan, *x).edges();
                let node = ix.nodes.get(*x);
                let iam = node.is_some_and(|n| matches!(n.kind, NodeKind::Role | NodeKind::User));
                let allowed = iam
                    && node
                        .and_then(|n| n.principal.as_ref())
                        .is_some_and(|p| mini::allowed_everything(engine, p));
                (edges, allowed)
            },
            || (Vec::new(), false),
        );
        let mut admin = vec![Admin::No; ix.nodes.len()];
        let mut edges = Vec::new();
        for (x, (mut out, allowed)) in attackers.iter().zip(per) {
            if allowed {
                if let Some(a) = admin.get_mut(*x) {
                    *a = Admin::Allowed;
                }
            }
            edges.append(&mut out);
        }
        edges.sort_by_key(|e| e.from);
        for (i, e) in edges.iter().enumerate() {
            if e.from == e.to && e.admin {
                if let Some(a) = admin.get_mut(e.from).filter(|a| **a == Admin::No) {
                    *a = Admin::Itself(i);
                }
            }
        }
        for (g, n) in ix.group_node.iter().enumerate() {
            let joined = edges.iter().any(|e| e.to == *n);
            let allowed = joined
                && mini::group_member(&ix, g)
                    .is_some_and(|(e, p)| mini::allowed_everything(&e, &p));
            if allowed {
                if let Some(a) = admin.get_mut(*n) {
                    *a = Admin::Allowed;
                }
            }
        }
        let mut start = vec![0; ix.nodes.len() + 1];
        for e in &edges {
            if let Some(s) = start.get_mut(e.from + 1) {
                *s += 1;
            }
        }
        for i in 1..start.len() {
            let prev = start.get(i - 1).copied().unwrap_or(0);
            if let Some(s) = start.get_mut(i) {
                *s += prev;
            }
        }
        Graph {
            ix,
            plan,
            edges,
            start,
            admin,
            elevated: Default::default(),
        }
    }

    /// The edges out of node `n`, with their indices.
    pub(super) fn out(&self, n: usize) -> impl Iterator<Item = (usize, &Edge)> {
        let from = self.start.get(n).copied().unwrap_or(0);
        let to = self.start.get(n + 1).copied().unwrap_or(from);
        (from..to).filter_map(move |i| self.edges.get(i).map(|e| (i, e)))
    }

    /// How many nodes and edges the graph has.
    pub fn size(&self) -> (usize, usize) {
        (self.ix.nodes.len(), self.edges.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::{generate, PlatformSpec};

    fn reference() -> Inventory {
        let files = generate(&PlatformSpec::reference()).unwrap();
        crate::inventory::from_files(&files, std::path::Path::new("policies")).unwrap()
    }

    #[test]
    fn on_the_reference_platform_an_agent_becomes_every_other_agent_and_the_gateway() {
        let inv = reference();
        let engine = Engine::new(&inv).unwrap();
        let g = Graph::build(&inv, &engine, &Options::default());
        let r = g.reach("role/acme-dev-agent-research").unwrap();
        let names: Vec<&str> = r.reaches.iter().map(|x| x.principal.as_str()).collect();
        assert_eq!(
            names,
            [
                "arn:aws:iam::111122223333:role/acme-dev-agent-billing",
                "arn:aws:iam::111122223333:role/acme-dev-agent-research-v2",
                "arn:aws:iam::111122223333:role/acme-dev-agent-support",
                "arn:aws:iam::111122223333:role/acme-dev-gateway",
            ]
        );
        let support = &r.reaches[2];
        assert!(!support.admin);
        assert_eq!(
            support.path[0].technique,
            "agentcore-runtime-invoke-command-existing"
        );
        assert_eq!(
            support.path[0].requests[0].decided_by,
            ["acme-dev-agent-research/agent/AgentCoreActions"]
        );
        assert!(g.reach("role/acme-dev-gateway").unwrap().reaches.is_empty());
    }
}
