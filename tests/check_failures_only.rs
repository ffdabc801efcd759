//! `check`'s failures-only load (`LoadOptions::failures_only`, `src/scenario/load/decide.rs`):
//! a text report without `--verbose` decides cases as they are read and lets go those that
//! pass. The law: whatever the suite, the load error, the catalog's warnings and error, the
//! tally and the text report are those of the load that holds every case.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use std::path::{Path, PathBuf};

use iamsim::report::{check_text, TextOptions};
use iamsim::scenario::{load_suite, run_suite, validate_cases, LoadOptions, Tally};
use serde_json::json;

/// What a `check` with a text report shows of `paths`, loaded holding every case or not: the
/// load error, or the warnings, the catalog's error, the tally and the report.
fn shown(paths: &[PathBuf], failures_only: bool, no_catalog: bool) -> String {
    let opts = LoadOptions {
        failures_only,
        no_catalog,
        ..LoadOptions::default()
    };
    let suite = match load_suite(paths, &opts) {
        Ok(s) => s,
        Err(e) => return format!("load error: {e}"),
    };
    let mut shown = String::new();
    if !no_catalog {
        let found = validate_cases(&suite);
        for w in &found.warnings {
            shown.push_str(&format!("warning: {w}\n"));
        }
        if let Some(e) = found.error {
            return format!("{shown}invalid: {e}");
        }
    }
    let outcomes = run_suite(&suite);
    let mut out = Vec::new();
    check_text(&mut out, &suite, &outcomes, TextOptions::default()).unwrap();
    let t = Tally::of_run(&suite, &outcomes);
    format!(
        "{shown}{}{t:?}",
        String::from_utf8(out).expect("the report is text")
    )
}

