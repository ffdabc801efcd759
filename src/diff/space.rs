//! The request space of a diff: the principals, actions and resources whose combinations are
//! asked of both sides. Built from both inventories; see docs/diff.md for what it covers.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::catalog::Catalog;
use crate::inventory::Inventory;
use crate::policy::{ActionClause, PrincipalClause, PrincipalEntry, ResourceClause, Statement};
use crate::request::{IamKind, Principal};

use super::side::all_policies;
use super::witness::{has_wildcard, pattern_witnesses, STAR_TOKEN};

/// Services asked about when a statement's actions name no service: `"Action": "*"` and
/// `NotAction` (whose complement spans every service). Bounded so the space stays small: the
/// services an AgentCore platform's policies govern, and IAM/STS.
pub const BOUNDED_SERVICES: &[&str] = &[
    "bedrock",
    "bedrock-agentcore",
    "dynamodb",
    "ecr",
    "iam",
    "kms",
    "lambda",
    "logs",
    "s3",
    "secretsmanager",
    "ssm",
    "sts",
];

/// A principal of the request space.
#[derive(Debug, Clone)]
pub struct SpacePrincipal {
    /// The principal as requests name it
    pub principal: Principal,
    /// For people: `role NAME`, `user NAME`, `service NAME`, `account ID`, or the ARN
    pub label: String,
}

/// A resource of the request space.
#[derive(Debug, Clone)]
pub struct SpaceResource {
    /// The ARN (or `*`) requests use
    pub arn: String,
    /// The pattern this witness instantiates, when it is not itself written in a policy
    pub pattern: Option<String>,
}

/// The principals, actions and resources a diff asks about.
#[derive(Debug, Clone, Default)]
pub struct RequestSpace {
    /// Roles and users of either side, then service principals, accounts and other principals
    /// named in either side's resource-based, trust and key policies
    pub principals: Vec<SpacePrincipal>,
    /// The catalog's actions of every service named in either side (AWS casing), sorted
    pub actions: Vec<String>,
    /// Every ARN and a witness of every ARN pattern in either side, plus `*`; sorted by ARN
    pub resources: Vec<SpaceResource>,
}

impl RequestSpace {
    /// Build the space of `base` and `head`.
    pub fn new(base: &Inventory, head: &Inventory) -> Self {
        let mut g = Gather::default();
        g.resources.insert("*".into(), None);
        for inv in [base, head] {
            g.inventory(inv);
        }
        g.finish()
    }

    /// The indices of the resources whose ARN starts with `prefix` (the space is sorted).
    pub fn with_prefix(&self, prefix: &str) -> std::ops::Range<usize> {
        let start = self.resources.partition_point(|r| r.arn.as_str() < prefix);
        let len = self.resources.get(start..).map_or(0, |rest| {
            rest.iter()
                .take_while(|r| r.arn.starts_with(prefix))
                .count()
        });
        start..start + len
    }
}

/// The space while it is gathered from the inventories.
#[derive(Default)]
struct Gather {
    services: BTreeSet<String>,
    resources: BTreeMap<String, Option<String>>,
    /// Principals named in policies, added after every role and user
    named: Vec<Principal>,
    principals: Vec<SpacePrincipal>,
    seen: BTreeSet<String>,
}

impl Gather {
    /// The roles, users and resources of `inv`, then what its policies name.
    fn inventory(&mut self, inv: &Inventory) {
        for r in &inv.roles {
            if self.seen.insert(r.arn.clone()) {
                if let Ok(p) = Principal::parse(&r.arn) {
                    self.principals.push(SpacePrincipal {
                        principal: p,
                        label: format!("role {}", r.name),
                    });
                }
            }
            self.resources.insert(r.arn.clone(), None);
        }
        for u in &inv.users {
            if self.seen.insert(u.arn.clone()) {
                if let Ok(p) = Principal::parse(&u.arn) {
                    self.principals.push(SpacePrincipal {
                        principal: p,
                        label: format!("user {}", u.name),
                    });
                }
            }
        }
        for r in &inv.resources {
            self.resources.insert(r.arn.clone(), None);
            // A bucket's policy governs its objects: ask about one object too.
            if r.arn.starts_with("arn:aws:s3:::") && !r.arn.contains('/') {
                self.resources
                    .entry(format!("{}/{STAR_TOKEN}", r.arn))
                    .or_insert_with(|| Some(format!("{}/*", r.arn)));
            }
        }
        for p in all_policies(inv) {
            for st in &p.document.statements {
                self.statement(st);
            }
        }
    }

