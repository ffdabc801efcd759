//! Resources AWS owns: ARNs whose account field is the literal `aws`, and the empty-account ARNs
//! of the few families AWS documents as its own. An empty account field alone says nothing: S3
//! buckets, Route 53 zones and EC2 images have one too, and a customer owns them.

use super::arn::Arn;

/// Why an ARN names a resource AWS owns, or `None` when it does not (or iamsim cannot tell).
///
/// - Account field `aws`: AWS managed policies (`arn:aws:iam::aws:policy/...`,
///   <https://docs.aws.amazon.com/aws-managed-policy/latest/reference/about-managed-policy-reference.html>)
///   and the service-owned resources of the Service Authorization Reference
///   (`arn:${Partition}:bedrock-websearch:${Region}:aws:tool/${ToolName}`).
/// - SSM documents with no account: "The account ID shouldn't be specified in the Amazon
///   Resource Name (ARN) for Amazon owned public documents"
///   (<https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-setup-identity-based-policies.html>).
/// - SSM parameters under `aws/` with no account: public parameters; customers cannot create
///   them, "A parameter name can't be prefixed with "aws" or "ssm" (case-insensitive)"
///   (<https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html>).
/// - Bedrock foundation models (`arn:${Partition}:bedrock:${Region}::foundation-model/...`):
///   provided by AWS, which supports no resource-based policy on them
///   (<https://docs.aws.amazon.com/bedrock/latest/userguide/security_iam_service-with-iam.html>).
pub fn aws_owned(arn: &Arn<'_>) -> Option<&'static str> {
    match arn.account {
        "aws" => Some("its account field is `aws`"),
        "" => match arn.service {
            "ssm" if arn.resource.starts_with("document/") => {
                Some("an SSM document with no account is AWS-owned")
            }
            "ssm" if has_aws_prefix(arn.resource.strip_prefix("parameter/")) => {
                Some("an SSM parameter under `aws/` is a public parameter")
            }
            "bedrock" if arn.resource.starts_with("foundation-model/") => {
                Some("a Bedrock foundation model is AWS-owned")
            }
            _ => None,
        },
        _ => None,
    }
}

/// Whether a parameter name (after `parameter/`) starts with the reserved `aws/` (any case).
fn has_aws_prefix(name: Option<&str>) -> bool {
    name.and_then(|n| n.get(..4))
        .is_some_and(|p| p.eq_ignore_ascii_case("aws/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(arn: &str) -> bool {
        aws_owned(&Arn::parse(arn).unwrap()).is_some()
    }

    #[test]
    fn aws_account_and_documented_families_are_aws_owned() {
        assert!(owned("arn:aws:iam::aws:policy/AdministratorAccess"));
        assert!(owned(
            "arn:aws:bedrock-websearch:us-east-1:aws:tool/web-search"
        ));
        assert!(owned("arn:aws:ssm:us-east-1::document/AWS-RunShellScript"));
        assert!(owned(
            "arn:aws:ssm:us-east-1::parameter/aws/service/ami-amazon-linux-latest/x"
        ));
        assert!(owned(
            "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-lite-v1"
        ));
    }

    #[test]
    fn an_empty_account_alone_is_not_aws_owned() {
        assert!(!owned("arn:aws:s3:::bucket/key"));
        assert!(!owned("arn:aws:s3:::aws/key"));
        assert!(!owned("arn:aws:ec2:us-east-1::image/ami-12345678"));
        assert!(!owned("arn:aws:ssm:us-east-1::parameter/app/db"));
        assert!(!owned(
            "arn:aws:ssm:us-east-1:111122223333:document/AWS-RunShellScript"
        ));
        assert!(!owned(
            "arn:aws:ssm:us-east-1:111122223333:parameter/aws/service/x"
        ));
    }
}
