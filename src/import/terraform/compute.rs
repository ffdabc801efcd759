//! What runs as a role (docs/formats.md, the facts `iamsim reach` reads): Lambda functions
//! (`role`), AgentCore runtimes and gateways (`role_arn`), code interpreters and browsers
//! (`execution_role_arn`) become resources with `runs_as`; instance profiles
//! (`aws_iam_instance_profile.role`) go to their role's `instance_profile_arns`. A value unknown
//! at plan time (an AgentCore ARN, which AWS generates) leaves the fact out rather than failing
//! the import; `--var ADDRESS.ATTRIBUTE=VALUE` supplies it. A role the plan does not hold is
//! left out too (the inventory would not load).

use super::context::Cx;
use super::plan::Instance;
use crate::import::builder::{Dir, Resource};
use crate::import::ImportError;
use crate::pattern::Arn;

/// (resource type, attribute holding its ARN, attribute holding the role's ARN)
const COMPUTE: &[(&str, &str, &str)] = &[
    ("aws_lambda_function", "arn", "role"),
    (
        "aws_bedrockagentcore_agent_runtime",
        "agent_runtime_arn",
        "role_arn",
    ),
    ("aws_bedrockagentcore_gateway", "gateway_arn", "role_arn"),
    (
        "aws_bedrockagentcore_code_interpreter",
        "code_interpreter_arn",
        "execution_role_arn",
    ),
    (
        "aws_bedrockagentcore_browser",
        "browser_arn",
        "execution_role_arn",
    ),
];

/// Whether `rtype` is a resource this file reads.
pub(crate) fn reads(rtype: &str) -> bool {
    rtype == "aws_iam_instance_profile" || COMPUTE.iter().any(|(t, _, _)| *t == rtype)
}

/// A resource that runs as a role, or an instance profile.
pub(crate) fn compute(cx: &mut Cx, inst: &Instance) -> Result<(), ImportError> {
    if inst.rtype == "aws_iam_instance_profile" {
        return instance_profile(cx, inst);
    }
    let Some((_, arn_attr, role_attr)) = COMPUTE.iter().find(|(t, _, _)| *t == inst.rtype) else {
        return Ok(());
    };
    let r = cx.r;
    let (Ok(arn), Ok(role)) = (r.string(inst, arn_attr), r.string(inst, role_attr)) else {
        return Ok(());
    };
    let Some(account) = Arn::parse(&arn).map(|a| a.account.to_string()) else {
        return Ok(());
    };
    if !cx.b.roles.contains_key(&role) {
        return Ok(());
    }
    cx.b.note(
        Dir::Resources,
        &arn,
        format!("runs as `{role}`"),
        format!("{}.{role_attr}", inst.address),
    );
    let name = arn.rsplit([':', '/']).next().unwrap_or(&arn).to_string();
    match cx.b.resources.get_mut(&arn) {
        Some(existing) => existing.runs_as = Some(role),
        None => {
            cx.b.resources.insert(
                arn,
                Resource {
                    name,
                    account,
                    runs_as: Some(role),
                    ..Resource::default()
                },
            );
        }
    }
    Ok(())
}

/// `aws_iam_instance_profile`: its ARN on the role it holds (by name).
fn instance_profile(cx: &mut Cx, inst: &Instance) -> Result<(), ImportError> {
    let r = cx.r;
    let (Ok(arn), Ok(role)) = (r.string(inst, "arn"), r.string(inst, "role")) else {
        return Ok(());
    };
    let Some(role_arn) = cx.by_name.get(&("role", role.clone())).cloned() else {
        return Ok(());
    };
    let Some(identity) = cx.b.roles.get_mut(&role_arn) else {
        return Ok(());
    };
    if !identity.instance_profiles.contains(&arn) {
        identity.instance_profiles.push(arn.clone());
    }
    cx.b.note(
        Dir::Roles,
        &role_arn,
        format!("instance profile `{arn}`"),
        format!("{}.role", inst.address),
    );
    Ok(())
}
