//! Loading an inventory from a `policies/` directory (or the same files held in memory), in the
//! format of docs/formats.md. Every dangling reference is an error naming the file.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::{Group, Inventory, ManagedPolicy, NamedPolicy, Organization, Resource, Role, User};
use crate::par::{par_map, SMALL_ITEMS};
use crate::pattern::Arn;
use crate::policy::{one_line, parse_document, PolicyError, PolicyKind};
use crate::request::is_account_id;

/// The largest file read, in bytes (a documented limit).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The most JSON files one `policies/` directory (or one `check` run's scenario paths) may hold
/// (a documented limit; it bounds memory and start-up time).
pub const MAX_FILES: usize = 100_000;

/// Why an inventory could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// A file could not be read
    #[error("{}", one_line(&format!("{file}: {message}")))]
    Io {
        /// The file
        file: String,
        /// The OS error
        message: String,
    },
    /// A file is not valid JSON
    #[error("{}", one_line(&format!("{file}: invalid JSON at line {line}, column {column}: {message}")))]
    Json {
        /// The file
        file: String,
        /// 1-based line
        line: usize,
        /// 1-based column
        column: usize,
        /// serde_json's message
        message: String,
    },
    /// A file does not follow the inventory format
    #[error("{}", one_line(&format!("{file}: {path}: {message}")))]
    Format {
        /// The file
        file: String,
        /// The JSON path
        path: String,
        /// What is wrong
        message: String,
    },
    /// A policy document is invalid
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// A reference points at nothing, or two items clash
    #[error("{}", one_line(&format!("{file}: {message}")))]
    Reference {
        /// The file
        file: String,
        /// What is wrong
        message: String,
    },
}

