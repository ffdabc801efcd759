//! What the analysis reads from the inventory, indexed once: the nodes (roles, users, groups,
//! service principals and foreign accounts named by policies, anonymous), each principal's
//! identity Allow statements (for choosing the values it controls), who each trust policy
//! names (filled by `trust_index.rs`), the resources that run as roles, and the platform's
//! region.

use std::collections::BTreeSet;

use crate::hash::FastMap;
use std::sync::Arc;

use crate::engine::Engine;
use crate::inventory::{Inventory, NamedPolicy};
use crate::pattern::Arn;
use crate::policy::{Effect, PrincipalClause, PrincipalEntry, Statement};
use crate::request::{IamKind, Principal};

/// What kind of node a principal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// An IAM role of the inventory
    Role,
    /// An IAM user of the inventory (with its groups' policies)
    User,
    /// An IAM group (reached by joining it)
    Group,
    /// An AWS service principal a policy names
    Service,
    /// An account outside the inventory that a policy names (its root stands for it)
    Account,
    /// An unauthenticated caller
    Anonymous,
}

impl NodeKind {
    /// The word used in reports
    pub fn name(self) -> &'static str {
        match self {
            Self::Role => "role",
            Self::User => "user",
            Self::Group => "group",
            Self::Service => "service",
            Self::Account => "account",
            Self::Anonymous => "anonymous",
        }
    }
}

/// A node of the graph.
#[derive(Debug, Clone)]
pub struct Node {
    /// The principal's ARN (an account's root ARN, a service name, `anonymous`)
    pub arn: String,
    /// What it is
    pub kind: NodeKind,
    /// Its account, for IAM principals and accounts
    pub account: Option<String>,
    /// How it calls (`None` for a group, which makes no request)
    pub principal: Option<Principal>,
    /// Index in `inventory.roles`, `users` or `groups`
    pub item: Option<usize>,
    /// For a user who added herself to groups (a member node, member.rs): the groups joined
    /// (indices in `inventory.groups`), whose policies are now hers; empty for every other node
    pub joined: Vec<usize>,
}

impl Node {
    /// The name reports give the node: a member node is named by the last group it joined,
    /// every other node by its ARN.
    pub fn name<'n>(&'n self, inv: &'n Inventory) -> &'n str {
        self.joined
            .last()
            .and_then(|g| inv.groups.get(*g))
            .map_or(self.arn.as_str(), |g| g.arn.as_str())
    }
}

/// Who a role's trust policy lets in, as far as naming goes (conditions are the engine's).
#[derive(Debug, Default)]
pub(super) struct TrustIndex {
    /// Service principal (lowercase) -> roles whose trust names it
    pub by_service: FastMap<String, Vec<usize>>,
    /// IAM ARN or account id -> roles whose trust names it
    pub by_name: FastMap<String, Vec<usize>>,
    /// Roles whose trust names everyone (`*`, `"AWS": "*"`) or uses `NotPrincipal`
    pub anyone: Vec<usize>,
    /// `account:role-name` (the name lowercase) of a role -> (role whose trust names a session
    /// of it, the session name): `arn:aws:sts::111122223333:assumed-role/b/ops-session`
    pub by_session: FastMap<String, Vec<(usize, String)>>,
}

