//! Does a statement apply to a request, and if not, which element ruled it out?
//! Statements are checked action first, then resource, principal and conditions.

use super::prepare::Prepared;
use super::service::partition_of;
use super::trace::{ConditionCheck, ElementMatch, Matched, Mismatch, PrincipalMatch};
use crate::condition::eval::evaluate;
use crate::condition::variables::Resolve;
use crate::condition::ConditionFailure;
use crate::condition::Lookup;
use crate::pattern::{Arn, Dialect};
use crate::policy::{
    ActionClause, Effect, PrincipalClause, PrincipalEntry, Principals, ResourceClause,
    ResourceMatcher, ResourcePattern, Statement,
};
use crate::request::{IamKind, IamPrincipal, Principal};

/// A cheap, copyable reason, expanded into a [`Mismatch`] only when a trace wants it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Miss {
    Action,
    Resource,
    Principal,
    Condition(usize, ConditionFailure),
}

impl Miss {
    pub(crate) fn explain(self, st: &Statement, req: &Prepared<'_>) -> Mismatch {
        match self {
            Miss::Action => Mismatch::Action {
                what: action_element(st, req, false),
            },
            Miss::Resource => Mismatch::Resource {
                what: resource_element(st, req, false).unwrap_or(ElementMatch {
                    clause: "Resource",
                    patterns: Vec::new(),
                }),
            },
            Miss::Principal => Mismatch::Principal {
                what: principal_element(st),
            },
            Miss::Condition(i, failure) => {
                let c = st.conditions.get(i);
                Mismatch::Condition {
                    operator: c.map(|c| c.operator.to_string()).unwrap_or_default(),
                    key: c.map(|c| c.key.clone()).unwrap_or_default(),
                    values: c.map(|c| c.raw.clone()).unwrap_or_default(),
                    request: c.map(|c| request_values(c, req)).unwrap_or_default(),
                    failure,
                    unmet: st
                        .conditions
                        .iter()
                        .filter(|c| evaluate(c, &req.context, st.effect).is_err())
                        .map(|c| format!("{} {} {:?}", c.operator, c.key, c.raw))
                        .collect(),
                }
            }
        }
    }
}

/// Why `st`, which applies to the request, applies: the patterns that cover the action and
/// resource, and every condition with the values compared.
pub(crate) fn matched(st: &Statement, req: &Prepared<'_>) -> Matched {
    Matched {
        action: action_element(st, req, true),
        resource: resource_element(st, req, true),
        conditions: st
            .conditions
            .iter()
            .map(|c| ConditionCheck {
                operator: c.operator.to_string(),
                key: c.key.clone(),
                values: c.raw.clone(),
                request: request_values(c, req),
            })
            .collect(),
    }
}

/// The request's values for the key of condition `c` (empty when absent).
fn request_values(c: &crate::policy::condition::Condition, req: &Prepared<'_>) -> Vec<String> {
    req.context
        .lookup(c.key_lower())
        .map(|e| e.values.iter().map(|v| v.raw().to_string()).collect())
        .unwrap_or_default()
}

/// The action element as it decided: for `Action` that applied, the patterns covering the
/// action; for `NotAction` that did not, the patterns listing it; otherwise the whole list.
fn action_element(st: &Statement, req: &Prepared<'_>, applied: bool) -> ElementMatch {
    let (clause, list, hits_decide) = match &st.action {
        ActionClause::Action(l) => ("Action", l, applied),
        ActionClause::NotAction(l) => ("NotAction", l, !applied),
    };
    let patterns = list
        .iter()
        .filter(|a| !hits_decide || a.matcher.is_match(req.action))
        .map(|a| a.raw.clone())
        .collect();
    ElementMatch { clause, patterns }
}

/// The resource element as it decided (as [`action_element`]); `None` without one.
fn resource_element(st: &Statement, req: &Prepared<'_>, applied: bool) -> Option<ElementMatch> {
    let (clause, list, hits_decide) = match st.resource.as_ref()? {
        ResourceClause::Resource(l) => ("Resource", l, applied),
        ResourceClause::NotResource(l) => ("NotResource", l, !applied),
    };
    let patterns = list
        .iter()
        .filter(|r| !hits_decide || resource_hit(r, req) == Some(true))
        .map(|r| r.raw.clone())
        .collect();
    Some(ElementMatch { clause, patterns })
}

