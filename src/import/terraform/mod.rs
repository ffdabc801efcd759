//! Terraform plan JSON (`terraform show -json PLAN`, `format_version` 1.x) -> inventory files.
//!
//! Policies are read where the plan has them: resource values after the plan
//! (`resource_changes[].change.after`, `planned_values`), data sources read at plan time
//! (`prior_state`), and, for values unknown at plan time, the references of `configuration`.
//! Anything that stays unknown is one [`ImportError::Unresolved`] listing every address.
//! See docs/import.md.

mod address;
mod compute;
mod context;
mod iam;
mod lists;
mod node;
mod organizations;
mod plan;
mod resolve;
mod resources;
mod tags;

use std::collections::BTreeMap;

use serde_json::Value;

use super::{parse_json, ImportError, Imported};
use context::Cx;
use plan::Plan;
use resolve::Resolver;

/// Values the user gives for what the plan cannot know (`--var KEY=VALUE`).
///
/// Keys: `account_id`, `region`, `partition`, `management_account`, `full_aws_access`
/// (`true`/`false`: is FullAWSAccess still attached at every organization level),
/// `parent.<ou or account id>` (its parent: `root` or an OU id), or a Terraform address
/// followed by an attribute (`aws_kms_key.data.key_id`, `module.x["a"].aws_iam_role.r.arn`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TerraformOptions {
    /// The values, by key.
    pub vars: BTreeMap<String, String>,
}

/// Keys that are not Terraform addresses.
const PLAIN_KEYS: [&str; 5] = [
    "account_id",
    "region",
    "partition",
    "management_account",
    "full_aws_access",
];

impl TerraformOptions {
    /// Adds a value.
    pub fn var(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.vars.insert(key.into(), value.into());
        self
    }

    /// Parses a `KEY=VALUE` command-line argument.
    pub fn parse_var(arg: &str) -> Result<(String, String), ImportError> {
        arg.split_once('=')
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .ok_or_else(|| ImportError::BadVar {
                key: arg.to_string(),
                message: "expected `KEY=VALUE`".into(),
            })
    }
}

/// Imports a plan given as JSON text; `label` names it in errors and the report.
pub fn import_plan_str(
    text: &str,
    label: &str,
    options: &TerraformOptions,
) -> Result<Imported, ImportError> {
    import_plan(&parse_json(label, text)?, label, options)
}

/// Imports a parsed plan; `label` names it in errors and the report.
pub fn import_plan(
    json: &Value,
    label: &str,
    options: &TerraformOptions,
) -> Result<Imported, ImportError> {
    let plan = Plan::read(label, json)?;
    check_vars(&plan, options)?;
    let resolver = Resolver::new(&plan, &options.vars);
    let mut cx = Cx::new(label, &resolver);
    // Principals, policies and resources first; then what attaches to them.
    for inst in plan.instances.values() {
        match (inst.data, inst.rtype.as_str()) {
            (false, "aws_iam_role" | "aws_iam_user" | "aws_iam_group") => {
                iam::identity(&mut cx, inst)?
            }
            (false, "aws_iam_policy") => iam::managed_policy(&mut cx, inst)?,
            (false, "aws_kms_key") => resources::kms_key(&mut cx, inst)?,
            _ => {}
        }
    }
    for inst in plan.instances.values() {
        if inst.data {
            continue;
        }
        match inst.rtype.as_str() {
            "aws_iam_role_policy" | "aws_iam_user_policy" | "aws_iam_group_policy" => {
                iam::inline_policy(&mut cx, inst)?
            }
            "aws_iam_role_policy_attachment"
            | "aws_iam_user_policy_attachment"
            | "aws_iam_group_policy_attachment" => iam::attachment(&mut cx, inst)?,
            "aws_iam_policy_attachment" => iam::shared_attachment(&mut cx, inst)?,
            "aws_iam_user_group_membership" | "aws_iam_group_membership" => {
                iam::membership(&mut cx, inst)?
            }
            "aws_kms_alias" => resources::kms_alias(&mut cx, inst)?,
            "aws_s3_bucket_policy" | "aws_ecr_repository_policy" => {
                resources::resource_policy(&mut cx, inst)?
            }
            "aws_lambda_permission" => resources::lambda_permission(&mut cx, inst)?,
            t if compute::reads(t) => compute::compute(&mut cx, inst)?,
            _ => {}
        }
    }
    organizations::import(&mut cx)?;
    cx.finish()
}

/// Every `--var` key must be a known plain key, `parent.<id>`, or name an instance in the plan
/// (a typo would otherwise be ignored silently).
fn check_vars(plan: &Plan, options: &TerraformOptions) -> Result<(), ImportError> {
    for key in options.vars.keys() {
        if PLAIN_KEYS.contains(&key.as_str()) || key.starts_with("parent.") {
            continue;
        }
        let names_instance = plan.instances.keys().any(|a| {
            key.strip_prefix(a.as_str())
                .is_some_and(|rest| rest.starts_with('.') && rest.len() > 1)
        });
        if !names_instance {
            return Err(ImportError::BadVar {
                key: key.clone(),
                message: format!(
                    "not one of {} or `parent.<id>`, and no resource in the plan has this address",
                    PLAIN_KEYS.map(|k| format!("`{k}`")).join(", ")
                ),
            });
        }
    }
    Ok(())
}
