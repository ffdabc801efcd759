//! The inventory's own policies checked against the catalog, by every command that loads one: a
//! statement naming an action no AWS service has, or naming only resources its actions never act
//! on, matches nothing. In a `Deny` that is a protection that cannot work (an error); in an
//! `Allow`, a grant that grants nothing (a warning). `--no-catalog` skips the check.

use std::fmt;

use crate::catalog::{retired_service, validate_request, Catalog, RequestError};
use crate::engine::{Engine, Layer, StatementId};
use crate::policy::{
    ActionClause, ActionPattern, Effect, ResourceClause, ResourceMatcher, Statement,
};

/// One statement that cannot do what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyIssue {
    /// The statement
    pub statement: StatementId,
    /// The layer its policy belongs to
    pub layer: Layer,
    /// Its effect: a `Deny` that matches nothing is an error, an `Allow` a warning
    pub effect: Effect,
    /// What is wrong, one line
    pub message: String,
    /// The unknown action the statement names, if that is the issue
    pub unknown_action: Option<String>,
}

impl fmt::Display for PolicyIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.effect {
            Effect::Deny => "in a Deny, it protects nothing",
            Effect::Allow => "in an Allow, it grants nothing",
        };
        write!(
            f,
            "{} ({} policy): {}: {what}",
            self.statement, self.layer, self.message
        )
    }
}

/// What [`check_policies`] found.
#[derive(Debug, Default)]
pub struct PolicyCheck {
    /// Issues in `Deny` statements: the run stops
    pub errors: Vec<PolicyIssue>,
    /// Issues in `Allow` statements (and in `NotAction` lists, which widen rather than fail)
    pub warnings: Vec<PolicyIssue>,
}

/// Fewer statements than this per thread are checked faster than a thread starts (the reference
/// platform's 66 took 3.7 ms of start-up on one thread, 4.5–4.8 ms on two).
const STATEMENTS_PER_THREAD: usize = 1_000;

/// Check every statement of `engine` against the embedded catalog, on every core (a platform of
/// 1,000 agents has some 15,000 statements: checked on one thread, they took a third of
/// `check`'s start-up).
pub fn check_policies(engine: &Engine) -> PolicyCheck {
    let catalog = Catalog::embedded();
    let statements = engine.statements();
    let issues = crate::par::par_map(
        &statements,
        STATEMENTS_PER_THREAD,
        |(_, _, st)| Some(statement_issues(catalog, st)),
        || None,
    );
    let mut found = PolicyCheck::default();
    for ((layer, id, st), issues) in statements.iter().zip(issues) {
        let make = |message, unknown_action| PolicyIssue {
            statement: (*id).clone(),
            layer: *layer,
            effect: st.effect,
            message,
            unknown_action,
        };
        // A statement whose check failed inside iamsim stops the run: never a quiet pass.
        let Some(issues) = issues else {
            let why = "internal: checking this statement against the catalog failed";
            found.errors.push(make(why.into(), None));
            continue;
        };
        for (message, fails, unknown_action) in issues {
            if fails && st.effect == Effect::Deny {
                found.errors.push(make(message, unknown_action));
            } else {
                found.warnings.push(make(message, unknown_action));
            }
        }
    }
    found
}

/// The problems of one statement, each with whether it makes the statement match nothing and
/// the unknown action it names, if that is the problem.
fn statement_issues(catalog: &Catalog, st: &Statement) -> Vec<(String, bool, Option<String>)> {
    let (patterns, listed) = match &st.action {
        ActionClause::Action(p) => (p, true),
        ActionClause::NotAction(p) => (p, false),
    };
    let mut out = Vec::new();
    for p in patterns {
        if !catalog.matches_any(&p.raw) {
            // A retired service's action protects nothing, but there is nothing left for it
            // to protect: a warning whatever the effect (lint: IAMSIM-L010).
            let retired = p.raw.split(':').next().and_then(retired_service);
            match retired {
                Some(r) => out.push((
                    format!("`{}` is an action of a retired service ({})", p.raw, r.name),
                    false,
                    None,
                )),
                None => out.push((unknown(catalog, p), listed, Some(p.raw.clone()))),
            }
        }
    }
    if listed {
        out.extend(
            resource_mismatches(st, patterns)
                .into_iter()
                .map(|m| (m, true, None)),
        );
    }
    out
}

