//! Compiling an inventory into an [`Engine`], one named step per kind of entry: roles, users,
//! resources, the organisation, then the global keys of service principals that policies name.

use std::collections::HashMap;
use std::sync::OnceLock;

use indexmap::IndexMap;

use super::compile::statement_ids;
use super::prepare::{principal_keys, request_keys};
use super::{
    CompileError, CompiledEndpoint, CompiledPrincipal, CompiledResource, Engine, PolicySet,
    StatementId,
};
use crate::hash::FastMap;
use crate::inventory::{
    Endpoint, EndpointKind, Group, Inventory, NamedPolicy, Organization, Resource, Role, User,
};
use crate::policy::{
    is_public_bucket_policy, parse_document, PolicyKind, PrincipalClause, PrincipalEntry,
};
use crate::request::{Context, Principal};

/// The managed policies and groups of an inventory, by ARN and by name, for resolving references.
struct Library<'i> {
    /// Managed policies by ARN, each with its statement ids, shared by every set that holds it
    managed: HashMap<&'i str, Managed<'i>>,
    groups: HashMap<&'i str, &'i Group>,
}

/// A managed policy and its statement ids.
type Managed<'i> = (&'i NamedPolicy, Vec<StatementId>);

impl<'i> Library<'i> {
    /// Index the managed policies and groups of `inv`.
    fn new(inv: &'i Inventory) -> Self {
        Self {
            managed: inv
                .managed_policies
                .iter()
                .map(|m| (m.arn.as_str(), (&m.policy, statement_ids(&m.policy))))
                .collect(),
            groups: inv.groups.iter().map(|g| (g.name.as_str(), g)).collect(),
        }
    }

    /// The managed policy `arn`, or an error naming `source` and what referred to it.
    fn find(&self, arn: &str, source: &str, what: &str) -> Result<&Managed<'i>, CompileError> {
        self.managed.get(arn).ok_or_else(|| {
            err(
                source,
                format!("{what} `{arn}` is not in the inventory (add it under managed/)"),
            )
        })
    }

    /// Identity policies (inline ones, then attached managed ones) and the boundary.
    fn identity_of(
        &self,
        inline: &[NamedPolicy],
        managed_arns: &[String],
        boundary: &Option<String>,
        source: &str,
    ) -> Result<(PolicySet, Option<PolicySet>), CompileError> {
        let mut identity = PolicySet::new(inline);
        for arn in managed_arns {
            let (policy, ids) = self.find(arn, source, "managed policy")?;
            identity.add_shared(policy, ids);
        }
        let boundary = match boundary {
            Some(arn) => {
                let (policy, ids) = self.find(arn, source, "permissions boundary")?;
                let mut set = PolicySet::default();
                set.add_shared(policy, ids);
                Some(set)
            }
            None => None,
        };
        Ok((identity, boundary))
    }

    /// Add the policies of each group `user` belongs to to its identity policies.
    fn add_groups(&self, user: &User, identity: &mut PolicySet) -> Result<(), CompileError> {
        for g in &user.groups {
            let group = self
                .groups
                .get(g.as_str())
                .ok_or_else(|| err(&user.source, format!("group `{g}` is not in the inventory")))?;
            for p in &group.inline_policies {
                identity.add(p);
            }
            for arn in &group.managed_policy_arns {
                let (policy, ids) = self.find(arn, &group.source, "managed policy")?;
                identity.add_shared(policy, ids);
            }
        }
        Ok(())
    }
}

impl Engine {
    /// Compile an inventory. Fails on a reference to a managed policy, boundary or group that
    /// the inventory does not hold.
    pub fn new(inv: &Inventory) -> Result<Self, CompileError> {
        let mut e = Self::default();
        let library = Library::new(inv);
        // Compiled principals are large: growing the list would copy them all again.
        e.principals.reserve(inv.roles.len() + inv.users.len());
        e.add_roles(&inv.roles, &library)?;
        e.add_users(&inv.users, &library)?;
        e.add_resources(&inv.resources, inv.organization.as_ref())?;
        e.add_endpoints(&inv.endpoints)?;
        if let Some(org) = &inv.organization {
            e.add_organization(org);
        }
        e.service_keys = service_principal_keys(
            e.principals
                .iter()
                .filter_map(|p| p.trust.as_ref())
                .chain(e.resources.iter().filter_map(|r| r.policy.as_ref()))
                .chain(e.endpoints.values().map(|v| &v.policy)),
        );
        Ok(e)
    }

