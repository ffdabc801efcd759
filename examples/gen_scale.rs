//! The synthetic scale workload: `cargo run --release --example gen_scale -- OUTDIR [AGENTS]`
//! writes `OUTDIR/policies/` (a platform of AGENTS agents, default 1,000, with seeded random
//! variable subsets: `benches/data/mod.rs`) and `OUTDIR/scenarios/*.json` (100 expanded cases
//! per agent: 100,000 for 1,000 agents). Every expectation is computed from the module rules of
//! docs/platform.md and the agent's variables, so `iamsim check OUTDIR/scenarios` passes.

#![allow(
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::type_complexity,
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line generator: it reports on the terminal and stops on the first error"
)]

#[path = "../benches/data/mod.rs"]
mod data;

use std::path::PathBuf;

use iamsim::platform::{generate, write_inventory, AgentSpec, KmsKey, PlatformSpec};
use serde_json::{json, Value};

const REGION_ACCOUNT: &str = "us-east-1:111122223333";
/// Other agents each agent is checked against, in the ECR isolation matrix
const ISOLATION_PEERS: usize = 30;
/// Other agents' roles each agent tries to assume
const ASSUME_PEERS: usize = 10;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(out) = args.next().map(PathBuf::from) else {
        eprintln!("usage: gen_scale OUTDIR [AGENTS]");
        std::process::exit(2);
    };
    let agents: usize = args
        .next()
        .map(|a| a.parse().expect("AGENTS is a number"))
        .unwrap_or(1_000);
    let spec = data::synthetic_spec(agents, data::SEED);
    let files = generate(&spec).expect("the synthetic spec is valid");
    let policies = out.join("policies");
    write_inventory(&policies, &files).expect("write policies/");
    let platform = serde_json::to_string_pretty(&spec).expect("spec serializes");
    std::fs::write(policies.join("platform.json"), platform).expect("write platform.json");

    let keys: Vec<&String> = spec.agents.keys().collect();
    let mut rng = data::Rng::new(data::SEED ^ 0x5ce7);
    let (mut iso, mut kms, mut trust, mut gw) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut cases = 0usize;
    for (i, (key, agent)) in spec.agents.iter().enumerate() {
        let isolation_peers = peers(&keys, i, ISOLATION_PEERS, &mut rng);
        let assume_peers = peers(&keys, i, ASSUME_PEERS, &mut rng);
        cases += isolation(&mut iso, key, &isolation_peers);
        cases += kms_cases(&mut kms, &spec, key, agent);
        cases += trust_cases(&mut trust, key, &assume_peers);
        cases += gateway_cases(&mut gw, key, agent);
    }
    let files = [
        ("isolation", "ECR isolation matrix: each agent pulls its own repository (EcrPull) and no sampled peer's", iso),
        ("kms", "KMS: every agent on every platform key; the key policies defer to IAM, so Decrypt/GenerateDataKey are allowed exactly where the agent's key variable is set", kms),
        ("trust", "Trust: AgentCore assumes each role with the confused-deputy context, not for another account; agents cannot assume each other", trust),
        ("gateway", "Gateway role: InvokeMcpLambdaFunctions and RuntimeAccess per agent, no ECR access; agents' data access follows their variables", gw),
    ];
    let dir = out.join("scenarios");
    std::fs::create_dir_all(&dir).expect("create scenarios/");
    for (name, description, scenarios) in files {
        let file = json!({
            "description": description,
            "policies": "../policies",
            "context": {"aws:RequestedRegion": "us-east-1"},
            "scenarios": scenarios,
        });
        let text = serde_json::to_string(&file).expect("serializes");
        std::fs::write(dir.join(format!("{name}.json")), text).expect("write scenario file");
    }
    println!(
        "wrote {} agents to {} and {cases} cases to {}",
        agents,
        policies.display(),
        dir.display()
    );
}

/// Up to `n` distinct agents other than agent `i`, drawn from `rng`.
fn peers<'a>(keys: &[&'a String], i: usize, n: usize, rng: &mut data::Rng) -> Vec<&'a String> {
    let want = n.min(keys.len().saturating_sub(1));
    let mut out: Vec<&String> = Vec::with_capacity(want);
    while out.len() < want {
        let j = (i + 1 + rng.below(keys.len() - 1)) % keys.len();
        let k = keys[j];
        if !out.contains(&k) {
            out.push(k);
        }
    }
    out
}

fn role(key: &str) -> String {
    format!("role/acme-dev-agent-{key}")
}

fn expect(allowed: bool) -> &'static str {
    if allowed {
        "allow"
    } else {
        "deny"
    }
}

/// A scenario; `because` only when allowed (an implicit deny has no deciding statement).
fn scenario(
    name: String,
    principal: &str,
    actions: &[&str],
    resources: Value,
    allowed: bool,
    because: &str,
) -> Value {
    let mut s = json!({
        "name": name,
        "principal": principal,
        "actions": actions,
        "resources": resources,
        "expect": expect(allowed),
    });
    if allowed {
        s["because"] = json!(because);
    }
    s
}

const ECR_PULL: [&str; 2] = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];

fn repo(key: &str) -> String {
    format!("arn:aws:ecr:{REGION_ACCOUNT}:repository/acme-dev-{key}")
}

fn isolation(out: &mut Vec<Value>, key: &str, others: &[&String]) -> usize {
    out.push(scenario(
        format!("{key} pulls its own image"),
        &role(key),
        &ECR_PULL,
        json!([repo(key)]),
        true,
        "EcrPull",
    ));
    let mut s = scenario(
        format!("{key} cannot pull ${{y}}'s image"),
        &role(key),
        &ECR_PULL,
        json!([repo("${y}")]),
        false,
        "",
    );
    s["for_each"] = json!({"y": others});
    out.push(s);
    ECR_PULL.len() * (1 + others.len())
}

