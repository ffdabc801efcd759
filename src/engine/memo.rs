//! Deciding a run of requests that share their caller or their resource, as a scenario file's
//! cases come: what the engine resolved against the inventory for the last caller (its entry,
//! a role's ARN completed) and the last resource (its governing policy, keys and owner) is kept
//! and reused while the next request names the same ones. Resolving them was a third of an
//! evaluation (docs/performance.md). The answers are those of [`Engine::evaluate`].

use std::sync::Arc;

use super::resolve::{arn_owner, completed_role, ArnOwner, Target};
use super::trace::NoTrace;
use super::{CompiledPrincipal, Engine, Evaluation};
use crate::pattern::Arn;
use crate::request::{Principal, Request};

/// What [`Engine::evaluate_memo`] keeps between requests; start with `Memo::default()`, one per
/// thread. Used with another engine, it starts over.
#[derive(Debug, Default)]
pub struct Memo<'e> {
    /// The engine it holds answers of
    engine: Option<&'e Engine>,
    caller: Option<Caller<'e>>,
    resource: Option<Resource<'e>>,
    /// Room for the request's action lowercased (kept, so no request allocates for it)
    action: String,
}

/// The last caller, as the inventory knows it.
#[derive(Debug)]
pub(super) struct Caller<'e> {
    principal: Principal,
    /// The shared copy it was last named by ([`Engine::evaluate_memo_for`]): held, so no other
    /// principal can come to sit at its address, and the same address names it again
    shared: Option<Arc<Principal>>,
    /// Its entry in the inventory
    pub(super) known: Option<&'e CompiledPrincipal>,
    /// Its ARN completed from the inventory's (a role's path), when that differs
    pub(super) completed: Option<Principal>,
}

/// The last resource (a KMS alias resolved), under the last kind of action: its governing
/// policy, keys and owner, as [`Engine::target`] finds them.
#[derive(Debug)]
struct Resource<'e> {
    /// As the request names it
    raw: String,
    /// The key a KMS alias names, when `raw` is one the inventory knows
    alias: Option<&'e str>,
    kind: ActionKind,
    /// What the inventory holds for it; `account` only when the inventory names the owner
    governing: Target<'e>,
    /// Where the owner is when the inventory does not name it
    owner: Owner,
}

/// What [`Engine::target`]'s answer depends on in an action: the service, as far as it tells
/// a key policy or a trust policy apart from an ordinary resource's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ActionKind {
    Kms,
    Sts,
    Other,
}

impl ActionKind {
    /// The kind of a lowercased service prefix.
    fn of(service: &str) -> Self {
        match service {
            "kms" => Self::Kms,
            "sts" => Self::Sts,
            _ => Self::Other,
        }
    }
}

/// The owner of a resource the inventory does not place ([`arn_owner`]).
#[derive(Debug, Clone)]
enum Owner {
    /// The account its ARN names
    InArn(String),
    /// The caller's, as AWS's simulator assumes
    Assumed,
    /// None: AWS owns it
    Aws,
}

