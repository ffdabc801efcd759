//! Deciding one request, phase by phase: who is calling, what is asked, the context statements
//! read, each layer's verdict, and the decision over them.

use super::decide::{decide, Decision};
use super::layers::{req_session, Accumulator};
use super::prepare::Prepared;
use super::resolve::{completed_role, Target};
use super::service::{protected, service_rule};
use super::trace::{Layer, NoTrace, TraceSink};
use super::{CompiledPrincipal, Engine, Evaluation};
use crate::request::{Principal, Request};

/// Room for a lowercased action on the stack (the longest IAM action names are under 100 bytes).
const ACTION_BUF: usize = 128;

/// `text` in ASCII lowercase, written into `buf`; `None` when it does not fit (the caller then
/// allocates). Saves an allocation on every evaluation.
#[inline(always)]
fn lower_into<'b>(text: &str, buf: &'b mut [u8; ACTION_BUF]) -> Option<&'b str> {
    let out = buf.get_mut(..text.len())?;
    out.copy_from_slice(text.as_bytes());
    out.make_ascii_lowercase();
    std::str::from_utf8(out).ok()
}

/// `action` lowercased: on the stack when it fits in `buf`, else in `spill`.
#[inline(always)]
fn lowered<'b>(action: &str, buf: &'b mut [u8; ACTION_BUF], spill: &'b mut String) -> &'b str {
    match lower_into(action, buf) {
        Some(a) => a,
        None => {
            *spill = action.to_ascii_lowercase();
            spill
        }
    }
}

/// The service prefix of a lowercased action (`s3` of `s3:getobject`); empty when it has none.
#[inline(always)]
fn service_of(action: &str) -> &str {
    action
        .bytes()
        .position(|b| b == b':')
        .and_then(|i| action.get(..i))
        .unwrap_or("")
}

impl Engine {
    /// Decide `req`, reporting to `sink`: the one path behind `evaluate`, `explain` and
    /// `evaluate_with` (with [`super::NoTrace`], every trace event compiles away).
    pub(super) fn run<S: TraceSink>(&self, req: &Request, sink: &mut S) -> Evaluation {
        self.asked(req, |asked| {
            let target = |sink: &mut S| {
                self.target(req, asked.resource, asked.service, asked.principal, sink)
            };
            self.decide_asked(req, asked, target, sink)
        })
    }

    /// What `req` asks, normalised once, handed to `f`: the action lowercased on the stack and
    /// its service, the resource (a KMS alias resolved), and who is calling (the inventory's
    /// entry, and a role's ARN completed from it). `run` and `conditions_can_matter` both start
    /// here, so they cannot come to read a request differently.
    #[inline(always)]
    fn asked<R>(&self, req: &Request, f: impl FnOnce(&Asked<'_>) -> R) -> R {
        let known = self.caller_entry(&req.principal);
        let completed = completed_role(&req.principal, known);
        let principal = completed.as_ref().unwrap_or(&req.principal);
        let (mut action_buf, mut spill) = ([0u8; ACTION_BUF], String::new());
        let action = lowered(&req.action, &mut action_buf, &mut spill);
        let resource = self.resolve_alias(&req.resource);
        Self::asked_by(known, principal, resource, action, f)
    }

    /// [`Self::asked`] for a request already resolved: the caller's entry `known`,
    /// `principal`, the request's caller with a role's ARN completed, `resource`, the request's
    /// with a KMS alias resolved, and `action`, the request's lowercased (`memo.rs` keeps the
    /// first three between requests).
    #[inline(always)]
    pub(super) fn asked_by<R>(
        known: Option<&CompiledPrincipal>,
        principal: &Principal,
        resource: &str,
        action: &str,
        f: impl FnOnce(&Asked<'_>) -> R,
    ) -> R {
        f(&Asked {
            action,
            service: service_of(action),
            resource,
            known,
            principal,
        })
    }

    /// Decide `req`, as [`Self::asked`] normalised it; `target` finds what it asks about
    /// ([`Self::target`]), once the service's own rules have had their say.
    #[inline(always)]
    pub(super) fn decide_asked<'t, S: TraceSink>(
        &'t self,
        req: &'t Request,
        asked: &Asked<'t>,
        target: impl FnOnce(&mut S) -> Target<'t>,
        sink: &mut S,
    ) -> Evaluation {
        let Asked {
            action,
            service,
            resource,
            known,
            principal,
        } = *asked;

        // Rules the service enforces whatever the policies say.
        if let Some(ev) = service_rule(action, service, resource, principal, sink) {
            return ev;
        }

        // What is asked, and the context statements read.
        let target = target(sink);
        let session = req_session(req);
        let context = self.context(req, service, known, principal, &target, session.as_ref());
        let prepared = Prepared {
            action,
            service,
            resource,
            principal,
            has_boundary: known.is_some_and(|c| c.boundary.is_some()),
            context,
        };

        // Each layer's verdict, and the decision.
        let mut acc = Accumulator::default();
        let facts = self.verdicts(&mut acc, &prepared, known, &target, session.as_ref(), sink);
        let (decision, blocked_by) = decide(&facts);

        // What the service refuses to change whatever the policies allowed.
        if decision == Decision::Allow && matches!(service, "iam" | "kms") {
            let aws_managed_key = || {
                self.find_resource(resource, None)
                    .is_some_and(|r| r.aws_managed)
            };
            if let Some(refused) = protected(action, resource, principal, aws_managed_key, sink) {
                return refused;
            }
        }
        conclude(acc, decision, blocked_by)
    }

    /// Whether a statement that could take part in deciding `req` reads the context (has a
    /// condition or a policy variable): when none does, no condition can change the answer, so
    /// no statement fails on one. `who-can` explains only the requests where one might.
    pub(crate) fn conditions_can_matter(&self, req: &Request) -> bool {
        self.asked(req, |a| {
            let target = self.target(req, a.resource, a.service, a.principal, &mut NoTrace);
            let session = req_session(req);
            self.needs_context(
                a.service,
                a.known,
                a.principal,
                target.policy,
                session.as_ref(),
            )
        })
    }
}

/// A request's parts, normalised by [`Engine::asked`].
#[derive(Clone, Copy)]
pub(super) struct Asked<'a> {
    /// The action, lowercased
    pub(super) action: &'a str,
    /// Its service prefix
    pub(super) service: &'a str,
    /// The resource, a KMS alias resolved to its key
    pub(super) resource: &'a str,
    /// The caller's entry in the inventory, if it has one
    pub(super) known: Option<&'a CompiledPrincipal>,
    /// The caller, a role's ARN completed from the inventory
    pub(super) principal: &'a Principal,
}

/// The evaluation of a decision, with the statements that decided it.
#[inline(always)]
fn conclude(acc: Accumulator<'_>, decision: Decision, blocked_by: Option<Layer>) -> Evaluation {
    let deciding = match decision {
        Decision::ExplicitDeny => acc.denies.into_iter().cloned().collect(),
        Decision::Allow => acc.allows.into_iter().cloned().collect(),
        Decision::ImplicitDeny => Vec::new(),
    };
    Evaluation {
        decision,
        blocked_by,
        deciding,
        missing_context: acc.missing,
    }
}
