//! The references between inventory files: managed policies, boundaries, groups, role names
//! KMS aliases and the roles resources run as must resolve, and names must not clash.

use std::collections::HashMap;

use super::error::LoadError;
use crate::inventory::Inventory;

/// Check that every reference resolves and that no two items clash.
pub(super) fn check_references(inv: &Inventory) -> Result<(), LoadError> {
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
        if let Some(role) = &r.runs_as {
            let key = crate::pattern::Arn::parse(role).map(|a| {
                let name = a.resource.rsplit('/').next().unwrap_or_default();
                (a.account.to_string(), name.to_ascii_lowercase())
            });
            if !key.is_some_and(|k| names.contains_key(&k)) {
                return Err(LoadError::Reference {
                    file: r.source.clone(),
                    message: format!(
                        "runs_as role `{role}` is not in the inventory (add roles/<name>.json)"
                    ),
                });
            }
        }
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
