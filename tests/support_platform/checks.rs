//! The invariants of docs/platform-invariants.md as functions: each decides every request of
//! its invariant on one platform's engine and returns the number decided, or every wrong
//! decision.

use std::collections::BTreeSet;

use iamsim::engine::Engine;
use iamsim::platform::{KmsKey, PlatformSpec};
use iamsim::request::Request;

use super::{
    agent, bucket_arn, function_arn, glob, other_account, other_region, principal, resolve,
    Checker, BUCKETS, FUNCTIONS, MODELS, OTHER_MODELS, PROVIDERS, TABLES,
};

/// One check: the requests it decided, or every wrong decision
pub type Outcome = Result<usize, String>;

const ECR_PULL: [&str; 2] = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];
const LOG_WRITE: [&str; 3] = [
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "logs:CreateLogGroup",
];
const AGENTCORE: &str = "bedrock-agentcore.amazonaws.com";

pub fn log_group(spec: &PlatformSpec, name: &str) -> String {
    format!(
        "arn:aws:logs:{}:{}:log-group:{name}",
        spec.region, spec.account_id
    )
}

/// The ARNs that name log group `name` in requests: the group, its `:*` form, and a stream
pub fn log_group_forms(spec: &PlatformSpec, name: &str) -> [String; 3] {
    let group = log_group(spec, name);
    [
        group.clone(),
        format!("{group}:*"),
        format!("{group}:log-stream:s-1"),
    ]
}

pub fn no_agent_pulls_another_agents_image(spec: &PlatformSpec, engine: &Engine) -> Outcome {
    let mut checks = Checker::new(engine);
    for a in spec.agents.keys() {
        let caller = agent(spec, a);
        for b in spec.agents.keys() {
            for action in ECR_PULL {
                checks.expect(&caller, action, &spec.agent_repository_arn(b), a == b);
            }
        }
    }
    checks.finish()
}

pub fn no_agent_writes_another_agents_runtime_logs(
    spec: &PlatformSpec,
    engine: &Engine,
) -> Outcome {
    let mut checks = Checker::new(engine);
    for a in spec.agents.keys() {
        let caller = agent(spec, a);
        for b in spec.agents.keys() {
            let name = format!("/aws/bedrock-agentcore/runtimes/{b}");
            for resource in log_group_forms(spec, &name) {
                for action in LOG_WRITE {
                    checks.expect(&caller, action, &resource, a == b);
                }
            }
        }
    }
    checks.finish()
}

/// Agent `a` may write agent `b`'s `<name_prefix>-<b>` log group exactly when `b` starts with `a`
/// (the `<name_prefix>-<a>*` scope): a documented leak, pinned both ways.
pub fn log_group_scope_leaks_iff_key_extends_another(
    spec: &PlatformSpec,
    engine: &Engine,
) -> Outcome {
    let mut checks = Checker::new(engine);
    let np = spec.name_prefix();
    for a in spec.agents.keys() {
        let caller = agent(spec, a);
        for b in spec.agents.keys() {
            let name = format!("/aws/bedrock-agentcore/{np}-{b}");
            for resource in log_group_forms(spec, &name) {
                for action in LOG_WRITE {
                    checks.expect(&caller, action, &resource, b.starts_with(a.as_str()));
                }
            }
        }
    }
    checks.finish()
}

const S3_ACTIONS: [&str; 3] = ["s3:GetObject", "s3:PutObject", "s3:ListBucket"];
const KMS_ACTIONS: [&str; 5] = [
    "kms:Decrypt",
    "kms:GenerateDataKey",
    "kms:Encrypt",
    "kms:DescribeKey",
    "kms:ReEncryptFrom",
];
const DYNAMODB_ACTIONS: [&str; 5] = [
    "dynamodb:PutItem",
    "dynamodb:GetItem",
    "dynamodb:DeleteItem",
    "dynamodb:Query",
    "dynamodb:Scan",
];

