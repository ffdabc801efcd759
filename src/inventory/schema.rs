//! The shapes of the inventory files (docs/formats.md), as Rust types from which the JSON
//! Schemas in `schemas/` are generated. The loader takes each file's known field names from
//! these types ([`fields`]), so the schema and the loader cannot disagree about which fields
//! exist; the loader checks the values (ARNs, account ids, policy grammar) beyond what a schema
//! says.

use std::sync::LazyLock;

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde_json::{Map, Value};

/// An IAM policy document (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>).
/// The loader checks each statement against the grammar.
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyDocument {
    /// `2012-10-17` (policy variables work only with it) or `2008-10-17`
    #[serde(rename = "Version", default)]
    pub version: Option<String>,
    /// An optional identifier
    #[serde(rename = "Id", default)]
    pub id: Option<String>,
    /// One statement or a list of them
    #[serde(rename = "Statement")]
    pub statement: OneOrMany,
}

/// One statement object, or a list of them.
#[derive(Debug, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    /// A single statement
    One(Map<String, Value>),
    /// Several statements
    Many(Vec<Map<String, Value>>),
}

/// `roles/NAME.json`: an IAM role.
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleFile {
    /// The JSON Schema the file follows (for editors; not read)
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// `arn:aws:iam::ACCOUNT:role/PATH/NAME`
    #[schemars(length(min = 1))]
    pub arn: String,
    /// The IAM path (informational)
    #[serde(default)]
    pub path: Option<String>,
    /// Who may assume the role
    #[serde(default)]
    pub trust_policy: Option<PolicyDocument>,
    /// Inline policies by name
    #[serde(default)]
    pub inline_policies: Option<IndexMap<String, PolicyDocument>>,
    /// Attached managed policies (files of `managed/`, or AWS managed policy ARNs)
    #[serde(default)]
    pub managed_policy_arns: Option<Vec<String>>,
    /// The permissions boundary's managed policy ARN
    #[serde(default)]
    pub permissions_boundary_arn: Option<String>,
    /// Tags (`aws:PrincipalTag/...`)
    #[serde(default)]
    pub tags: Option<IndexMap<String, String>>,
    /// Free text
    #[serde(default)]
    pub description: Option<String>,
    /// Instance profiles holding the role (`arn:aws:iam::ACCOUNT:instance-profile/NAME`)
    #[serde(default)]
    pub instance_profile_arns: Option<Vec<String>>,
}

/// `users/NAME.json`: an IAM user.
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserFile {
    /// The JSON Schema the file follows (for editors; not read)
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// `arn:aws:iam::ACCOUNT:user/PATH/NAME`
    #[schemars(length(min = 1))]
    pub arn: String,
    /// The IAM path (informational)
    #[serde(default)]
    pub path: Option<String>,
    /// Inline policies by name
    #[serde(default)]
    pub inline_policies: Option<IndexMap<String, PolicyDocument>>,
    /// Attached managed policies
    #[serde(default)]
    pub managed_policy_arns: Option<Vec<String>>,
    /// The groups the user is in, by name
    #[serde(default)]
    pub groups: Option<Vec<String>>,
    /// The permissions boundary's managed policy ARN
    #[serde(default)]
    pub permissions_boundary_arn: Option<String>,
    /// Tags
    #[serde(default)]
    pub tags: Option<IndexMap<String, String>>,
    /// Whether the user has a console password
    #[serde(default)]
    pub login_profile: Option<bool>,
    /// The user's access keys (at most 2)
    #[serde(default)]
    pub access_keys: Option<Vec<AccessKeyEntry>>,
}

/// One access key of a user.
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessKeyEntry {
    /// The key id
    #[schemars(length(min = 1))]
    pub id: String,
    /// `Active` (the default) or `Inactive`
    #[serde(default)]
    pub status: Option<KeyStatus>,
}

/// An access key's status.
#[derive(Debug, JsonSchema)]
pub enum KeyStatus {
    /// Usable
    Active,
    /// Not usable
    Inactive,
}

