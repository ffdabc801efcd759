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
        self.add_shared(policy, &statement_ids(policy));
    }

    /// Add one policy's statements under `ids`, the policy's [`statement_ids`]: a policy that
    /// many sets hold (a managed policy attached to 100,000 roles) shares one set of ids.
    pub(crate) fn add_shared(&mut self, policy: &NamedPolicy, ids: &[StatementId]) {
        // Ids of another policy would leave statements out (a quiet deny): the policy's own.
        let own;
        let ids = if ids.len() == policy.document.statements.len() {
            ids
        } else {
            own = statement_ids(policy);
            &own
        };
        for (st, id) in policy.document.statements.iter().zip(ids) {
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
            self.statements.push((id.clone(), Arc::clone(st)));
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

/// The ids of `policy`'s statements, in document order.
pub(crate) fn statement_ids(policy: &NamedPolicy) -> Vec<StatementId> {
    let name: Arc<str> = policy.name.as_str().into();
    policy
        .document
        .statements
        .iter()
        .enumerate()
        .map(|(index, st)| StatementId::new(name.clone(), index, st.sid.as_deref().map(Arc::from)))
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::named;
    use crate::policy::{parse_document, PolicyKind};

    fn policy(name: &str, statements: serde_json::Value) -> NamedPolicy {
        let doc = serde_json::json!({"Version": "2012-10-17", "Statement": statements});
        named(
            name,
            parse_document(&doc, name, PolicyKind::Identity).unwrap(),
        )
    }

    fn listed(set: &PolicySet, service: &str) -> Vec<String> {
        set.candidates(service)
            .map(|(id, _)| id.to_string())
            .collect()
    }

    /// A managed policy's ids are made once and shared; a set built from them is the set `add`
    /// builds, and ids of another policy are not taken (they would leave statements out).
    #[test]
    fn shared_ids_build_the_same_set_and_wrong_ids_are_not_taken() {
        let p = policy(
            "m",
            serde_json::json!([
                {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
                {"Effect": "Deny", "Action": "*", "Resource": "*"}
            ]),
        );
        let other = policy(
            "o",
            serde_json::json!([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]),
        );
        let mut plain = PolicySet::default();
        plain.add(&p);
        let ids = statement_ids(&p);
        let mut shared = PolicySet::default();
        shared.add_shared(&p, &ids);
        assert_eq!(listed(&shared, "s3"), listed(&plain, "s3"));
        // Statements for every service come first.
        assert_eq!(
            listed(&shared, "s3"),
            ["m statement #1", "m statement Read (#0)"]
        );
        assert!(shared
            .statements()
            .zip(&ids)
            .all(|((a, _), b)| std::ptr::eq::<super::super::StatementName>(&**a, &**b)));
        let mut wrong = PolicySet::default();
        wrong.add_shared(&p, &statement_ids(&other));
        assert_eq!(listed(&wrong, "s3"), listed(&plain, "s3"));
    }
}
