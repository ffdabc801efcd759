//! The IAM policy grammar: documents, statements and their elements, parsed from JSON with the
//! JSON path of every error, and printed back.
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>

pub mod condition;
mod error;
mod parse;
mod print;
mod public;

pub(crate) use error::one_line;
pub use error::{closest, edit_distance, PolicyError, PolicyErrorKind};
pub(crate) use parse::variables_as;
pub use parse::{parse_document, parse_resource_policy, parse_str, MAX_STATEMENTS};
pub use public::is_public_bucket_policy;

use crate::pattern::Wildcard;
use condition::Condition;

/// Which kind of policy a document is: decides which elements it may (must) have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    /// Identity-based (inline or managed), also used for boundaries and session policies
    Identity,
    /// A resource-based policy (bucket, function, repository, ... and KMS key policies)
    Resource,
    /// A role trust policy
    Trust,
    /// A service control policy
    Scp,
    /// A resource control policy
    Rcp,
}

impl PolicyKind {
    fn describe(self) -> &'static str {
        match self {
            Self::Identity => "an identity-based policy",
            Self::Resource => "a resource-based policy",
            Self::Trust => "a role trust policy",
            Self::Scp => "a service control policy",
            Self::Rcp => "a resource control policy",
        }
    }
}

/// The policy language version; variables exist only in 2012-10-17.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html>
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// `2012-10-17`
    V2012_10_17,
    /// `2008-10-17`
    V2008_10_17,
    /// No `Version` element (treated as 2008-10-17)
    Absent,
}

impl Version {
    /// True when `${...}` are policy variables rather than text
    pub fn has_variables(self) -> bool {
        self == Self::V2012_10_17
    }
}

/// A policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// `Version`
    pub version: Version,
    /// `Id`
    pub id: Option<String>,
    /// `Statement`, in document order; shared (not copied) with the policy sets an engine
    /// compiles from it
    pub statements: Vec<std::sync::Arc<Statement>>,
}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Effect {
    /// Grants
    Allow,
    /// Denies, overriding any Allow
    Deny,
}

/// One statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// `Sid`, if any (empty strings are kept as `None`)
    pub sid: Option<String>,
    /// `Effect`
    pub effect: Effect,
    /// `Principal` / `NotPrincipal` (resource-based and trust policies only)
    pub principal: Option<PrincipalClause>,
    /// `Action` / `NotAction`
    pub action: ActionClause,
    /// `Resource` / `NotResource`: absent in trust policies, and in the statements of ECR
    /// repository and SNS topic policies that omit it, where it means the resource the policy is
    /// attached to (see [`parse_resource_policy`])
    pub resource: Option<ResourceClause>,
    /// `Condition` entries, all of which must hold
    pub conditions: Vec<Condition>,
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalClause {
    /// `Principal`: applies to the principals listed
    Principal(Principals),
    /// `NotPrincipal`: applies to everyone except those listed
    NotPrincipal(Principals),
}

/// The principals a `Principal` element names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principals {
    /// `"*"` as a bare string (everyone, including anonymous callers)
    pub any: bool,
    /// Typed entries, in document order
    pub entries: Vec<PrincipalEntry>,
}

/// One entry of a `Principal` map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalEntry {
    /// `"AWS": "*"`
    AnyAws,
    /// An account: `"123456789012"` or `arn:aws:iam::123456789012:root`
    Account {
        /// The text as written
        raw: String,
        /// The account id
        account: String,
    },
    /// An IAM user, role, assumed-role session or federated-user ARN
    Arn(String),
    /// A unique principal id (`AROA...`): what AWS shows for a deleted role; matches no one
    UniqueId(String),
    /// `"Service": "..."`
    Service(String),
    /// `"Federated": "..."`
    Federated(String),
    /// `"CanonicalUser": "..."`
    CanonicalUser(String),
}

/// `Action` or `NotAction`.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionClause {
    /// `Action`
    Action(Vec<ActionPattern>),
    /// `NotAction`
    NotAction(Vec<ActionPattern>),
}

/// An action pattern such as `s3:Get*`, lowercased and compiled.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionPattern {
    /// As written
    pub raw: String,
    /// The service prefix, lowercased (`None` for `*`)
    pub service: Option<String>,
    /// The whole pattern lowercased and compiled
    pub matcher: Wildcard,
}

/// `Resource` or `NotResource`.
#[derive(Debug, Clone, PartialEq)]
pub enum ResourceClause {
    /// `Resource`
    Resource(Vec<ResourcePattern>),
    /// `NotResource`
    NotResource(Vec<ResourcePattern>),
}

/// A resource pattern (`*` or an ARN with wildcards and, in 2012-10-17, policy variables).
#[derive(Debug, Clone, PartialEq)]
pub struct ResourcePattern {
    /// As written
    pub raw: String,
    /// Compiled
    pub matcher: ResourceMatcher,
}

/// How a resource pattern matches.
#[derive(Debug, Clone, PartialEq)]
pub enum ResourceMatcher {
    /// A wildcard pattern compiled at load
    Fixed(Wildcard),
    /// A pattern with policy variables, resolved per request
    Template(condition::template::Template),
}
