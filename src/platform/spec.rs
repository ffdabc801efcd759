//! `PlatformSpec`: the platform's Terraform variables as data (the content of
//! `policies/platform.json`), and the reference platform (docs/platform.md).

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// The platform spec: the variables of the platform's Terraform modules
///
/// Build one in code (all fields are public; see [`PlatformSpec::reference`]) or read one with
/// [`PlatformSpec::load`] / [`PlatformSpec::from_json`], which validate it. [`generate`] validates
/// again, so a spec built in code cannot slip past the rules.
///
/// [`generate`]: super::generate
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformSpec {
    /// Organization prefix, the first half of the name prefix (`acme`)
    pub prefix: String,
    /// Environment, the second half of the name prefix (`dev`)
    pub env: String,
    /// The 12-digit account that owns every generated role and key
    pub account_id: String,
    /// The region of every generated regional ARN (`us-east-1`)
    pub region: String,
    /// The SSM parameter path the agents read (`/acme/dev`)
    pub ssm_root_path: String,
    /// The gateway's inbound Cognito authorizer and its outbound OAuth2 credential provider
    pub cognito: CognitoSpec,
    /// The ids of the platform's KMS keys
    pub kms_keys: KmsKeyIds,
    /// The agents, by key, in file order; the key names the agent's role, repository and logs
    #[serde(default)]
    pub agents: IndexMap<String, AgentSpec>,
    /// When present, replaces the agents' `bedrock:*` and `bedrock-agentcore:*` grants on `*`
    /// with grants scoped to these ARNs
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub production: Option<ProductionProfile>,
}

/// Cognito on the gateway
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CognitoSpec {
    /// Whether the gateway authenticates with Cognito (adds the `gateway-oauth2` policy)
    pub enabled: bool,
    /// The AgentCore Identity OAuth2 credential provider the gateway reads tokens from;
    /// required when `enabled`, empty otherwise
    #[serde(default)]
    pub oauth2_credential_provider_name: String,
}

/// The ids (not ARNs) of the platform's KMS keys: a UUID or a multi-Region `mrk-` id
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KmsKeyIds {
    /// The data key (artifacts catalog table)
    pub data: String,
    /// The storage key
    pub storage: String,
    /// The secrets key
    pub secrets: String,
    /// The platform artifacts key
    pub platform_artifacts: String,
    /// The domain artifacts key
    pub domain_artifacts: String,
    /// The gateway's key
    pub gateway: String,
}

/// One agent module's variables; an empty string or list means the variable is unset, and
/// the statement it drives is left out
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AgentSpec {
    /// S3 bucket ARN: `ArtifactsBucketAccess`
    pub artifacts_bucket_arn: String,
    /// S3 bucket ARNs: `ExtraS3ReadAccess`
    pub extra_s3_read_bucket_arns: Vec<String>,
    /// KMS key ARN: `PlatformKmsDecrypt`
    pub platform_artifacts_kms_key_arn: String,
    /// KMS key ARN: `DomainKmsDecrypt`
    pub domain_artifacts_kms_key_arn: String,
    /// KMS key ARN: `StorageKmsAccess`
    pub storage_kms_key_arn: String,
    /// Lambda function ARN: `PromptRegistryInvoke`
    pub prompt_registry_function_arn: String,
    /// DynamoDB table name: `ArtifactsCatalogAccess`
    pub artifacts_table_name: String,
    /// KMS key ARN: `ArtifactsCatalogKMS`
    pub data_kms_key_arn: String,
    /// DynamoDB table name: `IdempotencyTableAccess`
    pub idempotency_table_name: String,
    /// DynamoDB table name: `EvaluationTableAccess`
    pub evaluation_table_name: String,
}

/// The production profile: the ARNs the agents' Bedrock and AgentCore grants are scoped to
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductionProfile {
    /// Bedrock model, inference-profile or provisioned-model ARNs (`BedrockInvoke`)
    pub bedrock_model_arns: Vec<String>,
    /// AgentCore resource ARNs: memories, gateways, workload identities (`AgentCoreActions`)
    pub agentcore_resource_arns: Vec<String>,
}

impl PlatformSpec {
    /// The reference platform of docs/platform.md (the content of `policies/platform.json`)
    pub fn reference() -> Self {
        let account = "111122223333";
        let key_arn = |id: &str| format!("arn:aws:kms:us-east-1:{account}:key/{id}");
        let kms_keys = KmsKeyIds {
            data: "0d7f3c2a-1b4e-4c6d-9a8b-2e5f7a9c1d01".into(),
            storage: "0d7f3c2a-1b4e-4c6d-9a8b-2e5f7a9c1d02".into(),
            secrets: "0d7f3c2a-1b4e-4c6d-9a8b-2e5f7a9c1d03".into(),
            platform_artifacts: "0d7f3c2a-1b4e-4c6d-9a8b-2e5f7a9c1d04".into(),
            domain_artifacts: "0d7f3c2a-1b4e-4c6d-9a8b-2e5f7a9c1d05".into(),
            gateway: "0d7f3c2a-1b4e-4c6d-9a8b-2e5f7a9c1d06".into(),
        };
        let research = AgentSpec {
            artifacts_bucket_arn: "arn:aws:s3:::acme-dev-artifacts".into(),
            extra_s3_read_bucket_arns: vec!["arn:aws:s3:::acme-dev-datasets".into()],
            platform_artifacts_kms_key_arn: key_arn(&kms_keys.platform_artifacts),
            prompt_registry_function_arn: format!(
                "arn:aws:lambda:us-east-1:{account}:function:acme-dev-prompt-registry"
            ),
            idempotency_table_name: "acme-dev-idempotency".into(),
            evaluation_table_name: "acme-dev-evaluations".into(),
            ..AgentSpec::default()
        };
        let support = AgentSpec {
            domain_artifacts_kms_key_arn: key_arn(&kms_keys.domain_artifacts),
            storage_kms_key_arn: key_arn(&kms_keys.storage),
            artifacts_table_name: "acme-dev-artifacts-catalog".into(),
            data_kms_key_arn: key_arn(&kms_keys.data),
            ..AgentSpec::default()
        };
        let agents = [
            ("research", research),
            ("support", support),
            ("billing", AgentSpec::default()),
            ("research-v2", AgentSpec::default()),
        ]
        .into_iter()
        .map(|(key, agent)| (key.to_owned(), agent))
        .collect();
        Self {
            prefix: "acme".into(),
            env: "dev".into(),
            account_id: account.into(),
            region: "us-east-1".into(),
            ssm_root_path: "/acme/dev".into(),
            cognito: CognitoSpec {
                enabled: true,
                oauth2_credential_provider_name: "acme-dev-gateway-m2m".into(),
            },
            kms_keys,
            agents,
            production: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agents_keep_file_order() {
        let keys: Vec<_> = PlatformSpec::reference().agents.into_keys().collect();
        assert_eq!(keys, ["research", "support", "billing", "research-v2"]);
    }
}
