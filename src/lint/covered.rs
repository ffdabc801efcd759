//! Whether the Deny statements beside a grant take it away (#15 item 9). A grant is covered when,
//! for every principal that holds the document, one unconditional Deny of that principal's
//! policies covers each of its actions on all of its resources (for a resource or trust policy,
//! the Deny must name `Principal: "*"` or the grant's own principals). Coverage is proved
//! conservatively: action patterns by wildcard containment, resources as L007 compares them.
//! A Deny that overlaps the grant without covering it, or covers it only under a condition,
//! narrows it: the finding stays and names the Deny (docs/lint.md).

use std::collections::HashSet;

use super::context::{Linter, StatementCtx};
use super::denies::DenyStatement;
use super::redundant::pattern_covers;
use crate::policy::{ActionClause, ActionPattern, PrincipalClause, ResourceClause, Statement};

/// The actions of a grant.
pub(crate) enum GrantActions<'s> {
    /// These action patterns
    Only(Vec<&'s str>),
    /// Every action except these (`NotAction`)
    AllBut(&'s [ActionPattern]),
}

/// What a finding says is granted: actions on the resources of its statement.
pub(crate) struct Grant<'s> {
    pub actions: GrantActions<'s>,
    pub statement: &'s Statement,
}

impl<'s> Grant<'s> {
    /// The whole statement's grant
    pub fn statement(statement: &'s Statement) -> Self {
        let actions = match &statement.action {
            ActionClause::Action(list) => {
                GrantActions::Only(list.iter().map(|p| p.raw.as_str()).collect())
            }
            ActionClause::NotAction(list) => GrantActions::AllBut(list),
        };
        Self { actions, statement }
    }

    /// One action pattern of the statement on its resources
    pub fn action(statement: &'s Statement, action: &'s str) -> Self {
        Self {
            actions: GrantActions::Only(vec![action]),
            statement,
        }
    }
}

/// What the Denies beside a grant do to it.
pub(crate) enum Verdict {
    /// Nothing: report the grant as it is
    Open,
    /// They take part of it, or all of it only under conditions: this note says which
    Narrowed(String),
    /// They take all of it, unconditionally: no finding
    Denied,
}

/// The verdict on `grant`, a grant of the statement `s`.
pub(crate) fn judge(linter: &mut Linter, s: &StatementCtx<'_>, grant: &Grant<'_>) -> Verdict {
    let sets = &s.ctx.denies.sets;
    let denied = !sets.is_empty() && sets.iter().all(|set| covered_by(grant, set));
    if denied {
        return Verdict::Denied;
    }
    let (file, doc_path) = (s.ctx.at.file, s.ctx.at.path.to_string());
    let mut seen = HashSet::new();
    let labels: Vec<String> = sets
        .iter()
        .flatten()
        .filter(|d| overlaps(linter, grant, d.statement))
        .map(|d| d.label(file, &doc_path))
        .filter(|label| seen.insert(label.clone()))
        .collect();
    if labels.is_empty() {
        Verdict::Open
    } else {
        let who = if labels.len() == 1 {
            "a Deny narrows"
        } else {
            "Denies narrow"
        };
        Verdict::Narrowed(format!(
            "; {who} it without removing it: {}",
            labels.join(", ")
        ))
    }
}

/// Whether one principal's Denies cover every action of the grant on all of its resources.
fn covered_by(grant: &Grant<'_>, set: &[DenyStatement<'_>]) -> bool {
    let candidates: Vec<&Statement> = set
        .iter()
        .map(|d| d.statement)
        .filter(|d| {
            d.conditions.is_empty()
                && principal_covers(d.principal.as_ref(), grant.statement.principal.as_ref())
                && resources_cover(d.resource.as_ref(), grant.statement.resource.as_ref())
        })
        .collect();
    match &grant.actions {
        GrantActions::Only(actions) => actions
            .iter()
            .all(|a| candidates.iter().any(|d| action_covered(&d.action, a))),
        GrantActions::AllBut(excluded) => candidates.iter().any(|d| match &d.action {
            ActionClause::Action(list) => list.iter().any(|p| p.raw == "*"),
            // Deny everything but Y covers "everything but X" when Y is inside X.
            ActionClause::NotAction(kept) => kept
                .iter()
                .all(|y| excluded.iter().any(|x| glob_covers(&x.raw, &y.raw))),
        }),
    }
}

/// Whether a Deny's action clause covers every action pattern `action` matches.
fn action_covered(clause: &ActionClause, action: &str) -> bool {
    match clause {
        ActionClause::Action(list) => list.iter().any(|d| glob_covers(&d.raw, action)),
        // Deny all but Y covers a literal action none of Y matches.
        ActionClause::NotAction(kept) => {
            !action.contains(['*', '?']) && !kept.iter().any(|y| glob_covers(&y.raw, action))
        }
    }
}

