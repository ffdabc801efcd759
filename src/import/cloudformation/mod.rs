//! CloudFormation templates (JSON or YAML, one or several such as every
//! `cdk.out/*.template.json`) -> one inventory.
//!
//! Only what the importer reads is evaluated: the IAM resources, the resource policies, and what
//! runs as a role, with the values they reference. Anything it cannot resolve or does not model
//! is one [`ImportError::Template`] listing every file and JSON path. See docs/import.md.

mod compute;
mod context;
mod env;
mod eval;
mod iam;
mod lambda;
mod resources;
mod scan;
mod template;
mod vars;

use std::collections::BTreeMap;

use serde_json::Value;

use super::{ImportError, Imported};
use context::Cx;
use env::Env;
use template::Template;

/// Values CloudFormation knows only at deploy time, and parameter values.
///
/// `vars` keys (`--var KEY=VALUE`): a parameter name, a pseudo parameter (`AWS::AccountId`,
/// `AWS::Region`, `AWS::Partition`, `AWS::URLSuffix`, `AWS::StackName`, `AWS::StackId`), a
/// logical id (its physical id: a generated name, a KMS key id), `LOGICAL_ID.ATTRIBUTE`, or
/// `import:EXPORT_NAME` (`Fn::ImportValue`); each may be prefixed `STEM/` (the template's file
/// name less `.template.json`, `.json`, `.yaml`) to apply to that template only.
/// `parameters`: the parameters file's values (`--var` wins).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CloudFormationOptions {
    /// `--var` values, by key.
    pub vars: BTreeMap<String, String>,
    /// Parameter values from a parameters file.
    pub parameters: BTreeMap<String, String>,
}

impl CloudFormationOptions {
    /// Adds a `--var` value.
    pub fn var(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.vars.insert(key.into(), value.into());
        self
    }

    /// Reads a parameters file: the AWS CLI's `[{"ParameterKey": k, "ParameterValue": v}]`.
    pub fn read_parameters(&mut self, label: &str, text: &str) -> Result<(), ImportError> {
        vars::parameters_file(label, text, &mut self.parameters)
    }
}

/// Whether a JSON value is a CloudFormation template (typed `Resources`).
pub fn is_template(value: &Value) -> bool {
    template::looks_like_template(value)
}

/// Imports templates given as text (JSON or YAML), labelled for errors and the report.
pub fn import_templates(
    templates: &[(&str, &str)],
    options: &CloudFormationOptions,
) -> Result<Imported, ImportError> {
    let parsed = templates
        .iter()
        .map(|(label, text)| Template::parse(label, text))
        .collect::<Result<Vec<_>, _>>()?;
    import(&parsed, options)
}

/// Imports templates already parsed as JSON values.
pub fn import_values(
    templates: &[(&str, &Value)],
    options: &CloudFormationOptions,
) -> Result<Imported, ImportError> {
    let parsed = templates
        .iter()
        .map(|(label, v)| Template::from_value(label, v))
        .collect::<Result<Vec<_>, _>>()?;
    import(&parsed, options)
}

/// The import proper: principals, policies and keys first, then what attaches to them.
fn import(
    templates: &[Template],
    options: &CloudFormationOptions,
) -> Result<Imported, ImportError> {
    vars::check(templates, &options.vars)?;
    let env = Env::new(templates, &options.vars, &options.parameters);
    let mut cx = Cx::new(&env);
    for pass in [0, 1, 2] {
        for t in templates {
            for (logical, res) in &t.resources {
                let stack = eval::Stack { t, env: &env };
                // Only what grants or runs as a role is evaluated (its condition included).
                if !read(&res.rtype)
                    && scan::problems(&res.rtype, &res.properties, &context::at_resource(logical))
                        .is_empty()
                {
                    continue;
                }
                if !cx.created(&stack, logical, res) {
                    continue;
                }
                dispatch(&mut cx, &stack, pass, logical, &res.rtype);
            }
        }
    }
    cx.finish()
}

/// Reads one resource in its pass (0: principals, managed policies, KMS keys; 1: what attaches
/// to them; 2: what runs as a role, once instance profiles are known).
fn dispatch(cx: &mut Cx, stack: &eval::Stack<'_>, pass: u8, logical: &str, rtype: &str) {
    match (pass, rtype) {
        (0, "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group") => {
            iam::principal(cx, stack, logical, rtype)
        }
        (0, "AWS::IAM::ManagedPolicy") => iam::managed_policy(cx, stack, logical),
        (0, "AWS::KMS::Key") => resources::kms_key(cx, stack, logical),
        (0, _) => {}
        (2, t) if compute::reads(t) => compute::compute(cx, stack, logical, t),
        (2, _) => {}
        (_, "AWS::IAM::Role" | "AWS::IAM::Group") => {}
        (_, "AWS::IAM::Policy") => iam::policy(cx, stack, logical),
        (_, "AWS::IAM::RolePolicy" | "AWS::IAM::UserPolicy" | "AWS::IAM::GroupPolicy") => {
            iam::principal_policy(cx, stack, logical, rtype)
        }
        (_, "AWS::IAM::ManagedPolicy") => iam::managed_attachments(cx, stack, logical),
        (_, "AWS::IAM::UserToGroupAddition") => iam::group_addition(cx, stack, logical),
        (_, "AWS::IAM::User") => iam::user_groups(cx, stack, logical),
        (_, "AWS::IAM::InstanceProfile") => compute::instance_profile(cx, stack, logical),
        (_, "AWS::Lambda::Permission") => lambda::permission(cx, stack, logical),
        (_, t) if resources::reads(t) => resources::resource_policy(cx, stack, logical, t),
        (_, t) if compute::reads(t) => {}
        (_, t) if iam::IGNORED.contains(&t) => {}
        (_, t) => scan::unread(stack, logical, t),
    }
}

/// Whether a reader takes `rtype`.
fn read(rtype: &str) -> bool {
    (rtype.starts_with("AWS::IAM::") && !iam::IGNORED.contains(&rtype))
        || rtype == "AWS::Lambda::Permission"
        || resources::reads(rtype)
        || compute::reads(rtype)
}
