//! Deterministic fixtures shared by the benches and by `examples/gen_scale.rs`: the reference
//! platform, synthetic platforms of N agents with seeded random variable subsets, synthetic
//! policy sets of N statements, and the naive baselines the benches compare against.
//!
//! Everything here is a pure function of its arguments (a SplitMix64 stream stands in for an
//! RNG crate), so two runs, or a bench and the scale generator, see the same platform.

#![allow(
    dead_code,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "each bench uses a part of these fixtures; they are fixed, so a failure is a bench bug"
)]

use std::path::Path;

use iamsim::engine::Engine;
use iamsim::inventory::{from_files, named, AdHoc, Inventory};
use iamsim::platform::{generate, AgentSpec, KmsKey, PlatformSpec};
use iamsim::policy::{ActionClause, Document, Effect, PolicyKind, ResourceClause, ResourceMatcher};
use iamsim::request::{Principal, Request};
use serde_json::{json, Value};

/// The seed every bench and the scale workload use unless they say otherwise.
pub const SEED: u64 = 0x1a_3517;

/// The reference account.
pub const ACCOUNT: &str = "111122223333";

/// SplitMix64: a tiny, well-distributed, seedable stream (Steele, Lea, Flood 2014).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A stream seeded with `seed`
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`)
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability 1/2
    pub fn coin(&mut self) -> bool {
        self.next_u64() & 1 == 1
    }
}

/// Compile the inventory generated from `spec`.
pub fn inventory_of(spec: &PlatformSpec) -> Inventory {
    let files = generate(spec).expect("the spec is valid");
    from_files(&files, Path::new("policies")).expect("generated files load")
}

/// The reference platform (docs/platform.md, "The reference platform and its module rules"), compiled.
pub fn reference_engine() -> Engine {
    Engine::new(&inventory_of(&PlatformSpec::reference())).expect("reference compiles")
}

/// The key of synthetic agent `i` (`a0000`, `a0001`, ...).
pub fn agent_key(i: usize) -> String {
    format!("a{i:04}")
}

/// A platform shaped like the reference one, with `agents` agents whose optional variables are
/// each set with probability 1/2 (seeded, so the same arguments give the same platform).
pub fn synthetic_spec(agents: usize, seed: u64) -> PlatformSpec {
    let mut spec = PlatformSpec::reference();
    let mut rng = Rng::new(seed);
    let key_arn = |key: KmsKey| spec.kms_key_arn(key);
    let keys = [
        key_arn(KmsKey::PlatformArtifacts),
        key_arn(KmsKey::DomainArtifacts),
        key_arn(KmsKey::Storage),
        key_arn(KmsKey::Data),
    ];
    let mut out = indexmap::IndexMap::new();
    for i in 0..agents {
        let k = agent_key(i);
        let mut a = AgentSpec::default();
        let [platform, domain, storage, data] = keys.clone();
        if rng.coin() {
            a.artifacts_bucket_arn = format!("arn:aws:s3:::acme-dev-{k}-artifacts");
        }
        if rng.coin() {
            a.extra_s3_read_bucket_arns = vec![format!("arn:aws:s3:::acme-dev-{k}-datasets")];
        }
        if rng.coin() {
            a.platform_artifacts_kms_key_arn = platform;
        }
        if rng.coin() {
            a.domain_artifacts_kms_key_arn = domain;
        }
        if rng.coin() {
            a.storage_kms_key_arn = storage;
        }
        if rng.coin() {
            a.prompt_registry_function_arn =
                format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:acme-dev-{k}-prompts");
        }
        if rng.coin() {
            a.artifacts_table_name = format!("acme-dev-{k}-catalog");
        }
        if rng.coin() {
            a.data_kms_key_arn = data;
        }
        if rng.coin() {
            a.idempotency_table_name = format!("acme-dev-{k}-idempotency");
        }
        if rng.coin() {
            a.evaluation_table_name = format!("acme-dev-{k}-evaluations");
        }
        out.insert(k, a);
    }
    spec.agents = out;
    spec
}

/// [`synthetic_spec`] compiled.
pub fn synthetic_engine(agents: usize, seed: u64) -> Engine {
    Engine::new(&inventory_of(&synthetic_spec(agents, seed))).expect("synthetic compiles")
}

/// A role request on a concrete resource.
pub fn request(role_arn: &str, action: &str, resource: &str) -> Request {
    let principal = Principal::parse(role_arn).expect("a role ARN");
    Request::new(principal, action, resource)
}

/// Services of the synthetic statement sets (real prefixes, so the shapes are realistic).
const SERVICES: [&str; 24] = [
    "s3",
    "ec2",
    "kms",
    "lambda",
    "dynamodb",
    "sqs",
    "sns",
    "logs",
    "ecr",
    "ssm",
    "xray",
    "glue",
    "athena",
    "states",
    "events",
    "kinesis",
    "rds",
    "ecs",
    "eks",
    "cloudwatch",
    "bedrock",
    "secretsmanager",
    "firehose",
    "elasticache",
];
const VERBS: [&str; 6] = ["Get", "Put", "Describe", "List", "Delete", "Update"];

/// The caller of the synthetic statement sets.
pub const SET_ROLE: &str = "arn:aws:iam::111122223333:role/bench";

/// One identity policy of `n` Allow statements over 24 services: each names one to three
/// actions (a third of them `Verb*` prefixes) on one resource pattern, `res-<i>` followed by a
/// wildcard. Statement `n - 1` is the one [`set_request`] hits, so a scan cannot stop early.
pub fn statement_set(n: usize, seed: u64) -> Document {
    let mut rng = Rng::new(seed);
    let statements: Vec<Value> = (0..n)
        .map(|i| {
            let service = if i + 1 == n {
                "s3"
            } else {
                SERVICES[rng.below(SERVICES.len())]
            };
            let actions: Vec<String> = (0..1 + rng.below(3))
                .map(|_| {
                    let verb = VERBS[rng.below(VERBS.len())];
                    match rng.below(3) {
                        0 => format!("{service}:{verb}*"),
                        _ => format!("{service}:{verb}Thing{}", rng.below(50)),
                    }
                })
                .collect();
            let actions = if i + 1 == n {
                vec!["s3:GetObject".to_string()]
            } else {
                actions
            };
            json!({
                "Sid": format!("S{i}"),
                "Effect": "Allow",
                "Action": actions,
                "Resource": format!("arn:aws:{service}:us-east-1:{ACCOUNT}:res-{i}/*"),
            })
        })
        .collect();
    let doc = json!({"Version": "2012-10-17", "Statement": statements});
    iamsim::policy::parse_document(&doc, "bench.json", PolicyKind::Identity).expect("valid")
}

/// An engine holding only the `bench` role with `doc` as its identity policy.
pub fn set_engine(doc: &Document) -> Engine {
    let adhoc = AdHoc {
        principal: Some(Principal::parse(SET_ROLE).expect("role ARN")),
        identity: vec![named("bench", doc.clone())],
        ..AdHoc::default()
    };
    Engine::new(&adhoc.build()).expect("compiles")
}

/// The request that the last statement of a [`statement_set`] of `n` statements allows.
pub fn set_request(n: usize) -> Request {
    let last = n - 1;
    request(
        SET_ROLE,
        "s3:GetObject",
        &format!("arn:aws:s3:us-east-1:{ACCOUNT}:res-{last}/report.csv"),
    )
}

/// The naive baseline: look at every statement in order, no service index; an Allow whose action
/// and resource match allows unless a matching Deny exists. Conditions, principals and `Not*`
/// forms are out of its scope (the synthetic sets have none), so it does strictly less work
/// than the engine per statement looked at.
pub fn linear_scan(doc: &Document, action_lower: &str, resource: &str) -> bool {
    let mut allowed = false;
    for st in &doc.statements {
        let action_ok = match &st.action {
            ActionClause::Action(list) => list.iter().any(|a| a.matcher.is_match(action_lower)),
            ActionClause::NotAction(_) => false,
        };
        let resource_ok = match &st.resource {
            Some(ResourceClause::Resource(list)) => list.iter().any(|r| match &r.matcher {
                ResourceMatcher::Fixed(w) => w.is_match(resource),
                ResourceMatcher::Template(_) => false,
            }),
            _ => false,
        };
        if action_ok && resource_ok {
            match st.effect {
                Effect::Deny => return false,
                Effect::Allow => allowed = true,
            }
        }
    }
    allowed
}
