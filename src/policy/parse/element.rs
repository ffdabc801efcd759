//! One `Action` or `Resource` entry: a pattern, classified once.

use super::{Parser, Result};
use crate::pattern::{Dialect, Wildcard, PARTITIONS};
use crate::policy::condition::template::Template;
use crate::policy::condition::too_long;
use crate::policy::error::closest;
use crate::policy::error::JsonPath;
use crate::policy::error::PolicyErrorKind as K;
use crate::policy::{ActionPattern, ResourceMatcher, ResourcePattern};

impl Parser<'_> {
    pub(super) fn action(&self, s: &str, path: &JsonPath) -> Result<ActionPattern> {
        let invalid = |why: &str| {
            self.err(
                path,
                K::Invalid {
                    what: "action",
                    value: s.into(),
                    why: why.into(),
                },
            )
        };
        let lower = s.to_ascii_lowercase();
        if s == "*" {
            return Ok(ActionPattern {
                raw: s.into(),
                service: None,
                matcher: Wildcard::new("*", Dialect::Plain).map_err(|_| invalid("too long"))?,
            });
        }
        let Some((service, name)) = lower.split_once(':') else {
            return Err(invalid("expected `service:Action`, such as `s3:GetObject`"));
        };
        if service.contains(['*', '?']) {
            return Err(invalid("wildcards are not allowed in the service prefix"));
        }
        if service.is_empty()
            || !service
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(invalid(
                "the service prefix must be letters, digits and `-`",
            ));
        }
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '*' || c == '?')
        {
            return Err(invalid(
                "the action name must be letters and digits, with `*` or `?` as wildcards",
            ));
        }
        Ok(ActionPattern {
            raw: s.into(),
            service: Some(service.into()),
            matcher: Wildcard::new(&lower, Dialect::Plain).map_err(|_| invalid(&too_long()))?,
        })
    }

    /// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>
    pub(super) fn resource(&self, s: &str, path: &JsonPath) -> Result<ResourcePattern> {
        let invalid = |why: &str| {
            self.err(
                path,
                K::Invalid {
                    what: "resource",
                    value: s.into(),
                    why: why.into(),
                },
            )
        };
        if s != "*" {
            self.arn_shape(s, path)?;
        }
        let template = if self.variables {
            Template::parse(s).map_err(|e| invalid(&e.0))?
        } else {
            None
        };
        let matcher = match template {
            Some(t) => ResourceMatcher::Template(t),
            None => ResourceMatcher::Fixed(
                Wildcard::new(s, Dialect::Resource).map_err(|_| invalid(&too_long()))?,
            ),
        };
        Ok(ResourcePattern {
            raw: s.into(),
            matcher,
        })
    }

    /// What IAM's policy validation requires of a `Resource` ARN (IAM Access Analyzer's checks
    /// "Missing ARN field", "Invalid ARN prefix", "Invalid partition").
    /// <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
    fn arn_shape(&self, s: &str, path: &JsonPath) -> Result<()> {
        let invalid = |why: String| {
            self.err(
                path,
                K::Invalid {
                    what: "resource",
                    value: s.into(),
                    why,
                },
            )
        };
        if !s.starts_with("arn:") {
            return Err(invalid(
                "expected `*` or an ARN (arn:partition:service:region:account:resource)".into(),
            ));
        }
        // A policy variable may stand in any segment: the variables page allows it only after
        // the fifth colon, but AWS's own AmazonTimestreamInfluxDBServiceRolePolicy has
        // `arn:*:kms:*:${aws:PrincipalAccount}:key/*` (docs/semantics-decisions.md). Its text is
        // no part of the ARN's structure.
        let shape = if self.variables {
            masked(s)
        } else {
            s.to_string()
        };
        let parts: Vec<&str> = shape.splitn(6, ':').collect();
        if parts.len() < 6 && !spans(&parts) {
            return Err(invalid(format!(
                "an ARN has six colon-separated parts, arn:partition:service:region:account:resource (IAM policy validation: \"Missing ARN field\"){}",
                six_parts(s).map(|f| format!("; did you mean `{f}`?")).unwrap_or_default()
            )));
        }
        let (partition, service) = (parts.get(1).copied(), parts.get(2).copied());
        if let Some(p) = partition.filter(|p| !p.contains(VARIABLE) && !known_partition(p)) {
            let hint = closest(p, PARTITIONS.iter().copied())
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            return Err(invalid(format!(
                "`{p}` is not an AWS partition ({}; IAM policy validation: \"Invalid partition\"){hint}",
                PARTITIONS.join(", ")
            )));
        }
        match service {
            Some(svc) if svc.contains(['*', '?']) => Err(invalid(
                "wildcards are not allowed in the service segment".into(),
            )),
            Some("") => Err(invalid("the service segment is empty".into())),
            _ => Ok(()),
        }
    }
}

/// Stands for a policy variable's text when the structure of an ARN is read.
const VARIABLE: char = '\u{1}';

/// `s` with each `${...}` replaced by [`VARIABLE`].
fn masked(s: &str) -> String {
    variables_as(s, VARIABLE)
}

/// `s` with each `${...}` (a policy variable, or a template's placeholder) replaced by
/// `stand_in`.
pub(crate) fn variables_as(s: &str, stand_in: char) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(rest.get(..start).unwrap_or(""));
        out.push(stand_in);
        let after = rest.get(start..).unwrap_or("");
        rest = after
            .find('}')
            .and_then(|e| after.get(e + 1..))
            .unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// Is a short ARN a documented pattern whose last `*` "can expand to match beyond the colon
/// boundaries" (`arn:aws:sqs:us-*`, `arn:aws:sqs:us-east-2:*`)? Only when that last segment could
/// begin the segment it stands in: a region, an account, a service or a partition. A slash
/// there (`arn:aws:s3::raw-data/*`, a missing colon) is a malformed ARN, which matches nothing.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>
fn spans(parts: &[&str]) -> bool {
    let Some(last) = parts.last().and_then(|l| l.strip_suffix('*')) else {
        return false;
    };
    let fits = |c: char| match parts.len() {
        // partition, service, region: letters, digits and hyphens
        2..=4 => c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
        // account: digits (or `aws` for AWS-owned resources)
        5 => c.is_ascii_alphanumeric(),
        _ => false,
    };
    last.chars().all(|c| fits(c) || c == '*' || c == '?')
}

/// A partition name, or a wildcard pattern that covers at least one.
fn known_partition(p: &str) -> bool {
    if !p.contains(['*', '?']) {
        return PARTITIONS.contains(&p);
    }
    Wildcard::new(p, Dialect::Plain).is_ok_and(|w| PARTITIONS.iter().any(|known| w.is_match(known)))
}

/// An ARN of four or five parts with empty fields added before its last part, as a suggestion
/// (`arn:aws:s3::raw-data/*` -> `arn:aws:s3:::raw-data/*`).
fn six_parts(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.split(':').collect();
    let (last, head) = parts.split_last()?;
    if !(4..6).contains(&parts.len()) {
        return None;
    }
    let mut out = head.to_vec();
    out.resize(5, "");
    out.push(last);
    Some(out.join(":"))
}
