//! The inventory being built by an importer, and its rendering to the files of
//! docs/formats.md (`roles/`, `users/`, `groups/`, `managed/`, `resources/`, `organization.json`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{json, Map, Value};

use super::report::ImportReport;

/// The inventory directories, one per kind of entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Dir {
    Roles,
    Users,
    Groups,
    Managed,
    Resources,
}

impl Dir {
    fn name(self) -> &'static str {
        match self {
            Dir::Roles => "roles",
            Dir::Users => "users",
            Dir::Groups => "groups",
            Dir::Managed => "managed",
            Dir::Resources => "resources",
        }
    }
}

/// A role, user or group.
#[derive(Debug, Clone, Default)]
pub(crate) struct Identity {
    pub name: String,
    pub path: Option<String>,
    pub trust_policy: Option<Value>,
    pub inline: BTreeMap<String, Value>,
    pub managed: Vec<String>,
    pub groups: Vec<String>,
    pub boundary: Option<String>,
    pub tags: BTreeMap<String, String>,
    /// A role's instance profiles (written only when there are some)
    pub instance_profiles: Vec<String>,
    /// A user with a console password (written only when true)
    pub login_profile: bool,
}

/// A resource with a resource-based policy.
#[derive(Debug, Clone, Default)]
pub(crate) struct Resource {
    pub name: String,
    pub aliases: Vec<String>,
    pub account: String,
    pub policy: Option<Value>,
    pub tags: BTreeMap<String, String>,
    /// The role the resource runs as (written only when known)
    pub runs_as: Option<String>,
}

/// Everything extracted so far, keyed by ARN.
#[derive(Debug, Default)]
pub(crate) struct Builder {
    pub roles: BTreeMap<String, Identity>,
    pub users: BTreeMap<String, Identity>,
    pub groups: BTreeMap<String, Identity>,
    /// Managed policies: ARN -> (name, document).
    pub managed: BTreeMap<String, (String, Value)>,
    /// Managed policies' other versions: ARN -> [(version id, document)] (written when some)
    pub managed_versions: BTreeMap<String, Vec<(String, Value)>>,
    pub resources: BTreeMap<String, Resource>,
    pub organization: Option<Value>,
    report: Vec<(Dir, String, String, String)>,
    org_report: Vec<(String, String)>,
}

impl Builder {
    /// Records that `what` from `source` went into the entry `arn` of `dir`.
    pub fn note(
        &mut self,
        dir: Dir,
        arn: &str,
        what: impl Into<String>,
        source: impl Into<String>,
    ) {
        self.report
            .push((dir, arn.to_string(), what.into(), source.into()));
    }

    /// Records that `what` from `source` went into `organization.json`.
    pub fn note_org(&mut self, what: impl Into<String>, source: impl Into<String>) {
        self.org_report.push((what.into(), source.into()));
    }

    /// Renders the files and the report.
    pub fn finish(self) -> (BTreeMap<PathBuf, Value>, ImportReport) {
        let mut files = BTreeMap::new();
        let mut paths: BTreeMap<(Dir, String), PathBuf> = BTreeMap::new();
        let mut place = |dir: Dir,
                         arn: &str,
                         name: &str,
                         content: Value,
                         files: &mut BTreeMap<PathBuf, Value>| {
            let path = free_path(files, dir, name);
            paths.insert((dir, arn.to_string()), path.clone());
            files.insert(path, content);
        };
        for (dir, map) in [
            (Dir::Roles, &self.roles),
            (Dir::Users, &self.users),
            (Dir::Groups, &self.groups),
        ] {
            for (arn, identity) in map {
                place(
                    dir,
                    arn,
                    &identity.name,
                    identity_json(dir, arn, identity),
                    &mut files,
                );
            }
        }
        for (arn, (name, doc)) in &self.managed {
            let mut content = json!({"arn": arn, "document": doc});
            if let Some(versions) = self.managed_versions.get(arn).filter(|v| !v.is_empty()) {
                let list: Vec<Value> = versions
                    .iter()
                    .map(|(id, d)| json!({"version_id": id, "document": d}))
                    .collect();
                if let Some(map) = content.as_object_mut() {
                    map.insert("versions".into(), Value::Array(list));
                }
            }
            place(Dir::Managed, arn, name, content, &mut files);
        }
        for (arn, res) in &self.resources {
            let mut content = json!({
                "arn": arn, "aliases": res.aliases, "account": res.account,
                "policy": res.policy, "tags": res.tags,
            });
            if let (Some(role), Some(map)) = (&res.runs_as, content.as_object_mut()) {
                map.insert("runs_as".into(), json!(role));
            }
            place(Dir::Resources, arn, &res.name, content, &mut files);
        }
        let mut report = ImportReport::default();
        for (dir, arn, what, source) in self.report {
            let file = paths
                .get(&(dir, arn.clone()))
                .cloned()
                .unwrap_or_else(|| PathBuf::from(dir.name()).join(sanitize(&arn)));
            report.push(file, what, source);
        }
        if let Some(org) = self.organization {
            files.insert(PathBuf::from("organization.json"), org);
            for (what, source) in self.org_report {
                report.push(PathBuf::from("organization.json"), what, source);
            }
        }
        report.sort();
        (files, report)
    }
}