/// `groups/NAME.json`: an IAM group.
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupFile {
    /// The JSON Schema the file follows (for editors; not read)
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// `arn:aws:iam::ACCOUNT:group/PATH/NAME`
    #[schemars(length(min = 1))]
    pub arn: String,
    /// The IAM path (informational)
    #[serde(default)]
    pub path: Option<String>,
    /// Inline policies by name
    #[serde(default)]
    pub inline_policies: Option<IndexMap<String, PolicyDocument>>,
    /// Attached managed policies
    #[serde(default)]
    pub managed_policy_arns: Option<Vec<String>>,
}

/// `managed/NAME.json`: a customer managed policy (also used as a permissions boundary).
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManagedFile {
    /// The JSON Schema the file follows (for editors; not read)
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// `arn:aws:iam::ACCOUNT:policy/PATH/NAME`
    #[schemars(length(min = 1))]
    pub arn: String,
    /// The default version's document
    pub document: PolicyDocument,
    /// Free text
    #[serde(default)]
    pub description: Option<String>,
    /// The versions other than the default (at most 4)
    #[serde(default)]
    pub versions: Option<Vec<PolicyVersionEntry>>,
}

/// A non-default version of a managed policy.
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyVersionEntry {
    /// `v1`, `v2`, ...
    #[schemars(regex(pattern = r"^v[0-9]+$"))]
    pub version_id: String,
    /// The version's document
    pub document: PolicyDocument,
}

/// `resources/NAME.json`: a resource and its resource-based policy (a KMS key policy, a bucket
/// policy, ...).
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceFile {
    /// The JSON Schema the file follows (for editors; not read)
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// The resource's ARN
    #[schemars(length(min = 1))]
    pub arn: String,
    /// KMS alias ARNs of a key (`arn:aws:kms:REGION:ACCOUNT:alias/NAME`)
    #[serde(default)]
    pub aliases: Option<Vec<String>>,
    /// The owning account, when the ARN names none (an S3 bucket)
    #[serde(default)]
    pub account: Option<String>,
    /// The resource-based policy
    #[serde(default)]
    pub policy: Option<PolicyDocument>,
    /// The bucket's S3 Block Public Access settings
    #[serde(default)]
    pub block_public_access: Option<BlockPublicAccessSettings>,
    /// Tags (`aws:ResourceTag/...`)
    #[serde(default)]
    pub tags: Option<IndexMap<String, String>>,
    /// Free text
    #[serde(default)]
    pub description: Option<String>,
    /// The role the resource's code runs as (an AgentCore runtime's execution role)
    #[serde(default)]
    pub runs_as: Option<String>,
}

/// S3 Block Public Access (AWS's `PublicAccessBlockConfiguration`); an absent setting is false.
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(non_snake_case, reason = "AWS's field names")]
pub struct BlockPublicAccessSettings {
    /// Reject public ACLs
    #[serde(default)]
    pub BlockPublicAcls: Option<bool>,
    /// Ignore public ACLs
    #[serde(default)]
    pub IgnorePublicAcls: Option<bool>,
    /// Reject public bucket policies
    #[serde(default)]
    pub BlockPublicPolicy: Option<bool>,
    /// Restrict public bucket policies to AWS services and the owner's principals
    #[serde(default)]
    pub RestrictPublicBuckets: Option<bool>,
}

/// `endpoints/NAME.json`: a VPC endpoint and its endpoint policy.
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointFile {
    /// The JSON Schema the file follows (for editors; not read)
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// `vpce-...`
    #[schemars(regex(pattern = r"^vpce-"))]
    pub id: String,
    /// `vpc-...`
    #[serde(default)]
    pub vpc: Option<String>,
    /// The endpoint type: `interface` (the default) or `gateway`, any case
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// The endpoint policy (absent: full access)
    #[serde(default)]
    pub policy: Option<PolicyDocument>,
    /// Free text
    #[serde(default)]
    pub description: Option<String>,
}

