//! Witnesses: concrete strings standing for the patterns of a policy, chosen so that a request
//! built from them falls inside one pattern and, where patterns overlap, outside another.
//! The same idea serves resources (ARN patterns) and condition values (StringLike, ArnLike, ...).

use crate::condition::{Family, Operator};

/// The text a `*` becomes in a witness: unlikely to collide with a real name, so a witness of
/// `acme-dev-research*` (`acme-dev-researchiamsim`) stays outside `acme-dev-research-v2*`.
pub const STAR_TOKEN: &str = "iamsim";

/// The text a `?` becomes (and the short form of `*` in the second witness).
pub const ONE_CHAR: char = 'x';

/// An account that appears in no inventory: the "foreign" value of account and ARN keys.
pub const FOREIGN_ACCOUNT: &str = "999988887777";

/// A foreign value for string keys that hold no account.
pub const FOREIGN_STRING: &str = "iamsim-foreign";

/// An address outside every private and documentation range a policy is likely to name
/// (TEST-NET-3, RFC 5737).
pub const FOREIGN_IP: &str = "203.0.113.7";

/// Is there a wildcard (`*`, `?`) or a policy variable (`${...}`) in `pattern`?
pub fn has_wildcard(pattern: &str) -> bool {
    pattern.contains(['*', '?']) || pattern.contains("${")
}

/// Replace each `*` with `star`, each `?` with [`ONE_CHAR`], and each policy variable `${...}`
/// with `star` (the variable's value is unknown offline).
pub fn instantiate(pattern: &str, star: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + star.len());
    let mut rest = pattern;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("${") {
            match after.find('}') {
                Some(end) => {
                    out.push_str(star);
                    rest = after.get(end + 1..).unwrap_or("");
                    continue;
                }
                None => {
                    out.push_str(rest);
                    break;
                }
            }
        }
        match c {
            '*' => out.push_str(star),
            '?' => out.push(ONE_CHAR),
            other => out.push(other),
        }
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    out
}

/// The witnesses of one pattern: itself when literal; otherwise the pattern with `*` as
/// [`STAR_TOKEN`] and with `*` as one [`ONE_CHAR`]. `*` alone stands for itself (a request's
/// resource may be `*`). Two tokens of different lengths and letters make a witness inside
/// `p` but outside an overlapping pattern `q` whenever one of them avoids `q`'s literal text.
pub fn pattern_witnesses(pattern: &str) -> Vec<String> {
    if pattern == "*" || !has_wildcard(pattern) {
        return vec![pattern.to_string()];
    }
    let long = instantiate(pattern, STAR_TOKEN);
    let short = instantiate(pattern, &ONE_CHAR.to_string());
    if long == short {
        vec![long]
    } else {
        vec![long, short]
    }
}

