//! The world a request is decided in: principals with their policies, resources with their
//! resource-based policies, and the organization's SCPs and RCPs. Built by the loader or in code.

use indexmap::IndexMap;

use crate::policy::Document;

/// A named policy document with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedPolicy {
    /// A stable name used in explanations, e.g. `acme-dev-agent-research/agent`
    pub name: String,
    /// The document
    pub document: Document,
}

/// An IAM role.
#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    /// `arn:aws:iam::<account>:role<path><name>`
    pub arn: String,
    /// The role name
    pub name: String,
    /// The 12-digit account id
    pub account: String,
    /// The trust policy (the role's resource-based policy for `sts:AssumeRole*`)
    pub trust_policy: Option<NamedPolicy>,
    /// Inline policies
    pub inline_policies: Vec<NamedPolicy>,
    /// Attached managed policy ARNs
    pub managed_policy_arns: Vec<String>,
    /// Permissions boundary ARN
    pub permissions_boundary_arn: Option<String>,
    /// Tags
    pub tags: IndexMap<String, String>,
    /// The instance profiles that hold this role (empty: none; EC2 can run as the role only
    /// through one of them)
    pub instance_profile_arns: Vec<String>,
    /// The file it was loaded from
    pub source: String,
}

/// An IAM user's access key (a user holds at most two).
#[derive(Debug, Clone, PartialEq)]
pub struct AccessKey {
    /// The access key id (`AKIA...`)
    pub id: String,
    /// Whether it is `Active` (an `Inactive` key signs nothing)
    pub active: bool,
}

/// An IAM user.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// `arn:aws:iam::<account>:user<path><name>`
    pub arn: String,
    /// The user name
    pub name: String,
    /// The 12-digit account id
    pub account: String,
    /// Inline policies
    pub inline_policies: Vec<NamedPolicy>,
    /// Attached managed policy ARNs
    pub managed_policy_arns: Vec<String>,
    /// Names of the groups the user is in
    pub groups: Vec<String>,
    /// Permissions boundary ARN
    pub permissions_boundary_arn: Option<String>,
    /// Tags
    pub tags: IndexMap<String, String>,
    /// Whether the user has a console password (a login profile); false when not stated
    pub login_profile: bool,
    /// The user's access keys; empty when not stated
    pub access_keys: Vec<AccessKey>,
    /// The file it was loaded from
    pub source: String,
}

/// An IAM group.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The group ARN
    pub arn: String,
    /// The group name
    pub name: String,
    /// Inline policies
    pub inline_policies: Vec<NamedPolicy>,
    /// Attached managed policy ARNs
    pub managed_policy_arns: Vec<String>,
    /// The file it was loaded from
    pub source: String,
}

/// A version of a managed policy other than its default.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyVersion {
    /// The version id (`v1`, `v2`, ...)
    pub id: String,
    /// The version's document, named `<policy name>@<id>`
    pub policy: NamedPolicy,
}

/// A managed policy.
#[derive(Debug, Clone, PartialEq)]
pub struct ManagedPolicy {
    /// The policy ARN
    pub arn: String,
    /// The policy (name, default version's document)
    pub policy: NamedPolicy,
    /// The policy's other versions (not in effect; `iam:SetDefaultPolicyVersion` can make one
    /// the default); empty when not stated
    pub versions: Vec<PolicyVersion>,
    /// The file it was loaded from
    pub source: String,
}

/// S3 Block Public Access settings (AWS's `PublicAccessBlockConfiguration`), of a bucket or of
/// an account. Only `RestrictPublicBuckets` changes a decision: the others act when a policy or
/// ACL is written, or on ACLs, which iamsim does not model.
/// <https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html>
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BlockPublicAccess {
    /// `BlockPublicAcls`: refuse public ACLs when they are written
    pub block_public_acls: bool,
    /// `IgnorePublicAcls`: ignore public ACLs
    pub ignore_public_acls: bool,
    /// `BlockPublicPolicy`: refuse a public bucket policy when it is written
    pub block_public_policy: bool,
    /// `RestrictPublicBuckets`: a bucket with a public policy grants only AWS service
    /// principals and users of the owner's account
    pub restrict_public_buckets: bool,
}

/// A resource with a resource-based policy (KMS key, bucket, function, repository, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// The resource ARN (for a KMS key, the key ARN)
    pub arn: String,
    /// The account that owns it
    pub account: String,
    /// Alias ARNs that resolve to it (KMS)
    pub aliases: Vec<String>,
    /// The resource-based policy (key policy for KMS keys)
    pub policy: Option<NamedPolicy>,
    /// An S3 bucket's Block Public Access settings
    pub block_public_access: Option<BlockPublicAccess>,
    /// Tags
    pub tags: IndexMap<String, String>,
    /// The role whose credentials the resource runs with (a function's execution role, an
    /// AgentCore runtime's or gateway's role, an instance's profile role, ...); `None` when it
    /// runs as no role or the inventory does not say
    pub runs_as: Option<String>,
    /// The file it was loaded from
    pub source: String,
}

/// How a VPC endpoint reaches its service. The kind changes how an account principal in the
/// endpoint policy reads (<https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EndpointKind {
    /// An interface endpoint (PrivateLink): the policy's principals read as everywhere else
    #[default]
    Interface,
    /// A gateway endpoint (S3, DynamoDB): an account principal names only the account's root user
    Gateway,
}

/// A VPC endpoint and its endpoint policy: a request made through it (`aws:SourceVpce`) must
/// also be allowed by that policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// The endpoint id, `vpce-...`
    pub id: String,
    /// The VPC it is in (`aws:SourceVpc` of requests made through it), if known
    pub vpc: Option<String>,
    /// Interface or gateway
    pub kind: EndpointKind,
    /// The endpoint policy; `None` is AWS's default policy, which allows everything
    pub policy: Option<NamedPolicy>,
    /// The file it was loaded from
    pub source: String,
}

/// The organization: for each member account, its SCP and RCP levels from the root down (root,
/// each OU, the account itself). Every level needs its own Allow.
/// <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html>
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Organization {
    /// The management account (SCPs and RCPs do not apply to it)
    pub management_account: Option<String>,
    /// Member account -> SCPs per level, root first
    pub scp_levels: IndexMap<String, Vec<Vec<NamedPolicy>>>,
    /// Member account -> RCPs per level, root first (the loader adds the implicit `RCPFullAWSAccess`)
    pub rcp_levels: IndexMap<String, Vec<Vec<NamedPolicy>>>,
    /// Account -> its account-level S3 Block Public Access settings
    pub block_public_access: IndexMap<String, BlockPublicAccess>,
}

/// Everything iamsim knows about: the input to [`crate::engine::Engine::new`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Inventory {
    /// Roles
    pub roles: Vec<Role>,
    /// Users
    pub users: Vec<User>,
    /// Groups
    pub groups: Vec<Group>,
    /// Managed policies
    pub managed_policies: Vec<ManagedPolicy>,
    /// Resources with resource-based policies
    pub resources: Vec<Resource>,
    /// VPC endpoints with their endpoint policies
    pub endpoints: Vec<Endpoint>,
    /// The organization, if any
    pub organization: Option<Organization>,
    /// Which resources belong to which owner (`ownership.json`; empty when absent)
    pub ownership: Vec<Owner>,
}

/// An owner of resources (an agent of the platform) and the principals that act for it
/// (docs/formats.md, `ownership.json`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    /// The owner's name (an agent key)
    pub owner: String,
    /// The principals acting for it (role ARNs)
    pub principals: Vec<String>,
    /// Its resources: ARNs or ARN patterns (resource dialect)
    pub resources: Vec<String>,
}