/// `organization.json`: the OU tree and the SCPs and RCPs at each level.
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationFile {
    /// The JSON Schema the file follows (for editors; not read)
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// The management account (SCPs do not apply to it)
    #[serde(default)]
    pub management_account: Option<String>,
    /// The root's policies
    pub root: RootLevel,
    /// Organizational units
    #[serde(default)]
    pub ous: Option<Vec<OuLevel>>,
    /// Accounts
    #[serde(default)]
    pub accounts: Option<Vec<AccountLevel>>,
}

/// The organization root.
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RootLevel {
    /// Service control policies attached here
    #[serde(default)]
    pub scps: Option<Vec<OrgPolicy>>,
    /// Resource control policies attached here (AWS's `RCPFullAWSAccess` is implied)
    #[serde(default)]
    pub rcps: Option<Vec<OrgPolicy>>,
}

/// An organizational unit.
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OuLevel {
    /// Its id
    pub id: String,
    /// `root` or an OU's id
    pub parent: String,
    /// Service control policies attached here
    #[serde(default)]
    pub scps: Option<Vec<OrgPolicy>>,
    /// Resource control policies attached here
    #[serde(default)]
    pub rcps: Option<Vec<OrgPolicy>>,
}

/// An account of the organization.
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountLevel {
    /// The 12-digit account id
    #[schemars(regex(pattern = r"^[0-9]{12}$"))]
    pub id: String,
    /// `root` or an OU's id
    pub parent: String,
    /// Service control policies attached here
    #[serde(default)]
    pub scps: Option<Vec<OrgPolicy>>,
    /// Resource control policies attached here
    #[serde(default)]
    pub rcps: Option<Vec<OrgPolicy>>,
    /// The account's S3 Block Public Access settings
    #[serde(default)]
    pub block_public_access: Option<BlockPublicAccessSettings>,
}

/// An SCP or RCP.
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgPolicy {
    /// Its name
    pub name: String,
    /// Its document
    pub document: PolicyDocument,
}

/// `ownership.json`: which principals and resources belong to which owner (written by
/// `iamsim generate`).
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnershipFile {
    /// The JSON Schema the file follows (for editors; not read)
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// The owners
    pub owners: Vec<OwnerEntry>,
}

/// One owner: its principals and resource patterns.
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnerEntry {
    /// The owner's name (unique)
    #[schemars(length(min = 1))]
    pub owner: String,
    /// Principal ARNs
    pub principals: Vec<String>,
    /// Resource ARNs or ARN patterns
    pub resources: Vec<String>,
}

/// The top-level field names of `T`'s schema, in declaration order.
pub fn fields<T: JsonSchema>() -> Vec<String> {
    let schema = schemars::schema_for!(T);
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

macro_rules! field_lists {
    ($($name:ident => $ty:ty;)*) => {
        $(
            #[doc = concat!("The fields of `", stringify!($ty), "`, for the loader.")]
            pub(crate) static $name: LazyLock<Vec<String>> = LazyLock::new(fields::<$ty>);
        )*
    };
}

field_lists! {
    ROLE_FIELDS => RoleFile;
    USER_FIELDS => UserFile;
    GROUP_FIELDS => GroupFile;
    MANAGED_FIELDS => ManagedFile;
    RESOURCE_FIELDS => ResourceFile;
    ENDPOINT_FIELDS => EndpointFile;
    ORGANIZATION_FIELDS => OrganizationFile;
    ROOT_FIELDS => RootLevel;
    OU_FIELDS => OuLevel;
    ACCOUNT_FIELDS => AccountLevel;
    OWNERSHIP_FIELDS => OwnershipFile;
    OWNER_FIELDS => OwnerEntry;
    ACCESS_KEY_FIELDS => AccessKeyEntry;
    VERSION_FIELDS => PolicyVersionEntry;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_lists_follow_the_types() {
        assert_eq!(*OWNER_FIELDS, ["owner", "principals", "resources"]);
        assert_eq!(ROLE_FIELDS.first().map(String::as_str), Some("$schema"));
        assert!(ROLE_FIELDS.iter().any(|f| f == "instance_profile_arns"));
        assert!(ENDPOINT_FIELDS.iter().any(|f| f == "type"));
    }
}
