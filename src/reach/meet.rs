//! The values that meet or escape one condition on a key the attacker sets: what a request
//! carries to meet an Allow's condition, or to make a Deny's false.

use super::names::{filled, CHOSEN};
use crate::policy::condition::operator::{Comparison, Family, Qualifier};
use crate::policy::condition::Condition;
use crate::request::Context;

/// A value that meets `c` (`None`: leave the key absent), with whether it is a list; policy
/// variables in its first value are filled from `facts`.
pub(super) fn meeting(c: &Condition, facts: &Context) -> Option<(String, bool)> {
    let op = c.operator;
    let list = op.qualifier.is_some();
    let first = c.raw.first()?;
    if op.base.family() == Family::Null {
        return (first == "false").then(|| (CHOSEN.to_string(), list));
    }
    if op.base.is_negated() {
        return Some((UNLISTED.to_string(), list));
    }
    Some((listed_value(c, facts)?, list))
}

/// A value outside every list of values.
const UNLISTED: &str = "iamsim-reach-unlisted";

/// A value the first of `c`'s values admits under the operator without its negation
/// (`StringNotEquals` `a`: `a`).
fn listed_value(c: &Condition, facts: &Context) -> Option<String> {
    let op = c.operator;
    let first = &filled(c.raw.first()?, facts)?;
    let value = match (op.base.family(), op.base.comparison()) {
        (Family::Numeric, Comparison::LessThan) => {
            let n: f64 = first.parse().ok()?;
            format!("{}", n - 1.0)
        }
        (Family::Numeric, Comparison::GreaterThan) => {
            let n: f64 = first.parse().ok()?;
            format!("{}", n + 1.0)
        }
        (Family::Date, Comparison::LessThan) => "1970-01-01T00:00:00Z".to_string(),
        (Family::Date, Comparison::GreaterThan) => "2999-01-01T00:00:00Z".to_string(),
        (Family::Ip, _) => first.split('/').next().unwrap_or(first).to_string(),
        _ => first.replace('*', "iamsim").replace('?', "x"),
    };
    Some(value)
}

/// How a request escapes `c` in a Deny: `Some(None)` when leaving the key absent makes `c`
/// false, `Some(Some(value))` when a value does (a Deny on a missing `lambda:VpcIds`: any VPC;
/// on a `StringNotEquals` list: its first value), `None` when neither is known.
/// An absent key fails a plain operator and meets a negated one, `...IfExists` and
/// `ForAllValues:` (of no values) meet it, `ForAnyValue:` fails it (unless `...IfExists`).
/// `None` too for a value outside a list of numbers, dates, addresses or ARNs.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>
pub(super) fn escaping(c: &Condition, facts: &Context) -> Option<Option<(String, bool)>> {
    let op = c.operator;
    let list = op.qualifier.is_some();
    if op.base.family() == Family::Null {
        let absent_denied = c.raw.first().is_some_and(|v| v == "true");
        return Some(absent_denied.then(|| (CHOSEN.to_string(), list)));
    }
    if !absent_meets(c) {
        return Some(None);
    }
    let value = if op.base.is_negated() {
        listed_value(c, facts)?
    } else if op.base.family() == Family::String {
        UNLISTED.to_string()
    } else {
        // A number, date, address or ARN outside the values written is not worked out here
        // (a text would be one no operator of that type can read).
        return None;
    };
    Some(Some((value, list)))
}

/// Whether `c` holds of a request without its key: `Null` `true`; a negated operator, an
/// `...IfExists` one and `ForAllValues:` (of no values); not a plain one nor `ForAnyValue:`
/// (unless `...IfExists`).
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>
pub(super) fn absent_meets(c: &Condition) -> bool {
    let op = c.operator;
    if op.base.family() == Family::Null {
        return c.raw.first().is_some_and(|v| v == "true");
    }
    match op.qualifier {
        Some(Qualifier::ForAnyValue) => op.if_exists,
        Some(Qualifier::ForAllValues) => true,
        None => op.base.is_negated() || op.if_exists,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{parse_str, PolicyKind};

    /// How a request escapes the first condition of a Deny whose `Condition` is `condition`.
    fn escape(condition: &str) -> Option<Option<(String, bool)>> {
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny", "Action": "*",
            "Resource": "*", "Condition": {condition}}}]}}"#
        );
        let doc = parse_str(&text, "t.json", PolicyKind::Identity).unwrap();
        let st = doc.statements.first().unwrap();
        escaping(st.conditions.first().unwrap(), &Context::new())
    }

    #[test]
    fn a_deny_is_escaped_by_the_value_or_absence_that_fails_its_condition() {
        let some = |v: &str, list: bool| Some(Some((v.to_string(), list)));
        let tag = "aws:RequestTag/team";
        assert_eq!(
            escape(&format!(r#"{{"Null": {{"{tag}": "true"}}}}"#)),
            some(CHOSEN, false)
        );
        assert_eq!(
            escape(&format!(r#"{{"Null": {{"{tag}": "false"}}}}"#)),
            Some(None)
        );
        assert_eq!(
            escape(&format!(r#"{{"StringEquals": {{"{tag}": "a"}}}}"#)),
            Some(None)
        );
        assert_eq!(
            escape(&format!(
                r#"{{"StringNotEquals": {{"{tag}": ["a", "b"]}}}}"#
            )),
            some("a", false)
        );
        assert_eq!(
            escape(&format!(r#"{{"StringEqualsIfExists": {{"{tag}": "a"}}}}"#)),
            some(UNLISTED, false)
        );
        let keys = "aws:TagKeys";
        assert_eq!(
            escape(&format!(
                r#"{{"ForAnyValue:StringNotEquals": {{"{keys}": "team"}}}}"#
            )),
            Some(None)
        );
        assert_eq!(
            escape(&format!(
                r#"{{"ForAllValues:StringEquals": {{"{keys}": "team"}}}}"#
            )),
            some(UNLISTED, true)
        );
        assert_eq!(
            escape(&format!(
                r#"{{"ForAllValues:StringNotLike": {{"{keys}": "team*"}}}}"#
            )),
            some("teamiamsim", true)
        );
        assert_eq!(
            escape(&format!(
                r#"{{"ForAnyValue:StringEqualsIfExists": {{"{keys}": "team"}}}}"#
            )),
            some(UNLISTED, true)
        );
        assert_eq!(
            escape(r#"{"NumericLessThanIfExists": {"s3:max-keys": "10"}}"#),
            None
        );
    }
}
