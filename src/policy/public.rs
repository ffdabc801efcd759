//! Whether S3 counts a bucket policy as public, as its Block Public Access settings read it:
//! "Amazon S3 begins by assuming that the policy is public. ... To be considered non-public, a
//! bucket policy must grant access only to fixed values (values that don't contain a wildcard or
//! an AWS Identity and Access Management Policy Variable)" of a principal or of the keys listed
//! below.
//! <https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status>

use super::condition::operator::{BaseOperator, Qualifier};
use super::condition::value::Cidr;
use super::condition::Condition;
use super::{Document, Effect, PrincipalClause, PrincipalEntry, Statement};
use crate::pattern::{is_account_id, Arn};

/// Keys whose fixed value makes a statement to everyone non-public: "An AWS principal, user,
/// role, or service principal (e.g. aws:PrincipalOrgID)" (read as the keys that name the
/// principal), `aws:SourceArn`, `aws:SourceVpc`, `aws:SourceVpce`, `aws:SourceOwner`,
/// `aws:SourceAccount`, `s3:x-amz-server-side-encryption-aws-kms-key-id`, `aws:userid`,
/// `s3:DataAccessPointAccount` (lowercase). `aws:SourceIp` and `s3:DataAccessPointArn` have
/// rules of their own.
const FIXING_KEYS: &[&str] = &[
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalservicename",
    "aws:sourcearn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceowner",
    "aws:sourceaccount",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "aws:userid",
    "s3:dataaccesspointaccount",
];

/// Whether S3 counts `doc`, a bucket policy, as public: some `Allow` grants to everyone
/// (`Principal` `*` or `{"AWS": "*"}`, or `NotPrincipal`) and no condition of it holds the request
/// to fixed values of a key S3 lists. A `Deny` grants nothing.
pub fn is_public_bucket_policy(doc: &Document) -> bool {
    doc.statements
        .iter()
        .any(|st| st.effect == Effect::Allow && to_everyone(st) && !st.conditions.iter().any(fixes))
}

/// Whether the statement names everyone (an `Allow` with `NotPrincipal` grants everyone but the
/// principals it lists).
fn to_everyone(st: &Statement) -> bool {
    match &st.principal {
        Some(PrincipalClause::Principal(p)) => p.any || p.entries.contains(&PrincipalEntry::AnyAws),
        Some(PrincipalClause::NotPrincipal(_)) | None => true,
    }
}

/// Whether a condition holds every request to fixed values of a key S3 lists. A condition that
/// a request without the key satisfies (`...IfExists`, `ForAllValues:`) or a negated operator
/// confines nothing.
fn fixes(c: &Condition) -> bool {
    let op = c.operator;
    if op.if_exists || op.qualifier == Some(Qualifier::ForAllValues) || c.raw.is_empty() {
        return false;
    }
    match c.key_lower() {
        // "Bucket policies that grant access conditioned on the aws:SourceIp condition key with
        // very broad IP ranges (for example, 0.0.0.0/1) are evaluated as "public." This includes
        // values broader than /8 for IPv4 and /32 for IPv6".
        "aws:sourceip" => {
            op.base == BaseOperator::IpAddress
                && c.raw.iter().all(|v| {
                    Cidr::parse(v).is_some_and(|b| b.prefix() >= if b.is_ipv4() { 8 } else { 32 })
                })
        }
        // "this value can contain a wildcard for the access point name without rendering the
        // policy public, as long as the account id is fixed".
        "s3:dataaccesspointarn" => positive(op.base) && c.raw.iter().all(|v| fixed_access_point(v)),
        key if FIXING_KEYS.contains(&key) => positive(op.base) && c.raw.iter().all(|v| fixed(v)),
        _ => false,
    }
}

/// Operators that hold the key to the values listed.
fn positive(op: BaseOperator) -> bool {
    matches!(
        op,
        BaseOperator::StringEquals
            | BaseOperator::StringEqualsIgnoreCase
            | BaseOperator::StringLike
            | BaseOperator::ArnEquals
            | BaseOperator::ArnLike
    )
}

/// A value without a wildcard or a policy variable.
fn fixed(v: &str) -> bool {
    !v.contains(['*', '?']) && !v.contains("${")
}

/// An access point ARN whose account is fixed and whose only wildcards are in the access point
/// name.
fn fixed_access_point(v: &str) -> bool {
    let Some(a) = Arn::parse(v) else {
        return false;
    };
    fixed(a.partition)
        && fixed(a.region)
        && is_account_id(a.account)
        && a.resource
            .strip_prefix("accesspoint/")
            .is_some_and(|name| !name.contains("${"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{parse_document, PolicyKind};

    fn public(statement: serde_json::Value) -> bool {
        let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [statement]});
        is_public_bucket_policy(&parse_document(&doc, "t", PolicyKind::Resource).unwrap())
    }

    fn to_all(condition: serde_json::Value) -> serde_json::Value {
        serde_json::json!({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/*", "Condition": condition})
    }

    #[test]
    fn named_principals_are_not_public_and_everyone_is() {
        assert!(!public(serde_json::json!({"Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:*", "Resource": "*"})));
        assert!(public(
            serde_json::json!({"Effect": "Allow", "Principal": {"AWS": "*"},
            "Action": "s3:GetObject", "Resource": "*"})
        ));
        assert!(public(serde_json::json!({"Effect": "Allow",
            "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:*", "Resource": "*"})));
        assert!(!public(
            serde_json::json!({"Effect": "Deny", "Principal": "*",
            "Action": "s3:*", "Resource": "*"})
        ));
    }

    #[test]
    fn fixed_values_of_listed_keys_confine_a_statement_to_everyone() {
        assert!(!public(to_all(
            serde_json::json!({"StringEquals": {"aws:SourceVpc": "vpc-1"}})
        )));
        assert!(public(to_all(
            serde_json::json!({"StringLike": {"aws:SourceVpc": "vpc-*"}})
        )));
        assert!(public(to_all(
            serde_json::json!({"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}})
        )));
        assert!(public(to_all(
            serde_json::json!({"StringNotEquals": {"aws:SourceVpc": "vpc-1"}})
        )));
        assert!(public(to_all(
            serde_json::json!({"StringEquals": {"s3:prefix": "home/"}})
        )));
        assert!(!public(to_all(
            serde_json::json!({"StringEquals": {"aws:PrincipalOrgID": "o-abc"}})
        )));
        assert!(public(to_all(
            serde_json::json!({"StringEquals": {"aws:PrincipalOrgID": "${aws:username}"}})
        )));
        assert!(!public(to_all(
            serde_json::json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})
        )));
        assert!(public(to_all(
            serde_json::json!({"IpAddress": {"aws:SourceIp": "0.0.0.0/1"}})
        )));
        assert!(public(to_all(
            serde_json::json!({"IpAddress": {"aws:SourceIp": "2001:db8::/16"}})
        )));
        assert!(!public(to_all(
            serde_json::json!({"StringLike": {"s3:DataAccessPointArn":
            "arn:aws:s3:us-east-1:111122223333:accesspoint/*"}})
        )));
        assert!(public(to_all(
            serde_json::json!({"StringLike": {"s3:DataAccessPointArn":
            "arn:aws:s3:us-east-1:*:accesspoint/*"}})
        )));
    }
}
