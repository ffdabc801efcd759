//! Action groups and the actions that act on a resource: the catalog says which actions take a
//! resource's type; their names put them in a group close to AWS's access levels (which the
//! embedded catalog does not keep: docs/catalog.md).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::catalog::{Catalog, ResourceCheck};
use crate::pattern::Arn;

/// A group of actions on a resource, named after AWS's access levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionGroup {
    /// Reading or listing (`Get*`, `Describe*`, `List*`, `BatchGet*`, `Query`, ...)
    Read,
    /// Changing or using the resource (everything not in another group: `Put*`, `Decrypt`, ...)
    Write,
    /// Changing who may act on it (`*Policy*`, `*Permission*`, `*Grant*`, `*Acl*`) or passing it
    Permissions,
    /// Tagging (`Tag*`, `Untag*`, `AddTags*`, `RemoveTags*`, `CreateTags`, `DeleteTags`)
    Tagging,
}

impl ActionGroup {
    /// Every group, in the order of the boxes in a cell.
    pub const ALL: [ActionGroup; 4] = [Self::Read, Self::Write, Self::Permissions, Self::Tagging];

    /// `read`, `write`, `permissions`, `tagging`
    pub fn name(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::Permissions => "permissions",
            Self::Tagging => "tagging",
        }
    }

    /// One letter for a matrix cell: `R`, `W`, `P`, `T`
    pub fn letter(self) -> char {
        match self {
            Self::Read => 'R',
            Self::Write => 'W',
            Self::Permissions => 'P',
            Self::Tagging => 'T',
        }
    }

    /// The group of an action, from its name (`GetObject`, without the service prefix).
    pub fn of(name: &str) -> ActionGroup {
        let verb = first_word(name.strip_prefix("Batch").unwrap_or(name));
        let tagging = matches!(verb, "Tag" | "Untag")
            || ["AddTags", "RemoveTags", "CreateTags", "DeleteTags"]
                .iter()
                .any(|p| name.starts_with(p));
        if tagging {
            return Self::Tagging;
        }
        let reads = matches!(
            verb,
            "Get"
                | "Describe"
                | "List"
                | "Head"
                | "Search"
                | "Query"
                | "Scan"
                | "Lookup"
                | "Select"
                | "View"
                | "Download"
                | "Retrieve"
                | "Read"
                | "Check"
                | "Preview"
                | "Simulate"
        );
        if reads {
            return Self::Read;
        }
        let permissions = ["Policy", "Permission", "Grant", "Acl"]
            .iter()
            .any(|w| name.contains(w))
            || name == "PassRole";
        if permissions {
            Self::Permissions
        } else {
            Self::Write
        }
    }
}

/// The first CamelCase word of `name` (`Get` of `GetObject`).
fn first_word(name: &str) -> &str {
    let end = name
        .char_indices()
        .skip(1)
        .find(|(_, c)| c.is_ascii_uppercase())
        .map_or(name.len(), |(i, _)| i);
    name.get(..end).unwrap_or(name)
}

/// The actions that take `arn` as their resource (`service:Name`, catalog order), by group.
/// Actions of another service whose resource types live under the ARN's service count too
/// (`sts:AssumeRole` on an IAM role).
pub fn actions_on(catalog: &Catalog, arn: &str) -> BTreeMap<ActionGroup, Vec<String>> {
    let mut out: BTreeMap<ActionGroup, Vec<String>> = BTreeMap::new();
    let Some(parsed) = Arn::parse(arn) else {
        return out;
    };
    for prefix in services_for(catalog, parsed.service) {
        let Some(actions) = catalog.service_actions(prefix) else {
            continue;
        };
        for a in actions.filter(|a| a.has_resource_types()) {
            let full = format!("{}:{}", a.service(), a.name());
            if matches!(
                catalog.check_resource(&full, arn),
                ResourceCheck::Matches(_)
            ) {
                out.entry(ActionGroup::of(a.name())).or_default().push(full);
            }
        }
    }
    out
}

/// The service prefixes with a resource type whose ARN is under `arn_service` (that service
/// first).
fn services_for<'c>(catalog: &'c Catalog, arn_service: &str) -> Vec<&'c str> {
    let head = format!("arn:${{Partition}}:{arn_service}:");
    let mut out: Vec<&str> = catalog
        .services()
        .filter(|s| {
            s.prefix() == arn_service
                || s.resource_types()
                    .any(|r| r.arn_formats().any(|f| f.starts_with(&head)))
        })
        .map(|s| s.prefix())
        .collect();
    out.sort_by_key(|p| *p != arn_service);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_follow_the_verb() {
        assert_eq!(ActionGroup::of("GetObject"), ActionGroup::Read);
        assert_eq!(ActionGroup::of("BatchGetImage"), ActionGroup::Read);
        assert_eq!(ActionGroup::of("ListTagsForResource"), ActionGroup::Read);
        assert_eq!(ActionGroup::of("GetKeyPolicy"), ActionGroup::Read);
        assert_eq!(ActionGroup::of("PutKeyPolicy"), ActionGroup::Permissions);
        assert_eq!(ActionGroup::of("CreateGrant"), ActionGroup::Permissions);
        assert_eq!(ActionGroup::of("PassRole"), ActionGroup::Permissions);
        assert_eq!(ActionGroup::of("TagResource"), ActionGroup::Tagging);
        assert_eq!(ActionGroup::of("AddTagsToResource"), ActionGroup::Tagging);
        assert_eq!(ActionGroup::of("Decrypt"), ActionGroup::Write);
        assert_eq!(ActionGroup::of("BatchDeleteImage"), ActionGroup::Write);
        assert_eq!(ActionGroup::of("Target"), ActionGroup::Write);
    }

    #[test]
    fn a_role_is_acted_on_by_iam_and_sts() {
        let found = actions_on(
            Catalog::embedded(),
            "arn:aws:iam::111122223333:role/acme-dev-gateway",
        );
        let all: Vec<&String> = found.values().flatten().collect();
        assert!(all.iter().any(|a| *a == "sts:AssumeRole"), "{all:?}");
        assert!(found[&ActionGroup::Permissions].contains(&"iam:PassRole".to_string()));
        assert!(found[&ActionGroup::Read].contains(&"iam:GetRole".to_string()));
        assert!(!all.iter().any(|a| a.starts_with("s3:")));
    }

    #[test]
    fn a_key_takes_kms_key_actions_only() {
        let found = actions_on(
            Catalog::embedded(),
            "arn:aws:kms:us-east-1:111122223333:key/k",
        );
        assert!(found[&ActionGroup::Write].contains(&"kms:Decrypt".to_string()));
        assert!(!found.values().flatten().any(|a| a == "kms:CreateKey"));
        assert!(actions_on(Catalog::embedded(), "not-an-arn").is_empty());
    }
}
