//! Whether a resource ARN is one an action takes: the ARN against the ARN formats of the
//! action's resource types.

use super::info::{ActionInfo, ResourceTypeInfo, ServiceInfo};
use super::template::{matches, Rules};
use super::Catalog;
use crate::pattern::{aws_owned, Arn};

/// The answer of [`Catalog::check_resource`].
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum ResourceCheck<'a> {
    /// The ARN is an instance of this resource type, which the action takes.
    Matches(ResourceTypeInfo<'a>),
    /// The action takes no resource type and the resource is `*`, the only resource that
    /// applies to it.
    Wildcard,
    /// The action takes no resource type, so only `*` applies to it, but the resource is an ARN.
    WildcardRequired,
    /// The resource is `*` and the action takes resource types: `*` stands for all of them.
    AnyResource,
    /// The ARN is an instance of none of the action's resource types.
    Mismatch,
    /// The action is not in the catalog.
    UnknownAction,
}

impl ResourceCheck<'_> {
    /// Whether the resource can be the resource of a request for the action
    /// (`Matches`, `Wildcard` or `AnyResource`).
    pub fn is_valid(&self) -> bool {
        matches!(
            self,
            ResourceCheck::Matches(_) | ResourceCheck::Wildcard | ResourceCheck::AnyResource
        )
    }
}

impl Catalog {
    /// Checks that `resource` (an ARN, or `*`) is a resource `action` takes, according to the
    /// ARN formats of the action's resource types in the Service Authorization Reference
    /// (<https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>).
    ///
    /// Matching rules, chosen so that real ARNs pass and ARNs of another type fail:
    /// - literal parts of a format compare exactly (ARNs are case-sensitive);
    /// - a placeholder (`${RepositoryName}`) matches a non-empty run without `:`, which may hold
    ///   `/` (role paths, log group names, nested SSM parameters, object keys, ECR namespaces);
    /// - a format matching the ARN loses to another resource type of the service that also
    ///   matches with more literal text: `arn:aws:s3:::bucket/key` is an `object`, not a
    ///   `bucket`, and `table/t/index/i` is a DynamoDB `index`, not a `table`;
    /// - failing that, a placeholder ending a format may also hold `:`, as Lambda
    ///   qualified ARNs do (`function:my-fn:PROD`: "restricted to a specific function by
    ///   function, version, or alias ARN",
    ///   <https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html>), and log
    ///   group ARNs with the trailing `:*` that most CloudWatch Logs actions use
    ///   (<https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_LogGroup.html>).
    ///
    ///   Bedrock model ids hold colons too (`foundation-model/amazon.titan-text-lite-v1:0:4k`).
    ///   This last rule cannot tell a log group from one of its streams, so it may accept an
    ///   ARN that is too specific for the action. A test checks that an instance of every
    ///   format of every action is accepted.
    ///
    /// Cost: a few microseconds (the formats are read as they are matched); meant for load-time
    /// checks of scenarios and policies, not for evaluation.
    ///
    /// An AWS-owned resource whose ARN omits the account (an AWS SSM document, a public SSM
    /// parameter: see [`aws_owned`]) matches a format with an `${Account}` placeholder.
    pub fn check_resource(&self, action: &str, resource: &str) -> ResourceCheck<'_> {
        let check = self.check_arn(action, resource);
        if !matches!(check, ResourceCheck::Mismatch) {
            return check;
        }
        match Arn::parse(resource).filter(|a| a.account.is_empty() && aws_owned(a).is_some()) {
            Some(a) => {
                let filled = format!(
                    "arn:{}:{}:{}:aws:{}",
                    a.partition, a.service, a.region, a.resource
                );
                self.check_arn(action, &filled)
            }
            None => check,
        }
    }

    /// [`Self::check_resource`] for the ARN as written.
    fn check_arn(&self, action: &str, resource: &str) -> ResourceCheck<'_> {
        let Some(action) = self.action(action) else {
            return ResourceCheck::UnknownAction;
        };
        match (action.has_resource_types(), resource == "*") {
            (false, true) => return ResourceCheck::Wildcard,
            (false, false) => return ResourceCheck::WildcardRequired,
            (true, true) => return ResourceCheck::AnyResource,
            (true, false) => {}
        }
        let arn = Arn::parse(resource);
        let arn = arn.as_ref();
        if let Some((len, resource_type)) = best_match(action, resource, arn) {
            let service = ServiceInfo {
                service: action.service,
            };
            let beaten = service.resource_types().any(|other| {
                other.shapes().iter().any(|shape| {
                    shape.literal_len > len
                        && shape.may_match(arn)
                        && matches(shape.format, resource, Rules::Arn)
                })
            });
            if !beaten {
                return ResourceCheck::Matches(resource_type);
            }
        }
        action
            .resource_types()
            .map(|taken| taken.resource_type())
            .find(|resource_type| {
                resource_type.shapes().iter().any(|shape| {
                    shape.may_match(arn) && matches(shape.format, resource, Rules::ArnQualified)
                })
            })
            .map_or(ResourceCheck::Mismatch, ResourceCheck::Matches)
    }
}