/// Both loads of `paths` show the same, with and without the catalog; the failures-only one
/// is returned.
fn same(paths: &[PathBuf]) -> String {
    for no_catalog in [false, true] {
        let held = shown(paths, false, no_catalog);
        let decided = shown(paths, true, no_catalog);
        assert_eq!(
            decided, held,
            "{paths:?} (no_catalog: {no_catalog}): failures-only vs every case held"
        );
    }
    shown(paths, true, false)
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_fixture_suite_shows_the_same() {
    let cli = root().join("tests/cli");
    let mut suites = vec![vec![root().join("scenarios")]];
    for entry in std::fs::read_dir(&cli).unwrap() {
        let dir = entry.unwrap().path();
        if dir.join("scenarios").is_dir() {
            suites.push(vec![dir.join("scenarios")]);
        }
        // The single-file fixtures (bad/, warn/, ...), each a suite of its own.
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json" || e == "yaml"))
            .collect();
        files.sort();
        suites.extend(files.into_iter().map(|f| vec![f]));
    }
    assert!(suites.len() > 20, "{suites:?}");
    let mut errors = 0;
    for paths in &suites {
        let shown = same(paths);
        errors += usize::from(shown.starts_with("load error: ") || shown.contains("invalid: "));
    }
    assert!(errors > 5, "the fixtures include bad suites: {errors}");
}

/// A scratch directory of scenario files on the tiny platform (`tests/cli/tiny/policies`).
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("iamsim-failures-only-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    /// Write `file`, of the plain scenarios `cases` (name, action, resource, expect).
    fn write(&self, file: &str, cases: &[(&str, &str, &str, &str)]) {
        self.write_with_context(file, json!({}), cases);
    }

    /// [`Self::write`], with a file-level `context`.
    fn write_with_context(
        &self,
        file: &str,
        context: serde_json::Value,
        cases: &[(&str, &str, &str, &str)],
    ) {
        let policies = root().join("tests/cli/tiny/policies");
        let scenarios: Vec<_> = cases
            .iter()
            .map(|(name, action, resource, expect)| {
                json!({"name": name, "principal": "role/app", "action": action,
                    "resource": resource, "expect": expect})
            })
            .collect();
        // The context first: read before the scenarios, each is expanded as it is read.
        let text = if context == json!({}) {
            json!({"policies": policies, "scenarios": scenarios})
        } else {
            json!({"policies": policies, "context": context, "scenarios": scenarios})
        };
        std::fs::write(self.0.join(file), text.to_string()).unwrap();
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const REPORT: &str = "arn:aws:s3:::acme-reports/q3.csv";

#[test]
fn a_failing_case_is_reported_among_passing_ones_and_the_tally_counts_all() {
    let s = Scratch::new("tally");
    s.write(
        "a.json",
        &[
            ("reads", "s3:GetObject", REPORT, "allow"),
            ("writes", "s3:PutObject", REPORT, "allow"),
            ("deletes", "s3:DeleteObject", REPORT, "deny"),
        ],
    );
    s.write(
        "b.json",
        &[("reads again", "s3:GetObject", REPORT, "allow")],
    );
    let shown = same(std::slice::from_ref(&s.0));
    assert!(
        shown.contains("FAIL ") && shown.contains(": writes\n"),
        "{shown}"
    );
    assert!(
        shown.ends_with("3 passed, 1 failed\nTally { passed: 3, failed: 1, skipped: 0 }"),
        "{shown}"
    );
}

/// A name is unique across the cases held and those let go: the second `reads`, after the first
/// passed and was let go, is a duplicate all the same.
#[test]
fn a_let_go_case_keeps_its_name() {
    let s = Scratch::new("names");
    s.write(
        "a.json",
        &[
            ("reads", "s3:GetObject", REPORT, "allow"),
            ("other", "s3:GetObject", REPORT, "allow"),
            ("reads", "s3:GetObject", REPORT, "allow"),
        ],
    );
    let shown = same(std::slice::from_ref(&s.0));
    assert!(shown.contains("duplicate case name `reads`"), "{shown}");
}

/// A case the catalog rejects is never let go, even when its decision is the one expected: the
/// suite's validation reports the first such case in file order, as when every case is held.
#[test]
fn a_case_the_catalog_rejects_is_held_for_validation() {
    let s = Scratch::new("catalog");
    s.write(
        "a.json",
        &[
            ("reads", "s3:GetObject", REPORT, "allow"),
            ("typo", "s3:GetObjcet", REPORT, "deny"),
        ],
    );
    s.write("b.json", &[("wrong resource", "s3:GetObject", "*", "deny")]);
    let shown = same(std::slice::from_ref(&s.0));
    assert!(
        shown.starts_with("invalid: ")
            && shown.contains("scenario `typo`: unknown action `s3:GetObjcet`"),
        "{shown}"
    );
    // Without the catalog both cases run, and pass.
    let paths = [s.0.clone()];
    assert!(
        shown_no_catalog(&paths).ends_with("Tally { passed: 3, failed: 0, skipped: 0 }"),
        "{}",
        shown_no_catalog(&paths)
    );
}

fn shown_no_catalog(paths: &[PathBuf]) -> String {
    shown(paths, true, true)
}

/// A suite whose every case passes holds none of them.
#[test]
fn a_passing_suite_holds_no_case() {
    let s = Scratch::new("none-held");
    s.write(
        "a.json",
        &[
            ("reads", "s3:GetObject", REPORT, "allow"),
            ("deletes", "s3:DeleteObject", REPORT, "deny"),
        ],
    );
    let opts = LoadOptions {
        failures_only: true,
        ..LoadOptions::default()
    };
    let suite = load_suite(std::slice::from_ref(&s.0), &opts).unwrap();
    assert_eq!((suite.cases.len(), suite.passed_unheld), (0, 2));
    let held = load_suite(std::slice::from_ref(&s.0), &LoadOptions::default()).unwrap();
    assert_eq!((held.cases.len(), held.passed_unheld), (2, 0));
    assert!(Path::new(&s.0).is_dir());
}

/// A case with context keys is held, however it is decided: the suite's validation warns of a
/// key that may be a typo, once per action, in case order.
#[test]
fn a_case_with_context_is_held_for_its_warnings() {
    let s = Scratch::new("context");
    s.write_with_context(
        "a.json",
        json!({"aws:SourceVpcc": "vpc-1"}),
        &[
            ("reads", "s3:GetObject", REPORT, "allow"),
            ("deletes", "s3:DeleteObject", REPORT, "deny"),
        ],
    );
    // After the scenarios, the context makes the file read whole, its cases expanded then.
    let policies = root().join("tests/cli/tiny/policies");
    let late = json!({"policies": policies, "scenarios": [{"name": "lists", "principal": "role/app",
        "action": "s3:ListBucket", "resource": "arn:aws:s3:::acme-reports", "expect": "deny"}],
        "context": {"aws:SourceIpp": "10.0.0.1"}});
    std::fs::write(s.0.join("b.json"), late.to_string()).unwrap();
    let shown = same(std::slice::from_ref(&s.0));
    assert_eq!(
        shown.matches("context key `aws:SourceVpcc`").count(),
        2,
        "{shown}"
    );
    assert_eq!(
        shown.matches("context key `aws:SourceIpp`").count(),
        1,
        "{shown}"
    );
}

/// The limit on one run's cases counts the cases let go: a scenario expanding to exactly the
/// limit after one that passed passes it, as when every case is held.
#[test]
fn the_case_limit_counts_the_cases_let_go() {
    let s = Scratch::new("limit");
    let policies = root().join("tests/cli/tiny/policies");
    let bindings: Vec<String> = (0..2500).map(|i| i.to_string()).collect();
    let resources: Vec<String> = (0..1000)
        .map(|i| format!("arn:aws:s3:::acme-reports/{i}.csv"))
        .collect();
    let text = json!({"policies": policies, "scenarios": [
        {"name": "reads", "principal": "role/app", "action": "s3:GetObject",
            "resource": REPORT, "expect": "allow"},
        {"name": "many ${i}", "principal": "role/app", "for_each": {"i": bindings},
            "actions": ["s3:GetObject", "s3:PutObject"], "resources": resources, "expect": "allow"}]});
    std::fs::write(s.0.join("a.json"), text.to_string()).unwrap();
    let shown = same(std::slice::from_ref(&s.0));
    assert!(
        shown.contains("expands to 5000000 cases, which with the 1 before it passes the limit"),
        "{shown}"
    );
}
