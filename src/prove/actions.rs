//! The action dimension: the catalog's actions a question's patterns cover (the catalog is
//! finite, so `*` is too), narrowed to those that can take a resource of the question's
//! services, and grouped into classes the engine cannot tell apart: the same service, the same
//! answer from every action clause of the policies in play, the same resource types (which
//! decide the valid resources) and the same condition keys.

use std::collections::HashMap;
use std::sync::OnceLock;

use indexmap::IndexMap;

use super::matching::action_matches;
use crate::catalog::Catalog;
use crate::pattern::{Dialect, Wildcard};
use crate::policy::{ActionClause, Statement};

/// Every catalog action (`service:Name`), and for each ARN service the actions taking a
/// resource type of that service (indices into the list).
struct Index {
    actions: Vec<String>,
    by_arn_service: HashMap<String, Vec<usize>>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut actions = Vec::new();
        let mut by_arn_service: HashMap<String, Vec<usize>> = HashMap::new();
        for service in Catalog::embedded().services() {
            for a in service.actions() {
                let i = actions.len();
                actions.push(format!("{}:{}", a.service(), a.name()));
                let mut seen: Vec<&str> = Vec::new();
                for t in a.resource_types() {
                    for f in t.resource_type().arn_formats() {
                        if let Some(s) = f.split(':').nth(2) {
                            if !seen.contains(&s) {
                                seen.push(s);
                                by_arn_service.entry(s.to_string()).or_default().push(i);
                            }
                        }
                    }
                }
            }
        }
        Index {
            actions,
            by_arn_service,
        }
    })
}

/// Does the action clause match some catalog action that takes a resource of ARN service
/// `service`?
pub(crate) fn reaches_service(clause: &ActionClause, service: &str) -> bool {
    let idx = index();
    idx.by_arn_service.get(service).is_some_and(|list| {
        list.iter()
            .filter_map(|i| idx.actions.get(*i))
            .any(|a| action_matches(clause, &a.to_ascii_lowercase()))
    })
}

/// The actions a question asks about: `literal` names as given, or the catalog's actions
/// matching the patterns (ignoring case). With `services`, only actions that take a resource
/// of one of those ARN services (the only resources the question covers).
pub(crate) fn candidates(
    patterns: &[String],
    literal: bool,
    services: Option<&[String]>,
) -> Vec<String> {
    if literal {
        let mut out: Vec<String> = Vec::new();
        for p in patterns {
            if !out.iter().any(|o| o.eq_ignore_ascii_case(p)) {
                out.push(p.clone());
            }
        }
        return out;
    }
    let matchers: Vec<Wildcard> = patterns
        .iter()
        .filter_map(|p| Wildcard::new(&p.to_ascii_lowercase(), Dialect::Plain).ok())
        .collect();
    let idx = index();
    let pool: Vec<usize> = match services {
        Some(list) => {
            let mut v: Vec<usize> = list
                .iter()
                .flat_map(|s| idx.by_arn_service.get(s).into_iter().flatten().copied())
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        }
        None => (0..idx.actions.len()).collect(),
    };
    pool.into_iter()
        .filter_map(|i| idx.actions.get(i))
        .filter(|a| {
            let lower = a.to_ascii_lowercase();
            matchers.iter().any(|m| m.is_match(&lower))
        })
        .cloned()
        .collect()
}

/// Actions the engine decides by name before any policy (docs/aws-rules.md): each is a class
/// of its own, as is each write the service may refuse after the policies allow it
/// ([`crate::engine::may_refuse_after_allow`]: `iam:DeleteRole` on a service-linked role).
const SERVICE_RULE_ACTIONS: &[&str] = &["sts:getcalleridentity", "sts:getsessiontoken"];

/// Group `actions` into classes no statement of `stmts` and no key of `keys` tells apart.
pub(crate) fn classes(
    actions: &[String],
    stmts: &[&Statement],
    keys: &[String],
) -> Vec<Vec<String>> {
    // Statements apply by clause (any pattern of an `Action`, none of a `NotAction`).
    let mut clauses: Vec<&ActionClause> = Vec::new();
    for st in stmts {
        if !clauses.contains(&&st.action) {
            clauses.push(&st.action);
        }
    }
    let catalog = Catalog::embedded();
    let mut groups: IndexMap<String, Vec<String>> = IndexMap::new();
    for a in actions {
        let lower = a.to_ascii_lowercase();
        let service = lower.split(':').next().unwrap_or("");
        let mut sig = format!("{service}|");
        for c in &clauses {
            sig.push(if action_matches(c, &lower) { '1' } else { '0' });
        }
        sig.push('|');
        match catalog.action(a) {
            Some(info) => {
                for t in info.resource_types() {
                    sig.push_str(t.resource_type().name());
                    sig.push(',');
                }
            }
            None => {
                sig.push('?');
                sig.push_str(&lower);
            }
        }
        sig.push('|');
        for k in keys {
            match catalog.condition_key(a, k) {
                Some(info) => sig.push_str(info.key_type().as_str()),
                None => sig.push('-'),
            }
            sig.push(',');
        }
        if SERVICE_RULE_ACTIONS.contains(&lower.as_str())
            || crate::engine::may_refuse_after_allow(&lower)
        {
            sig.push_str(&lower);
        }
        groups.entry(sig).or_default().push(a.clone());
    }
    groups.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{parse_document, PolicyKind};

    #[test]
    fn candidates_follow_patterns_and_services() {
        let all = candidates(&["ecr:*".into()], false, None);
        assert!(all.contains(&"ecr:GetAuthorizationToken".to_string()));
        let scoped = candidates(&["ecr:*".into()], false, Some(&["ecr".into()]));
        assert!(scoped.contains(&"ecr:BatchGetImage".to_string()));
        // It takes only `*`, never a repository.
        assert!(!scoped.contains(&"ecr:GetAuthorizationToken".to_string()));
        let logs = candidates(&["*".into()], false, Some(&["logs".into()]));
        assert!(logs.contains(&"logs:PutLogEvents".to_string()));
        assert!(logs.iter().all(|a| !a.starts_with("ecr:")));
        assert_eq!(
            candidates(&["x:Y".into(), "X:y".into()], true, None),
            ["x:Y"]
        );
    }

    #[test]
    fn actions_split_by_patterns_and_resource_types() {
        let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
             "Resource": "*"}]});
        let d = parse_document(&doc, "p", PolicyKind::Identity).unwrap();
        let stmts: Vec<&Statement> = d.statements.iter().map(|s| &**s).collect();
        let actions = candidates(&["ecr:*".into()], false, Some(&["ecr".into()]));
        let cs = classes(&actions, &stmts, &[]);
        let with_pull = cs
            .iter()
            .find(|c| c.contains(&"ecr:BatchGetImage".to_string()))
            .unwrap();
        assert_eq!(with_pull.len(), 2);
        assert!(cs.len() < actions.len());
    }
}
