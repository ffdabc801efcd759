//! The committed reference platform (`policies/`) against the generator, the statements each
//! agent variable drives, and the errors of invalid specs.
//!
//! `IAMSIM_BLESS=1 cargo test --test platform_files` rewrites the committed files instead of
//! comparing them.
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers outside #[test] functions fail loudly by design"
)]

use iamsim::platform::{
    generate, is_generated_path, write_inventory, AgentSpec, PlatformSpec, ProductionProfile,
    AGENT_SIDS,
};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn policies_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("policies")
}

#[test]
fn platform_json_is_the_reference_platform() {
    let spec = PlatformSpec::load(policies_dir().join("platform.json")).unwrap();
    assert_eq!(spec, PlatformSpec::reference());
}

#[test]
fn committed_files_match_the_generator() {
    let dir = policies_dir();
    let spec = PlatformSpec::load(dir.join("platform.json")).unwrap();
    let files = generate(&spec).unwrap();
    if std::env::var_os("IAMSIM_BLESS").is_some() {
        write_inventory(&dir, &files).unwrap();
        return;
    }
    let mut problems = Vec::new();
    for (relative, document) in &files {
        let expected = format!("{}\n", serde_json::to_string_pretty(document).unwrap());
        match std::fs::read_to_string(dir.join(relative)) {
            Ok(actual) if actual == expected => {}
            Ok(_) => problems.push(format!("{} differs", relative.display())),
            Err(e) => problems.push(format!("{}: {e}", relative.display())),
        }
    }
    for folder in ["roles", "resources"] {
        for entry in std::fs::read_dir(dir.join(folder)).unwrap() {
            let relative = Path::new(folder).join(entry.unwrap().file_name());
            if is_generated_path(&relative, &spec.name_prefix()) && !files.contains_key(&relative) {
                problems.push(format!("{} is stale", relative.display()));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "policies/ is out of date (run `IAMSIM_BLESS=1 cargo test --test platform_files`):\n{}",
        problems.join("\n")
    );
}

#[test]
fn write_inventory_removes_only_stale_generated_files() {
    let dir = std::env::temp_dir().join(format!("iamsim-platform-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("roles")).unwrap();
    for name in [
        "roles/acme-dev-agent-old.json",
        "roles/ci-deployer.json",
        "platform.json",
    ] {
        std::fs::write(dir.join(name), "{}\n").unwrap();
    }
    let files = generate(&PlatformSpec::reference()).unwrap();
    write_inventory(&dir, &files).unwrap();
    assert!(!dir.join("roles/acme-dev-agent-old.json").exists());
    assert!(dir.join("roles/ci-deployer.json").exists());
    assert!(dir.join("platform.json").exists());
    let gateway = std::fs::read_to_string(dir.join("roles/acme-dev-gateway.json")).unwrap();
    assert!(gateway.ends_with("}\n"));
    assert!(
        gateway.starts_with("{\n  \"arn\": \"arn:aws:iam::111122223333:role/acme-dev-gateway\",")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The agent policy of `billing` after `set` changes its variables
fn agent_policy(set: impl FnOnce(&mut AgentSpec)) -> Vec<Value> {
    let mut spec = PlatformSpec::reference();
    set(spec.agents.get_mut("billing").unwrap());
    let files = generate(&spec).unwrap();
    let role = &files[&spec.agent_role_file("billing")];
    role["inline_policies"]["agent"]["Statement"]
        .as_array()
        .unwrap()
        .clone()
}

fn sids(statements: &[Value]) -> Vec<&str> {
    statements
        .iter()
        .map(|s| s["Sid"].as_str().unwrap())
        .collect()
}

const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/0d7f3c2a-1b4e-4c6d-9a8b-2e5f7a9c1d09";

#[test]
fn each_variable_adds_exactly_its_statement() {
    let table = "arn:aws:dynamodb:us-east-1:111122223333:table/t-1";
    type Setter = fn(&mut AgentSpec);
    let cases: [(Setter, &str, Value); 10] = [
        (
            |a| a.artifacts_bucket_arn = "arn:aws:s3:::b-1".into(),
            "ArtifactsBucketAccess",
            json!({"Sid": "ArtifactsBucketAccess", "Effect": "Allow",
                   "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                   "Resource": ["arn:aws:s3:::b-1", "arn:aws:s3:::b-1/*"]}),
        ),
        (
            |a| {
                a.extra_s3_read_bucket_arns =
                    vec!["arn:aws:s3:::b-2".into(), "arn:aws:s3:::b-3".into()]
            },
            "ExtraS3ReadAccess",
            json!({"Sid": "ExtraS3ReadAccess", "Effect": "Allow",
                   "Action": ["s3:GetObject", "s3:ListBucket"],
                   "Resource": ["arn:aws:s3:::b-2", "arn:aws:s3:::b-2/*",
                                "arn:aws:s3:::b-3", "arn:aws:s3:::b-3/*"]}),
        ),
        (
            |a| a.platform_artifacts_kms_key_arn = KEY.into(),
            "PlatformKmsDecrypt",
            json!({"Sid": "PlatformKmsDecrypt", "Effect": "Allow",
                   "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": KEY}),
        ),
        (
            |a| a.domain_artifacts_kms_key_arn = KEY.into(),
            "DomainKmsDecrypt",
            json!({"Sid": "DomainKmsDecrypt", "Effect": "Allow",
                   "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": KEY}),
        ),
        (
            |a| a.storage_kms_key_arn = KEY.into(),
            "StorageKmsAccess",
            json!({"Sid": "StorageKmsAccess", "Effect": "Allow",
                   "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": KEY}),
        ),
        (
            |a| {
                a.prompt_registry_function_arn =
                    "arn:aws:lambda:us-east-1:111122223333:function:f-1".into()
            },
            "PromptRegistryInvoke",
            json!({"Sid": "PromptRegistryInvoke", "Effect": "Allow",
                   "Action": "lambda:InvokeFunction",
                   "Resource": "arn:aws:lambda:us-east-1:111122223333:function:f-1"}),
        ),
        (
            |a| a.artifacts_table_name = "t-1".into(),
            "ArtifactsCatalogAccess",
            json!({"Sid": "ArtifactsCatalogAccess", "Effect": "Allow",
                   "Action": "dynamodb:PutItem", "Resource": table}),
        ),
        (
            |a| a.data_kms_key_arn = KEY.into(),
            "ArtifactsCatalogKMS",
            json!({"Sid": "ArtifactsCatalogKMS", "Effect": "Allow",
                   "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
                   "Resource": KEY}),
        ),
        (
            |a| a.idempotency_table_name = "t-1".into(),
            "IdempotencyTableAccess",
            json!({"Sid": "IdempotencyTableAccess", "Effect": "Allow",
                   "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
                   "Resource": table}),
        ),
        (
            |a| a.evaluation_table_name = "t-1".into(),
            "EvaluationTableAccess",
            json!({"Sid": "EvaluationTableAccess", "Effect": "Allow",
                   "Action": ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query"],
                   "Resource": table}),
        ),
    ];
    let fixed = &AGENT_SIDS[..8];
    assert_eq!(sids(&agent_policy(|_| {})), fixed);
    for (set, sid, expected) in cases {
        let statements = agent_policy(set);
        let mut want = fixed.to_vec();
        want.push(sid);
        assert_eq!(sids(&statements), want, "{sid}");
        assert_eq!(statements[8], expected, "{sid}");
    }
}

#[test]
fn fixed_agent_statements_of_the_reference() {
    let statements = agent_policy(|_| {});
    let base = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/bedrock-agentcore";
    assert_eq!(
        statements[..8],
        [
            json!({"Sid": "BedrockInvoke", "Effect": "Allow", "Action": "bedrock:*", "Resource": "*"}),
            json!({"Sid": "AgentCoreActions", "Effect": "Allow", "Action": "bedrock-agentcore:*", "Resource": "*"}),
            json!({"Sid": "EcrAuth", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}),
            json!({"Sid": "EcrPull", "Effect": "Allow",
                   "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                   "Resource": "arn:aws:ecr:us-east-1:111122223333:repository/acme-dev-billing"}),
            json!({"Sid": "CloudWatchLogs", "Effect": "Allow",
                   "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:Describe*"],
                   "Resource": [format!("{base}/acme-dev-billing*"), format!("{base}/runtimes/billing"),
                                format!("{base}/runtimes/billing:*")]}),
            json!({"Sid": "XRayTracing", "Effect": "Allow",
                   "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": "*"}),
            json!({"Sid": "EvaluationAndGatewayRoleAccess", "Effect": "Allow",
                   "Action": ["iam:GetRole", "iam:PassRole"],
                   "Resource": ["arn:aws:iam::111122223333:role/AgentCoreEvalsSDK-*",
                                "arn:aws:iam::111122223333:role/acme-dev-gateway"]}),
            json!({"Sid": "SsmParameterRead", "Effect": "Allow",
                   "Action": ["ssm:GetParameter", "ssm:GetParametersByPath"],
                   "Resource": ["arn:aws:ssm:us-east-1:111122223333:parameter/acme/dev",
                                "arn:aws:ssm:us-east-1:111122223333:parameter/acme/dev/*"]}),
        ]
    );
}

#[test]
fn production_profile_scopes_bedrock_and_agentcore() {
    let mut spec = PlatformSpec::reference();
    let model = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku";
    let memory = "arn:aws:bedrock-agentcore:us-east-1:111122223333:memory/m-1";
    spec.production = Some(ProductionProfile {
        bedrock_model_arns: vec![model.into()],
        agentcore_resource_arns: vec![memory.into()],
    });
    let files = generate(&spec).unwrap();
    let statements =
        &files[&spec.agent_role_file("billing")]["inline_policies"]["agent"]["Statement"];
    assert_eq!(statements[0]["Resource"], model);
    assert_eq!(statements[1]["Resource"], memory);
    assert_eq!(
        statements[1]["Action"][0],
        "bedrock-agentcore:GetWorkloadAccessToken"
    );
    let text = serde_json::to_string(statements).unwrap();
    assert!(!text.contains("\"bedrock:*\"") && !text.contains("\"bedrock-agentcore:*\""));
}

/// Every action the generator writes, with or without the production profile, is an action of
/// AWS's Service Authorization Reference (the embedded catalog), so no generated statement can
/// silently grant nothing through a misspelt action name.
#[test]
fn every_generated_action_is_in_the_aws_catalog() {
    let catalog = iamsim::catalog::Catalog::embedded();
    let mut production = PlatformSpec::reference();
    production.production = Some(ProductionProfile {
        bedrock_model_arns: vec!["arn:aws:bedrock:us-east-1::foundation-model/*".into()],
        agentcore_resource_arns: vec!["arn:aws:bedrock-agentcore:us-east-1:111122223333:*".into()],
    });
    let mut checked = 0;
    for spec in [PlatformSpec::reference(), production] {
        for (path, file) in generate(&spec).unwrap() {
            let mut actions = Vec::new();
            collect_actions(&file, &mut actions);
            for action in actions {
                assert!(
                    !catalog.expand(&action).is_empty(),
                    "{}: `{action}` names no action in the AWS catalog",
                    path.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} actions were checked");
}

/// Every string under an `Action` or `NotAction` key anywhere in `v`.
fn collect_actions(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                if k == "Action" || k == "NotAction" {
                    match x {
                        Value::String(s) => out.push(s.clone()),
                        Value::Array(items) => {
                            out.extend(items.iter().filter_map(Value::as_str).map(String::from))
                        }
                        _ => {}
                    }
                } else {
                    collect_actions(x, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|x| collect_actions(x, out)),
        _ => {}
    }
}

/// The reference spec as JSON, changed by `edit`, then read back: the error message
fn error_after(edit: impl FnOnce(&mut Value)) -> String {
    let mut value = serde_json::to_value(PlatformSpec::reference()).unwrap();
    edit(&mut value);
    let text = serde_json::to_string_pretty(&value).unwrap();
    PlatformSpec::from_json(&text, "policies/platform.json")
        .unwrap_err()
        .to_string()
}

#[test]
fn invalid_specs_give_exact_errors() {
    type Edit = Box<dyn FnOnce(&mut Value)>;
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|v| v["account_id"] = json!("11112222333")),
            "policies/platform.json: account_id: account id `11112222333` is not 12 digits",
        ),
        (
            Box::new(|v| v["agents"]["research"]["artifacts_bucket_arn"] = json!("arn:aws:s3:::Bad_Bucket")),
            "policies/platform.json: agents.research.artifacts_bucket_arn: `arn:aws:s3:::Bad_Bucket` is not an S3 bucket ARN (`arn:aws:s3:::<bucket>`)",
        ),
        (
            Box::new(|v| v["agents"]["research"]["extra_s3_read_bucket_arns"] = json!(["arn:aws:s3:::ok-bucket", "arn:aws:kms:::x"])),
            "policies/platform.json: agents.research.extra_s3_read_bucket_arns[1]: `arn:aws:kms:::x` is not an S3 bucket ARN (`arn:aws:s3:::<bucket>`)",
        ),
        (
            Box::new(|v| v["agents"]["support"]["storage_kms_key_arn"] = json!("arn:aws:kms:us-east-1:111122223333:alias/acme-dev-storage")),
            "policies/platform.json: agents.support.storage_kms_key_arn: `arn:aws:kms:us-east-1:111122223333:alias/acme-dev-storage` is not a KMS key ARN (`arn:aws:kms:<region>:<account>:key/<key-id>`)",
        ),
        (
            Box::new(|v| v["agents"]["research"]["prompt_registry_function_arn"] = json!("acme-dev-prompt-registry")),
            "policies/platform.json: agents.research.prompt_registry_function_arn: `acme-dev-prompt-registry` is not a Lambda function ARN (`arn:aws:lambda:<region>:<account>:function:<name>`)",
        ),
        (
            Box::new(|v| v["agents"]["research"]["idempotency_table_name"] = json!("t")),
            "policies/platform.json: agents.research.idempotency_table_name: `t` is not a DynamoDB table name (3-255 letters, digits, `_`, `-` and `.`)",
        ),
        (
            Box::new(|v| v["agents"]["x".repeat(50)] = json!({})),
            "policies/platform.json: agents.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx: agent key `xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx` does not form a valid IAM role name: role name `acme-dev-agent-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx` is 65 characters, more than 64",
        ),
        (
            Box::new(|v| v["agents"]["research*"] = json!({})),
            "policies/platform.json: agents.research*: agent key `research*` does not form a valid IAM role name: `*` is not allowed (letters, digits and `+=,.@_-` only)",
        ),
        (
            Box::new(|v| v["agents"]["Billing"] = json!({})),
            "policies/platform.json: agents.Billing: agent key `Billing` and `billing` give the same IAM role name (role names are case-insensitive)",
        ),
        (
            Box::new(|v| v["agents"]["billing"]["bucket"] = json!("x")),
            "policies/platform.json: agents.billing.bucket: unknown field `bucket`, expected one of `artifacts_bucket_arn`, `extra_s3_read_bucket_arns`, `platform_artifacts_kms_key_arn`, `domain_artifacts_kms_key_arn`, `storage_kms_key_arn`, `prompt_registry_function_arn`, `artifacts_table_name`, `data_kms_key_arn`, `idempotency_table_name`, `evaluation_table_name`",
        ),
        (
            Box::new(|v| v["agents"]["billing"]["evaluation_table_name"] = json!(null)),
            "policies/platform.json: agents.billing.evaluation_table_name: expected a string, found null",
        ),
        (
            Box::new(|v| { v.as_object_mut().unwrap().remove("region"); }),
            "policies/platform.json: missing field `region`",
        ),
        (
            Box::new(|v| v["kms_keys"]["gateway"] = json!("alias/acme-dev-gateway")),
            "policies/platform.json: kms_keys.gateway: `alias/acme-dev-gateway` is not a KMS key id (a UUID, or `mrk-` and 32 hex digits)",
        ),
        (
            Box::new(|v| v["cognito"]["oauth2_credential_provider_name"] = json!("")),
            "policies/platform.json: cognito.oauth2_credential_provider_name: cognito is enabled but `oauth2_credential_provider_name` is empty",
        ),
        (
            Box::new(|v| v["production"] = json!({"bedrock_model_arns": [], "agentcore_resource_arns": []})),
            "policies/platform.json: production.bedrock_model_arns: the list is empty; give at least one ARN",
        ),
        (
            Box::new(|v| v["production"] = json!({"bedrock_model_arns": ["arn:aws:s3:::m"], "agentcore_resource_arns": []})),
            "policies/platform.json: production.bedrock_model_arns[0]: `arn:aws:s3:::m` is not a Bedrock ARN (`arn:aws:bedrock:<region>:<account>:<resource>`)",
        ),
    ];
    let mut failures = Vec::new();
    for (edit, expected) in cases {
        let actual = error_after(edit);
        if actual != expected {
            failures.push(format!("expected: {expected}\n  actual: {actual}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn duplicate_agent_keys_are_an_error() {
    let text = r#"{"agents": {"research": {}, "support": {}, "research": {}}}"#;
    assert_eq!(
        PlatformSpec::from_json(text, "p.json")
            .unwrap_err()
            .to_string(),
        "p.json: agents: duplicate key `research`"
    );
}

#[test]
fn unknown_top_level_field_is_an_error() {
    let error = error_after(|v| v["acount_id"] = json!("111122223333"));
    assert!(
        error.starts_with("policies/platform.json: acount_id: unknown field `acount_id`, expected one of `prefix`,"),
        "{error}"
    );
}
