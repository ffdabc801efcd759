//! Which resources belong to which agent (tenancy): each agent's ECR repository, its log groups
//! (`/aws/bedrock-agentcore/<name_prefix>-<key>` with its streams and sub-groups, and the
//! runtime's `/aws/bedrock-agentcore/runtimes/<key>`), and its artifacts bucket with its objects
//! when no other agent names the same bucket. Written to `ownership.json` (docs/formats.md).

use serde_json::{json, Value};

use super::PlatformSpec;

/// The file the ownership is written to, at the top of the inventory.
pub const OWNERSHIP_FILE: &str = "ownership.json";

impl PlatformSpec {
    /// The resources (ARNs and ARN patterns) that belong to agent `key` alone. A bucket several
    /// agents name is shared, so it belongs to none of them.
    pub fn agent_owned_resources(&self, key: &str) -> Vec<String> {
        let group = |name: &str| {
            format!(
                "arn:aws:logs:{}:{}:log-group:{name}",
                self.region, self.account_id
            )
        };
        let own = format!("/aws/bedrock-agentcore/{}-{key}", self.name_prefix());
        let runtime = format!("/aws/bedrock-agentcore/runtimes/{key}");
        let mut out = vec![
            self.agent_repository_arn(key),
            group(&own),
            group(&format!("{own}:*")),
            group(&format!("{own}/*")),
            group(&runtime),
            group(&format!("{runtime}:*")),
        ];
        if let Some(agent) = self.agents.get(key) {
            let bucket = &agent.artifacts_bucket_arn;
            let shared = self
                .agents
                .iter()
                .filter(|(_, a)| a.artifacts_bucket_arn == *bucket)
                .count()
                > 1;
            if !bucket.is_empty() && !shared {
                out.push(bucket.clone());
                out.push(format!("{bucket}/*"));
            }
        }
        out
    }
}

/// `ownership.json`: every agent, the role acting for it and the resources it owns.
pub(crate) fn ownership_file(spec: &PlatformSpec) -> Value {
    let owners: Vec<Value> = spec
        .agents
        .keys()
        .map(|key| {
            json!({
                "owner": key,
                "principals": [spec.agent_role_arn(key)],
                "resources": spec.agent_owned_resources(key),
            })
        })
        .collect();
    json!({ "owners": owners })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_agent_owns_its_repository_log_groups_and_unshared_bucket() {
        let spec = PlatformSpec::reference();
        let research = spec.agent_owned_resources("research");
        assert_eq!(
            research.first().map(String::as_str),
            Some("arn:aws:ecr:us-east-1:111122223333:repository/acme-dev-research")
        );
        assert!(research.contains(&"arn:aws:s3:::acme-dev-artifacts/*".to_string()));
        assert!(research.contains(
            &"arn:aws:logs:us-east-1:111122223333:log-group:/aws/bedrock-agentcore/acme-dev-research:*"
                .to_string()
        ));
        let mut shared = spec.clone();
        if let Some(a) = shared.agents.get_mut("billing") {
            a.artifacts_bucket_arn = "arn:aws:s3:::acme-dev-artifacts".into();
        }
        assert!(!shared
            .agent_owned_resources("research")
            .iter()
            .any(|r| r.starts_with("arn:aws:s3:::")));
    }
}
