//! Deciding cases as their file is read, for a report that shows only failures
//! ([`super::LoadOptions::failures_only`]): a case that passes, that the catalog accepts and
//! that no later check reads is counted and let go, so a large passing suite never holds its
//! cases (holding 100,000 of them cost more in fresh memory than deciding them). Every other
//! case is held and runs as before.

use std::sync::{Arc, Mutex};

use crate::catalog::validate_request;
use crate::engine::{Engine, Memo};
use crate::hash::FastMap;
use crate::request::{Context, Principal};
use crate::scenario::case::{Case, RequestBuffer};
use crate::scenario::format::Expect;

/// A plain case's principal, context, action and resource.
pub(super) type PlainRequest<'r> = (
    &'r Arc<Principal>,
    &'r Arc<Context>,
    &'r Arc<str>,
    &'r Arc<str>,
);

/// The catalog's answer for each (action, resource) pair met so far, by text: shared by the
/// files read on every core, since a suite's files repeat their pairs (a check per pair per
/// file was a fifth of a 20-file suite's time).
#[derive(Debug, Default)]
pub(super) struct Accepted {
    by_hash: Mutex<ByHash>,
}

/// Each (action, resource) pair and the catalog's answer, by the pair's hash.
type ByHash = FastMap<u64, Vec<(Box<str>, Box<str>, bool)>>;

/// A pair of a file's shared strings (an action and a resource).
type SharedPair = (Arc<str>, Arc<str>);

impl Accepted {
    /// Does the catalog accept `action` on `resource` ([`validate_request`])?
    fn accepts(&self, action: &str, resource: &str) -> bool {
        let hash = crate::hash::fx_hash(&(action, resource));
        let known = |map: &ByHash| {
            map.get(&hash)?
                .iter()
                .find(|(a, r, _)| **a == *action && **r == *resource)
                .map(|&(_, _, ok)| ok)
        };
        // A poisoned lock only loses the sharing: the pair is checked here.
        if let Some(ok) = self.by_hash.lock().ok().and_then(|m| known(&m)) {
            return ok;
        }
        let ok = validate_request(action, resource).is_ok();
        if let Ok(mut map) = self.by_hash.lock() {
            map.entry(hash)
                .or_default()
                .push((action.into(), resource.into(), ok));
        }
        ok
    }
}

/// Decides one file's cases against its engine.
pub(super) struct Decider<'a> {
    engine: &'a Engine,
    buf: RequestBuffer,
    /// The engine's resolution of the last caller and resource (a file's cases come in runs)
    memo: Memo<'a>,
    /// The suite's catalog answers; `None` with `--no-catalog`, which checks no case
    catalog: Option<&'a Accepted>,
    /// Whether the catalog accepts each (action, resource) pair, by the addresses of the
    /// file's shared strings: small entries, for a table looked up once per case (with the
    /// strings in it, it outgrew the first-level cache and its loads were a quarter of this
    /// check's time)
    accepted: FastMap<(*const u8, *const u8), bool>,
    /// The strings `accepted` names, held so that no address is reused for another string
    held: Vec<SharedPair>,
    /// The cases decided, passed and let go
    pub(super) passed: usize,
}

impl<'a> Decider<'a> {
    /// A decider of cases that run against `engine`, checking them against the catalog
    /// (through the suite's `catalog` answers) unless `no_catalog`.
    pub(super) fn new(engine: &'a Engine, catalog: &'a Accepted, no_catalog: bool) -> Self {
        Self {
            engine,
            buf: RequestBuffer::default(),
            memo: Memo::default(),
            catalog: (!no_catalog).then_some(catalog),
            accepted: FastMap::default(),
            held: Vec::new(),
            passed: 0,
        }
    }

    /// Decide `case`: true when it may be let go, counted as passed. It must be a single request
    /// with no expectation but its decision (no `because`, `blocked_by`, `skip`, path or
    /// quantifier), no context (its keys may draw a catalog warning), and an action and
    /// resource the catalog accepts (else the suite's validation reports it, in case order);
    /// then it is let go when its decision is the one expected.
    pub(super) fn lets_go(&mut self, case: &Case) -> bool {
        let plain = case.because.is_none()
            && case.blocked_by.is_none()
            && case.skip.is_none()
            && !case.transitive
            && case.quantified.is_none()
            && case.request.context.is_empty();
        if !plain || !self.accepts(&case.request.action, &case.request.resource) {
            return false;
        }
        let (req, caller) = self.buf.request(&case.request);
        let ev = self.engine.evaluate_memo_for(req, caller, &mut self.memo);
        let passed = case.expect.is_met_by(ev.decision);
        self.passed += usize::from(passed);
        passed
    }

    /// [`Self::lets_go`] for the case of a plain scenario (`plain.rs`: no expectation but its
    /// decision, no resource account or session policy), before it is built: its principal,
    /// context, action and resource, and its expectation. It is never built when let go.
    pub(super) fn lets_go_plain(&mut self, request: PlainRequest<'_>, expect: Expect) -> bool {
        let (principal, context, action, resource) = request;
        if !context.is_empty() || !self.accepts(action, resource) {
            return false;
        }
        let (req, caller) = self.buf.plain(principal, context, action, resource);
        let ev = self.engine.evaluate_memo_for(req, caller, &mut self.memo);
        let passed = expect.is_met_by(ev.decision);
        self.passed += usize::from(passed);
        passed
    }

    /// Does the catalog accept `action` on `resource`, as the suite's validation checks them
    /// (`validate.rs`: a KMS alias stands for the key it names)?
    fn accepts(&mut self, action: &Arc<str>, resource: &Arc<str>) -> bool {
        let Some(catalog) = self.catalog else {
            return true;
        };
        let key = (
            Arc::as_ptr(action).cast::<u8>(),
            Arc::as_ptr(resource).cast::<u8>(),
        );
        if let Some(&ok) = self.accepted.get(&key) {
            return ok;
        }
        let ok = catalog.accepts(action, self.engine.resolve_alias(resource));
        self.held.push((action.clone(), resource.clone()));
        self.accepted.insert(key, ok);
        ok
    }
}
