//! Random platforms for `tests/platform_invariants.rs`: a strategy for `PlatformSpec`s whose
//! agent keys collide on prefixes and whose optional variables point at shared, prefix-colliding
//! resources, and a checker that evaluates requests through the engine and collects every
//! unexpected decision.

pub mod checks;

use std::fmt::Write as _;
use std::path::Path;

use iamsim::engine::Engine;
use iamsim::platform::{
    generate, AgentSpec, CognitoSpec, KmsKey, KmsKeyIds, PlatformSpec, ProductionProfile,
};
use iamsim::request::{Principal, Request};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

/// Agent keys chosen to collide: one extends another (`a`/`a1`, `research`/`research-v2`),
/// with `-`, `_` and digits.
pub const KEY_POOL: [&str; 16] = [
    "a",
    "a1",
    "a-1",
    "a_1",
    "a1-b",
    "ab",
    "r",
    "re",
    "research",
    "research-v2",
    "research_v2",
    "research2",
    "billing",
    "billing-1",
    "support",
    "support_",
];

/// Bucket names (`arn:aws:s3:::<name>`); the second extends the first.
pub const BUCKETS: [&str; 3] = ["acme-dev-artifacts", "acme-dev-artifacts-v2", "shared"];

/// Lambda function names after `function:`; `<np>` is replaced by the name prefix. None is a
/// qualified form of another, so "allowed iff equal" does not depend on how Lambda treats
/// qualifiers.
pub const FUNCTIONS: [&str; 4] = [
    "<np>-prompt-registry",
    "<np>-prompt-registry-v2",
    "<np>-prompts:live",
    "other-prompts",
];

/// DynamoDB table names; `<np>` is replaced by the name prefix.
pub const TABLES: [&str; 4] = [
    "<np>-idempotency",
    "<np>-idempotency-v2",
    "<np>-evaluations",
    "<np>-artifacts-catalog",
];

/// OAuth2 credential provider names; the second extends the first.
pub const PROVIDERS: [&str; 2] = ["gw-m2m", "gw-m2m-2"];

/// Model ARNs a production profile may list: literal ARNs, an inference profile of the
/// platform's account (`<acct>`), and one with wildcards (in the region and the resource).
pub const MODELS: [&str; 4] = [
    "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
    "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1",
    "arn:aws:bedrock:*::foundation-model/anthropic.claude-3-5-sonnet-*",
    "arn:aws:bedrock:us-east-1:<acct>:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0",
];

/// Model ARNs requested besides [`MODELS`]: near misses of each (longer, shorter, other
/// region, other provider).
pub const OTHER_MODELS: [&str; 7] = [
    "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0:200k",
    "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1",
    "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
    "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k",
    "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0",
    "arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-8b-instruct-v1:0",
    "arn:aws:bedrock:us-east-1:444455556666:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0",
];

/// One agent's variables as choices from the pools above (resolved by [`build`])
#[derive(Debug, Clone)]
pub struct Variables {
    bucket: Option<&'static str>,
    extra_buckets: Vec<&'static str>,
    platform_key: Option<KmsKey>,
    domain_key: Option<KmsKey>,
    storage_key: Option<KmsKey>,
    data_key: Option<KmsKey>,
    function: Option<&'static str>,
    catalog_table: Option<&'static str>,
    idempotency_table: Option<&'static str>,
    evaluation_table: Option<&'static str>,
}

/// A random platform spec: name prefix, account, region, SSM root, Cognito, agents, profile
pub fn platform() -> impl Strategy<Value = PlatformSpec> {
    let base = (
        select(vec!["acme", "ac1"]),
        select(vec!["dev", "prod"]),
        select(vec!["111122223333", "444455556666"]),
        select(vec!["us-east-1", "eu-west-2"]),
        select(vec!["/acme/dev", "/p", "/acme/dev/agents"]),
    );
    let cognito = proptest::option::of(select(PROVIDERS.to_vec()));
    let production = proptest::option::of(subsequence(MODELS.to_vec(), 1..=3));
    (base, cognito, agents(), production)
        .prop_map(|(base, cognito, agents, production)| build(base, cognito, &agents, production))
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        select(KEY_POOL.to_vec()).prop_map(str::to_owned),
        "[ab][ab1_-]{0,3}",
    ]
}

