//! Reading the fields of one inventory object, each error naming the file and the JSON path.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::error::{format_err, LoadError};
use crate::inventory::{BlockPublicAccess, NamedPolicy};
use crate::policy::{parse_document, parse_resource_policy, PolicyKind};

/// An inventory file's top-level object, its fields checked against the known names.
pub(super) struct Obj<'a> {
    pub(super) file: &'a str,
    pub(super) map: &'a Map<String, Value>,
}

impl<'a> Obj<'a> {
    /// The object `v`, refusing any field not in `known` (with a "did you mean").
    pub(super) fn new<S: AsRef<str>>(
        v: &'a Value,
        file: &'a str,
        known: &[S],
    ) -> Result<Self, LoadError> {
        let map = v
            .as_object()
            .ok_or_else(|| format_err(file, "(document)", "expected an object"))?;
        for k in map.keys() {
            if !known.iter().any(|f| f.as_ref() == k) {
                let hint = crate::policy::closest(k, known.iter().map(AsRef::as_ref))
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err(format_err(file, k, format!("unknown field `{k}`{hint}")));
            }
        }
        Ok(Self { file, map })
    }

    /// A required non-empty string.
    pub(super) fn str(&self, key: &str) -> Result<String, LoadError> {
        match self.map.get(key) {
            Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
            Some(_) => Err(format_err(self.file, key, "expected a non-empty string")),
            None => Err(format_err(
                self.file,
                "(document)",
                format!("missing `{key}`"),
            )),
        }
    }

    /// An optional non-empty string (absent or null: `None`).
    pub(super) fn opt_str(&self, key: &str) -> Result<Option<String>, LoadError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
            Some(_) => Err(format_err(
                self.file,
                key,
                "expected a non-empty string or null",
            )),
        }
    }

    /// An optional list of strings (absent or null: empty).
    pub(super) fn strings(&self, key: &str) -> Result<Vec<String>, LoadError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(a)) => a
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    v.as_str().map(str::to_string).ok_or_else(|| {
                        format_err(self.file, &format!("{key}[{i}]"), "expected a string")
                    })
                })
                .collect(),
            Some(_) => Err(format_err(self.file, key, "expected an array of strings")),
        }
    }

    /// The optional `tags` object of strings.
    pub(super) fn tags(&self) -> Result<IndexMap<String, String>, LoadError> {
        match self.map.get("tags") {
            None | Some(Value::Null) => Ok(IndexMap::new()),
            Some(Value::Object(o)) => o
                .iter()
                .map(|(k, v)| {
                    v.as_str()
                        .map(|s| (k.clone(), s.to_string()))
                        .ok_or_else(|| {
                            format_err(self.file, &format!("tags.{k}"), "expected a string")
                        })
                })
                .collect(),
            Some(_) => Err(format_err(
                self.file,
                "tags",
                "expected an object of strings",
            )),
        }
    }

    /// The optional S3 Block Public Access settings at `key` (see [`block_public_access`]).
    pub(super) fn block_public_access(
        &self,
        key: &str,
    ) -> Result<Option<BlockPublicAccess>, LoadError> {
        block_public_access(self.map.get(key), self.file, key)
    }

    /// The optional policy document at `key`, named `name`.
    pub(super) fn policy(
        &self,
        key: &str,
        name: String,
        kind: PolicyKind,
    ) -> Result<Option<NamedPolicy>, LoadError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => Ok(Some(NamedPolicy {
                document: parse_document(v, &format!("{} ({key})", self.file), kind)?,
                name,
            })),
        }
    }

    /// The optional resource-based policy at `key` of the resource `arn`, named `name`.
    pub(super) fn resource_policy(
        &self,
        key: &str,
        name: String,
        arn: &str,
    ) -> Result<Option<NamedPolicy>, LoadError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => Ok(Some(NamedPolicy {
                document: parse_resource_policy(v, &format!("{} ({key})", self.file), arn)?,
                name,
            })),
        }
    }

    /// The `inline_policies` of `owner`, each named `owner/name`.
    pub(super) fn inline(&self, owner: &str) -> Result<Vec<NamedPolicy>, LoadError> {
        match self.map.get("inline_policies") {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Object(o)) => o
                .iter()
                .map(|(name, v)| {
                    Ok(NamedPolicy {
                        document: parse_document(
                            v,
                            &format!("{} (inline_policies.{name})", self.file),
                            PolicyKind::Identity,
                        )?,
                        name: format!("{owner}/{name}"),
                    })
                })
                .collect(),
            Some(_) => Err(format_err(
                self.file,
                "inline_policies",
                "expected an object of name -> policy document",
            )),
        }
    }
}

/// Optional S3 Block Public Access settings at JSON path `path`: AWS's
/// `PublicAccessBlockConfiguration` fields, each a boolean (absent: false).
pub(super) fn block_public_access(
    v: Option<&Value>,
    file: &str,
    path: &str,
) -> Result<Option<BlockPublicAccess>, LoadError> {
    const FIELDS: &[&str] = &[
        "BlockPublicAcls",
        "IgnorePublicAcls",
        "BlockPublicPolicy",
        "RestrictPublicBuckets",
    ];
    let o = match v {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(o)) => o,
        Some(_) => {
            return Err(format_err(
                file,
                path,
                "expected an object of PublicAccessBlockConfiguration settings",
            ))
        }
    };
    let mut out = BlockPublicAccess::default();
    for (k, v) in o {
        let here = format!("{path}.{k}");
        let Some(b) = v.as_bool() else {
            return Err(format_err(file, &here, "expected true or false"));
        };
        match k.as_str() {
            "BlockPublicAcls" => out.block_public_acls = b,
            "IgnorePublicAcls" => out.ignore_public_acls = b,
            "BlockPublicPolicy" => out.block_public_policy = b,
            "RestrictPublicBuckets" => out.restrict_public_buckets = b,
            _ => {
                let hint = crate::policy::closest(k, FIELDS.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err(format_err(
                    file,
                    &here,
                    format!("unknown setting `{k}`{hint}"),
                ));
            }
        }
    }
    Ok(Some(out))
}
