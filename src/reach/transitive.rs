//! Whether a principal can make a request directly or through a path: the request asked as
//! each principal it holds (nearest first), as each it acts as for actions the technique
//! covers, and, for one that can rewrite its own permissions, as that principal once it has
//! granted itself everything (its boundary and SCPs still apply). For `who-can --transitive`
//! and scenario cases with `"transitive": true`.

use std::sync::Arc;

use serde::Serialize;

use super::graph::{Admin, Graph};
use super::keys::session_keys;
use super::mini;
use super::prove::statement_ref;
use super::query::{ReachError, Step};
use super::technique::techniques;
use crate::engine::Engine;
use crate::hash::FastMap;
use crate::pattern::{Dialect, Wildcard};
use crate::request::Request;

/// How a principal gets a request allowed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathAnswer {
    /// The principal asked about
    pub principal: String,
    /// The principal that makes the allowed request (the asked one when direct)
    pub acting_as: String,
    /// The steps to it (empty when direct)
    pub path: Vec<Step>,
    /// The statements that allowed the final request
    pub decided_by: Vec<String>,
}

impl PathAnswer {
    /// One line: `direct` or `a -[technique]-> b -[...]-> c`, then who allowed it.
    pub fn describe(&self) -> String {
        let mut text = short(&self.principal).to_string();
        for s in &self.path {
            text.push_str(&format!(" -[{}]-> {}", s.technique, short(&s.to)));
        }
        let how = if self.path.is_empty() {
            "directly"
        } else {
            "through that path"
        };
        format!("{text}: allowed {how} by {}", self.decided_by.join(", "))
    }
}

/// `role/NAME` of an IAM ARN, else the text.
fn short(arn: &str) -> &str {
    match arn.split_once(":iam::") {
        Some((_, rest)) => rest.split_once(':').map_or(arn, |(_, r)| r),
        None => arn,
    }
}

impl Graph<'_> {
    /// The engine of node `n` after it granted itself everything.
    fn elevated(&self, n: usize) -> Option<Arc<Engine>> {
        let mut cache = self.elevated.0.lock().ok()?;
        cache
            .entry(n)
            .or_insert_with(|| mini::elevated(&self.ix, n).map(Arc::new))
            .clone()
    }

    /// Whether node `n` holds admin by rewriting permissions (its own, or the path's last
    /// step rewrote them).
    fn rewrites(&self, n: usize, via_admin_edge: bool) -> bool {
        via_admin_edge || matches!(self.admin.get(n), Some(Admin::Itself(_)))
    }

    /// Ask `req` as node `v` (with `engine`): the deciding statements when allowed.
    fn as_node(&self, engine: &Engine, req: &Request, v: usize) -> Option<Vec<String>> {
        let principal = self.ix.nodes.get(v)?.principal.clone()?;
        let mut r = req.clone();
        r.principal = principal;
        r.session_policy = None;
        session_keys(&r.principal, &mut r.context);
        let ev = engine.evaluate(&r);
        ev.decision
            .is_allowed()
            .then(|| ev.deciding.iter().map(statement_ref).collect())
    }

    /// How the principal `text` gets `req` allowed (its principal is replaced by each one
    /// reached), within `max_hops` steps; `None` when nothing allows it.
    pub fn can(
        &self,
        text: &str,
        req: &Request,
        max_hops: Option<usize>,
    ) -> Result<Option<PathAnswer>, ReachError> {
        let answer =
            |acting: usize, path: Vec<Step>, decided_by: Vec<String>, g: &Self| PathAnswer {
                principal: text_of(g, text),
                acting_as: g
                    .ix
                    .nodes
                    .get(acting)
                    .map_or_else(|| text.to_string(), |n| n.arn.clone()),
                path,
                decided_by,
            };
        let direct = self.ix.engine.evaluate(req);
        let s = self.resolve(text)?;
        let Some(s) = s else {
            return Ok(direct.decision.is_allowed().then(|| PathAnswer {
                principal: text.to_string(),
                acting_as: text.to_string(),
                path: Vec::new(),
                decided_by: direct.deciding.iter().map(statement_ref).collect(),
            }));
        };
        if direct.decision.is_allowed() {
            let by = direct.deciding.iter().map(statement_ref).collect();
            return Ok(Some(answer(s, Vec::new(), by, self)));
        }
        let found = self.search(s);
        let mut attacks = FastMap::default();
        let within = |edges: &[usize]| max_hops.is_none_or(|m| edges.len() <= m);
        // The source itself, once it has rewritten its own permissions.
        if let Some(Admin::Itself(i)) = self.admin.get(s) {
            if let Some(by) = self.elevated(s).and_then(|e| self.as_node(&e, req, s)) {
                if within(&[*i]) {
                    let path = self.step(*i, &mut attacks).into_iter().collect();
                    return Ok(Some(answer(s, path, by, self)));
                }
            }
        }
        for &v in &found.order {
            let edges = self.chain(&found, s, v);
            if !within(&edges) {
                continue;
            }
            let mut by = self.as_node(self.ix.engine_of(v), req, v);
            let last_admin = edges
                .last()
                .and_then(|i| self.edges.get(*i))
                .is_some_and(|e| e.admin);
            if by.is_none() && self.rewrites(v, last_admin) {
                by = self.elevated(v).and_then(|e| self.as_node(&e, req, v));
            }
            if let Some(by) = by {
                let path = edges
                    .iter()
                    .filter_map(|i| self.step(*i, &mut attacks))
                    .collect();
                return Ok(Some(answer(v, path, by, self)));
            }
        }
        let action = req.action.to_ascii_lowercase();
        for (v, b) in found.bounded.iter().enumerate() {
            let Some(b) = b else { continue };
            let Some(e) = self.edges.get(*b) else {
                continue;
            };
            let covered = techniques().get(e.technique).is_some_and(|t| {
                t.acts_as_actions.iter().any(|a| {
                    Wildcard::new(&a.to_ascii_lowercase(), Dialect::Plain)
                        .is_ok_and(|w| w.is_match(&action))
                })
            });
            if !covered || found.full.get(v).is_some_and(Option::is_some) {
                continue;
            }
            let mut edges = if e.from == s {
                Vec::new()
            } else {
                self.chain(&found, s, e.from)
            };
            edges.push(*b);
            if !within(&edges) {
                continue;
            }
            if let Some(by) = self.as_node(self.ix.engine_of(v), req, v) {
                let path = edges
                    .iter()
                    .filter_map(|i| self.step(*i, &mut attacks))
                    .collect();
                return Ok(Some(answer(v, path, by, self)));
            }
        }
        Ok(None)
    }
}