/// Agents as a plain vector, so shrinking removes agents one by one; [`build`] keeps the first
/// of any repeated key.
fn agents() -> impl Strategy<Value = Vec<(String, Variables)>> {
    proptest::collection::vec((key(), variables()), 1..=12)
}

fn variables() -> impl Strategy<Value = Variables> {
    let opt_key = || proptest::option::of(select(KmsKey::ALL.to_vec()));
    let opt_table = || proptest::option::of(select(TABLES.to_vec()));
    (
        proptest::option::of(select(BUCKETS.to_vec())),
        subsequence(BUCKETS.to_vec(), 0..=2),
        (opt_key(), opt_key(), opt_key(), opt_key()),
        proptest::option::of(select(FUNCTIONS.to_vec())),
        (opt_table(), opt_table(), opt_table()),
    )
        .prop_map(
            |(bucket, extra_buckets, keys, function, tables)| Variables {
                bucket,
                extra_buckets,
                platform_key: keys.0,
                domain_key: keys.1,
                storage_key: keys.2,
                data_key: keys.3,
                function,
                catalog_table: tables.0,
                idempotency_table: tables.1,
                evaluation_table: tables.2,
            },
        )
}

type Base = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

fn build(
    (prefix, env, account, region, ssm): Base,
    cognito: Option<&'static str>,
    agents: &[(String, Variables)],
    production: Option<Vec<&'static str>>,
) -> PlatformSpec {
    let mut spec = PlatformSpec {
        prefix: prefix.into(),
        env: env.into(),
        account_id: account.into(),
        region: region.into(),
        ssm_root_path: ssm.into(),
        cognito: CognitoSpec {
            enabled: cognito.is_some(),
            oauth2_credential_provider_name: cognito.unwrap_or_default().into(),
        },
        kms_keys: KmsKeyIds {
            data: "0d7f3c2a-1b4e-4c6d-9a8b-2e5f7a9c1d01".into(),
            storage: "0d7f3c2a-1b4e-4c6d-9a8b-2e5f7a9c1d02".into(),
            secrets: "0d7f3c2a-1b4e-4c6d-9a8b-2e5f7a9c1d03".into(),
            platform_artifacts: "0d7f3c2a-1b4e-4c6d-9a8b-2e5f7a9c1d04".into(),
            domain_artifacts: "0d7f3c2a-1b4e-4c6d-9a8b-2e5f7a9c1d05".into(),
            gateway: "mrk-0d7f3c2a1b4e4c6d9a8b2e5f7a9c1d06".into(),
        },
        agents: Default::default(),
        production: production.map(|models| ProductionProfile {
            bedrock_model_arns: models
                .into_iter()
                .map(|m| m.replace("<acct>", account))
                .collect(),
            agentcore_resource_arns: Vec::new(),
        }),
    };
    if let Some(p) = spec.production.as_mut() {
        p.agentcore_resource_arns = vec![format!(
            "arn:aws:bedrock-agentcore:{region}:{account}:memory/*"
        )];
    }
    for (key, recipe) in agents {
        if spec.agents.contains_key(key) {
            continue;
        }
        let agent = AgentSpec {
            artifacts_bucket_arn: recipe.bucket.map(bucket_arn).unwrap_or_default(),
            extra_s3_read_bucket_arns: recipe.extra_buckets.iter().map(|b| bucket_arn(b)).collect(),
            platform_artifacts_kms_key_arn: key_arn(&spec, recipe.platform_key),
            domain_artifacts_kms_key_arn: key_arn(&spec, recipe.domain_key),
            storage_kms_key_arn: key_arn(&spec, recipe.storage_key),
            data_kms_key_arn: key_arn(&spec, recipe.data_key),
            prompt_registry_function_arn: recipe
                .function
                .map(|f| function_arn(&spec, f))
                .unwrap_or_default(),
            artifacts_table_name: table(&spec, recipe.catalog_table),
            idempotency_table_name: table(&spec, recipe.idempotency_table),
            evaluation_table_name: table(&spec, recipe.evaluation_table),
        };
        spec.agents.insert(key.clone(), agent);
    }
    spec
}

