//! The facts privilege-escalation analysis reads (docs/formats.md): the role a resource runs
//! as, a role's instance profiles, a user's console password and access keys, and a managed
//! policy's other versions. Each is optional; absent means none.

use serde_json::Value;

use super::error::{format_err, LoadError};
use super::fields::Obj;
use crate::inventory::{AccessKey, NamedPolicy, PolicyVersion};
use crate::pattern::Arn;
use crate::policy::{parse_document, PolicyKind};
use crate::request::is_account_id;

/// AWS keeps at most five versions of a managed policy, the default included.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>
const MAX_OTHER_VERSIONS: usize = 4;

/// A user holds at most two access keys (same page).
const MAX_ACCESS_KEYS: usize = 2;

/// Whether `arn` is an IAM ARN of `kind` (`role`, `instance-profile`) with an account id.
fn is_iam_arn(arn: &str, kind: &str) -> bool {
    Arn::parse(arn).is_some_and(|a| {
        a.service == "iam"
            && is_account_id(a.account)
            && a.resource
                .strip_prefix(kind)
                .and_then(|r| r.strip_prefix('/'))
                .is_some_and(|r| r.rsplit('/').next().is_some_and(|n| !n.is_empty()))
    })
}

impl Obj<'_> {
    /// The optional `runs_as` role ARN of a resource.
    pub(super) fn runs_as(&self) -> Result<Option<String>, LoadError> {
        let arn = self.opt_str("runs_as")?;
        if let Some(a) = &arn {
            if !is_iam_arn(a, "role") {
                return Err(format_err(
                    self.file,
                    "runs_as",
                    format!("`{a}` is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)"),
                ));
            }
        }
        Ok(arn)
    }

    /// The optional `instance_profile_arns` of a role in `account`.
    pub(super) fn instance_profiles(&self, account: &str) -> Result<Vec<String>, LoadError> {
        let arns = self.strings("instance_profile_arns")?;
        for (i, a) in arns.iter().enumerate() {
            let path = format!("instance_profile_arns[{i}]");
            if !is_iam_arn(a, "instance-profile") {
                return Err(format_err(
                    self.file,
                    &path,
                    format!("`{a}` is not an instance profile ARN (arn:aws:iam::<account>:instance-profile/<name>)"),
                ));
            }
            if Arn::parse(a).is_some_and(|x| x.account != account) {
                return Err(format_err(
                    self.file,
                    &path,
                    format!("`{a}` is in another account than the role ({account})"),
                ));
            }
        }
        Ok(arns)
    }

    /// The optional `login_profile` boolean of a user.
    pub(super) fn login_profile(&self) -> Result<bool, LoadError> {
        match self.map.get("login_profile") {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(format_err(self.file, "login_profile", "expected a boolean")),
        }
    }

    /// The optional `access_keys` of a user: `[{"id", "status": "Active"|"Inactive"}]`.
    pub(super) fn access_keys(&self) -> Result<Vec<AccessKey>, LoadError> {
        let items = match self.map.get("access_keys") {
            None | Some(Value::Null) => return Ok(Vec::new()),
            Some(Value::Array(a)) => a,
            Some(_) => return Err(format_err(self.file, "access_keys", "expected an array")),
        };
        if items.len() > MAX_ACCESS_KEYS {
            return Err(format_err(
                self.file,
                "access_keys",
                format!(
                    "{} access keys; a user holds at most {MAX_ACCESS_KEYS}",
                    items.len()
                ),
            ));
        }
        let mut keys: Vec<AccessKey> = Vec::with_capacity(items.len());
        for (i, v) in items.iter().enumerate() {
            let at = format!("access_keys[{i}]");
            let o = Obj::new(v, self.file, &crate::inventory::schema::ACCESS_KEY_FIELDS)
                .map_err(|e| prefix_path(e, &at))?;
            let id = o.str("id").map_err(|e| prefix_path(e, &at))?;
            let active = match o
                .opt_str("status")
                .map_err(|e| prefix_path(e, &at))?
                .as_deref()
            {
                None | Some("Active") => true,
                Some("Inactive") => false,
                Some(other) => {
                    return Err(format_err(
                        self.file,
                        &format!("{at}.status"),
                        format!("`{other}` is not `Active` or `Inactive`"),
                    ))
                }
            };
            if keys.iter().any(|k| k.id == id) {
                return Err(format_err(
                    self.file,
                    &format!("{at}.id"),
                    format!("access key `{id}` is listed twice"),
                ));
            }
            keys.push(AccessKey { id, active });
        }
        Ok(keys)
    }

    /// The optional `versions` of a managed policy named `name`: `[{"version_id", "document"}]`,
    /// the versions other than the default.
    pub(super) fn versions(&self, name: &str) -> Result<Vec<PolicyVersion>, LoadError> {
        let items = match self.map.get("versions") {
            None | Some(Value::Null) => return Ok(Vec::new()),
            Some(Value::Array(a)) => a,
            Some(_) => return Err(format_err(self.file, "versions", "expected an array")),
        };
        if items.len() > MAX_OTHER_VERSIONS {
            return Err(format_err(
                self.file,
                "versions",
                format!(
                    "{} other versions; a managed policy keeps at most {} besides its default",
                    items.len(),
                    MAX_OTHER_VERSIONS
                ),
            ));
        }
        let mut out: Vec<PolicyVersion> = Vec::with_capacity(items.len());
        for (i, v) in items.iter().enumerate() {
            let at = format!("versions[{i}]");
            let o = Obj::new(v, self.file, &crate::inventory::schema::VERSION_FIELDS)
                .map_err(|e| prefix_path(e, &at))?;
            let id = o.str("version_id").map_err(|e| prefix_path(e, &at))?;
            let well_formed = id
                .strip_prefix('v')
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            if !well_formed {
                return Err(format_err(
                    self.file,
                    &format!("{at}.version_id"),
                    format!("`{id}` is not a version id (`v1`, `v2`, ...)"),
                ));
            }
            if out.iter().any(|p| p.id == id) {
                return Err(format_err(
                    self.file,
                    &format!("{at}.version_id"),
                    format!("version `{id}` is listed twice"),
                ));
            }
            let document = o
                .map
                .get("document")
                .ok_or_else(|| format_err(self.file, &at, "missing `document`"))?;
            let document = parse_document(
                document,
                &format!("{} ({at}.document)", self.file),
                PolicyKind::Identity,
            )?;
            out.push(PolicyVersion {
                policy: NamedPolicy {
                    name: format!("{name}@{id}"),
                    document,
                },
                id,
            });
        }
        Ok(out)
    }
}

