//! Quantified scenarios (docs/prove.md): the fields that make a scenario stand for every request
//! of a set (`for_all_context`, `quantify`), `for_each` over the inventory's names, and running
//! such a case through the decision procedure of [`crate::prove`].

use indexmap::IndexMap;

use super::case::{Case, Quantified};
use super::format::{Expect, ForAllContext, ForEachValues, Scenario, TenancyField};
use crate::catalog::Catalog;
use crate::engine::{Evaluation, StatementId};
use crate::inventory::Inventory;
use crate::pattern::{Dialect, Wildcard};
use crate::prove::{prove, tenancy, Keys, Limits, Question, Scope, Verdict};
use crate::request::Context;

/// How a quantified scenario ranges: patterns or names, the keys that vary, and for a tenancy
/// claim the owners left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Quant {
    /// `actions` and `resources` are patterns
    pub patterns: bool,
    /// The context keys that vary
    pub keys: Keys,
    /// A tenancy claim, with the owners it leaves out
    pub tenancy: Option<Vec<String>>,
}

/// Whether a scenario is quantified (`quantify`, `for_all_context`, `tenancy`), and how.
/// Quantified scenarios take no `because`, `blocked_by` or `session_policy`; a tenancy claim
/// takes no action or resource (it is about every one) and expects `deny`.
pub(crate) fn quantification(sc: &Scenario) -> Result<Option<Quant>, String> {
    let keys = match &sc.for_all_context {
        None | Some(ForAllContext::All(false)) => Keys::None,
        Some(ForAllContext::All(true)) => Keys::All,
        Some(ForAllContext::Keys(list)) => Keys::Only(list.clone()),
    };
    let tenancy = match &sc.tenancy {
        None | Some(TenancyField::On(false)) => None,
        Some(TenancyField::On(true)) => Some(Vec::new()),
        Some(TenancyField::Except { except }) => Some(except.clone()),
    };
    if !sc.quantify && keys == Keys::None && tenancy.is_none() {
        return Ok(None);
    }
    let refuse = |field: &str| {
        format!("`{field}` does not apply to a quantified scenario (`quantify`, `for_all_context`, `tenancy`): its requests are decided one class at a time")
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
    if tenancy.is_some() {
        let given = [
            ("action", sc.action.is_some()),
            ("actions", sc.actions.is_some()),
            ("resource", sc.resource.is_some()),
            ("resources", sc.resources.is_some()),
            ("quantify", sc.quantify),
            ("for_all_context", keys != Keys::None),
        ];
        if let Some((field, _)) = given.iter().find(|(_, g)| *g) {
            return Err(format!(
                "`tenancy` is about every action, resource and context: leave out `{field}`"
            ));
        }
        if sc.expect != Expect::Deny {
            return Err("`tenancy` expects `deny`".into());
        }
        return Ok(Some(Quant {
            patterns: true,
            keys: Keys::All,
            tenancy,
        }));
    }
    Ok(Some(Quant {
        patterns: sc.quantify,
        keys,
        tenancy: None,
    }))
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
    // Whether one action matches, without listing them all (`*` lists every action of the
    // catalog, and a tenancy claim asks it once per binding).
    if !Catalog::embedded().matches_any(a) {
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

/// What a quantified case gives: the counterexample's evaluation, the problems (none when
/// proved), and the statements that decided one of its requests.
type Decided = (Option<Evaluation>, Vec<String>, Vec<StatementId>);

/// Decide a quantified case: no problem when proved; the counterexample (with its
/// evaluation), the reasons it is unknown, or an empty set of requests otherwise.
pub(crate) fn run_quantified(scope: &Scope<'_>, case: &Case, q: &Quantified) -> Decided {
    if let Some(except) = &q.tenancy {
        let t = tenancy(
            scope,
            Some(&case.request.principal),
            except,
            &Limits::default(),
        );
        let mut problems: Vec<String> = t
            .breaches
            .iter()
            .map(|b| {
                format!(
                    "acts on {}'s resources: counterexample: {}",
                    b.owner,
                    b.counterexample.describe()
                )
            })
            .collect();
        problems.extend(t.unknown.iter().map(|u| {
            format!(
                "unknown on {}'s resources: {}",
                u.owner,
                u.reasons.join("; ")
            )
        }));
        let evaluation = t
            .breaches
            .first()
            .map(|b| b.counterexample.evaluation.clone());
        return (evaluation, problems, t.exercised);
    }
    let question = Question {
        principal: (*case.request.principal).clone(),
        actions: q.actions.clone(),
        resources: q.resources.clone(),
        exclude: Vec::new(),
        patterns: q.patterns,
        context: Context::clone(&case.request.context),
        keys: q.keys.clone(),
        expect: case.expect,
        resource_account: case.request.resource_account.as_deref().map(str::to_string),
    };
    let answer = prove(scope, &question, &Limits::default());
    let exercised = answer.exercised;
    match answer.verdict {
        Verdict::Proved if answer.requests == 0 => (
            None,
            vec![format!(
                "no request in the quantified set: no action of `{}` takes a resource of `{}`",
                case.request.action, case.request.resource
            )],
            exercised,
        ),
        Verdict::Proved => (None, Vec::new(), exercised),
        Verdict::Counterexample(c) => {
            let line = format!("counterexample: {}", c.describe());
            (Some(c.evaluation), vec![line], exercised)
        }
        Verdict::Unknown(why) => (
            None,
            vec![format!("unknown: {}", why.join("; "))],
            exercised,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pattern must be `*` or `service:Pattern` and match an action of the catalog (as
    /// `Catalog::expand` lists them).
    #[test]
    fn action_patterns_must_match_an_action() {
        for ok in ["*", "ecr:*", "ECR:batchget*", "s3:Get?bject"] {
            assert_eq!(check_action_pattern(ok), Ok(()), "{ok}");
            assert!(!Catalog::embedded().expand(ok).is_empty(), "{ok}");
        }
        for (bad, why) in [
            ("ecr:Nope*", "no action of the catalog matches `ecr:Nope*`"),
            ("nosuch:*", "no action of the catalog matches `nosuch:*`"),
            (
                "*:GetObject",
                "action pattern `*:GetObject` is not `*` or `service:Pattern`",
            ),
            (
                "ecr",
                "action pattern `ecr` is not `*` or `service:Pattern`",
            ),
        ] {
            assert_eq!(check_action_pattern(bad), Err(why.to_string()), "{bad}");
        }
    }
}