    /// Compile and index the roles. Each compiles on its own (policy sets, global keys): on
    /// every core, then indexed in order so a duplicate is reported at the same role as before.
    fn add_roles(&mut self, roles: &[Role], library: &Library<'_>) -> Result<(), CompileError> {
        let compiled = crate::par::par_map(
            roles,
            crate::par::SMALL_ITEMS,
            |r| compile_role(r, library),
            || Err(err("(engine)", "a compiling thread failed".into())),
        );
        for (r, c) in roles.iter().zip(compiled) {
            let c = c?;
            let index = self.principals.len();
            let in_account = self.roles_by_name.entry(r.account.clone()).or_default();
            if in_account.insert(r.name.clone(), index).is_some() {
                return Err(err(
                    &r.source,
                    format!("duplicate role `{}` in account {}", r.name, r.account),
                ));
            }
            self.roles_by_arn.insert(r.arn.clone(), index);
            self.short_names
                .entry(format!("role/{}", r.name))
                .or_default()
                .push(r.arn.clone());
            self.principals.push(c);
        }
        Ok(())
    }

    /// Compile and index the users, their groups' policies joined to their own.
    fn add_users(&mut self, users: &[User], library: &Library<'_>) -> Result<(), CompileError> {
        for u in users {
            let (mut identity, boundary) = library.identity_of(
                &u.inline_policies,
                &u.managed_policy_arns,
                &u.permissions_boundary_arn,
                &u.source,
            )?;
            library.add_groups(u, &mut identity)?;
            if self
                .users_by_arn
                .insert(u.arn.clone(), self.principals.len())
                .is_some()
            {
                return Err(err(&u.source, format!("duplicate user `{}`", u.arn)));
            }
            self.short_names
                .entry(format!("user/{}", u.name))
                .or_default()
                .push(u.arn.clone());
            self.principals.push(CompiledPrincipal {
                account: u.account.clone(),
                role_arn: None,
                service_linked: false,
                identity,
                boundary,
                trust: None,
                arn: u.arn.clone(),
                tags: u.tags.clone(),
                globals: OnceLock::new(),
                as_resource: OnceLock::new(),
            });
        }
        Ok(())
    }

    /// Compile and index the resources and their aliases (KMS).
    fn add_resources(
        &mut self,
        resources: &[Resource],
        org: Option<&Organization>,
    ) -> Result<(), CompileError> {
        for r in resources {
            if self
                .resource_by_arn
                .insert(r.arn.clone(), self.resources.len())
                .is_some()
            {
                return Err(err(&r.source, format!("duplicate resource `{}`", r.arn)));
            }
            for a in &r.aliases {
                if let Some(other) = self.aliases.insert(a.clone(), r.arn.clone()) {
                    return Err(err(
                        &r.source,
                        format!("alias `{a}` is on two keys: `{other}` and `{}`", r.arn),
                    ));
                }
            }
            self.resources.push(CompiledResource {
                account: r.account.clone(),
                policy: r.policy.as_ref().map(|p| PolicySet::new([p])),
                restrict_public: restricts_public(r, org),
                aws_managed: r.aliases.iter().any(|a| a.contains(":alias/aws/")),
                keys: resource_keys_of(&r.account, &r.tags),
            });
        }
        Ok(())
    }

    /// Compile and index the VPC endpoints; one without a policy gets AWS's default policy.
    fn add_endpoints(&mut self, endpoints: &[Endpoint]) -> Result<(), CompileError> {
        for ep in endpoints {
            let policy = match &ep.policy {
                Some(p) => PolicySet::new([p]),
                None => PolicySet::new([&default_endpoint_policy(&ep.source)?]),
            };
            let compiled = CompiledEndpoint {
                policy,
                gateway: ep.kind == EndpointKind::Gateway,
                vpc: ep.vpc.clone(),
            };
            if self.endpoints.insert(ep.id.clone(), compiled).is_some() {
                return Err(err(&ep.source, format!("duplicate endpoint `{}`", ep.id)));
            }
        }
        Ok(())
    }

