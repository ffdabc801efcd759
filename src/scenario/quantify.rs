//! Quantified scenarios (docs/prove.md): the fields that make a scenario stand for every request
//! of a set (`for_all_context`, `quantify`), `for_each` over the inventory's names, and running
//! such a case through the decision procedure of [`crate::prove`].

use indexmap::IndexMap;

use super::case::{Case, Quantified};
use super::format::{Expect, ForAllContext, ForEachValues, Scenario};
use crate::catalog::Catalog;
use crate::engine::Evaluation;
use crate::inventory::Inventory;
use crate::pattern::{Dialect, Wildcard};
use crate::prove::{prove, Keys, Limits, Question, Scope, Verdict};
use crate::request::Context;

/// Whether a scenario is quantified: `Some((patterns, keys))` when it has `quantify` or
/// `for_all_context`. Quantified scenarios take no `because`, `blocked_by` or `session_policy`.
pub(crate) fn quantification(sc: &Scenario) -> Result<Option<(bool, Keys)>, String> {
    let keys = match &sc.for_all_context {
        None | Some(ForAllContext::All(false)) => Keys::None,
        Some(ForAllContext::All(true)) => Keys::All,
        Some(ForAllContext::Keys(list)) => Keys::Only(list.clone()),
    };
    if !sc.quantify && keys == Keys::None {
        return Ok(None);
    }
    let refuse = |field: &str| {
        format!("`{field}` does not apply to a quantified scenario (`quantify`, `for_all_context`): its requests are decided one class at a time")
    };
    if sc.because.is_some() {
        return Err(refuse("because"));
    }
    if sc.blocked_by.is_some() {
        return Err(refuse("blocked_by"));
    }
    if sc.session_policy.is_some() {
        return Err(refuse("session_policy"));
    }
    Ok(Some((sc.quantify, keys)))
}

/// An action pattern of a quantified scenario: `*` or `service:Pattern`, matching at least one
/// action of the catalog.
pub(crate) fn check_action_pattern(a: &str) -> Result<(), String> {
    let shaped = a == "*"
        || a.split_once(':').is_some_and(|(s, rest)| {
            !s.is_empty()
                && !rest.is_empty()
                && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if !shaped {
        return Err(format!(
            "action pattern `{a}` is not `*` or `service:Pattern`"
        ));
    }
    if Catalog::embedded().expand(a).is_empty() {
        return Err(format!("no action of the catalog matches `{a}`"));
    }
    Ok(())
}

/// The values of every `for_each` variable: lists as given, inventory names as found.
pub(crate) fn for_each_lists(
    vars: &IndexMap<String, ForEachValues>,
    inv: Option<&Inventory>,
) -> Result<IndexMap<String, Vec<String>>, String> {
    let mut out = IndexMap::new();
    for (name, v) in vars {
        let values = match v {
            ForEachValues::List(l) => l.clone(),
            ForEachValues::Inventory(q) => {
                let inv = inv.ok_or_else(|| {
                    format!("`for_each.{name}` names inventory entries, but no inventory is loaded")
                })?;
                let (what, pattern, names): (&str, &str, Vec<String>) =
                    match (&q.roles, &q.users, &q.agents) {
                        (Some(p), None, None) => (
                            "role",
                            p,
                            inv.roles.iter().map(|r| r.name.clone()).collect(),
                        ),
                        (None, Some(p), None) => (
                            "user",
                            p,
                            inv.users.iter().map(|u| u.name.clone()).collect(),
                        ),
                        (None, None, Some(p)) => ("agent", p, agent_keys(inv)),
                        _ => {
                            return Err(format!(
                                "`for_each.{name}` takes one of `roles`, `users`, `agents`"
                            ))
                        }
                    };
                let w = Wildcard::new(pattern, Dialect::Plain)
                    .map_err(|_| format!("`for_each.{name}`: pattern too long"))?;
                let mut found: Vec<String> = names.into_iter().filter(|n| w.is_match(n)).collect();
                found.sort();
                found.dedup();
                if found.is_empty() {
                    return Err(format!(
                        "`for_each.{name}`: no {what} of the inventory matches `{pattern}`"
                    ));
                }
                found
            }
        };
        out.insert(name.clone(), values);
    }
    Ok(out)
}

/// The agent keys the inventory's ownership records.
fn agent_keys(inv: &Inventory) -> Vec<String> {
    inv.ownership.iter().map(|o| o.owner.clone()).collect()
}

/// What a quantified case is checked against.
fn expectation(e: Expect) -> crate::prove::Expect {
    match e {
        Expect::Allow => crate::prove::Expect::Allow,
        Expect::Deny => crate::prove::Expect::Deny,
        Expect::ExplicitDeny => crate::prove::Expect::ExplicitDeny,
        Expect::ImplicitDeny => crate::prove::Expect::ImplicitDeny,
    }
}

/// Decide a quantified case: no problem when proved; the counterexample (with its
/// evaluation), the reasons it is unknown, or an empty set of requests otherwise.
pub(crate) fn run_quantified(
    scope: &Scope<'_>,
    case: &Case,
    q: &Quantified,
) -> (Option<Evaluation>, Vec<String>) {
    let question = Question {
        principal: (*case.request.principal).clone(),
        actions: q.actions.clone(),
        resources: q.resources.clone(),
        exclude: Vec::new(),
        patterns: q.patterns,
        context: Context::clone(&case.request.context),
        keys: q.keys.clone(),
        expect: expectation(case.expect),
        resource_account: case.request.resource_account.as_deref().map(str::to_string),
    };
    let answer = prove(scope, &question, &Limits::default());
    match answer.verdict {
        Verdict::Proved if answer.requests == 0 => (
            None,
            vec![format!(
                "no request in the quantified set: no action of `{}` takes a resource of `{}`",
                case.request.action, case.request.resource
            )],
        ),
        Verdict::Proved => (None, Vec::new()),
        Verdict::Counterexample(c) => {
            let line = format!("counterexample: {}", c.describe());
            (Some(c.evaluation), vec![line])
        }
        Verdict::Unknown(why) => (None, vec![format!("unknown: {}", why.join("; "))]),
    }
}
