//! `reach PRINCIPAL`: everything a principal can become or act as, with the shortest path to
//! each (breadth first over the graph) and whether it reaches admin. Paths are re-proved for
//! the report, so each request carries the statements that allowed it.

use std::collections::VecDeque;

use serde::Serialize;

use super::attack::Attack;
use super::graph::{Admin, Graph};
use super::index::NodeKind;
use super::plan::Edge;
use super::prove::ProvedRequest;
use super::technique::{techniques, Gains};
use crate::hash::FastMap;
use crate::request::Principal;

/// One step of a path: `from` gains `to` by `technique`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// The principal taking the step
    pub from: String,
    /// The principal gained
    pub to: String,
    /// The technique's id
    pub technique: String,
    /// The requests the engine allowed, in the technique's order
    pub requests: Vec<ProvedRequest>,
}

/// A principal reached, and the shortest path to it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reached {
    /// The principal reached (the queried one itself when it is admin at zero hops)
    pub principal: String,
    /// Whether it is admin: allowed everything, able to rewrite its own permissions, or
    /// reached by rewriting its permissions
    pub admin: bool,
    /// Becomes it, or acts as it for some actions
    pub gains: Gains,
    /// For acts-as: the actions gained (`*` for all of the principal's)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<String>>,
    /// The steps, first from the queried principal
    pub path: Vec<Step>,
}

/// The answer of [`Graph::reach`] (JSON schema version 1, docs/reach.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReachReport {
    /// Always 1
    pub schema_version: u32,
    /// The queried principal
    pub principal: String,
    /// What it reaches, nearest first
    pub reaches: Vec<Reached>,
}

impl ReachReport {
    /// Whether the principal reaches admin (itself or another principal)
    pub fn reaches_admin(&self) -> bool {
        self.reaches.iter().any(|r| r.admin)
    }
}

/// Why a principal could not be looked up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReachError {
    /// Not a principal iamsim understands
    #[error("`{0}` is not a principal (an IAM role or user ARN, role/NAME, user/NAME, a service principal, an account id, or anonymous)")]
    Unknown(String),
    /// An IAM principal the inventory does not have
    #[error("`{0}` is not in the inventory")]
    NotInInventory(String),
    /// A short name several accounts have
    #[error("`{0}` names {1} principals; give the ARN")]
    Ambiguous(String, usize),
    /// An account or service principal outside the inventory that the graph has no node for
    #[error("`{0}` is named by no policy of the inventory and the graph was built without it (`Options::principals`)")]
    NoNode(String),
}

/// What the breadth-first search found for each node.
pub(super) struct Search {
    /// The edge that first reached the node with full power (becomes, or acts as for `*`)
    pub full: Vec<Option<usize>>,
    /// The edge that first reached it with bounded power (acts as for some actions)
    pub bounded: Vec<Option<usize>>,
    /// An admin edge into it from a node the source holds
    pub admin_edge: Vec<Option<usize>>,
    /// Nodes held with full power, in the order found
    pub order: Vec<usize>,
}

impl<'a> Graph<'a> {
    /// The node `text` names.
    pub(super) fn resolve(&self, text: &str) -> Result<Option<usize>, ReachError> {
        let ix = &self.ix;
        if let Some(n) = ix.by_arn.get(text) {
            return Ok(Some(*n));
        }
        let short = ix.engine.short_name(text);
        match short {
            [one] => return Ok(ix.by_arn.get(one).copied()),
            [] => {}
            many => return Err(ReachError::Ambiguous(text.into(), many.len())),
        }
        if text.starts_with("role/") || text.starts_with("user/") {
            return Err(ReachError::NotInInventory(text.into()));
        }
        let p = Principal::parse(text).map_err(|_| ReachError::Unknown(text.into()))?;
        let found = match &p {
            Principal::Iam(ip) => match &ip.kind {
                crate::request::IamKind::Role { role_arn, .. } => ix.role_by_arn(role_arn),
                crate::request::IamKind::Root => ix.by_arn.get(&ip.arn).copied(),
                _ => ix.by_arn.get(&ip.arn).copied(),
            },
            other => ix.by_arn.get(other.as_str()).copied(),
        };
        match (found, &p) {
            (Some(n), _) => Ok(Some(n)),
            (None, Principal::Iam(ip)) if ip.kind != crate::request::IamKind::Root => {
                Err(ReachError::NotInInventory(text.into()))
            }
            _ => Ok(None),
        }
    }