/// The 12-digit account of an ARN (`arn:partition:service:region:account:...`), if any.
fn arn_account(arn: &str) -> Option<&str> {
    let account = arn.split(':').nth(4)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

/// `arn` with its account replaced by [`FOREIGN_ACCOUNT`] (or `None` when it has no account).
fn foreign_arn(arn: &str) -> Option<String> {
    let account = arn_account(arn)?;
    let mut parts: Vec<&str> = arn.split(':').collect();
    if let Some(slot) = parts.get_mut(4) {
        *slot = FOREIGN_ACCOUNT;
    }
    let out = parts.join(":");
    (account != FOREIGN_ACCOUNT).then_some(out)
}

/// The request values that exercise one condition entry: a witness inside each policy value,
/// and one foreign value (another account for accounts and ARNs; a fresh string otherwise).
///
/// Numeric and date values also get their neighbours (one below, one above), so that a changed
/// bound shows; `Bool` gets both truth values; `Null` is exercised by leaving the key out,
/// which every context set includes.
pub fn condition_values(operator: Operator, raw: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let push = |v: String, out: &mut Vec<String>| {
        if !out.contains(&v) {
            out.push(v);
        }
    };
    match operator.base.family() {
        Family::String | Family::Arn => {
            for v in raw {
                for w in pattern_witnesses(v) {
                    push(w, &mut out);
                }
            }
            let foreign = raw
                .iter()
                .find_map(|v| {
                    if arn_account(v).is_some() {
                        foreign_arn(&instantiate(v, STAR_TOKEN))
                    } else if arn_account(&format!("arn:a:b:c:{v}")).is_some() {
                        Some(FOREIGN_ACCOUNT.to_string())
                    } else {
                        None
                    }
                })
                .unwrap_or_else(|| FOREIGN_STRING.to_string());
            push(foreign, &mut out);
        }
        Family::Numeric => {
            for v in raw {
                if let Ok(n) = v.parse::<i64>() {
                    for m in [n.saturating_sub(1), n, n.saturating_add(1)] {
                        push(m.to_string(), &mut out);
                    }
                } else {
                    push(v.clone(), &mut out);
                }
            }
        }
        Family::Bool => {
            push("true".into(), &mut out);
            push("false".into(), &mut out);
        }
        Family::Ip => {
            for v in raw {
                let host = v.split('/').next().unwrap_or(v);
                push(host.to_string(), &mut out);
            }
            push(FOREIGN_IP.into(), &mut out);
        }
        Family::Date | Family::Binary => {
            for v in raw {
                push(v.clone(), &mut out);
            }
        }
        Family::Null => {
            push("true".into(), &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::{Dialect, Wildcard};

    fn op(name: &str) -> Operator {
        Operator::parse(name).unwrap()
    }

    #[test]
    fn literal_and_star_patterns_stand_for_themselves() {
        assert_eq!(pattern_witnesses("arn:aws:s3:::b"), ["arn:aws:s3:::b"]);
        assert_eq!(pattern_witnesses("*"), ["*"]);
    }

    #[test]
    fn wildcards_are_instantiated_twice() {
        assert_eq!(
            pattern_witnesses("arn:aws:s3:::b/*"),
            ["arn:aws:s3:::b/iamsim", "arn:aws:s3:::b/x"]
        );
        assert_eq!(pattern_witnesses("a?c"), ["axc"]);
        assert_eq!(instantiate("home/${aws:username}/*", "T"), "home/T/T");
    }

    #[test]
    fn a_prefix_pattern_has_a_witness_outside_its_longer_neighbour() {
        let short = "arn:aws:logs:us-east-1:1:log-group:/a/acme-dev-research*";
        let long = Wildcard::new(
            "arn:aws:logs:us-east-1:1:log-group:/a/acme-dev-research-v2*",
            Dialect::Resource,
        )
        .unwrap();
        let outside: Vec<_> = pattern_witnesses(short)
            .into_iter()
            .filter(|w| !long.is_match(w))
            .collect();
        assert_eq!(
            outside,
            [
                "arn:aws:logs:us-east-1:1:log-group:/a/acme-dev-researchiamsim",
                "arn:aws:logs:us-east-1:1:log-group:/a/acme-dev-researchx"
            ]
        );
    }

    #[test]
    fn source_arn_values_get_a_foreign_account() {
        let values = condition_values(
            op("ArnLike"),
            &["arn:aws:bedrock-agentcore:us-east-1:111122223333:*".into()],
        );
        assert_eq!(
            values,
            [
                "arn:aws:bedrock-agentcore:us-east-1:111122223333:iamsim",
                "arn:aws:bedrock-agentcore:us-east-1:111122223333:x",
                "arn:aws:bedrock-agentcore:us-east-1:999988887777:iamsim"
            ]
        );
    }

    #[test]
    fn account_values_get_a_foreign_account() {
        let values = condition_values(op("StringEquals"), &["111122223333".into()]);
        assert_eq!(values, ["111122223333", "999988887777"]);
        let values = condition_values(op("StringEquals"), &["us-east-1".into()]);
        assert_eq!(values, ["us-east-1", "iamsim-foreign"]);
    }

    #[test]
    fn numbers_get_neighbours_and_bools_both_values() {
        assert_eq!(
            condition_values(op("NumericLessThan"), &["10".into()]),
            ["9", "10", "11"]
        );
        assert_eq!(
            condition_values(op("Bool"), &["true".into()]),
            ["true", "false"]
        );
        assert_eq!(
            condition_values(op("IpAddress"), &["10.0.0.0/8".into()]),
            ["10.0.0.0", "203.0.113.7"]
        );
    }
}