/// The inventory, indexed for the analysis.
#[derive(Debug)]
pub(super) struct Index<'a> {
    pub inv: &'a Inventory,
    pub engine: &'a Engine,
    /// The region of created resources and of the service context
    pub region: String,
    pub nodes: Vec<Node>,
    pub by_arn: FastMap<String, usize>,
    /// Node of each inventory role, user and group
    pub role_node: Vec<usize>,
    pub user_node: Vec<usize>,
    pub group_node: Vec<usize>,
    /// Identity Allow statements of each node (roles and users; empty for others)
    pub allows: Vec<Vec<Arc<Statement>>>,
    /// Identity Deny statements of each node: the names and context keys they leave the
    /// attacker (limits.rs)
    pub denies: Vec<Vec<Arc<Statement>>>,
    /// Customer-managed policy ARNs each node holds (directly or through a group)
    pub holds: Vec<Vec<String>>,
    pub trust: TrustIndex,
    /// Resources that run as a role: (index in `inventory.resources`, role node)
    pub runs_as: Vec<(usize, usize)>,
    /// Member nodes (member.rs): (user node, groups joined, sorted) -> node
    pub members: FastMap<(usize, Vec<usize>), usize>,
    /// The engine of each member node: the inventory with the user in the groups it joined
    pub member_engines: FastMap<usize, Engine>,
    /// ARNs of the inventory's resources that have a resource-based policy (and their aliases)
    pub with_policy:
        std::collections::HashSet<&'a str, std::hash::BuildHasherDefault<crate::hash::FxHasher>>,
    /// Whether one of those names an IAM resource (`arn:...:iam::...`): only then could a
    /// resource-based policy decide a non-`sts:` request on a role, user, group or policy
    pub iam_resource_policies: bool,
    /// ARNs of the inventory's managed policies that make their holder admin, found when first
    /// asked (`Index::admin_policies`, beside the admin test in `mini.rs`)
    pub(super) admin_policies: std::sync::OnceLock<Vec<String>>,
    /// Whether a condition reads `iam:AssociatedResourceArn` (`Index::reads_associated`)
    reads_associated: std::sync::OnceLock<bool>,
    /// The inventory's managed policies by ARN, built when first asked (`Index::managed_policy`)
    managed_by_arn: std::sync::OnceLock<FastMap<String, usize>>,
    /// ARNs of the inventory's resources, built when first asked (`Index::resource_exists`)
    resource_arns: std::sync::OnceLock<
        std::collections::HashSet<String, std::hash::BuildHasherDefault<crate::hash::FxHasher>>,
    >,
}

impl<'a> Index<'a> {
    /// Index `inv` (the inventory `engine` was compiled from), with a node for each of `extra`
    /// (accounts and service principals, see [`super::Options`]) besides those policies name.
    pub fn new(
        inv: &'a Inventory,
        engine: &'a Engine,
        region: Option<&str>,
        extra: &[String],
    ) -> Self {
        let mut ix = Index {
            inv,
            engine,
            region: region.map_or_else(|| default_region(inv), str::to_string),
            nodes: Vec::new(),
            by_arn: FastMap::default(),
            role_node: Vec::new(),
            user_node: Vec::new(),
            group_node: Vec::new(),
            allows: Vec::new(),
            denies: Vec::new(),
            holds: Vec::new(),
            trust: TrustIndex::default(),
            runs_as: Vec::new(),
            members: FastMap::default(),
            member_engines: FastMap::default(),
            with_policy: inv
                .resources
                .iter()
                .filter(|r| r.policy.is_some())
                .flat_map(|r| {
                    std::iter::once(r.arn.as_str()).chain(r.aliases.iter().map(String::as_str))
                })
                .collect(),
            iam_resource_policies: false,
            admin_policies: std::sync::OnceLock::new(),
            resource_arns: std::sync::OnceLock::new(),
            managed_by_arn: std::sync::OnceLock::new(),
            reads_associated: std::sync::OnceLock::new(),
        };
        ix.iam_resource_policies = ix
            .with_policy
            .iter()
            .any(|a| Arn::parse(a).is_none_or(|p| p.service.eq_ignore_ascii_case("iam")));
        ix.add_iam_nodes();
        ix.add_named_nodes(extra);
        ix.index_trust();
        for (i, r) in inv.resources.iter().enumerate() {
            if let Some(node) = r.runs_as.as_deref().and_then(|a| ix.role_by_arn(a)) {
                ix.runs_as.push((i, node));
            }
        }
        ix
    }

    fn push(&mut self, node: Node) -> usize {
        let i = self.nodes.len();
        self.by_arn.insert(node.arn.clone(), i);
        self.nodes.push(node);
        self.allows.push(Vec::new());
        self.denies.push(Vec::new());
        self.holds.push(Vec::new());
        i
    }