    /// The services, resources and principals one statement names.
    fn statement(&mut self, st: &Statement) {
        let services = &mut self.services;
        match &st.action {
            ActionClause::Action(list) => {
                for a in list {
                    match &a.service {
                        Some(s) if !has_wildcard(s) => {
                            services.insert(s.clone());
                        }
                        _ => services.extend(BOUNDED_SERVICES.iter().map(|s| s.to_string())),
                    }
                }
            }
            ActionClause::NotAction(list) => {
                services.extend(BOUNDED_SERVICES.iter().map(|s| s.to_string()));
                services.extend(list.iter().filter_map(|a| a.service.clone()));
            }
        }
        if let Some(ResourceClause::Resource(list) | ResourceClause::NotResource(list)) =
            &st.resource
        {
            for r in list {
                add_pattern(&mut self.resources, &r.raw);
            }
        }
        if let Some(PrincipalClause::Principal(ps) | PrincipalClause::NotPrincipal(ps)) =
            &st.principal
        {
            for e in &ps.entries {
                let p = match e {
                    PrincipalEntry::Service(s) => Some(Principal::Service(s.to_ascii_lowercase())),
                    PrincipalEntry::Account { account, .. } => Principal::parse(account).ok(),
                    PrincipalEntry::Arn(a) if !has_wildcard(a) => Principal::parse(a).ok(),
                    _ => None,
                };
                if let Some(p) = p {
                    self.named.push(p);
                }
            }
        }
    }

    /// The space: the named principals after the roles and users, the catalog's actions of
    /// every service seen.
    fn finish(mut self) -> RequestSpace {
        for p in self.named {
            if self.seen.insert(p.as_str().to_string()) {
                let label = label(&p);
                self.principals.push(SpacePrincipal {
                    principal: p,
                    label,
                });
            }
        }
        let catalog = Catalog::embedded();
        let mut actions: Vec<String> = Vec::new();
        for s in &self.services {
            if let Some(list) = catalog.service_actions(s) {
                actions.extend(list.map(|a| a.to_string()));
            }
        }
        actions.sort();
        actions.dedup();
        RequestSpace {
            principals: self.principals,
            actions,
            resources: self
                .resources
                .into_iter()
                .map(|(arn, pattern)| SpaceResource { arn, pattern })
                .collect(),
        }
    }
}

/// Add a literal ARN, or the witnesses of a pattern (remembering the pattern they stand for).
fn add_pattern(resources: &mut BTreeMap<String, Option<String>>, raw: &str) {
    if !has_wildcard(raw) || raw == "*" {
        resources.insert(raw.to_string(), None);
        return;
    }
    for w in pattern_witnesses(raw) {
        resources.entry(w).or_insert_with(|| Some(raw.to_string()));
    }
    for w in nested_witnesses(raw) {
        resources.entry(w).or_insert_with(|| Some(raw.to_string()));
    }
}

/// Witnesses of a pattern ending in `*` that reach the resource types nested below it: the
/// trailing `*` also stands for the text that joins two placeholders in the service's ARN
/// formats (`:log-stream:`), so `log-group:/a/b:*` gets `log-group:/a/b:log-stream:iamsim`,
/// a log stream, which the actions on streams take.
pub(crate) fn nested_witnesses(raw: &str) -> Vec<String> {
    let Some(stem) = raw.strip_suffix('*') else {
        return Vec::new();
    };
    let Some(service) = raw.split(':').nth(2).filter(|s| !has_wildcard(s)) else {
        return Vec::new();
    };
    let Some(info) = Catalog::embedded().service(service) else {
        return Vec::new();
    };
    // Only formats of the pattern's own resource type (`log-group`), past that keyword.
    let Some(keyword) = raw
        .splitn(6, ':')
        .nth(5)
        .and_then(|r| r.split(['/', ':']).next())
        .filter(|k| !k.is_empty() && !has_wildcard(k))
    else {
        return Vec::new();
    };
    let mut joins: BTreeSet<&str> = BTreeSet::new();
    for t in info.resource_types() {
        for f in t.arn_formats() {
            let Some(at) = f.find(&format!(":{keyword}")) else {
                continue;
            };
            let mut rest = f.get(at + keyword.len() + 1..).unwrap_or("");
            while let Some(close) = rest.find('}') {
                rest = rest.get(close + 1..).unwrap_or("");
                if let Some(open) = rest.find("${") {
                    let join = rest.get(..open).unwrap_or("");
                    if join.len() > 1 && join.starts_with([':', '/']) {
                        joins.insert(join);
                    }
                }
            }
        }
    }
    let stem = super::witness::instantiate(stem, STAR_TOKEN);
    joins
        .into_iter()
        .map(|join| match stem.chars().last() {
            Some(c) if join.starts_with(c) => {
                format!("{stem}{}{STAR_TOKEN}", join.get(1..).unwrap_or(""))
            }
            _ => format!("{stem}{STAR_TOKEN}{join}{STAR_TOKEN}"),
        })
        .collect()
}

