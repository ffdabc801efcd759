//! The whole `iamsim check` pipeline as a library user runs it: loading the repository's own
//! `scenarios/` (read the files, load and compile `policies/`, expand `for_each`, resolve every
//! principal and resource) and running the suite (one evaluation per case, judged). Loading is
//! measured apart from running so the dominant stage is visible. Baseline beside `run_suite`:
//! the same evaluations one after another on one thread, without judging
//! (`run_one_thread_unjudged`), which shows what splitting the cases over the cores buys.

#![expect(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]
#![allow(
    clippy::expect_used,
    reason = "fixed fixtures; a failure is a bench bug"
)]

use std::path::PathBuf;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use iamsim::scenario::{load_suite, run_suite, LoadOptions, Tally};

fn check(c: &mut Criterion) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let paths = vec![dir];
    let opts = LoadOptions::default();
    let suite = load_suite(&paths, &opts).expect("bundled scenarios load");
    let cases = suite.cases.len() as u64;
    let tally = Tally::of(&run_suite(&suite));
    assert_eq!(tally.failed, 0, "the bundled scenarios pass");

    let mut g = c.benchmark_group("check");
    g.throughput(Throughput::Elements(cases));
    g.bench_function("load_suite", |b| {
        b.iter(|| load_suite(black_box(&paths), &opts).expect("loads"))
    });
    g.bench_function("run_suite", |b| b.iter(|| run_suite(black_box(&suite))));
    g.bench_function("run_one_thread_unjudged", |b| {
        b.iter(|| {
            suite
                .cases
                .iter()
                .filter(|c| c.skip.is_none())
                .filter_map(|c| {
                    let (_, engine) = suite.engines.get(c.engine)?;
                    Some(engine.evaluate(&c.request.to_request()).decision)
                })
                .count()
        })
    });
    g.bench_function("load_and_run", |b| {
        b.iter(|| {
            let s = load_suite(black_box(&paths), &opts).expect("loads");
            Tally::of(&run_suite(&s))
        })
    });
    g.finish();
}

criterion_group!(benches, check);
criterion_main!(benches);
