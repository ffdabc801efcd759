//! The agent role's inline policy `agent` (docs/platform.md, "The reference platform and its module rules"): the statements every
//! agent has, then one statement per optional variable, only when that variable is set.

use serde_json::Value;

use super::document::allow;
use super::spec::{AgentSpec, PlatformSpec, ProductionProfile};

/// The actions of `BedrockInvoke` under the production profile: model invocation, streaming
/// included (Converse and ConverseStream are authorized by these two), as in the execution role
/// of <https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/runtime-permissions.html>.
pub const PRODUCTION_BEDROCK_ACTIONS: [&str; 2] = [
    "bedrock:InvokeModel",
    "bedrock:InvokeModelWithResponseStream",
];

/// The actions of `AgentCoreActions` under the production profile: what agent code calls at
/// run time. Workload access tokens (but not `GetWorkloadAccessTokenForUserId`, which AWS
/// advises denying when a JWT is available, see the runtime permissions page above), short-term
/// memory events, long-term memory retrieval and gateway invocation
/// (<https://docs.aws.amazon.com/service-authorization/latest/reference/list_bedrock-agentcore.html>).
pub const PRODUCTION_AGENTCORE_ACTIONS: [&str; 7] = [
    "bedrock-agentcore:GetWorkloadAccessToken",
    "bedrock-agentcore:GetWorkloadAccessTokenForJWT",
    "bedrock-agentcore:CreateEvent",
    "bedrock-agentcore:GetEvent",
    "bedrock-agentcore:ListEvents",
    "bedrock-agentcore:RetrieveMemoryRecords",
    "bedrock-agentcore:InvokeGateway",
];

/// The Sids of the agent policy, in the order they appear (when present)
pub const AGENT_SIDS: [&str; 18] = [
    "BedrockInvoke",
    "AgentCoreActions",
    "EcrAuth",
    "EcrPull",
    "CloudWatchLogs",
    "XRayTracing",
    "EvaluationAndGatewayRoleAccess",
    "SsmParameterRead",
    "ArtifactsBucketAccess",
    "ExtraS3ReadAccess",
    "PlatformKmsDecrypt",
    "DomainKmsDecrypt",
    "StorageKmsAccess",
    "PromptRegistryInvoke",
    "ArtifactsCatalogAccess",
    "ArtifactsCatalogKMS",
    "IdempotencyTableAccess",
    "EvaluationTableAccess",
];

const KMS_DECRYPT: [&str; 2] = ["kms:Decrypt", "kms:GenerateDataKey"];

/// The statements of agent `key`'s inline policy `agent`
pub(crate) fn statements(spec: &PlatformSpec, key: &str, agent: &AgentSpec) -> Vec<Value> {
    let mut out = fixed(spec, key);
    storage(agent, &mut out);
    registry_and_tables(spec, agent, &mut out);
    out
}