    /// Roles, users and groups, with their identity Allow statements and held policies.
    fn add_iam_nodes(&mut self) {
        let inv = self.inv;
        let managed: FastMap<&str, &NamedPolicy> = inv
            .managed_policies
            .iter()
            .map(|m| (m.arn.as_str(), &m.policy))
            .collect();
        for (i, r) in inv.roles.iter().enumerate() {
            let n = self.push(Node {
                arn: r.arn.clone(),
                kind: NodeKind::Role,
                account: Some(r.account.clone()),
                principal: Principal::parse(&r.arn).ok(),
                item: Some(i),
                joined: Vec::new(),
            });
            self.role_node.push(n);
            self.gather(n, &r.inline_policies, &r.managed_policy_arns, &managed);
        }
        for (i, u) in inv.users.iter().enumerate() {
            let n = self.push(Node {
                arn: u.arn.clone(),
                kind: NodeKind::User,
                account: Some(u.account.clone()),
                principal: Principal::parse(&u.arn).ok(),
                item: Some(i),
                joined: Vec::new(),
            });
            self.user_node.push(n);
            self.gather(n, &u.inline_policies, &u.managed_policy_arns, &managed);
            for g in inv.groups.iter().filter(|g| u.groups.contains(&g.name)) {
                self.gather(n, &g.inline_policies, &g.managed_policy_arns, &managed);
            }
        }
        for (i, g) in inv.groups.iter().enumerate() {
            let n = self.push(Node {
                arn: g.arn.clone(),
                kind: NodeKind::Group,
                account: Arn::parse(&g.arn).map(|a| a.account.to_string()),
                principal: None,
                item: Some(i),
                joined: Vec::new(),
            });
            self.group_node.push(n);
        }
    }

    /// Add the Allow and Deny statements of `inline` and `attached` policies to node `n`.
    pub(super) fn gather(
        &mut self,
        n: usize,
        inline: &[NamedPolicy],
        attached: &[String],
        managed: &FastMap<&str, &NamedPolicy>,
    ) {
        let docs = inline.iter().chain(
            attached
                .iter()
                .filter_map(|a| managed.get(a.as_str()).copied()),
        );
        for st in docs.flat_map(|p| p.document.statements.iter()) {
            let list = match st.effect {
                Effect::Allow => self.allows.get_mut(n),
                Effect::Deny => self.denies.get_mut(n),
            };
            if let Some(list) = list {
                list.push(Arc::clone(st));
            }
        }
        let customer = attached.iter().filter(|a| !a.contains(":iam::aws:policy/"));
        if let Some(list) = self.holds.get_mut(n) {
            list.extend(customer.cloned());
        }
    }

