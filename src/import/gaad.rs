//! `aws iam get-account-authorization-details` (GAAD) output -> inventory files.
//!
//! Reads users, groups, roles and managed policies (default version only), permissions
//! boundaries and tags. Documents may be objects (AWS CLI output), JSON strings, or URL-encoded
//! strings (other SDKs). Several files (pages) are merged. A managed policy referenced by an
//! attachment or a boundary but absent from the dump is an error: the shape is documented at
//! <https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html>.

use std::collections::BTreeMap;

use serde_json::Value;

use super::builder::{Builder, Dir, Identity};
use super::{document, parse_json, ImportError, Imported};

/// A managed-policy or group reference to check once every page is read.
struct Reference {
    arn: String,
    file: String,
    path: String,
    group: bool,
}

/// One entry of a page, with where it is.
struct At<'a> {
    file: &'a str,
    path: String,
    value: &'a Value,
}

impl<'a> At<'a> {
    fn err(&self, sub: &str, message: impl Into<String>) -> ImportError {
        ImportError::Malformed {
            file: self.file.to_string(),
            path: join(&self.path, sub),
            message: message.into(),
        }
    }
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.value.get(key).filter(|v| !v.is_null())
    }
    fn str(&self, key: &str) -> Result<&'a str, ImportError> {
        self.get(key)
            .and_then(Value::as_str)
            .ok_or_else(|| self.err(key, "missing or not a string"))
    }
    /// A list field; an absent field is empty, a single object is a one-item list (the AWS
    /// documentation's example shows `AttachedManagedPolicies` as an object).
    fn list(&self, key: &str) -> Result<Vec<At<'a>>, ImportError> {
        let items: Vec<&Value> = match self.get(key) {
            None => Vec::new(),
            Some(Value::Array(items)) => items.iter().collect(),
            Some(obj @ Value::Object(_)) => vec![obj],
            Some(_) => return Err(self.err(key, "not a list")),
        };
        Ok(items
            .into_iter()
            .enumerate()
            .map(|(i, value)| At {
                file: self.file,
                path: format!("{}[{i}]", join(&self.path, key)),
                value,
            })
            .collect())
    }
    fn doc(&self, key: &str) -> Result<Value, ImportError> {
        let value = self
            .get(key)
            .ok_or_else(|| self.err(key, "missing policy document"))?;
        document::decode(value).map_err(|m| self.err(key, m))
    }
    fn source(&self, sub: &str) -> String {
        format!("{}: {}", self.file, join(&self.path, sub))
    }
}

fn join(path: &str, key: &str) -> String {
    match (path.is_empty(), key.is_empty()) {
        (true, _) => key.to_string(),
        (_, true) => path.to_string(),
        _ => format!("{path}.{key}"),
    }
}

/// Imports one or more GAAD pages, given as `(label, JSON text)`.
pub fn import_gaad<L: AsRef<str>, T: AsRef<str>>(
    files: &[(L, T)],
) -> Result<Imported, ImportError> {
    let mut pages = Vec::new();
    for (label, text) in files {
        let value = parse_json(label.as_ref(), text.as_ref())?;
        if !value.is_object() {
            return Err(ImportError::Malformed {
                file: label.as_ref().to_string(),
                path: String::new(),
                message: "not a json object".into(),
            });
        }
        pages.push((label.as_ref(), value));
    }
    check_complete(&pages)?;
    let mut b = Builder::default();
    let mut seen: BTreeMap<String, (&Value, String)> = BTreeMap::new();
    let mut refs = Vec::new();
    for (file, page) in &pages {
        let top = At {
            file,
            path: String::new(),
            value: page,
        };
        for (list, dir) in [
            ("Policies", Dir::Managed),
            ("RoleDetailList", Dir::Roles),
            ("UserDetailList", Dir::Users),
            ("GroupDetailList", Dir::Groups),
        ] {
            for at in top.list(list)? {
                let arn = at.str("Arn")?.to_string();
                if let Some((earlier, where_)) = seen.get(&arn) {
                    if *earlier == at.value {
                        continue;
                    }
                    return Err(at.err(
                        "Arn",
                        format!("`{arn}` is also at `{where_}` with different content"),
                    ));
                }
                seen.insert(arn.clone(), (at.value, at.source("")));
                match dir {
                    Dir::Managed => managed(&mut b, &at, &arn)?,
                    _ => identity(&mut b, &at, dir, &arn, &mut refs)?,
                }
            }
        }
    }
    check_references(&b, &refs)?;
    let (files, report) = b.finish();
    Ok(Imported { files, report })
}

