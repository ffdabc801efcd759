//! Building blocks of the generated JSON: statements, policy documents, the role trust policy,
//! and the inventory's role and resource files (docs/formats.md).

use serde_json::{json, Map, Value};

use super::spec::PlatformSpec;

/// The policy language version of every generated document
pub(crate) const VERSION: &str = "2012-10-17";

/// The service principal that assumes the agent and gateway roles
pub(crate) const AGENTCORE_SERVICE: &str = "bedrock-agentcore.amazonaws.com";

/// A list of one element as that element, otherwise the array: the shape Terraform's
/// `aws_iam_policy_document` renders, so the files read like `terraform show` output.
pub(crate) fn one_or_many<S: AsRef<str>>(items: &[S]) -> Value {
    match items {
        [one] => Value::from(one.as_ref()),
        many => many.iter().map(|s| Value::from(s.as_ref())).collect(),
    }
}

/// An Allow statement with a Sid, actions and resources
pub(crate) fn allow<A: AsRef<str>, R: AsRef<str>>(
    sid: &str,
    actions: &[A],
    resources: &[R],
) -> Value {
    json!({
        "Sid": sid,
        "Effect": "Allow",
        "Action": one_or_many(actions),
        "Resource": one_or_many(resources),
    })
}

/// A policy document of `statements`
pub(crate) fn policy(statements: Vec<Value>) -> Value {
    json!({ "Version": VERSION, "Statement": statements })
}

/// The trust policy of every agent and gateway role: AgentCore may assume the role only on
/// behalf of the platform's own account and region (the confused-deputy guard of
/// <https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/runtime-permissions.html>)
pub(crate) fn trust_policy(spec: &PlatformSpec) -> Value {
    policy(vec![json!({
        "Sid": "AssumeRolePolicy",
        "Effect": "Allow",
        "Principal": { "Service": AGENTCORE_SERVICE },
        "Action": "sts:AssumeRole",
        "Condition": {
            "StringEquals": { "aws:SourceAccount": spec.account_id },
            "ArnLike": { "aws:SourceArn": spec.agentcore_arn("*") },
        },
    })])
}

/// A `roles/<name>.json` file: the role's ARN, the trust policy and its inline policies
pub(crate) fn role_file(spec: &PlatformSpec, arn: String, inline: Vec<(&str, Value)>) -> Value {
    let inline: Map<String, Value> = inline
        .into_iter()
        .map(|(name, document)| (name.to_owned(), document))
        .collect();
    json!({
        "arn": arn,
        "trust_policy": trust_policy(spec),
        "inline_policies": inline,
        "managed_policy_arns": [],
        "permissions_boundary_arn": null,
        "tags": {},
    })
}

/// A `resources/<name>.json` file: a resource with its aliases and resource-based policy
pub(crate) fn resource_file(
    arn: String,
    aliases: Vec<String>,
    account: &str,
    policy: Value,
) -> Value {
    json!({
        "arn": arn,
        "aliases": aliases,
        "account": account,
        "policy": policy,
        "tags": {},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_resource_is_a_string() {
        assert_eq!(
            allow("S", &["a:B", "a:C"], &["*"]),
            json!({"Sid": "S", "Effect": "Allow", "Action": ["a:B", "a:C"], "Resource": "*"})
        );
    }

    #[test]
    fn trust_policy_guards_source_account_and_arn() {
        let trust = trust_policy(&PlatformSpec::reference());
        assert_eq!(
            trust["Statement"][0]["Condition"],
            json!({
                "StringEquals": {"aws:SourceAccount": "111122223333"},
                "ArnLike": {"aws:SourceArn": "arn:aws:bedrock-agentcore:us-east-1:111122223333:*"}
            })
        );
    }
}
