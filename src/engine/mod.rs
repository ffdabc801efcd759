//! The evaluation logic: which policies apply to a request, and AWS's decision over them.
//! [`Engine`] is the compiled, immutable inventory; [`Engine::evaluate`] never fails.

mod applies;
mod compile;
mod decide;
mod prepare;
mod trace;
mod who_can;

use std::collections::HashMap;

use crate::hash::FastMap;
use std::time::{SystemTime, UNIX_EPOCH};

use indexmap::IndexMap;
use serde::Serialize;

pub use compile::PolicySet;
pub use decide::Decision;
pub use trace::{
    Layer, Mismatch, NoTrace, PrincipalMatch, StatementId, Trace, TraceEvent, TraceSink,
};

use crate::inventory::{Inventory, NamedPolicy};
use crate::pattern::Arn;
use crate::policy::{Effect, PolicyKind, PrincipalClause, PrincipalEntry};
use crate::request::{Context, IamKind, Principal, Request};
use applies::applies;
use decide::{decide, Caller, Facts, Gate, Grant, Rule};
use prepare::{principal_keys, request_keys, time_keys, Layered, Prepared};

/// The answer to a request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Allow, explicit deny or implicit deny
    pub decision: Decision,
    /// For a deny: the layer that denied
    pub blocked_by: Option<Layer>,
    /// The statements that decided: the Deny that matched, or the Allows that granted
    pub deciding: Vec<StatementId>,
    /// Context keys that conditions read but the request did not give (AWS's MissingContextValues)
    pub missing_context: Vec<String>,
}

/// A reference in the inventory that points at nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_file}: {message}")]
pub struct CompileError {
    source_file: String,
    message: String,
}

#[derive(Debug)]
struct CompiledPrincipal {
    account: String,
    role_arn: Option<String>,
    service_linked: bool,
    identity: PolicySet,
    boundary: Option<PolicySet>,
    trust: Option<PolicySet>,
    /// The global keys that follow from this principal, built once
    globals: Context,
    /// `aws:ResourceAccount` and `aws:ResourceTag/*` when this role is a request's resource
    /// (`sts:AssumeRole`), built once
    as_resource: Context,
}

#[derive(Debug)]
struct CompiledResource {
    account: String,
    policy: Option<PolicySet>,
    /// `aws:ResourceAccount` and `aws:ResourceTag/*`, built once
    keys: Context,
}

#[derive(Debug, Default)]
struct OrgPath {
    scps: Vec<PolicySet>,
    rcps: Vec<PolicySet>,
}

/// The resource whose resource-based policy governs `arn` when `arn` itself has none: an S3
/// object's bucket, a Lambda version's or alias's function. `None` for anything else.
pub fn governing_parent(arn: &str) -> Option<&str> {
    parent_of(arn, Arn::parse(arn)?)
}

