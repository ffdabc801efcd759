//! What a proof reads of an inventory: a principal's policies, the policy that governs a
//! resource, the organization's policies, and the string tests the engine applies to a
//! resource ARN besides the policies' own patterns (which resource of the inventory it is,
//! whose account, which partition), as globs the resource dimension is split by.

use std::collections::HashMap;

use super::glob::{Glob, Piece, Tok};
use super::matching::action_matches;
use crate::engine::{governing_parent, Engine};
use crate::inventory::{Inventory, NamedPolicy, Resource, Role};
use crate::pattern::{Arn, Dialect};
use crate::policy::{Effect, Statement};
use crate::request::{IamKind, Principal};

/// A glob the engine's resource handling depends on, with the ARN service it concerns.
#[derive(Debug, Clone)]
pub(crate) struct Probe {
    /// The glob
    pub glob: Glob,
    /// Its literal ARN service segment, when it has one
    pub service: Option<String>,
    /// The ARN it stands for, for people (a resource, a bucket's objects, a role)
    pub label: Option<String>,
}

impl Probe {
    fn new(glob: Glob) -> Self {
        let service = glob.segment(2);
        Self {
            glob,
            service,
            label: None,
        }
    }

    fn labelled(glob: Glob, label: String) -> Self {
        Self {
            label: Some(label),
            ..Self::new(glob)
        }
    }
}

/// An inventory indexed for proofs, with its compiled engine.
#[derive(Debug)]
pub struct Scope<'a> {
    /// The inventory
    pub inventory: &'a Inventory,
    /// Its engine
    pub engine: &'a Engine,
    managed: HashMap<&'a str, &'a NamedPolicy>,
    roles_by_arn: HashMap<&'a str, &'a Role>,
    roles_by_name: HashMap<(&'a str, &'a str), &'a Role>,
    resources: HashMap<&'a str, &'a Resource>,
    /// Resource-based policies (and trust policies) with the globs of the ARNs they govern
    governed: Vec<(Vec<Probe>, &'a NamedPolicy, bool)>,
    /// The engine's other tests on resource ARNs
    probes: Vec<Probe>,
}

impl<'a> Scope<'a> {
    /// Index `inventory`, whose compiled engine is `engine`.
    pub fn new(inventory: &'a Inventory, engine: &'a Engine) -> Self {
        let mut s = Self {
            inventory,
            engine,
            managed: inventory
                .managed_policies
                .iter()
                .map(|m| (m.arn.as_str(), &m.policy))
                .collect(),
            roles_by_arn: inventory
                .roles
                .iter()
                .map(|r| (r.arn.as_str(), r))
                .collect(),
            roles_by_name: inventory
                .roles
                .iter()
                .map(|r| ((r.account.as_str(), r.name.as_str()), r))
                .collect(),
            resources: inventory
                .resources
                .iter()
                .map(|r| (r.arn.as_str(), r))
                .collect(),
            governed: Vec::new(),
            probes: Vec::new(),
        };
        let (governed, probes) = index(inventory);
        s.governed = governed;
        s.probes = probes;
        s
    }

    /// The probes whose ARN service can be one of `services` (all of them when `None`), plus
    /// the caller's partition.
    pub(crate) fn probes(&self, services: Option<&[String]>, partition: Option<&str>) -> Vec<Glob> {
        let mut out: Vec<Glob> = self
            .probes
            .iter()
            .filter(|p| fits(p, services))
            .map(|p| p.glob.clone())
            .collect();
        if let Some(part) = partition {
            out.push(Glob::seq(&[Piece::L(&format!("arn:{part}:")), Piece::Star]));
        }
        out
    }

