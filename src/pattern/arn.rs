//! ARNs and the component-wise matching of the `Arn*` condition operators.
//!
//! `ArnEquals` and `ArnLike` behave alike: each of the six colon-delimited components is matched
//! separately, so a wildcard cannot absorb a colon between components; matching is
//! case-sensitive (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN>).

use super::wildcard::{Dialect, TooLong, Wildcard};

/// The six components of an ARN: `arn:partition:service:region:account:resource`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    /// `aws`, `aws-cn`, `aws-us-gov`, ...
    pub partition: &'a str,
    /// The service prefix, such as `s3`
    pub service: &'a str,
    /// The region (empty for global services)
    pub region: &'a str,
    /// The account id (empty for S3 buckets)
    pub account: &'a str,
    /// Everything after the fifth colon
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Split `text` into its components; `None` unless it starts with `arn:` and has six parts.
    pub fn parse(text: &'a str) -> Option<Self> {
        let mut parts = text.splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        let partition = parts.next()?;
        let service = parts.next()?;
        let region = parts.next()?;
        let account = parts.next()?;
        let resource = parts.next()?;
        if partition.is_empty() || service.is_empty() {
            return None;
        }
        Some(Self {
            partition,
            service,
            region,
            account,
            resource,
        })
    }
}

/// An `ArnLike`/`ArnEquals` policy value compiled component by component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnPattern {
    parts: Box<[Wildcard]>,
}

impl ArnPattern {
    /// Compile a policy value; `None` when it does not have the six ARN components.
    pub fn new(pattern: &str) -> Option<Result<Self, TooLong>> {
        let parts: Vec<&str> = pattern.splitn(6, ':').collect();
        if parts.len() != 6 || parts.first().is_some_and(|p| *p != "arn" && *p != "*") {
            return None;
        }
        Some(
            parts
                .iter()
                .map(|p| Wildcard::new(p, Dialect::Plain))
                .collect::<Result<Vec<_>, _>>()
                .map(|parts| Self {
                    parts: parts.into(),
                }),
        )
    }

    /// Does the request value match, component by component?
    pub fn is_match(&self, value: &str) -> bool {
        let mut n = 0;
        for (pattern, part) in self.parts.iter().zip(value.splitn(6, ':')) {
            if !pattern.is_match(part) {
                return false;
            }
            n += 1;
        }
        n == 6
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_six_components() {
        let a = Arn::parse("arn:aws:lambda:us-east-1:111122223333:function:f:prod").unwrap();
        assert_eq!(a.service, "lambda");
        assert_eq!(a.account, "111122223333");
        assert_eq!(a.resource, "function:f:prod");
        assert_eq!(Arn::parse("arn:aws:s3:::b").unwrap().account, "");
        assert!(Arn::parse("arn:aws:s3").is_none());
        assert!(Arn::parse("nope:aws:s3:::b").is_none());
    }

    #[test]
    fn arn_like_is_component_wise() {
        let p = ArnPattern::new("arn:aws:bedrock-agentcore:us-east-1:111122223333:*")
            .unwrap()
            .unwrap();
        assert!(p.is_match("arn:aws:bedrock-agentcore:us-east-1:111122223333:runtime/x"));
        assert!(!p.is_match("arn:aws:bedrock-agentcore:us-west-2:111122223333:runtime/x"));
        let q = ArnPattern::new("arn:aws:*:*:*:x").unwrap().unwrap();
        assert!(!q.is_match("arn:aws:s3:a:b:c:x"));
        assert!(ArnPattern::new("not-an-arn").is_none());
        assert!(!p.is_match("arn:aws:bedrock-agentcore"));
    }
}
