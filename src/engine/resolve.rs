//! Resolving a request's names against the inventory: who is calling (the caller's entry, a
//! role's ARN completed) and what is asked (the resource's governing policy, owner and keys, and
//! the rule that joins that policy with identity policies).

use super::decide::Rule;
use super::trace::{Layer, TraceEvent, TraceSink};
use super::{CompiledEndpoint, CompiledPrincipal, CompiledResource, Engine, PolicySet};
use crate::pattern::{aws_owned, Arn};
use crate::request::{Context, IamKind, Principal, Request};

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

/// What a request asks about, as the inventory knows it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Target<'a> {
    /// The rule that joins the resource's policy with identity policies
    pub rule: Rule,
    /// The resource, key or trust policy, when the inventory holds one
    pub policy: Option<&'a PolicySet>,
    /// The resource's owner
    pub account: Option<&'a str>,
    /// `aws:ResourceAccount` and `aws:ResourceTag/*`, prebuilt when the resource is known
    pub keys: Option<&'a Context>,
    /// The policy is a public bucket policy under `RestrictPublicBuckets`
    pub restrict_public: bool,
}

/// The caller with its role's ARN completed from the inventory's (sessions omit the path), or
/// `None` when the request already names it in full or the inventory does not know it.
#[inline(always)]
pub(super) fn completed_role(
    caller: &Principal,
    known: Option<&CompiledPrincipal>,
) -> Option<Principal> {
    let (Principal::Iam(ip), Some(full)) = (caller, known.and_then(|c| c.role_arn.as_ref())) else {
        return None;
    };
    match &ip.kind {
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
            Some(Principal::Iam(ip))
        }
        _ => None,
    }
}

impl Engine {
    /// Is the principal (user ARN, role ARN or session of a known role) in the inventory?
    pub fn knows_principal(&self, p: &Principal) -> bool {
        self.principal_index(p).is_some()
    }

    /// Is the resource (or, for KMS, the alias's key) in the inventory?
    pub fn knows_resource(&self, arn: &str) -> bool {
        let arn = self.aliases.get(arn).map(String::as_str).unwrap_or(arn);
        self.resource_by_arn.contains_key(arn) || self.role_for_arn(arn).is_some()
    }

    /// The account the inventory says owns `arn` (a resource, a KMS alias's key, an S3 object's
    /// bucket, a role), if it holds it.
    pub fn resource_owner(&self, arn: &str) -> Option<&str> {
        let arn = self.resolve_alias(arn);
        let parsed = Arn::parse(arn);
        match self.find_resource(arn, parsed) {
            Some(r) => Some(&r.account),
            None => parsed
                .and_then(|a| self.role_for(a))
                .map(|r| r.account.as_str()),
        }
    }

