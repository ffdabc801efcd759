//! Could a statement apply to a request? Over-approximations the planner and the context
//! search use before the engine decides.

use crate::policy::{
    ActionClause, PrincipalClause, PrincipalEntry, ResourceClause, ResourceMatcher, Statement,
};
use crate::request::{IamKind, Principal};

/// Does the resource clause possibly match `r`? Patterns with policy variables may match
/// anything (their value is per request), so they count as matching `Resource` and as not
/// matching `NotResource`: the planner over-approximates, the engine decides.
pub(crate) fn resource_may_match(clause: Option<&ResourceClause>, r: &str) -> bool {
    let hit = |m: &ResourceMatcher, definite: bool| match m {
        ResourceMatcher::Fixed(w) => w.is_match(r),
        ResourceMatcher::Template(_) => !definite,
    };
    match clause {
        None => true,
        Some(ResourceClause::Resource(list)) => list.iter().any(|p| hit(&p.matcher, false)),
        Some(ResourceClause::NotResource(list)) => !list.iter().any(|p| hit(&p.matcher, true)),
    }
}

/// Does the action clause match the lowercased action?
pub(crate) fn action_matches(clause: &ActionClause, lower: &str) -> bool {
    match clause {
        ActionClause::Action(list) => list.iter().any(|p| p.matcher.is_match(lower)),
        ActionClause::NotAction(list) => !list.iter().any(|p| p.matcher.is_match(lower)),
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