    /// Breadth first from `s`.
    pub(super) fn search(&self, s: usize) -> Search {
        let n = self.ix.nodes.len();
        let all = techniques();
        let mut found = Search {
            full: vec![None; n],
            bounded: vec![None; n],
            admin_edge: vec![None; n],
            order: Vec::new(),
        };
        let mut held = vec![false; n];
        if let Some(h) = held.get_mut(s) {
            *h = true;
        }
        let mut queue = VecDeque::from([s]);
        while let Some(u) = queue.pop_front() {
            for (i, e) in self.out(u) {
                let Some(t) = all.get(e.technique) else {
                    continue;
                };
                if e.admin {
                    if let Some(slot) = found.admin_edge.get_mut(e.to).filter(|a| a.is_none()) {
                        *slot = Some(i);
                    }
                }
                if e.to == u || e.to == s {
                    continue;
                }
                let full = t.gains == Gains::Becomes || t.acts_as_actions.iter().any(|a| a == "*");
                if full && !held.get(e.to).copied().unwrap_or(true) {
                    if let Some(h) = held.get_mut(e.to) {
                        *h = true;
                    }
                    if let Some(slot) = found.full.get_mut(e.to) {
                        *slot = Some(i);
                    }
                    found.order.push(e.to);
                    queue.push_back(e.to);
                } else if !full {
                    if let Some(slot) = found.bounded.get_mut(e.to).filter(|b| b.is_none()) {
                        *slot = Some(i);
                    }
                }
            }
        }
        found
    }

    /// The edges from `s` to node `v` along the search's full-power parents.
    pub(super) fn chain(&self, found: &Search, s: usize, mut v: usize) -> Vec<usize> {
        let mut out = Vec::new();
        while v != s {
            let Some(Some(i)) = found.full.get(v) else {
                break;
            };
            out.push(*i);
            v = self.edges.get(*i).map_or(s, |e| e.from);
        }
        out.reverse();
        out
    }

    /// Everything `principal` can become or act as (see [`ReachReport`]).
    pub fn reach(&self, principal: &str) -> Result<ReachReport, ReachError> {
        // A principal without a node could still assume a role trusting everyone: refuse
        // rather than answer that it reaches nothing.
        let Some(s) = self.resolve(principal)? else {
            return Err(ReachError::NoNode(normalized(principal)));
        };
        let found = self.search(s);
        let mut reaches = Vec::new();
        let mut attacks = FastMap::default();
        if let Some(r) = self.entry(&found, s, s, false, &mut attacks) {
            reaches.push(r);
        }
        for &v in &found.order {
            reaches.extend(self.entry(&found, s, v, true, &mut attacks));
        }
        let bounded = (0..self.ix.nodes.len()).filter(|v| {
            *v != s
                && found.full.get(*v).is_some_and(Option::is_none)
                && found.bounded.get(*v).is_some_and(Option::is_some)
        });
        for v in bounded {
            reaches.extend(self.entry(&found, s, v, true, &mut attacks));
        }
        reaches.sort_by(|a, b| (a.path.len(), &a.principal).cmp(&(b.path.len(), &b.principal)));
        let principal = self
            .ix
            .nodes
            .get(s)
            .map_or_else(|| principal.to_string(), |n| n.arn.clone());
        Ok(ReachReport {
            schema_version: 1,
            principal,
            reaches,
        })
    }

