//! The invalid-input corpus (`tests/cases/invalid/`): every case must make the binary exit 2
//! with one exact line on standard error, print nothing on standard output (no decision, no
//! pass), and never panic.
//!
//! Each case is a directory holding `case.json` and the files it lays over `_base/` (a small
//! inventory and a scenario file that pass on their own; see `base_passes`):
//!
//! ```json
//! { "description": "what is wrong",
//!   "args": ["check", "scenarios"],
//!   "stderr": "error: the exact first line",
//!   "usage": false,
//!   "remove": ["policies/users/alice.json"],
//!   "generate": [ {"path": "p.json", "prefix": "[", "repeat": "[", "count": 200},
//!                 {"path": "q.json", "hex": "7b22ff"},
//!                 {"path": "scenarios/loop", "symlink": "."} ] }
//! ```
//!
//! `usage: true` marks clap's usage errors, whose first line is compared and which go on to
//! print a usage block. Generated files (huge, deeply nested, not UTF-8) are written here, not
//! committed. `IAMSIM_CASE=substr,-other` filters cases; `IAMSIM_BLESS=1` rewrites `stderr`
//! with what the binary printed (review the diff: lowercase, one line, names the file and JSON
//! path or scenario, in AWS's words).
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers"
)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/invalid")
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else if e.file_name() != "case.json" {
            fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn selected(name: &str) -> bool {
    let Ok(filter) = std::env::var("IAMSIM_CASE") else {
        return true;
    };
    let (mut any_positive, mut hit) = (false, false);
    for f in filter.split(',').filter(|f| !f.is_empty()) {
        if let Some(neg) = f.strip_prefix('-') {
            if name.contains(neg) {
                return false;
            }
        } else {
            any_positive = true;
            hit |= name.contains(f);
        }
    }
    hit || !any_positive
}

/// Lay the case over a fresh copy of `_base/` and write its generated files.
fn prepare(name: &str, dir: &Path, case: &Value) -> PathBuf {
    let work = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("invalid")
        .join(name);
    let _ = fs::remove_dir_all(&work);
    copy_tree(&corpus().join("_base"), &work);
    copy_tree(dir, &work);
    for r in case["remove"].as_array().into_iter().flatten() {
        let p = work.join(r.as_str().unwrap());
        if p.is_dir() {
            fs::remove_dir_all(p).unwrap();
        } else {
            fs::remove_file(p).unwrap();
        }
    }
    for g in case["generate"].as_array().into_iter().flatten() {
        let path = work.join(g["path"].as_str().unwrap());
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        if let Some(target) = g["symlink"].as_str() {
            std::os::unix::fs::symlink(target, &path).unwrap();
            continue;
        }
        let bytes = if let Some(hex) = g["hex"].as_str() {
            (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                .collect()
        } else {
            let count = g["count"].as_u64().unwrap_or(0) as usize;
            let mut s = g["prefix"].as_str().unwrap_or("").to_string();
            s.push_str(&g["repeat"].as_str().unwrap_or("").repeat(count));
            s.push_str(g["suffix"].as_str().unwrap_or(""));
            s.into_bytes()
        };
        fs::write(&path, bytes).unwrap();
    }
    work
}

fn run(work: &Path, args: &[String]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_iamsim"))
        .args(args)
        .current_dir(work)
        .env("NO_COLOR", "1")
        .env_remove("IAMSIM_CASE")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn base_passes() {
    let work = prepare("_base", &corpus().join("_base"), &Value::Null);
    let (code, stdout, stderr) = run(&work, &["check".into(), "scenarios".into()]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert_eq!(stdout, "2 passed, 0 failed\n");
}

#[test]
fn every_invalid_case_fails_closed() {
    let bless = std::env::var_os("IAMSIM_BLESS").is_some();
    let mut names: Vec<String> = fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "_base")
        .collect();
    names.sort();
    assert!(names.len() >= 80, "the corpus holds {} cases", names.len());
    let mut failures = Vec::new();
    let mut ran = 0;
    for name in names.iter().filter(|n| selected(n)) {
        ran += 1;
        let dir = corpus().join(name);
        let case_path = dir.join("case.json");
        let text = fs::read_to_string(&case_path)
            .unwrap_or_else(|e| panic!("{}: {e}", case_path.display()));
        let mut case: Value = serde_json::from_str(&text).unwrap();
        for k in case.as_object().unwrap().keys() {
            assert!(
                [
                    "description",
                    "args",
                    "stderr",
                    "usage",
                    "remove",
                    "generate"
                ]
                .contains(&k.as_str()),
                "{name}: unknown field `{k}`"
            );
        }
        assert!(case["description"].is_string(), "{name}: no description");
        let args: Vec<String> = case["args"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: no args"))
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect();
        let usage = case["usage"].as_bool().unwrap_or(false);
        let work = prepare(name, &dir, &case);
        let (code, stdout, stderr) = run(&work, &args);
        let first = stderr.lines().next().unwrap_or("").to_string();
        let mut problems = Vec::new();
        if code == Some(101) || stderr.contains("panicked") {
            problems.push(format!("PANIC: {stderr}"));
        } else if code != Some(2) {
            problems.push(format!("exit code {code:?}, expected 2"));
        }
        if !stdout.is_empty() {
            problems.push(format!("printed on stdout: {stdout:?}"));
        }
        if !usage && stderr.lines().count() != 1 {
            problems.push(format!("stderr is not one line: {stderr:?}"));
        }
        if first != case["stderr"].as_str().unwrap_or("") {
            if bless {
                case["stderr"] = Value::String(first.clone());
                let mut out = serde_json::to_string_pretty(&case).unwrap();
                out.push('\n');
                fs::write(&case_path, out).unwrap();
            } else {
                problems.push(format!(
                    "stderr\n      expected: {}\n      actual:   {first}",
                    case["stderr"]
                ));
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{name}:\n    {}", problems.join("\n    ")));
        }
    }
    assert!(ran > 0, "IAMSIM_CASE selected no case");
    assert!(
        failures.is_empty(),
        "{} of {ran} invalid cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// No silent answers: when a condition reads a key the request did not give, `explain` says the
/// answer depends on it (AWS's `MissingContextValues`).
#[test]
fn explain_says_when_the_answer_depends_on_missing_context() {
    let work = prepare(
        "_explain-missing-context",
        &corpus().join("_base"),
        &Value::Null,
    );
    fs::write(
        work.join("p.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
            "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
            "StringEquals": {"aws:PrincipalTag/team": "data"}}}]}"#,
    )
    .unwrap();
    let args: Vec<String> = [
        "explain",
        "--policy",
        "p.json",
        "--principal",
        "arn:aws:iam::111122223333:user/a",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/k",
    ]
    .map(String::from)
    .to_vec();
    let (code, stdout, stderr) = run(&work, &args);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        stdout.lines().last(),
        Some(
            "the answer depends on context keys the request did not give: aws:SourceIp, aws:PrincipalTag/team"
        ),
        "{stdout}"
    );
    // Given both keys, the line goes away and the answer is an allow.
    let mut given = args.clone();
    given.extend(
        [
            "--context",
            "aws:SourceIp=10.1.2.3",
            "--context",
            "aws:PrincipalTag/team=data",
        ]
        .map(String::from),
    );
    let (code, stdout, _) = run(&work, &given);
    assert_eq!(code, Some(0));
    assert!(!stdout.contains("depends on context"), "{stdout}");
    assert!(
        stdout.starts_with("ALLOW") || stdout.contains("Allow"),
        "{stdout}"
    );
}
