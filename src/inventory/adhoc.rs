//! An inventory for one principal and one resource, built from loose policy documents: what
//! `iamsim explain --policy ...` and the case corpus use.

use indexmap::IndexMap;

use super::{
    BlockPublicAccess, Endpoint, Inventory, ManagedPolicy, NamedPolicy, Organization, Resource,
    Role, User,
};
use crate::pattern::{aws_owned, Arn};
use crate::policy::Document;
use crate::request::{IamKind, Principal};

/// Loose documents around one request.
#[derive(Debug, Clone, Default)]
pub struct AdHoc {
    /// The caller (ARN, service principal or `anonymous`)
    pub principal: Option<Principal>,
    /// Identity-based policies of the caller
    pub identity: Vec<NamedPolicy>,
    /// The caller's permissions boundary
    pub boundary: Option<NamedPolicy>,
    /// The caller's tags
    pub tags: IndexMap<String, String>,
    /// The resource ARN
    pub resource_arn: Option<String>,
    /// The resource's account (default: the ARN's, else the caller's)
    pub resource_account: Option<String>,
    /// The resource-based policy (key policy for a KMS key, trust policy for a role)
    pub resource_policy: Option<NamedPolicy>,
    /// KMS alias ARNs of the resource (a key)
    pub resource_aliases: Vec<String>,
    /// SCP levels of the caller's account, root first
    pub scps: Vec<Vec<NamedPolicy>>,
    /// RCP levels of the resource's account, root first
    pub rcps: Vec<Vec<NamedPolicy>>,
    /// The caller's account is the organization's management account
    pub management_account: bool,
    /// A VPC endpoint with its policy (the request names it in `aws:SourceVpce`)
    pub endpoint: Option<Endpoint>,
    /// The resource's (an S3 bucket's) Block Public Access settings
    pub block_public_access: Option<BlockPublicAccess>,
    /// The resource account's S3 Block Public Access settings
    pub account_block_public_access: Option<BlockPublicAccess>,
}

/// Name a loose document.
pub fn named(name: impl Into<String>, document: Document) -> NamedPolicy {
    NamedPolicy {
        name: name.into(),
        document,
    }
}

/// A role named by an ARN: (account, name).
type RoleName = (String, String);

impl AdHoc {
    /// Build the inventory.
    pub fn build(&self) -> Inventory {
        let mut inv = Inventory::default();
        let caller_account = self
            .principal
            .as_ref()
            .and_then(|p| p.account())
            .map(str::to_string);
        let mut boundary_arn = None;
        if let (Some(b), Some(acct)) = (&self.boundary, &caller_account) {
            let arn = format!("arn:aws:iam::{acct}:policy/{}", b.name);
            inv.managed_policies.push(ManagedPolicy {
                arn: arn.clone(),
                policy: b.clone(),
                versions: Vec::new(),
                source: "boundary".into(),
            });
            boundary_arn = Some(arn);
        }
        let resource_role = self.resource_role();
        self.add_caller(&mut inv, resource_role.as_ref(), boundary_arn.as_ref());
        let resource_account = self.resource_owner(caller_account.as_ref());
        self.add_resource(&mut inv, resource_role.as_ref(), resource_account.as_ref());
        inv.organization = self.organization(caller_account.as_ref(), resource_account.as_ref());
        inv.endpoints.extend(self.endpoint.clone());
        inv
    }

    /// The resource's account: the one given, else the ARN's, else none for a resource AWS owns
    /// (unless a resource policy is given, which needs an owner), else the caller's.
    fn resource_owner(&self, caller_account: Option<&String>) -> Option<String> {
        let parsed = self.resource_arn.as_deref().and_then(Arn::parse);
        if let Some(a) = &self.resource_account {
            return Some(a.clone());
        }
        match parsed {
            Some(a) if !a.account.is_empty() && a.account != "aws" => Some(a.account.to_string()),
            Some(a) if aws_owned(&a).is_some() && self.resource_policy.is_none() => None,
            _ => caller_account.cloned(),
        }
    }