/// How a principal is named for people.
fn label(p: &Principal) -> String {
    match p {
        Principal::Service(s) => format!("service {s}"),
        Principal::Anonymous => "anonymous".into(),
        Principal::Iam(ip) => match &ip.kind {
            IamKind::Root => format!("account {}", ip.account),
            IamKind::Role { name, .. } => format!("role {name} ({})", ip.account),
            IamKind::User { name } => format!("user {name} ({})", ip.account),
            IamKind::FederatedUser { name } => format!("federated-user {name} ({})", ip.account),
        },
    }
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

/// The resources of the space grouped by ARN service (`*` under the empty string).
pub(crate) fn by_service(space: &RequestSpace) -> HashMap<String, Vec<u32>> {
    let mut out: HashMap<String, Vec<u32>> = HashMap::new();
    for (i, r) in space.resources.iter().enumerate() {
        let service = if r.arn == "*" {
            ""
        } else {
            r.arn.split(':').nth(2).unwrap_or("")
        };
        out.entry(service.to_string())
            .or_default()
            .push(u32::try_from(i).unwrap_or(u32::MAX));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::from_files;
    use crate::platform::{generate, PlatformSpec};

    fn reference() -> Inventory {
        let files = generate(&PlatformSpec::reference()).unwrap();
        from_files(&files, std::path::Path::new("policies")).unwrap()
    }

    #[test]
    fn reference_principals_include_services_and_the_account() {
        let inv = reference();
        let space = RequestSpace::new(&inv, &inv);
        let labels: Vec<&str> = space.principals.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "role acme-dev-agent-billing",
                "role acme-dev-agent-research-v2",
                "role acme-dev-agent-research",
                "role acme-dev-agent-support",
                "role acme-dev-gateway",
                "service bedrock-agentcore.amazonaws.com",
                "account 111122223333",
                "service logs.us-east-1.amazonaws.com",
            ]
        );
    }

    #[test]
    fn patterns_get_witnesses_that_remember_them() {
        let inv = reference();
        let space = RequestSpace::new(&inv, &inv);
        let w = space
            .resources
            .iter()
            .find(|r| r.arn == "arn:aws:s3:::acme-dev-datasets/iamsim")
            .unwrap();
        assert_eq!(
            w.pattern.as_deref(),
            Some("arn:aws:s3:::acme-dev-datasets/*")
        );
        assert!(space.actions.iter().any(|a| a == "s3:GetObject"));
        let range = space.with_prefix("arn:aws:s3:::acme-dev-datasets");
        let arns: Vec<&str> = space.resources[range]
            .iter()
            .map(|r| r.arn.as_str())
            .collect();
        assert_eq!(
            arns,
            [
                "arn:aws:s3:::acme-dev-datasets",
                "arn:aws:s3:::acme-dev-datasets/iamsim",
                "arn:aws:s3:::acme-dev-datasets/x"
            ]
        );
    }

    #[test]
    fn log_group_patterns_reach_their_streams() {
        assert_eq!(
            nested_witnesses("arn:aws:logs:us-east-1:1:log-group:/a/b:*"),
            ["arn:aws:logs:us-east-1:1:log-group:/a/b:log-stream:iamsim"]
        );
        assert_eq!(
            nested_witnesses("arn:aws:logs:us-east-1:1:log-group:/a/b*"),
            ["arn:aws:logs:us-east-1:1:log-group:/a/biamsim:log-stream:iamsim"]
        );
        assert!(nested_witnesses("arn:aws:s3:::b").is_empty());
    }

    #[test]
    fn action_services_come_from_the_catalog() {
        assert_eq!(action_arn_services("ecr:BatchGetImage"), ["ecr"]);
        assert!(action_arn_services("ecr:GetAuthorizationToken").is_empty());
    }
}
