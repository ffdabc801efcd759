//! `platform`: the generator of the Amazon Bedrock AgentCore platform's IAM policies from a
//! platform spec (`policies/platform.json`), mirroring the Terraform modules' rules (docs/platform.md).
//! It produces an inventory (roles/ and resources/ files and `ownership.json`, docs/formats.md) and reads nothing
//! but the spec; docs/platform.md lists the statements per variable.

mod agent;
mod decode;
mod document;
mod error;
mod gateway;
mod kms;
mod load;
mod names;
mod ownership;
mod runtime;
mod spec;
mod validate;
pub(crate) use validate::is_region;
mod write;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

pub use agent::{AGENT_SIDS, PRODUCTION_AGENTCORE_ACTIONS, PRODUCTION_BEDROCK_ACTIONS};
pub use error::{PlatformError, PlatformErrorKind};
pub use gateway::{GATEWAY_SIDS, OAUTH2_SID};
pub use kms::KEY_POLICY_SIDS;
pub use names::KmsKey;
pub use ownership::OWNERSHIP_FILE;
pub use spec::{AgentSpec, CognitoSpec, KmsKeyIds, PlatformSpec, ProductionProfile};
pub use write::{is_generated_path, write_inventory};

/// The name of the agent role's one inline policy
pub const AGENT_POLICY: &str = "agent";

/// The inventory of a platform: relative path (`roles/acme-dev-gateway.json`) -> document
pub type InventoryFiles = BTreeMap<PathBuf, Value>;

/// Generates the inventory files of `spec`: one role per agent, the gateway role, one resource
/// per KMS key, and the compute that runs as the roles (each agent's runtime, the gateway)
///
/// Validates `spec` first (errors name the file `platform.json`). The output depends only on
/// the spec, so the same spec always gives the same files.
pub fn generate(spec: &PlatformSpec) -> Result<InventoryFiles, PlatformError> {
    spec.validate("platform.json")?;
    let mut files = BTreeMap::new();
    for (key, agent_spec) in &spec.agents {
        let statements = agent::statements(spec, key, agent_spec);
        let inline = vec![(AGENT_POLICY, document::policy(statements))];
        let role = document::role_file(spec, spec.agent_role_arn(key), inline);
        files.insert(spec.agent_role_file(key), role);
        let runtime =
            runtime::compute_file(spec, spec.agent_runtime_arn(key), spec.agent_role_arn(key));
        files.insert(spec.agent_runtime_file(key), runtime);
    }
    let gateway = gateway::inline_policies(spec);
    let role = document::role_file(spec, spec.gateway_role_arn(), gateway);
    files.insert(spec.gateway_role_file(), role);
    let compute = runtime::compute_file(spec, spec.gateway_arn(), spec.gateway_role_arn());
    files.insert(spec.gateway_file(), compute);
    for key in KmsKey::ALL {
        files.insert(PlatformSpec::kms_key_file(key), kms::key_file(spec, key));
    }
    files.insert(
        PathBuf::from(OWNERSHIP_FILE),
        ownership::ownership_file(spec),
    );
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_files() {
        let files = generate(&PlatformSpec::reference()).unwrap();
        let names: Vec<_> = files.keys().map(|p| p.to_str().unwrap()).collect();
        assert_eq!(
            names,
            [
                "ownership.json",
                "resources/acme-dev-agent-billing-runtime.json",
                "resources/acme-dev-agent-research-runtime.json",
                "resources/acme-dev-agent-research-v2-runtime.json",
                "resources/acme-dev-agent-support-runtime.json",
                "resources/acme-dev-gateway.json",
                "resources/kms-data.json",
                "resources/kms-domain-artifacts.json",
                "resources/kms-gateway.json",
                "resources/kms-platform-artifacts.json",
                "resources/kms-secrets.json",
                "resources/kms-storage.json",
                "roles/acme-dev-agent-billing.json",
                "roles/acme-dev-agent-research-v2.json",
                "roles/acme-dev-agent-research.json",
                "roles/acme-dev-agent-support.json",
                "roles/acme-dev-gateway.json",
            ]
        );
    }

    #[test]
    fn generate_rejects_an_invalid_spec() {
        let mut spec = PlatformSpec::reference();
        spec.account_id = "1".into();
        assert_eq!(
            generate(&spec).unwrap_err().to_string(),
            "platform.json: account_id: account id `1` is not 12 digits"
        );
    }
}
