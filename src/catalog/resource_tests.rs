//! Tests of [`super`]: ARNs checked against the catalog's resource types.

use super::*;

#[test]
fn format_shapes_rule_out_only_what_cannot_match() {
    use crate::catalog::model::FormatShape;
    let repo =
        FormatShape::of("arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}");
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
        check(
            "bedrock:InvokeModel",
            "arn:aws:bedrock:{ra}:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0"
        ),
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
