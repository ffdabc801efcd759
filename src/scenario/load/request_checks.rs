//! Checks of a case's request that its scenario's expansion and other commands share: the
//! action's form, and who may carry a session policy.

use crate::request::{IamKind, Principal};

/// `service:Action` without wildcards.
pub fn check_action(action: &str) -> Result<(), String> {
    let ok = action.split_once(':').is_some_and(|(s, a)| {
        !s.is_empty()
            && !a.is_empty()
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && a.chars().all(|c| c.is_ascii_alphanumeric())
    });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "action `{action}` is not of the form `service:Action` (no wildcards)"
        ))
    }
}

/// Session policies exist only for role sessions (AssumeRole*) here; federated users are refused.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session>
pub fn is_role_session(p: &Principal) -> bool {
    matches!(p, Principal::Iam(ip) if matches!(ip.kind, IamKind::Role { .. }))
}