    /// The resource-based and trust policies that may govern a resource of `services`.
    pub(crate) fn governing_policies<'s>(
        &'s self,
        services: Option<&'s [String]>,
    ) -> impl Iterator<Item = (&'s [Probe], &'a NamedPolicy, bool)> + 's {
        self.governed
            .iter()
            .filter(move |(globs, _, _)| globs.iter().any(|g| fits(g, services)))
            .map(|(g, p, t)| (g.as_slice(), *p, *t))
    }

    /// The inventory's role with ARN `role_arn`, else named `name` in `account`.
    fn role(&self, role_arn: &str, account: &str, name: &str) -> Option<&'a Role> {
        let by_name = || self.roles_by_name.get(&(account, name));
        self.roles_by_arn.get(role_arn).or_else(by_name).copied()
    }

    /// The statements under which a session of `p` (a role) may carry tags of its own: the
    /// Allow statements of its trust policy covering `sts:TagSession`, without which no session
    /// tag can be passed; a session tag "overrides the role tag with the same key"
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>,
    /// <https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html>). Which keys
    /// they let pass: `session_tags.rs`.
    pub(crate) fn session_taggers(&self, p: &Principal) -> Vec<&'a Statement> {
        let Principal::Iam(ip) = p else {
            return Vec::new();
        };
        let IamKind::Role { name, role_arn, .. } = &ip.kind else {
            return Vec::new();
        };
        let trust = self
            .role(role_arn, &ip.account, name)
            .and_then(|r| r.trust_policy.as_ref());
        trust.map_or_else(Vec::new, |t| {
            t.document
                .statements
                .iter()
                .map(AsRef::as_ref)
                .filter(|st: &&Statement| {
                    st.effect == Effect::Allow && action_matches(&st.action, "sts:tagsession")
                })
                .collect()
        })
    }

    /// The identity-based policies and the boundary of a role or user the inventory knows.
    pub(crate) fn principal_policies(&self, p: &Principal) -> Vec<&'a NamedPolicy> {
        let Principal::Iam(ip) = p else {
            return Vec::new();
        };
        let mut out: Vec<&NamedPolicy> = Vec::new();
        let mut add = |inline: &'a [NamedPolicy], managed: &'a [String]| {
            out.extend(inline.iter());
            out.extend(
                managed
                    .iter()
                    .filter_map(|a| self.managed.get(a.as_str()).copied()),
            );
        };
        let mut boundary: Option<&str> = None;
        match &ip.kind {
            IamKind::Role { name, role_arn, .. } => {
                if let Some(r) = self.role(role_arn, &ip.account, name) {
                    add(&r.inline_policies, &r.managed_policy_arns);
                    boundary = r.permissions_boundary_arn.as_deref();
                }
            }
            IamKind::User { .. } => {
                if let Some(u) = self.inventory.users.iter().find(|u| u.arn == ip.arn) {
                    add(&u.inline_policies, &u.managed_policy_arns);
                    for g in &u.groups {
                        if let Some(g) = self.inventory.groups.iter().find(|x| x.name == *g) {
                            add(&g.inline_policies, &g.managed_policy_arns);
                        }
                    }
                    boundary = u.permissions_boundary_arn.as_deref();
                }
            }
            _ => {}
        }
        out.extend(boundary.and_then(|b| self.managed.get(b).copied()));
        out
    }

    /// Every SCP and RCP of the organization.
    pub(crate) fn org_policies(&self) -> Vec<&'a NamedPolicy> {
        let mut out: Vec<&NamedPolicy> = Vec::new();
        if let Some(org) = &self.inventory.organization {
            for levels in org.scp_levels.values().chain(org.rcp_levels.values()) {
                for level in levels {
                    out.extend(level.iter());
                }
            }
        }
        let mut unique: Vec<&NamedPolicy> = Vec::with_capacity(out.len());
        for p in out {
            if !unique.iter().any(|u| std::ptr::eq(*u, p)) {
                unique.push(p);
            }
        }
        unique
    }

    /// The policy that governs `resource` for `lower_action`, as the engine finds it: the
    /// resource (an alias's key), its bucket or unqualified function, or for `sts:` the trust
    /// policy of the role the ARN names.
    pub(crate) fn governor(&self, resource: &str, lower_action: &str) -> Option<&'a NamedPolicy> {
        let resource = self.engine.resolve_alias(resource);
        let found = self.resources.get(resource).copied().or_else(|| {
            let parent = governing_parent(resource)?;
            self.resources.get(parent).copied()
        });
        if let Some(r) = found {
            return r.policy.as_ref();
        }
        if !lower_action.starts_with("sts:") {
            return None;
        }
        let a = Arn::parse(resource)?;
        let name = a.resource.strip_prefix("role/")?.rsplit('/').next()?;
        if a.service != "iam" {
            return None;
        }
        self.roles_by_name
            .get(&(a.account, name))
            .and_then(|r| r.trust_policy.as_ref())
    }
}

/// Governed globs with the resource-based and trust policies that govern them, and the engine's
/// other tests on resource ARNs, for one inventory.
type Indexed<'a> = (Vec<(Vec<Probe>, &'a NamedPolicy, bool)>, Vec<Probe>);

