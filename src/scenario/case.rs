//! One expanded case, and its request held compactly: a suite of 100,000 cases repeats the same
//! principal, context, actions and resources many times over, so those parts are shared
//! (`Arc`) between the cases that have them in common. The engine's [`Request`] is built when a
//! case runs, reusing the previous case's when only the action or resource changed.

use std::collections::HashMap;
use std::sync::Arc;

use super::format::Expect;
use crate::engine::Layer;
use crate::policy::Document;
use crate::request::{Context, Principal, Request};

/// One expanded case, ready to evaluate.
#[derive(Debug, Clone)]
pub struct Case {
    /// The scenario file (shared by its cases)
    pub file: Arc<str>,
    /// The unique case name
    pub name: String,
    /// Index of the engine (inventory) it runs against in [`super::Suite::engines`]
    pub engine: usize,
    /// The request
    pub request: CaseRequest,
    /// The expectation
    pub expect: Expect,
    /// The statement that must decide
    pub because: Option<Arc<str>>,
    /// The layer that must deny
    pub blocked_by: Option<Layer>,
    /// Skip reason
    pub skip: Option<Arc<str>>,
    /// Tags (file and scenario), shared by the cases of a scenario
    pub tags: Arc<[String]>,
    /// Decided through escalation paths (`because` then names a technique)
    pub transitive: bool,
    /// For a quantified scenario: the set of requests the case stands for (docs/prove.md)
    pub quantified: Option<Arc<Quantified>>,
}

/// The requests a quantified case stands for: every action and resource of its lists
/// (patterns over the catalog and ARNs when `patterns`), under every value of `keys`.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantified {
    /// Actions, or action patterns
    pub actions: Vec<String>,
    /// Resources, or resource patterns
    pub resources: Vec<String>,
    /// Whether the lists are patterns
    pub patterns: bool,
    /// The context keys that vary
    pub keys: crate::prove::Keys,
    /// A tenancy claim: the principal acts on no other owner's resources, these owners left out
    pub tenancy: Option<Vec<String>>,
}

/// A case's request, with the parts cases have in common shared between them.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRequest {
    /// Who calls
    pub principal: Arc<Principal>,
    /// `service:Action`, any case
    pub action: Arc<str>,
    /// The resource ARN, or `*`
    pub resource: Arc<str>,
    /// Context keys the caller supplies
    pub context: Arc<Context>,
    /// The account that owns the resource, when neither its ARN nor the inventory says
    pub resource_account: Option<Arc<str>>,
    /// The session policy in force for the caller, if any
    pub session_policy: Option<Arc<Document>>,
}

impl CaseRequest {
    /// The engine's request for this case.
    pub fn to_request(&self) -> Request {
        let mut r = Request::new(
            Principal::clone(&self.principal),
            &*self.action,
            &*self.resource,
        );
        r.context = Context::clone(&self.context);
        r.resource_account = self.resource_account.as_deref().map(str::to_string);
        r.session_policy = self.session_policy.as_deref().cloned();
        r
    }

    /// Do `self` and `other` share principal, context, resource account and session policy?
    fn shares_parts_with(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.principal, &other.principal)
            && Arc::ptr_eq(&self.context, &other.context)
            && self.resource_account == other.resource_account
            && match (&self.session_policy, &other.session_policy) {
                (None, None) => true,
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                _ => false,
            }
    }
}

/// The engine's request for one case after another: the previous request is reused (only the
/// action and resource rewritten) while consecutive cases share their other parts. Those parts
/// are cloned only when the request is rebuilt (an atomic count each), so a case may be
/// dropped once it has run.
#[derive(Debug, Default)]
pub(crate) struct RequestBuffer {
    last: Option<(CaseRequest, Request)>,
}

impl RequestBuffer {
    /// The request for `case`, rewritten in place (a request is a few hundred bytes: moving it
    /// out and back per case was a copy each way), and the shared principal it names (for
    /// [`crate::engine::Engine::evaluate_memo_for`]).
    pub(crate) fn request(&mut self, case: &CaseRequest) -> (&Request, &Arc<Principal>) {
        let reuse = self
            .last
            .as_ref()
            .is_some_and(|(prev, _)| prev.shares_parts_with(case));
        self.reuse_or_build(reuse, &case.action, &case.resource, || case.clone())
    }

    /// The request of a case with no resource account or session policy, from its parts (the
    /// case need not exist), and the shared principal it names.
    pub(crate) fn plain(
        &mut self,
        principal: &Arc<Principal>,
        context: &Arc<Context>,
        action: &str,
        resource: &str,
    ) -> (&Request, &Arc<Principal>) {
        let reuse = self.last.as_ref().is_some_and(|(prev, _)| {
            Arc::ptr_eq(&prev.principal, principal)
                && Arc::ptr_eq(&prev.context, context)
                && prev.resource_account.is_none()
                && prev.session_policy.is_none()
        });
        self.reuse_or_build(reuse, action, resource, || CaseRequest {
            principal: principal.clone(),
            action: action.into(),
            resource: resource.into(),
            context: context.clone(),
            resource_account: None,
            session_policy: None,
        })
    }