/// An OS error as a message: lowercase, without Rust's `(os error N)` suffix.
fn io_message(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = match text.find(" (os error") {
        Some(i) => text.get(..i).unwrap_or(&text).to_string(),
        None => text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

fn format_err(file: &str, path: &str, message: impl Into<String>) -> LoadError {
    LoadError::Format {
        file: file.into(),
        path: path.into(),
        message: message.into(),
    }
}

/// Read a JSON file with the size limit, reporting syntax errors with line and column.
pub fn read_json(path: &Path) -> Result<Value, LoadError> {
    let file = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| LoadError::Io {
        file: file.clone(),
        message: io_message(&e),
    })?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(LoadError::Io {
            file,
            message: format!(
                "file is {} bytes; the limit is {MAX_FILE_BYTES}",
                meta.len()
            ),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| LoadError::Io {
        file: file.clone(),
        message: io_message(&e),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| LoadError::Io {
        file: file.clone(),
        message: format!("not valid UTF-8 (byte {})", e.utf8_error().valid_up_to()),
    })?;
    parse_json(&text, &file)
}

/// Parse JSON text, reporting syntax errors with line and column. An object that repeats a key
/// is an error (serde_json alone would keep the last value silently).
pub fn parse_json(text: &str, file: &str) -> Result<Value, LoadError> {
    super::strict::from_str(text).map_err(|e| LoadError::Json {
        file: file.into(),
        line: e.line(),
        column: e.column(),
        message: e
            .to_string()
            .split(" at line")
            .next()
            .unwrap_or_default()
            .to_string(),
    })
}

/// Load a `policies/` directory. Every folder is listed and the file limit checked before any
/// file is read, so a folder that cannot be listed or too many files is reported first. Files
/// are then read, parsed and converted on every core; the error reported is the first file that
/// cannot be read or parsed (in reading order: `roles/`, `users/`, `groups/`, `managed/`,
/// `resources/`, then `organization.json`, each sorted), else the first file that does not
/// convert (in path order). The same input always gives the same error.
pub fn load_dir(dir: &Path) -> Result<Inventory, LoadError> {
    if !dir.is_dir() {
        let message = if dir.exists() {
            "not a directory"
        } else {
            "no such directory"
        };
        return Err(LoadError::Io {
            file: dir.display().to_string(),
            message: message.into(),
        });
    }
    // (relative path, full path), in reading order
    let mut files: Vec<(PathBuf, PathBuf)> = Vec::new();
    for sub in ["roles", "users", "groups", "managed", "resources"] {
        let d = dir.join(sub);
        if !d.is_dir() {
            continue;
        }
        let entries = std::fs::read_dir(&d).map_err(|e| LoadError::Io {
            file: d.display().to_string(),
            message: io_message(&e),
        })?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        if files.len().saturating_add(paths.len()) > MAX_FILES {
            return Err(LoadError::Io {
                file: dir.display().to_string(),
                message: format!("more than {MAX_FILES} files; the limit is {MAX_FILES}"),
            });
        }
        for p in paths {
            let rel = PathBuf::from(sub).join(p.file_name().unwrap_or_default());
            files.push((rel, p));
        }
    }
    let org = dir.join("organization.json");
    if org.is_file() {
        files.push((PathBuf::from("organization.json"), org));
    }
    // Each file's JSON is dropped as soon as it is converted: only one per thread is alive.
    let results = par_map(
        &files,
        SMALL_ITEMS,
        |(rel, full)| read_json(full).map(|v| convert(rel, &v, dir)),
        || Err(internal(dir)),
    );
    let mut converted = Vec::with_capacity(results.len());
    for (r, (rel, _)) in results.into_iter().zip(&files) {
        converted.push((rel, r?));
    }
    assemble(converted)
}

/// Build an inventory from files held in memory (relative path -> JSON), e.g. the generator's
/// or an importer's output. `root` prefixes file names in errors; the error reported is the
/// first in path order.
pub fn from_files(files: &BTreeMap<PathBuf, Value>, root: &Path) -> Result<Inventory, LoadError> {
    let list: Vec<(&PathBuf, &Value)> = files.iter().collect();
    let results = par_map(
        &list,
        SMALL_ITEMS,
        |(rel, v)| convert(rel, v, root),
        || Err(internal(root)),
    );
    assemble(list.into_iter().map(|(rel, _)| rel).zip(results).collect())
}

/// One converted inventory file.
enum Item {
    Role(Role),
    User(User),
    Group(Group),
    Managed(ManagedPolicy),
    Resource(Resource),
    Organization(Organization),
    /// A file outside the inventory's folders (ignored)
    Other,
}

fn internal(root: &Path) -> LoadError {
    LoadError::Io {
        file: root.display().to_string(),
        message: "internal: a loader thread failed".into(),
    }
}

/// Convert one file by the folder it is in.
fn convert(rel: &Path, value: &Value, root: &Path) -> Result<Item, LoadError> {
    let file = root.join(rel).display().to_string();
    let top = rel
        .components()
        .next()
        .and_then(|c| c.as_os_str().to_str())
        .unwrap_or("");
    let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    Ok(match top {
        "roles" => Item::Role(role(value, &file, stem)?),
        "users" => Item::User(user(value, &file)?),
        "groups" => Item::Group(group(value, &file)?),
        "managed" => Item::Managed(managed(value, &file)?),
        "resources" => Item::Resource(resource(value, &file)?),
        "organization.json" => Item::Organization(organization(value, &file)?),
        _ => Item::Other,
    })
}

/// Gather converted files into an inventory, in path order (the first error in that order
/// wins), and check the references between them.
fn assemble(mut items: Vec<(&PathBuf, Result<Item, LoadError>)>) -> Result<Inventory, LoadError> {
    items.sort_by(|a, b| a.0.cmp(b.0));
    let mut inv = Inventory::default();
    for (_, item) in items {
        match item? {
            Item::Role(r) => inv.roles.push(r),
            Item::User(u) => inv.users.push(u),
            Item::Group(g) => inv.groups.push(g),
            Item::Managed(m) => inv.managed_policies.push(m),
            Item::Resource(r) => inv.resources.push(r),
            Item::Organization(o) => inv.organization = Some(o),
            Item::Other => {}
        }
    }
    check_references(&inv)?;
    Ok(inv)
}

struct Obj<'a> {
    file: &'a str,
    map: &'a Map<String, Value>,
}

impl<'a> Obj<'a> {
    fn new(v: &'a Value, file: &'a str, known: &[&str]) -> Result<Self, LoadError> {
        let map = v
            .as_object()
            .ok_or_else(|| format_err(file, "(document)", "expected an object"))?;
        for k in map.keys() {
            if !known.contains(&k.as_str()) {
                let hint = crate::policy::closest(k, known.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err(format_err(file, k, format!("unknown field `{k}`{hint}")));
            }
        }
        Ok(Self { file, map })
    }

    fn str(&self, key: &str) -> Result<String, LoadError> {
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

    fn opt_str(&self, key: &str) -> Result<Option<String>, LoadError> {
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

    fn strings(&self, key: &str) -> Result<Vec<String>, LoadError> {
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

    fn tags(&self) -> Result<IndexMap<String, String>, LoadError> {
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

    fn policy(
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

    fn inline(&self, owner: &str) -> Result<Vec<NamedPolicy>, LoadError> {
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

fn role(v: &Value, file: &str, _stem: &str) -> Result<Role, LoadError> {
    let o = Obj::new(
        v,
        file,
        &[
            "arn",
            "path",
            "trust_policy",
            "inline_policies",
            "managed_policy_arns",
            "permissions_boundary_arn",
            "tags",
            "description",
        ],
    )?;
    let arn = o.str("arn")?;
    let (account, name) = iam_arn(&arn, "role", file)?;
    Ok(Role {
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

fn user(v: &Value, file: &str) -> Result<User, LoadError> {
    let o = Obj::new(
        v,
        file,
        &[
            "arn",
            "path",
            "inline_policies",
            "managed_policy_arns",
            "groups",
            "permissions_boundary_arn",
            "tags",
        ],
    )?;
    let arn = o.str("arn")?;
    let (account, name) = iam_arn(&arn, "user", file)?;
    Ok(User {
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

fn group(v: &Value, file: &str) -> Result<Group, LoadError> {
    let o = Obj::new(
        v,
        file,
        &["arn", "path", "inline_policies", "managed_policy_arns"],
    )?;
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

fn managed(v: &Value, file: &str) -> Result<ManagedPolicy, LoadError> {
    let o = Obj::new(v, file, &["arn", "document", "description"])?;
    let arn = o.str("arn")?;
    let (_, name) = iam_arn(&arn, "policy", file)?;
    let policy = o
        .policy("document", name, PolicyKind::Identity)?
        .ok_or_else(|| format_err(file, "(document)", "missing `document`"))?;
    Ok(ManagedPolicy {
        arn,
        policy,
        source: file.into(),
    })
}

fn resource(v: &Value, file: &str) -> Result<Resource, LoadError> {
    let o = Obj::new(
        v,
        file,
        &["arn", "aliases", "account", "policy", "tags", "description"],
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
        source: file.into(),
        arn,
        account,
        aliases,
    })
}

/// The managed policy AWS attaches at every level when RCPs are enabled; it cannot be detached.
/// <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html>
fn rcp_full_access() -> Result<NamedPolicy, LoadError> {
    let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]});
    Ok(NamedPolicy {
        name: "RCPFullAWSAccess".into(),
        document: parse_document(&doc, "RCPFullAWSAccess", PolicyKind::Rcp)?,
    })
}

fn org_policies(
    v: Option<&Value>,
    file: &str,
    path: &str,
    kind: PolicyKind,
) -> Result<Vec<NamedPolicy>, LoadError> {
    let Some(v) = v else { return Ok(Vec::new()) };
    let list = v
        .as_array()
        .ok_or_else(|| format_err(file, path, "expected an array of {\"name\", \"document\"}"))?;
    list.iter()
        .enumerate()
        .map(|(i, p)| {
            let here = format!("{path}[{i}]");
            let o = p
                .as_object()
                .ok_or_else(|| format_err(file, &here, "expected {\"name\", \"document\"}"))?;
            for k in o.keys() {
                if k != "name" && k != "document" {
                    return Err(format_err(
                        file,
                        &format!("{here}.{k}"),
                        format!("unknown field `{k}`"),
                    ));
                }
            }
            let name = o
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| format_err(file, &here, "missing `name`"))?;
            let doc = o
                .get("document")
                .ok_or_else(|| format_err(file, &here, "missing `document`"))?;
            Ok(NamedPolicy {
                name: name.into(),
                document: parse_document(doc, &format!("{file} ({here})"), kind)?,
            })
        })
        .collect()
}

/// An organization node: its parent and the SCPs and RCPs attached to it.
type Node = (Option<String>, Vec<NamedPolicy>, Vec<NamedPolicy>);

fn organization(v: &Value, file: &str) -> Result<Organization, LoadError> {
    let o = Obj::new(v, file, &["management_account", "root", "ous", "accounts"])?;
    let mut levels: HashMap<String, Node> = HashMap::new();
    let level = |v: &Value,
                 path: &str,
                 known: &[&str]|
     -> Result<(Vec<NamedPolicy>, Vec<NamedPolicy>), LoadError> {
        let m = Obj::new(v, file, known)?;
        let _ = m;
        Ok((
            org_policies(
                v.get("scps"),
                file,
                &format!("{path}.scps"),
                PolicyKind::Scp,
            )?,
            org_policies(
                v.get("rcps"),
                file,
                &format!("{path}.rcps"),
                PolicyKind::Rcp,
            )?,
        ))
    };
    let root = o
        .map
        .get("root")
        .ok_or_else(|| format_err(file, "(document)", "missing `root`"))?;
    let (s, r) = level(root, "root", &["scps", "rcps"])?;
    levels.insert("root".into(), (None, s, r));
    let mut accounts = Vec::new();
    for (key, items) in [
        ("ous", o.map.get("ous")),
        ("accounts", o.map.get("accounts")),
    ] {
        let Some(items) = items else { continue };
        let list = items
            .as_array()
            .ok_or_else(|| format_err(file, key, "expected an array"))?;
        for (i, item) in list.iter().enumerate() {
            let path = format!("{key}[{i}]");
            let (s, r) = level(item, &path, &["id", "parent", "scps", "rcps"])?;
            let id = item
                .get("id")
                .and_then(Value::as_str)
                .ok_or_else(|| format_err(file, &path, "missing `id`"))?;
            let parent = item
                .get("parent")
                .and_then(Value::as_str)
                .ok_or_else(|| format_err(file, &path, "missing `parent`"))?;
            if key == "accounts" {
                if !is_account_id(id) {
                    return Err(format_err(
                        file,
                        &format!("{path}.id"),
                        format!("`{id}` is not a 12-digit account id"),
                    ));
                }
                accounts.push(id.to_string());
            }
            if levels
                .insert(id.into(), (Some(parent.into()), s, r))
                .is_some()
            {
                return Err(format_err(
                    file,
                    &format!("{path}.id"),
                    format!("duplicate id `{id}`"),
                ));
            }
        }
    }
    let mut org = Organization {
        management_account: o.opt_str("management_account")?,
        ..Organization::default()
    };
    for account in accounts {
        let mut chain = Vec::new();
        let mut cur = Some(account.clone());
        while let Some(id) = cur {
            if chain.len() > 64 {
                return Err(format_err(
                    file,
                    "ous",
                    format!("the parents of `{account}` form a cycle"),
                ));
            }
            let (parent, s, r) = levels.get(&id).ok_or_else(|| {
                format_err(
                    file,
                    "accounts",
                    format!("parent `{id}` of `{account}` is not defined"),
                )
            })?;
            chain.push((s.clone(), r.clone()));
            cur = parent.clone();
        }
        chain.reverse();
        org.scp_levels.insert(
            account.clone(),
            chain.iter().map(|(s, _)| s.clone()).collect(),
        );
        let mut rcp_levels = Vec::with_capacity(chain.len());
        for (_, r) in &chain {
            let mut level = vec![rcp_full_access()?];
            level.extend(r.iter().cloned());
            rcp_levels.push(level);
        }
        org.rcp_levels.insert(account, rcp_levels);
    }
    Ok(org)
}

fn check_references(inv: &Inventory) -> Result<(), LoadError> {
    let managed: std::collections::HashSet<&str> = inv
        .managed_policies
        .iter()
        .map(|m| m.arn.as_str())
        .collect();
    let groups: std::collections::HashSet<&str> =
        inv.groups.iter().map(|g| g.name.as_str()).collect();
    let missing = |file: &str, what: &str, arn: &str| LoadError::Reference {
        file: file.into(),
        message: format!(
            "{what} `{arn}` is not in the inventory (add managed/<name>.json with its document)"
        ),
    };
    let mut names: HashMap<(String, String), &str> = HashMap::new();
    for r in &inv.roles {
        if let Some(other) =
            names.insert((r.account.clone(), r.name.to_ascii_lowercase()), &r.source)
        {
            return Err(LoadError::Reference {
                file: r.source.clone(),
                message: format!("duplicate role name `{}` (also in {other})", r.name),
            });
        }
        for a in &r.managed_policy_arns {
            if !managed.contains(a.as_str()) {
                return Err(missing(&r.source, "managed policy", a));
            }
        }
        if let Some(b) = &r.permissions_boundary_arn {
            if !managed.contains(b.as_str()) {
                return Err(missing(&r.source, "permissions boundary", b));
            }
        }
    }
    for u in &inv.users {
        for a in u.managed_policy_arns.iter() {
            if !managed.contains(a.as_str()) {
                return Err(missing(&u.source, "managed policy", a));
            }
        }
        if let Some(b) = &u.permissions_boundary_arn {
            if !managed.contains(b.as_str()) {
                return Err(missing(&u.source, "permissions boundary", b));
            }
        }
        for g in &u.groups {
            if !groups.contains(g.as_str()) {
                return Err(LoadError::Reference {
                    file: u.source.clone(),
                    message: format!("group `{g}` is not in the inventory"),
                });
            }
        }
    }
    let mut aliases: HashMap<&str, &str> = HashMap::new();
    for r in &inv.resources {
        for a in &r.aliases {
            if let Some(other) = aliases.insert(a, &r.source) {
                return Err(LoadError::Reference {
                    file: r.source.clone(),
                    message: format!("alias `{a}` is also on the key in {other}"),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch `policies/` directory with `count` roles, the `bad_json`-th holding invalid
    /// JSON and the `bad_field`-th an unknown field (enough files to load on several threads).
    fn scratch(
        name: &str,
        count: usize,
        bad_json: Option<usize>,
        bad_field: Option<usize>,
    ) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("iamsim-load-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("roles")).unwrap();
        for i in 0..count {
            let text = if Some(i) == bad_json {
                "{".to_string()
            } else {
                let extra = if Some(i) == bad_field {
                    ", \"nmae\": 1"
                } else {
                    ""
                };
                format!("{{\"arn\": \"arn:aws:iam::111122223333:role/r{i:03}\"{extra}}}")
            };
            std::fs::write(dir.join(format!("roles/r{i:03}.json")), text).unwrap();
        }
        dir
    }

    #[test]
    fn roles_load_in_file_order_on_several_threads() {
        let dir = scratch("order", 200, None, None);
        let inv = load_dir(&dir).unwrap();
        assert_eq!(inv.roles.len(), 200);
        assert_eq!(inv.roles.get(150).unwrap().name, "r150");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_json_error_wins_over_an_earlier_format_error() {
        let dir = scratch("json-first", 200, Some(180), Some(3));
        let e = load_dir(&dir).unwrap_err().to_string();
        assert!(
            e.ends_with("r180.json: invalid JSON at line 1, column 1: EOF while parsing an object"),
            "{e}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_first_format_error_in_path_order_wins() {
        let dir = scratch("first", 200, None, Some(190));
        std::fs::write(dir.join("roles/r007.json"), "[]").unwrap();
        let e = load_dir(&dir).unwrap_err().to_string();
        assert!(
            e.ends_with("r007.json: (document): expected an object"),
            "{e}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