/// [`governing_parent`] for an ARN already split: the parent is always a prefix of `arn`, so
/// finding it allocates nothing.
fn parent_of<'a>(arn: &'a str, a: Arn<'a>) -> Option<&'a str> {
    match a.service {
        "s3" => arn.split_once('/').map(|(b, _)| b),
        "lambda" => {
            let mut parts = a.resource.splitn(3, ':');
            match (parts.next(), parts.next(), parts.next()) {
                (Some("function"), Some(name), Some(_)) => {
                    let start = arn.len() - a.resource.len();
                    arn.get(..start + "function:".len() + name.len())
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Room for a lowercased action on the stack (the longest IAM action names are under 100 bytes).
const ACTION_BUF: usize = 128;

/// `text` in ASCII lowercase, written into `buf`; `None` when it does not fit (the caller then
/// allocates). Saves an allocation on every evaluation.
fn lower_into<'b>(text: &str, buf: &'b mut [u8; ACTION_BUF]) -> Option<&'b str> {
    let out = buf.get_mut(..text.len())?;
    out.copy_from_slice(text.as_bytes());
    out.make_ascii_lowercase();
    std::str::from_utf8(out).ok()
}

/// Services whose resources RCPs govern.
/// <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html>
const RCP_SERVICES: &[&str] = &["s3", "sts", "kms", "sqs", "secretsmanager"];

/// The compiled inventory. Immutable, `Send + Sync`; build once, evaluate many requests.
#[derive(Debug, Default)]
pub struct Engine {
    principals: Vec<CompiledPrincipal>,
    users_by_arn: FastMap<String, usize>,
    /// account -> role name -> index (nested so lookups need no allocation)
    roles_by_name: FastMap<String, FastMap<String, usize>>,
    /// role ARN (path included) -> index: one lookup for a caller given by its full role ARN
    roles_by_arn: FastMap<String, usize>,
    short_names: FastMap<String, Vec<String>>,
    resources: Vec<CompiledResource>,
    resource_by_arn: FastMap<String, usize>,
    aliases: FastMap<String, String>,
    org: FastMap<String, OrgPath>,
    management_account: Option<String>,
    now_millis: Option<i64>,
    /// The time keys for a fixed clock, built once
    time_keys: Context,
    /// The global keys of each service principal that a policy names, built once
    service_keys: FastMap<String, Context>,
}

/// The global keys of every service principal named in a `Principal` element of `sets`.
fn service_principal_keys<'a>(
    sets: impl Iterator<Item = &'a PolicySet>,
) -> FastMap<String, Context> {
    let mut out = FastMap::default();
    for set in sets {
        for (_, st) in set.statements() {
            let Some(PrincipalClause::Principal(p)) = &st.principal else {
                continue;
            };
            for entry in &p.entries {
                if let PrincipalEntry::Service(name) = entry {
                    out.entry(name.clone()).or_insert_with(|| {
                        let mut ctx = Context::new();
                        principal_keys(&mut ctx, &Principal::Service(name.clone()), None);
                        ctx
                    });
                }
            }
        }
    }
    out
}

/// `aws:ResourceAccount` and `aws:ResourceTag/*` of a resource in the inventory.
fn resource_keys_of(account: &str, tags: &IndexMap<String, String>) -> Context {
    let mut ctx = Context::new();
    request_keys(&mut ctx, Some(account), Some(tags), None);
    ctx
}

/// The global keys of a role or user, from its ARN and tags.
fn globals_of(arn: &str, tags: &IndexMap<String, String>) -> Context {
    let mut ctx = Context::new();
    if let Ok(p) = Principal::parse(arn) {
        principal_keys(&mut ctx, &p, Some(tags));
    }
    ctx
}

fn err(source: &str, message: String) -> CompileError {
    CompileError {
        source_file: source.to_string(),
        message,
    }
}

impl Engine {
    /// Compile an inventory. Fails on a reference to a managed policy, boundary or group that
    /// the inventory does not hold.
    pub fn new(inv: &Inventory) -> Result<Self, CompileError> {
        let mut e = Self::default();
        let managed: HashMap<&str, &NamedPolicy> = inv
            .managed_policies
            .iter()
            .map(|m| (m.arn.as_str(), &m.policy))
            .collect();
        let find = |arn: &str, source: &str, what: &str| {
            managed.get(arn).copied().ok_or_else(|| {
                err(
                    source,
                    format!("{what} `{arn}` is not in the inventory (add it under managed/)"),
                )
            })
        };
        let groups: HashMap<&str, &crate::inventory::Group> =
            inv.groups.iter().map(|g| (g.name.as_str(), g)).collect();
        // Identity policies: inline ones, then attached managed ones; and the boundary.
        let identity_of = |inline: &[NamedPolicy],
                           managed_arns: &[String],
                           boundary: &Option<String>,
                           source: &str| {
            let mut identity = PolicySet::new(inline);
            for arn in managed_arns {
                identity.add(find(arn, source, "managed policy")?);
            }
            let boundary = match boundary {
                Some(arn) => Some(PolicySet::new([find(arn, source, "permissions boundary")?])),
                None => None,
            };
            Ok::<_, CompileError>((identity, boundary))
        };
        // Each role compiles on its own (policy sets, global keys): on every core, then
        // indexed in order so a duplicate is reported at the same role as before.
        let compiled = crate::par::par_map(
            &inv.roles,
            crate::par::SMALL_ITEMS,
            |r| {
                let (identity, boundary) = identity_of(
                    &r.inline_policies,
                    &r.managed_policy_arns,
                    &r.permissions_boundary_arn,
                    &r.source,
                )?;
                Ok(CompiledPrincipal {
                    account: r.account.clone(),
                    role_arn: Some(r.arn.clone()),
                    service_linked: r.arn.contains(":role/aws-service-role/"),
                    identity,
                    boundary,
                    trust: r.trust_policy.as_ref().map(|t| PolicySet::new([t])),
                    globals: globals_of(&r.arn, &r.tags),
                    as_resource: resource_keys_of(&r.account, &r.tags),
                })
            },
            || Err(err("(engine)", "a compiling thread failed".into())),
        );
        for (r, c) in inv.roles.iter().zip(compiled) {
            let c = c?;
            let index = e.principals.len();
            let in_account = e.roles_by_name.entry(r.account.clone()).or_default();
            if in_account.insert(r.name.clone(), index).is_some() {
                return Err(err(
                    &r.source,
                    format!("duplicate role `{}` in account {}", r.name, r.account),
                ));
            }
            e.roles_by_arn.insert(r.arn.clone(), index);
            e.short_names
                .entry(format!("role/{}", r.name))
                .or_default()
                .push(r.arn.clone());
            e.principals.push(c);
        }
        for u in &inv.users {
            let (mut identity, boundary) = identity_of(
                &u.inline_policies,
                &u.managed_policy_arns,
                &u.permissions_boundary_arn,
                &u.source,
            )?;
            for g in &u.groups {
                let group = groups.get(g.as_str()).ok_or_else(|| {
                    err(&u.source, format!("group `{g}` is not in the inventory"))
                })?;
                for p in &group.inline_policies {
                    identity.add(p);
                }
                for arn in &group.managed_policy_arns {
                    identity.add(find(arn, &group.source, "managed policy")?);
                }
            }
            if e.users_by_arn
                .insert(u.arn.clone(), e.principals.len())
                .is_some()
            {
                return Err(err(&u.source, format!("duplicate user `{}`", u.arn)));
            }
            e.principals.push(CompiledPrincipal {
                account: u.account.clone(),
                role_arn: None,
                service_linked: false,
                identity,
                boundary,
                trust: None,
                globals: globals_of(&u.arn, &u.tags),
                as_resource: Context::new(),
            });
        }
        for r in &inv.resources {
            if e.resource_by_arn
                .insert(r.arn.clone(), e.resources.len())
                .is_some()
            {
                return Err(err(&r.source, format!("duplicate resource `{}`", r.arn)));
            }
            for a in &r.aliases {
                if let Some(other) = e.aliases.insert(a.clone(), r.arn.clone()) {
                    return Err(err(
                        &r.source,
                        format!("alias `{a}` is on two keys: `{other}` and `{}`", r.arn),
                    ));
                }
            }
            e.resources.push(CompiledResource {
                account: r.account.clone(),
                policy: r.policy.as_ref().map(|p| PolicySet::new([p])),
                keys: resource_keys_of(&r.account, &r.tags),
            });
        }
        if let Some(org) = &inv.organization {
            e.management_account = org.management_account.clone();
            for (account, levels) in &org.scp_levels {
                e.org.entry(account.clone()).or_default().scps =
                    levels.iter().map(PolicySet::new).collect();
            }
            for (account, levels) in &org.rcp_levels {
                e.org.entry(account.clone()).or_default().rcps =
                    levels.iter().map(PolicySet::new).collect();
            }
        }
        e.service_keys = service_principal_keys(
            e.principals
                .iter()
                .filter_map(|p| p.trust.as_ref())
                .chain(e.resources.iter().filter_map(|r| r.policy.as_ref())),
        );
        Ok(e)
    }

    /// Fix the clock used for `aws:CurrentTime`/`aws:EpochTime` (epoch milliseconds).
    pub fn with_time(mut self, now_millis: i64) -> Self {
        self.now_millis = Some(now_millis);
        self.time_keys = Context::new();
        time_keys(&mut self.time_keys, now_millis);
        self
    }

    /// The ARNs a short form such as `role/NAME` or `user/NAME` names (several across accounts).
    pub fn short_name(&self, short: &str) -> &[String] {
        self.short_names
            .get(short)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Every role and user ARN in the inventory, in load order.
    pub fn principal_arns(&self) -> impl Iterator<Item = &str> {
        self.short_names.values().flatten().map(String::as_str)
    }

    /// Is the principal (user ARN, role ARN or session of a known role) in the inventory?
    pub fn knows_principal(&self, p: &Principal) -> bool {
        self.principal_index(p).is_some()
    }

    /// Is the resource (or, for KMS, the alias's key) in the inventory?
    pub fn knows_resource(&self, arn: &str) -> bool {
        let arn = self.aliases.get(arn).map(String::as_str).unwrap_or(arn);
        self.resource_by_arn.contains_key(arn) || self.role_for_arn(arn).is_some()
    }

    /// Resolve a KMS alias ARN to its key ARN (other ARNs come back unchanged).
    pub fn resolve_alias<'a>(&'a self, arn: &'a str) -> &'a str {
        self.aliases.get(arn).map(String::as_str).unwrap_or(arn)
    }

    /// The ARN of the role `name` in `account`, if known.
    pub fn role_arn(&self, account: &str, name: &str) -> Option<&str> {
        let i = self.role_index(account, name)?;
        self.principals.get(i)?.role_arn.as_deref()
    }

    fn role_index(&self, account: &str, name: &str) -> Option<usize> {
        self.roles_by_name.get(account)?.get(name).copied()
    }

    fn principal_index(&self, p: &Principal) -> Option<usize> {
        match p {
            Principal::Iam(ip) => match &ip.kind {
                IamKind::User { .. } => self.users_by_arn.get(&ip.arn).copied(),
                IamKind::Role { name, role_arn, .. } => self
                    .roles_by_arn
                    .get(role_arn)
                    .copied()
                    .or_else(|| self.role_index(&ip.account, name)),
                _ => None,
            },
            _ => None,
        }
    }

    fn role_for_arn(&self, arn: &str) -> Option<&CompiledPrincipal> {
        self.role_for(Arn::parse(arn)?)
    }

    fn role_for(&self, a: Arn<'_>) -> Option<&CompiledPrincipal> {
        let name = a.resource.strip_prefix("role/")?.rsplit('/').next()?;
        if a.service != "iam" {
            return None;
        }
        self.principals.get(self.role_index(a.account, name)?)
    }

    /// The resource a request's ARN is governed by: itself, its bucket (S3 objects), or its
    /// unqualified function (Lambda versions and aliases).
    fn find_resource(&self, arn: &str, parsed: Option<Arn<'_>>) -> Option<&CompiledResource> {
        if let Some(i) = self.resource_by_arn.get(arn) {
            return self.resources.get(*i);
        }
        let base = parent_of(arn, parsed?)?;
        self.resources.get(*self.resource_by_arn.get(base)?)
    }

    /// Decide a request (the fast path: no trace).
    pub fn evaluate(&self, req: &Request) -> Evaluation {
        self.run(req, &mut NoTrace)
    }

    /// Decide a request and record why (the explaining path: same code, recording sink).
    pub fn explain(&self, req: &Request) -> (Evaluation, Trace) {
        let mut trace = Trace::default();
        let ev = self.run(req, &mut trace);
        (ev, trace)
    }

    /// Decide a request, reporting to `sink`.
    pub fn evaluate_with<S: TraceSink>(&self, req: &Request, sink: &mut S) -> Evaluation {
        self.run(req, sink)
    }

    fn run<S: TraceSink>(&self, req: &Request, sink: &mut S) -> Evaluation {
        let mut action_buf = [0u8; ACTION_BUF];
        let lowered;
        let action = match lower_into(&req.action, &mut action_buf) {
            Some(a) => a,
            None => {
                lowered = req.action.to_ascii_lowercase();
                &lowered
            }
        };
        let service = action
            .bytes()
            .position(|b| b == b':')
            .and_then(|i| action.get(..i))
            .unwrap_or("");
        let resource = self.resolve_alias(&req.resource);
        let compiled = self
            .principal_index(&req.principal)
            .and_then(|i| self.principals.get(i));

        // Complete a role's ARN (sessions omit the path) from the inventory.
        let completed;
        let principal = match (&req.principal, compiled.and_then(|c| c.role_arn.as_ref())) {
            (Principal::Iam(ip), Some(full)) => match &ip.kind {
                IamKind::Role {
                    name,
                    session,
                    role_arn,
                } if role_arn != full => {
                    let mut ip = ip.clone();
                    ip.kind = IamKind::Role {
                        name: name.clone(),
                        session: session.clone(),
                        role_arn: full.clone(),
                    };
                    if session.is_none() {
                        ip.arn = full.clone();
                    }
                    completed = Principal::Iam(ip);
                    &completed
                }
                _ => &req.principal,
            },
            _ => &req.principal,
        };

        // The resource, its owner, and the rule that joins it with identity policies.
        let parsed = Arn::parse(resource);
        let is_key = parsed.is_some_and(|a| a.service == "kms" && a.resource.starts_with("key/"));
        let is_role = parsed.is_some_and(|a| a.service == "iam" && a.resource.starts_with("role/"));
        // `res_keys`: the resource's global keys, built at compile time when it is known.
        let (rule, policy, res_account, res_keys) = if service == "kms" && is_key {
            let r = self.find_resource(resource, parsed);
            (
                Rule::KeyPolicy,
                r.and_then(|r| r.policy.as_ref()),
                r.map(|r| r.account.as_str()),
                r.map(|r| &r.keys),
            )
        } else if service == "sts" && is_role {
            let r = parsed.and_then(|a| self.role_for(a));
            (
                Rule::TrustPolicy,
                r.and_then(|r| r.trust.as_ref()),
                r.map(|r| r.account.as_str()),
                r.map(|r| &r.as_resource),
            )
        } else {
            let r = self.find_resource(resource, parsed);
            // A role ARN outside sts: its tags are the resource's (the account is the ARN's).
            let keys = r.map(|r| &r.keys).or_else(|| {
                if is_role {
                    parsed
                        .and_then(|a| self.role_for(a))
                        .map(|r| &r.as_resource)
                } else {
                    None
                }
            });
            (
                Rule::Union,
                r.and_then(|r| r.policy.as_ref()),
                r.map(|r| r.account.as_str()),
                keys,
            )
        };
        let res_account: Option<&str> = res_account
            .or_else(|| parsed.map(|a| a.account).filter(|a| !a.is_empty()))
            .or(req.resource_account.as_deref())
            .or_else(|| {
                // As AWS's simulator: a resource whose owner is unknown belongs to the caller's account.
                let owner = principal.account();
                if S::ENABLED {
                    if let Some(o) = &owner {
                        sink.event(TraceEvent::Note {
                            text: format!("resource account assumed to be the caller's ({o})"),
                        });
                    }
                }
                owner
            });
        if policy.is_none() && rule != Rule::Union && S::ENABLED {
            let layer = if rule == Rule::KeyPolicy {
                Layer::KeyPolicy
            } else {
                Layer::TrustPolicy
            };
            sink.event(TraceEvent::Unknown {
                layer,
                what: format!("`{resource}` is not in the inventory"),
            });
        }

        // The global keys cost more than the rest of a request (every value is parsed as a
        // number, date, address...), and only conditions and policy variables read them.
        let session_set = req_session(req);
        let reads = |set: &PolicySet| set.reads_context(service);
        let needs_context = compiled
            .is_some_and(|c| reads(&c.identity) || c.boundary.as_ref().is_some_and(reads))
            || policy.is_some_and(|p| p.reads_context_for(service, principal))
            || session_set.as_ref().is_some_and(reads)
            || !self.org.is_empty();
        let context = if needs_context {
            // A fixed clock's keys are built once (`with_time`); a live clock's, per request.
            let live_now = match self.now_millis {
                Some(_) => None,
                None => Some(
                    SystemTime::now()
                        .duration_since(UNIX_EPOCH)
                        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
                        .unwrap_or(0),
                ),
            };
            // The caller's and the resource's keys come prebuilt when the inventory knows
            // them (or, for a service principal, when a policy names it).
            let principal_layer = compiled.map(|c| &c.globals).or_else(|| match principal {
                Principal::Service(name) => self.service_keys.get(name),
                _ => None,
            });
            let mut extra = Context::new();
            if principal_layer.is_none() {
                principal_keys(&mut extra, principal, None);
            }
            if res_keys.is_none() {
                request_keys(&mut extra, res_account, None, None);
            }
            if let Some(now) = live_now {
                time_keys(&mut extra, now);
            }
            Layered {
                request: &req.context,
                principal: principal_layer,
                resource: res_keys,
                extra: (!extra.is_empty()).then_some(extra),
                time: self.now_millis.map(|_| &self.time_keys),
            }
        } else {
            Layered {
                request: &req.context,
                principal: None,
                resource: None,
                extra: None,
                time: None,
            }
        };
        let prepared = Prepared {
            action,
            service,
            resource,
            principal,
            has_boundary: compiled.is_some_and(|c| c.boundary.is_some()),
            context,
        };

        let mut acc = Accumulator::default();
        let caller = match principal {
            Principal::Iam(ip) => Caller::Iam {
                same_account: res_account.is_none_or(|a| a == ip.account),
            },
            _ => Caller::External,
        };

        // Identity-based policies (the root user is allowed by default: aws-semantics #37).
        let is_root = matches!(principal, Principal::Iam(ip) if ip.kind == IamKind::Root);
        let identity_allows = if is_root {
            true
        } else if let Some(c) = compiled {
            acc.layer(&c.identity, Layer::Identity, &prepared, false, sink)
                .allows()
        } else {
            if S::ENABLED && matches!(principal, Principal::Iam(_)) {
                sink.event(TraceEvent::Unknown {
                    layer: Layer::Identity,
                    what: format!("`{}` is not in the inventory", principal.as_str()),
                });
            }
            false
        };
        let boundary = match compiled.and_then(|c| c.boundary.as_ref()) {
            Some(b) => acc.gate(b, Layer::Boundary, &prepared, false, sink),
            None => Gate::Absent,
        };
        let session = match &session_set {
            Some(s) => acc.gate(s, Layer::Session, &prepared, false, sink),
            None => Gate::Absent,
        };
        let resource_layer = match rule {
            Rule::Union => Layer::Resource,
            Rule::KeyPolicy => Layer::KeyPolicy,
            Rule::TrustPolicy => Layer::TrustPolicy,
        };
        let grant = match policy {
            Some(p) => {
                let r = acc.layer(p, resource_layer, &prepared, true, sink);
                match r.best {
                    None => Grant::None,
                    Some(PrincipalMatch::Account) => Grant::Account,
                    Some(PrincipalMatch::Direct) => Grant::Direct {
                        exempt: matches!(principal, Principal::Iam(_)),
                    },
                    Some(_) => Grant::Direct { exempt: false },
                }
            }
            None => Grant::None,
        };
        // SCPs govern IAM principals of member accounts, except service-linked roles.
        let scp = match principal {
            Principal::Iam(ip)
                if self.management_account.as_deref() != Some(ip.account.as_str())
                    && !compiled.is_some_and(|c| c.service_linked) =>
            {
                match self.org.get(&ip.account) {
                    Some(path) if !path.scps.is_empty() => {
                        acc.levels(&path.scps, Layer::Scp, &prepared, false, sink)
                    }
                    _ => Gate::Absent,
                }
            }
            _ => Gate::Absent,
        };
        // RCPs govern resources of member accounts, for the services that support them.
        let rcp = match res_account {
            Some(a)
                if self.management_account.as_deref() != Some(a)
                    && RCP_SERVICES.contains(&prepared.service)
                    && !compiled.is_some_and(|c| c.service_linked) =>
            {
                match self.org.get(a) {
                    Some(path) if !path.rcps.is_empty() => {
                        acc.levels(&path.rcps, Layer::Rcp, &prepared, true, sink)
                    }
                    _ => Gate::Absent,
                }
            }
            _ => Gate::Absent,
        };
        let facts = Facts {
            explicit_deny: acc.deny_layer,
            scp,
            rcp,
            boundary,
            session,
            identity_allows,
            grant,
            rule,
            caller,
        };
        let (decision, blocked_by) = decide(&facts);
        let deciding = match decision {
            Decision::ExplicitDeny => acc.denies,
            Decision::Allow => acc.allows,
            Decision::ImplicitDeny => Vec::new(),
        };
        Evaluation {
            decision,
            blocked_by,
            deciding,
            missing_context: acc.missing,
        }
    }
}

fn req_session(req: &Request) -> Option<PolicySet> {
    req.session_policy.as_ref().map(|d| {
        PolicySet::new([&NamedPolicy {
            name: "session-policy".into(),
            document: d.clone(),
        }])
    })
}

#[derive(Debug, Default)]
struct Accumulator {
    deny_layer: Option<Layer>,
    denies: Vec<StatementId>,
    allows: Vec<StatementId>,
    missing: Vec<String>,
}

#[derive(Debug, Default)]
struct LayerResult {
    allowed: bool,
    best: Option<PrincipalMatch>,
}

impl LayerResult {
    fn allows(&self) -> bool {
        self.allowed
    }
}

impl Accumulator {
    /// Examine one policy set, every candidate statement. Stopping at the first Deny when no
    /// trace is kept made `evaluate` name one deciding Deny where `explain` named all of them
    /// (and miss context keys later statements read), so a scenario's `because` could fail
    /// under `check` for a statement `explain` showed as deciding (found by fuzz/evaluate).
    fn layer<S: TraceSink>(
        &mut self,
        set: &PolicySet,
        layer: Layer,
        req: &Prepared<'_>,
        with_principal: bool,
        sink: &mut S,
    ) -> LayerResult {
        let mut out = LayerResult::default();
        for (id, st) in set.candidates(req.service) {
            match applies(st, req, with_principal, &mut self.missing) {
                Ok(via) => {
                    if S::ENABLED {
                        sink.event(TraceEvent::Applied {
                            layer,
                            statement: id.clone(),
                            effect: st.effect,
                            principal: via,
                        });
                    }
                    match st.effect {
                        Effect::Deny => {
                            self.deny_layer.get_or_insert(layer);
                            self.denies.push(id.clone());
                        }
                        Effect::Allow => {
                            out.allowed = true;
                            self.allows.push(id.clone());
                            out.best = match (out.best, via) {
                                (None, v) => v,
                                (Some(b), Some(v)) if v.rank() < b.rank() => Some(v),
                                (b, _) => b,
                            };
                        }
                    }
                }
                Err(miss) => {
                    if S::ENABLED {
                        sink.event(TraceEvent::NotApplied {
                            layer,
                            statement: id.clone(),
                            effect: st.effect,
                            because: miss.explain(st, req),
                        });
                    }
                }
            }
        }
        out
    }

    fn gate<S: TraceSink>(
        &mut self,
        set: &PolicySet,
        layer: Layer,
        req: &Prepared<'_>,
        with_principal: bool,
        sink: &mut S,
    ) -> Gate {
        if self.layer(set, layer, req, with_principal, sink).allowed {
            Gate::Allows
        } else {
            Gate::Blocks
        }
    }

    /// Every level (root, OUs, account) needs its own Allow.
    fn levels<S: TraceSink>(
        &mut self,
        levels: &[PolicySet],
        layer: Layer,
        req: &Prepared<'_>,
        with_principal: bool,
        sink: &mut S,
    ) -> Gate {
        let mut gate = Gate::Allows;
        for set in levels {
            if self.gate(set, layer, req, with_principal, sink) == Gate::Blocks {
                gate = Gate::Blocks;
            }
        }
        gate
    }
}

/// The kind of policy each layer holds (for parsing documents destined for it).
pub fn policy_kind(layer: Layer) -> PolicyKind {
    match layer {
        Layer::Identity | Layer::Boundary | Layer::Session => PolicyKind::Identity,
        Layer::Resource | Layer::KeyPolicy => PolicyKind::Resource,
        Layer::TrustPolicy => PolicyKind::Trust,
        Layer::Scp => PolicyKind::Scp,
        Layer::Rcp => PolicyKind::Rcp,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{named, AdHoc};
    use crate::policy::parse_document;

    /// Regression (fuzz/evaluate): with two matching Deny statements, `evaluate` named only
    /// the first, `explain` both.
    #[test]
    fn evaluate_and_explain_name_the_same_deciding_denies() {
        let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "A", "Effect": "Deny", "Action": "s3:*", "Resource": "*"},
            {"Sid": "B", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*",
             "Condition": {"StringEquals": {"aws:PrincipalTag/team": "x"}}},
            {"Sid": "C", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]});
        let principal = Principal::parse("arn:aws:iam::111122223333:user/alice").unwrap();
        let ad = AdHoc {
            principal: Some(principal.clone()),
            identity: vec![named(
                "p",
                parse_document(&doc, "p", PolicyKind::Identity).unwrap(),
            )],
            resource_arn: Some("arn:aws:s3:::b/k".into()),
            ..AdHoc::default()
        };
        let engine = Engine::new(&ad.build()).unwrap();
        let req = Request::new(principal, "s3:GetObject", "arn:aws:s3:::b/k");
        let fast = engine.evaluate(&req);
        assert_eq!(fast, engine.explain(&req).0);
        let sids: Vec<_> = fast.deciding.iter().map(|d| d.sid.as_deref()).collect();
        assert_eq!(sids, [Some("A"), Some("C")]);
        assert_eq!(fast.missing_context, ["aws:PrincipalTag/team"]);
    }

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn engine_is_shareable_across_threads() {
        assert_send_sync::<Engine>();
    }
}
