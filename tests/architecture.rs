//! The module layers of docs/architecture.md, enforced: no module of `src/` imports from a later
//! layer, two modules never import each other, and no two files of one module depend on each
//! other (directly or around a longer loop). Test modules (`#[cfg(test)] mod tests`) and comments
//! are not read: a test may use what it likes.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)] // a test: a bad pattern here is a bug in the test

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use regex::Regex;

/// Every top-level module of `src/` and its layer (docs/architecture.md, "Layers"). A module may
/// import from its own layer or an earlier one. A new module must be added here.
const LAYERS: &[(&str, u8)] = &[
    ("ansi", 0),
    ("hash", 0),
    ("par", 0),
    ("json", 0),
    ("jsonpos", 0),
    ("pattern", 0),
    ("catalog", 0),
    ("policy", 1),
    ("condition", 2),
    ("request", 3),
    ("inventory", 4),
    ("import", 4),
    ("platform", 4),
    ("engine", 5),
    ("scenario", 6),
    ("diff", 6),
    ("lint", 6),
    ("reach", 6),
    ("prove", 6),
    ("matrix", 6),
    ("report", 7),
    ("cli", 8),
    ("commands", 8),
];

fn layer_of(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// The source as the compiler reads it, less comments and the trailing test module.
fn code_of(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => &text[..],
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module names a piece of code imports through `crate::`, including the
/// grouped form `crate::{a::X, b::{Y, Z}}`.
fn crate_imports(code: &str) -> BTreeSet<String> {
    let single = Regex::new(r"crate::([a-z_][a-z0-9_]*)").unwrap();
    let mut out: BTreeSet<String> = single
        .captures_iter(code)
        .map(|c| c[1].to_string())
        .collect();
    for (start, _) in code.match_indices("crate::{") {
        let mut depth = 0usize;
        let mut item = String::new();
        for ch in code[start + "crate::".len()..].chars() {
            match ch {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            if depth == 1 && (ch == ',' || ch == '{') || depth == 0 {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
                item.clear();
                if depth == 0 {
                    break;
                }
            } else if depth == 1 {
                item.push(ch);
            }
        }
    }
    out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// (module, file relative to src) for every library file; `lib.rs` and `main.rs` are not modules.
fn library_files() -> Vec<(String, PathBuf)> {
    let root = src();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .filter_map(|p| {
            let rel = p.strip_prefix(&root).ok()?.to_path_buf();
            let first = rel.components().next()?.as_os_str().to_str()?.to_string();
            let module = first.strip_suffix(".rs").unwrap_or(&first).to_string();
            (module != "lib" && module != "main").then_some((module, rel))
        })
        .collect()
}

#[test]
fn every_module_has_a_layer() {
    let unknown: BTreeSet<String> = library_files()
        .into_iter()
        .map(|(m, _)| m)
        .filter(|m| layer_of(m).is_none())
        .collect();
    assert!(
        unknown.is_empty(),
        "modules with no layer in tests/architecture.rs (add them, and to docs/architecture.md): {unknown:?}"
    );
}

#[test]
fn no_module_imports_from_a_later_layer_or_back() {
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut upward = Vec::new();
    for (module, rel) in library_files() {
        let Some(layer) = layer_of(&module) else {
            continue;
        };
        for dep in crate_imports(&code_of(&src().join(&rel))) {
            if dep == module {
                continue;
            }
            match layer_of(&dep) {
                Some(l) if l > layer => upward.push(format!(
                    "src/{}: `{module}` (layer {layer}) imports `{dep}` (layer {l})",
                    rel.display()
                )),
                _ => {}
            }
            deps.entry(module.clone()).or_default().insert(dep);
        }
    }
    assert!(upward.is_empty(), "upward imports:\n{}", upward.join("\n"));
    let mutual: Vec<String> = deps
        .iter()
        .flat_map(|(a, ds)| ds.iter().map(move |b| (a, b)))
        .filter(|(a, b)| a < b && deps.get(*b).is_some_and(|d| d.contains(*a)))
        .map(|(a, b)| format!("`{a}` <-> `{b}`"))
        .collect();
    assert!(
        mutual.is_empty(),
        "modules importing each other: {mutual:?}"
    );
}

/// The files of one folder of `src/` (not `mod.rs`, which declares them) and which siblings each
/// one names through `super::` or its full `crate::` path.
fn sibling_graph(dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let Ok(entries) = fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    // A sibling is a file (`a.rs`) or a folder module (`a/mod.rs`, read as all its files).
    let files: BTreeSet<String> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            if e.path().join("mod.rs").is_file() {
                return Some(name);
            }
            name.strip_suffix(".rs").map(str::to_string)
        })
        .filter(|n| n != "mod")
        .collect();
    let rel = dir.strip_prefix(src()).unwrap_or(dir);
    let path = rel
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .collect::<Vec<_>>()
        .join("::");
    let by_path = Regex::new(&format!(r"crate::{path}::([a-z_][a-z0-9_]*)")).unwrap();
    let by_super = Regex::new(r"\bsuper::([a-z_][a-z0-9_]*)").unwrap();
    let by_super_group = Regex::new(r"\bsuper::\{([^}]*)\}").unwrap();
    let mut graph = BTreeMap::new();
    for f in &files {
        let folder = dir.join(f);
        let code = if folder.is_dir() {
            let mut inner = Vec::new();
            rust_files(&folder, &mut inner);
            inner
                .iter()
                .map(|p| code_of(p))
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            code_of(&dir.join(format!("{f}.rs")))
        };
        let mut named: BTreeSet<String> = by_path
            .captures_iter(&code)
            .chain(by_super.captures_iter(&code))
            .map(|c| c[1].to_string())
            .collect();
        for group in by_super_group.captures_iter(&code) {
            for item in group[1].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                named.insert(name);
            }
        }
        let siblings = named
            .into_iter()
            .filter(|n| n != f && files.contains(n))
            .collect();
        graph.insert(f.clone(), siblings);
    }
    graph
}

/// A loop through `start` in `graph`, as the list of files around it.
fn cycle_through(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut stack = vec![(start.to_string(), vec![start.to_string()])];
    let mut seen = BTreeSet::new();
    while let Some((node, path)) = stack.pop() {
        for next in graph.get(&node).into_iter().flatten() {
            if next == start {
                return Some(path.clone());
            }
            if seen.insert(next.clone()) {
                let mut p = path.clone();
                p.push(next.clone());
                stack.push((next.clone(), p));
            }
        }
    }
    None
}

#[test]
fn no_two_files_of_a_module_depend_on_each_other() {
    let mut dirs = BTreeSet::new();
    for (_, rel) in library_files() {
        if let Some(parent) = rel.parent().filter(|p| !p.as_os_str().is_empty()) {
            dirs.insert(src().join(parent));
        }
    }
    let mut cycles = Vec::new();
    for dir in dirs {
        let graph = sibling_graph(&dir);
        let mut reported = BTreeSet::new();
        for f in graph.keys() {
            if reported.contains(f) {
                continue;
            }
            if let Some(cycle) = cycle_through(&graph, f) {
                reported.extend(cycle.iter().cloned());
                cycles.push(format!(
                    "{}: {}",
                    dir.strip_prefix(src()).unwrap_or(&dir).display(),
                    cycle.join(" -> ")
                ));
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "files of one module that depend on each other (move the shared type to its own file):\n{}",
        cycles.join("\n")
    );
}

#[test]
fn the_import_reader_sees_grouped_and_nested_paths() {
    let code = "use crate::{engine::Engine, policy::{A, B}};\nuse crate::request::Request;";
    let got: Vec<String> = crate_imports(code).into_iter().collect();
    assert_eq!(got, ["engine", "policy", "request"]);
}