/// The ARN of the node `text` names, else `text`.
fn text_of(g: &Graph<'_>, text: &str) -> String {
    match g.resolve(text) {
        Ok(Some(n)) => {
            g.ix.nodes
                .get(n)
                .map_or_else(|| text.to_string(), |x| x.arn.clone())
        }
        _ => text.to_string(),
    }
}

/// Who can make a request, and how: one answer per principal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhoCanPath {
    /// The principal
    pub principal: String,
    /// What kind of principal it is (`role`, `user`, `service`, `account`, `anonymous`)
    pub kind: &'static str,
    /// The principal that makes the allowed request (itself when direct)
    pub acting_as: String,
    /// Steps on the way (0: direct)
    pub hops: usize,
    /// The steps
    pub path: Vec<Step>,
    /// The statements that allowed the final request
    pub decided_by: Vec<String>,
}

/// How a node is known to get the request allowed: directly, or by taking an edge to a node
/// that does.
#[derive(Debug, Clone)]
enum Way {
    /// It is allowed itself (with `engine` elevated when it rewrote its own permissions)
    Direct(Vec<String>),
    /// Edge index to the next node on the way
    Next(usize),
}

impl Graph<'_> {
    /// Every principal that can make `req` (its principal is replaced), directly or through a
    /// path of at most `max_hops` steps, nearest first: the principals allowed are found first,
    /// then a breadth-first search backwards over the edges finds who reaches them.
    pub fn who_can_transitive(&self, req: &Request, max_hops: Option<usize>) -> Vec<WhoCanPath> {
        let n = self.ix.nodes.len();
        let mut way: Vec<Option<(usize, Way)>> = (0..n)
            .map(|v| {
                self.as_node(self.ix.engine_of(v), req, v)
                    .map(|by| (0, Way::Direct(by)))
            })
            .collect();
        self.seed_indirect(req, &mut way);
        // Backwards over full-power edges: u -> v with v settled settles u one step further.
        let mut into: Vec<Vec<usize>> = vec![Vec::new(); n];
        let all = techniques();
        for (i, e) in self.edges.iter().enumerate() {
            let full = all.get(e.technique).is_some_and(|t| {
                t.gains == super::technique::Gains::Becomes
                    || t.acts_as_actions.iter().any(|a| a == "*")
            });
            if let Some(list) = into.get_mut(e.to).filter(|_| full && e.from != e.to) {
                list.push(i);
            }
        }
        let hops_of = |way: &[Option<(usize, Way)>], v: usize| {
            way.get(v).and_then(|w| w.as_ref()).map(|w| w.0)
        };
        let mut order: Vec<usize> = (0..n).filter(|v| hops_of(&way, *v).is_some()).collect();
        order.sort_by_key(|v| hops_of(&way, *v));
        let mut queue: std::collections::VecDeque<usize> = order.into_iter().collect();
        while let Some(v) = queue.pop_front() {
            let d = hops_of(&way, v).unwrap_or(0);
            if max_hops.is_some_and(|m| d >= m) {
                continue;
            }
            for &i in into.get(v).into_iter().flatten() {
                let Some(e) = self.edges.get(i) else { continue };
                if let Some(slot) = way.get_mut(e.from).filter(|w| w.is_none()) {
                    *slot = Some((d + 1, Way::Next(i)));
                    queue.push_back(e.from);
                }
            }
        }
        let mut out: Vec<WhoCanPath> = Vec::new();
        let mut attacks = FastMap::default();
        for (v, w) in way.iter().enumerate() {
            let Some((hops, _)) = w else { continue };
            // A member node (a user in groups it joined) is a step of a path, not a principal.
            let Some(node) = self
                .ix
                .nodes
                .get(v)
                .filter(|n| n.joined.is_empty() && max_hops.is_none_or(|m| *hops <= m))
            else {
                continue;
            };
            let (mut u, mut path, mut by) = (v, Vec::new(), Vec::new());
            while let Some(Some((_, w))) = way.get(u) {
                match w {
                    Way::Direct(d) => {
                        by = d.clone();
                        break;
                    }
                    Way::Next(i) => {
                        path.extend(self.step(*i, &mut attacks));
                        let Some(e) = self.edges.get(*i) else { break };
                        u = e.to;
                        if e.admin {
                            // The step rewrote `u`'s permissions: it asks as `u` elevated.
                            by = self
                                .elevated(u)
                                .and_then(|en| self.as_node(&en, req, u))
                                .unwrap_or_default();
                            break;
                        }
                    }
                }
            }
            out.push(WhoCanPath {
                principal: node.arn.clone(),
                kind: node.kind.name(),
                acting_as: self
                    .ix
                    .nodes
                    .get(u)
                    .map_or_else(String::new, |x| x.arn.clone()),
                hops: path.len(),
                path,
                decided_by: by,
            });
        }
        out.sort_by(|a, b| (a.hops, &a.principal).cmp(&(b.hops, &b.principal)));
        out
    }

    /// Nodes allowed one step away without a full-power edge: through an acts-as edge whose
    /// actions cover the request's, or by rewriting permissions (their own, or the target's).
    fn seed_indirect(&self, req: &Request, way: &mut [Option<(usize, Way)>]) {
        let action = req.action.to_ascii_lowercase();
        for (i, e) in self.edges.iter().enumerate() {
            if way.get(e.from).is_some_and(Option::is_some) {
                continue;
            }
            let Some(t) = techniques().get(e.technique) else {
                continue;
            };
            let covers = |a: &String| {
                Wildcard::new(&a.to_ascii_lowercase(), Dialect::Plain)
                    .is_ok_and(|w| w.is_match(&action))
            };
            let bounded = t.gains == super::technique::Gains::ActsAs
                && !t.acts_as_actions.iter().any(|a| a == "*")
                && t.acts_as_actions.iter().any(covers);
            let allowed = if e.admin {
                self.elevated(e.to)
                    .and_then(|en| self.as_node(&en, req, e.to))
                    .is_some()
            } else {
                bounded && self.as_node(self.ix.engine_of(e.to), req, e.to).is_some()
            };
            if allowed {
                if let Some(slot) = way.get_mut(e.from) {
                    *slot = Some((1, Way::Next(i)));
                }
            }
        }
    }
}
