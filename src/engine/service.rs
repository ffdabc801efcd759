//! Rules the service enforces whatever the policies say, checked before any policy is read:
//! actions AWS authorizes without IAM, and the partition boundary.

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
