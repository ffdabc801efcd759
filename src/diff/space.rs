//! The request space of a diff: the principals, actions and resources whose combinations are
//! asked of both sides. Actions are the catalog's, grouped into classes no statement of either
//! side tells apart (one representative is asked per class); resources are one representative
//! per class of the strings every pattern, ARN format and engine probe of either side treats
//! alike ([`crate::prove::space`]). See docs/diff.md for what it covers.

use std::collections::{BTreeSet, HashMap};

use crate::inventory::Inventory;
use crate::policy::{
    ActionClause, PrincipalClause, PrincipalEntry, ResourceClause, ResourceMatcher, Statement,
};
use crate::prove::glob::{Glob, Piece};
use crate::prove::scope::{inventory_probes, resource_glob};
use crate::prove::template::{resolve, Kind};
use crate::prove::Limits;
use crate::request::{Context, IamKind, Principal};

use super::action_classes::{action_arn_services, catalog_actions, classes_of};
use super::side::{all_policies, grant_policies};

/// Is there a wildcard (`*`, `?`) or a policy variable (`${...}`) in `pattern`?
fn has_wildcard(pattern: &str) -> bool {
    pattern.contains(['*', '?']) || pattern.contains("${")
}

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
    /// The ARN (or `*`) requests use: the representative of its class
    pub arn: String,
    /// The pattern of either side its class falls in, when it is not itself written
    pub pattern: Option<String>,
}

/// The principals, actions and resources a diff asks about.
#[derive(Debug, Clone, Default)]
pub struct RequestSpace {
    /// Roles and users of either side, then service principals, accounts and other principals
    /// named in either side's resource-based, trust and key policies
    pub principals: Vec<SpacePrincipal>,
    /// The catalog's actions of every service either side's action clauses reach (AWS casing),
    /// sorted
    pub actions: Vec<String>,
    /// For each action, the index of its class's representative (itself for a representative)
    pub action_rep: Vec<u32>,
    /// For each representative, the actions of its class (empty for the others)
    class_members: Vec<Vec<u32>>,
    /// One representative per class of resources, plus `*`; sorted by ARN
    pub resources: Vec<SpaceResource>,
    /// Classes the space could not represent (a limit passed, a policy variable over a request
    /// key), for the report
    pub gaps: Vec<String>,
}

impl RequestSpace {
    /// Build the space of `base` and `head`.
    pub fn new(base: &Inventory, head: &Inventory) -> Self {
        Self::within(base, head, None)
    }

    /// The space of `base` and `head` with the resources of `services` (ARN services) only,
    /// plus `*`; every service when `None`.
    pub fn within(base: &Inventory, head: &Inventory, services: Option<&BTreeSet<String>>) -> Self {
        let mut g = Gather::default();
        for inv in [base, head] {
            g.inventory(inv);
        }
        g.finish([base, head], services)
    }

    /// Is action `a` the representative of its class?
    pub fn is_rep(&self, a: u32) -> bool {
        self.action_rep.get(a as usize) == Some(&a)
    }

    /// The actions of the class `rep` represents (itself included).
    pub fn members(&self, rep: u32) -> impl Iterator<Item = u32> + '_ {
        self.class_members
            .get(rep as usize)
            .into_iter()
            .flatten()
            .copied()
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
struct Gather {
    /// Action services the clauses name (`None`: every service)
    services: Option<BTreeSet<String>>,
    /// Resource patterns and ARNs written on either side, with their globs
    patterns: Vec<(String, Glob)>,
    /// The patterns already in `patterns`
    pattern_seen: std::collections::HashSet<(String, Glob), crate::hash::FastBuild>,
    /// Principals named in policies, added after every role and user
    named: Vec<Principal>,
    principals: Vec<SpacePrincipal>,
    seen: BTreeSet<String>,
    gaps: Vec<String>,
}

impl Default for Gather {
    fn default() -> Self {
        Self {
            services: Some(BTreeSet::new()),
            patterns: Vec::new(),
            pattern_seen: std::collections::HashSet::default(),
            named: Vec::new(),
            principals: Vec::new(),
            seen: BTreeSet::new(),
            gaps: Vec::new(),
        }
    }
}

impl Gather {
    /// A written resource pattern or ARN (once).
    fn pattern(&mut self, text: &str, glob: Glob) {
        let key = (text.to_string(), glob);
        if self.pattern_seen.insert(key.clone()) {
            self.patterns.push(key);
        }
    }

    /// A principal of the space (once).
    fn principal(&mut self, arn: &str, label: String) {
        if self.seen.insert(arn.to_string()) {
            if let Ok(p) = Principal::parse(arn) {
                self.principals.push(SpacePrincipal {
                    principal: p,
                    label,
                });
            }
        }
    }

