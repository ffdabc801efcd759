//! Whether a principal can make a request directly or through a path: the request asked as
//! each principal it holds (nearest first), as each it acts as for actions the technique
//! covers, and, for one that can rewrite its own permissions, as that principal once it has
//! granted itself everything (its boundary and SCPs still apply). For `who-can --transitive`
//! and scenario cases with `"transitive": true`.

use std::sync::Arc;

use serde::Serialize;

use super::graph::{Admin, Graph};
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
            let mut by = self.as_node(self.ix.engine, req, v);
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
            if let Some(by) = self.as_node(self.ix.engine, req, v) {
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
