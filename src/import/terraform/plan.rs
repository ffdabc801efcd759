//! Reading `terraform show -json` output into resource instances and configuration expressions
//! (<https://developer.hashicorp.com/terraform/internals/json-format>). Unknown object properties
//! are ignored, as the format's contract asks; a major version other than 1 is rejected.

use std::collections::BTreeMap;

use serde_json::Value;

use super::address::{key_text, strip_keys};
use crate::import::ImportError;

/// One resource instance as the plan will leave it.
#[derive(Debug, Clone)]
pub(crate) struct Instance {
    /// Full address: `module.agent["research"].aws_iam_role.this`.
    pub address: String,
    /// Module instance address: `module.agent["research"]`, or empty for the root module.
    pub module: String,
    /// Module-relative address without key: `aws_iam_role.this`, `data.aws_region.current`.
    pub local: String,
    /// Resource type.
    pub rtype: String,
    /// A data source (`mode` `data`).
    pub data: bool,
    /// `count`/`for_each` key, if any.
    pub index: Option<Value>,
    /// Known values (unknown ones are absent or null).
    pub values: Value,
    /// `after_unknown`: `true` on unknown leaves, or null.
    pub unknown: Value,
}

/// The parts of a plan the importer reads.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Instances by full address.
    pub instances: BTreeMap<String, Instance>,
    /// Configuration expressions by keyless address (`module.agent.aws_iam_role.this`).
    pub expressions: BTreeMap<String, Value>,
    /// Module call expressions by keyless module address (`module.agent`).
    pub calls: BTreeMap<String, Value>,
    /// Module output expressions by keyless module address and output name.
    pub outputs: BTreeMap<(String, String), Value>,
    /// Constant `region` of the (unaliased) `aws` provider configuration.
    pub provider_region: Option<String>,
    /// Values of the root module's input variables (`variables`), known at plan time.
    pub root_vars: BTreeMap<String, Value>,
    /// Whether some `aws` provider configuration sets `default_tags`.
    pub default_tags: bool,
}

impl Plan {
    /// Reads a plan, checking `format_version`.
    pub fn read(file: &str, json: &Value) -> Result<Plan, ImportError> {
        let malformed = |path: &str, message: &str| ImportError::Malformed {
            file: file.to_string(),
            path: path.to_string(),
            message: message.to_string(),
        };
        let version = json
            .get("format_version")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                malformed(
                    "format_version",
                    "missing; is this `terraform show -json` output?",
                )
            })?;
        if version.split('.').next() != Some("1") {
            return Err(ImportError::UnsupportedVersion {
                file: file.to_string(),
                version: version.to_string(),
            });
        }
        let mut plan = Plan::default();
        let mut deleted = Vec::new();
        for rc in json
            .get("resource_changes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let address = rc
                .get("address")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let change = rc.get("change").unwrap_or(&Value::Null);
            let actions: Vec<&str> = change
                .get("actions")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if actions == ["delete"] || actions == ["forget"] {
                deleted.push(address);
                continue;
            }
            let module = rc
                .get("module_address")
                .and_then(Value::as_str)
                .unwrap_or("");
            let values = change.get("after").cloned().unwrap_or(Value::Null);
            let unknown = change.get("after_unknown").cloned().unwrap_or(Value::Null);
            if let Some(inst) = instance(rc, module, values, unknown) {
                plan.instances.insert(inst.address.clone(), inst);
            }
        }
        let planned = json.pointer("/planned_values/root_module");
        let prior = json.pointer("/prior_state/values/root_module");
        for (root, data_only) in [(planned, false), (prior, true)] {
            if let Some(root) = root {
                plan.walk_values(root, "", data_only, &deleted);
            }
        }
        if let Some(root) = json.pointer("/configuration/root_module") {
            plan.walk_config(root, "");
        }
        plan.root_vars = root_vars(json);
        plan.provider_region = provider_region(json, &plan.root_vars);
        plan.default_tags = default_tags(json);
        Ok(plan)
    }

    /// Adds instances of a `planned_values`/`prior_state` module not already known.
    fn walk_values(&mut self, module: &Value, address: &str, data_only: bool, deleted: &[String]) {
        for r in module
            .get("resources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if data_only && r.get("mode").and_then(Value::as_str) != Some("data") {
                continue;
            }
            let values = r.get("values").cloned().unwrap_or(Value::Null);
            if let Some(inst) = instance(r, address, values, Value::Null) {
                if !self.instances.contains_key(&inst.address) && !deleted.contains(&inst.address) {
                    self.instances.insert(inst.address.clone(), inst);
                }
            }
        }
        for child in module
            .get("child_modules")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let child_address = child.get("address").and_then(Value::as_str).unwrap_or("");
            self.walk_values(child, child_address, data_only, deleted);
        }
    }

    /// Indexes configuration expressions, module calls and outputs.
    fn walk_config(&mut self, module: &Value, prefix: &str) {
        for r in module
            .get("resources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let (Some(address), Some(expressions)) = (
                r.get("address").and_then(Value::as_str),
                r.get("expressions"),
            ) {
                self.expressions
                    .insert(format!("{prefix}{address}"), expressions.clone());
            }
        }
        let module_path = prefix.strip_suffix('.').unwrap_or("").to_string();
        if let Some(outputs) = module.get("outputs").and_then(Value::as_object) {
            for (name, output) in outputs {
                if let Some(expr) = output.get("expression") {
                    self.outputs
                        .insert((module_path.clone(), name.clone()), expr.clone());
                }
            }
        }
        if let Some(calls) = module.get("module_calls").and_then(Value::as_object) {
            for (name, call) in calls {
                let child = format!("{prefix}module.{name}");
                if let Some(expressions) = call.get("expressions") {
                    self.calls.insert(child.clone(), expressions.clone());
                }
                if let Some(inner) = call.get("module") {
                    self.walk_config(inner, &format!("{child}."));
                }
            }
        }
    }

    /// The configuration expressions of an instance.
    pub fn expressions_of(&self, inst: &Instance) -> Option<&Value> {
        self.expressions
            .get(&config_address(&inst.module, &inst.local))
    }
}