/// Every statement driven by a variable grants its actions exactly when the variable is set,
/// on exactly the resource it names: S3 buckets, KMS keys (key ARN and alias, through the key
/// policy), the prompt-registry function and DynamoDB tables.
pub fn conditional_permissions_iff_variable_set(spec: &PlatformSpec, engine: &Engine) -> Outcome {
    let mut checks = Checker::new(engine);
    // The pools plus every value some agent names, so each agent is also asked about the
    // resources of the others.
    let mut buckets: BTreeSet<String> = BUCKETS.iter().map(|b| bucket_arn(b)).collect();
    let mut functions: BTreeSet<String> = FUNCTIONS.iter().map(|f| function_arn(spec, f)).collect();
    let mut tables: BTreeSet<String> = TABLES.iter().map(|t| resolve(spec, t)).collect();
    for vars in spec.agents.values() {
        buckets.insert(vars.artifacts_bucket_arn.clone());
        buckets.extend(vars.extra_s3_read_bucket_arns.iter().cloned());
        functions.insert(vars.prompt_registry_function_arn.clone());
        tables.insert(vars.artifacts_table_name.clone());
        tables.insert(vars.idempotency_table_name.clone());
        tables.insert(vars.evaluation_table_name.clone());
    }
    for set in [&mut buckets, &mut functions, &mut tables] {
        set.remove("");
    }
    for (key, vars) in &spec.agents {
        let caller = agent(spec, key);
        for bucket in &buckets {
            let full = &vars.artifacts_bucket_arn == bucket;
            let read = full || vars.extra_s3_read_bucket_arns.contains(bucket);
            for resource in [bucket.clone(), format!("{bucket}/docs/a.txt")] {
                for action in S3_ACTIONS {
                    let allow = full || (read && action != "s3:PutObject");
                    checks.expect(&caller, action, &resource, allow);
                }
            }
        }
        for k in KmsKey::ALL {
            let arn = spec.kms_key_arn(k);
            let decrypt = [
                &vars.platform_artifacts_kms_key_arn,
                &vars.domain_artifacts_kms_key_arn,
                &vars.storage_kms_key_arn,
            ]
            .contains(&&arn);
            let catalog = vars.data_kms_key_arn == arn;
            for resource in [arn.clone(), spec.kms_alias_arn(k)] {
                for action in KMS_ACTIONS {
                    let allow = match action {
                        "kms:Decrypt" | "kms:GenerateDataKey" => decrypt || catalog,
                        "kms:Encrypt" => catalog,
                        _ => false,
                    };
                    checks.expect(&caller, action, &resource, allow);
                }
            }
        }
        for function in &functions {
            let allow = &vars.prompt_registry_function_arn == function;
            checks.expect(&caller, "lambda:InvokeFunction", function, allow);
        }
        for table in &tables {
            let arn = spec.table_arn(table);
            for action in DYNAMODB_ACTIONS {
                let catalog = &vars.artifacts_table_name == table && action == "dynamodb:PutItem";
                let idempotency = &vars.idempotency_table_name == table
                    && [
                        "dynamodb:GetItem",
                        "dynamodb:PutItem",
                        "dynamodb:DeleteItem",
                    ]
                    .contains(&action);
                let evaluation = &vars.evaluation_table_name == table
                    && ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query"].contains(&action);
                checks.expect(&caller, action, &arn, catalog || idempotency || evaluation);
            }
        }
    }
    checks.finish()
}

/// Agents pass and read only `AgentCoreEvalsSDK-*` roles and the gateway role, and read SSM
/// parameters only at or under the platform path (not `<path>il`, `<path>-x` or the parent).
pub fn agents_reach_only_allowed_roles_and_parameters(
    spec: &PlatformSpec,
    engine: &Engine,
) -> Outcome {
    let mut checks = Checker::new(engine);
    let np = spec.name_prefix();
    let other = other_account(spec);
    let mut roles: Vec<(String, bool)> = vec![
        (spec.role_arn("AgentCoreEvalsSDK-eval"), true),
        (spec.role_arn("AgentCoreEvalsSDK-"), true),
        (spec.gateway_role_arn(), true),
        (spec.role_arn("AgentCoreEvalsSDK"), false),
        (spec.role_arn("XAgentCoreEvalsSDK-eval"), false),
        (spec.role_arn("service-role/AgentCoreEvalsSDK-eval"), false),
        (spec.role_arn(&format!("{np}-gateway-2")), false),
        (
            spec.role_arn(&format!("{}-other-gateway", spec.prefix)),
            false,
        ),
        (spec.role_arn("admin"), false),
        (
            format!("arn:aws:iam::{other}:role/AgentCoreEvalsSDK-eval"),
            false,
        ),
        (
            format!("arn:aws:iam::{other}:role/{}", spec.gateway_role_name()),
            false,
        ),
    ];
    roles.extend(spec.agents.keys().map(|k| (spec.agent_role_arn(k), false)));
    let root = &spec.ssm_root_path;
    let parameter = |account: &str, region: &str, name: &str| {
        format!("arn:aws:ssm:{region}:{account}:parameter{name}")
    };
    let (account, region) = (spec.account_id.as_str(), spec.region.as_str());
    let parent = root.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
    let parameters = [
        (parameter(account, region, root), true),
        (parameter(account, region, &format!("{root}/x")), true),
        (parameter(account, region, &format!("{root}/x/y")), true),
        (parameter(account, region, &format!("{root}il")), false),
        (parameter(account, region, &format!("{root}il/x")), false),
        (parameter(account, region, &format!("{root}-x")), false),
        (
            parameter(account, region, &format!("{parent}/other")),
            false,
        ),
        (parameter(account, region, "/other"), false),
        (parameter(&other, region, root), false),
        (
            parameter(account, other_region(spec), &format!("{root}/x")),
            false,
        ),
    ];
    for key in spec.agents.keys() {
        let caller = agent(spec, key);
        for (role, allow) in &roles {
            for action in ["iam:PassRole", "iam:GetRole"] {
                checks.expect(&caller, action, role, *allow);
            }
        }
        for (arn, allow) in &parameters {
            for action in ["ssm:GetParameter", "ssm:GetParametersByPath"] {
                checks.expect(&caller, action, arn, *allow);
            }
        }
    }
    checks.finish()
}

