//! Loading an inventory from a `policies/` directory (or the same files held in memory), in the
//! format of docs/formats.md. Every dangling reference is an error naming the file.

mod endpoint;
mod error;
mod facts;
mod fields;
mod iam;
mod json;
mod organization;
mod ownership;
mod references;
mod resource;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Endpoint, Group, Inventory, ManagedPolicy, Organization, Owner, Resource, Role, User};
use crate::par::{par_map, SMALL_ITEMS};
use error::io_message;
pub use error::LoadError;
pub use json::{
    parse_json, read_json, read_json_within, read_text, read_text_within, MAX_FILE_BYTES,
    MAX_SCENARIO_FILE_BYTES,
};

/// The most JSON files one folder of a `policies/` directory (`roles/`, `users/`, ...), or one
/// `check` run's scenario paths, may hold (a documented limit; it bounds memory and start-up
/// time). Per folder, so that an organisation of 100,000 roles and users fits.
pub const MAX_FILES: usize = 100_000;

/// Load a `policies/` directory. Every folder is listed and the file limit checked before any
/// file is read, so a folder that cannot be listed or too many files is reported first. Files
/// are then read, parsed and converted on every core; the error reported is the first file that
/// cannot be read or parsed (in reading order: `roles/`, `users/`, `groups/`, `managed/`,
/// `resources/`, `endpoints/`, then `organization.json`, each sorted), else the first file that does not
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
    for sub in [
        "roles",
        "users",
        "groups",
        "managed",
        "resources",
        "endpoints",
    ] {
        let d = dir.join(sub);
        if !d.is_dir() {
            continue;
        }
        let entries = std::fs::read_dir(&d).map_err(|e| LoadError::Io {
            file: d.display().to_string(),
            message: io_message(&e),
        })?;
        // One directory's files: their names order them as their paths would, and comparing
        // names is cheaper than comparing paths component by component (100,000 roles).
        let mut names: Vec<std::ffi::OsString> = entries
            .filter_map(|e| e.ok().map(|e| e.file_name()))
            .filter(|n| Path::new(n).extension().is_some_and(|x| x == "json"))
            .collect();
        names.sort_unstable();
        if names.len() > MAX_FILES {
            return Err(LoadError::Io {
                file: dir.display().to_string(),
                message: format!("more than {MAX_FILES} files; the limit is {MAX_FILES}"),
            });
        }
        for n in names {
            files.push((Path::new(sub).join(&n), d.join(n)));
        }
    }
    for top in ["organization.json", "ownership.json"] {
        let path = dir.join(top);
        if path.is_file() {
            files.push((PathBuf::from(top), path));
        }
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
    Endpoint(Endpoint),
    Organization(Organization),
    Ownership(Vec<Owner>),
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
        "roles" => Item::Role(iam::role(value, &file, stem)?),
        "users" => Item::User(iam::user(value, &file)?),
        "groups" => Item::Group(iam::group(value, &file)?),
        "managed" => Item::Managed(iam::managed(value, &file)?),
        "resources" => Item::Resource(resource::resource(value, &file)?),
        "endpoints" => Item::Endpoint(endpoint::endpoint(value, &file)?),
        "organization.json" => Item::Organization(organization::organization(value, &file)?),
        "ownership.json" => Item::Ownership(ownership::ownership(value, &file)?),
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
            Item::Endpoint(e) => inv.endpoints.push(e),
            Item::Organization(o) => inv.organization = Some(o),
            Item::Ownership(o) => inv.ownership = o,
            Item::Other => {}
        }
    }
    references::check_references(&inv)?;
    Ok(inv)
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
