//! Could a statement apply? The action clause decides exactly; a resource clause with policy
//! variables may match anything, and a `Principal` may name a caller through wildcards or
//! `NotPrincipal` (the engine decides with the request). Shared with `diff`.

use crate::policy::{
    ActionClause, PrincipalClause, PrincipalEntry, ResourceClause, ResourceMatcher, Statement,
};
use crate::request::{IamKind, Principal};

/// Does the action clause match the lowercased action?
pub(crate) fn action_matches(clause: &ActionClause, lower: &str) -> bool {
    match clause {
        ActionClause::Action(l) => l.iter().any(|p| p.matcher.is_match(lower)),
        ActionClause::NotAction(l) => !l.iter().any(|p| p.matcher.is_match(lower)),
    }
}

/// Could the statement's resource clause match `r`? Patterns with policy variables may.
pub(crate) fn resource_may_match(clause: Option<&ResourceClause>, r: &str) -> bool {
    let hit = |m: &ResourceMatcher, definite: bool| match m {
        ResourceMatcher::Fixed(w) => w.is_match(r),
        ResourceMatcher::Template(_) => !definite,
    };
    match clause {
        None => true,
        Some(ResourceClause::Resource(l)) => l.iter().any(|p| hit(&p.matcher, false)),
        Some(ResourceClause::NotResource(l)) => !l.iter().any(|p| hit(&p.matcher, true)),
    }
}

/// Could the statement's `Principal` name `p`? Over-approximates (`NotPrincipal`, wildcards).
pub(crate) fn principal_may_match(st: &Statement, p: &Principal) -> bool {
    let ps = match &st.principal {
        None | Some(PrincipalClause::NotPrincipal(_)) => return true,
        Some(PrincipalClause::Principal(ps)) => ps,
    };
    if ps.any {
        return true;
    }
    ps.entries.iter().any(|e| match (e, p) {
        (PrincipalEntry::AnyAws, Principal::Iam(_)) => true,
        (PrincipalEntry::Account { account, .. }, Principal::Iam(ip)) => ip.account == *account,
        (PrincipalEntry::Arn(a), Principal::Iam(ip)) => {
            a.contains(['*', '?'])
                || *a == ip.arn
                || matches!(&ip.kind, IamKind::Role { role_arn, .. } if role_arn == a)
        }
        (PrincipalEntry::Service(s), Principal::Service(t)) => s.eq_ignore_ascii_case(t),
        _ => false,
    })
}