    /// The previous request with `action` and `resource` written in when `reuse`, else the
    /// request of the case `build` gives; and the shared principal the request was built from.
    fn reuse_or_build(
        &mut self,
        reuse: bool,
        action: &str,
        resource: &str,
        build: impl FnOnce() -> CaseRequest,
    ) -> (&Request, &Arc<Principal>) {
        if !reuse {
            self.last = None;
        }
        let (case, req) = self.last.get_or_insert_with(|| {
            let case = build();
            let req = case.to_request();
            (case, req)
        });
        if reuse {
            req.action.clear();
            req.action.push_str(action);
            req.resource.clear();
            req.resource.push_str(resource);
        }
        (req, &case.principal)
    }
}

/// Strings that many cases repeat (actions, resources, `because`), held once per file, each
/// with the marks of the checks it has passed (see [`Interner::get_marked`]).
#[derive(Debug, Default)]
pub(crate) struct Interner {
    map: HashMap<Arc<str>, u8, std::hash::BuildHasherDefault<crate::hash::FxHasher>>,
}

impl Interner {
    /// The shared copy of `s`.
    pub(crate) fn get(&mut self, s: &str) -> Arc<str> {
        self.get_marked(s).0
    }

    /// The shared copy of `s`, and the marks [`Self::mark`] set on it: a suite repeats the
    /// same actions and resources across many cases, and a check passed once need not be
    /// redone. The bits are the caller's.
    pub(crate) fn get_marked(&mut self, s: &str) -> (Arc<str>, u8) {
        if let Some((shared, marks)) = self.map.get_key_value(s) {
            return (shared.clone(), *marks);
        }
        let shared: Arc<str> = s.into();
        self.map.insert(shared.clone(), 0);
        (shared, 0)
    }

    /// Set `bits` among the marks of `s` (held already).
    pub(crate) fn mark(&mut self, s: &str, bits: u8) {
        if let Some(marks) = self.map.get_mut(s) {
            *marks |= bits;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case_request(principal: &Arc<Principal>, action: &str, resource: &str) -> CaseRequest {
        CaseRequest {
            principal: principal.clone(),
            action: action.into(),
            resource: resource.into(),
            context: Arc::new(Context::new()),
            resource_account: None,
            session_policy: None,
        }
    }

    #[test]
    fn to_request_copies_every_part() {
        let p = Arc::new(Principal::parse("arn:aws:iam::111122223333:role/a").unwrap());
        let mut c = case_request(&p, "s3:GetObject", "arn:aws:s3:::b/k");
        c.resource_account = Some("444455556666".into());
        let r = c.to_request();
        assert_eq!(r.principal.as_str(), "arn:aws:iam::111122223333:role/a");
        assert_eq!(r.action, "s3:GetObject");
        assert_eq!(r.resource, "arn:aws:s3:::b/k");
        assert_eq!(r.resource_account.as_deref(), Some("444455556666"));
    }

    #[test]
    fn the_buffer_rewrites_action_and_resource_and_rebuilds_on_a_new_principal() {
        let a = Arc::new(Principal::parse("arn:aws:iam::111122223333:role/a").unwrap());
        let b = Arc::new(Principal::parse("arn:aws:iam::111122223333:role/b").unwrap());
        let ctx = Arc::new(Context::new());
        let mut first = case_request(&a, "s3:GetObject", "arn:aws:s3:::b/k");
        first.context = ctx.clone();
        let mut second = case_request(&a, "kms:Decrypt", "*");
        second.context = ctx;
        let third = case_request(&b, "kms:Decrypt", "*");
        let mut buf = RequestBuffer::default();
        assert_eq!(buf.request(&first).0.action, "s3:GetObject");
        let (r, shared) = buf.request(&second);
        assert_eq!(
            (r.action.as_str(), r.resource.as_str()),
            ("kms:Decrypt", "*")
        );
        assert_eq!(r.principal.as_str(), "arn:aws:iam::111122223333:role/a");
        assert!(
            Arc::ptr_eq(shared, &a),
            "the principal the request was built from"
        );
        let (r, shared) = buf.request(&third);
        assert_eq!(r.principal.as_str(), "arn:aws:iam::111122223333:role/b");
        assert!(Arc::ptr_eq(shared, &b));
    }

    #[test]
    fn the_interner_hands_out_one_copy() {
        let mut i = Interner::default();
        let x = i.get("kms:Decrypt");
        let y = i.get("kms:Decrypt");
        assert!(Arc::ptr_eq(&x, &y));
        assert_eq!(&*i.get("kms:Encrypt"), "kms:Encrypt");
    }

    #[test]
    fn marks_are_kept_per_string() {
        let mut i = Interner::default();
        assert_eq!(i.get_marked("kms:Decrypt").1, 0);
        i.mark("kms:Decrypt", 0b10);
        i.mark("kms:Decrypt", 0b01);
        i.mark("not held", 0b01);
        assert_eq!(i.get_marked("kms:Decrypt").1, 0b11);
        assert_eq!(i.get_marked("kms:Encrypt").1, 0);
        assert_eq!(i.get_marked("not held").1, 0);
    }
}
