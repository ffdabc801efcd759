//! The actions a diff asks about: the catalog's actions of the services either side reaches,
//! grouped into classes no statement of either side tells apart (one representative is asked per
//! class; docs/diff.md).

use std::collections::{BTreeSet, HashMap};

use crate::catalog::Catalog;
use crate::inventory::Inventory;
use crate::policy::Statement;

use super::side::all_policies;

/// The catalog's actions of `services` (every service when `None`), sorted.
pub(super) fn catalog_actions(services: Option<&BTreeSet<String>>) -> Vec<String> {
    let catalog = Catalog::embedded();
    let mut actions: Vec<String> = Vec::new();
    match services {
        Some(set) => {
            for s in set {
                if let Some(list) = catalog.service_actions(s) {
                    actions.extend(list.map(|a| a.to_string()));
                }
            }
        }
        None => {
            for s in catalog.services() {
                actions.extend(s.actions().map(|a| a.to_string()));
            }
        }
    }
    actions.sort();
    actions.dedup();
    actions
}

/// The class representative of each action: classes over every statement of both sides.
pub(super) fn classes_of(actions: &[String], sides: [&Inventory; 2]) -> Vec<u32> {
    let stmts: Vec<&Statement> = sides
        .iter()
        .flat_map(|inv| all_policies(inv))
        .flat_map(|p| p.document.statements.iter().map(|s| &**s))
        .collect();
    let mut keys: Vec<String> = Vec::new();
    for st in &stmts {
        for c in &st.conditions {
            if !keys.iter().any(|k| k == c.key_lower()) {
                keys.push(c.key_lower().to_string());
            }
        }
    }
    let index: HashMap<&str, u32> = actions
        .iter()
        .enumerate()
        .filter_map(|(i, a)| Some((a.as_str(), u32::try_from(i).ok()?)))
        .collect();
    let mut rep: Vec<u32> = (0..actions.len())
        .filter_map(|i| u32::try_from(i).ok())
        .collect();
    for group in crate::prove::actions::classes(actions, &stmts, &keys) {
        let Some(first) = group.first().and_then(|a| index.get(a.as_str())).copied() else {
            continue;
        };
        for a in &group {
            if let Some(slot) = index.get(a.as_str()).and_then(|i| rep.get_mut(*i as usize)) {
                *slot = first;
            }
        }
    }
    rep
}

/// For each action of the space: the ARN services its resource types live in (empty when the
/// action takes only `*`).
pub(crate) fn action_arn_services(action: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(info) = Catalog::embedded().action(action) {
        for t in info.resource_types() {
            for f in t.resource_type().arn_formats() {
                if let Some(s) = f.split(':').nth(2) {
                    if !out.iter().any(|o| o == s) {
                        out.push(s.to_string());
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_services_come_from_the_catalog() {
        assert_eq!(action_arn_services("ecr:BatchGetImage"), ["ecr"]);
        assert!(action_arn_services("ecr:GetAuthorizationToken").is_empty());
    }
}