/// Whether a Deny on `deny` resources applies to every resource the grant's clause names.
fn resources_cover(deny: Option<&ResourceClause>, grant: Option<&ResourceClause>) -> bool {
    match (deny, grant) {
        (None, None) => true,
        (Some(ResourceClause::Resource(d)), _) if d.iter().any(|p| p.raw == "*") => true,
        (Some(ResourceClause::Resource(d)), Some(ResourceClause::Resource(g))) => g
            .iter()
            .all(|r| d.iter().any(|p| pattern_covers(&p.raw, &r.raw))),
        // Deny all but Y covers "all but X" when Y is inside X.
        (Some(ResourceClause::NotResource(y)), Some(ResourceClause::NotResource(x))) => y
            .iter()
            .all(|kept| x.iter().any(|p| pattern_covers(&p.raw, &kept.raw))),
        _ => false,
    }
}

/// Whether a Deny's principals include every principal the grant names: identity policies have
/// none; otherwise the Deny names everyone (`"*"`) or the same principals.
fn principal_covers(deny: Option<&PrincipalClause>, grant: Option<&PrincipalClause>) -> bool {
    match deny {
        None => grant.is_none(),
        Some(PrincipalClause::Principal(p)) if p.any => true,
        Some(d) => Some(d) == grant,
    }
}

/// Whether a Deny statement touches the grant at all (for the note on a finding that stays).
fn overlaps(linter: &mut Linter, grant: &Grant<'_>, deny: &Statement) -> bool {
    let resources = match (&deny.resource, &grant.statement.resource) {
        (Some(ResourceClause::Resource(d)), Some(ResourceClause::Resource(g))) => {
            d.iter().any(|p| {
                g.iter().any(|r| {
                    p.raw == "*"
                        || r.raw == "*"
                        || pattern_covers(&p.raw, &r.raw)
                        || pattern_covers(&r.raw, &p.raw)
                })
            })
        }
        _ => true,
    };
    if !resources {
        return false;
    }
    match (&grant.actions, &deny.action) {
        (GrantActions::Only(actions), ActionClause::Action(list)) => actions.iter().any(|a| {
            list.iter().any(|d| {
                glob_covers(&d.raw, a)
                    || glob_covers(a, &d.raw)
                    || expansions_meet(linter, a, &d.raw)
            })
        }),
        (GrantActions::Only(actions), ActionClause::NotAction(kept)) => actions
            .iter()
            .any(|a| !kept.iter().any(|y| glob_covers(&y.raw, a))),
        (GrantActions::AllBut(excluded), ActionClause::Action(list)) => list
            .iter()
            .any(|d| !excluded.iter().any(|x| glob_covers(&x.raw, &d.raw))),
        (GrantActions::AllBut(_), ActionClause::NotAction(_)) => true,
    }
}

/// Whether two action patterns match a common catalog action.
fn expansions_meet(linter: &mut Linter, a: &str, b: &str) -> bool {
    let (a, b) = (linter.expand(a), linter.expand(b));
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let large: HashSet<&String> = large.iter().collect();
    small.iter().any(|x| large.contains(x))
}

/// Whether IAM wildcard pattern `outer` matches every text `inner` matches (ASCII case ignored,
/// as for action names): `*` in `outer` may absorb any run of `inner`, wildcards included; `?`
/// absorbs one character that is not `*`; other characters must be equal. Sound, not complete.
pub(crate) fn glob_covers(outer: &str, inner: &str) -> bool {
    let (o, i) = (outer.as_bytes(), inner.as_bytes());
    // ok[a][b]: o[a..] covers i[b..]; filled from the ends.
    let mut ok = vec![vec![false; i.len() + 1]; o.len() + 1];
    for a in (0..=o.len()).rev() {
        for b in (0..=i.len()).rev() {
            let cell = match o.get(a) {
                None => b == i.len(),
                Some(b'*') => at(&ok, a + 1, b) || (b < i.len() && at(&ok, a, b + 1)),
                Some(&oc) => match i.get(b) {
                    None => false,
                    Some(b'*') => false,
                    Some(b'?') => oc == b'?' && at(&ok, a + 1, b + 1),
                    Some(&ic) => {
                        (oc == b'?' || oc.eq_ignore_ascii_case(&ic)) && at(&ok, a + 1, b + 1)
                    }
                },
            };
            if let Some(slot) = ok.get_mut(a).and_then(|row| row.get_mut(b)) {
                *slot = cell;
            }
        }
    }
    at(&ok, 0, 0)
}

fn at(table: &[Vec<bool>], a: usize, b: usize) -> bool {
    table
        .get(a)
        .and_then(|row| row.get(b))
        .copied()
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::glob_covers;

    #[test]
    fn wildcard_containment() {
        assert!(glob_covers("iam:*", "iam:*"));
        assert!(glob_covers("iam:*", "iam:PassRole"));
        assert!(glob_covers("IAM:pass*", "iam:PassRole"));
        assert!(glob_covers("*", "s3:Get*"));
        assert!(glob_covers("s3:Get*", "s3:GetObject*"));
        assert!(glob_covers("s3:Get?bject", "s3:GetObject"));
        assert!(!glob_covers("iam:PassRole", "iam:*"));
        assert!(!glob_covers("iam:Pass*", "iam:*"));
        assert!(!glob_covers("s3:Get?", "s3:Get*"));
        assert!(!glob_covers("s3:*", "iam:*"));
        assert!(!glob_covers("", "s3:GetObject"));
    }
}
