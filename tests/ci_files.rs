//! `.pre-commit-hooks.yaml` and `action.yml`: they parse as YAML and have the keys pre-commit
//! and GitHub Actions require (https://pre-commit.com/#new-hooks,
//! https://docs.github.com/en/actions/sharing-automations/creating-actions/metadata-syntax-for-github-actions),
//! and they run the commands the README says they run.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use std::path::PathBuf;

use serde_json::Value;

fn yaml(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn str_at<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string `{key}` in {v}"))
}

#[test]
fn pre_commit_hooks_have_the_required_keys() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_array().expect("a list of hooks");
    let ids: Vec<&str> = hooks.iter().map(|h| str_at(h, "id")).collect();
    assert_eq!(ids, ["iamsim-check", "iamsim-lint"]);
    for h in hooks {
        for key in ["name", "entry", "language"] {
            assert!(!str_at(h, key).is_empty(), "{key} in {h}");
        }
        assert_eq!(str_at(h, "language"), "rust");
        assert_eq!(h["pass_filenames"], Value::Bool(false));
    }
    assert_eq!(str_at(&hooks[0], "entry"), "iamsim check");
}

#[test]
fn action_is_a_composite_that_uploads_sarif_and_junit() {
    let action = yaml("action.yml");
    for key in ["name", "description"] {
        assert!(!str_at(&action, key).is_empty());
    }
    let runs = &action["runs"];
    assert_eq!(str_at(runs, "using"), "composite");
    let steps = runs["steps"].as_array().expect("steps");
    let uses: Vec<&str> = steps
        .iter()
        .filter_map(|s| s.get("uses").and_then(Value::as_str))
        .collect();
    assert!(
        uses.contains(&"github/codeql-action/upload-sarif@v3"),
        "{uses:?}"
    );
    assert!(uses.contains(&"actions/upload-artifact@v4"), "{uses:?}");
    let scripts: Vec<&str> = steps
        .iter()
        .filter_map(|s| s.get("run").and_then(Value::as_str))
        .collect();
    // A composite action's run steps must name their shell.
    for s in steps.iter().filter(|s| s.get("run").is_some()) {
        assert_eq!(str_at(s, "shell"), "bash", "{s}");
    }
    // Each script is valid bash.
    for script in &scripts {
        let ok = std::process::Command::new("bash")
            .args(["-n", "-c", script])
            .status()
            .unwrap();
        assert!(ok.success(), "bash -n rejects:\n{script}");
    }
    let all = scripts.join("\n");
    for needed in [
        "cargo install --locked --path",
        "check \"${paths[@]}\" --format junit --output",
        "iamsim lint \"${paths[@]}\" --format sarif",
    ] {
        assert!(
            all.contains(needed),
            "no `{needed}` in the action's scripts"
        );
    }
    // Inputs reach the scripts through env, never spliced into the script text.
    assert!(!all.contains("${{"), "{all}");
    let inputs = action["inputs"].as_object().unwrap();
    for (name, i) in inputs {
        assert!(!str_at(i, "description").is_empty(), "{name}");
    }
    for used in [
        "scenarios",
        "policies",
        "lint-paths",
        "junit-file",
        "sarif-file",
    ] {
        assert!(inputs.contains_key(used), "{used}");
    }
}
