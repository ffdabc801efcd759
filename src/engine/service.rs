//! Rules the service enforces whatever the policies say. Checked before any policy is read:
//! actions AWS authorizes without IAM, and the partition boundary. Checked after the policies
//! allowed a request ([`protected`]): resources the service does not let a customer change (AWS
//! managed policies, service-linked roles, IAM Identity Center's roles, AWS managed KMS keys).

use super::decide::Decision;
use super::trace::{Layer, TraceEvent, TraceSink};
use super::Evaluation;
use crate::request::{IamKind, IamPrincipal, Principal};

/// `sts:GetCallerIdentity`: "No permissions are required to perform this operation. If an
/// administrator attaches a policy to your identity that explicitly denies access to the
/// sts:GetCallerIdentity action, you can still perform this operation."
/// <https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html>
const GET_CALLER_IDENTITY: &str = "sts:getcalleridentity";

/// `sts:GetSessionToken`: "No permissions are required for a user to get a session token ...
/// You cannot use policies to control authentication operations." It takes an IAM user's or the
/// root user's long-term credentials.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_getsessiontoken.html>
const GET_SESSION_TOKEN: &str = "sts:getsessiontoken";

/// "You cannot use IAM credentials from one partition to interact with resources in a different
/// partition."
/// <https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html>
const PARTITIONS: &str =
    "https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html";

/// The partition of an ARN (`aws` of `arn:aws:s3:::b`), without splitting the rest.
pub(crate) fn partition_of(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("arn:")?;
    let end = rest.bytes().position(|b| b == b':')?;
    rest.get(..end).filter(|p| !p.is_empty())
}

/// Is `arn` in `partition` (or not an ARN at all)? The common case, checked without a scan.
#[inline(always)]
fn in_partition(arn: &str, partition: &str) -> bool {
    let b = arn.as_bytes();
    let n = partition.len();
    b.get(..4) != Some(b"arn:".as_slice())
        || (b.get(4..4 + n) == Some(partition.as_bytes()) && b.get(4 + n) == Some(&b':'))
        || partition_of(arn).is_none_or(|p| p == partition || p == "*")
}

/// The decision a service rule makes for this request, if one applies; `action` is lowercased
/// and `service` is its prefix.
#[inline(always)]
pub(super) fn service_rule<S: TraceSink>(
    action: &str,
    service: &str,
    resource: &str,
    caller: &Principal,
    sink: &mut S,
) -> Option<Evaluation> {
    let Principal::Iam(ip) = caller else {
        return None;
    };
    if service != "sts" && in_partition(resource, &ip.partition) {
        return None;
    }
    rule(action, resource, ip, sink)
}

/// [`service_rule`] past its fast path.
#[cold]
fn rule<S: TraceSink>(
    action: &str,
    resource: &str,
    ip: &IamPrincipal,
    sink: &mut S,
) -> Option<Evaluation> {
    let (decision, why) = if action == GET_CALLER_IDENTITY {
        (
            Decision::Allow,
            "sts:GetCallerIdentity needs no permission: AWS answers it whatever the policies say (API_GetCallerIdentity.html)".to_string(),
        )
    } else if action == GET_SESSION_TOKEN {
        match ip.kind {
            IamKind::User { .. } | IamKind::Root => (
                Decision::Allow,
                "sts:GetSessionToken needs no permission: policies cannot control authentication operations (id_credentials_temp_control-access_getsessiontoken.html)".to_string(),
            ),
            _ => (
                Decision::ImplicitDeny,
                "sts:GetSessionToken takes an IAM user's or the root user's long-term credentials, not a role's or a federated user's".to_string(),
            ),
        }
    } else {
        match partition_of(resource) {
            Some(p) if p != ip.partition && p != "*" => (
                Decision::ImplicitDeny,
                format!(
                    "partitions are isolated: a caller in `{}` cannot act on a resource in `{p}` ({PARTITIONS})",
                    ip.partition
                ),
            ),
            _ => return None,
        }
    };
    if S::ENABLED {
        sink.event(TraceEvent::Note { text: why });
    }
    Some(Evaluation {
        decision,
        blocked_by: (decision != Decision::Allow).then_some(Layer::Service),
        deciding: Vec::new(),
        missing_context: Vec::new(),
    })
}

/// What an allowed request would change that the service protects, with AWS's words.
struct Protected {
    what: &'static str,
    quote: &'static str,
    page: &'static str,
}

/// What an action (lowercased) writes that the service may protect: a managed policy's
/// permissions, a role's trust, permissions or existence, or a KMS key's properties
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/editing-keys.html>). A `match` on the
/// name: this runs for every allowed IAM and KMS request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Write {
    Policy,
    Role,
    Key,
}

