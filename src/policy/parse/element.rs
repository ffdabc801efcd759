//! One `Action` or `Resource` entry: a pattern, classified once.

use super::{Parser, Result};
use crate::pattern::{Dialect, Wildcard};
use crate::policy::condition::template::Template;
use crate::policy::condition::too_long;
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
            if !s.starts_with("arn:") {
                return Err(invalid(
                    "expected `*` or an ARN (arn:partition:service:region:account:resource)",
                ));
            }
            let head_end = if self.variables {
                s.find("${").unwrap_or(s.len())
            } else {
                s.len()
            };
            let head = s.get(..head_end).unwrap_or(s);
            let parts: Vec<&str> = head.split(':').collect();
            if head_end < s.len() && parts.len() < 6 {
                return Err(invalid("policy variables are allowed only in the resource part of an ARN (after the fifth colon)"));
            }
            let spans = parts.last().is_some_and(|p| p.ends_with('*'));
            if parts.len() < 6 && !spans {
                return Err(invalid("an ARN has six colon-separated parts"));
            }
            match parts.get(2) {
                Some(svc) if svc.contains(['*', '?']) => {
                    return Err(invalid("wildcards are not allowed in the service segment"))
                }
                Some(&"") => return Err(invalid("the service segment is empty")),
                _ => {}
            }
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
}