/// A format error from a nested object, its path put under `at`.
fn prefix_path(e: LoadError, at: &str) -> LoadError {
    match e {
        LoadError::Format {
            file,
            path,
            message,
        } => {
            let path = if path == "(document)" {
                at.to_string()
            } else {
                format!("{at}.{path}")
            };
            LoadError::Format {
                file,
                path,
                message,
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use serde_json::json;

    use crate::inventory::from_files;

    #[test]
    fn every_fact_loads_and_absent_means_none() {
        let doc = json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]});
        let files: BTreeMap<PathBuf, serde_json::Value> = [
            (
                "roles/fn.json",
                json!({"arn": "arn:aws:iam::111122223333:role/fn",
                "instance_profile_arns": ["arn:aws:iam::111122223333:instance-profile/fn"]}),
            ),
            (
                "roles/bare.json",
                json!({"arn": "arn:aws:iam::111122223333:role/bare"}),
            ),
            (
                "users/u.json",
                json!({"arn": "arn:aws:iam::111122223333:user/u",
                "login_profile": true,
                "access_keys": [{"id": "AKIA1"}, {"id": "AKIA2", "status": "Inactive"}]}),
            ),
            (
                "users/v.json",
                json!({"arn": "arn:aws:iam::111122223333:user/v"}),
            ),
            (
                "managed/p.json",
                json!({"arn": "arn:aws:iam::111122223333:policy/p",
                "document": doc, "versions": [{"version_id": "v1", "document": doc}]}),
            ),
            (
                "resources/f.json",
                json!({"arn": "arn:aws:lambda:us-east-1:111122223333:function:f",
                "runs_as": "arn:aws:iam::111122223333:role/fn"}),
            ),
        ]
        .into_iter()
        .map(|(p, v)| (PathBuf::from(p), v))
        .collect();
        let inv = from_files(&files, Path::new("p")).unwrap();
        let role = |n: &str| inv.roles.iter().find(|r| r.name == n).unwrap();
        assert_eq!(role("fn").instance_profile_arns.len(), 1);
        assert!(role("bare").instance_profile_arns.is_empty());
        let user = |n: &str| inv.users.iter().find(|u| u.name == n).unwrap();
        assert!(user("u").login_profile);
        assert_eq!(user("u").access_keys.len(), 2);
        assert!(!user("u").access_keys[1].active);
        assert!(!user("v").login_profile && user("v").access_keys.is_empty());
        let p = &inv.managed_policies[0];
        assert_eq!(p.versions[0].id, "v1");
        assert_eq!(p.versions[0].policy.name, "p@v1");
        assert_eq!(
            inv.resources[0].runs_as.as_deref(),
            Some("arn:aws:iam::111122223333:role/fn")
        );
    }
}