fn unknown(catalog: &Catalog, p: &ActionPattern) -> String {
    let hint = if p.raw.contains(['*', '?']) {
        None
    } else {
        catalog.suggest(&p.raw)
    };
    match hint {
        Some(s) => format!("`{}` matches no known action (did you mean `{s}`?)", p.raw),
        None => format!("`{}` matches no known action", p.raw),
    }
}

/// Exact actions that act on none of the statement's resources, when every resource is a
/// literal ARN (patterns are left alone: they may cover a fitting ARN).
fn resource_mismatches(st: &Statement, actions: &[ActionPattern]) -> Vec<String> {
    let Some(ResourceClause::Resource(resources)) = &st.resource else {
        return Vec::new();
    };
    let literal: Option<Vec<&str>> = resources
        .iter()
        .map(|r| match &r.matcher {
            ResourceMatcher::Fixed(_) if !r.raw.contains(['*', '?']) => Some(r.raw.as_str()),
            _ => None,
        })
        .collect();
    let Some(literal) = literal else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for a in actions.iter().filter(|a| !a.raw.contains(['*', '?'])) {
        let mut why = None;
        let fits = literal.iter().any(|r| match validate_request(&a.raw, r) {
            Err(e @ RequestError::WrongResource { .. }) => {
                why.get_or_insert(e.to_string());
                false
            }
            _ => true,
        });
        if !fits {
            out.extend(why);
        }
    }
    out
}

/// For a case that failed expecting an Allow: the statements of its inventory that name an
/// unknown action close to the case's own (`s3:GetObjet` for `s3:GetObject`), as notes for the
/// failure, so a typo is named instead of a layer to blame.
pub fn typo_notes(issues: &[PolicyIssue], action: &str) -> Vec<String> {
    let catalog = Catalog::embedded();
    issues
        .iter()
        .filter_map(|i| {
            let typo = i.unknown_action.as_deref()?;
            let meant = catalog.suggest(typo)?;
            meant.eq_ignore_ascii_case(action).then(|| {
                format!(
                    "{} names `{typo}`, not `{meant}`: the typo may be why",
                    i.statement
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{named, AdHoc};
    use crate::policy::{parse_str, PolicyKind};
    use crate::request::Principal;

    fn engine(statements: &str) -> Engine {
        let doc = format!(r#"{{"Version": "2012-10-17", "Statement": {statements}}}"#);
        let ad = AdHoc {
            principal: Some(Principal::parse("arn:aws:iam::111122223333:role/app").unwrap()),
            identity: vec![named(
                "app",
                parse_str(&doc, "p", PolicyKind::Identity).unwrap(),
            )],
            ..AdHoc::default()
        };
        Engine::new(&ad.build()).unwrap()
    }

    #[test]
    fn a_typo_is_an_error_in_a_deny_and_a_warning_in_an_allow() {
        let e = engine(
            r#"[{"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:DeleteObjet", "Resource": "*"},
                {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObjet", "s3:ListBucket"], "Resource": "*"}]"#,
        );
        let found = check_policies(&e);
        assert_eq!(found.errors.len(), 1);
        assert_eq!(
            found.errors[0].to_string(),
            "app statement NoDelete (#0) (identity policy): `s3:DeleteObjet` matches no known action (did you mean `s3:DeleteObject`?): in a Deny, it protects nothing"
        );
        assert_eq!(found.warnings.len(), 1);
        assert!(found.warnings[0].message.contains("`s3:GetObjet`"));
    }

    #[test]
    fn an_action_that_acts_on_none_of_the_literal_resources() {
        let e = engine(
            r#"[{"Effect": "Deny", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "arn:aws:s3:::reports"},
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]"#,
        );
        let found = check_policies(&e);
        assert_eq!(found.errors.len(), 1, "{:?}", found.errors);
        assert!(found.errors[0]
            .message
            .contains("`s3:GetObject` does not act on"));
        assert!(found.warnings.is_empty());
    }

    #[test]
    fn a_retired_service_warns_even_in_a_deny() {
        let e = engine(r#"[{"Effect": "Deny", "Action": "deepracer:*", "Resource": "*"}]"#);
        let found = check_policies(&e);
        assert!(found.errors.is_empty());
        assert!(
            found.warnings[0].message.contains("retired service"),
            "{:?}",
            found.warnings
        );
    }

    #[test]
    fn not_action_typos_warn_whatever_the_effect() {
        let e = engine(r#"[{"Effect": "Deny", "NotAction": "s3:GetObjet", "Resource": "*"}]"#);
        let found = check_policies(&e);
        assert!(found.errors.is_empty());
        assert_eq!(found.warnings.len(), 1);
    }
}
