//! The escalation graph: every edge out of every principal, computed on every core, and which
//! principals are admin (allowed everything, or able to rewrite their own permissions).

use super::attack::Attack;
use super::index::{Index, NodeKind};
use super::mini;
use super::plan::{Edge, Plan, Via};
use crate::engine::Engine;
use crate::inventory::Inventory;

/// How the analysis is set up.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The region resources are created in (default: the region of the inventory's first
    /// regional resource, else `us-east-1`)
    pub region: Option<String>,
    /// Principals outside the inventory to give a node though no policy names them (the one
    /// a query asks about): account ids or root ARNs, and service principals; other texts are
    /// ignored. Without a node, [`Graph::reach`] refuses such a principal.
    pub principals: Vec<String>,
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
        let mut ix = Index::new(inv, engine, options.region.as_deref(), &options.principals);
        let plan = Plan::new(&ix);
        let mut todo: Vec<usize> = (0..ix.nodes.len())
            .filter(|n| ix.nodes.get(*n).is_some_and(|x| x.kind != NodeKind::Group))
            .collect();
        let mut edges = Vec::new();
        let mut allowed = Vec::new();
        // Joining a group leads to a member node (member.rs), whose edges are computed in the
        // next round, until no new member node appears.
        while !todo.is_empty() {
            let mut fresh = Vec::new();
            for (x, (mut out, everything)) in todo.iter().zip(explore(&ix, &plan, &todo)) {
                if everything {
                    allowed.push(*x);
                }
                for e in &mut out {
                    let Some((m, g)) = joined_group(&ix, e).and_then(|g| {
                        let before = ix.nodes.len();
                        let m = ix.member(e.from, g)?;
                        if ix.nodes.len() > before {
                            fresh.push(m);
                        }
                        Some((m, g))
                    }) else {
                        continue;
                    };
                    // The group stays the request's resource (attack.rs, `place`).
                    e.to = m;
                    e.via = Via::Group(g);
                }
                edges.append(&mut out);
            }
            todo = fresh;
        }
        let mut admin = vec![Admin::No; ix.nodes.len()];
        for x in allowed {
            if let Some(a) = admin.get_mut(x) {
                *a = Admin::Allowed;
            }
        }
        edges.sort_by_key(|e| e.from);
        for (i, e) in edges.iter().enumerate() {
            if e.from == e.to && e.admin {
                if let Some(a) = admin.get_mut(e.from).filter(|a| **a == Admin::No) {
                    *a = Admin::Itself(i);
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

/// The edges out of each of `nodes`, and whether it is allowed everything, computed on every
/// core.
fn explore(ix: &Index<'_>, plan: &Plan, nodes: &[usize]) -> Vec<(Vec<Edge>, bool)> {
    crate::par::par_map(
        nodes,
        crate::par::SMALL_ITEMS,
        |x| {
            let edges = Attack::new(ix, plan, *x).edges();
            let node = ix.nodes.get(*x);
            let iam = node.is_some_and(|n| matches!(n.kind, NodeKind::Role | NodeKind::User));
            let allowed = iam
                && node
                    .and_then(|n| n.principal.as_ref())
                    .is_some_and(|p| mini::allowed_everything(ix, *x, ix.engine_of(*x), p));
            (edges, allowed)
        },
        || (Vec::new(), false),
    )
}

/// The group (index in the inventory) edge `e` joins, when it goes to a group's node.
fn joined_group(ix: &Index<'_>, e: &Edge) -> Option<usize> {
    let to = ix.nodes.get(e.to)?;
    (to.kind == NodeKind::Group && to.principal.is_none())
        .then_some(to.item)
        .flatten()
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
