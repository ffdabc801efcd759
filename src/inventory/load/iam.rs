//! Converting the IAM files of an inventory: roles, users, groups and managed policies.

use serde_json::Value;

use super::error::{format_err, LoadError};
use super::fields::Obj;
use crate::inventory::{Group, ManagedPolicy, Role, User};
use crate::pattern::Arn;
use crate::policy::PolicyKind;
use crate::request::is_account_id;

/// Check an IAM ARN of `kind` (`role`, `user`, `group`, `policy`): returns (account, name).
fn iam_arn(arn: &str, kind: &str, file: &str) -> Result<(String, String), LoadError> {
    let bad = || {
        format_err(
            file,
            "arn",
            format!("`{arn}` is not an IAM {kind} ARN (arn:aws:iam::<account>:{kind}/<name>)"),
        )
    };
    let a = Arn::parse(arn).ok_or_else(bad)?;
    let rest = a
        .resource
        .strip_prefix(kind)
        .and_then(|r| r.strip_prefix('/'))
        .ok_or_else(bad)?;
    let name = rest
        .rsplit('/')
        .next()
        .filter(|n| !n.is_empty())
        .ok_or_else(bad)?;
    let account_ok = is_account_id(a.account) || (kind == "policy" && a.account == "aws");
    if a.service != "iam" || !account_ok {
        return Err(bad());
    }
    Ok((a.account.to_string(), name.to_string()))
}

/// Convert a `roles/` file.
pub(super) fn role(v: &Value, file: &str, _stem: &str) -> Result<Role, LoadError> {
    let o = Obj::new(v, file, &crate::inventory::schema::ROLE_FIELDS)?;
    let arn = o.str("arn")?;
    let (account, name) = iam_arn(&arn, "role", file)?;
    Ok(Role {
        instance_profile_arns: o.instance_profiles(&account)?,
        trust_policy: o.policy("trust_policy", format!("{name}/trust"), PolicyKind::Trust)?,
        inline_policies: o.inline(&name)?,
        managed_policy_arns: o.strings("managed_policy_arns")?,
        permissions_boundary_arn: o.opt_str("permissions_boundary_arn")?,
        tags: o.tags()?,
        source: file.into(),
        arn,
        name,
        account,
    })
}

/// Convert a `users/` file.
pub(super) fn user(v: &Value, file: &str) -> Result<User, LoadError> {
    let o = Obj::new(v, file, &crate::inventory::schema::USER_FIELDS)?;
    let arn = o.str("arn")?;
    let (account, name) = iam_arn(&arn, "user", file)?;
    Ok(User {
        login_profile: o.login_profile()?,
        access_keys: o.access_keys()?,
        inline_policies: o.inline(&name)?,
        managed_policy_arns: o.strings("managed_policy_arns")?,
        groups: o.strings("groups")?,
        permissions_boundary_arn: o.opt_str("permissions_boundary_arn")?,
        tags: o.tags()?,
        source: file.into(),
        arn,
        name,
        account,
    })
}

/// Convert a `groups/` file.
pub(super) fn group(v: &Value, file: &str) -> Result<Group, LoadError> {
    let o = Obj::new(v, file, &crate::inventory::schema::GROUP_FIELDS)?;
    let arn = o.str("arn")?;
    let (_, name) = iam_arn(&arn, "group", file)?;
    Ok(Group {
        inline_policies: o.inline(&name)?,
        managed_policy_arns: o.strings("managed_policy_arns")?,
        source: file.into(),
        arn,
        name,
    })
}

/// Convert a `managed/` file.
pub(super) fn managed(v: &Value, file: &str) -> Result<ManagedPolicy, LoadError> {
    let o = Obj::new(v, file, &crate::inventory::schema::MANAGED_FIELDS)?;
    let arn = o.str("arn")?;
    let (_, name) = iam_arn(&arn, "policy", file)?;
    let versions = o.versions(&name)?;
    let policy = o
        .policy("document", name, PolicyKind::Identity)?
        .ok_or_else(|| format_err(file, "(document)", "missing `document`"))?;
    Ok(ManagedPolicy {
        versions,
        arn,
        policy,
        source: file.into(),
    })
}