/// Index an inventory: see [`Indexed`].
fn index(inv: &Inventory) -> Indexed<'_> {
    let mut governed = Vec::new();
    let mut probes = Vec::new();
    let mut accounts: Vec<&str> = Vec::new();
    for r in &inv.resources {
        let mut globs = vec![Probe::labelled(Glob::literal(&r.arn), r.arn.clone())];
        if let Some(a) = Arn::parse(&r.arn) {
            if a.service == "s3" && !r.arn.contains('/') {
                let objects = format!("{}/", r.arn);
                globs.push(Probe::labelled(
                    Glob::seq(&[Piece::L(&objects), Piece::Star]),
                    format!("{objects}*"),
                ));
            }
            if a.service == "lambda" && a.resource.matches(':').count() == 1 {
                let versions = format!("{}:", r.arn);
                globs.push(Probe::labelled(
                    Glob::seq(&[Piece::L(&versions), Piece::Star]),
                    format!("{versions}*"),
                ));
            }
        }
        // The engine reads an alias as its key: the key's policy governs it.
        globs.extend(
            r.aliases
                .iter()
                .map(|a| Probe::labelled(Glob::literal(a), a.clone())),
        );
        accounts.push(&r.account);
        probes.extend(globs.iter().cloned());
        if let Some(p) = &r.policy {
            governed.push((globs, p, false));
        }
    }
    for r in &inv.roles {
        let globs: Vec<Probe> = role_globs(&r.account, &r.name)
            .into_iter()
            .map(|p| Probe {
                label: Some(r.arn.clone()),
                ..p
            })
            .collect();
        accounts.push(&r.account);
        probes.extend(globs.iter().cloned());
        if let Some(p) = &r.trust_policy {
            governed.push((globs, p, true));
        }
    }
    accounts.extend(inv.users.iter().map(|u| u.account.as_str()));
    if let Some(org) = &inv.organization {
        accounts.extend(org.scp_levels.keys().map(String::as_str));
        accounts.extend(org.rcp_levels.keys().map(String::as_str));
        accounts.extend(org.management_account.as_deref());
    }
    accounts.sort_unstable();
    accounts.dedup();
    // `aws` too: an ARN with that account field is AWS-owned (`pattern::aws_owned`).
    for a in accounts.iter().copied().chain(["", "aws"]) {
        probes.push(Probe::new(account_glob(Glob::literal(a))));
    }
    probes.extend(owned_and_protected());
    let arn = |p: &[Piece<'_>]| Probe::new(Glob::seq(p));
    use Piece::{PlusNc, Star, StarNc, L};
    probes.extend([
        // Is it an ARN at all (Arn::parse)?
        Probe::new(Glob::any_arn()),
        // A KMS key (the key-policy rule) or a role (the trust-policy rule).
        kms_arn("key/"),
        arn(&[
            L("arn:"),
            PlusNc,
            L(":iam:"),
            StarNc,
            L(":"),
            StarNc,
            L(":role/"),
            Star,
        ]),
        // A resource in the wildcard partition (the partition rule lets it through).
        arn(&[L("arn:*:"), Star]),
        Probe::new(Glob::literal("*")),
    ]);
    (governed, probes)
}