/// Keyless configuration address of `local` inside module instance `module`.
pub(crate) fn config_address(module: &str, local: &str) -> String {
    if module.is_empty() {
        local.to_string()
    } else {
        format!("{}.{local}", strip_keys(module))
    }
}

/// Builds an instance from a `resource_changes` or `planned_values` entry.
fn instance(r: &Value, module: &str, values: Value, unknown: Value) -> Option<Instance> {
    let rtype = r.get("type").and_then(Value::as_str)?.to_string();
    let name = r.get("name").and_then(Value::as_str)?;
    let data = r.get("mode").and_then(Value::as_str) == Some("data");
    let local = if data {
        format!("data.{rtype}.{name}")
    } else {
        format!("{rtype}.{name}")
    };
    let index = r.get("index").cloned();
    let address = match r.get("address").and_then(Value::as_str) {
        Some(a) => a.to_string(),
        None => {
            let key = index
                .as_ref()
                .map(|i| format!("[{}]", key_text(i)))
                .unwrap_or_default();
            if module.is_empty() {
                format!("{local}{key}")
            } else {
                format!("{module}.{local}{key}")
            }
        }
    };
    Some(Instance {
        address,
        module: module.to_string(),
        local,
        rtype,
        data,
        index,
        values,
        unknown,
    })
}

/// The plan's `variables`: the root module's input values, by name.
fn root_vars(json: &Value) -> BTreeMap<String, Value> {
    json.get("variables")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(name, v)| Some((name.clone(), v.get("value")?.clone())))
        .collect()
}

/// Does any `aws` provider configuration (aliased or in a module) set `default_tags`?
fn default_tags(json: &Value) -> bool {
    json.pointer("/configuration/provider_config")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, c)| c.get("name").and_then(Value::as_str) == Some("aws"))
        .any(|(_, c)| {
            c.pointer("/expressions/default_tags")
                .is_some_and(|d| d.as_array().is_none_or(|a| !a.is_empty()))
        })
}

/// The `region` of the `aws` provider configuration without alias: a constant, or a root
/// variable (`region = var.region`).
fn provider_region(json: &Value, root_vars: &BTreeMap<String, Value>) -> Option<String> {
    let configs = json
        .pointer("/configuration/provider_config")?
        .as_object()?;
    configs
        .values()
        .filter(|c| {
            c.get("name").and_then(Value::as_str) == Some("aws") && c.get("alias").is_none()
        })
        .find_map(|c| {
            let region = c.pointer("/expressions/region")?;
            if let Some(s) = region.get("constant_value").and_then(Value::as_str) {
                return Some(s.to_string());
            }
            match region
                .get("references")
                .and_then(Value::as_array)?
                .as_slice()
            {
                [Value::String(r)] => root_vars
                    .get(r.strip_prefix("var.")?)
                    .and_then(Value::as_str)
                    .map(str::to_string),
                _ => None,
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn other_major_versions_are_rejected() {
        let err = Plan::read("plan.json", &json!({"format_version": "2.0"})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`plan.json` has terraform json `format_version` `2.0`; only 1.x is supported"
        );
    }

    #[test]
    fn deleted_resources_are_dropped_and_prior_data_sources_kept() {
        let plan = json!({
            "format_version": "1.2",
            "resource_changes": [{"address": "aws_iam_role.old", "type": "aws_iam_role", "name": "old", "mode": "managed",
                                  "change": {"actions": ["delete"], "before": {}, "after": null}}],
            "prior_state": {"values": {"root_module": {"resources": [
                {"address": "aws_iam_role.old", "mode": "managed", "type": "aws_iam_role", "name": "old", "values": {}},
                {"address": "data.aws_region.current", "mode": "data", "type": "aws_region", "name": "current", "values": {"name": "us-east-1"}}
            ]}}}
        });
        let plan = Plan::read("plan.json", &plan).unwrap();
        assert_eq!(
            plan.instances.keys().collect::<Vec<_>>(),
            ["data.aws_region.current"]
        );
    }
}
