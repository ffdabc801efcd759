//! The platform's compute that runs as its roles: one AgentCore runtime per agent (running as
//! the agent's role) and the gateway (running as the gateway role), written as inventory
//! resources with `runs_as` (docs/formats.md) so that privilege-escalation analysis
//! (`iamsim reach`) sees what each role's credentials are exposed to.

use std::path::PathBuf;

use serde_json::{json, Value};

use super::spec::PlatformSpec;

impl PlatformSpec {
    /// The agent's runtime ARN, `arn:aws:bedrock-agentcore:<region>:<account>:runtime/<id>`, the
    /// id being the agent role's name `<name_prefix>-agent-<key>` (AWS adds a random suffix to
    /// the runtime's name; the role name keeps the id unique and deterministic)
    pub fn agent_runtime_arn(&self, key: &str) -> String {
        self.agentcore_arn(&format!("runtime/{}", self.agent_role_name(key)))
    }

    /// The gateway's ARN, `arn:aws:bedrock-agentcore:<region>:<account>:gateway/<name_prefix>-gateway`
    pub fn gateway_arn(&self) -> String {
        self.agentcore_arn(&format!("gateway/{}", self.gateway_role_name()))
    }

    /// The inventory file of an agent's runtime, `resources/<name_prefix>-agent-<key>-runtime.json`
    pub fn agent_runtime_file(&self, key: &str) -> PathBuf {
        PathBuf::from(format!(
            "resources/{}-runtime.json",
            self.agent_role_name(key)
        ))
    }

    /// The inventory file of the gateway, `resources/<name_prefix>-gateway.json`
    pub fn gateway_file(&self) -> PathBuf {
        PathBuf::from(format!("resources/{}.json", self.gateway_role_name()))
    }
}

/// A resource file for AgentCore compute `arn` running as `role` (no resource-based policy)
pub(crate) fn compute_file(spec: &PlatformSpec, arn: String, role: String) -> Value {
    json!({
        "arn": arn,
        "account": spec.account_id,
        "policy": null,
        "tags": {},
        "runs_as": role,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_runtime_and_gateway_names() {
        let spec = PlatformSpec::reference();
        assert_eq!(
            spec.agent_runtime_arn("research-v2"),
            "arn:aws:bedrock-agentcore:us-east-1:111122223333:runtime/acme-dev-agent-research-v2"
        );
        assert_eq!(
            spec.gateway_arn(),
            "arn:aws:bedrock-agentcore:us-east-1:111122223333:gateway/acme-dev-gateway"
        );
        assert_eq!(
            spec.agent_runtime_file("billing"),
            PathBuf::from("resources/acme-dev-agent-billing-runtime.json")
        );
        let file = compute_file(&spec, spec.gateway_arn(), spec.gateway_role_arn());
        assert_eq!(
            file["runs_as"],
            "arn:aws:iam::111122223333:role/acme-dev-gateway"
        );
    }
}
