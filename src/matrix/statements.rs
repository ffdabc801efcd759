//! The statements that decide a matrix's cells, as written in the inventory: each listed once,
//! with its elements and conditions, found from the engine's [`StatementId`] by policy name.

use std::collections::HashMap;

use serde::Serialize;

use crate::engine::StatementId;
use crate::inventory::{Inventory, NamedPolicy};
use crate::policy::{ActionClause, Document, Effect, ResourceClause, ResourceMatcher, Statement};

/// One deciding statement as the inventory holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatementText {
    /// Who and where: policy name, index, Sid
    pub id: StatementId,
    /// `Allow` or `Deny`
    pub effect: Effect,
    /// `Action` or `NotAction`
    pub action_element: &'static str,
    /// Its action patterns as written
    pub actions: Vec<String>,
    /// `Resource`, `NotResource`, or empty when the statement has neither (trust policies)
    pub resource_element: &'static str,
    /// Its resource patterns as written
    pub resources: Vec<String>,
    /// Each condition entry: `Operator key [values]`
    pub conditions: Vec<String>,
}

/// The documents of an inventory by policy name, and the statements listed so far.
#[derive(Debug)]
pub struct StatementTable<'i> {
    documents: HashMap<&'i str, &'i Document>,
    index: HashMap<StatementId, usize>,
    /// The statements, in the order first asked for
    pub statements: Vec<StatementText>,
}

impl<'i> StatementTable<'i> {
    /// Index every named policy of `inv` (the first of two with one name wins).
    pub fn new(inv: &'i Inventory) -> Self {
        let mut named: Vec<&NamedPolicy> = Vec::new();
        for r in &inv.roles {
            named.extend(r.trust_policy.iter().chain(&r.inline_policies));
        }
        for u in &inv.users {
            named.extend(&u.inline_policies);
        }
        for g in &inv.groups {
            named.extend(&g.inline_policies);
        }
        named.extend(inv.managed_policies.iter().map(|m| &m.policy));
        named.extend(inv.resources.iter().filter_map(|r| r.policy.as_ref()));
        named.extend(inv.endpoints.iter().filter_map(|e| e.policy.as_ref()));
        if let Some(org) = &inv.organization {
            let levels = org.scp_levels.values().chain(org.rcp_levels.values());
            named.extend(levels.flatten().flatten());
        }
        let mut documents = HashMap::new();
        for p in named {
            documents.entry(p.name.as_str()).or_insert(&p.document);
        }
        StatementTable {
            documents,
            index: HashMap::new(),
            statements: Vec::new(),
        }
    }

    /// The statement `id` names (listed on first use), or `None` when no policy of the
    /// inventory holds it (a rule of the service, which has no document).
    pub fn lookup(&mut self, id: &StatementId) -> Option<(usize, &'i Statement)> {
        let doc: &'i Document = self.documents.get(&*id.policy)?;
        let st = doc.statements.get(id.index)?;
        if let Some(&n) = self.index.get(id) {
            return Some((n, st));
        }
        let n = self.statements.len();
        self.statements.push(text_of(id, st));
        self.index.insert(id.clone(), n);
        Some((n, st))
    }
}

fn text_of(id: &StatementId, st: &Statement) -> StatementText {
    let (action_element, actions) = match &st.action {
        ActionClause::Action(p) => ("Action", p),
        ActionClause::NotAction(p) => ("NotAction", p),
    };
    let (resource_element, resources) = match &st.resource {
        Some(ResourceClause::Resource(p)) => {
            ("Resource", p.iter().map(|r| r.raw.clone()).collect())
        }
        Some(ResourceClause::NotResource(p)) => {
            ("NotResource", p.iter().map(|r| r.raw.clone()).collect())
        }
        None => ("", Vec::new()),
    };
    StatementText {
        id: id.clone(),
        effect: st.effect,
        action_element,
        actions: actions.iter().map(|a| a.raw.clone()).collect(),
        resource_element,
        resources,
        conditions: st
            .conditions
            .iter()
            .map(|c| format!("{} {} {:?}", c.operator, c.key, c.raw))
            .collect(),
    }
}

/// The `Action` pattern of `st` that matches `action` (`None` for `NotAction`).
pub fn matched_action(st: &Statement, action: &str) -> Option<String> {
    let ActionClause::Action(patterns) = &st.action else {
        return None;
    };
    let lower = action.to_ascii_lowercase();
    patterns
        .iter()
        .find(|p| p.matcher.is_match(&lower))
        .map(|p| p.raw.clone())
}

/// The `Resource` pattern of `st` that matches `resource`: a pattern without policy variables
/// that matches, else the only pattern (`None` for `NotResource` or no `Resource`).
pub fn matched_resource(st: &Statement, resource: &str) -> Option<String> {
    let Some(ResourceClause::Resource(patterns)) = &st.resource else {
        return None;
    };
    let fixed = patterns.iter().find(|p| match &p.matcher {
        ResourceMatcher::Fixed(w) => w.is_match(resource),
        ResourceMatcher::Template(_) => false,
    });
    match (fixed, patterns.as_slice()) {
        (Some(p), _) | (None, [p]) => Some(p.raw.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use crate::inventory::{named, AdHoc};
    use crate::policy::{parse_document, PolicyKind};
    use crate::request::Principal;
    use std::sync::Arc;

    fn inventory() -> Inventory {
        let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Read", "Effect": "Allow", "Action": ["s3:Put*", "s3:Get*"],
             "Resource": ["arn:aws:s3:::other/*", "arn:aws:s3:::b/*"],
             "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]});
        AdHoc {
            principal: Some(Principal::parse("arn:aws:iam::111122223333:user/a").unwrap()),
            identity: vec![named(
                "a/read",
                parse_document(&doc, "a/read", PolicyKind::Identity).unwrap(),
            )],
            ..AdHoc::default()
        }
        .build()
    }

    #[test]
    fn a_statement_is_listed_once_with_what_matched() {
        let inv = inventory();
        let mut table = StatementTable::new(&inv);
        let id = StatementId::new(Arc::from("a/read"), 0, Some(Arc::from("Read")));
        let (n, st) = table.lookup(&id).unwrap();
        assert_eq!(n, 0);
        assert_eq!(table.lookup(&id).unwrap().0, 0);
        assert_eq!(table.statements.len(), 1);
        assert_eq!(
            table.statements[0].conditions,
            ["Bool aws:SecureTransport [\"true\"]"]
        );
        assert_eq!(
            matched_action(st, "s3:GetObject").as_deref(),
            Some("s3:Get*")
        );
        assert_eq!(
            matched_resource(st, "arn:aws:s3:::b/k").as_deref(),
            Some("arn:aws:s3:::b/*")
        );
        let missing = StatementId::new(Arc::from("nope"), 0, None);
        assert!(table.lookup(&missing).is_none());
    }
}