#[inline(always)]
fn write_of(action: &str) -> Option<Write> {
    Some(match action {
        "iam:createpolicyversion"
        | "iam:deletepolicy"
        | "iam:deletepolicyversion"
        | "iam:setdefaultpolicyversion" => Write::Policy,
        "iam:attachrolepolicy"
        | "iam:deleterole"
        | "iam:deleterolepermissionsboundary"
        | "iam:deleterolepolicy"
        | "iam:detachrolepolicy"
        | "iam:putrolepermissionsboundary"
        | "iam:putrolepolicy"
        | "iam:updateassumerolepolicy" => Write::Role,
        "kms:disablekey"
        | "kms:disablekeyrotation"
        | "kms:enablekey"
        | "kms:enablekeyrotation"
        | "kms:putkeypolicy"
        | "kms:tagresource"
        | "kms:untagresource"
        | "kms:updatekeydescription" => Write::Key,
        _ => return None,
    })
}

/// Whether the service may refuse `action` (lowercased) after the policies allow it
/// ([`protected`]): a proof keeps such actions in classes of their own, since the same policies
/// answer them differently from their neighbours.
pub fn may_refuse_after_allow(action: &str) -> bool {
    write_of(action).is_some()
}

const AWS_MANAGED_POLICY: Protected = Protected {
    what: "an AWS managed policy",
    quote: "You cannot change the permissions defined in AWS managed policies",
    page: "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/about-managed-policy-reference.html",
};

const SERVICE_LINKED_ROLE: Protected = Protected {
    what: "a service-linked role",
    quote: "service-linked roles are protected Amazon Web Services resources. Only the service that depends on the service-linked role can modify or delete the role on your behalf",
    page: "https://docs.aws.amazon.com/botocore/latest/reference/services/iam/client/exceptions/UnmodifiableEntityException.html; https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-trust-policy.html",
};

const SSO_ROLE: Protected = Protected {
    what: "an IAM Identity Center role (AWSReservedSSO_*)",
    quote: "You can't use the IAM console to modify roles that begin with \"AWSReservedSSO\". You must use the AWS IAM Identity Center console",
    page: "https://repost.aws/knowledge-center/identity-center-aws-reserved-sso; https://docs.aws.amazon.com/singlesignon/latest/userguide/permissionsetsconcept.html",
};

const AWS_MANAGED_KEY: Protected = Protected {
    what: "an AWS managed KMS key",
    quote: "You cannot edit any properties of AWS managed keys or AWS owned keys. These keys are managed by the AWS services that created them",
    page: "https://docs.aws.amazon.com/kms/latest/developerguide/editing-keys.html",
};

/// The role of IAM Identity Center that manages its `AWSReservedSSO_*` roles.
/// <https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSSSOServiceRolePolicy.html>
const SSO_SERVICE_ROLE: &str = "AWSServiceRoleForSSO";

/// Turn an Allow into an implicit deny (`blocked_by: service`) when the request changes a
/// resource the service protects; `None` when the request is not one of those. `action` is
/// lowercased; `aws_managed_key` asks the inventory whether the resource is an AWS managed KMS
/// key (an `alias/aws/...` alias), only for the key writes the service may refuse. A
/// service-linked role is known by its path, `/aws-service-role/`, part of its ARN.
#[inline]
pub(super) fn protected<S: TraceSink>(
    action: &str,
    resource: &str,
    caller: &Principal,
    aws_managed_key: impl FnOnce() -> bool,
    sink: &mut S,
) -> Option<Evaluation> {
    let rule = match write_of(action)? {
        Write::Policy => is_aws_managed_policy(resource).then_some(AWS_MANAGED_POLICY)?,
        Write::Role => {
            let name = role_name(resource)?;
            if resource.contains(":role/aws-service-role/") {
                SERVICE_LINKED_ROLE
            } else if (name.starts_with("AWSReservedSSO_")
                || resource.contains(":role/aws-reserved/sso.amazonaws.com/"))
                && !is_sso_service_role(caller)
            {
                SSO_ROLE
            } else {
                return None;
            }
        }
        Write::Key => {
            (resource.contains(":alias/aws/") || aws_managed_key()).then_some(AWS_MANAGED_KEY)?
        }
    };
    if S::ENABLED {
        sink.event(TraceEvent::Note {
            text: format!(
                "the policies allow it, but `{resource}` is {}: \"{}\" ({})",
                rule.what, rule.quote, rule.page
            ),
        });
    }
    Some(Evaluation {
        decision: Decision::ImplicitDeny,
        blocked_by: Some(Layer::Service),
        deciding: Vec::new(),
        missing_context: Vec::new(),
    })
}

/// `arn:PARTITION:iam::aws:policy/...`
fn is_aws_managed_policy(resource: &str) -> bool {
    resource
        .strip_prefix("arn:")
        .and_then(|r| r.split_once(":iam::aws:policy/"))
        .is_some()
}