/// The statement's `Principal`/`NotPrincipal` and its entries, as `AWS:...`, `Service:...`.
fn principal_element(st: &Statement) -> ElementMatch {
    let (clause, p) = match &st.principal {
        Some(PrincipalClause::Principal(p)) => ("Principal", p),
        Some(PrincipalClause::NotPrincipal(p)) => ("NotPrincipal", p),
        None => {
            return ElementMatch {
                clause: "Principal",
                patterns: Vec::new(),
            }
        }
    };
    let mut patterns: Vec<String> = p.any.then(|| "*".to_string()).into_iter().collect();
    patterns.extend(p.entries.iter().map(|e| match e {
        PrincipalEntry::AnyAws => "AWS:*".to_string(),
        PrincipalEntry::Account { raw, .. } => format!("AWS:{raw}"),
        PrincipalEntry::Arn(a) | PrincipalEntry::UniqueId(a) => format!("AWS:{a}"),
        PrincipalEntry::Service(s) => format!("Service:{s}"),
        PrincipalEntry::Federated(f) => format!("Federated:{f}"),
        PrincipalEntry::CanonicalUser(c) => format!("CanonicalUser:{c}"),
    }));
    ElementMatch { clause, patterns }
}

/// Check `st` against the request. `with_principal` is false for identity-based layers, whose
/// statements have no `Principal`. Keys a condition reads but the request lacks go to `missing`.
pub(crate) fn applies(
    st: &Statement,
    req: &Prepared<'_>,
    with_principal: bool,
    missing: &mut Vec<String>,
) -> Result<Option<PrincipalMatch>, Miss> {
    let action_hit =
        |list: &[crate::policy::ActionPattern]| list.iter().any(|a| a.matcher.is_match(req.action));
    let action_ok = match &st.action {
        ActionClause::Action(l) => action_hit(l),
        ActionClause::NotAction(l) => !action_hit(l),
    };
    if !action_ok {
        return Err(Miss::Action);
    }
    let resource_ok = match &st.resource {
        // Trust policies have no Resource: the role is the resource. An ECR repository or SNS
        // topic policy statement without one applies to the resource the policy is attached to,
        // the only resource its policy set is consulted for (docs/semantics-decisions.md,
        // "Resource-based policies without `Resource`").
        None => true,
        Some(ResourceClause::Resource(l)) => l.iter().any(|r| resource_hit(r, req) == Some(true)),
        // A NotResource entry whose variable has no value matches no resource, so it excludes
        // nothing: a Deny then covers every resource, as AWS's variables page reads; an Allow
        // must not widen to every resource, so it applies to nothing
        // (docs/semantics-decisions.md, rule 33).
        Some(ResourceClause::NotResource(l)) => l.iter().all(|r| match resource_hit(r, req) {
            Some(hit) => !hit,
            None => st.effect == Effect::Deny,
        }),
    };
    if !resource_ok {
        return Err(Miss::Resource);
    }
    let via = if with_principal {
        match &st.principal {
            Some(PrincipalClause::Principal(p)) => {
                Some(principal_match(p, req.principal).ok_or(Miss::Principal)?)
            }
            Some(PrincipalClause::NotPrincipal(p)) => {
                let left_out = match st.effect {
                    // A Deny with NotPrincipal applies to any principal with a permissions
                    // boundary, and spares only a caller all of whose identities are listed.
                    // <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html>
                    Effect::Deny => !req.has_boundary && exempt(p, req.principal),
                    // Allow with NotPrincipal: AWS now calls it "not supported"; its older page
                    // says it "allows all principals except the one named". A caller named in
                    // any of its identities is left out: the reading that grants least
                    // (docs/semantics-decisions.md, "Allow with NotPrincipal").
                    Effect::Allow => principal_match(p, req.principal).is_some(),
                };
                if left_out {
                    return Err(Miss::Principal);
                }
                Some(PrincipalMatch::Everyone)
            }
            None => None,
        }
    } else {
        None
    };
    let mut result = Ok(via);
    for (i, c) in st.conditions.iter().enumerate() {
        if req.context.lookup(c.key_lower()).is_none()
            && !missing.iter().any(|m| m.eq_ignore_ascii_case(&c.key))
        {
            missing.push(c.key.clone());
        }
        if result.is_ok() {
            if let Err(f) = evaluate(c, &req.context, st.effect) {
                result = Err(Miss::Condition(i, f));
            }
        }
    }
    result
}

