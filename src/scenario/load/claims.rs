//! Checks on the claims a scenario makes beyond one request: a transitive case's expectation and
//! technique (docs/reach.md), and a tenancy claim's owners (docs/prove.md).

use super::resolve::Resolver;
use crate::scenario::format::{Expect, Scenario};

/// A transitive case expects `allow` or `deny`, names no layer, and its `because` is a technique
/// of the catalog (docs/reach.md) that the allowing path must use.
pub(super) fn check_transitive(sc: &Scenario, blocked_by: bool) -> Result<(), String> {
    if !matches!(sc.expect, Expect::Allow | Expect::Deny) {
        return Err(format!(
            "a transitive case expects `allow` or `deny`, not `{}`",
            sc.expect.name()
        ));
    }
    if blocked_by {
        return Err(
            "a transitive case has no `blocked_by` (a path has no single deciding layer)".into(),
        );
    }
    if sc.session_policy.is_some() {
        return Err("a transitive case has no `session_policy`".into());
    }
    let Some(because) = sc.because.as_deref() else {
        return Ok(());
    };
    if sc.expect != Expect::Allow {
        return Err("`because` on a transitive case names the technique an allowing path uses: it goes with `expect: allow`".into());
    }
    if because.contains("${") || crate::reach::technique(because).is_some() {
        return Ok(());
    }
    let ids = crate::reach::techniques().iter().map(|t| t.id.as_str());
    let hint = crate::policy::closest(because, ids)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    Err(format!(
        "`because` `{because}` is not a technique id of data/escalation-techniques.json{hint}"
    ))
}

/// A tenancy claim needs the inventory's ownership, and its exceptions must be owners.
pub(super) fn check_owners(except: &[String], resolver: &Resolver<'_>) -> Result<(), String> {
    let owners = resolver.inventory.map(|i| &i.ownership[..]).unwrap_or(&[]);
    if owners.is_empty() {
        return Err(
            "`tenancy` needs the inventory's ownership.json (written by `iamsim generate`)".into(),
        );
    }
    for e in except {
        if !owners.iter().any(|o| o.owner == *e) {
            let hint = crate::policy::closest(e, owners.iter().map(|o| o.owner.as_str()))
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return Err(format!(
                "`tenancy.except`: `{e}` is not an owner of ownership.json{hint}"
            ));
        }
    }
    Ok(())
}