/// The name of the IAM role a role ARN names (its path left out).
fn role_name(resource: &str) -> Option<&str> {
    let (_, path) = resource.strip_prefix("arn:")?.split_once(":role/")?;
    path.rsplit('/').next().filter(|n| !n.is_empty())
}

/// Whether the caller is IAM Identity Center's service-linked role (or a session of it).
fn is_sso_service_role(caller: &Principal) -> bool {
    matches!(caller, Principal::Iam(ip)
        if matches!(&ip.kind, IamKind::Role { name, .. } if name == SSO_SERVICE_ROLE))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{NoTrace, Trace};

    fn iam(arn: &str) -> Principal {
        Principal::parse(arn).unwrap()
    }

    #[test]
    fn get_caller_identity_is_allowed_for_every_iam_caller() {
        for arn in [
            "arn:aws:iam::111122223333:user/alice",
            "arn:aws:sts::111122223333:assumed-role/app/s",
            "arn:aws:iam::111122223333:root",
        ] {
            let ev =
                service_rule(GET_CALLER_IDENTITY, "sts", "*", &iam(arn), &mut NoTrace).unwrap();
            assert_eq!(ev.decision, Decision::Allow, "{arn}");
        }
        assert!(service_rule(
            GET_CALLER_IDENTITY,
            "sts",
            "*",
            &Principal::Anonymous,
            &mut NoTrace
        )
        .is_none());
    }

    #[test]
    fn get_session_token_is_for_users_and_root_only() {
        let user = service_rule(
            GET_SESSION_TOKEN,
            "sts",
            "*",
            &iam("arn:aws:iam::111122223333:user/a"),
            &mut NoTrace,
        );
        assert_eq!(user.unwrap().decision, Decision::Allow);
        let mut trace = Trace::default();
        let role = service_rule(
            GET_SESSION_TOKEN,
            "sts",
            "*",
            &iam("arn:aws:sts::111122223333:assumed-role/r/s"),
            &mut trace,
        )
        .unwrap();
        assert_eq!(
            (role.decision, role.blocked_by),
            (Decision::ImplicitDeny, Some(Layer::Service))
        );
        assert_eq!(trace.events.len(), 1);
    }

    #[test]
    fn protected_resources_refuse_writes_and_say_why() {
        let admin = iam("arn:aws:iam::111122223333:role/admin");
        let no = || false;
        let mut trace = Trace::default();
        let ev = protected(
            "iam:createpolicyversion",
            "arn:aws-cn:iam::aws:policy/ReadOnlyAccess",
            &admin,
            no,
            &mut trace,
        )
        .unwrap();
        assert_eq!(ev.blocked_by, Some(Layer::Service));
        assert!(
            matches!(&trace.events[..], [TraceEvent::Note { text }] if text.contains("AWS managed policy"))
        );
        // IAM Identity Center's roles by name (path left out) unless its own role calls.
        let sso = "arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_0123";
        assert!(protected("iam:deleterole", sso, &admin, no, &mut NoTrace).is_some());
        let sso_slr = iam("arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForSSO/s");
        assert!(protected("iam:deleterole", sso, &sso_slr, no, &mut NoTrace).is_none());
        let slr = "arn:aws:iam::111122223333:role/aws-service-role/lambda.amazonaws.com/AWSServiceRoleForLambda";
        assert!(protected("iam:putrolepolicy", slr, &admin, no, &mut NoTrace).is_some());
        assert!(protected("iam:getrole", slr, &admin, no, &mut NoTrace).is_none());
        let alias = "arn:aws:kms:us-east-1:111122223333:alias/aws/s3";
        assert!(protected("kms:putkeypolicy", alias, &admin, no, &mut NoTrace).is_some());
        assert!(protected("kms:decrypt", alias, &admin, no, &mut NoTrace).is_none());
        let key = "arn:aws:kms:us-east-1:111122223333:key/1234";
        assert!(protected("kms:putkeypolicy", key, &admin, no, &mut NoTrace).is_none());
        assert!(protected("kms:putkeypolicy", key, &admin, || true, &mut NoTrace).is_some());
    }

    #[test]
    fn a_resource_in_another_partition_is_out_of_reach() {
        let caller = iam("arn:aws:iam::111122223333:user/a");
        let ev = service_rule(
            "s3:getobject",
            "s3",
            "arn:aws-cn:s3:::b/k",
            &caller,
            &mut NoTrace,
        )
        .unwrap();
        assert_eq!(ev.blocked_by, Some(Layer::Service));
        assert!(service_rule(
            "s3:getobject",
            "s3",
            "arn:aws:s3:::b/k",
            &caller,
            &mut NoTrace
        )
        .is_none());
        assert!(service_rule("s3:getobject", "s3", "*", &caller, &mut NoTrace).is_none());
        assert_eq!(
            partition_of("arn:aws-us-gov:kms:r:1:key/k"),
            Some("aws-us-gov")
        );
        assert_eq!(partition_of("arn::s3:::b"), None);
    }
}