/// `Some(true)` when the pattern covers the resource; `None` when a variable has no value.
fn resource_hit(r: &ResourcePattern, req: &Prepared<'_>) -> Option<bool> {
    match &r.matcher {
        ResourceMatcher::Fixed(w) => Some(w.is_match(req.resource)),
        ResourceMatcher::Template(t) => t
            .resolve_pattern(&req.context, Dialect::Resource)
            .map(|w| w.is_match(req.resource)),
    }
}

/// How (if at all) a `Principal` element names the caller.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
pub(crate) fn principal_match(p: &Principals, caller: &Principal) -> Option<PrincipalMatch> {
    if p.any {
        return Some(PrincipalMatch::Everyone);
    }
    let mut best: Option<PrincipalMatch> = None;
    for e in &p.entries {
        let m = entry_match(e, caller);
        best = match (best, m) {
            (b, None) => b,
            (None, m) => m,
            (Some(b), Some(m)) => Some(if m.rank() < b.rank() { m } else { b }),
        };
    }
    best
}

fn same_role(policy_arn: &str, role_arn: &str) -> bool {
    let (Some(a), Some(b)) = (Arn::parse(policy_arn), Arn::parse(role_arn)) else {
        return false;
    };
    // Role names are unique in an account, so the path does not matter (session ARNs omit it).
    a.service == "iam"
        && b.service == "iam"
        && a.partition == b.partition
        && a.account == b.account
        && a.resource.starts_with("role/")
        && a.resource.rsplit('/').next() == b.resource.rsplit('/').next()
}

/// An account principal written as an ARN (`arn:aws:iam::123456789012:root`) names the account
/// in that partition only; a bare account id names it in the policy's own partition, which is the
/// caller's whenever the policy is reachable at all (partitions are isolated: see
/// `service::service_rule`).
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_compare-resource-policies.html>
fn same_partition(raw: &str, caller: &IamPrincipal) -> bool {
    partition_of(raw).is_none_or(|p| p == caller.partition)
}

fn entry_match(e: &PrincipalEntry, caller: &Principal) -> Option<PrincipalMatch> {
    match (e, caller) {
        (PrincipalEntry::AnyAws, _) => Some(PrincipalMatch::Everyone),
        (PrincipalEntry::Account { account, raw }, Principal::Iam(p))
            if *account == p.account && same_partition(raw, p) =>
        {
            Some(PrincipalMatch::Account)
        }
        (PrincipalEntry::Arn(a), Principal::Iam(p)) => match &p.kind {
            IamKind::Role {
                role_arn, session, ..
            } => {
                if session.is_some() && *a == p.arn {
                    Some(PrincipalMatch::Direct)
                } else if same_role(a, role_arn) {
                    Some(PrincipalMatch::Role)
                } else {
                    None
                }
            }
            IamKind::User { .. } | IamKind::FederatedUser { .. } => {
                (*a == p.arn).then_some(PrincipalMatch::Direct)
            }
            IamKind::Root => None,
        },
        (PrincipalEntry::Service(s), Principal::Service(name)) if s == name => {
            Some(PrincipalMatch::Direct)
        }
        _ => None,
    }
}

/// `NotPrincipal` exempts a caller only when every identity it acts as is listed: its account,
/// and its user, role and session ARNs.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>
fn exempt(p: &Principals, caller: &Principal) -> bool {
    if p.any || p.entries.contains(&PrincipalEntry::AnyAws) {
        return true;
    }
    let has = |f: &dyn Fn(&PrincipalEntry) -> bool| p.entries.iter().any(f);
    match caller {
        Principal::Anonymous => false,
        Principal::Service(name) => has(&|e| matches!(e, PrincipalEntry::Service(s) if s == name)),
        Principal::Iam(ip) => {
            let account = has(&|e| {
                matches!(e, PrincipalEntry::Account { account, raw }
                    if *account == ip.account && same_partition(raw, ip))
            });
            let own = has(&|e| matches!(e, PrincipalEntry::Arn(a) if *a == ip.arn));
            match &ip.kind {
                IamKind::Root => account,
                IamKind::User { .. } | IamKind::FederatedUser { .. } => account && own,
                IamKind::Role {
                    role_arn, session, ..
                } => {
                    let role =
                        has(&|e| matches!(e, PrincipalEntry::Arn(a) if same_role(a, role_arn)));
                    account && role && (session.is_none() || own)
                }
            }
        }
    }
}
