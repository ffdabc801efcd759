//! The classes of one context key: the values on which every condition reading the key is
//! constant, plus the key's absence. Strings and ARNs are split by the globs of the values
//! written; numbers and dates at the constants; addresses by the blocks; booleans into true and
//! false. A multivalued key takes lists: the sets of single-value classes that the set
//! qualifiers can tell apart.

use std::collections::BTreeSet;

use super::glob::Glob;
use super::partition::classes;
use super::template::{resolve, Kind};
use super::values::{addresses, binaries, dates, numbers};
use super::Limits;
use crate::catalog::{Catalog, ConditionKeyType};
use crate::condition::eval::evaluate;
use crate::condition::{BaseOperator, Comparison, Condition, Family, PolicyValue};
use crate::policy::Effect;
use crate::request::Context;

/// A request value that no typed operator can read.
pub(crate) const UNREADABLE: &str = "unreadable";

/// One value of a key in a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeyValue {
    /// The request does not give the key
    Absent,
    /// One value
    One(String),
    /// A list
    Many(Vec<String>),
}

/// A key and the values it is tried with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Dimension {
    /// The key as a policy writes it
    pub key: String,
    /// Absent first (unless every request carries the key), then one value per class
    pub values: Vec<KeyValue>,
}

/// The conditions reading one key, with the effect of their statement.
pub(crate) type Readers<'a> = [(&'a Condition, Effect)];

/// The dimension of key `key` for `action`, read by `conds`, its string values also split at
/// each of `literals` (values the engine itself tells apart: the inventory's VPC endpoint ids).
/// `fixed` resolves policy variables; `blocked` refuses variables that read a quantified key.
/// `Err` is the reason the key cannot be split exactly.
pub(crate) fn dimension(
    key: &str,
    conds: &Readers<'_>,
    literals: &[String],
    action: &str,
    fixed: &Context,
    blocked: &dyn Fn(&str) -> Option<String>,
    limits: &Limits,
) -> Result<Dimension, String> {
    let catalog = Catalog::embedded();
    let info = catalog.condition_key(action, key);
    // Tags are in a request only when its action takes tags (`Catalog::never_carries`).
    let absent_only = (info.is_none()
        && catalog.action(action).is_some()
        && !key.to_ascii_lowercase().starts_with("aws:"))
        || catalog.never_carries(action, key);
    if absent_only {
        // The catalog lists no such key for the action: its requests never carry it.
        return Ok(Dimension {
            key: key.to_string(),
            values: vec![KeyValue::Absent],
        });
    }
    let ktype = info.map(|i| i.key_type());
    let singles = single_values(key, conds, literals, ktype, fixed, blocked, limits)?;
    let multi = match ktype {
        Some(t) => t.is_multivalued(),
        None => conds.iter().any(|(c, _)| c.operator.qualifier.is_some()),
    };
    let mut values = vec![KeyValue::Absent];
    if multi {
        values.extend(sets(key, conds, &singles, fixed, limits)?);
    } else {
        values.extend(singles.into_iter().map(KeyValue::One));
    }
    if always_present(key) && values.len() > 1 {
        values.retain(|v| *v != KeyValue::Absent);
    }
    Ok(Dimension {
        key: key.to_string(),
        values,
    })
}

/// Keys AWS puts in every request ("This key is always included in the request context"),
/// so never tried absent: `aws:RequestedRegion`
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-requestedregion>)
/// and `aws:SecureTransport` (`#condition-keys-securetransport`). Keys the engine derives
/// (`aws:CurrentTime`, `aws:PrincipalArn`, ...) are facts, not varied at all.
const ALWAYS_PRESENT: &[&str] = &["aws:requestedregion", "aws:securetransport"];

/// Whether every request carries `key` ([`ALWAYS_PRESENT`]).
fn always_present(key: &str) -> bool {
    ALWAYS_PRESENT.iter().any(|k| k.eq_ignore_ascii_case(key))
}

