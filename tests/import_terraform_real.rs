//! The reference platform written as Terraform modules (`examples/terraform/agentcore/`) and
//! planned by real Terraform (`tests/fixtures/import/plan-terraform-real.json`, written by
//! `scripts/gen-terraform-plan`): imported with the `--var`s a user would give, it must carry
//! the documents of the generated `policies/` (up to the order of set elements) and decide
//! every case in `scenarios/` as they do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iamsim::engine::Engine;
use iamsim::import::terraform::{import_plan_str, TerraformOptions};
use iamsim::scenario::{load_inventory_with, load_suite, LoadOptions};
use serde_json::{json, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn plan_path() -> PathBuf {
    root().join("tests/fixtures/import/plan-terraform-real.json")
}

/// What the plan cannot know, as a user passes it with `--var`: the account (the example takes
/// it as a variable, so no known ARN carries it), and the key ids AWS chooses at apply (those of
/// `policies/platform.json`). The `for_each` aliases (`aws_kms_key.this[each.key].key_id`) find
/// their keys without help.
fn vars() -> BTreeMap<String, String> {
    let spec: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("policies/platform.json")).unwrap(),
    )
    .unwrap();
    let account = spec["account_id"].as_str().unwrap();
    let mut vars = BTreeMap::from([("account_id".to_string(), account.to_string())]);
    for (name, id) in spec["kms_keys"].as_object().unwrap() {
        let id = id.as_str().unwrap();
        if name == "gateway" {
            vars.insert(
                "module.platform.aws_kms_key.gateway.key_id".into(),
                id.into(),
            );
            continue;
        }
        vars.insert(
            format!("module.platform.aws_kms_key.this[\"{name}\"].key_id"),
            id.into(),
        );
    }
    vars
}

#[test]
fn the_terraform_platform_decides_every_scenario_as_the_generated_one() {
    let suite = load_suite(&[root().join("scenarios")], &LoadOptions::default()).unwrap();
    assert_eq!(
        suite.engines.len(),
        1,
        "all scenario files share one inventory"
    );
    let generated = &suite.engines[0].1;
    let planned = Engine::new(&load_inventory_with(&plan_path(), &vars()).unwrap()).unwrap();
    assert!(suite.cases.len() >= 690);
    let differences = common::decision_differences(&suite, generated, &planned);
    assert!(
        differences.is_empty(),
        "{} differences:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

#[test]
fn the_terraform_platform_carries_the_generated_documents() {
    let text = std::fs::read_to_string(plan_path()).unwrap();
    let imported = import_plan_str(
        &text,
        "plan-terraform-real.json",
        &TerraformOptions { vars: vars() },
    )
    .unwrap();
    let by_arn = |files: Vec<Value>| -> BTreeMap<String, Value> {
        files
            .into_iter()
            .map(|f| (f["arn"].as_str().unwrap().to_string(), normalize(&f)))
            .collect()
    };
    let planned = by_arn(imported.files.into_values().collect());
    // The runtimes and the gateway that run as the roles (`runs_as`) are not in the plan.
    let generated = by_arn(
        ["roles", "resources"]
            .iter()
            .flat_map(|d| std::fs::read_dir(root().join("policies").join(d)).unwrap())
            .map(|e| read(&e.unwrap().path()))
            .filter(|f| f.get("runs_as").is_none())
            .collect(),
    );
    assert_eq!(
        planned.keys().collect::<Vec<_>>(),
        generated.keys().collect::<Vec<_>>()
    );
    for (arn, g) in &generated {
        assert_eq!(&planned[arn], g, "{arn} (rerun scripts/gen-terraform-plan)");
    }
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The fields both sides write, with every list that is a set in Terraform's
/// `aws_iam_policy_document` (actions, resources, principals, condition values) sorted.
fn normalize(file: &Value) -> Value {
    let docs = |v: &Value| -> Value {
        match v {
            Value::Object(m) => m.iter().map(|(k, d)| (k.clone(), document(d))).collect(),
            _ => v.clone(),
        }
    };
    json!({
        "trust_policy": file.get("trust_policy").map(document),
        "inline_policies": file.get("inline_policies").map(docs),
        "managed_policy_arns": file.get("managed_policy_arns"),
        "permissions_boundary_arn": file.get("permissions_boundary_arn").filter(|v| !v.is_null()),
        "tags": file.get("tags"),
        "aliases": file.get("aliases"),
        "account": file.get("account"),
        "policy": file.get("policy").map(document),
    })
}

fn document(doc: &Value) -> Value {
    let mut doc = doc.clone();
    for st in doc["Statement"].as_array_mut().unwrap() {
        for key in ["Action", "NotAction", "Resource", "NotResource"] {
            if let Some(v) = st.get_mut(key) {
                *v = sorted(v);
            }
        }
        for key in ["Principal", "NotPrincipal"] {
            if let Some(Value::Object(m)) = st.get_mut(key) {
                m.values_mut().for_each(|v| *v = sorted(v));
            }
        }
        if let Some(Value::Object(ops)) = st.get_mut("Condition") {
            for keys in ops.values_mut().filter_map(Value::as_object_mut) {
                keys.values_mut().for_each(|v| *v = sorted(v));
            }
        }
    }
    doc
}

fn sorted(v: &Value) -> Value {
    let mut items: Vec<String> = match v {
        Value::String(s) => vec![s.clone()],
        _ => v
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect(),
    };
    items.sort();
    json!(items)
}
