//! Does the wildcard matcher earn its keep? `Wildcard` (patterns classified at compile time into
//! exact / prefix / suffix / contains / bit-parallel NFA) against the obvious alternative, a
//! `regex::Regex` built from the same pattern, on the pattern shapes IAM policies hold: exact
//! action names, `Service:Verb*` prefixes, general ARN patterns with several wildcards, and an
//! adversarial `*a*a*...*b` that would make a backtracking matcher exponential. The `wildmatch`
//! crate (the matcher the design card named) runs beside both on the same patterns and inputs:
//! case-insensitive for the action shapes (exact, prefix), as IAM compares actions, and
//! case-sensitive for the ARN shapes.

#![expect(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]
#![allow(
    clippy::expect_used,
    reason = "fixed patterns; a failure is a bench bug"
)]

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use iamsim::pattern::{Dialect, Wildcard};
use regex::Regex;
use wildmatch::WildMatch;

/// `wildmatch`'s matcher for case `name`: actions compare ignoring case, ARNs exactly.
fn to_wildmatch(name: &str, pattern: &str) -> WildMatch {
    if matches!(name, "exact" | "prefix") {
        WildMatch::new_case_insensitive(pattern)
    } else {
        WildMatch::new(pattern)
    }
}

/// The naive baseline: `*` becomes `.*`, `?` becomes `.`, everything else is escaped.
fn to_regex(pattern: &str) -> Regex {
    let mut re = String::from("^");
    for c in pattern.chars() {
        match c {
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    Regex::new(&re).expect("escaped pattern compiles")
}

fn cases() -> Vec<(&'static str, String, String)> {
    vec![
        ("exact", "s3:getobject".into(), "s3:getobject".into()),
        (
            "prefix",
            "logs:describe*".into(),
            "logs:describeloggroups".into(),
        ),
        (
            "general",
            "arn:aws:s3:::acme-*-artifacts/runs/*/output-??.json".into(),
            "arn:aws:s3:::acme-dev-artifacts/runs/2024-06-01/output-07.json".into(),
        ),
        ("adversarial", "*a*a*a*a*a*a*a*b".into(), "a".repeat(1_000)),
    ]
}

fn matching(c: &mut Criterion) {
    let mut g = c.benchmark_group("pattern/is_match");
    for (name, pattern, text) in cases() {
        let w = Wildcard::new(&pattern, Dialect::Plain).expect("short pattern");
        let r = to_regex(&pattern);
        let m = to_wildmatch(name, &pattern);
        assert_eq!(
            w.is_match(&text),
            r.is_match(&text),
            "{name}: oracles disagree"
        );
        assert_eq!(
            w.is_match(&text),
            m.matches(&text),
            "{name}: wildmatch disagrees"
        );
        g.bench_with_input(BenchmarkId::new("wildcard", name), &text, |b, t| {
            b.iter(|| w.is_match(black_box(t)))
        });
        g.bench_with_input(BenchmarkId::new("regex", name), &text, |b, t| {
            b.iter(|| r.is_match(black_box(t)))
        });
        g.bench_with_input(BenchmarkId::new("wildmatch", name), &text, |b, t| {
            b.iter(|| m.matches(black_box(t)))
        });
    }
    g.finish();
}

fn compiling(c: &mut Criterion) {
    let mut g = c.benchmark_group("pattern/compile");
    for (name, pattern, _) in cases() {
        g.bench_with_input(BenchmarkId::new("wildcard", name), &pattern, |b, p| {
            b.iter(|| Wildcard::new(black_box(p), Dialect::Plain))
        });
        g.bench_with_input(BenchmarkId::new("regex", name), &pattern, |b, p| {
            b.iter(|| to_regex(black_box(p)))
        });
        g.bench_with_input(BenchmarkId::new("wildmatch", name), &pattern, |b, p| {
            b.iter(|| to_wildmatch(name, black_box(p)))
        });
    }
    g.finish();
}

criterion_group!(benches, matching, compiling);
criterion_main!(benches);