/// The pages must include the dump's last one: a page says more follow with `IsTruncated` true
/// (the API's `Marker`) or a `NextToken` (the AWS CLI's `--max-items`), so when every page given
/// says so, the rest of the account is missing and any answer over it could be wrong.
/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html>
fn check_complete(pages: &[(&str, Value)]) -> Result<(), ImportError> {
    let more = |page: &Value| {
        page.get("IsTruncated") == Some(&Value::Bool(true))
            || page
                .get("NextToken")
                .and_then(Value::as_str)
                .is_some_and(|t| !t.is_empty())
    };
    match pages.last() {
        Some((file, _)) if pages.iter().all(|(_, p)| more(p)) => Err(ImportError::Malformed {
            file: (*file).to_string(),
            path: "IsTruncated".into(),
            message: "every page given says more follow (`IsTruncated` true or a \
                      `NextToken`), so the dump's last page is missing: give every page"
                .into(),
        }),
        _ => Ok(()),
    }
}

/// A managed policy: its default version's document.
fn managed(b: &mut Builder, at: &At, arn: &str) -> Result<(), ImportError> {
    let name = at.str("PolicyName")?.to_string();
    let default_id = at.get("DefaultVersionId").and_then(Value::as_str);
    let versions = at.list("PolicyVersionList")?;
    let version = versions
        .iter()
        .find(|v| v.get("IsDefaultVersion").and_then(Value::as_bool) == Some(true))
        .or_else(|| {
            versions.iter().find(|v| {
                default_id.is_some() && v.get("VersionId").and_then(Value::as_str) == default_id
            })
        })
        .ok_or_else(|| at.err("PolicyVersionList", "no default version"))?;
    let doc = version.doc("Document")?;
    let id = version
        .get("VersionId")
        .and_then(Value::as_str)
        .unwrap_or("?");
    let mut others = Vec::new();
    for v in &versions {
        let Some(other) = v.get("VersionId").and_then(Value::as_str) else {
            continue;
        };
        if other != id {
            others.push((other.to_string(), v.doc("Document")?));
            b.note(
                Dir::Managed,
                arn,
                format!("policy version {other} (not the default)"),
                v.source("Document"),
            );
        }
    }
    b.managed.insert(arn.to_string(), (name, doc));
    b.managed_versions.insert(arn.to_string(), others);
    b.note(
        Dir::Managed,
        arn,
        format!("managed policy (default version {id})"),
        version.source("Document"),
    );
    Ok(())
}

/// A role, user or group with its inline policies, attachments, boundary and tags.
fn identity(
    b: &mut Builder,
    at: &At,
    dir: Dir,
    arn: &str,
    refs: &mut Vec<Reference>,
) -> Result<(), ImportError> {
    let (name_key, inline_key) = match dir {
        Dir::Roles => ("RoleName", "RolePolicyList"),
        Dir::Users => ("UserName", "UserPolicyList"),
        _ => ("GroupName", "GroupPolicyList"),
    };
    let mut id = Identity {
        name: at.str(name_key)?.to_string(),
        path: at.get("Path").and_then(Value::as_str).map(str::to_string),
        ..Identity::default()
    };
    if dir == Dir::Roles {
        id.trust_policy = Some(at.doc("AssumeRolePolicyDocument")?);
        b.note(
            dir,
            arn,
            "trust policy",
            at.source("AssumeRolePolicyDocument"),
        );
        for p in at.list("InstanceProfileList")? {
            let profile = p.str("Arn")?.to_string();
            b.note(
                dir,
                arn,
                format!("instance profile `{profile}`"),
                p.source(""),
            );
            id.instance_profiles.push(profile);
        }
    }
    for p in at.list(inline_key)? {
        let name = p.str("PolicyName")?.to_string();
        id.inline.insert(name.clone(), p.doc("PolicyDocument")?);
        b.note(dir, arn, format!("inline policy `{name}`"), p.source(""));
    }
    for p in at.list("AttachedManagedPolicies")? {
        let policy = p.str("PolicyArn")?.to_string();
        b.note(dir, arn, format!("managed policy `{policy}`"), p.source(""));
        refs.push(Reference {
            arn: policy.clone(),
            file: p.file.into(),
            path: join(&p.path, "PolicyArn"),
            group: false,
        });
        id.managed.push(policy);
    }
    id.boundary = boundary(b, at, dir, arn, refs)?;
    for t in at.list("Tags")? {
        id.tags
            .insert(t.str("Key")?.to_string(), t.str("Value")?.to_string());
    }
    if dir == Dir::Users {
        id.groups = groups(at, refs)?;
    }
    let map = match dir {
        Dir::Roles => &mut b.roles,
        Dir::Users => &mut b.users,
        _ => &mut b.groups,
    };
    map.insert(arn.to_string(), id);
    Ok(())
}

