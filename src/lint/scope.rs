//! In a `policies/` inventory, the Deny statements beside each identity document: for every role
//! and user that holds the document (inline, attached, through a group, or as its permissions
//! boundary), the Deny statements of all of that principal's identity policies and boundary.

use std::collections::HashMap;

use super::denies::{deny_statements, Denies, DenyStatement};
use super::locate::JsonPath;
use crate::inventory::{Inventory, NamedPolicy};
use crate::policy::Document;

/// A document of the inventory: (file as lint reports it, JSON path of the document).
pub(crate) type DocKey = (String, String);

/// The Deny statements beside each identity document some principal holds, keyed by where the
/// document is. `label` turns a loader source path into the file name lint reports.
pub(crate) fn principal_denies<'a>(
    inv: &'a Inventory,
    label: impl Fn(&str) -> String,
) -> HashMap<DocKey, Denies<'a>> {
    let roles = inv.roles.iter().map(|r| Holder {
        source: &r.source,
        owner: &r.name,
        inline: &r.inline_policies,
        managed: &r.managed_policy_arns,
        boundary: r.permissions_boundary_arn.as_deref(),
        groups: &[],
    });
    let users = inv.users.iter().map(|u| Holder {
        source: &u.source,
        owner: &u.name,
        inline: &u.inline_policies,
        managed: &u.managed_policy_arns,
        boundary: u.permissions_boundary_arn.as_deref(),
        groups: &u.groups,
    });
    let mut out: HashMap<DocKey, Denies<'a>> = HashMap::new();
    for holder in roles.chain(users) {
        let docs = holder.documents(inv, &label);
        let all: Vec<DenyStatement<'a>> = docs
            .iter()
            .flat_map(|(key, doc)| deny_statements(doc, &key.0, &key.1))
            .collect();
        for (key, _) in docs {
            out.entry(key).or_default().sets.push(all.clone());
        }
    }
    out
}

/// A role or a user: the fields that say which policies it holds.
struct Holder<'a> {
    source: &'a str,
    owner: &'a str,
    inline: &'a [NamedPolicy],
    managed: &'a [String],
    boundary: Option<&'a str>,
    groups: &'a [String],
}

impl<'a> Holder<'a> {
    /// Every identity document the principal holds, once each, with where it is.
    fn documents(
        &self,
        inv: &'a Inventory,
        label: &impl Fn(&str) -> String,
    ) -> Vec<(DocKey, &'a Document)> {
        let mut docs = inline_docs(label, self.source, self.owner, self.inline);
        for group in self.groups {
            if let Some(g) = inv
                .groups
                .iter()
                .find(|g| g.name.eq_ignore_ascii_case(group))
            {
                docs.extend(inline_docs(label, &g.source, &g.name, &g.inline_policies));
                docs.extend(managed_docs(inv, label, &g.managed_policy_arns));
            }
        }
        docs.extend(managed_docs(inv, label, self.managed));
        if let Some(boundary) = self.boundary {
            docs.extend(managed_docs(inv, label, &[boundary.to_string()]));
        }
        let mut seen: Vec<DocKey> = Vec::new();
        docs.retain(|(key, _)| {
            let fresh = !seen.contains(key);
            seen.push(key.clone());
            fresh
        });
        docs
    }
}

/// The inline policies of `owner` (named `owner/key` by the loader), at `inline_policies.key`.
fn inline_docs<'a>(
    label: &impl Fn(&str) -> String,
    source: &str,
    owner: &str,
    inline: &'a [NamedPolicy],
) -> Vec<(DocKey, &'a Document)> {
    let prefix = format!("{owner}/");
    inline
        .iter()
        .filter_map(|p| {
            let key = p.name.strip_prefix(&prefix)?;
            let path = JsonPath::root().key("inline_policies").key(key);
            Some(((label(source), path.to_string()), &p.document))
        })
        .collect()
}

/// The managed policies with these ARNs that the inventory holds, at `document`.
fn managed_docs<'a>(
    inv: &'a Inventory,
    label: &impl Fn(&str) -> String,
    arns: &[String],
) -> Vec<(DocKey, &'a Document)> {
    arns.iter()
        .filter_map(|arn| inv.managed_policies.iter().find(|m| &m.arn == arn))
        .map(|m| {
            let path = JsonPath::root().key("document");
            ((label(&m.source), path.to_string()), &m.policy.document)
        })
        .collect()
}