    /// The resource, when it is a role.
    fn resource_role(&self) -> Option<RoleName> {
        self.resource_arn
            .as_deref()
            .and_then(Arn::parse)
            .filter(|a| a.service == "iam" && a.resource.starts_with("role/"))
            .map(|a| {
                (
                    a.account.to_string(),
                    a.resource
                        .rsplit('/')
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                )
            })
    }

    /// The caller as a role or user with the identity policies (a role that is also the
    /// resource gets the resource policy as its trust policy).
    fn add_caller(
        &self,
        inv: &mut Inventory,
        resource_role: Option<&RoleName>,
        boundary_arn: Option<&String>,
    ) {
        let Some(Principal::Iam(p)) = &self.principal else {
            return;
        };
        match &p.kind {
            IamKind::Role { name, role_arn, .. } => {
                let trust = match resource_role {
                    Some((a, n)) if *a == p.account && n == name => self.resource_policy.clone(),
                    _ => None,
                };
                inv.roles.push(Role {
                    arn: role_arn.clone(),
                    name: name.clone(),
                    account: p.account.clone(),
                    trust_policy: trust,
                    inline_policies: self.identity.clone(),
                    managed_policy_arns: Vec::new(),
                    permissions_boundary_arn: boundary_arn.cloned(),
                    tags: self.tags.clone(),
                    instance_profile_arns: Vec::new(),
                    source: "principal".into(),
                });
            }
            IamKind::User { name } => inv.users.push(User {
                arn: p.arn.clone(),
                name: name.clone(),
                account: p.account.clone(),
                inline_policies: self.identity.clone(),
                managed_policy_arns: Vec::new(),
                groups: Vec::new(),
                permissions_boundary_arn: boundary_arn.cloned(),
                tags: self.tags.clone(),
                login_profile: false,
                access_keys: Vec::new(),
                source: "principal".into(),
            }),
            IamKind::Root | IamKind::FederatedUser { .. } => {}
        }
    }

    /// The resource with its policy: a role (unless it is the caller), or any other resource
    /// but `*`.
    fn add_resource(
        &self,
        inv: &mut Inventory,
        resource_role: Option<&RoleName>,
        resource_account: Option<&String>,
    ) {
        let (Some(arn), Some(account)) = (&self.resource_arn, resource_account) else {
            return;
        };
        let is_caller_role = resource_role
            .is_some_and(|(a, n)| inv.roles.iter().any(|r| r.account == *a && r.name == *n));
        if let Some((a, n)) = resource_role {
            if !is_caller_role {
                inv.roles.push(Role {
                    arn: arn.clone(),
                    name: n.clone(),
                    account: a.clone(),
                    trust_policy: self.resource_policy.clone(),
                    inline_policies: Vec::new(),
                    managed_policy_arns: Vec::new(),
                    permissions_boundary_arn: None,
                    tags: IndexMap::new(),
                    instance_profile_arns: Vec::new(),
                    source: "resource".into(),
                });
            }
        } else if arn != "*" {
            inv.resources.push(Resource {
                arn: arn.clone(),
                account: account.clone(),
                aliases: self.resource_aliases.clone(),
                policy: self.resource_policy.clone(),
                block_public_access: self.block_public_access,
                tags: IndexMap::new(),
                runs_as: None,
                source: "resource".into(),
            });
        }
    }

    /// The organization, when there are SCPs or RCPs or the caller is the management account.
    fn organization(
        &self,
        caller_account: Option<&String>,
        resource_account: Option<&String>,
    ) -> Option<Organization> {
        if self.scps.is_empty()
            && self.rcps.is_empty()
            && !self.management_account
            && self.account_block_public_access.is_none()
        {
            return None;
        }
        let mut org = Organization {
            management_account: if self.management_account {
                caller_account.cloned()
            } else {
                None
            },
            ..Organization::default()
        };
        if let (Some(a), false) = (caller_account, self.scps.is_empty()) {
            org.scp_levels.insert(a.clone(), self.scps.clone());
        }
        if let (Some(a), false) = (resource_account, self.rcps.is_empty()) {
            org.rcp_levels.insert(a.clone(), self.rcps.clone());
        }
        if let (Some(a), Some(b)) = (resource_account, self.account_block_public_access) {
            org.block_public_access.insert(a.clone(), b);
        }
        Some(org)
    }
}
