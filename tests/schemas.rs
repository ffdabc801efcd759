//! The JSON Schemas in `schemas/`: generated from the Rust types (`iamsim schema`), committed,
//! and kept in step. `IAMSIM_BLESS=1 cargo test --test schemas` rewrites the committed files from
//! the types. Every committed scenario file, inventory file and lint config is validated
//! against its schema with the `jsonschema` crate.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::path::{Path, PathBuf};

use iamsim::cli::args::SchemaFormat;
use iamsim::cli::{schema_text, SCHEMAS};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schema_file(format: SchemaFormat) -> PathBuf {
    let (_, name) = SCHEMAS.iter().find(|(f, _)| *f == format).unwrap();
    root().join("schemas").join(name)
}

#[test]
fn committed_schemas_match_the_types() {
    let bless = std::env::var_os("IAMSIM_BLESS").is_some();
    let mut stale = Vec::new();
    for (format, name) in SCHEMAS {
        let path = root().join("schemas").join(name);
        let want = schema_text(*format);
        let got = std::fs::read_to_string(&path).unwrap_or_default();
        if got != want {
            if bless {
                std::fs::write(&path, &want).unwrap();
            } else {
                stale.push(name.to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "schemas/ differs from the types for {stale:?}: run `IAMSIM_BLESS=1 cargo test --test schemas`"
    );
    // No schema file that no format writes.
    let mut listed: Vec<String> = std::fs::read_dir(root().join("schemas"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    listed.sort();
    let mut known: Vec<String> = SCHEMAS.iter().map(|(_, n)| n.to_string()).collect();
    known.sort();
    assert_eq!(listed, known);
}

fn validator(format: SchemaFormat) -> jsonschema::Validator {
    let text = std::fs::read_to_string(schema_file(format)).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

/// Validate `file` (JSON or YAML); returns the errors as lines.
fn errors(v: &jsonschema::Validator, file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let value: Value = match file.extension().and_then(|e| e.to_str()) {
        Some("yaml" | "yml") => serde_norway::from_str(&text).unwrap(),
        _ => serde_json::from_str(&text).unwrap(),
    };
    v.iter_errors(&value)
        .map(|e| format!("{}: {} at {}", file.display(), e, e.instance_path()))
        .collect()
}

fn files(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p, exts));
        } else if p
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| exts.contains(&x))
        {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn committed_scenario_files_follow_the_schema() {
    let v = validator(SchemaFormat::Scenario);
    let mut all = Vec::new();
    for dir in [
        "scenarios",
        "examples/production/scenarios",
        "tests/cli/yaml",
    ] {
        all.extend(files(&root().join(dir), &["json", "yaml", "yml"]));
    }
    assert!(all.len() >= 12, "{all:?}");
    let problems: Vec<String> = all.iter().flat_map(|f| errors(&v, f)).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn committed_inventories_follow_the_schemas() {
    let mut checked = 0;
    let mut problems = Vec::new();
    for inv in [
        "policies",
        "examples/production/policies",
        "tests/fixtures/lint/inventory",
        "tests/cli/vpce/policies",
        "tests/cli/users/policies",
    ] {
        let dir = root().join(inv);
        for (sub, format) in [
            ("roles", SchemaFormat::InventoryRole),
            ("users", SchemaFormat::InventoryUser),
            ("groups", SchemaFormat::InventoryGroup),
            ("managed", SchemaFormat::InventoryManaged),
            ("resources", SchemaFormat::InventoryResource),
            ("endpoints", SchemaFormat::InventoryEndpoint),
        ] {
            let v = validator(format);
            for f in files(&dir.join(sub), &["json"]) {
                problems.extend(errors(&v, &f));
                checked += 1;
            }
        }
        for (name, format) in [
            ("organization.json", SchemaFormat::InventoryOrganization),
            ("ownership.json", SchemaFormat::InventoryOwnership),
        ] {
            let f = dir.join(name);
            if f.is_file() {
                problems.extend(errors(&validator(format), &f));
                checked += 1;
            }
        }
    }
    assert!(checked >= 30, "only {checked} files");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_lint_config_follows_its_schema() {
    let v = validator(SchemaFormat::LintConfig);
    let problems = errors(&v, &root().join("iamsim-lint.json"));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The schemas reject what the loaders reject: an unknown field, a missing required one.
#[test]
fn schemas_reject_unknown_and_missing_fields() {
    let v = validator(SchemaFormat::Scenario);
    assert!(!v.is_valid(&serde_json::json!({"scenarios": [], "extra": 1})));
    assert!(!v.is_valid(&serde_json::json!({"description": "no scenarios"})));
    assert!(!v.is_valid(
        &serde_json::json!({"scenarios": [{"name": "n", "principal": "p", "expect": "alow"}]})
    ));
    assert!(v.is_valid(&serde_json::json!({"$schema": "x", "scenarios": [{"name": "n", "principal": "p", "expect": "allow"}]})));
    let v = validator(SchemaFormat::InventoryRole);
    assert!(!v.is_valid(&serde_json::json!({"arn": "a", "trust_polcy": {}})));
    assert!(!v.is_valid(&serde_json::json!({"path": "/"})));
}

/// Every directory under `dir` named `name`.
fn dirs_named(dir: &Path, name: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == name) {
                out.push(p.clone());
            }
            dirs_named(&p, name, out);
        }
    }
}

/// What the loaders accept, the schemas accept: every inventory under tests/ that loads, and
/// every scenario file under tests/ that parses, follows its schema.
#[test]
fn what_the_loaders_accept_the_schemas_accept() {
    let mut inventories = Vec::new();
    dirs_named(&root().join("tests"), "policies", &mut inventories);
    dirs_named(&root().join("tests"), "inventory", &mut inventories);
    let mut loaded = 0;
    let mut problems = Vec::new();
    for dir in &inventories {
        if iamsim::inventory::load_dir(dir).is_err() {
            continue;
        }
        loaded += 1;
        for (sub, format) in [
            ("roles", SchemaFormat::InventoryRole),
            ("users", SchemaFormat::InventoryUser),
            ("groups", SchemaFormat::InventoryGroup),
            ("managed", SchemaFormat::InventoryManaged),
            ("resources", SchemaFormat::InventoryResource),
            ("endpoints", SchemaFormat::InventoryEndpoint),
        ] {
            let v = validator(format);
            for f in files(&dir.join(sub), &["json"]) {
                problems.extend(errors(&v, &f));
            }
        }
        for (name, format) in [
            ("organization.json", SchemaFormat::InventoryOrganization),
            ("ownership.json", SchemaFormat::InventoryOwnership),
        ] {
            if dir.join(name).is_file() {
                problems.extend(errors(&validator(format), &dir.join(name)));
            }
        }
    }
    assert!(loaded >= 10, "only {loaded} inventories load");
    let v = validator(SchemaFormat::Scenario);
    let mut parsed = 0;
    for f in files(&root().join("tests/cli"), &["json", "yaml", "yml"]) {
        if f.components().any(|c| c.as_os_str() == "cases") {
            continue;
        }
        let value = if f.extension().is_some_and(|e| e == "json") {
            let Ok(v) = serde_json::from_str::<Value>(&std::fs::read_to_string(&f).unwrap()) else {
                continue;
            };
            v
        } else {
            let Ok(v) = iamsim::scenario::read_yaml(&f) else {
                continue;
            };
            v
        };
        if value.get("scenarios").is_none()
            || iamsim::scenario::parse_file(value.clone(), "f").is_err()
        {
            continue;
        }
        parsed += 1;
        problems.extend(
            v.iter_errors(&value)
                .map(|e| format!("{}: {e} at {}", f.display(), e.instance_path())),
        );
    }
    assert!(parsed >= 30, "only {parsed} scenario files parse");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
