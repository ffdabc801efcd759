//! Every statement the compiled inventory holds, once each, with the layer it sits in (for
//! checks over the policies themselves: a misspelt action, a resource of the wrong shape), and
//! the short names it answers to (for a did-you-mean).

use std::collections::HashSet;
use std::sync::Arc;

use super::compile::PolicySet;
use super::trace::{Layer, StatementId};
use super::Engine;
use crate::policy::Statement;

impl Engine {
    /// Each statement of every policy, in compile order; a managed policy attached to many
    /// principals is listed once.
    pub fn statements(&self) -> Vec<(Layer, &StatementId, &Arc<Statement>)> {
        let mut sets: Vec<(Layer, &PolicySet)> = Vec::new();
        for p in &self.principals {
            sets.push((Layer::Identity, &p.identity));
            sets.extend(p.boundary.iter().map(|b| (Layer::Boundary, b)));
            sets.extend(p.trust.iter().map(|t| (Layer::TrustPolicy, t)));
        }
        for r in &self.resources {
            sets.extend(r.policy.iter().map(|p| (Layer::Resource, p)));
        }
        for path in self.org.values() {
            sets.extend(path.scps.iter().map(|s| (Layer::Scp, s)));
            sets.extend(path.rcps.iter().map(|s| (Layer::Rcp, s)));
        }
        let mut seen: HashSet<(&str, usize), crate::hash::FastBuild> = HashSet::default();
        let mut out = Vec::new();
        for (layer, set) in sets {
            for (id, st) in set.statements() {
                if seen.insert((&*id.policy, id.index)) {
                    out.push((layer, id, st));
                }
            }
        }
        out
    }

    /// Every short name (`role/NAME`, `user/NAME`) the inventory answers to.
    pub fn short_names(&self) -> impl Iterator<Item = &str> {
        self.short_names.keys().map(String::as_str)
    }
}
