//! The gateway role's inline policies (docs/platform.md, "The reference platform and its module rules"): `gateway`, with no wildcard
//! actions, and, with Cognito, `gateway-oauth2`.

use serde_json::Value;

use super::document::{allow, policy};
use super::names::KmsKey;
use super::spec::PlatformSpec;

/// The Sids of the `gateway` policy, in order
pub const GATEWAY_SIDS: [&str; 6] = [
    "InvokeMcpLambdaFunctions",
    "CloudWatchLogs",
    "GatewayRuntimeAccess",
    "PolicyEngineAccess",
    "RuntimeAccess",
    "KmsGatewayEncryption",
];

/// The Sid of the `gateway-oauth2` policy's one statement
pub const OAUTH2_SID: &str = "GetResourceOauth2Token";

/// The gateway role's inline policies, by name, in order
pub(crate) fn inline_policies(spec: &PlatformSpec) -> Vec<(&'static str, Value)> {
    let statements = vec![
        allow(
            "InvokeMcpLambdaFunctions",
            &["lambda:InvokeFunction"],
            &[spec.gateway_lambda_arn_pattern()],
        ),
        allow(
            "CloudWatchLogs",
            &[
                "logs:CreateLogGroup",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
            ],
            &[spec.gateway_log_group_arn()],
        ),
        allow(
            "GatewayRuntimeAccess",
            &[
                "bedrock-agentcore:GetGateway",
                "bedrock-agentcore:GetGatewayTarget",
                "bedrock-agentcore:ListGatewayTargets",
            ],
            &[spec.agentcore_arn("gateway/*")],
        ),
        allow(
            "PolicyEngineAccess",
            &[
                "bedrock-agentcore:AuthorizeAction",
                "bedrock-agentcore:PartiallyAuthorizeActions",
                "bedrock-agentcore:GetPolicyEngine",
            ],
            &[spec.agentcore_arn("policy-engine/*")],
        ),
        allow(
            "RuntimeAccess",
            &[
                "bedrock-agentcore:GetAgentRuntime",
                "bedrock-agentcore:InvokeAgentRuntime",
            ],
            &[spec.agentcore_arn("runtime/*")],
        ),
        allow(
            "KmsGatewayEncryption",
            &[
                "kms:Decrypt",
                "kms:Encrypt",
                "kms:GenerateDataKey",
                "kms:DescribeKey",
            ],
            &[spec.kms_key_arn(KmsKey::Gateway)],
        ),
    ];
    let mut policies = vec![("gateway", policy(statements))];
    if let Some(provider) = spec.oauth2_provider_arn() {
        let token = allow(
            OAUTH2_SID,
            &["bedrock-agentcore:GetResourceOauth2Token"],
            &[provider],
        );
        policies.push(("gateway-oauth2", policy(vec![token])));
    }
    policies
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cognito_adds_the_oauth2_policy() {
        let mut spec = PlatformSpec::reference();
        let names: Vec<_> = inline_policies(&spec).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["gateway", "gateway-oauth2"]);
        spec.cognito.enabled = false;
        spec.cognito.oauth2_credential_provider_name.clear();
        let names: Vec<_> = inline_policies(&spec).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["gateway"]);
    }

    #[test]
    fn gateway_policy_has_no_wildcard_action() {
        let policies = inline_policies(&PlatformSpec::reference());
        let (_, gateway) = &policies[0];
        let statements = gateway["Statement"].as_array().unwrap();
        let sids: Vec<_> = statements
            .iter()
            .map(|s| s["Sid"].as_str().unwrap())
            .collect();
        assert_eq!(sids, GATEWAY_SIDS);
        let text = serde_json::to_string(&gateway["Statement"]).unwrap();
        let actions: Vec<String> = statements
            .iter()
            .flat_map(|s| match &s["Action"] {
                Value::String(a) => vec![a.clone()],
                other => other
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_owned())
                    .collect(),
            })
            .collect();
        assert!(actions.iter().all(|a| !a.contains('*')), "{text}");
    }
}
