//! Every relative link in the README and `docs/` points at a file of the repository, so a reader
//! of the repository alone can follow every reference (web links are not fetched).

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
            if target.is_empty()
                || target.starts_with('#')
                || target.contains("://")
                || target.starts_with("mailto:")
            {
                continue;
            }
            let path = target.split('#').next().unwrap_or(target);
            if !dir.join(path).exists() {
                broken.push(format!("{}: {target}", file.display()));
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