/// The statements every agent has
fn fixed(spec: &PlatformSpec, key: &str) -> Vec<Value> {
    vec![
        bedrock(spec.production.as_ref()),
        agentcore(spec.production.as_ref()),
        allow("EcrAuth", &["ecr:GetAuthorizationToken"], &["*"]),
        allow(
            "EcrPull",
            &["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            &[spec.agent_repository_arn(key)],
        ),
        allow(
            "CloudWatchLogs",
            &[
                "logs:CreateLogGroup",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
                "logs:Describe*",
            ],
            &spec.agent_log_group_arns(key),
        ),
        allow(
            "XRayTracing",
            &["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
            &["*"],
        ),
        allow(
            "EvaluationAndGatewayRoleAccess",
            &["iam:GetRole", "iam:PassRole"],
            &[
                spec.role_arn("AgentCoreEvalsSDK-*"),
                spec.gateway_role_arn(),
            ],
        ),
        allow(
            "SsmParameterRead",
            &["ssm:GetParameter", "ssm:GetParametersByPath"],
            &spec.ssm_parameter_arns(),
        ),
    ]
}

/// The S3 and KMS statements of the variables that are set: artifacts bucket, extra read
/// buckets, platform/domain/storage keys
fn storage(agent: &AgentSpec, out: &mut Vec<Value>) {
    let bucket = &agent.artifacts_bucket_arn;
    if !bucket.is_empty() {
        let actions = ["s3:GetObject", "s3:PutObject", "s3:ListBucket"];
        out.push(allow(
            "ArtifactsBucketAccess",
            &actions,
            &bucket_and_objects(bucket),
        ));
    }
    if !agent.extra_s3_read_bucket_arns.is_empty() {
        let resources: Vec<String> = agent
            .extra_s3_read_bucket_arns
            .iter()
            .flat_map(|b| bucket_and_objects(b))
            .collect();
        let actions = ["s3:GetObject", "s3:ListBucket"];
        out.push(allow("ExtraS3ReadAccess", &actions, &resources));
    }
    let keys = [
        ("PlatformKmsDecrypt", &agent.platform_artifacts_kms_key_arn),
        ("DomainKmsDecrypt", &agent.domain_artifacts_kms_key_arn),
        ("StorageKmsAccess", &agent.storage_kms_key_arn),
    ];
    for (sid, key_arn) in keys {
        if !key_arn.is_empty() {
            out.push(allow(sid, &KMS_DECRYPT, &[key_arn]));
        }
    }
}

/// The statements of the variables that are set: prompt registry, artifacts catalog table and
/// its key, idempotency and evaluation tables
fn registry_and_tables(spec: &PlatformSpec, agent: &AgentSpec, out: &mut Vec<Value>) {
    let function = &agent.prompt_registry_function_arn;
    if !function.is_empty() {
        out.push(allow(
            "PromptRegistryInvoke",
            &["lambda:InvokeFunction"],
            &[function],
        ));
    }
    let catalog = &agent.artifacts_table_name;
    if !catalog.is_empty() {
        let table = [spec.table_arn(catalog)];
        out.push(allow(
            "ArtifactsCatalogAccess",
            &["dynamodb:PutItem"],
            &table,
        ));
    }
    let data_key = &agent.data_kms_key_arn;
    if !data_key.is_empty() {
        let actions = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"];
        out.push(allow("ArtifactsCatalogKMS", &actions, &[data_key]));
    }
    let tables = [
        (
            "IdempotencyTableAccess",
            &agent.idempotency_table_name,
            [
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:DeleteItem",
            ],
        ),
        (
            "EvaluationTableAccess",
            &agent.evaluation_table_name,
            ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query"],
        ),
    ];
    for (sid, table, actions) in tables {
        if !table.is_empty() {
            out.push(allow(sid, &actions, &[spec.table_arn(table)]));
        }
    }
}

/// A bucket ARN and the ARN of all its objects
fn bucket_and_objects(bucket: &str) -> [String; 2] {
    [bucket.to_owned(), format!("{bucket}/*")]
}

/// `BedrockInvoke`: `bedrock:*` on `*`, or model invocation on the production model ARNs
fn bedrock(production: Option<&ProductionProfile>) -> Value {
    match production {
        None => allow("BedrockInvoke", &["bedrock:*"], &["*"]),
        Some(p) => allow(
            "BedrockInvoke",
            &PRODUCTION_BEDROCK_ACTIONS,
            &p.bedrock_model_arns,
        ),
    }
}

/// `AgentCoreActions`: `bedrock-agentcore:*` on `*`, or the run-time actions on the
/// production AgentCore ARNs
fn agentcore(production: Option<&ProductionProfile>) -> Value {
    match production {
        None => allow("AgentCoreActions", &["bedrock-agentcore:*"], &["*"]),
        Some(p) => allow(
            "AgentCoreActions",
            &PRODUCTION_AGENTCORE_ACTIONS,
            &p.agentcore_resource_arns,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sids(statements: &[Value]) -> Vec<&str> {
        statements
            .iter()
            .map(|s| s["Sid"].as_str().unwrap())
            .collect()
    }

    #[test]
    fn unset_variables_give_only_the_fixed_statements() {
        let spec = PlatformSpec::reference();
        let out = statements(&spec, "billing", &AgentSpec::default());
        assert_eq!(sids(&out), AGENT_SIDS[..8]);
    }

    #[test]
    fn every_variable_set_gives_every_statement_in_order() {
        let spec = PlatformSpec::reference();
        let mut agent = spec.agents["research"].clone();
        let support = &spec.agents["support"];
        agent.domain_artifacts_kms_key_arn = support.domain_artifacts_kms_key_arn.clone();
        agent.storage_kms_key_arn = support.storage_kms_key_arn.clone();
        agent.artifacts_table_name = support.artifacts_table_name.clone();
        agent.data_kms_key_arn = support.data_kms_key_arn.clone();
        assert_eq!(sids(&statements(&spec, "research", &agent)), AGENT_SIDS);
    }

    #[test]
    fn production_scopes_bedrock_to_models() {
        let models = vec!["arn:aws:bedrock:us-east-1::foundation-model/m".to_owned()];
        let production = ProductionProfile {
            bedrock_model_arns: models,
            agentcore_resource_arns: vec![],
        };
        assert_eq!(
            bedrock(Some(&production)),
            json!({
                "Sid": "BedrockInvoke",
                "Effect": "Allow",
                "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
                "Resource": "arn:aws:bedrock:us-east-1::foundation-model/m"
            })
        );
    }
}