/// One value per class of single values.
fn single_values(
    key: &str,
    conds: &Readers<'_>,
    literals: &[String],
    ktype: Option<ConditionKeyType>,
    fixed: &Context,
    blocked: &dyn Fn(&str) -> Option<String>,
    limits: &Limits,
) -> Result<Vec<String>, String> {
    let families: BTreeSet<&'static str> = conds
        .iter()
        .map(|(c, _)| match c.operator.base.family() {
            Family::String | Family::Arn => "string",
            Family::Numeric => "numeric",
            Family::Date => "date",
            Family::Bool => "boolean",
            Family::Ip => "IP address",
            Family::Binary => "binary",
            Family::Null => "null",
        })
        .filter(|f| *f != "null")
        .collect();
    let has_null = conds
        .iter()
        .any(|(c, _)| c.operator.base == BaseOperator::Null);
    let untyped = ktype.is_none();
    let mut out: Vec<String> = match families.iter().next().copied() {
        _ if families.len() > 1 => {
            let list: Vec<&str> = families.into_iter().collect();
            return Err(format!(
                "`{key}` is read by operators of several types ({}): its values cannot be split by one order",
                list.join(", ")
            ));
        }
        None | Some("string") => strings(conds, literals, ktype, fixed, blocked, limits)?,
        Some("numeric") => numbers(&typed(conds, |v| match v {
            PolicyValue::Number(n) => Some(*n),
            _ => None,
        })),
        Some("date") => dates(&typed(conds, |v| match v {
            PolicyValue::Date(d) => Some(*d),
            _ => None,
        })),
        Some("boolean") => vec!["true".into(), "false".into()],
        Some("IP address") => addresses(&raw(conds)),
        _ => binaries(&raw(conds)),
    };
    let family = families.iter().next().copied();
    let stringish = matches!(family, None | Some("string"));
    // A key the catalog types otherwise than its operators read it (a tag, a string, read by
    // `NumericLessThan`) can hold a value they cannot read, as can an untyped key; the engine
    // fails such an entry, negated or not (docs/semantics-decisions.md, "unusable").
    let mismatched = untyped || ktype.map(type_family) != family;
    if mismatched && !stringish {
        out.push(UNREADABLE.into());
    }
    if has_null && !stringish && mismatched && !out.iter().any(String::is_empty) {
        out.push(String::new());
    }
    Ok(out)
}

/// The operator family that reads a key of type `t` (one value or a list of them).
fn type_family(t: ConditionKeyType) -> &'static str {
    use ConditionKeyType as T;
    match t {
        T::String | T::ArrayOfString | T::Arn | T::ArrayOfArn => "string",
        T::Numeric | T::ArrayOfNumeric => "numeric",
        T::Date | T::ArrayOfDate => "date",
        T::Bool | T::ArrayOfBool => "boolean",
        T::IpAddress | T::ArrayOfIpAddress => "IP address",
        T::Binary | T::ArrayOfBinary => "binary",
    }
}

fn typed<T>(conds: &Readers<'_>, f: impl Fn(&PolicyValue) -> Option<T>) -> Vec<T> {
    conds
        .iter()
        .flat_map(|(c, _)| c.values().iter().filter_map(&f))
        .collect()
}

fn raw(conds: &Readers<'_>) -> Vec<String> {
    conds
        .iter()
        .flat_map(|(c, _)| c.raw.iter().cloned())
        .collect()
}

