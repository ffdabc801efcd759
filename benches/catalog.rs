//! Cost of the embedded AWS catalog: parsing it (paid once per process, on first use) and the
//! lookups a scenario load makes (action, resource check, pattern expansion). The parse must not
//! dominate a small `iamsim check` run, so it should stay within a few milliseconds.

#![expect(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use iamsim::catalog::{Catalog, EMBEDDED_TEXT};

fn parse(c: &mut Criterion) {
    // What the first `Catalog::embedded()` costs: the preamble and the service index.
    c.bench_function("catalog/index_embedded", |b| {
        b.iter(Catalog::index_embedded)
    });
    // The index plus one lookup: the first use in a run touching one service.
    c.bench_function("catalog/index_and_first_lookup", |b| {
        b.iter(|| {
            Catalog::index_embedded()
                .action(black_box("ecr:BatchGetImage"))
                .is_some()
        })
    });
    // Everything parsed and checked: the worst case (`expand("*")`, or `Catalog::parse`).
    c.bench_function("catalog/parse_all", |b| {
        b.iter(|| Catalog::parse(black_box(EMBEDDED_TEXT)))
    });
}

fn lookups(c: &mut Criterion) {
    let catalog = Catalog::embedded();
    c.bench_function("catalog/action", |b| {
        b.iter(|| catalog.action(black_box("ecr:batchgetimage")).is_some())
    });
    c.bench_function("catalog/check_resource", |b| {
        b.iter(|| {
            catalog.check_resource(
                black_box("logs:DescribeLogStreams"),
                black_box("arn:aws:logs:us-east-1:111122223333:log-group:/aws/bedrock-agentcore/runtimes/research:*"),
            )
        })
    });
    c.bench_function("catalog/expand_service_prefix", |b| {
        b.iter(|| catalog.expand(black_box("logs:Describe*")))
    });
    c.bench_function("catalog/suggest", |b| {
        b.iter(|| catalog.suggest(black_box("ecr:BatchGetImages")))
    });
}

criterion_group!(benches, parse, lookups);
criterion_main!(benches);
