//! Resolving what scenario files name against the inventory: principals (`role/NAME`, ARNs,
//! service principals) and resources (`role/NAME`, ARNs, `*`), failing closed.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use super::error::{invalid, ScenarioError};
use crate::engine::Engine;
use crate::pattern::Arn;
use crate::request::{IamKind, Principal};
use crate::scenario::case::Interner;

/// The domains AWS service principals live in.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services>
const SERVICE_DOMAINS: &[&str] = &[".amazonaws.com", ".amazonaws.com.cn", ".amazon.com"];

/// The [`Interner`] marks of a resource that resolves as itself for an action of KMS, of STS,
/// or of any other service ([`Resolver::resource`] reads only the kind).
const RESOLVED_FOR_KMS: u8 = 1 << 1;
const RESOLVED_FOR_STS: u8 = 1 << 2;
const RESOLVED_FOR_OTHERS: u8 = 1 << 3;

/// Resolves the principals and resources of one file, and holds what its cases share.
pub(super) struct Resolver<'a> {
    engine: &'a Engine,
    /// The inventory, for `for_each` over its names
    pub(super) inventory: Option<&'a crate::inventory::Inventory>,
    pub(super) file: &'a str,
    /// The file name every case of the file shares
    pub(super) label: Arc<str>,
    /// The file's tags, shared by the cases of every scenario that adds none
    pub(super) tags: Arc<[String]>,
    cache: crate::hash::FastMap<String, Arc<Principal>>,
    /// The principal resolved last, with its text: consecutive cases mostly share theirs
    last: Option<(String, Arc<Principal>)>,
    /// The resource resolved last: its text, the kind of action (`RESOLVED_FOR_*`), and what
    /// it resolved to (a run of cases asks several actions of one resource)
    last_resource: Option<(Arc<str>, u8, Arc<str>)>,
    pub(super) strings: Interner,
    /// Check context values against their keys' types in the catalog
    pub(super) check_values: bool,
    /// Context key types by (action, lowercased key): a suite repeats the same few pairs
    pub(super) key_types: HashMap<(String, String), Option<crate::catalog::ConditionKeyType>>,
}

impl<'a> Resolver<'a> {
    /// A resolver for the cases of `file`, against `engine`.
    pub(super) fn new(engine: &'a Engine, file: &'a str) -> Self {
        Self {
            engine,
            inventory: None,
            file,
            label: file.into(),
            tags: Arc::new([]),
            cache: crate::hash::FastMap::default(),
            last: None,
            last_resource: None,
            strings: Interner::default(),
            check_values: true,
            key_types: HashMap::new(),
        }
    }

    /// The principal `text` names in scenario `scenario` (cached by text).
    pub(super) fn principal(
        &mut self,
        text: &str,
        scenario: &str,
    ) -> Result<Arc<Principal>, ScenarioError> {
        match &mut self.last {
            Some((t, p)) if t == text => return Ok(p.clone()),
            _ => {}
        }
        if let Some(p) = self.cache.get(text) {
            let p = p.clone();
            self.last = Some((text.to_string(), p.clone()));
            return Ok(p);
        }
        let err = |m: String| invalid(self.file, format!("scenario `{scenario}`: {m}"));
        let arn = if text.starts_with("role/") || text.starts_with("user/") {
            match self.engine.short_name(text) {
                [one] => one.clone(),
                [] => {
                    let hint = crate::policy::closest(text, self.engine.short_names())
                        .map(|c| format!(" (did you mean `{c}`?)"))
                        .unwrap_or_default();
                    return Err(err(format!(
                        "principal `{text}` is not in the inventory{hint}"
                    )));
                }
                many => {
                    return Err(err(format!(
                        "principal `{text}` is ambiguous: {}",
                        many.join(", ")
                    )))
                }
            }
        } else {
            text.to_string()
        };
        let p = Principal::parse(&arn).map_err(|e| err(e.to_string()))?;
        // A misspelt service principal would match no policy and so deny quietly: accept only
        // AWS's service-principal domains.
        if let Principal::Service(name) = &p {
            if !SERVICE_DOMAINS.iter().any(|d| name.ends_with(d)) {
                return Err(err(format!(
                    "`{text}` is not an AWS service principal (they end in {})",
                    SERVICE_DOMAINS.join(", ")
                )));
            }
        }
        if let Principal::Iam(ip) = &p {
            match ip.kind {
                IamKind::Root => {}
                IamKind::FederatedUser { .. } => {
                    return Err(err(format!("federated-user principal `{text}` is not supported (its permissions depend on the session policy of GetFederationToken)")))
                }
                _ if !self.engine.knows_principal(&p) => {
                    return Err(err(format!("principal `{text}` is not in the inventory: its identity policies are unknown, so no answer would be trustworthy")))
                }
                _ => {}
            }
        }
        let p = Arc::new(p);
        self.cache.insert(text.to_string(), p.clone());
        self.last = Some((text.to_string(), p.clone()));
        Ok(p)
    }

    /// Check scenario `scenario`'s `resource_account` against `resource` (see
    /// [`check_resource_account`]).
    pub(super) fn resource_account(
        &self,
        resource: &str,
        account: &str,
        scenario: &str,
    ) -> Result<(), ScenarioError> {
        check_resource_account(self.engine, resource, account)
            .map_err(|m| invalid(self.file, format!("scenario `{scenario}`: {m}")))
    }