    /// The report entry for node `v` (`reached` false: the source itself, listed only when it
    /// is admin at zero hops).
    fn entry<'g>(
        &'g self,
        found: &Search,
        s: usize,
        v: usize,
        reached: bool,
        attacks: &mut FastMap<usize, Attack<'g, 'a>>,
    ) -> Option<Reached> {
        let node = self.ix.nodes.get(v)?;
        let own = self.admin.get(v).copied().unwrap_or(Admin::No);
        // The queried principal itself is listed only when it is admin at zero hops.
        let via_admin_edge = found
            .admin_edge
            .get(v)
            .copied()
            .flatten()
            .filter(|_| reached);
        let mut edges: Vec<usize> = match (
            found.full.get(v).copied().flatten(),
            found.bounded.get(v).copied().flatten(),
        ) {
            (Some(_), _) => self.chain(found, s, v),
            (None, Some(b)) => {
                let from = self.edges.get(b)?.from;
                let mut c = self.chain(found, s, from);
                c.push(b);
                c
            }
            (None, None) if !reached => Vec::new(),
            (None, None) => return None,
        };
        let admin = match (own, via_admin_edge) {
            (Admin::Allowed, _) => true,
            (Admin::Itself(i), _) => {
                edges.push(i);
                true
            }
            (Admin::No, Some(i)) => {
                let e = self.edges.get(i)?;
                edges = if e.from == s {
                    Vec::new()
                } else {
                    self.chain(found, s, e.from)
                };
                edges.push(i);
                true
            }
            (Admin::No, None) => false,
        };
        if !reached && !admin {
            return None;
        }
        let last = edges
            .iter()
            .rev()
            .find_map(|i| self.edges.get(*i))
            .filter(|e| e.to == v && e.from != v);
        let t = last.and_then(|e| techniques().get(e.technique));
        let gains = t.map_or(Gains::Becomes, |t| t.gains);
        let actions = t
            .filter(|t| t.gains == Gains::ActsAs)
            .map(|t| t.acts_as_actions.clone());
        let path = edges
            .iter()
            .filter_map(|i| self.step(*i, attacks))
            .collect();
        let kind = node.kind;
        Some(Reached {
            principal: node.name(self.ix.inv).to_string(),
            admin: admin && kind != NodeKind::Anonymous,
            gains,
            actions,
            path,
        })
    }

    /// The report step of edge `i`, its requests proved again (with the attacker's search
    /// kept in `attacks` for the next step from the same node).
    pub(super) fn step<'g>(
        &'g self,
        i: usize,
        attacks: &mut FastMap<usize, Attack<'g, 'a>>,
    ) -> Option<Step> {
        let e: &Edge = self.edges.get(i)?;
        let attack = attacks
            .entry(e.from)
            .or_insert_with(|| Attack::new(&self.ix, &self.plan, e.from));
        let requests = attack
            .attempt(e.technique, e.to, e.via, true)
            .unwrap_or_default();
        Some(Step {
            from: self.ix.nodes.get(e.from)?.arn.clone(),
            to: self.ix.nodes.get(e.to)?.name(self.ix.inv).to_string(),
            technique: techniques().get(e.technique)?.id.clone(),
            requests,
        })
    }
}

/// A principal the graph does not hold, as reports name it.
fn normalized(text: &str) -> String {
    match Principal::parse(text) {
        Ok(p) => p.as_str().to_string(),
        Err(_) => text.to_string(),
    }
}

impl Graph<'_> {
    /// Whether technique `id` takes principal `from` to principal `to` (each as `reach` names
    /// principals), with the requests proved; `None` when it does not (or a name is unknown).
    /// Every technique is tried, not only the one kept per pair of principals.
    pub fn edge_by(&self, from: &str, id: &str, to: &str) -> Option<Vec<ProvedRequest>> {
        let (Ok(Some(x)), Ok(Some(y))) = (self.resolve(from), self.resolve(to)) else {
            return None;
        };
        let ti = techniques().iter().position(|t| t.id == id)?;
        let t = techniques().get(ti)?;
        if t.not_modelled.is_some() {
            return None;
        }
        let mut attack = Attack::new(&self.ix, &self.plan, x);
        let trusting = self.ix.trusting(x);
        let targets = attack.targets(t, ti, &trusting);
        targets
            .into_iter()
            .filter(|(n, _)| *n == y)
            .find_map(|(n, via)| attack.attempt(ti, n, via, true))
    }
}