    /// Service principals and foreign accounts that trust and resource policies name or
    /// `extra` lists, and the anonymous caller.
    fn add_named_nodes(&mut self, extra: &[String]) {
        let inv = self.inv;
        let ours: BTreeSet<&str> = inv
            .roles
            .iter()
            .map(|r| r.account.as_str())
            .chain(inv.users.iter().map(|u| u.account.as_str()))
            .collect();
        let mut services = BTreeSet::new();
        let mut accounts = BTreeSet::new();
        let policies = inv
            .roles
            .iter()
            .filter_map(|r| r.trust_policy.as_ref())
            .chain(inv.resources.iter().filter_map(|r| r.policy.as_ref()));
        for p in policies {
            for st in p
                .document
                .statements
                .iter()
                .filter(|s| s.effect == Effect::Allow)
            {
                let Some(PrincipalClause::Principal(ps)) = &st.principal else {
                    continue;
                };
                for e in &ps.entries {
                    match e {
                        PrincipalEntry::Service(s) => {
                            services.insert(s.to_ascii_lowercase());
                        }
                        PrincipalEntry::Account { account, .. }
                            if !ours.contains(account.as_str()) =>
                        {
                            accounts.insert(account.clone());
                        }
                        PrincipalEntry::Arn(a) => {
                            if let Some(x) = Arn::parse(a).filter(|x| !ours.contains(x.account)) {
                                accounts.insert(x.account.to_string());
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        for p in extra.iter().filter_map(|t| Principal::parse(t).ok()) {
            match p {
                Principal::Service(s) => {
                    services.insert(s.to_ascii_lowercase());
                }
                Principal::Iam(ip)
                    if ip.kind == IamKind::Root && !ours.contains(ip.account.as_str()) =>
                {
                    accounts.insert(ip.account);
                }
                _ => {}
            }
        }
        for s in services {
            self.push(Node {
                principal: Some(Principal::Service(s.clone())),
                arn: s,
                kind: NodeKind::Service,
                account: None,
                item: None,
                joined: Vec::new(),
            });
        }
        for a in accounts {
            self.push(Node {
                arn: format!("arn:aws:iam::{a}:root"),
                principal: Principal::parse(&a).ok(),
                account: Some(a),
                kind: NodeKind::Account,
                item: None,
                joined: Vec::new(),
            });
        }
        self.push(Node {
            arn: "anonymous".into(),
            kind: NodeKind::Anonymous,
            account: None,
            principal: Some(Principal::Anonymous),
            item: None,
            joined: Vec::new(),
        });
    }

    /// The role node whose ARN (or account and name) is `arn`.
    pub fn role_by_arn(&self, arn: &str) -> Option<usize> {
        if let Some(n) = self.by_arn.get(arn) {
            return Some(*n);
        }
        let a = Arn::parse(arn)?;
        let name = a.resource.strip_prefix("role/")?.rsplit('/').next()?;
        self.inv
            .roles
            .iter()
            .position(|r| r.account == a.account && r.name.eq_ignore_ascii_case(name))
            .and_then(|i| self.role_node.get(i).copied())
    }

    /// Whether a resource-based policy could decide a request on `arn`: a role's trust policy
    /// for `sts:` actions, else the policy of a resource of the inventory.
    pub fn has_policy(&self, arn: &str, sts: bool) -> bool {
        if sts {
            self.role_by_arn(arn).is_some()
        } else {
            self.with_policy.contains(arn)
        }
    }

    /// The node's partition (`aws` when it names none).
    pub fn partition(&self, n: usize) -> &str {
        self.nodes
            .get(n)
            .and_then(|x| Arn::parse(&x.arn))
            .map_or("aws", |a| a.partition)
    }

    /// Whether a condition of some policy reads `iam:AssociatedResourceArn`: when none does, a
    /// PassRole's answer does not depend on the resource it names (worked out on the first call).
    pub fn reads_associated(&self) -> bool {
        *self.reads_associated.get_or_init(|| {
            self.engine.statements().iter().any(|(_, _, st)| {
                st.conditions
                    .iter()
                    .any(|c| c.key.eq_ignore_ascii_case("iam:AssociatedResourceArn"))
            })
        })
    }

    /// The managed policy of the inventory with ARN `arn` (the map built on the first call).
    pub fn managed_policy(&self, arn: &str) -> Option<&'a NamedPolicy> {
        let inv = self.inv;
        self.managed_by_arn
            .get_or_init(|| {
                let by_arn = inv.managed_policies.iter().enumerate();
                by_arn.map(|(i, m)| (m.arn.clone(), i)).collect()
            })
            .get(arn)
            .and_then(|&i| inv.managed_policies.get(i))
            .map(|m| &m.policy)
    }

    /// Whether a resource of the inventory has ARN `arn` (the set built on the first call).
    pub fn resource_exists(&self, arn: &str) -> bool {
        self.resource_arns
            .get_or_init(|| self.inv.resources.iter().map(|r| r.arn.clone()).collect())
            .contains(arn)
    }

    /// The node's account (empty when it has none: a service).
    pub fn account(&self, n: usize) -> &str {
        self.nodes
            .get(n)
            .and_then(|x| x.account.as_deref())
            .unwrap_or_default()
    }
}

/// The region of the first regional resource ARN in the inventory, else `us-east-1`.
fn default_region(inv: &Inventory) -> String {
    inv.resources
        .iter()
        .filter_map(|r| Arn::parse(&r.arn))
        .map(|a| a.region)
        .find(|r| !r.is_empty())
        .unwrap_or("us-east-1")
        .to_string()
}
