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
        // The first four colons after `arn:`, found eight bytes at a time: `splitn` cost most
        // of an evaluation on short ARNs (docs/performance.md). Colons are ASCII, so every cut
        // is a char boundary.
        let rest = text.strip_prefix("arn:")?;
        let [c1, c2, c3, c4] = first_colons(rest.as_bytes())?;
        let partition = rest.get(..c1)?;
        let service = rest.get(c1 + 1..c2)?;
        if partition.is_empty() || service.is_empty() {
            return None;
        }
        Some(Self {
            partition,
            service,
            region: rest.get(c2 + 1..c3)?,
            account: rest.get(c3 + 1..c4)?,
            resource: rest.get(c4 + 1..)?,
        })
    }
}

/// The positions of the first four `:` in `bytes`, scanning a `u64` word at a time.
fn first_colons(bytes: &[u8]) -> Option<[usize; 4]> {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const COLONS: u64 = 0x3a3a_3a3a_3a3a_3a3a;
    let mut found = [0usize; 4];
    let mut n = 0usize;
    let mut record = |pos: usize| {
        if let Some(slot) = found.get_mut(n) {
            *slot = pos;
        }
        n += 1;
        n == 4
    };
    let mut chunks = bytes.chunks_exact(8);
    let mut base = 0usize;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ COLONS;
        // The high bit of each byte of `mask` is set exactly where that byte of `x` is zero.
        let mut mask = !(((x & LOW7) + LOW7) | x | LOW7);
        while mask != 0 {
            if record(base + (mask.trailing_zeros() / 8) as usize) {
                return Some(found);
            }
            mask &= mask - 1;
        }
        base += 8;
    }
    for (i, b) in chunks.remainder().iter().enumerate() {
        if *b == b':' && record(base + i) {
            return Some(found);
        }
    }
    None
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

/// AWS's partitions: each is a separate IAM, and an ARN names one of them.
/// <https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html>
pub const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// True for a 12-digit AWS account id.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
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

    fn split_reference(text: &str) -> Option<(&str, &str, &str, &str, &str)> {
        let parts: Vec<&str> = text.splitn(6, ':').collect();
        match parts.as_slice() {
            ["arn", p, s, r, a, res] if !p.is_empty() && !s.is_empty() => {
                Some((*p, *s, *r, *a, *res))
            }
            _ => None,
        }
    }

    proptest::proptest! {
        /// Word-at-a-time colon search = `splitn(6, ':')` on any text over a small alphabet.
        #[test]
        fn word_scan_agrees_with_splitn_on_any_text(tail in "[a:é/*]{0,40}") {
            let text = format!("arn:{tail}");
            let got = Arn::parse(&text)
                .map(|a| (a.partition, a.service, a.region, a.account, a.resource));
            proptest::prop_assert_eq!(got, split_reference(&text));
        }
    }

    /// The byte scan splits exactly as `splitn(6, ':')` did, edge cases included.
    #[test]
    fn byte_scan_agrees_with_splitn() {
        for text in [
            "arn:aws:s3:::",
            "arn::s3:::b",
            "arn:aws::::x",
            "arn:aws:iam::1:role/a:b:c",
            "arn:aws:kms:r:1",
            "arn:aws:kms:r:1:",
            "arn:aws:ké:r:1:ü:ä",
            "arn",
            "arn:",
            "arn:a:b:c:d",
            "arn:aws:s3:::bucket-with-a-long-name/and/a:key",
            "arn:aws-us-gov:bedrock-agentcore:us-gov-west-1:111122223333:runtime/x",
            "arn:p:s:r::",
            "arn:p:s:::::::::",
        ] {
            let expected = split_reference(text);
            let got =
                Arn::parse(text).map(|a| (a.partition, a.service, a.region, a.account, a.resource));
            assert_eq!(got, expected, "{text}");
        }
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