/// The classes of string values: split by every value's glob, whether the value is an ARN
/// (ARN operators cannot read others), and the empty string (which `Null` treats as absent).
fn strings(
    conds: &Readers<'_>,
    literals: &[String],
    ktype: Option<ConditionKeyType>,
    fixed: &Context,
    blocked: &dyn Fn(&str) -> Option<String>,
    limits: &Limits,
) -> Result<Vec<String>, String> {
    let arn_only = matches!(
        ktype,
        Some(ConditionKeyType::Arn | ConditionKeyType::ArrayOfArn)
    );
    let arn_read = conds
        .iter()
        .any(|(c, _)| c.operator.base.family() == Family::Arn);
    let mut globs: Vec<Glob> = Vec::new();
    if arn_only || arn_read {
        globs.push(Glob::any_arn());
    }
    if conds
        .iter()
        .any(|(c, _)| c.operator.base == BaseOperator::Null)
    {
        globs.push(Glob::literal(""));
    }
    for (c, _) in conds {
        let fold = c.operator.base.comparison() == Comparison::EqualsIgnoreCase;
        for (i, v) in c.values().iter().enumerate() {
            let text = c.raw.get(i).map_or("", String::as_str);
            let g = match v {
                PolicyValue::Str(s) if fold => Some(Glob::folded(s)),
                PolicyValue::Str(s) => Some(Glob::literal(s)),
                PolicyValue::Like(_) => Some(Glob::pattern(text, crate::pattern::Dialect::Plain)),
                PolicyValue::Arn(_) => Glob::arn_value(text),
                PolicyValue::StrTemplate(t) => resolve(t, Kind::Exact { fold }, fixed, blocked)?,
                PolicyValue::LikeTemplate(t) => resolve(t, Kind::Like, fixed, blocked)?,
                PolicyValue::ArnTemplate(t) => resolve(t, Kind::Arn, fixed, blocked)?,
                _ => None,
            };
            if let Some(g) = g {
                if !globs.contains(&g) {
                    globs.push(g);
                }
            }
        }
    }
    for l in literals {
        let g = Glob::literal(l);
        if !globs.contains(&g) {
            globs.push(g);
        }
    }
    let refs: Vec<&Glob> = globs.iter().collect();
    let found = classes(&refs, &[], &[], limits.max_states).map_err(|e| {
        format!(
            "the values of a key need more than {} automaton states",
            e.0
        )
    })?;
    Ok(found
        .into_iter()
        .filter(|c| !arn_only || c.member.first() == Some(&true))
        .map(|c| c.rep)
        .collect())
}

