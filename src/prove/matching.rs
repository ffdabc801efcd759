//! Could a statement apply? The action clause decides exactly; a resource clause with policy
//! variables may match anything (the engine decides with the request's values).

use crate::policy::{ActionClause, ResourceClause, ResourceMatcher};

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
