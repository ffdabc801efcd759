//! The cost of one decision, which is what every other number multiplies.
//!
//! - `evaluate/reference`: single requests on the reference platform (identity allow, cross-agent
//!   implicit deny, a KMS key-policy request, a trust-policy request). Target: under 1 µs each.
//! - `evaluate/statements`: one request against one role holding 10 … 10,000 statements,
//!   through the engine (statements bucketed by service, so only one bucket is looked at) and
//!   through a linear scan of every statement (the naive baseline, `data::linear_scan`).
//!   Throughput is in statements held, so the two lines show how much of the set each touches.
//! - `evaluate/agents`: the same request as the platform grows from 10 to 1,000 agents. Principals
//!   and resources are found by hash lookups, so this must stay flat.
//! - `evaluate/run`: a run of requests as a scenario file gives them (each agent, each resource,
//!   each action on it), decided alone (`evaluate`) and keeping the last caller and resource
//!   resolved (`evaluate_memo`, as `check` does). Throughput is in requests.

#![expect(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]
#![allow(
    clippy::expect_used,
    reason = "fixed fixtures; a failure is a bench bug"
)]

mod data;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use iamsim::engine::{Decision, Memo};
use iamsim::request::{Principal, Request};

fn reference(c: &mut Criterion) {
    let engine = data::reference_engine();
    let role = |k: &str| format!("arn:aws:iam::{}:role/acme-dev-agent-{k}", data::ACCOUNT);
    let key = "arn:aws:kms:us-east-1:111122223333:key/0d7f3c2a-1b4e-4c6d-9a8b-2e5f7a9c1d04";
    let mut trust = Request::new(
        Principal::parse("bedrock-agentcore.amazonaws.com").expect("service"),
        "sts:AssumeRole",
        role("research"),
    );
    trust.context.insert("aws:SourceAccount", data::ACCOUNT);
    trust.context.insert(
        "aws:SourceArn",
        "arn:aws:bedrock-agentcore:us-east-1:111122223333:runtime/acme_dev_research-Ab12Cd34Ef",
    );
    let cases = [
        (
            "identity_allow",
            data::request(
                &role("research"),
                "ecr:BatchGetImage",
                "arn:aws:ecr:us-east-1:111122223333:repository/acme-dev-research",
            ),
            Decision::Allow,
        ),
        (
            "cross_agent_deny",
            data::request(
                &role("billing"),
                "ecr:BatchGetImage",
                "arn:aws:ecr:us-east-1:111122223333:repository/acme-dev-research",
            ),
            Decision::ImplicitDeny,
        ),
        (
            "kms_key_policy",
            data::request(&role("research"), "kms:Decrypt", key),
            Decision::Allow,
        ),
        ("trust_policy", trust, Decision::Allow),
    ];
    let mut g = c.benchmark_group("evaluate/reference");
    for (name, req, expect) in &cases {
        assert_eq!(engine.evaluate(req).decision, *expect, "{name}");
        g.bench_with_input(BenchmarkId::from_parameter(name), req, |b, r| {
            b.iter(|| engine.evaluate(black_box(r)))
        });
    }
    g.finish();
}

fn statements(c: &mut Criterion) {
    let mut g = c.benchmark_group("evaluate/statements");
    for n in [10usize, 100, 1_000, 10_000] {
        let doc = data::statement_set(n, data::SEED);
        let engine = data::set_engine(&doc);
        let req = data::set_request(n);
        assert_eq!(engine.evaluate(&req).decision, Decision::Allow);
        let action = req.action.to_ascii_lowercase();
        assert!(data::linear_scan(&doc, &action, &req.resource));
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("indexed", n), &req, |b, r| {
            b.iter(|| engine.evaluate(black_box(r)))
        });
        g.bench_with_input(BenchmarkId::new("linear_scan", n), &req, |b, r| {
            b.iter(|| {
                data::linear_scan(
                    &doc,
                    &black_box(&r.action).to_ascii_lowercase(),
                    &r.resource,
                )
            })
        });
    }
    g.finish();
}

fn agents(c: &mut Criterion) {
    let mut g = c.benchmark_group("evaluate/agents");
    for n in [10usize, 100, 1_000] {
        let engine = data::synthetic_engine(n, data::SEED);
        // The last agent: no list position can help it.
        let key = data::agent_key(n - 1);
        let req = data::request(
            &format!("arn:aws:iam::{}:role/acme-dev-agent-{key}", data::ACCOUNT),
            "ecr:BatchGetImage",
            &format!("arn:aws:ecr:us-east-1:111122223333:repository/acme-dev-{key}"),
        );
        assert_eq!(engine.evaluate(&req).decision, Decision::Allow);
        g.bench_with_input(BenchmarkId::from_parameter(n), &req, |b, r| {
            b.iter(|| engine.evaluate(black_box(r)))
        });
    }
    g.finish();
}

fn run(c: &mut Criterion) {
    let engine = data::reference_engine();
    let resources = [
        "arn:aws:ecr:us-east-1:111122223333:repository/acme-dev-research",
        "arn:aws:kms:us-east-1:111122223333:key/0d7f3c2a-1b4e-4c6d-9a8b-2e5f7a9c1d04",
        "arn:aws:s3:::acme-dev-artifacts/research/model.tar.gz",
    ];
    let actions = [
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "s3:GetObject",
        "s3:PutObject",
    ];
    let mut requests = Vec::new();
    for agent in ["research", "billing", "support"] {
        let role = format!("arn:aws:iam::{}:role/acme-dev-agent-{agent}", data::ACCOUNT);
        for resource in resources {
            for action in actions {
                requests.push(data::request(&role, action, resource));
            }
        }
    }
    let mut memo = Memo::default();
    for r in &requests {
        assert_eq!(engine.evaluate_memo(r, &mut memo), engine.evaluate(r));
    }
    let mut g = c.benchmark_group("evaluate/run");
    g.throughput(Throughput::Elements(requests.len() as u64));
    g.bench_function("alone", |b| {
        b.iter(|| {
            for r in &requests {
                black_box(engine.evaluate(black_box(r)));
            }
        })
    });
    g.bench_function("memo", |b| {
        b.iter(|| {
            let mut memo = Memo::default();
            for r in &requests {
                black_box(engine.evaluate_memo(black_box(r), &mut memo));
            }
        })
    });
    g.finish();
}

/// `who-can` over a 1,000-agent platform, engine already compiled (issue 7: under 10 ms).
/// Baseline beside it: the naive linear scan of every role's identity statements for the same
/// action and key (no key policy, conditions or explanation).
fn who_can(c: &mut Criterion) {
    let mut g = c.benchmark_group("who_can");
    let spec = data::synthetic_spec(1_000, data::SEED);
    let inventory = data::inventory_of(&spec);
    let engine = iamsim::engine::Engine::new(&inventory).expect("compiles");
    let key = "arn:aws:kms:us-east-1:111122223333:alias/acme-dev-data";
    let key_arn = engine.resolve_alias(key).to_string();
    let ctx = iamsim::request::Context::new();
    g.bench_function("kms_decrypt_1000_agents", |b| {
        b.iter(|| engine.who_can(black_box("kms:Decrypt"), black_box(key), &ctx))
    });
    g.bench_function("linear_scan_1000_agents", |b| {
        b.iter(|| {
            inventory
                .roles
                .iter()
                .filter(|r| {
                    r.inline_policies
                        .iter()
                        .any(|p| data::linear_scan(&p.document, "kms:decrypt", black_box(&key_arn)))
                })
                .count()
        })
    });
    g.finish();
}

criterion_group!(benches, reference, statements, agents, run, who_can);
criterion_main!(benches);