/// The lists a multivalued key is tried with: each element class is reduced to what the set
/// operators and `Null` see of it (one bit per such condition), and every non-empty set of
/// those reductions is one list.
fn sets(
    key: &str,
    conds: &Readers<'_>,
    singles: &[String],
    fixed: &Context,
    limits: &Limits,
) -> Result<Vec<KeyValue>, String> {
    let readers: Vec<&(&Condition, Effect)> = conds
        .iter()
        .filter(|(c, _)| c.operator.qualifier.is_some() || c.operator.base == BaseOperator::Null)
        .collect();
    let mut groups: Vec<(Vec<bool>, String)> = Vec::new();
    for v in singles {
        let mut ctx = fixed.clone();
        ctx.insert_list(key, [v.clone()]);
        let bits: Vec<bool> = readers
            .iter()
            .map(|(c, e)| evaluate(c, &ctx, *e).is_ok())
            .collect();
        if !groups.iter().any(|(b, _)| *b == bits) {
            groups.push((bits, v.clone()));
        }
    }
    if groups.len() > limits.max_set_groups {
        return Err(format!(
            "`{key}` is multivalued and its values fall into {} groups; the lists of more than {} groups are not enumerated",
            groups.len(),
            limits.max_set_groups
        ));
    }
    let n = groups.len();
    let mut out = Vec::new();
    for mask in 1u32..(1u32 << n) {
        let list: Vec<String> = groups
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, (_, v))| v.clone())
            .collect();
        out.push(KeyValue::Many(list));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::condition::Operator;

    fn cond(op: &str, key: &str, values: &[&str]) -> Condition {
        Condition::new(
            Operator::parse(op).unwrap(),
            key,
            values.iter().map(|s| s.to_string()).collect(),
            true,
        )
        .unwrap()
    }

    fn dim(conds: &[Condition], action: &str) -> Result<Vec<KeyValue>, String> {
        let readers: Vec<(&Condition, Effect)> = conds.iter().map(|c| (c, Effect::Allow)).collect();
        let key = conds[0].key.clone();
        dimension(
            &key,
            &readers,
            &[],
            action,
            &Context::new(),
            &|_| None,
            &Limits::default(),
        )
        .map(|d| d.values)
    }

    fn one(s: &str) -> KeyValue {
        KeyValue::One(s.into())
    }

    #[test]
    fn string_keys_split_by_values_and_patterns() {
        let got = dim(
            &[
                cond("StringEquals", "aws:PrincipalOrgID", &["o-1"]),
                cond("StringLike", "aws:PrincipalOrgID", &["o-*"]),
            ],
            "s3:GetObject",
        )
        .unwrap();
        assert_eq!(got, [KeyValue::Absent, one("x"), one("o-x"), one("o-1")]);
    }

    #[test]
    fn arn_keys_take_only_arns() {
        let got = dim(
            &[cond(
                "ArnLike",
                "aws:SourceArn",
                &["arn:aws:bedrock-agentcore:us-east-1:1:*"],
            )],
            "sts:AssumeRole",
        )
        .unwrap();
        assert_eq!(
            got,
            [
                KeyValue::Absent,
                one("arn:x:x:::x"),
                one("arn:aws:bedrock-agentcore:us-east-1:1:x")
            ]
        );
    }

    #[test]
    fn numeric_boundaries() {
        let got = dim(
            &[cond("NumericLessThan", "aws:MultiFactorAuthAge", &["10"])],
            "s3:GetObject",
        )
        .unwrap();
        assert_eq!(got, [KeyValue::Absent, one("9"), one("10"), one("11")]);
    }

    #[test]
    fn untyped_keys_also_get_an_unreadable_value() {
        let got = dim(
            &[cond("NumericLessThan", "custom:n", &["10"])],
            "custom:Thing",
        )
        .unwrap();
        assert_eq!(got.last(), Some(&one(UNREADABLE)));
    }

    #[test]
    fn keys_the_action_never_carries_are_absent() {
        let got = dim(
            &[cond(
                "ArnLike",
                "kms:EncryptionContext:aws:logs:arn",
                &["arn:aws:logs:r:1:*"],
            )],
            "kms:DescribeKey",
        )
        .unwrap();
        assert_eq!(got, [KeyValue::Absent]);
    }

    /// `aws:RequestedRegion` and `aws:SecureTransport` are "always included in the request
    /// context" (condition-keys-requestedregion, condition-keys-securetransport): never absent.
    #[test]
    fn keys_every_request_carries_are_never_absent() {
        let region = dim(
            &[cond("StringLike", "aws:RequestedRegion", &["*"])],
            "s3:GetObject",
        )
        .unwrap();
        assert!(
            !region.is_empty() && !region.contains(&KeyValue::Absent),
            "{region:?}"
        );
        let tls = dim(
            &[cond("Bool", "aws:SecureTransport", &["true"])],
            "s3:GetObject",
        )
        .unwrap();
        assert_eq!(tls.len(), 2, "true and false, not absent: {tls:?}");
        assert!(!tls.contains(&KeyValue::Absent));
        let other = dim(
            &[cond("StringLike", "aws:SourceVpc", &["*"])],
            "s3:GetObject",
        )
        .unwrap();
        assert_eq!(other.first(), Some(&KeyValue::Absent));
    }

    /// Tags are in a request only "when tag key-value pairs are passed in the request"
    /// (condition-keys-requesttag): never for an action that takes no tags.
    #[test]
    fn tags_are_absent_for_actions_that_take_none() {
        for (key, action) in [
            ("aws:TagKeys", "s3:GetObject"),
            ("aws:RequestTag/team", "lambda:InvokeFunction"),
        ] {
            let got = dim(&[cond("StringEquals", key, &["a"])], action).unwrap();
            assert_eq!(got, [KeyValue::Absent], "{key} {action}");
        }
        let got = dim(
            &[cond("StringEquals", "aws:RequestTag/team", &["a"])],
            "lambda:CreateFunction",
        )
        .unwrap();
        assert!(got.len() > 1, "{got:?}");
    }

    #[test]
    fn multivalued_keys_take_sets_of_groups() {
        let got = dim(
            &[cond("ForAnyValue:StringEquals", "aws:TagKeys", &["a", "b"])],
            "s3:CreateBucket",
        )
        .unwrap();
        // Two groups (a or b; anything else), so three lists.
        assert_eq!(got.len(), 4);
        assert!(got.contains(&KeyValue::Many(vec!["x".into(), "a".into()])));
    }

    #[test]
    fn mixed_families_are_unknown() {
        let e = dim(
            &[
                cond("StringEquals", "custom:k", &["a"]),
                cond("NumericEquals", "custom:k", &["1"]),
            ],
            "custom:Thing",
        )
        .unwrap_err();
        assert!(e.contains("several types"), "{e}");
    }
}
