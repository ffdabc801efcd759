//! A request normalised once: lowercased action and service, the resource resolved (KMS aliases),
//! the caller resolved against the inventory, and the global context keys that follow from it.
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>

use std::borrow::Cow;

use crate::request::{Context, IamKind, Principal};

/// The normalised request that statements are checked against.
#[derive(Debug, Clone)]
pub(crate) struct Prepared<'r> {
    /// The action, lowercased
    pub action: &'r str,
    /// Its service prefix, lowercased
    pub service: &'r str,
    /// The resource ARN (a KMS alias resolved to its key), or `*`
    pub resource: &'r str,
    /// The caller, with a role's ARN completed from the inventory (path included)
    pub principal: &'r Principal,
    /// Whether the caller has a permissions boundary
    pub has_boundary: bool,
    /// The request's context plus the global keys that follow from it; borrowed as given when
    /// no candidate statement reads the context (see `PolicySet::reads_context`)
    pub context: Cow<'r, Context>,
}

/// Facts about the caller the global keys are built from.
pub(crate) struct CallerFacts<'a> {
    pub tags: Option<&'a indexmap::IndexMap<String, String>>,
    pub resource_account: Option<&'a str>,
    pub resource_tags: Option<&'a indexmap::IndexMap<String, String>>,
    pub now_millis: i64,
}

/// Fill in the global keys a request implies, unless the request gives them.
pub(crate) fn global_keys(ctx: &mut Context, principal: &Principal, facts: &CallerFacts<'_>) {
    match principal {
        Principal::Iam(p) => {
            let (arn, kind) = match &p.kind {
                IamKind::Root => (p.arn.as_str(), "Account"),
                IamKind::User { name } => {
                    ctx.insert_default("aws:username", name.clone());
                    (p.arn.as_str(), "User")
                }
                // For a role session, aws:PrincipalArn is the role's ARN (aws-semantics #35).
                IamKind::Role { role_arn, .. } => (role_arn.as_str(), "AssumedRole"),
                IamKind::FederatedUser { .. } => (p.arn.as_str(), "FederatedUser"),
            };
            ctx.insert_default("aws:PrincipalArn", arn);
            ctx.insert_default("aws:PrincipalAccount", p.account.clone());
            ctx.insert_default("aws:PrincipalType", kind);
            ctx.insert_default("aws:PrincipalIsAWSService", "false");
            if let Some(tags) = facts.tags {
                for (k, v) in tags {
                    ctx.insert_default(&format!("aws:PrincipalTag/{k}"), v.clone());
                }
            }
        }
        Principal::Service(name) => {
            ctx.insert_default("aws:PrincipalIsAWSService", "true");
            ctx.insert_default("aws:PrincipalServiceName", name.clone());
        }
        Principal::Anonymous => {
            ctx.insert_default("aws:PrincipalType", "Anonymous");
        }
    }
    if let Some(account) = facts.resource_account {
        ctx.insert_default("aws:ResourceAccount", account);
    }
    if let Some(tags) = facts.resource_tags {
        for (k, v) in tags {
            ctx.insert_default(&format!("aws:ResourceTag/{k}"), v.clone());
        }
    }
    if !ctx.contains("aws:CurrentTime") {
        ctx.insert(
            "aws:CurrentTime",
            crate::condition::value::format_date(facts.now_millis),
        );
    }
    if !ctx.contains("aws:EpochTime") {
        ctx.insert("aws:EpochTime", (facts.now_millis / 1000).to_string());
    }
}
