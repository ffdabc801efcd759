//! Converting a `resources/` file: a resource's ARN, account, KMS aliases, policy and tags.

use std::path::Path;

use serde_json::Value;

use super::error::{format_err, LoadError};
use super::fields::Obj;
use crate::inventory::Resource;
use crate::pattern::Arn;
use crate::request::is_account_id;

/// Convert a `resources/` file.
pub(super) fn resource(v: &Value, file: &str) -> Result<Resource, LoadError> {
    let o = Obj::new(v, file, &crate::inventory::schema::RESOURCE_FIELDS)?;
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
    let block_public_access = o.block_public_access("block_public_access")?;
    let is_bucket = parsed.service == "s3" && !parsed.resource.contains('/');
    if block_public_access.is_some() && !is_bucket {
        return Err(format_err(
            file,
            "block_public_access",
            format!("`{arn}` is not an S3 bucket: only buckets (and accounts) have Block Public Access settings"),
        ));
    }
    let name = Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(&arn)
        .to_string();
    Ok(Resource {
        policy: o.resource_policy("policy", name, &arn)?,
        block_public_access,
        tags: o.tags()?,
        runs_as: o.runs_as()?,
        source: file.into(),
        arn,
        account,
        aliases,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_public_access_is_for_buckets_and_spelt_as_aws_does() {
        let bucket = serde_json::json!({"arn": "arn:aws:s3:::b", "account": "111122223333",
            "block_public_access": {"RestrictPublicBuckets": true, "BlockPublicPolicy": false}});
        let r = resource(&bucket, "resources/b.json").unwrap();
        assert!(r.block_public_access.unwrap().restrict_public_buckets);
        let err = |v: serde_json::Value| resource(&v, "r.json").unwrap_err().to_string();
        assert!(err(
            serde_json::json!({"arn": "arn:aws:s3:::b/k", "account": "111122223333",
            "block_public_access": {}})
        )
        .contains("is not an S3 bucket"));
        assert!(err(
            serde_json::json!({"arn": "arn:aws:s3:::b", "account": "111122223333",
            "block_public_access": {"RestrictPublicBucket": true}})
        )
        .contains("did you mean `RestrictPublicBuckets`?"));
        assert!(err(
            serde_json::json!({"arn": "arn:aws:s3:::b", "account": "111122223333",
            "block_public_access": {"RestrictPublicBuckets": "yes"}})
        )
        .contains("block_public_access.RestrictPublicBuckets: expected true or false"));
    }
}
