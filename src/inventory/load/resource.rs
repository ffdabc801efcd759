//! Converting a `resources/` file: a resource's ARN, account, KMS aliases, policy and tags.

use std::path::Path;

use serde_json::Value;

use super::error::{format_err, LoadError};
use super::fields::Obj;
use crate::inventory::Resource;
use crate::pattern::Arn;
use crate::policy::PolicyKind;
use crate::request::is_account_id;

/// Convert a `resources/` file.
pub(super) fn resource(v: &Value, file: &str) -> Result<Resource, LoadError> {
    let o = Obj::new(
        v,
        file,
        &[
            "arn",
            "aliases",
            "account",
            "policy",
            "tags",
            "description",
            "runs_as",
        ],
    )?;
    let arn = o.str("arn")?;
    let parsed = Arn::parse(&arn)
        .ok_or_else(|| format_err(file, "arn", format!("`{arn}` is not an ARN")))?;
    let account = match o.opt_str("account")? {
        Some(a) => a,
        None if is_account_id(parsed.account) => parsed.account.to_string(),
        None => {
            return Err(format_err(
                file,
                "account",
                format!("`{arn}` names no account: give `account`"),
            ))
        }
    };
    if !is_account_id(&account) {
        return Err(format_err(
            file,
            "account",
            format!("`{account}` is not a 12-digit account id"),
        ));
    }
    if is_account_id(parsed.account) && parsed.account != account {
        return Err(format_err(
            file,
            "account",
            format!("`{account}` differs from the account in `{arn}`"),
        ));
    }
    let aliases = o.strings("aliases")?;
    for (i, a) in aliases.iter().enumerate() {
        if !Arn::parse(a).is_some_and(|x| x.service == "kms" && x.resource.starts_with("alias/")) {
            return Err(format_err(
                file,
                &format!("aliases[{i}]"),
                format!(
                    "`{a}` is not a KMS alias ARN (arn:aws:kms:<region>:<account>:alias/<name>)"
                ),
            ));
        }
    }
    let name = Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(&arn)
        .to_string();
    Ok(Resource {
        policy: o.policy("policy", name, PolicyKind::Resource)?,
        tags: o.tags()?,
        runs_as: o.runs_as()?,
        source: file.into(),
        arn,
        account,
        aliases,
    })
}
