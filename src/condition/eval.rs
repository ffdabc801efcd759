//! How one condition entry is decided against a request's context: the one place for the rules
//! on missing keys, `IfExists`, set qualifiers and negation.
//!
//! Sources: condition operators
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>,
//! several keys and values
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html>,
//! single- vs multivalued keys
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>.

use super::context::{ContextValue, Lookup};
use super::variables::Resolve;
use super::{BaseOperator, Comparison, Condition, Family, PolicyValue, Qualifier};
use crate::pattern::{Arn, ArnPattern, Dialect};
use crate::policy::Effect;

/// Why a condition entry did not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConditionFailure {
    /// The request does not have the key
    KeyAbsent,
    /// The request's value(s) do not satisfy the operator
    NoMatch,
    /// A request value cannot be read as the operator's type (e.g. a number)
    Unusable,
    /// A single-valued operator met a key with several values (use a set qualifier)
    MultiValued,
    /// A negated operator's policy value names a variable with no value: in an Allow the entry
    /// fails (docs/semantics-decisions.md, "a variable with no value under a negated operator")
    UnresolvedVariable,
}

/// The result of one condition entry.
pub type Outcome = Result<(), ConditionFailure>;

/// Decide `cond` against `ctx`, in a statement with `effect`. The effect matters in one case
/// only: a negated operator whose policy value names a variable with no value. AWS's variables
/// page says both that such a variable "might cause the entire statement to be invalid" and that
/// negated operators "do match against a null value"; iamsim takes the side that never widens
/// access: the entry fails in an Allow and holds in a Deny.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>
pub fn evaluate<L: Lookup + ?Sized>(cond: &Condition, ctx: &L, effect: Effect) -> Outcome {
    let op = cond.operator;
    let entry = ctx
        .lookup(cond.key_lower())
        .filter(|e| !e.values.is_empty());
    // `...IfExists` with the key absent never compares the value: AWS's variables page names it
    // as the way "to prevent variables from causing invalid statements".
    let compared = entry.is_some() || !op.if_exists;
    if effect == Effect::Allow
        && op.base.is_negated()
        && compared
        && has_unresolved_variable(cond, ctx)
    {
        return Err(ConditionFailure::UnresolvedVariable);
    }
    if op.base == BaseOperator::Null {
        // `Null: true` holds when the key is absent; an empty string counts as null (docs/aws-rules.md, rule 16).
        let present = entry.is_some_and(|e| e.values.iter().any(|v| !v.raw().is_empty()));
        let holds = cond
            .values()
            .iter()
            .any(|v| matches!(v, PolicyValue::Null(want_absent) if *want_absent != present));
        return if holds {
            Ok(())
        } else {
            Err(ConditionFailure::NoMatch)
        };
    }
    let Some(entry) = entry else {
        return match op.qualifier {
            // "ForAllValues ... returns true if there are no keys in the request".
            Some(Qualifier::ForAllValues) => Ok(()),
            // ForAnyValue needs a value to match, unless IfExists says absence is fine (the
            // documented IfExists rule; docs/semantics-decisions.md).
            Some(Qualifier::ForAnyValue) if op.if_exists => Ok(()),
            Some(Qualifier::ForAnyValue) => Err(ConditionFailure::KeyAbsent),
            None if op.if_exists || op.base.is_negated() => Ok(()),
            None => Err(ConditionFailure::KeyAbsent),
        };
    };
    let negated = op.base.is_negated();
    let satisfies = |v: &ContextValue| -> Option<bool> {
        let mut any = false;
        for pv in cond.values() {
            if matches_one(op.base, pv, v, ctx)? {
                any = true;
                break;
            }
        }
        Some(any != negated)
    };
    match op.qualifier {
        None => {
            // A list (even of one value) needs a set qualifier (docs/semantics-decisions.md, rule 22).
            let ([value], false) = (entry.values.as_slice(), entry.multi) else {
                return Err(ConditionFailure::MultiValued);
            };
            match satisfies(value) {
                Some(true) => Ok(()),
                Some(false) => Err(ConditionFailure::NoMatch),
                None => Err(ConditionFailure::Unusable),
            }
        }
        Some(Qualifier::ForAnyValue) => {
            if entry.values.iter().any(|v| satisfies(v) == Some(true)) {
                Ok(())
            } else {
                Err(ConditionFailure::NoMatch)
            }
        }
        Some(Qualifier::ForAllValues) => {
            if entry.values.iter().all(|v| satisfies(v) == Some(true)) {
                Ok(())
            } else {
                Err(ConditionFailure::NoMatch)
            }
        }
    }
}

