//! Every relative link in the README and `docs/` points at a file of the repository (and, with a
//! `#fragment`, at one of its headings), and every repository path they name in a code span
//! exists, so a reader of the repository alone can follow every reference (web links are not
//! fetched). Also: the fields docs/formats.md lists for `check --format json` are the fields a
//! report has.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::fs;
use std::path::{Path, PathBuf};

fn markdown_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    if let Ok(entries) = fs::read_dir(root.join("docs")) {
        files.extend(
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "md")),
        );
    }
    files.sort();
    files
}

/// The targets of `[text](target)` links in `text`, outside code spans.
fn link_targets(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut rest = line;
        while let Some(after) = rest.find("](").and_then(|i| rest.get(i + 2..)) {
            let Some((target, tail)) = after.split_once(')') else {
                break;
            };
            out.push(target.to_string());
            rest = tail;
        }
    }
    out
}

#[test]
fn every_relative_doc_link_resolves() {
    let mut broken = Vec::new();
    for file in markdown_files() {
        let text = fs::read_to_string(&file).unwrap_or_default();
        let dir = file.parent().unwrap_or(Path::new("."));
        for target in link_targets(&text) {
            let target = target.split_whitespace().next().unwrap_or("");
            if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (path, fragment) = target.split_once('#').unwrap_or((target, ""));
            let linked = if path.is_empty() {
                file.clone()
            } else {
                dir.join(path)
            };
            if !linked.exists() {
                broken.push(format!("{}: {target}", file.display()));
            } else if !fragment.is_empty() && linked.extension().is_some_and(|x| x == "md") {
                let text = fs::read_to_string(&linked).unwrap_or_default();
                if !heading_slugs(&text).iter().any(|s| s == fragment) {
                    broken.push(format!("{}: {target} (no such heading)", file.display()));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "links to nothing:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_link_reader_finds_links() {
    assert_eq!(
        link_targets("see [a](docs/a.md) and [b](https://x.y/z) then [c](#top)"),
        ["docs/a.md", "https://x.y/z", "#top"]
    );
}

/// GitHub's anchors for the headings of a Markdown text: lowercased, punctuation other than `-`
/// and `_` dropped, spaces as `-` (code blocks skipped).
fn heading_slugs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        }
        let Some(title) = line.trim_start_matches('#').strip_prefix(' ') else {
            continue;
        };
        if fenced || !line.starts_with('#') {
            continue;
        }
        let slug: String = title
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        out.push(slug);
    }
    out
}

#[test]
fn slugs_are_githubs() {
    assert_eq!(
        heading_slugs("# T\n## Escalation paths (`iamsim reach`)\n```\n# not a heading\n```\n"),
        ["t", "escalation-paths-iamsim-reach"]
    );
}

/// Repository paths named in code spans: `src/...`, `tests/...`, `docs/...` and the other
/// top-level folders, without placeholders or wildcards.
fn code_span_paths(text: &str) -> Vec<String> {
    const TOP: &[&str] = &[
        "src/",
        "tests/",
        "docs/",
        "scripts/",
        "benches/",
        "examples/",
        "fuzz/",
        "data/",
        "policies/",
        "scenarios/",
        ".ci/",
    ];
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        for (i, span) in line.split('`').enumerate() {
            let path = span.split_whitespace().next().unwrap_or("");
            let plain = !path.contains(['<', '>', '*', '$', '{', '}', '?', '=', ',']);
            if i % 2 == 1 && plain && TOP.iter().any(|t| path.starts_with(t)) {
                out.push(path.trim_end_matches(['.', ':', ')']).to_string());
            }
        }
    }
    out
}

#[test]
fn every_path_in_a_code_span_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut missing = Vec::new();
    for file in markdown_files() {
        let text = fs::read_to_string(&file).unwrap_or_default();
        for path in code_span_paths(&text) {
            if !root.join(&path).exists() {
                missing.push(format!("{}: {path}", file.display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "paths that do not exist:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_path_reader_finds_paths() {
    assert_eq!(
        code_span_paths(
            "see `src/lib.rs` and `docs/x.md#y`, not `tests/fixtures/tf-*/` or `cargo test`"
        ),
        ["src/lib.rs", "docs/x.md#y"]
    );
}

/// The `| \`field\` |` rows of the table under `header` in `section`.
fn documented_fields(section: &str, header: &str) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    let mut inside = false;
    for line in section.lines() {
        if line.starts_with(header) {
            inside = true;
            continue;
        }
        if inside && !line.starts_with('|') {
            break;
        }
        if let Some(field) = line.strip_prefix("| `").and_then(|l| l.split('`').next()) {
            if inside {
                out.insert(field.to_string());
            }
        }
    }
    out
}

#[test]
fn the_check_json_fields_are_documented() {
    use iamsim::scenario::{load_suite, run_suite, LoadOptions};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let formats = fs::read_to_string(root.join("docs/formats.md")).unwrap();
    let start = formats.find("## Reports: `check --format json`").unwrap();
    let end = start + 3 + formats[start + 3..].find("\n## ").unwrap();
    let section = &formats[start..end];
    let mut top = std::collections::BTreeSet::new();
    let mut case = std::collections::BTreeSet::new();
    for dir in [
        "tests/cli/failing/scenarios",
        "tests/cli/warn/context-key-typo.json",
    ] {
        let mut suite = load_suite(&[root.join(dir)], &LoadOptions::default()).unwrap();
        let found = iamsim::scenario::validate_cases(&suite);
        suite
            .warnings
            .extend(found.warnings.iter().map(ToString::to_string));
        let mut out = Vec::new();
        iamsim::report::check_json(&mut out, &suite, &run_suite(&suite)).unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
        top.extend(doc.as_object().unwrap().keys().cloned());
        for c in doc["cases"].as_array().unwrap() {
            case.extend(c.as_object().unwrap().keys().cloned());
        }
    }
    let mut out = Vec::new();
    iamsim::report::load_error_json(&mut out, "x").unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    top.extend(doc.as_object().unwrap().keys().cloned());
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(top, documented_fields(section, "| field |"));
    assert_eq!(case, documented_fields(section, "| case field |"));
}

/// Every file under `dir` (recursively) with one of `exts`.
fn files_under(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, exts, out);
        } else if p.extension().is_some_and(|x| exts.iter().any(|e| x == *e))
            || (exts.contains(&"") && p.extension().is_none())
        {
            out.push(p);
        }
    }
}

#[test]
fn every_doc_the_code_names_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let named = regex::Regex::new(r"docs/[A-Za-z0-9_-]+\.md").unwrap();
    let mut files = Vec::new();
    for dir in ["src", "scripts", "tests", "benches", "examples", ".ci"] {
        files_under(&root.join(dir), &["rs", "py", "mjs", "js", ""], &mut files);
    }
    let this = root.join("tests/doc_links.rs");
    let mut missing = Vec::new();
    for file in files.iter().filter(|f| **f != this) {
        let text = fs::read_to_string(file).unwrap_or_default();
        for m in named.find_iter(&text) {
            if !root.join(m.as_str()).exists() {
                missing.push(format!("{}: {}", file.display(), m.as_str()));
            }
        }
    }
    assert!(files.len() > 100, "{} files", files.len());
    assert!(
        missing.is_empty(),
        "docs that do not exist:\n{}",
        missing.join("\n")
    );
}