/// `arn:aws:s3:::<name>`
pub fn bucket_arn(name: &str) -> String {
    format!("arn:aws:s3:::{name}")
}

fn key_arn(spec: &PlatformSpec, key: Option<KmsKey>) -> String {
    key.map(|k| spec.kms_key_arn(k)).unwrap_or_default()
}

/// A pool entry with `<np>` replaced by the spec's name prefix
pub fn resolve(spec: &PlatformSpec, pooled: &str) -> String {
    pooled.replace("<np>", &spec.name_prefix())
}

/// The ARN of a function of [`FUNCTIONS`] in the spec's region and account
pub fn function_arn(spec: &PlatformSpec, pooled: &str) -> String {
    format!(
        "arn:aws:lambda:{}:{}:function:{}",
        spec.region,
        spec.account_id,
        resolve(spec, pooled)
    )
}

fn table(spec: &PlatformSpec, pooled: Option<&str>) -> String {
    pooled.map(|t| resolve(spec, t)).unwrap_or_default()
}

/// An account that is not the spec's (its last digit changed)
pub fn other_account(spec: &PlatformSpec) -> String {
    let mut account = spec.account_id.clone();
    let last = if account.ends_with('9') { '8' } else { '9' };
    account.pop();
    account.push(last);
    account
}

/// A region that is not the spec's
pub fn other_region(spec: &PlatformSpec) -> &'static str {
    if spec.region == "us-west-2" {
        "us-east-1"
    } else {
        "us-west-2"
    }
}

/// The engine of the spec's generated inventory
pub fn engine(spec: &PlatformSpec) -> Engine {
    let files = generate(spec).expect("generated specs are valid");
    let inventory = iamsim::inventory::from_files(&files, Path::new("gen")).expect("inventory");
    Engine::new(&inventory).expect("engine")
}

/// A principal from its ARN or service name
pub fn principal(text: &str) -> Principal {
    Principal::parse(text).expect("principal")
}

/// The role of agent `key`, as a principal
pub fn agent(spec: &PlatformSpec, key: &str) -> Principal {
    principal(&spec.agent_role_arn(key))
}

/// Evaluates requests and records every decision that differs from the expected one
#[derive(Debug)]
pub struct Checker<'a> {
    engine: &'a Engine,
    failures: Vec<String>,
    checked: usize,
}

impl<'a> Checker<'a> {
    /// A checker with no failures yet
    pub fn new(engine: &'a Engine) -> Self {
        Self {
            engine,
            failures: Vec::new(),
            checked: 0,
        }
    }

    /// Expects `principal` to be allowed `action` on `resource` exactly when `allow`
    pub fn expect(&mut self, principal: &Principal, action: &str, resource: &str, allow: bool) {
        let req = Request::new(principal.clone(), action, resource);
        self.expect_request(&req, allow);
    }

    /// Expects `req` to be allowed exactly when `allow`
    pub fn expect_request(&mut self, req: &Request, allow: bool) {
        self.checked += 1;
        let got = self.engine.evaluate(req).decision;
        if got.is_allowed() != allow {
            let mut line = format!("{} {} {}", req.principal.as_str(), req.action, req.resource);
            for entry in req.context.iter() {
                let values: Vec<&str> = entry.values.iter().map(|v| v.raw()).collect();
                let _ = write!(line, " {}={values:?}", entry.name);
            }
            let want = if allow { "allow" } else { "deny" };
            let _ = write!(line, ": expected {want}, got {}", got.name());
            self.failures.push(line);
        }
    }

    /// The failures, one line each, or `Ok` with the number of requests checked
    pub fn finish(self) -> Result<usize, String> {
        if self.failures.is_empty() {
            Ok(self.checked)
        } else {
            Err(format!(
                "{} of {} requests decided wrongly:\n{}",
                self.failures.len(),
                self.checked,
                self.failures.join("\n")
            ))
        }
    }
}

/// `*`/`?` wildcard matching over the whole string, the oracle for model ARN lists (the
/// pool's wildcards are placed so that component-wise ARN matching agrees with it)
pub fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}