/// Does a policy value of `cond` name a variable that has no value (and no default) in `ctx`?
fn has_unresolved_variable<L: Lookup + ?Sized>(cond: &Condition, ctx: &L) -> bool {
    cond.values().iter().any(|pv| match pv {
        PolicyValue::StrTemplate(t)
        | PolicyValue::LikeTemplate(t)
        | PolicyValue::ArnTemplate(t) => t.resolve(ctx).is_none(),
        _ => false,
    })
}

/// Does one policy value match one request value, before negation? `None`: the request value
/// cannot be read as the operator's type.
fn matches_one<L: Lookup + ?Sized>(
    op: BaseOperator,
    pv: &PolicyValue,
    v: &ContextValue,
    ctx: &L,
) -> Option<bool> {
    use std::cmp::Ordering;
    let ordered = |ord: Ordering| -> bool {
        match op.comparison() {
            Comparison::Equals => ord == Ordering::Equal,
            Comparison::LessThan => ord == Ordering::Less,
            Comparison::LessThanEquals => ord != Ordering::Greater,
            Comparison::GreaterThan => ord == Ordering::Greater,
            Comparison::GreaterThanEquals => ord != Ordering::Less,
            _ => false,
        }
    };
    Some(match pv {
        PolicyValue::Str(s) if op.comparison() == Comparison::EqualsIgnoreCase => s == v.lower(),
        PolicyValue::Str(s) => s == v.raw(),
        PolicyValue::StrTemplate(t) => match t.resolve(ctx) {
            // A variable with no value matches nothing.
            None => false,
            Some(s) if op.comparison() == Comparison::EqualsIgnoreCase => {
                s.to_lowercase() == v.lower()
            }
            Some(s) => s == v.raw(),
        },
        PolicyValue::Like(w) => w.is_match(v.raw()),
        PolicyValue::LikeTemplate(t) => t
            .resolve_pattern(ctx, Dialect::Plain)
            .is_some_and(|w| w.is_match(v.raw())),
        PolicyValue::Number(n) => ordered(v.number()?.partial_cmp(n)?),
        PolicyValue::Date(d) => ordered(v.date()?.cmp(d)),
        PolicyValue::Bool(b) => v.boolean()? == *b,
        PolicyValue::Binary(b) => v.binary()? == b.as_slice(),
        PolicyValue::Cidr(c) => c.contains(v.ip()?),
        // A request value that is not an ARN cannot be read by an ARN operator: the entry
        // fails, negated or not (docs/semantics-decisions.md, principle 2).
        PolicyValue::Arn(_) | PolicyValue::ArnTemplate(_) if Arn::parse(v.raw()).is_none() => {
            return None
        }
        PolicyValue::Arn(p) => p.is_match(v.raw()),
        PolicyValue::ArnTemplate(t) => t
            .resolve(ctx)
            .and_then(|s| ArnPattern::new(&s)?.ok())
            .is_some_and(|p| p.is_match(v.raw())),
        PolicyValue::Null(_) => return None,
    })
    .filter(|_| op.family() != Family::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::condition::Operator;
    use crate::request::Context;

    fn cond(op: &str, key: &str, values: &[&str]) -> Condition {
        Condition::new(
            Operator::parse(op).unwrap(),
            key,
            values.iter().map(|s| s.to_string()).collect(),
            true,
        )
        .unwrap()
    }

    fn ctx(pairs: &[(&str, &str)]) -> Context {
        let mut c = Context::new();
        for (k, v) in pairs {
            c.insert(k, *v);
        }
        c
    }

    #[test]
    fn missing_key_fails_positive_and_holds_negated() {
        let empty = Context::new();
        assert_eq!(
            evaluate(
                &cond("StringEquals", "aws:PrincipalTag/team", &["a"]),
                &empty,
                Effect::Allow
            ),
            Err(ConditionFailure::KeyAbsent)
        );
        assert_eq!(
            evaluate(
                &cond("StringNotEquals", "aws:PrincipalTag/team", &["a"]),
                &empty,
                Effect::Allow
            ),
            Ok(())
        );
        assert_eq!(
            evaluate(
                &cond("StringEqualsIfExists", "k:x", &["a"]),
                &empty,
                Effect::Allow
            ),
            Ok(())
        );
        assert_eq!(
            evaluate(
                &cond("ForAllValues:StringEquals", "k:x", &["a"]),
                &empty,
                Effect::Allow
            ),
            Ok(())
        );
        assert!(evaluate(
            &cond("ForAnyValue:StringEquals", "k:x", &["a"]),
            &empty,
            Effect::Allow
        )
        .is_err());
    }

    #[test]
    fn negated_operators_are_nor() {
        let c = cond("StringNotEquals", "k:x", &["a", "b"]);
        assert!(evaluate(&c, &ctx(&[("k:x", "a")]), Effect::Allow).is_err());
        assert!(evaluate(&c, &ctx(&[("k:x", "c")]), Effect::Allow).is_ok());
    }

    #[test]
    fn set_qualifiers() {
        let mut c = Context::new();
        c.insert_list("aws:TagKeys", ["a", "b"]);
        assert!(evaluate(
            &cond("ForAllValues:StringEquals", "aws:TagKeys", &["a", "b", "c"]),
            &c,
            Effect::Allow
        )
        .is_ok());
        assert!(evaluate(
            &cond("ForAllValues:StringEquals", "aws:TagKeys", &["a"]),
            &c,
            Effect::Allow
        )
        .is_err());
        assert!(evaluate(
            &cond("ForAnyValue:StringEquals", "aws:TagKeys", &["b"]),
            &c,
            Effect::Allow
        )
        .is_ok());
        assert_eq!(
            evaluate(
                &cond("StringEquals", "aws:TagKeys", &["a"]),
                &c,
                Effect::Allow
            ),
            Err(ConditionFailure::MultiValued)
        );
    }

    #[test]
    fn typed_families() {
        let c = ctx(&[
            ("n", "5"),
            ("d", "2020-06-01T00:00:00Z"),
            ("ip", "10.1.2.3"),
            ("b", "TRUE"),
        ]);
        assert!(evaluate(&cond("NumericLessThan", "n", &["6"]), &c, Effect::Allow).is_ok());
        assert!(evaluate(&cond("NumericGreaterThan", "n", &["6"]), &c, Effect::Allow).is_err());
        assert!(evaluate(
            &cond("DateGreaterThan", "d", &["2020-01-01"]),
            &c,
            Effect::Allow
        )
        .is_ok());
        assert!(evaluate(&cond("IpAddress", "ip", &["10.0.0.0/8"]), &c, Effect::Allow).is_ok());
        assert!(evaluate(
            &cond("NotIpAddress", "ip", &["10.0.0.0/8"]),
            &c,
            Effect::Allow
        )
        .is_err());
        assert!(evaluate(&cond("Bool", "b", &["true"]), &c, Effect::Allow).is_ok());
        assert_eq!(
            evaluate(&cond("NumericEquals", "d", &["1"]), &c, Effect::Allow),
            Err(ConditionFailure::Unusable)
        );
        assert!(evaluate(&cond("Null", "absent", &["true"]), &c, Effect::Allow).is_ok());
        assert!(evaluate(&cond("Null", "n", &["true"]), &c, Effect::Allow).is_err());
        assert!(evaluate(&cond("Null", "n", &["false"]), &c, Effect::Allow).is_ok());
    }

    #[test]
    fn variables_resolve_from_context() {
        let c = ctx(&[("aws:username", "carol"), ("s3:prefix", "home/carol/x")]);
        assert!(evaluate(
            &cond("StringLike", "s3:prefix", &["home/${aws:username}/*"]),
            &c,
            Effect::Allow
        )
        .is_ok());
        assert!(evaluate(
            &cond("StringLike", "s3:prefix", &["home/${aws:userid}/*"]),
            &c,
            Effect::Allow
        )
        .is_err());
        // In a Deny the unresolved value matches nothing, so the negated entry holds (in an
        // Allow it fails: see the test below).
        assert!(evaluate(
            &cond("StringNotLike", "s3:prefix", &["home/${aws:userid}/*"]),
            &c,
            Effect::Deny
        )
        .is_ok());
    }

    /// docs/semantics-decisions.md, "A variable with no value under a negated operator".
    #[test]
    fn unresolved_variable_under_a_negated_operator_fails_in_an_allow_and_holds_in_a_deny() {
        let c = cond(
            "StringNotEquals",
            "aws:ResourceTag/team",
            &["${aws:PrincipalTag/team}"],
        );
        let mut ctx = Context::new();
        ctx.insert("aws:ResourceTag/team", "eng");
        assert_eq!(
            evaluate(&c, &ctx, Effect::Allow),
            Err(ConditionFailure::UnresolvedVariable)
        );
        assert_eq!(evaluate(&c, &ctx, Effect::Deny), Ok(()));
        ctx.insert("aws:PrincipalTag/team", "eng");
        assert_eq!(
            evaluate(&c, &ctx, Effect::Allow),
            Err(ConditionFailure::NoMatch)
        );
    }

    #[test]
    fn a_request_value_that_is_not_an_arn_is_unusable_for_negated_arn_operators() {
        let c = cond("ArnNotLike", "aws:SourceArn", &["arn:aws:sns:*:*:t"]);
        let mut ctx = Context::new();
        ctx.insert("aws:SourceArn", "not-an-arn");
        assert_eq!(
            evaluate(&c, &ctx, Effect::Deny),
            Err(ConditionFailure::Unusable)
        );
        ctx.insert("aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:other");
        assert_eq!(evaluate(&c, &ctx, Effect::Deny), Ok(()));
    }
}
