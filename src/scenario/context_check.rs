//! A request's context against the catalog: a key that neither the global keys nor the action
//! define may be a typo (a warning, with the nearest key that is defined), and a value that is
//! not of its key's type can never be read as the author meant (an error).
//!
//! Value formats follow AWS's condition operators
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>):
//! dates are ISO 8601 (`2026-01-31`, `2026-01-31T12:00:00Z`) or epoch seconds, IP addresses
//! are IPv4 or IPv6 (RFC 4632 blocks belong in policies, a request carries one address),
//! booleans are `true` or `false`, numbers integers or decimals, binary values base64.

use std::collections::HashMap;
use std::net::IpAddr;

use crate::catalog::{Catalog, ConditionKeyType};
use crate::policy::condition::value::{decode_base64, parse_bool, parse_date, parse_number};
use crate::request::Context;

/// What is wrong with a request's context key, for `action`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextIssue {
    /// Neither a global key nor one the action takes (maybe a typo): a warning
    Unknown {
        /// The key as given
        key: String,
        /// The action
        action: String,
        /// The nearest defined key, if one is close
        suggestion: Option<String>,
    },
    /// A tag key on an action that takes no tags: never in such a request, a warning
    NotCarried {
        /// The key as given
        key: String,
        /// The action
        action: String,
    },
    /// A value that is not of the key's type: an error
    BadValue {
        /// The key as given
        key: String,
        /// The value as given
        value: String,
        /// The key's type in the catalog
        expected: ConditionKeyType,
    },
}

impl std::fmt::Display for ContextIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unknown {
                key,
                action,
                suggestion,
            } => {
                write!(
                    f,
                    "context key `{key}` is neither a global key nor one `{action}` takes"
                )?;
                match suggestion {
                    Some(s) => write!(f, " (did you mean `{s}`?)"),
                    None => Ok(()),
                }
            }
            Self::NotCarried { key, action } => write!(
                f,
                "context key `{key}` is never in a `{action}` request: the action takes no tags"
            ),
            Self::BadValue { key, .. } => write!(f, "context key `{key}`: {}", self.why()),
        }
    }
}

impl ContextIssue {
    /// Whether this is an error (a bad value) rather than a warning (an unknown key).
    pub fn is_error(&self) -> bool {
        matches!(self, Self::BadValue { .. })
    }

    /// What is wrong, without the key: for a bad value, `` `flase` is not a Bool value (...)``.
    pub fn why(&self) -> String {
        match self {
            Self::Unknown { .. } | Self::NotCarried { .. } => self.to_string(),
            Self::BadValue {
                value, expected, ..
            } => format!(
                "`{value}` is not a valid {} value ({}), the key's type in the AWS catalog",
                expected.as_str(),
                format_of(*expected)
            ),
        }
    }

    /// The key it is about.
    pub fn key(&self) -> &str {
        match self {
            Self::Unknown { key, .. }
            | Self::NotCarried { key, .. }
            | Self::BadValue { key, .. } => key,
        }
    }
}

/// What a value of type `t` looks like, in words.
fn format_of(t: ConditionKeyType) -> &'static str {
    match t {
        ConditionKeyType::Bool | ConditionKeyType::ArrayOfBool => "`true` or `false`",
        ConditionKeyType::Numeric | ConditionKeyType::ArrayOfNumeric => {
            "an integer or a decimal number"
        }
        ConditionKeyType::Date | ConditionKeyType::ArrayOfDate => {
            "an ISO 8601 date such as 2026-01-31 or 2026-01-31T12:00:00Z, or epoch seconds"
        }
        ConditionKeyType::IpAddress | ConditionKeyType::ArrayOfIpAddress => {
            "an IPv4 or IPv6 address such as 203.0.113.7 or 2001:db8::1"
        }
        ConditionKeyType::Binary | ConditionKeyType::ArrayOfBinary => "base64",
        _ => "text",
    }
}

/// Whether `value` reads as type `t` (string-like types take anything).
pub fn value_fits(t: ConditionKeyType, value: &str) -> bool {
    match t {
        ConditionKeyType::Bool | ConditionKeyType::ArrayOfBool => parse_bool(value).is_some(),
        ConditionKeyType::Numeric | ConditionKeyType::ArrayOfNumeric => {
            parse_number(value).is_some()
        }
        ConditionKeyType::Date | ConditionKeyType::ArrayOfDate => parse_date(value).is_some(),
        ConditionKeyType::IpAddress | ConditionKeyType::ArrayOfIpAddress => {
            value.trim().parse::<IpAddr>().is_ok()
        }
        ConditionKeyType::Binary | ConditionKeyType::ArrayOfBinary => {
            decode_base64(value).is_some()
        }
        _ => true,
    }
}

