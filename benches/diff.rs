//! Cost of `iamsim diff`: building the request space, planning and asking both sides. Two
//! platforms from the generator: the reference platform against itself with one agent added
//! (target: under 100 ms), and a 1,000-agent platform with seeded random agent keys against
//! itself with one agent added (target: under 5 s), once pruned (the default: only requests
//! where something that decides them changed) and once asking every candidate (`full`).

#![expect(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use std::path::Path;
use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use iamsim::diff::{diff, DiffOptions};
use iamsim::inventory::{from_files, Inventory};
use iamsim::platform::{generate, AgentSpec, PlatformSpec};

fn inventory(spec: &PlatformSpec) -> Inventory {
    match generate(spec).map(|files| from_files(&files, Path::new("policies"))) {
        Ok(Ok(inv)) => inv,
        _ => Inventory::default(),
    }
}

/// The reference platform plus `n` agents with random keys (a fixed-seed LCG), every fifth
/// with the research agent's variables.
fn synthetic(n: usize) -> PlatformSpec {
    let mut spec = PlatformSpec::reference();
    let research = spec.agents.get("research").cloned().unwrap_or_default();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        state >> 33
    };
    while spec.agents.len() < n + 4 {
        let len = 3 + next() % 8;
        let key: String = (0..len)
            .map(|_| char::from(b'a' + u8::try_from(next() % 26).unwrap_or(0)))
            .collect();
        let agent = if spec.agents.len().is_multiple_of(5) {
            research.clone()
        } else {
            AgentSpec::default()
        };
        spec.agents.entry(key).or_insert(agent);
    }
    spec
}

fn with_new_agent(spec: &PlatformSpec) -> PlatformSpec {
    let mut head = spec.clone();
    head.agents.insert("newagent".into(), AgentSpec::default());
    head
}

fn benches(c: &mut Criterion) {
    let reference = PlatformSpec::reference();
    let (base, head) = (
        inventory(&reference),
        inventory(&with_new_agent(&reference)),
    );
    c.bench_function("diff/reference_plus_one_agent", |b| {
        b.iter(|| diff(black_box(&base), black_box(&head), &DiffOptions::default()))
    });

    let big = synthetic(1000);
    let (base, head) = (inventory(&big), inventory(&with_new_agent(&big)));
    let mut group = c.benchmark_group("diff/1000_agents");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("plus_one_agent", |b| {
        b.iter(|| diff(black_box(&base), black_box(&head), &DiffOptions::default()))
    });
    let full = DiffOptions {
        full: true,
        threads: 0,
    };
    group.bench_function("plus_one_agent_full", |b| {
        b.iter(|| diff(black_box(&base), black_box(&head), &full))
    });
    group.finish();
}

criterion_group!(diff_benches, benches);
criterion_main!(diff_benches);
