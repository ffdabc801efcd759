//! The ARN services a change can reach, known before the request space is built: when no
//! principal changed and the organization kept its shape, only the resources whose governing
//! object changed and the actions a changed SCP or RCP statement decides differently can change
//! a decision, so the space splits only their services' resources (plus `*`). Splitting every
//! other service's resources would cost most of a large diff and ask nothing (docs/diff.md).

use std::collections::BTreeSet;

use super::action_classes::{action_arn_services, catalog_actions};
use super::plan::{only_actions_differ, org_change, OrgChange};
use super::side::Side;
use crate::prove::matching::action_matches;

/// The ARN services whose resources the planner can ask about, or `None` for every service
/// (`full`, a principal whose policies changed, an organization whose accounts, levels or
/// policies changed). Sound because [`super::plan::plan`] asks, for unchanged principals, only
/// resources whose governor differs and actions a changed organization statement decides
/// differently; this returns the services of both.
pub(crate) fn services(base: &Side<'_>, head: &Side<'_>, full: bool) -> Option<BTreeSet<String>> {
    if full {
        return None;
    }
    let changed = match org_change(base.organization(), head.organization()) {
        OrgChange::Structure => return None,
        OrgChange::Same => Vec::new(),
        OrgChange::Statements(list) => list,
    };
    for side in [base, head] {
        for arn in side.principal_arns() {
            if base.principal_view(arn) != head.principal_view(arn) {
                return None;
            }
        }
    }
    let mut out = BTreeSet::new();
    for side in [base, head] {
        for arn in side.governed_arns() {
            if base.governor(arn) != head.governor(arn) {
                if let Some(service) = arn.split(':').nth(2) {
                    out.insert(service.to_string());
                }
            }
        }
    }
    if !changed.is_empty() {
        for action in catalog_actions(None) {
            let lower = action.to_ascii_lowercase();
            let reached = changed.iter().any(|(x, y)| {
                let (a, b) = (
                    action_matches(&x.action, &lower),
                    action_matches(&y.action, &lower),
                );
                if only_actions_differ(x, y) {
                    a != b
                } else {
                    a || b
                }
            });
            if reached {
                out.extend(action_arn_services(&action));
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{from_files, Inventory};
    use crate::platform::{generate, AgentSpec, PlatformSpec};

    fn inventory(spec: &PlatformSpec, scp_actions: &[&str]) -> Inventory {
        let mut files = generate(spec).unwrap();
        files.insert(
            "organization.json".into(),
            serde_json::json!({
                "management_account": "999988887777",
                "root": {"scps": [{"name": "FullAWSAccess", "document": {"Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}], "rcps": []},
                "ous": [],
                "accounts": [{"id": "111122223333", "parent": "root", "rcps": [],
                    "scps": [{"name": "Services", "document": {"Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": scp_actions, "Resource": "*"}]}}]}]
            }),
        );
        from_files(&files, std::path::Path::new("policies")).unwrap()
    }

    #[test]
    fn an_scp_widened_by_one_service_reaches_that_service_only() {
        let spec = PlatformSpec::reference();
        let base = inventory(&spec, &["s3:*", "kms:*"]);
        let head = inventory(&spec, &["s3:*", "kms:*", "logs:*"]);
        let (b, h) = (Side::new(&base).unwrap(), Side::new(&head).unwrap());
        let got = services(&b, &h, false).unwrap();
        assert_eq!(got.into_iter().collect::<Vec<_>>(), ["logs"]);
        // Asking everything, or a principal changed: every service.
        assert!(services(&b, &h, true).is_none());
        let mut more = spec.clone();
        more.agents.insert("newagent".into(), AgentSpec::default());
        let plus = inventory(&more, &["s3:*", "kms:*"]);
        assert!(services(&b, &Side::new(&plus).unwrap(), false).is_none());
    }

    #[test]
    fn a_changed_resource_policy_reaches_its_service() {
        let base = inventory(&PlatformSpec::reference(), &["*"]);
        let mut head = base.clone();
        let key = head
            .resources
            .iter_mut()
            .find(|r| r.arn.starts_with("arn:aws:kms:"))
            .unwrap();
        key.tags.insert("changed".into(), "yes".into());
        let (b, h) = (Side::new(&base).unwrap(), Side::new(&head).unwrap());
        let got = services(&b, &h, false).unwrap();
        assert_eq!(got.into_iter().collect::<Vec<_>>(), ["kms"]);
    }
}
