//! What runs as a role (docs/formats.md, the facts `iamsim reach` reads): compute resources
//! whose execution role is a role of the templates become resources with `runs_as`; an
//! `AWS::IAM::InstanceProfile` goes to its role's `instance_profile_arns`, and an EC2 instance
//! runs as the role of its profile. Each type's role property is from its page of the template
//! reference (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html>).

use serde_json::Value;

use super::context::{at_resource, prop, Cx};
use super::env::{At, Stop};
use super::eval::physical;
use super::eval::Stack;
use crate::import::builder::{Dir, Resource};

/// How a type names its role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RoleBy {
    /// The role's ARN.
    Arn,
    /// The role's name or ARN.
    NameOrArn,
    /// An instance profile's name (`AWS::EC2::Instance`).
    Profile,
}

/// (type, property path to the role, how it names it).
const COMPUTE: &[(&str, &[&str], RoleBy)] = &[
    ("AWS::Lambda::Function", &["Role"], RoleBy::Arn),
    ("AWS::BedrockAgentCore::Runtime", &["RoleArn"], RoleBy::Arn),
    ("AWS::BedrockAgentCore::Gateway", &["RoleArn"], RoleBy::Arn),
    (
        "AWS::BedrockAgentCore::CodeInterpreterCustom",
        &["ExecutionRoleArn"],
        RoleBy::Arn,
    ),
    (
        "AWS::BedrockAgentCore::BrowserCustom",
        &["ExecutionRoleArn"],
        RoleBy::Arn,
    ),
    (
        "AWS::ECS::TaskDefinition",
        &["TaskRoleArn"],
        RoleBy::NameOrArn,
    ),
    (
        "AWS::StepFunctions::StateMachine",
        &["RoleArn"],
        RoleBy::Arn,
    ),
    (
        "AWS::CodeBuild::Project",
        &["ServiceRole"],
        RoleBy::NameOrArn,
    ),
    ("AWS::Glue::Job", &["Role"], RoleBy::NameOrArn),
    (
        "AWS::SageMaker::NotebookInstance",
        &["RoleArn"],
        RoleBy::Arn,
    ),
    (
        "AWS::Batch::JobDefinition",
        &["ContainerProperties", "JobRoleArn"],
        RoleBy::Arn,
    ),
    (
        "AWS::AppRunner::Service",
        &["InstanceConfiguration", "InstanceRoleArn"],
        RoleBy::Arn,
    ),
    (
        "AWS::EC2::Instance",
        &["IamInstanceProfile"],
        RoleBy::Profile,
    ),
];

/// Whether [`compute`] reads `rtype`.
pub(crate) fn reads(rtype: &str) -> bool {
    COMPUTE.iter().any(|(t, _, _)| *t == rtype)
}

/// `AWS::IAM::InstanceProfile`: its ARN on the role it holds (`Roles`, one role).
pub(crate) fn instance_profile(cx: &mut Cx, stack: &Stack<'_>, logical: &str) {
    let at = at_resource(logical);
    let arn = physical::arn_of(stack, logical, &at);
    let name = physical::ref_value(stack, logical, &at);
    let roles = match prop(stack, logical, "Roles") {
        Some((v, rat)) => stack.strings(v, &rat).map(|r| (r, rat)),
        None => Err(stack.fail(&at.key("Properties"), "`Roles` is required")),
    };
    let (Ok(arn), Ok(Value::String(name)), Ok((roles, rat))) = (arn, name, roles) else {
        return;
    };
    for (i, role) in roles.iter().enumerate() {
        let Some(role_arn) = cx.by_name.get(&("role", role.clone())).cloned() else {
            stack.fail_secondary(
                &rat.index(i),
                format!("role `{role}` is not a role of the templates (import it with them)"),
            );
            continue;
        };
        if let Some(identity) = cx.b.roles.get_mut(&role_arn) {
            if !identity.instance_profiles.contains(&arn) {
                identity.instance_profiles.push(arn.clone());
            }
        }
        cx.note(
            Dir::Roles,
            &role_arn,
            format!("instance profile `{arn}`"),
            stack,
            &rat.index(i),
        );
        cx.profiles.insert(name.clone(), role_arn);
    }
}

/// A compute resource: its ARN gets `runs_as` the role, when the role is of the templates.
pub(crate) fn compute(cx: &mut Cx, stack: &Stack<'_>, logical: &str, rtype: &str) {
    let Some((_, path, by)) = COMPUTE.iter().find(|(t, _, _)| *t == rtype) else {
        return;
    };
    let Some((role_value, rat)) = role_property(stack, logical, path) else {
        return;
    };
    let Ok(role) = stack.string(role_value, &rat) else {
        return;
    };
    let role_arn = match by {
        RoleBy::Profile => cx.profiles.get(&role).cloned(),
        RoleBy::Arn | RoleBy::NameOrArn if role.starts_with("arn:") => {
            cx.b.roles.contains_key(&role).then_some(role.clone())
        }
        RoleBy::NameOrArn => cx.by_name.get(&("role", role.clone())).cloned(),
        RoleBy::Arn => None,
    };
    // A role outside the templates cannot be written as `runs_as` (the inventory would not load).
    let Some(role_arn) = role_arn else {
        return;
    };
    let at = at_resource(logical);
    let Ok(arn) = physical::arn_of(stack, logical, &at) else {
        return;
    };
    let Ok(account) = account_of(stack, &arn, &at) else {
        return;
    };
    cx.note(
        Dir::Resources,
        &arn,
        format!("runs as `{role_arn}`"),
        stack,
        &rat,
    );
    let name = arn.rsplit([':', '/']).next().unwrap_or(&arn).to_string();
    let entry = cx.b.resources.entry(arn).or_insert_with(|| Resource {
        name,
        account,
        ..Resource::default()
    });
    entry.runs_as = Some(role_arn);
}

/// The role property at `path` (nested keys), evaluated down to its object; `None` when absent.
fn role_property<'t>(stack: &Stack<'t>, logical: &str, path: &[&str]) -> Option<(&'t Value, At)> {
    let (first, rest) = path.split_first()?;
    let (mut v, mut at) = prop(stack, logical, first)?;
    for key in rest {
        v = v.get(key)?;
        at = at.key(key);
    }
    Some((v, at))
}

/// The account of an ARN, else the stack's.
fn account_of(stack: &Stack<'_>, arn: &str, at: &At) -> Result<String, Stop> {
    match arn.split(':').nth(4).filter(|a| !a.is_empty()) {
        Some(a) => Ok(a.to_string()),
        None => stack.pseudo("AWS::AccountId", at),
    }
}