impl Engine {
    /// Decide `req` as [`Self::evaluate`] does, reusing what `memo` kept of the caller and
    /// resource of earlier requests where `req` names the same ones.
    pub fn evaluate_memo<'e>(&'e self, req: &Request, memo: &mut Memo<'e>) -> Evaluation {
        self.evaluate_kept(req, None, memo)
    }

    /// [`Self::evaluate_memo`] for a request whose caller is `caller`'s principal, shared by a
    /// run of requests (a scenario file's): while the memo's caller is that same shared copy,
    /// the two need not be compared (a whole principal's compare was a twentieth of a
    /// literal suite's instructions). `req.principal` must equal `*caller`.
    pub fn evaluate_memo_for<'e>(
        &'e self,
        req: &Request,
        caller: &Arc<Principal>,
        memo: &mut Memo<'e>,
    ) -> Evaluation {
        debug_assert!(
            **caller == req.principal,
            "the request names another caller"
        );
        self.evaluate_kept(req, Some(caller), memo)
    }

    /// The memo's evaluation, the caller shared as `shared` when the request's caller is.
    #[inline(always)]
    fn evaluate_kept<'e>(
        &'e self,
        req: &Request,
        shared: Option<&Arc<Principal>>,
        memo: &mut Memo<'e>,
    ) -> Evaluation {
        if !memo.engine.is_some_and(|e| std::ptr::eq(e, self)) {
            *memo = Memo {
                engine: Some(self),
                ..Memo::default()
            };
        }
        let Memo {
            caller,
            resource,
            action,
            ..
        } = memo;
        action.clear();
        action.push_str(&req.action);
        action.make_ascii_lowercase();
        let same = caller
            .as_mut()
            .is_some_and(|c| same_caller(c, shared, &req.principal));
        let caller = match caller {
            Some(c) if same => c,
            slot => {
                let known = self.caller_entry(&req.principal);
                slot.insert(Caller {
                    principal: req.principal.clone(),
                    shared: shared.cloned(),
                    known,
                    completed: completed_role(&req.principal, known),
                })
            }
        };
        let principal = caller.completed.as_ref().unwrap_or(&req.principal);
        // The resource as named last time needs no alias looked up again.
        let same_raw = resource.as_ref().is_some_and(|r| r.raw == req.resource);
        let alias = match resource {
            Some(r) if same_raw => r.alias,
            _ => self.alias_of(&req.resource),
        };
        let resolved = alias.unwrap_or(&req.resource);
        Self::asked_by(caller.known, principal, resolved, action, |asked| {
            let kind = ActionKind::of(asked.service);
            let held = match resource {
                Some(r) if same_raw && r.kind == kind => r,
                slot => slot.insert(self.resource_memo(req, alias, asked.service, kind)),
            };
            let target = |_: &mut NoTrace| {
                let mut target = held.governing;
                if target.account.is_none() {
                    // As `Engine::target`: the request's own owner, else the ARN's, else the
                    // caller's.
                    target.account = match (req.resource_account.as_deref(), &held.owner) {
                        (Some(a), _) => Some(a),
                        (None, Owner::InArn(a)) => Some(a.as_str()),
                        (None, Owner::Assumed) => asked.principal.account(),
                        (None, Owner::Aws) => None,
                    };
                }
                target
            };
            self.decide_asked(req, asked, target, &mut NoTrace)
        })
    }

    /// What [`Self::target`] finds for `req`'s resource (the key `alias` names, when it is a
    /// KMS alias the inventory knows) under an action of `service` (kind `kind`), with the
    /// owner its ARN gives where the inventory does not name one.
    fn resource_memo<'e>(
        &'e self,
        req: &Request,
        alias: Option<&'e str>,
        service: &str,
        kind: ActionKind,
    ) -> Resource<'e> {
        let arn = alias.unwrap_or(&req.resource);
        let parsed = Arn::parse(arn);
        let governing = self.governing(arn, parsed, service);
        let owner = match arn_owner(parsed) {
            ArnOwner::Account(a) => Owner::InArn(a.to_string()),
            ArnOwner::Aws(_) => Owner::Aws,
            ArnOwner::Unknown => Owner::Assumed,
        };
        Resource {
            raw: req.resource.clone(),
            alias,
            kind,
            governing,
            owner,
        }
    }
}

/// Is `kept` the caller `principal`, shared as `shared` when it is? The same shared copy is;
/// any other is compared whole.
#[inline(always)]
fn same_caller(
    kept: &mut Caller<'_>,
    shared: Option<&Arc<Principal>>,
    principal: &Principal,
) -> bool {
    match (&kept.shared, shared) {
        (Some(k), Some(s)) if Arc::ptr_eq(k, s) => true,
        _ if kept.principal == *principal => {
            if let Some(s) = shared {
                kept.shared = Some(s.clone());
            }
            true
        }
        _ => false,
    }
}