/// The JSON of a role, user or group file.
fn identity_json(dir: Dir, arn: &str, identity: &Identity) -> Value {
    let mut map = Map::new();
    map.insert("arn".into(), json!(arn));
    if let Some(path) = &identity.path {
        map.insert("path".into(), json!(path));
    }
    if dir == Dir::Roles {
        map.insert(
            "trust_policy".into(),
            identity.trust_policy.clone().unwrap_or(Value::Null),
        );
    }
    map.insert("inline_policies".into(), json!(identity.inline));
    map.insert("managed_policy_arns".into(), json!(identity.managed));
    if dir == Dir::Users {
        map.insert("groups".into(), json!(identity.groups));
    }
    if dir != Dir::Groups {
        map.insert("permissions_boundary_arn".into(), json!(identity.boundary));
        map.insert("tags".into(), json!(identity.tags));
    }
    if dir == Dir::Users && identity.login_profile {
        map.insert("login_profile".into(), json!(true));
    }
    if !identity.instance_profiles.is_empty() {
        map.insert(
            "instance_profile_arns".into(),
            json!(identity.instance_profiles),
        );
    }
    Value::Object(map)
}

/// `dir/<name>.json`, or `dir/<name>~2.json`, ... when taken (names are informational).
fn free_path(files: &BTreeMap<PathBuf, Value>, dir: Dir, name: &str) -> PathBuf {
    let base = sanitize(name);
    let mut n = 1;
    loop {
        let file = if n == 1 {
            format!("{base}.json")
        } else {
            format!("{base}~{n}.json")
        };
        let path = PathBuf::from(dir.name()).join(file);
        if !files.contains_key(&path) {
            return path;
        }
        n += 1;
    }
}

/// Keeps the characters IAM allows in names (`\w+=,.@-`); anything else becomes `_`.
pub(crate) fn sanitize(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "+=,.@_-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.is_empty() || cleaned.starts_with('.') {
        format!("_{cleaned}")
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_collide_into_numbered_files() {
        let mut b = Builder::default();
        for arn in [
            "arn:aws:iam::111122223333:policy/a/p",
            "arn:aws:iam::111122223333:policy/b/p",
        ] {
            b.managed
                .insert(arn.into(), ("p".into(), json!({"Statement": []})));
            b.note(Dir::Managed, arn, "managed policy", arn);
        }
        let (files, report) = b.finish();
        let names: Vec<_> = files.keys().map(|p| p.display().to_string()).collect();
        assert_eq!(names, ["managed/p.json", "managed/p~2.json"]);
        assert_eq!(report.items[1].file, PathBuf::from("managed/p~2.json"));
    }

    #[test]
    fn sanitize_keeps_iam_name_characters() {
        assert_eq!(sanitize("alias/acme dev"), "alias_acme_dev");
        assert_eq!(sanitize("a+b=c,d.e@f_g-h"), "a+b=c,d.e@f_g-h");
        assert_eq!(sanitize(".."), "_..");
    }

    #[test]
    fn role_file_has_every_field() {
        let mut b = Builder::default();
        b.roles.insert(
            "arn:aws:iam::111122223333:role/app".into(),
            Identity {
                name: "app".into(),
                path: Some("/".into()),
                ..Identity::default()
            },
        );
        let (files, _) = b.finish();
        assert_eq!(
            files.get(&PathBuf::from("roles/app.json")),
            Some(&json!({
                "arn": "arn:aws:iam::111122223333:role/app", "path": "/", "trust_policy": null,
                "inline_policies": {}, "managed_policy_arns": [], "permissions_boundary_arn": null, "tags": {}
            }))
        );
    }
}
