//! A request normalised once: lowercased action and service, the resource resolved (KMS aliases),
//! the caller resolved against the inventory, and the global context keys that follow from it.
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>

use std::time::{SystemTime, UNIX_EPOCH};

use indexmap::IndexMap;

use super::resolve::Target;
use super::{CompiledPrincipal, Engine, PolicySet};
use crate::request::{Context, ContextEntry, IamKind, Lookup, Principal, Request};

/// The normalised request that statements are checked against.
#[derive(Debug, Clone)]
pub(crate) struct Prepared<'r> {
    /// The action, lowercased
    pub action: &'r str,
    /// Its service prefix, lowercased
    pub service: &'r str,
    /// The resource ARN (a KMS alias resolved to its key), or `*`
    pub resource: &'r str,
    /// The caller, with a role's ARN completed from the inventory (path included)
    pub principal: &'r Principal,
    /// Whether the caller has a permissions boundary
    pub has_boundary: bool,
    /// The request's context, then the global keys that follow from it (left out when no
    /// candidate statement reads the context: see `PolicySet::reads_context`)
    pub context: Layered<'r>,
}

/// Context as statements read it: the request's own keys first (they win), then the caller's
/// global keys (built once per principal when the engine is compiled), then the keys that
/// depend on this request (resource account and tags, time).
#[derive(Debug, Clone)]
pub(crate) struct Layered<'r> {
    pub request: &'r Context,
    pub principal: Option<&'r Context>,
    /// `aws:ResourceAccount` and `aws:ResourceTag/*` of a resource the inventory holds
    pub resource: Option<&'r Context>,
    pub extra: Option<Context>,
    /// `aws:CurrentTime`/`aws:EpochTime` when the engine's clock is fixed (built once)
    pub time: Option<&'r Context>,
}

impl Lookup for Layered<'_> {
    fn lookup(&self, lower_key: &str) -> Option<&ContextEntry> {
        self.request
            .get_lower(lower_key)
            .or_else(|| self.principal.and_then(|c| c.get_lower(lower_key)))
            .or_else(|| self.resource.and_then(|c| c.get_lower(lower_key)))
            .or_else(|| self.extra.as_ref().and_then(|c| c.get_lower(lower_key)))
            .or_else(|| self.time.and_then(|c| c.get_lower(lower_key)))
    }
}

impl Engine {
    /// The context statements read: the request's keys, and under them the global keys, left
    /// out when no statement that could apply reads the context.
    #[inline(always)]
    pub(super) fn context<'a>(
        &'a self,
        req: &'a Request,
        service: &str,
        known: Option<&'a CompiledPrincipal>,
        caller: &Principal,
        target: &Target<'a>,
        session: Option<&PolicySet>,
    ) -> Layered<'a> {
        if self.needs_context(service, known, caller, target.policy, session) {
            self.global_layers(req, known, caller, target)
        } else {
            Layered {
                request: &req.context,
                principal: None,
                resource: None,
                extra: None,
                time: None,
            }
        }
    }

    /// Whether a statement that could apply reads the context. The global keys cost more than
    /// the rest of a request (every value is parsed as a number, date, address...), and only
    /// conditions and policy variables read them.
    #[inline(always)]
    pub(super) fn needs_context(
        &self,
        service: &str,
        known: Option<&CompiledPrincipal>,
        caller: &Principal,
        policy: Option<&PolicySet>,
        session: Option<&PolicySet>,
    ) -> bool {
        let reads = |set: &PolicySet| set.reads_context(service);
        known.is_some_and(|c| reads(&c.identity) || c.boundary.as_ref().is_some_and(reads))
            || policy.is_some_and(|p| p.reads_context_for(service, caller))
            || session.is_some_and(reads)
            || self.org_readers.reads(service)
            || !self.endpoints.is_empty()
    }

    /// The request's keys with the global keys layered under them. The caller's and the
    /// resource's come prebuilt when the inventory knows them (or, for a service principal,
    /// when a policy names it); a fixed clock's too (`with_time`), a live clock's per request.
    #[inline(always)]
    fn global_layers<'a>(
        &'a self,
        req: &'a Request,
        known: Option<&'a CompiledPrincipal>,
        caller: &Principal,
        target: &Target<'a>,
    ) -> Layered<'a> {
        let live_now = match self.now_millis {
            Some(_) => None,
            None => Some(now_millis()),
        };
        let principal_layer = known.map(|c| c.globals()).or_else(|| match caller {
            Principal::Service(name) => self.service_keys.get(name),
            _ => None,
        });
        let mut extra = Context::new();
        if principal_layer.is_none() {
            principal_keys(&mut extra, caller, None);
        }
        if target.keys.is_none() {
            request_keys(&mut extra, target.account, None, None);
        }
        // A request through a known endpoint comes from the endpoint's VPC.
        if let Some((_, Some(ep))) = self.request_endpoint(&req.context) {
            if let Some(vpc) = &ep.vpc {
                extra.insert_default("aws:SourceVpc", vpc.clone());
            }
        }
        service_keys(&mut extra, &req.action, caller);
        if let Some(now) = live_now {
            time_keys(&mut extra, now);
        }
        Layered {
            request: &req.context,
            principal: principal_layer,
            resource: target.keys,
            extra: (!extra.is_empty()).then_some(extra),
            time: self.now_millis.map(|_| &self.time_keys),
        }
    }
}