/// The permissions boundary of a role or user, if any.
fn boundary(
    b: &mut Builder,
    at: &At,
    dir: Dir,
    arn: &str,
    refs: &mut Vec<Reference>,
) -> Result<Option<String>, ImportError> {
    let Some(boundary) = at.get("PermissionsBoundary") else {
        return Ok(None);
    };
    let bound = At {
        file: at.file,
        path: join(&at.path, "PermissionsBoundary"),
        value: boundary,
    };
    let policy = bound.str("PermissionsBoundaryArn")?.to_string();
    b.note(
        dir,
        arn,
        format!("permissions boundary `{policy}`"),
        bound.source(""),
    );
    refs.push(Reference {
        arn: policy.clone(),
        file: at.file.into(),
        path: join(&bound.path, "PermissionsBoundaryArn"),
        group: false,
    });
    Ok(Some(policy))
}

/// The groups of a user (`GroupList`), each to be found in the dump.
fn groups(at: &At, refs: &mut Vec<Reference>) -> Result<Vec<String>, ImportError> {
    let mut groups = Vec::new();
    for (i, g) in at.list("GroupList")?.iter().enumerate() {
        let group = g
            .value
            .as_str()
            .ok_or_else(|| at.err(&format!("GroupList[{i}]"), "not a string"))?;
        refs.push(Reference {
            arn: group.to_string(),
            file: at.file.into(),
            path: g.path.clone(),
            group: true,
        });
        groups.push(group.to_string());
    }
    Ok(groups)
}

/// Every attached or boundary policy must be in the dump, and every group of a user.
fn check_references(b: &Builder, refs: &[Reference]) -> Result<(), ImportError> {
    for r in refs {
        if r.group {
            if !b.groups.values().any(|g| g.name == r.arn) {
                return Err(ImportError::Malformed {
                    file: r.file.clone(),
                    path: r.path.clone(),
                    message: format!("group `{}` is not in the dump", r.arn),
                });
            }
        } else if !b.managed.contains_key(&r.arn) {
            let aws_managed = r.arn.split(':').nth(4) == Some("aws");
            let hint = if aws_managed {
                "; include aws-managed policies with `--filter AWSManagedPolicy`".to_string()
            } else {
                String::new()
            };
            return Err(ImportError::MissingManagedPolicy {
                file: r.file.clone(),
                path: r.path.clone(),
                arn: r.arn.clone(),
                hint,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_managed_policy_missing_gets_the_filter_hint() {
        let page = r#"{"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::111122223333:role/r",
            "AssumeRolePolicyDocument": {"Statement": []},
            "AttachedManagedPolicies": [{"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]}]}"#;
        let err = import_gaad(&[("p.json", page)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`p.json` at `RoleDetailList[0].AttachedManagedPolicies[0].PolicyArn`: managed policy \
             `arn:aws:iam::aws:policy/ReadOnlyAccess` is referenced but not in the dump; \
             include aws-managed policies with `--filter AWSManagedPolicy`"
        );
    }

    #[test]
    fn a_bad_document_names_its_json_path() {
        let page = r#"{"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::111122223333:role/r",
            "AssumeRolePolicyDocument": "%7B%7D"}]}"#;
        let err = import_gaad(&[("p.json", page)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`p.json` at `RoleDetailList[0].AssumeRolePolicyDocument`: policy document has no `Statement`"
        );
    }

    #[test]
    fn the_same_arn_with_different_content_is_an_error() {
        let a = r#"{"GroupDetailList": [{"GroupName": "g", "Arn": "arn:aws:iam::111122223333:group/g"}]}"#;
        let b = r#"{"GroupDetailList": [{"GroupName": "g", "Path": "/x/", "Arn": "arn:aws:iam::111122223333:group/g"}]}"#;
        let err = import_gaad(&[("a.json", a), ("b.json", b)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`b.json` at `GroupDetailList[0].Arn`: `arn:aws:iam::111122223333:group/g` is also at \
             `a.json: GroupDetailList[0]` with different content"
        );
    }
}