/// Every issue of `ctx` for a request of `action`, in the context's order: each key unknown to
/// the catalog, and each value of a known key that does not fit its type.
pub fn check_context(action: &str, ctx: &Context) -> Vec<ContextIssue> {
    let catalog = Catalog::embedded();
    let mut found = Vec::new();
    for entry in ctx.iter() {
        match catalog.condition_key(action, &entry.name) {
            None => found.push(ContextIssue::Unknown {
                key: entry.name.clone(),
                action: action.to_string(),
                suggestion: catalog.suggest_condition_key(action, &entry.name),
            }),
            Some(info) => {
                // Tags are in a request only when its action takes them (docs/formats.md).
                if catalog.never_carries(action, &entry.name) {
                    found.push(ContextIssue::NotCarried {
                        key: entry.name.clone(),
                        action: action.to_string(),
                    });
                }
                found.extend(bad_value(info.key_type(), entry));
            }
        }
    }
    found
}

/// The type of context key `key` for `action` in the catalog (`None`: a key it does not know).
pub fn key_type(action: &str, key: &str) -> Option<ConditionKeyType> {
    Catalog::embedded()
        .condition_key(action, key)
        .map(|i| i.key_type())
}

/// The first value of `entry` that is not of type `t`.
pub(crate) fn bad_value(
    t: ConditionKeyType,
    entry: &crate::condition::ContextEntry,
) -> Option<ContextIssue> {
    let bad = entry.values.iter().find(|v| !value_fits(t, v.raw()))?;
    Some(ContextIssue::BadValue {
        key: entry.name.clone(),
        value: bad.raw().to_string(),
        expected: t,
    })
}

/// A context value that is not of its key's type (in the AWS catalog, for one of the scenario's
/// actions or as a global key), as an error naming its JSON path in the file. Key types are
/// looked up once per (action, key) in `types`. `own` is the scenario's own `context`, to say
/// whether a bad value is the scenario's or the file's.
pub(crate) fn context_types(
    own: Option<&serde_json::Value>,
    ctx: &Context,
    actions: &[String],
    types: &mut HashMap<(String, String), Option<ConditionKeyType>>,
) -> Result<(), String> {
    for action in actions {
        for entry in ctx.iter() {
            let t = *types
                .entry((action.clone(), entry.name.to_ascii_lowercase()))
                .or_insert_with(|| key_type(action, &entry.name));
            let Some(issue) = t.and_then(|t| bad_value(t, entry)) else {
                continue;
            };
            let key = issue.key();
            let own = own
                .and_then(|v| v.as_object())
                .is_some_and(|o| o.keys().any(|k| k.eq_ignore_ascii_case(key)));
            // A key the scenario does not give comes from the file's `context`.
            let path = if own {
                format!("context.{key}")
            } else {
                format!("context.{key} (at the top of the file)")
            };
            return Err(format!("{path}: {}", issue.why()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(pairs: &[(&str, &str)]) -> Context {
        let mut c = Context::new();
        for (k, v) in pairs {
            c.insert(k, *v);
        }
        c
    }

    /// `explain` and `who-can` warn as `check` does: AWS puts tags only in the requests of
    /// actions that take them (condition-keys-requesttag).
    #[test]
    fn a_tag_key_on_an_action_that_takes_no_tags_is_a_warning() {
        let found = check_context(
            "lambda:InvokeFunction",
            &ctx(&[("aws:RequestTag/team", "red")]),
        );
        assert_eq!(
            found.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["context key `aws:RequestTag/team` is never in a `lambda:InvokeFunction` request: the action takes no tags"]
        );
        assert!(!found.iter().any(ContextIssue::is_error));
        let found = check_context(
            "lambda:CreateFunction",
            &ctx(&[("aws:RequestTag/team", "red")]),
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_misspelt_key_is_a_warning_with_the_nearest_key() {
        let found = check_context(
            "sts:AssumeRole",
            &ctx(&[("aws:SourceAcount", "111122223333")]),
        );
        assert_eq!(
            found.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["context key `aws:SourceAcount` is neither a global key nor one `sts:AssumeRole` takes (did you mean `aws:SourceAccount`?)"]
        );
        assert!(!found.iter().any(ContextIssue::is_error));
    }

    #[test]
    fn values_are_checked_against_the_key_type() {
        let found = check_context(
            "s3:GetObject",
            &ctx(&[
                ("aws:SecureTransport", "flase"),
                ("aws:MultiFactorAuthAge", "ten"),
                ("aws:CurrentTime", "2026-13-01"),
                ("aws:SourceIp", "10.0.0.300"),
                ("aws:SourceAccount", "anything goes"),
            ]),
        );
        let keys: Vec<_> = found.iter().map(ContextIssue::key).collect();
        assert_eq!(
            keys,
            [
                "aws:SecureTransport",
                "aws:MultiFactorAuthAge",
                "aws:CurrentTime",
                "aws:SourceIp"
            ]
        );
        assert!(found.iter().all(ContextIssue::is_error));
        assert_eq!(
            found[0].to_string(),
            "context key `aws:SecureTransport`: `flase` is not a valid Bool value (`true` or `false`), the key's type in the AWS catalog"
        );
    }

    #[test]
    fn good_values_pass() {
        let found = check_context(
            "s3:GetObject",
            &ctx(&[
                ("aws:SecureTransport", "TRUE"),
                ("aws:MultiFactorAuthAge", "3600"),
                ("aws:CurrentTime", "2026-01-31T12:00:00Z"),
                ("aws:EpochTime", "1767225600"),
                ("aws:SourceIp", "2001:db8::1"),
            ]),
        );
        assert_eq!(found, []);
    }
}
