//! Policy sets: the statements of one layer for one principal or resource, indexed by the
//! service prefix of their actions so a request only looks at statements that can apply.

use std::collections::HashSet;
use std::sync::Arc;

use super::applies::principal_match;
use super::trace::StatementId;
use crate::inventory::NamedPolicy;
use crate::policy::{ActionClause, PrincipalClause, ResourceClause, ResourceMatcher, Statement};
use crate::request::Principal;

/// Statements of one layer, bucketed by action service prefix.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    statements: Vec<(StatementId, Arc<Statement>)>,
    by_service: crate::hash::FastMap<Box<str>, Vec<u32>>,
    /// Statements with `*` actions or `NotAction`: candidates for every service
    everywhere: Vec<u32>,
    /// Services with a candidate statement that reads the request context (a condition or a
    /// resource policy variable)
    reading_services: HashSet<Box<str>, crate::hash::FastBuild>,
    /// Whether an `everywhere` statement reads the request context
    everywhere_reads: bool,
}

/// The services for which any of several policy sets reads the request context (the union of
/// their [`PolicySet::reads_context`]), asked once per request instead of per set.
#[derive(Debug, Default)]
pub(crate) struct ContextReaders {
    everywhere: bool,
    services: HashSet<Box<str>, crate::hash::FastBuild>,
}

impl ContextReaders {
    /// Count `set`'s readers in.
    pub(crate) fn add(&mut self, set: &PolicySet) {
        self.everywhere |= set.everywhere_reads;
        for s in &set.reading_services {
            if !self.services.contains(s) {
                self.services.insert(s.clone());
            }
        }
    }

    /// Does some set read the context for a request to `service`?
    pub(crate) fn reads(&self, service: &str) -> bool {
        self.everywhere || self.services.contains(service)
    }
}

impl PolicySet {
    /// Compile the statements of `policies` into one set.
    pub fn new<'a>(policies: impl IntoIterator<Item = &'a NamedPolicy>) -> Self {
        let mut set = Self::default();
        for p in policies {
            set.add(p);
        }
        set
    }

    /// Add one policy's statements.
    pub fn add(&mut self, policy: &NamedPolicy) {
        let name: Arc<str> = policy.name.as_str().into();
        for (index, st) in policy.document.statements.iter().enumerate() {
            let n = u32::try_from(self.statements.len()).unwrap_or(u32::MAX);
            let mut services: Vec<&str> = Vec::new();
            let mut everywhere = false;
            match &st.action {
                ActionClause::NotAction(_) => everywhere = true,
                ActionClause::Action(list) => {
                    for a in list {
                        match &a.service {
                            None => everywhere = true,
                            Some(s) => services.push(s),
                        }
                    }
                }
            }
            let reads = reads_context(st);
            if everywhere {
                self.everywhere.push(n);
                self.everywhere_reads |= reads;
            } else {
                services.sort_unstable();
                services.dedup();
                // Keys are allocated only for a service not seen before in this set.
                for s in services {
                    if reads && !self.reading_services.contains(s) {
                        self.reading_services.insert(s.into());
                    }
                    match self.by_service.get_mut(s) {
                        Some(list) => list.push(n),
                        None => {
                            self.by_service.insert(s.into(), vec![n]);
                        }
                    }
                }
            }
            let id = StatementId::new(name.clone(), index, st.sid.as_deref().map(Arc::from));
            self.statements.push((id, Arc::clone(st)));
        }
    }

    /// True when the set holds no statement
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// Number of statements
    pub fn len(&self) -> usize {
        self.statements.len()
    }

    /// The statements that may apply to an action of `service` (lowercase), in no fixed order.
    pub fn candidates<'a>(
        &'a self,
        service: &str,
    ) -> impl Iterator<Item = &'a (StatementId, Arc<Statement>)> + 'a {
        let bucket = self
            .by_service
            .get(service)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        self.everywhere
            .iter()
            .chain(bucket.iter())
            .filter_map(|&i| self.statements.get(i as usize))
    }

    /// Whether a candidate statement for `service` (lowercase) reads the request context: has a
    /// condition or a resource pattern with a policy variable. When none does, the context
    /// (and the global keys the engine would add to it) cannot change the answer.
    pub(crate) fn reads_context(&self, service: &str) -> bool {
        self.everywhere_reads || self.reading_services.contains(service)
    }

    /// [`Self::reads_context`], narrowed to statements whose `Principal` names `caller`: a
    /// statement that does not name the caller is ruled out before its conditions are read.
    pub(crate) fn reads_context_for(&self, service: &str, caller: &Principal) -> bool {
        self.reads_context(service)
            && self.candidates(service).any(|(_, st)| {
                reads_context(st)
                    && match &st.principal {
                        Some(PrincipalClause::Principal(p)) => principal_match(p, caller).is_some(),
                        _ => true,
                    }
            })
    }

    /// Every statement, in insertion order
    pub fn statements(&self) -> impl Iterator<Item = &(StatementId, Arc<Statement>)> {
        self.statements.iter()
    }
}

fn reads_context(st: &Statement) -> bool {
    let templated = |l: &[crate::policy::ResourcePattern]| {
        l.iter()
            .any(|r| matches!(r.matcher, ResourceMatcher::Template(_)))
    };
    !st.conditions.is_empty()
        || match &st.resource {
            Some(ResourceClause::Resource(l) | ResourceClause::NotResource(l)) => templated(l),
            None => false,
        }
}