    /// The management account and each account's SCP and RCP levels.
    fn add_organization(&mut self, org: &Organization) {
        self.management_account = org.management_account.clone();
        for (account, levels) in &org.scp_levels {
            self.org.entry(account.clone()).or_default().scps =
                levels.iter().map(PolicySet::new).collect();
        }
        for (account, levels) in &org.rcp_levels {
            self.org.entry(account.clone()).or_default().rcps =
                levels.iter().map(PolicySet::new).collect();
        }
        for path in self.org.values() {
            for set in path.scps.iter().chain(&path.rcps) {
                self.org_readers.add(set);
            }
        }
    }
}

/// One role compiled: its policy sets and the global keys it brings as caller and as resource.
fn compile_role(r: &Role, library: &Library<'_>) -> Result<CompiledPrincipal, CompileError> {
    let (identity, boundary) = library.identity_of(
        &r.inline_policies,
        &r.managed_policy_arns,
        &r.permissions_boundary_arn,
        &r.source,
    )?;
    Ok(CompiledPrincipal {
        account: r.account.clone(),
        role_arn: Some(r.arn.clone()),
        service_linked: r.arn.contains(":role/aws-service-role/"),
        identity,
        boundary,
        trust: r.trust_policy.as_ref().map(|t| PolicySet::new([t])),
        arn: r.arn.clone(),
        tags: r.tags.clone(),
        globals: OnceLock::new(),
        as_resource: OnceLock::new(),
    })
}

/// Whether `r` is an S3 bucket with a public policy under `RestrictPublicBuckets`: "If the
/// block public access settings for the access point, bucket, or account differ, then Amazon S3
/// applies the most restrictive combination"
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html>).
fn restricts_public(r: &Resource, org: Option<&Organization>) -> bool {
    let Some(policy) = &r.policy else {
        return false;
    };
    let bucket = r
        .block_public_access
        .is_some_and(|b| b.restrict_public_buckets);
    let account = org
        .and_then(|o| o.block_public_access.get(&r.account))
        .is_some_and(|b| b.restrict_public_buckets);
    // A bucket (or, in case rows, an object standing for its bucket).
    let in_s3 = r
        .arn
        .strip_prefix("arn:")
        .is_some_and(|rest| rest.split_once(":s3:::").is_some());
    (bucket || account) && in_s3 && is_public_bucket_policy(&policy.document)
}

/// "If you don't attach an endpoint policy, we attach the default endpoint policy", which
/// allows everything (<https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html>).
fn default_endpoint_policy(source: &str) -> Result<NamedPolicy, CompileError> {
    let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]});
    parse_document(&doc, "default-endpoint-policy", PolicyKind::Resource)
        .map(|d| NamedPolicy {
            name: "default-endpoint-policy".into(),
            document: d,
        })
        .map_err(|e| err(source, e.to_string()))
}

/// The global keys of every service principal named in a `Principal` element of `sets`.
fn service_principal_keys<'a>(
    sets: impl Iterator<Item = &'a PolicySet>,
) -> FastMap<String, Context> {
    let mut out = FastMap::default();
    for set in sets {
        for (_, st) in set.statements() {
            let Some(PrincipalClause::Principal(p)) = &st.principal else {
                continue;
            };
            for entry in &p.entries {
                if let PrincipalEntry::Service(name) = entry {
                    out.entry(name.clone()).or_insert_with(|| {
                        let mut ctx = Context::new();
                        principal_keys(&mut ctx, &Principal::Service(name.clone()), None);
                        ctx
                    });
                }
            }
        }
    }
    out
}

/// `aws:ResourceAccount` and `aws:ResourceTag/*` of a resource in the inventory.
pub(super) fn resource_keys_of(account: &str, tags: &IndexMap<String, String>) -> Context {
    let mut ctx = Context::new();
    request_keys(&mut ctx, Some(account), Some(tags), None);
    ctx
}

/// The global keys of a role or user, from its ARN and tags.
pub(super) fn globals_of(arn: &str, tags: &IndexMap<String, String>) -> Context {
    let mut ctx = Context::new();
    if let Ok(p) = Principal::parse(arn) {
        principal_keys(&mut ctx, &p, Some(tags));
    }
    ctx
}

/// A compile error found in `source`.
fn err(source: &str, message: String) -> CompileError {
    CompileError {
        source_file: source.to_string(),
        message,
    }
}