fn kms_cases(out: &mut Vec<Value>, spec: &PlatformSpec, key: &str, agent: &AgentSpec) -> usize {
    let grants = [
        (
            KmsKey::PlatformArtifacts,
            &agent.platform_artifacts_kms_key_arn,
            "PlatformKmsDecrypt",
        ),
        (
            KmsKey::DomainArtifacts,
            &agent.domain_artifacts_kms_key_arn,
            "DomainKmsDecrypt",
        ),
        (
            KmsKey::Storage,
            &agent.storage_kms_key_arn,
            "StorageKmsAccess",
        ),
        (KmsKey::Data, &agent.data_kms_key_arn, "ArtifactsCatalogKMS"),
        (KmsKey::Secrets, &String::new(), ""),
        (KmsKey::Gateway, &String::new(), ""),
    ];
    let actions = ["kms:Decrypt", "kms:GenerateDataKey"];
    for (k, var, sid) in grants {
        // Half the requests name the key by alias, as applications do.
        let resource = if matches!(k, KmsKey::Data | KmsKey::Secrets) {
            spec.kms_alias_arn(k)
        } else {
            spec.kms_key_arn(k)
        };
        let name = format!("{key} on the {} key", k.dashed());
        out.push(scenario(
            name,
            &role(key),
            &actions,
            json!([resource]),
            !var.is_empty(),
            sid,
        ));
    }
    grants.len() * actions.len()
}

fn trust_cases(out: &mut Vec<Value>, key: &str, others: &[&String]) -> usize {
    let service = "bedrock-agentcore.amazonaws.com";
    for (account, allowed) in [("111122223333", true), ("444455556666", false)] {
        let mut s = scenario(
            format!("AgentCore acting for {account} assumes {key}"),
            service,
            &["sts:AssumeRole"],
            json!([role(key)]),
            allowed,
            "AssumeRolePolicy",
        );
        s["context"] = json!({
            "aws:SourceAccount": account,
            "aws:SourceArn": format!("arn:aws:bedrock-agentcore:us-east-1:{account}:runtime/acme_dev_{key}-Ab12Cd34Ef"),
        });
        if !allowed {
            s["blocked_by"] = json!("trust-policy");
        }
        out.push(s);
    }
    let roles: Vec<String> = others.iter().map(|k| role(k)).collect();
    out.push(scenario(
        format!("{key} cannot assume its peers' roles"),
        &role(key),
        &["sts:AssumeRole"],
        json!(roles),
        false,
        "",
    ));
    2 + others.len()
}

fn gateway_cases(out: &mut Vec<Value>, key: &str, agent: &AgentSpec) -> usize {
    let gw = "role/acme-dev-gateway";
    let f = |name: &str| format!("arn:aws:lambda:{REGION_ACCOUNT}:function:{name}");
    let table = |name: &str| format!("arn:aws:dynamodb:{REGION_ACCOUNT}:table/{name}");
    let bucket = format!("arn:aws:s3:::acme-dev-{key}-artifacts");
    let rows: Vec<(String, &str, Vec<&str>, String, bool, &str)> = vec![
        (
            format!("gateway invokes {key}'s tool"),
            gw,
            vec!["lambda:InvokeFunction"],
            f(&format!("acme-dev-{key}-tool")),
            true,
            "InvokeMcpLambdaFunctions",
        ),
        (
            format!("gateway invokes {key}'s runtime"),
            gw,
            vec!["bedrock-agentcore:InvokeAgentRuntime"],
            format!("arn:aws:bedrock-agentcore:{REGION_ACCOUNT}:runtime/acme_dev_{key}-Ab12Cd34Ef"),
            true,
            "RuntimeAccess",
        ),
        (
            format!("gateway cannot pull {key}'s image"),
            gw,
            ECR_PULL.to_vec(),
            repo(key),
            false,
            "",
        ),
        (
            format!("{key} invokes its prompt registry"),
            "",
            vec!["lambda:InvokeFunction"],
            f(&format!("acme-dev-{key}-prompts")),
            !agent.prompt_registry_function_arn.is_empty(),
            "PromptRegistryInvoke",
        ),
        (
            format!("{key} reads and writes its artifacts"),
            "",
            vec!["s3:GetObject", "s3:PutObject"],
            format!("{bucket}/runs/1.json"),
            !agent.artifacts_bucket_arn.is_empty(),
            "ArtifactsBucketAccess",
        ),
        (
            format!("{key} lists its artifacts bucket"),
            "",
            vec!["s3:ListBucket"],
            bucket.clone(),
            !agent.artifacts_bucket_arn.is_empty(),
            "ArtifactsBucketAccess",
        ),
        (
            format!("{key} uses its idempotency table"),
            "",
            vec![
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:DeleteItem",
            ],
            table(&format!("acme-dev-{key}-idempotency")),
            !agent.idempotency_table_name.is_empty(),
            "IdempotencyTableAccess",
        ),
        (
            format!("{key} uses its evaluations table"),
            "",
            vec!["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query"],
            table(&format!("acme-dev-{key}-evaluations")),
            !agent.evaluation_table_name.is_empty(),
            "EvaluationTableAccess",
        ),
    ];
    let me = role(key);
    let mut n = 0;
    for (name, principal, actions, resource, allowed, sid) in rows {
        let principal = if principal.is_empty() {
            me.as_str()
        } else {
            principal
        };
        n += actions.len();
        out.push(scenario(
            name,
            principal,
            &actions,
            json!([resource]),
            allowed,
            sid,
        ));
    }
    n
}