const GATEWAY_AGENTCORE: [(&str, &str); 8] = [
    ("GetGateway", "gateway/"),
    ("GetGatewayTarget", "gateway/"),
    ("ListGatewayTargets", "gateway/"),
    ("AuthorizeAction", "policy-engine/"),
    ("PartiallyAuthorizeActions", "policy-engine/"),
    ("GetPolicyEngine", "policy-engine/"),
    ("GetAgentRuntime", "runtime/"),
    ("InvokeAgentRuntime", "runtime/"),
];

const NOT_GATEWAY_AGENTCORE: [&str; 10] = [
    "DeleteGateway",
    "CreateGateway",
    "UpdateGateway",
    "DeleteGatewayTarget",
    "CreateAgentRuntime",
    "DeleteAgentRuntime",
    "DeletePolicyEngine",
    "GetWorkloadAccessToken",
    "CreateEvent",
    "InvokeGateway",
];

/// The gateway invokes exactly the `<name_prefix>-*` functions of its region and account, has no
/// `bedrock-agentcore` action beyond its list, and gets OAuth2 tokens (from its own provider)
/// exactly when Cognito is enabled.
pub fn gateway_is_scoped(spec: &PlatformSpec, engine: &Engine) -> Outcome {
    let mut checks = Checker::new(engine);
    let gateway = principal(&spec.gateway_role_arn());
    let np = spec.name_prefix();
    let (account, region) = (spec.account_id.as_str(), spec.region.as_str());
    let lambda = |account: &str, region: &str, name: &str| {
        format!("arn:aws:lambda:{region}:{account}:function:{name}")
    };
    let functions = [
        (lambda(account, region, &format!("{np}-tool")), true),
        (lambda(account, region, &format!("{np}-tool:3")), true),
        (lambda(account, region, &format!("{np}-tool:live")), true),
        (lambda(account, region, &format!("{np}-tool:$LATEST")), true),
        (lambda(account, region, &np), false),
        (lambda(account, region, &format!("{np}x")), false),
        (
            lambda(
                account,
                region,
                &format!("{}2-{}-tool", spec.prefix, spec.env),
            ),
            false,
        ),
        (
            lambda(
                account,
                region,
                &format!("{}-{}2-tool", spec.prefix, spec.env),
            ),
            false,
        ),
        (lambda(account, region, &format!("x{np}-tool")), false),
        (
            lambda(account, other_region(spec), &format!("{np}-tool")),
            false,
        ),
        (
            lambda(&other_account(spec), region, &format!("{np}-tool")),
            false,
        ),
    ];
    for (arn, allow) in &functions {
        checks.expect(&gateway, "lambda:InvokeFunction", arn, *allow);
        checks.expect(&gateway, "lambda:GetFunction", arn, false);
    }
    let mut resources: Vec<String> = ["gateway/", "policy-engine/", "runtime/", "memory/"]
        .iter()
        .map(|kind| spec.agentcore_arn(&format!("{kind}x-1")))
        .collect();
    resources.push(spec.agentcore_arn("workload-identity-directory/default"));
    for resource in &resources {
        for (action, kind) in GATEWAY_AGENTCORE {
            let allow = resource.contains(&format!(":{kind}"));
            checks.expect(
                &gateway,
                &format!("bedrock-agentcore:{action}"),
                resource,
                allow,
            );
            let elsewhere = resource.replacen(region, other_region(spec), 1);
            checks.expect(
                &gateway,
                &format!("bedrock-agentcore:{action}"),
                &elsewhere,
                false,
            );
        }
        for action in NOT_GATEWAY_AGENTCORE {
            checks.expect(
                &gateway,
                &format!("bedrock-agentcore:{action}"),
                resource,
                false,
            );
        }
        checks.expect(
            &gateway,
            "bedrock-agentcore:GetResourceOauth2Token",
            resource,
            false,
        );
    }
    for provider in PROVIDERS {
        let arn = spec.agentcore_arn(&format!(
            "token-vault/default/oauth2credentialprovider/{provider}"
        ));
        let allow =
            spec.cognito.enabled && spec.cognito.oauth2_credential_provider_name == provider;
        checks.expect(
            &gateway,
            "bedrock-agentcore:GetResourceOauth2Token",
            &arn,
            allow,
        );
        for (action, _) in GATEWAY_AGENTCORE {
            checks.expect(
                &gateway,
                &format!("bedrock-agentcore:{action}"),
                &arn,
                false,
            );
        }
    }
    checks.finish()
}