/// The action's resource type whose format matches `text` with the most literal text (`arn`:
/// `text` split, for the quick test of each format).
fn best_match<'a>(
    action: ActionInfo<'a>,
    text: &str,
    arn: Option<&Arn<'_>>,
) -> Option<(usize, ResourceTypeInfo<'a>)> {
    let mut best: Option<(usize, ResourceTypeInfo<'a>)> = None;
    for taken in action.resource_types() {
        let resource_type = taken.resource_type();
        for shape in resource_type.shapes() {
            let len = shape.literal_len;
            if best.as_ref().is_none_or(|(best_len, _)| len > *best_len)
                && shape.may_match(arn)
                && matches(shape.format, text, Rules::Arn)
            {
                best = Some((len, resource_type));
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_shapes_rule_out_only_what_cannot_match() {
        use crate::catalog::model::FormatShape;
        let repo = FormatShape::of(
            "arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}",
        );
        let ok = Arn::parse("arn:aws:ecr:us-east-1:111122223333:repository/team/app");
        assert!(repo.may_match(ok.as_ref()));
        let other_service = Arn::parse("arn:aws:s3:::bucket/key");
        assert!(!repo.may_match(other_service.as_ref()));
        let other_type = Arn::parse("arn:aws:ecr:us-east-1:111122223333:registry/x");
        assert!(!repo.may_match(other_type.as_ref()));
        // Not an ARN, or a format whose colons may not line up: nothing is ruled out.
        assert!(repo.may_match(None));
        let star = FormatShape::of("arn:${Partition}:dms:*:cert:x");
        assert!(star.may_match(other_service.as_ref()));
        assert_eq!(
            repo.literal_len,
            super::super::template::literal_len(repo.format)
        );
    }

    const ACCOUNT: &str = "us-east-1:111122223333";

    fn check(action: &str, arn: &str) -> String {
        let arn = arn.replace("{ra}", ACCOUNT);
        match Catalog::embedded().check_resource(action, &arn) {
            ResourceCheck::Matches(t) => format!("matches {}", t.name()),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn ecr_repositories() {
        assert_eq!(
            check(
                "ecr:BatchGetImage",
                "arn:aws:ecr:{ra}:repository/acme-dev-billing"
            ),
            "matches repository"
        );
        assert_eq!(
            check("ecr:BatchGetImage", "arn:aws:ecr:{ra}:repository/team/app"),
            "matches repository"
        );
        assert_eq!(
            check("ecr:BatchGetImage", "arn:aws:s3:::acme-dev-artifacts"),
            "Mismatch"
        );
    }

    #[test]
    fn actions_without_resource_types_take_only_star() {
        assert_eq!(check("ecr:GetAuthorizationToken", "*"), "Wildcard");
        assert_eq!(
            check("ecr:GetAuthorizationToken", "arn:aws:ecr:{ra}:repository/x"),
            "WildcardRequired"
        );
        assert_eq!(check("ecr:BatchGetImage", "*"), "AnyResource");
    }

    /// The source data keeps only classic ELB's resource type for the actions both ELB pages
    /// list; scripts/gen-catalog.py adds back the V2 page's (`ADDED_RESOURCE_TYPES`).
    #[test]
    fn elb_v2_resources_are_taken_by_actions_shared_with_classic() {
        let elb = "arn:aws:elasticloadbalancing:{ra}";
        let matches = |action: &str, resource: &str, expected: &str| {
            let arn = format!("{elb}:{resource}");
            assert_eq!(
                check(action, &arn),
                format!("matches {expected}"),
                "{action} {arn}"
            );
        };
        for (resource, expected) in [
            ("loadbalancer/app/web/0123456789abcdef", "loadbalancer/app/"),
            ("loadbalancer/net/web/0123456789abcdef", "loadbalancer/net/"),
            ("targetgroup/web/0123456789abcdef", "targetgroup"),
            (
                "listener/app/web/0123456789abcdef/fedcba9876543210",
                "listener/app",
            ),
            ("loadbalancer/classic-web", "loadbalancer"),
        ] {
            matches("elasticloadbalancing:AddTags", resource, expected);
            matches("elasticloadbalancing:RemoveTags", resource, expected);
        }
        for action in [
            "DeleteLoadBalancer",
            "ModifyLoadBalancerAttributes",
            "CreateLoadBalancer",
        ] {
            let action = format!("elasticloadbalancing:{action}");
            matches(
                &action,
                "loadbalancer/app/web/0123456789abcdef",
                "loadbalancer/app/",
            );
            matches(&action, "loadbalancer/classic-web", "loadbalancer");
        }
    }

    #[test]
    fn unknown_actions_are_reported() {
        assert_eq!(check("ecr:BatchGetImages", "*"), "UnknownAction");
    }

    #[test]
    fn s3_buckets_and_objects_are_told_apart() {
        assert_eq!(
            check("s3:ListBucket", "arn:aws:s3:::acme-dev-artifacts"),
            "matches bucket"
        );
        assert_eq!(
            check("s3:ListBucket", "arn:aws:s3:::acme-dev-artifacts/a/b.txt"),
            "Mismatch"
        );
        assert_eq!(
            check("s3:GetObject", "arn:aws:s3:::acme-dev-artifacts/a/b.txt"),
            "matches object"
        );
        assert_eq!(
            check("s3:GetObject", "arn:aws:s3:::acme-dev-artifacts"),
            "Mismatch"
        );
    }

    #[test]
    fn aws_owned_resources_without_an_account_match_account_formats() {
        assert_eq!(
            check(
                "ssm:SendCommand",
                "arn:aws:ssm:us-east-1::document/AWS-RunShellScript"
            ),
            "matches document"
        );
        assert_eq!(
            check(
                "ssm:GetParameter",
                "arn:aws:ssm:us-east-1::parameter/aws/service/ami-amazon-linux-latest/x"
            ),
            "matches parameter"
        );
        assert_eq!(
            check(
                "bedrock:InvokeModel",
                "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-lite-v1"
            ),
            "matches foundation-model"
        );
        // A customer's parameter names its account; without one it is no resource.
        assert_eq!(
            check(
                "ssm:GetParameter",
                "arn:aws:ssm:us-east-1::parameter/app/db"
            ),
            "Mismatch"
        );
    }

    #[test]
    fn kms_keys_and_aliases() {
        assert_eq!(
            check(
                "kms:Decrypt",
                "arn:aws:kms:{ra}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            ),
            "matches key"
        );
        assert_eq!(
            check("kms:Decrypt", "arn:aws:kms:{ra}:alias/acme-dev-data"),
            "Mismatch"
        );
        assert_eq!(
            check("kms:CreateAlias", "arn:aws:kms:{ra}:alias/acme-dev-data"),
            "matches alias"
        );
    }

    #[test]
    fn lambda_functions_with_and_without_qualifier() {
        assert_eq!(
            check(
                "lambda:InvokeFunction",
                "arn:aws:lambda:{ra}:function:acme-dev-prompt-registry"
            ),
            "matches function"
        );
        assert_eq!(
            check(
                "lambda:InvokeFunction",
                "arn:aws:lambda:{ra}:function:acme-dev-prompt-registry:PROD"
            ),
            "matches function"
        );
        assert_eq!(
            check("lambda:InvokeFunction", "arn:aws:lambda:{ra}:layer:x"),
            "Mismatch"
        );
    }

    #[test]
    fn log_groups_with_and_without_star_suffix() {
        let group = "arn:aws:logs:{ra}:log-group:/aws/bedrock-agentcore/runtimes/research";
        assert_eq!(check("logs:DescribeLogStreams", group), "matches log-group");
        assert_eq!(
            check("logs:DescribeLogStreams", &format!("{group}:*")),
            "matches log-group"
        );
        assert_eq!(
            check("logs:PutLogEvents", &format!("{group}:log-stream:s1")),
            "matches log-stream"
        );
        assert_eq!(check("logs:PutLogEvents", group), "Mismatch");
    }

    #[test]
    fn bedrock_model_ids_with_colons() {
        assert_eq!(
            check(
                "bedrock:InvokeModel",
                "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-lite-v1:0:4k"
            ),
            "matches foundation-model"
        );
        assert_eq!(
            check("bedrock:InvokeModel", "arn:aws:bedrock:{ra}:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0"),
            "matches inference-profile"
        );
    }

    #[test]
    fn iam_roles_with_paths() {
        assert_eq!(
            check(
                "iam:PassRole",
                "arn:aws:iam::111122223333:role/acme-dev-gateway"
            ),
            "matches role"
        );
        assert_eq!(
            check(
                "iam:GetRole",
                "arn:aws:iam::111122223333:role/service-role/AgentCoreEvalsSDK-x"
            ),
            "matches role"
        );
        assert_eq!(
            check("iam:GetRole", "arn:aws:iam::111122223333:user/alice"),
            "Mismatch"
        );
    }

    #[test]
    fn dynamodb_tables_and_indexes() {
        assert_eq!(
            check(
                "dynamodb:PutItem",
                "arn:aws:dynamodb:{ra}:table/acme-dev-idempotency"
            ),
            "matches table"
        );
        assert_eq!(
            check(
                "dynamodb:Query",
                "arn:aws:dynamodb:{ra}:table/t/index/by-date"
            ),
            "matches index"
        );
        assert_eq!(
            check(
                "dynamodb:GetItem",
                "arn:aws:dynamodb:{ra}:table/t/index/by-date"
            ),
            "Mismatch"
        );
    }

    #[test]
    fn ssm_parameters_with_nested_paths() {
        assert_eq!(
            check(
                "ssm:GetParameter",
                "arn:aws:ssm:{ra}:parameter/acme/dev/db/url"
            ),
            "matches parameter"
        );
        assert_eq!(
            check(
                "ssm:GetParametersByPath",
                "arn:aws:ssm:{ra}:parameter/acme/dev"
            ),
            "matches parameter"
        );
    }

    #[test]
    fn bedrock_agentcore_gateways_and_runtimes() {
        assert_eq!(
            check(
                "bedrock-agentcore:GetGateway",
                "arn:aws:bedrock-agentcore:{ra}:gateway/gw-1"
            ),
            "matches gateway"
        );
        assert_eq!(
            check(
                "bedrock-agentcore:GetAgentRuntime",
                "arn:aws:bedrock-agentcore:{ra}:runtime/rt-1"
            ),
            "matches runtime"
        );
        assert_eq!(
            check(
                "bedrock-agentcore:GetGateway",
                "arn:aws:bedrock-agentcore:{ra}:runtime/rt-1"
            ),
            "Mismatch"
        );
        assert_eq!(
            check("bedrock-agentcore:GetResourceOauth2Token", "arn:aws:bedrock-agentcore:{ra}:token-vault/default/oauth2credentialprovider/acme-dev-gateway-m2m"),
            "matches oauth2credentialprovider"
        );
    }

    #[test]
    fn is_valid_accepts_matches_and_wildcards() {
        let catalog = Catalog::embedded();
        assert!(catalog
            .check_resource("ecr:GetAuthorizationToken", "*")
            .is_valid());
        assert!(!catalog
            .check_resource("ecr:GetAuthorizationToken", "arn:aws:s3:::b")
            .is_valid());
        assert!(!catalog
            .check_resource("ecr:BatchGetImage", "arn:aws:s3:::b")
            .is_valid());
    }

    /// An ARN built from `format`, with a sample value for each placeholder and `*`.
    fn instance(format: &str) -> String {
        let mut arn = String::new();
        let mut rest = format;
        while let Some(start) = rest.find("${") {
            arn.push_str(&rest[..start]);
            let end = rest[start..].find('}').unwrap() + start;
            arn.push_str(match &rest[start + 2..end] {
                "Partition" => "aws",
                "Region" => "us-east-1",
                "Account" => "111122223333",
                _ => "x1",
            });
            rest = &rest[end + 1..];
        }
        arn.push_str(rest);
        arn.replace('*', "x2")
    }

    #[test]
    fn every_action_accepts_instances_of_its_resource_types() {
        let catalog = Catalog::embedded();
        let mut failures = Vec::new();
        for service in catalog.services() {
            for action in service.actions() {
                for taken in action.resource_types() {
                    for format in taken.resource_type().arn_formats() {
                        let arn = instance(format);
                        if !catalog.check_resource(&action.to_string(), &arn).is_valid() {
                            failures.push(format!("{action} {arn}"));
                        }
                    }
                }
            }
        }
        assert_eq!(failures, Vec::<String>::new());
    }
}
