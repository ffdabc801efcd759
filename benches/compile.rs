//! What loading a platform costs before the first request: `Engine::new` (policy sets built and
//! indexed by service) on synthetic platforms of 10, 100 and 1,000 agents, and, beside it, the
//! step before (`inventory::from_files`: parsing the generated JSON into policy documents).
//! Both should grow linearly with the number of agents. Baseline beside `engine_new`: gathering
//! each role's statements into one plain list (`plain_lists`), all the linear-scan evaluator of
//! `benches/evaluate.rs` needs, which shows what the service index and prebuilt global keys
//! cost at load.

#![expect(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]
#![allow(
    clippy::expect_used,
    reason = "fixed fixtures; a failure is a bench bug"
)]

mod data;

use std::path::Path;
use std::sync::Arc;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use iamsim::engine::Engine;
use iamsim::inventory::{from_files, Inventory};
use iamsim::platform::generate;
use iamsim::policy::Statement;

fn compile(c: &mut Criterion) {
    let mut g = c.benchmark_group("compile");
    for agents in [10usize, 100, 1_000] {
        let spec = data::synthetic_spec(agents, data::SEED);
        let files = generate(&spec).expect("valid spec");
        let inventory = from_files(&files, Path::new("policies")).expect("loads");
        g.throughput(Throughput::Elements(agents as u64));
        g.bench_with_input(
            BenchmarkId::new("engine_new", agents),
            &inventory,
            |b, inv| b.iter(|| Engine::new(black_box(inv)).expect("compiles")),
        );
        g.bench_with_input(
            BenchmarkId::new("plain_lists", agents),
            &inventory,
            |b, inv| b.iter(|| plain_lists(black_box(inv))),
        );
        g.bench_with_input(BenchmarkId::new("from_files", agents), &files, |b, f| {
            b.iter(|| from_files(black_box(f), Path::new("policies")).expect("loads"))
        });
    }
    g.finish();
}

/// The naive baseline: every role's inline and trust statements in one list per role.
fn plain_lists(inv: &Inventory) -> Vec<Vec<Arc<Statement>>> {
    inv.roles
        .iter()
        .map(|r| {
            r.inline_policies
                .iter()
                .chain(r.trust_policy.iter())
                .flat_map(|p| p.document.statements.iter().cloned())
                .collect()
        })
        .collect()
}

criterion_group!(benches, compile);
criterion_main!(benches);