    /// The VPC endpoint a request came through (`aws:SourceVpce` of its own context) and, when
    /// the inventory holds it, its compiled entry. `None` when the inventory holds no endpoint
    /// (then every endpoint has AWS's default policy, which allows everything) or the request
    /// names none.
    #[inline(always)]
    pub(super) fn request_endpoint<'r>(
        &self,
        ctx: &'r Context,
    ) -> Option<(&'r str, Option<&CompiledEndpoint>)> {
        if self.endpoints.is_empty() {
            return None;
        }
        let id = match ctx.get_lower("aws:sourcevpce")?.values.as_slice() {
            [one] => one.raw(),
            _ => return None,
        };
        Some((id, self.endpoints.get(id)))
    }

    /// Resolve a KMS alias ARN to its key ARN (other ARNs come back unchanged).
    pub fn resolve_alias<'a>(&'a self, arn: &'a str) -> &'a str {
        self.alias_of(arn).unwrap_or(arn)
    }

    /// The key ARN a KMS alias ARN names, when the inventory knows the alias.
    pub(super) fn alias_of(&self, arn: &str) -> Option<&str> {
        self.aliases.get(arn).map(String::as_str)
    }

    /// The ARN of the role `name` in `account`, if known.
    pub fn role_arn(&self, account: &str, name: &str) -> Option<&str> {
        let i = self.role_index(account, name)?;
        self.principals.get(i)?.role_arn.as_deref()
    }

    /// Who is calling: the caller's compiled entry, when the inventory knows it.
    #[inline(always)]
    pub(super) fn caller_entry(&self, p: &Principal) -> Option<&CompiledPrincipal> {
        self.principal_index(p).and_then(|i| self.principals.get(i))
    }

    /// The index of the role `name` in `account`.
    fn role_index(&self, account: &str, name: &str) -> Option<usize> {
        self.roles_by_name.get(account)?.get(name).copied()
    }

    /// The index of a user or role (a session's role) the inventory knows.
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

    /// The role a role ARN names, if the inventory knows it.
    pub(super) fn role_for_arn(&self, arn: &str) -> Option<&CompiledPrincipal> {
        self.role_for(Arn::parse(arn)?)
    }

    /// [`Self::role_for_arn`] for an ARN already split. The ARN must be the role's own: its
    /// partition and path included (a role ARN carries its path, reference_identifiers.html#identifiers-arns);
    /// `arn:aws:iam::A:role/other-path/NAME` or another partition names no role of the inventory.
    fn role_for(&self, a: Arn<'_>) -> Option<&CompiledPrincipal> {
        let name = a.resource.strip_prefix("role/")?.rsplit('/').next()?;
        if a.service != "iam" {
            return None;
        }
        let role = self.principals.get(self.role_index(a.account, name)?)?;
        let own = Arn::parse(role.role_arn.as_deref()?)?;
        (own.partition == a.partition && own.resource == a.resource).then_some(role)
    }

    /// The resource a request's ARN is governed by: itself, its bucket (S3 objects), or its
    /// unqualified function (Lambda versions and aliases).
    pub(super) fn find_resource(
        &self,
        arn: &str,
        parsed: Option<Arn<'_>>,
    ) -> Option<&CompiledResource> {
        if let Some(i) = self.resource_by_arn.get(arn) {
            return self.resources.get(*i);
        }
        let base = parent_of(arn, parsed?)?;
        self.resources.get(*self.resource_by_arn.get(base)?)
    }

    /// What is asked: the resource's governing policy, keys and owner, and the rule that joins
    /// the policy with identity policies. An owner nobody names is assumed to be the caller's.
    #[inline(always)]
    pub(super) fn target<'a, S: TraceSink>(
        &'a self,
        req: &'a Request,
        resource: &'a str,
        service: &str,
        caller: &'a Principal,
        sink: &mut S,
    ) -> Target<'a> {
        let parsed = Arn::parse(resource);
        let mut target = self.governing(resource, parsed, service);
        if target.account.is_none() {
            target.account = match req.resource_account.as_deref() {
                Some(a) => Some(a),
                None => owner_in_arn(resource, parsed, caller, sink),
            };
        }
        if target.policy.is_none() && target.rule != Rule::Union && S::ENABLED {
            let layer = if target.rule == Rule::KeyPolicy {
                Layer::KeyPolicy
            } else {
                Layer::TrustPolicy
            };
            sink.event(TraceEvent::Unknown {
                layer,
                what: format!("`{resource}` is not in the inventory"),
            });
        }
        target
    }

    /// The rule for `resource` under an action of `service`, and the policy, owner and keys the
    /// inventory holds for it: a KMS key's key policy, a role's trust policy (for `sts`), or an
    /// ordinary resource's policy.
    #[inline(always)]
    pub(super) fn governing<'a>(
        &'a self,
        resource: &str,
        parsed: Option<Arn<'_>>,
        service: &str,
    ) -> Target<'a> {
        let is_key = parsed.is_some_and(|a| a.service == "kms" && a.resource.starts_with("key/"));
        let is_role = parsed.is_some_and(|a| a.service == "iam" && a.resource.starts_with("role/"));
        if service == "kms" && is_key {
            let r = self.find_resource(resource, parsed);
            Target {
                rule: Rule::KeyPolicy,
                policy: r.and_then(|r| r.policy.as_ref()),
                account: r.map(|r| r.account.as_str()),
                keys: r.map(|r| &r.keys),
                restrict_public: false,
            }
        } else if service == "sts" && is_role {
            let r = parsed.and_then(|a| self.role_for(a));
            Target {
                rule: Rule::TrustPolicy,
                policy: r.and_then(|r| r.trust.as_ref()),
                account: r.map(|r| r.account.as_str()),
                keys: r.map(|r| r.as_resource()),
                restrict_public: false,
            }
        } else {
            let r = self.find_resource(resource, parsed);
            // A role ARN outside sts: its tags are the resource's (the account is the ARN's).
            let keys = r.map(|r| &r.keys).or_else(|| {
                if is_role {
                    parsed
                        .and_then(|a| self.role_for(a))
                        .map(|r| r.as_resource())
                } else {
                    None
                }
            });
            Target {
                rule: Rule::Union,
                policy: r.and_then(|r| r.policy.as_ref()),
                account: r.map(|r| r.account.as_str()),
                keys,
                restrict_public: r.is_some_and(|r| r.restrict_public),
            }
        }
    }
}

/// The owner an ARN names: its account field; none for a resource AWS owns (the identity side
/// alone decides: no resource policy, no RCP, no `aws:ResourceAccount`;
/// docs/semantics-decisions.md, "AWS-owned resources"); else the caller's account.
#[inline(always)]
fn owner_in_arn<'a, S: TraceSink>(
    resource: &str,
    parsed: Option<Arn<'a>>,
    caller: &'a Principal,
    sink: &mut S,
) -> Option<&'a str> {
    match arn_owner(parsed) {
        ArnOwner::Account(a) => Some(a),
        ArnOwner::Aws(why) => {
            if S::ENABLED {
                sink.event(TraceEvent::Note {
                    text: format!("`{resource}` is AWS-owned ({why}): identity-based policies decide alone; no resource policy or RCP applies"),
                });
            }
            None
        }
        ArnOwner::Unknown => assumed_owner(caller, sink),
    }
}

/// Who owns a resource, as its ARN says.
pub(super) enum ArnOwner<'a> {
    /// The account in its account field
    Account(&'a str),
    /// AWS, for this reason
    Aws(&'static str),
    /// The ARN does not say
    Unknown,
}

/// [`owner_in_arn`] without the caller: the account field, AWS, or not said.
#[inline(always)]
pub(super) fn arn_owner(parsed: Option<Arn<'_>>) -> ArnOwner<'_> {
    match parsed {
        Some(a) if !a.account.is_empty() && a.account != "aws" => ArnOwner::Account(a.account),
        Some(a) => aws_owned(&a).map_or(ArnOwner::Unknown, ArnOwner::Aws),
        None => ArnOwner::Unknown,
    }
}

/// As AWS's simulator: a resource whose owner is unknown belongs to the caller's account.
#[inline(always)]
fn assumed_owner<'a, S: TraceSink>(caller: &'a Principal, sink: &mut S) -> Option<&'a str> {
    let owner = caller.account();
    if S::ENABLED {
        if let Some(o) = &owner {
            sink.event(TraceEvent::Note {
                text: format!("resource account assumed to be the caller's ({o})"),
            });
        }
    }
    owner
}