/// The engine's tests for resources AWS owns and resources the service protects from change,
/// as globs: the empty-account families of [`crate::pattern::aws_owned`] (SSM documents, public
/// parameters under `aws/` in any case, Bedrock foundation models), and the resources the
/// engine's `service::protected` names (AWS managed policies, service-linked roles, IAM Identity
/// Center's roles, `alias/aws/` keys). The Identity Center rule also reads a role's name (its
/// last path segment); a glob tells only a name right after `role/` apart (`role/AWSReservedSSO_x`;
/// Identity Center's own roles are under `aws-reserved/sso.amazonaws.com/`): a name of that form
/// under another path shares its class with the path's other roles (docs/prove.md). A glob for
/// it cost the 1,000-agent diff half a second.
fn owned_and_protected() -> Vec<Probe> {
    use Piece::{PlusNc, Star, StarNc, L};
    let arn = |p: &[Piece<'_>]| Probe::new(Glob::seq(p));
    // The protected role writes take IAM roles only (the catalog drops other classes).
    let role = |rest: &[Piece<'_>]| {
        let mut p = vec![L("arn:"), PlusNc, L(":iam::"), StarNc, L(":role/")];
        p.extend_from_slice(rest);
        Probe::new(Glob::seq(&p))
    };
    let mut out = vec![
        arn(&[
            L("arn:"),
            PlusNc,
            L(":ssm:"),
            StarNc,
            L("::document/"),
            Star,
        ]),
        arn(&[
            L("arn:"),
            PlusNc,
            L(":bedrock:"),
            StarNc,
            L("::foundation-model/"),
            Star,
        ]),
        arn(&[L("arn:"), PlusNc, L(":iam::aws:policy/"), Star]),
        role(&[L("aws-service-role/"), Star]),
        role(&[L("aws-reserved/sso.amazonaws.com/"), Star]),
        role(&[L("AWSReservedSSO_"), Star]),
        kms_arn("alias/aws/"),
    ];
    // A public parameter's `aws/` in any case.
    let head = Glob::seq(&[L("arn:"), PlusNc, L(":ssm:"), StarNc, L("::parameter/")]);
    let mut toks = head.toks().to_vec();
    toks.extend_from_slice(Glob::folded("aws/").toks());
    toks.push(Tok::Star { colon: true });
    out.push(Probe::new(Glob::new(toks)));
    out
}

/// KMS ARNs (any partition, region and account) whose resource begins with `prefix`.
fn kms_arn(prefix: &str) -> Probe {
    use Piece::{PlusNc, Star, StarNc, L};
    let p = [
        L("arn:"),
        PlusNc,
        L(":kms:"),
        StarNc,
        L(":"),
        StarNc,
        L(":"),
        L(prefix),
        Star,
    ];
    Probe::new(Glob::seq(&p))
}

/// The probes of an inventory (the engine's tests on resource ARNs besides policy patterns),
/// each with the ARN it stands for when it names something of the inventory.
pub(crate) fn inventory_probes(inv: &Inventory) -> Vec<(Option<String>, Glob)> {
    index(inv)
        .1
        .into_iter()
        .map(|p| (p.label, p.glob))
        .collect()
}

/// Can a probe concern a resource of one of `services`?
fn fits(p: &Probe, services: Option<&[String]>) -> bool {
    match (services, &p.service) {
        (Some(list), Some(s)) => list.iter().any(|x| x == s),
        _ => true,
    }
}

/// The ARNs that name role `name` of `account` for the engine (any partition and region, any
/// path: it looks roles up by account and last path segment).
fn role_globs(account: &str, name: &str) -> Vec<Probe> {
    use Piece::{PlusNc, Star, StarNc, L};
    let tail = format!(":{account}:role/");
    let slash_name = format!("/{name}");
    vec![
        Probe::new(Glob::seq(&[
            L("arn:"),
            PlusNc,
            L(":iam:"),
            StarNc,
            L(&tail),
            L(name),
        ])),
        Probe::new(Glob::seq(&[
            L("arn:"),
            PlusNc,
            L(":iam:"),
            StarNc,
            L(&tail),
            Star,
            L(&slash_name),
        ])),
    ]
}

/// ARNs whose account segment (the fifth) matches `account` (a glob over that segment alone).
pub(crate) fn account_glob(account: Glob) -> Glob {
    let mut toks = vec![];
    toks.extend("arn:".chars().map(Tok::Lit));
    for _ in 0..3 {
        toks.push(Tok::Star { colon: false });
        toks.push(Tok::Lit(':'));
    }
    toks.extend(account.toks().iter().map(|t| match *t {
        Tok::One { .. } => Tok::One { colon: false },
        Tok::Star { .. } => Tok::Star { colon: false },
        other => other,
    }));
    toks.push(Tok::Lit(':'));
    toks.push(Tok::Star { colon: true });
    Glob::new(toks)
}

/// A resource pattern of a policy as a glob (resource dialect).
pub(crate) fn resource_glob(pattern: &str) -> Glob {
    Glob::pattern(pattern, Dialect::Resource)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_globs_ignore_path_partition_and_region() {
        let gs = role_globs("111122223333", "app");
        let hit = |t: &str| gs.iter().any(|g| g.glob.is_match(t));
        assert!(hit("arn:aws:iam::111122223333:role/app"));
        assert!(hit("arn:aws-cn:iam:x:111122223333:role/a/b/app"));
        assert!(!hit("arn:aws:iam::111122223333:role/app2"));
        assert!(!hit("arn:aws:iam::111122223333:role/a/app/b"));
        assert_eq!(gs[0].service.as_deref(), Some("iam"));
    }

    #[test]
    fn account_globs_read_the_fifth_segment() {
        let g = account_glob(Glob::literal("111122223333"));
        assert!(g.is_match("arn:aws:s3:us-east-1:111122223333:x:y"));
        assert!(!g.is_match("arn:aws:s3:::b"));
        let empty = account_glob(Glob::literal(""));
        assert!(empty.is_match("arn:aws:s3:::b/k"));
    }
}