/// `bedrock-agentcore.amazonaws.com` assumes every platform role only with `aws:SourceAccount`
/// = the account and `aws:SourceArn` an AgentCore ARN of the account and region; no other
/// caller, and no request missing either key, may.
pub fn only_agentcore_assumes_roles_from_the_platform(
    spec: &PlatformSpec,
    engine: &Engine,
) -> Outcome {
    let mut checks = Checker::new(engine);
    let (account, region) = (spec.account_id.as_str(), spec.region.as_str());
    let other = other_account(spec);
    let source = |region: &str, account: &str, resource: &str| {
        format!("arn:aws:bedrock-agentcore:{region}:{account}:{resource}")
    };
    let good_arn = source(region, account, "runtime/agent-1");
    // (SourceAccount, SourceArn, allowed); `None` leaves the key out.
    let contexts: Vec<(Option<String>, Option<String>, bool)> = vec![
        (Some(account.into()), Some(good_arn.clone()), true),
        (
            Some(account.into()),
            Some(source(region, account, "gateway/gw-1")),
            true,
        ),
        (Some(other.clone()), Some(good_arn.clone()), false),
        (
            Some(account.into()),
            Some(source(region, &other, "runtime/agent-1")),
            false,
        ),
        (
            Some(account.into()),
            Some(source(other_region(spec), account, "runtime/agent-1")),
            false,
        ),
        (
            Some(account.into()),
            Some(format!("arn:aws:bedrock:{region}:{account}:agent/x")),
            false,
        ),
        (Some(account.into()), Some("not-an-arn".into()), false),
        (None, Some(good_arn.clone()), false),
        (Some(account.into()), None, false),
        (None, None, false),
    ];
    let mut roles = vec![spec.gateway_role_arn()];
    roles.extend(spec.agents.keys().map(|k| spec.agent_role_arn(k)));
    let mut callers = vec![
        (principal(AGENTCORE), true),
        (principal("lambda.amazonaws.com"), false),
        (principal("bedrock.amazonaws.com"), false),
        (principal(&other), false),
        (principal(&spec.account_root_arn()), false),
    ];
    callers.push((principal(&spec.gateway_role_arn()), false));
    for role in &roles {
        for (caller, trusted) in &callers {
            for (source_account, source_arn, allow) in &contexts {
                let mut req = Request::new(caller.clone(), "sts:AssumeRole", role);
                if let Some(v) = source_account {
                    req = req.with_context("aws:SourceAccount", v.as_str());
                }
                if let Some(v) = source_arn {
                    req = req.with_context("aws:SourceArn", v.as_str());
                }
                checks.expect_request(&req, *trusted && *allow);
            }
        }
    }
    checks.finish()
}

const MODEL_ACTIONS: [&str; 2] = [
    "bedrock:InvokeModel",
    "bedrock:InvokeModelWithResponseStream",
];

/// Under the production profile, agents invoke exactly the models `bedrock_model_arns` matches
pub fn production_agents_invoke_only_listed_models(
    spec: &PlatformSpec,
    engine: &Engine,
) -> Outcome {
    let Some(production) = &spec.production else {
        return Ok(0);
    };
    let mut checks = Checker::new(engine);
    let models: Vec<String> = MODELS
        .iter()
        .chain(OTHER_MODELS.iter())
        .filter(|m| !m.contains('*'))
        .map(|m| m.replace("<acct>", &spec.account_id))
        .collect();
    for key in spec.agents.keys() {
        let caller = agent(spec, key);
        for model in &models {
            let allow = production.bedrock_model_arns.iter().any(|p| glob(p, model));
            for action in MODEL_ACTIONS {
                checks.expect(&caller, action, model, allow);
            }
        }
    }
    checks.finish()
}