/// The system clock in epoch milliseconds.
fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The service keys that follow from the caller, unless `ctx` already has them: in a KMS
/// request, `kms:CallerAccount` is "the AWS account ID of the caller"
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account>).
pub(crate) fn service_keys(ctx: &mut Context, action: &str, caller: &Principal) {
    let kms = action
        .get(..4)
        .is_some_and(|s| s.eq_ignore_ascii_case("kms:"));
    if let (true, Principal::Iam(ip)) = (kms, caller) {
        ctx.insert_default("kms:CallerAccount", ip.account.clone());
    }
}

/// The global keys that follow from the caller (`aws:PrincipalArn`, `aws:PrincipalType`,
/// `aws:PrincipalTag/*`, ...), unless `ctx` already has them.
pub(crate) fn principal_keys(
    ctx: &mut Context,
    principal: &Principal,
    tags: Option<&IndexMap<String, String>>,
) {
    match principal {
        Principal::Iam(p) => {
            let (arn, kind) = match &p.kind {
                IamKind::Root => (p.arn.as_str(), "Account"),
                IamKind::User { name } => {
                    ctx.insert_default("aws:username", name.clone());
                    (p.arn.as_str(), "User")
                }
                // For a role session, aws:PrincipalArn is the role's ARN (docs/aws-rules.md, rule 35).
                IamKind::Role { role_arn, .. } => (role_arn.as_str(), "AssumedRole"),
                IamKind::FederatedUser { .. } => (p.arn.as_str(), "FederatedUser"),
            };
            ctx.insert_default("aws:PrincipalArn", arn);
            ctx.insert_default("aws:PrincipalAccount", p.account.clone());
            ctx.insert_default("aws:PrincipalType", kind);
            ctx.insert_default("aws:PrincipalIsAWSService", "false");
            if let Some(tags) = tags {
                for (k, v) in tags {
                    ctx.insert_default(&format!("aws:PrincipalTag/{k}"), v.clone());
                }
            }
        }
        Principal::Service(name) => {
            ctx.insert_default("aws:PrincipalIsAWSService", "true");
            ctx.insert_default("aws:PrincipalServiceName", name.clone());
        }
        Principal::Anonymous => {
            ctx.insert_default("aws:PrincipalType", "Anonymous");
        }
    }
}

/// The global keys that depend on the request: the resource's account and tags, and the time.
pub(crate) fn request_keys(
    ctx: &mut Context,
    resource_account: Option<&str>,
    resource_tags: Option<&IndexMap<String, String>>,
    now_millis: Option<i64>,
) {
    if let Some(account) = resource_account {
        ctx.insert_default("aws:ResourceAccount", account);
    }
    if let Some(tags) = resource_tags {
        for (k, v) in tags {
            ctx.insert_default(&format!("aws:ResourceTag/{k}"), v.clone());
        }
    }
    if let Some(now) = now_millis {
        time_keys(ctx, now);
    }
}

/// `aws:CurrentTime` and `aws:EpochTime` for a moment (epoch milliseconds). Both have
/// one-second resolution, so the texts of the last second asked on this thread are kept: a
/// live clock asks for them on every request.
pub(crate) fn time_keys(ctx: &mut Context, now_millis: i64) {
    thread_local! {
        static LAST: std::cell::RefCell<Option<(i64, String, String)>> =
            const { std::cell::RefCell::new(None) };
    }
    let secs = now_millis.div_euclid(1000);
    let (current, epoch) = LAST.with_borrow_mut(|last| match last {
        Some((s, c, e)) if *s == secs => (c.clone(), e.clone()),
        _ => {
            let c = crate::condition::value::format_date(now_millis);
            let e = (now_millis / 1000).to_string();
            *last = Some((secs, c.clone(), e.clone()));
            (c, e)
        }
    });
    ctx.insert_default("aws:CurrentTime", current);
    ctx.insert_default("aws:EpochTime", epoch);
}