    /// [`Self::resource`], shared through the file's strings: a resource already resolved
    /// as itself for an action of the same kind (KMS, STS, any other service) is not resolved
    /// again, as its answer depends on nothing else.
    pub(super) fn resource_shared(
        &mut self,
        text: &str,
        action: &str,
        scenario: &str,
    ) -> Result<Arc<str>, ScenarioError> {
        // The service is what comes before the first `:` (a byte test: a character search
        // cost more than the lookup it serves).
        let service = action.as_bytes().get(..4);
        let kind = match service {
            Some(s) if s.eq_ignore_ascii_case(b"kms:") => RESOLVED_FOR_KMS,
            Some(s) if s.eq_ignore_ascii_case(b"sts:") => RESOLVED_FOR_STS,
            _ => RESOLVED_FOR_OTHERS,
        };
        if let Some((last, k, resolved)) = &self.last_resource {
            if *k == kind && **last == *text {
                return Ok(resolved.clone());
            }
        }
        let (shared, marks) = self.strings.get_marked(text);
        let resolved = if marks & kind != 0 {
            shared.clone()
        } else {
            match self.resource(text, action, scenario)? {
                Cow::Borrowed(_) => {
                    self.strings.mark(text, kind);
                    shared.clone()
                }
                Cow::Owned(arn) => self.strings.get(&arn),
            }
        };
        self.last_resource = Some((shared, kind, resolved.clone()));
        Ok(resolved)
    }

    /// The resource `text` names for `action` in scenario `scenario` (`text` itself unless it
    /// is a `role/NAME` short name).
    pub(super) fn resource<'t>(
        &self,
        text: &'t str,
        action: &str,
        scenario: &str,
    ) -> Result<Cow<'t, str>, ScenarioError> {
        let err = |m: String| invalid(self.file, format!("scenario `{scenario}`: {m}"));
        if text == "*" {
            return Ok(Cow::Borrowed(text));
        }
        let arn = if text.starts_with("role/") {
            match self.engine.short_name(text) {
                [one] => Cow::Owned(one.clone()),
                [] => return Err(err(format!("resource `{text}` is not in the inventory"))),
                many => {
                    return Err(err(format!(
                        "resource `{text}` is ambiguous: {}",
                        many.join(", ")
                    )))
                }
            }
        } else {
            Cow::Borrowed(text)
        };
        let parsed = Arn::parse(&arn).ok_or_else(|| {
            err(format!(
                "resource `{text}` is not an ARN, `role/NAME` or `*`"
            ))
        })?;
        let service = action.split(':').next().unwrap_or("");
        let must_know = match parsed.service {
            "kms" if parsed.resource.starts_with("alias/") => Some("KMS alias"),
            "kms" if service.eq_ignore_ascii_case("kms") && parsed.resource.starts_with("key/") => {
                Some("KMS key (its key policy decides)")
            }
            "iam"
                if service.eq_ignore_ascii_case("sts") && parsed.resource.starts_with("role/") =>
            {
                Some("role (its trust policy decides)")
            }
            _ => None,
        };
        if let Some(what) = must_know {
            if !self.engine.knows_resource(&arn) {
                return Err(err(format!("{what} `{arn}` is not in the inventory")));
            }
        }
        Ok(arn)
    }
}

/// Check a request's `resource_account` against `resource`: it may name the owner of a
/// resource whose ARN names none (S3, an AWS-owned resource), but must not contradict the
/// account in the ARN or the inventory's owner (both of which the engine would otherwise ignore
/// or override silently).
pub fn check_resource_account(
    engine: &Engine,
    resource: &str,
    account: &str,
) -> Result<(), String> {
    let in_arn = Arn::parse(resource)
        .map(|a| a.account)
        .filter(|a| crate::request::is_account_id(a));
    if let Some(a) = in_arn.filter(|a| *a != account) {
        return Err(format!(
            "`resource_account` `{account}` differs from the account `{a}` in `{resource}`"
        ));
    }
    match engine.resource_owner(resource) {
        Some(owner) if owner != account => Err(format!(
            "`resource_account` `{account}` differs from the inventory's owner `{owner}` of `{resource}`"
        )),
        _ => Ok(()),
    }
}

/// Resolve a principal as scenario files write it (`role/NAME`, ARNs, service principals),
/// failing closed on principals the inventory does not hold.
pub fn resolve_principal(engine: &Engine, text: &str) -> Result<Principal, String> {
    let mut r = Resolver::new(engine, "");
    r.principal(text, text)
        .map(Arc::unwrap_or_clone)
        .map_err(|e| strip_prefix(e.to_string()))
}

/// Resolve a resource as scenario files write it (`role/NAME`, ARNs, `*`), failing closed on
/// KMS keys, aliases and roles the inventory does not hold.
pub fn resolve_resource(engine: &Engine, text: &str, action: &str) -> Result<String, String> {
    let r = Resolver::new(engine, "");
    r.resource(text, action, text)
        .map(Cow::into_owned)
        .map_err(|e| strip_prefix(e.to_string()))
}

/// A resolution error without its `: scenario `...`: ` prefix (no file, no scenario).
fn strip_prefix(s: String) -> String {
    match s.split_once("`: ") {
        Some((_, rest)) if s.starts_with(": scenario `") => rest.to_string(),
        _ => s,
    }
}
