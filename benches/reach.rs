//! What `iamsim reach` costs (issue #13's targets): computing the escalation graph of a
//! synthetic platform of 10, 100 and 1,000 agents (every agent's runtime and the gateway run as
//! their roles), and one `reach` query on it (the shortest path to each of the ~1,000 principals
//! an agent reaches, each re-proved with its deciding statements). Figures in
//! docs/performance.md.

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

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use iamsim::engine::Engine;
use iamsim::inventory::from_files;
use iamsim::platform::generate;
use iamsim::reach::{Graph, Options};

fn reach(c: &mut Criterion) {
    let mut g = c.benchmark_group("reach");
    g.sample_size(10);
    for agents in [10usize, 100, 1_000] {
        let spec = data::synthetic_spec(agents, data::SEED);
        let files = generate(&spec).expect("valid spec");
        let inventory = from_files(&files, Path::new("policies")).expect("loads");
        let engine = Engine::new(&inventory).expect("compiles");
        g.bench_with_input(BenchmarkId::new("graph", agents), &agents, |b, _| {
            b.iter(|| Graph::build(black_box(&inventory), &engine, &Options::default()))
        });
        let graph = Graph::build(&inventory, &engine, &Options::default());
        let first = spec.agent_role_arn(spec.agents.keys().next().expect("an agent"));
        g.bench_with_input(BenchmarkId::new("query", agents), &first, |b, p| {
            b.iter(|| graph.reach(black_box(p)).expect("a principal"))
        });
    }
    g.finish();
}

criterion_group!(benches, reach);
criterion_main!(benches);