    /// The roles, users and resources of `inv`, then what its policies name.
    fn inventory(&mut self, inv: &Inventory) {
        for r in &inv.roles {
            self.principal(&r.arn, format!("role {}", r.name));
            self.pattern(&r.arn, Glob::literal(&r.arn));
        }
        for u in &inv.users {
            self.principal(&u.arn, format!("user {}", u.name));
            self.pattern(&u.arn, Glob::literal(&u.arn));
        }
        for r in &inv.resources {
            self.pattern(&r.arn, Glob::literal(&r.arn));
            for a in &r.aliases {
                self.pattern(a, Glob::literal(a));
            }
        }
        let facts = principal_facts(inv);
        let grants: std::collections::HashSet<*const crate::inventory::NamedPolicy> =
            grant_policies(inv)
                .into_iter()
                .map(std::ptr::from_ref)
                .collect();
        for p in all_policies(inv) {
            let grant = grants.contains(&std::ptr::from_ref(p));
            for st in &p.document.statements {
                self.statement(
                    st,
                    &facts,
                    grant && st.effect == crate::policy::Effect::Allow,
                );
            }
        }
    }

    /// The services, resource patterns and principals one statement names. Only an Allow that
    /// can grant (identity-based, resource-based, trust) widens the actions asked: boundaries,
    /// SCPs, RCPs and Denies only restrict what a grant allows.
    fn statement(&mut self, st: &Statement, facts: &[Context], grant: bool) {
        match &st.action {
            _ if !grant => {}
            ActionClause::Action(list) => {
                for a in list {
                    match (&a.service, &mut self.services) {
                        (Some(s), Some(set)) if !has_wildcard(s) => {
                            set.insert(s.clone());
                        }
                        (Some(s), None) if !has_wildcard(s) => {}
                        _ => self.services = None,
                    }
                }
            }
            ActionClause::NotAction(_) => self.services = None,
        }
        if let Some(ResourceClause::Resource(list) | ResourceClause::NotResource(list)) =
            &st.resource
        {
            for r in list {
                match &r.matcher {
                    ResourceMatcher::Template(_) => self.template(&r.raw, &r.matcher, facts),
                    ResourceMatcher::Fixed(_) => self.pattern(&r.raw, resource_glob(&r.raw)),
                }
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

    /// A resource pattern with policy variables: one glob per caller of the inventory (its
    /// tags, name, ARN and account fill the variables). A variable over a key of the request
    /// cannot be split exactly: a gap.
    fn template(&mut self, raw: &str, m: &ResourceMatcher, facts: &[Context]) {
        let ResourceMatcher::Template(t) = m else {
            return;
        };
        let refused = |k: &str| {
            (!crate::engine::is_derived_key(k)).then(|| {
                format!("the resource pattern `{raw}` reads the request's `{k}`: resources it covers are split only by its other text")
            })
        };
        for ctx in facts {
            match resolve(t, Kind::Resource, ctx, &refused) {
                Ok(Some(g)) => self.pattern(raw, g),
                Ok(None) => {}
                Err(why) => {
                    if !self.gaps.contains(&why) {
                        self.gaps.push(why);
                    }
                    return;
                }
            }
        }
    }

    /// The space: the named principals after the roles and users, the catalog's actions of
    /// every service reached (grouped into classes), the resource classes.
    fn finish(mut self, sides: [&Inventory; 2], only: Option<&BTreeSet<String>>) -> RequestSpace {
        for p in std::mem::take(&mut self.named) {
            if self.seen.insert(p.as_str().to_string()) {
                let label = label(&p);
                self.principals.push(SpacePrincipal {
                    principal: p,
                    label,
                });
            }
        }
        let actions = catalog_actions(self.services.as_ref());
        let action_rep = classes_of(&actions, sides);
        let mut arn_services: BTreeSet<String> = BTreeSet::new();
        for (i, a) in actions.iter().enumerate() {
            if action_rep.get(i).is_some_and(|r| *r as usize == i) {
                arn_services.extend(action_arn_services(a));
            }
        }
        // Probes that name something of an inventory (a resource, its objects, a role by any
        // path) are written patterns for display; the others only split.
        let mut probes: Vec<Glob> = Vec::new();
        for inv in sides {
            for (label, g) in inventory_probes(inv) {
                match label {
                    Some(text) => self.pattern(&text, g),
                    None if !probes.contains(&g) => probes.push(g),
                    None => {}
                }
            }
        }
        let partitions: BTreeSet<String> = self
            .principals
            .iter()
            .filter_map(|p| match &p.principal {
                Principal::Iam(ip) => Some(ip.partition.clone()),
                _ => None,
            })
            .collect();
        for part in partitions {
            probes.push(Glob::seq(&[Piece::L(&format!("arn:{part}:")), Piece::Star]));
        }
        let services: Vec<String> = arn_services.into_iter().collect();
        let (reps, gaps) = crate::prove::space::representatives(
            &self.patterns,
            &probes,
            &services,
            only,
            &Limits::default(),
        );
        self.gaps.extend(gaps);
        let mut class_members: Vec<Vec<u32>> = vec![Vec::new(); actions.len()];
        for (i, r) in action_rep.iter().enumerate() {
            if let (Some(list), Ok(i)) = (class_members.get_mut(*r as usize), u32::try_from(i)) {
                list.push(i);
            }
        }
        RequestSpace {
            principals: self.principals,
            actions,
            action_rep,
            class_members,
            resources: reps
                .into_iter()
                .map(|r| SpaceResource {
                    arn: r.arn,
                    pattern: r.pattern,
                })
                .collect(),
            gaps: self.gaps,
        }
    }
}

/// The keys a caller of `inv` fills policy variables with: per role and user, its name, ARN,
/// account and tags.
fn principal_facts(inv: &Inventory) -> Vec<Context> {
    let fill = |arn: &str, account: &str, tags: &indexmap::IndexMap<String, String>| {
        let mut c = Context::new();
        c.insert("aws:PrincipalArn", arn);
        c.insert("aws:PrincipalAccount", account);
        for (k, v) in tags {
            c.insert(&format!("aws:PrincipalTag/{k}"), v.clone());
        }
        c
    };
    let mut out: Vec<Context> = inv
        .roles
        .iter()
        .map(|r| fill(&r.arn, &r.account, &r.tags))
        .collect();
    for u in &inv.users {
        let mut c = fill(&u.arn, &u.account, &u.tags);
        c.insert("aws:username", u.name.clone());
        out.push(c);
    }
    out
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
        assert!(space.gaps.is_empty(), "{:?}", space.gaps);
    }

    #[test]
    fn patterns_get_representatives_that_remember_them() {
        let inv = reference();
        let space = RequestSpace::new(&inv, &inv);
        let range = space.with_prefix("arn:aws:s3:::acme-dev-datasets");
        let got: Vec<(&str, Option<&str>)> = space.resources[range]
            .iter()
            .map(|r| (r.arn.as_str(), r.pattern.as_deref()))
            .collect();
        // The bucket, and its objects: an empty key, a key with `:` (the catalog's formats
        // tell them apart) and any other key.
        let objects = Some("arn:aws:s3:::acme-dev-datasets/*");
        assert_eq!(
            got,
            [
                ("arn:aws:s3:::acme-dev-datasets", None),
                ("arn:aws:s3:::acme-dev-datasets/", objects),
                ("arn:aws:s3:::acme-dev-datasets/:x", objects),
                ("arn:aws:s3:::acme-dev-datasets/x", objects),
            ]
        );
        assert!(space.actions.iter().any(|a| a == "s3:GetObject"));
    }

    #[test]
    fn a_prefix_collision_is_a_class_of_its_own() {
        let inv = reference();
        let space = RequestSpace::new(&inv, &inv);
        let range = space.with_prefix(
            "arn:aws:logs:us-east-1:111122223333:log-group:/aws/bedrock-agentcore/acme-dev-research",
        );
        let arns: Vec<&str> = space.resources[range]
            .iter()
            .map(|r| r.arn.as_str())
            .collect();
        // research's pattern alone, and research-v2's inside it.
        assert!(
            arns.iter().any(|a| a.ends_with("/acme-dev-research")),
            "{arns:?}"
        );
        assert!(
            arns.iter().any(|a| a.ends_with("/acme-dev-research-v2")),
            "{arns:?}"
        );
        assert!(arns.iter().any(|a| a.contains(":log-stream:")), "{arns:?}");
    }

    #[test]
    fn actions_are_grouped_into_classes() {
        let inv = reference();
        let space = RequestSpace::new(&inv, &inv);
        let reps = (0..space.actions.len())
            .filter(|i| space.is_rep(*i as u32))
            .count();
        assert!(
            reps < space.actions.len() / 2,
            "{reps} of {}",
            space.actions.len()
        );
        let pull = space
            .actions
            .iter()
            .position(|a| a == "ecr:BatchGetImage")
            .unwrap() as u32;
        let rep = space.action_rep[pull as usize];
        let members: Vec<&str> = space
            .members(rep)
            .map(|m| space.actions[m as usize].as_str())
            .collect();
        assert!(
            members.contains(&"ecr:GetDownloadUrlForLayer"),
            "{members:?}"
        );
    }
}
