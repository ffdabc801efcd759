//! The platform's names and ARNs (docs/platform.md, "Names"): the one place that
//! spells them, used by the generator and by tests that build requests against it.

use std::path::PathBuf;

use super::spec::PlatformSpec;

/// One of the platform's KMS keys
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KmsKey {
    /// `data`
    Data,
    /// `storage`
    Storage,
    /// `secrets`
    Secrets,
    /// `platform_artifacts`
    PlatformArtifacts,
    /// `domain_artifacts`
    DomainArtifacts,
    /// `gateway`
    Gateway,
}

impl KmsKey {
    /// Every key, in spec order
    pub const ALL: [KmsKey; 6] = [
        KmsKey::Data,
        KmsKey::Storage,
        KmsKey::Secrets,
        KmsKey::PlatformArtifacts,
        KmsKey::DomainArtifacts,
        KmsKey::Gateway,
    ];

    /// The key's field name in the spec (`platform_artifacts`)
    pub fn field(self) -> &'static str {
        match self {
            KmsKey::Data => "data",
            KmsKey::Storage => "storage",
            KmsKey::Secrets => "secrets",
            KmsKey::PlatformArtifacts => "platform_artifacts",
            KmsKey::DomainArtifacts => "domain_artifacts",
            KmsKey::Gateway => "gateway",
        }
    }

    /// The key's name in aliases and file names: the field with dashes (`platform-artifacts`)
    pub fn dashed(self) -> String {
        self.field().replace('_', "-")
    }
}

impl PlatformSpec {
    /// `<prefix>-<env>` (`acme-dev`)
    pub fn name_prefix(&self) -> String {
        format!("{}-{}", self.prefix, self.env)
    }

    /// The agent's role name, `<name_prefix>-agent-<key>`
    pub fn agent_role_name(&self, key: &str) -> String {
        format!("{}-agent-{key}", self.name_prefix())
    }

    /// The agent's role ARN, `arn:aws:iam::<account>:role/<name_prefix>-agent-<key>`
    pub fn agent_role_arn(&self, key: &str) -> String {
        self.role_arn(&self.agent_role_name(key))
    }

    /// The gateway's role name, `<name_prefix>-gateway`
    pub fn gateway_role_name(&self) -> String {
        format!("{}-gateway", self.name_prefix())
    }

    /// The gateway's role ARN
    pub fn gateway_role_arn(&self) -> String {
        self.role_arn(&self.gateway_role_name())
    }

    /// `arn:aws:iam::<account>:role/<name>`
    pub fn role_arn(&self, name: &str) -> String {
        format!("arn:aws:iam::{}:role/{name}", self.account_id)
    }

    /// The account root, `arn:aws:iam::<account>:root`
    pub fn account_root_arn(&self) -> String {
        format!("arn:aws:iam::{}:root", self.account_id)
    }

    /// The agent's ECR repository ARN (repository `<name_prefix>-<key>`)
    pub fn agent_repository_arn(&self, key: &str) -> String {
        format!(
            "arn:aws:ecr:{}:{}:repository/{}-{key}",
            self.region,
            self.account_id,
            self.name_prefix()
        )
    }

    /// The agent's log group ARNs, as written in its `CloudWatchLogs` statement: the
    /// `/aws/bedrock-agentcore/<name_prefix>-<key>*` pattern, then the runtime log group
    /// `/aws/bedrock-agentcore/runtimes/<key>` and its streams (`...:*`)
    pub fn agent_log_group_arns(&self, key: &str) -> [String; 3] {
        let base = self.log_group_arn("");
        let runtime = format!("{base}/aws/bedrock-agentcore/runtimes/{key}");
        [
            format!("{base}/aws/bedrock-agentcore/{}-{key}*", self.name_prefix()),
            runtime.clone(),
            format!("{runtime}:*"),
        ]
    }

    /// The gateway's log group ARN pattern, `...:log-group:/aws/bedrock-agentcore/gateways/<name_prefix>-gateway*`
    pub fn gateway_log_group_arn(&self) -> String {
        self.log_group_arn(&format!(
            "/aws/bedrock-agentcore/gateways/{}*",
            self.gateway_role_name()
        ))
    }

    fn log_group_arn(&self, name: &str) -> String {
        format!(
            "arn:aws:logs:{}:{}:log-group:{name}",
            self.region, self.account_id
        )
    }

    /// The SSM parameter ARNs the agents read: the root path and everything under it
    pub fn ssm_parameter_arns(&self) -> [String; 2] {
        let root = format!(
            "arn:aws:ssm:{}:{}:parameter{}",
            self.region, self.account_id, self.ssm_root_path
        );
        let under = format!("{root}/*");
        [root, under]
    }

    /// The gateway's Lambda target pattern, `arn:aws:lambda:<region>:<account>:function:<name_prefix>-*`
    pub fn gateway_lambda_arn_pattern(&self) -> String {
        format!(
            "arn:aws:lambda:{}:{}:function:{}-*",
            self.region,
            self.account_id,
            self.name_prefix()
        )
    }

    /// An AgentCore ARN in the platform's region and account: `arn:aws:bedrock-agentcore:<region>:<account>:<resource>`
    pub fn agentcore_arn(&self, resource: &str) -> String {
        format!(
            "arn:aws:bedrock-agentcore:{}:{}:{resource}",
            self.region, self.account_id
        )
    }

    /// The OAuth2 credential provider's ARN when Cognito is enabled
    pub fn oauth2_provider_arn(&self) -> Option<String> {
        self.cognito.enabled.then(|| {
            self.agentcore_arn(&format!(
                "token-vault/default/oauth2credentialprovider/{}",
                self.cognito.oauth2_credential_provider_name
            ))
        })
    }

    /// A platform key's id as given in the spec
    pub fn kms_key_id(&self, key: KmsKey) -> &str {
        let ids = &self.kms_keys;
        match key {
            KmsKey::Data => &ids.data,
            KmsKey::Storage => &ids.storage,
            KmsKey::Secrets => &ids.secrets,
            KmsKey::PlatformArtifacts => &ids.platform_artifacts,
            KmsKey::DomainArtifacts => &ids.domain_artifacts,
            KmsKey::Gateway => &ids.gateway,
        }
    }

    /// A platform key's ARN, `arn:aws:kms:<region>:<account>:key/<id>`
    pub fn kms_key_arn(&self, key: KmsKey) -> String {
        format!(
            "arn:aws:kms:{}:{}:key/{}",
            self.region,
            self.account_id,
            self.kms_key_id(key)
        )
    }

    /// A platform key's alias ARN, `arn:aws:kms:<region>:<account>:alias/<name_prefix>-<name-with-dashes>`
    pub fn kms_alias_arn(&self, key: KmsKey) -> String {
        format!(
            "arn:aws:kms:{}:{}:alias/{}-{}",
            self.region,
            self.account_id,
            self.name_prefix(),
            key.dashed()
        )
    }

    /// A DynamoDB table's ARN, `arn:aws:dynamodb:<region>:<account>:table/<name>`
    pub fn table_arn(&self, name: &str) -> String {
        format!(
            "arn:aws:dynamodb:{}:{}:table/{name}",
            self.region, self.account_id
        )
    }

    /// The inventory file of an agent's role, `roles/<name_prefix>-agent-<key>.json`
    pub fn agent_role_file(&self, key: &str) -> PathBuf {
        role_file(&self.agent_role_name(key))
    }

    /// The inventory file of the gateway's role, `roles/<name_prefix>-gateway.json`
    pub fn gateway_role_file(&self) -> PathBuf {
        role_file(&self.gateway_role_name())
    }

    /// The inventory file of a platform key, `resources/kms-<name-with-dashes>.json`
    pub fn kms_key_file(key: KmsKey) -> PathBuf {
        PathBuf::from(format!("resources/kms-{}.json", key.dashed()))
    }
}

fn role_file(name: &str) -> PathBuf {
    PathBuf::from(format!("roles/{name}.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_names() {
        let spec = PlatformSpec::reference();
        assert_eq!(
            spec.agent_role_arn("research-v2"),
            "arn:aws:iam::111122223333:role/acme-dev-agent-research-v2"
        );
        assert_eq!(
            spec.agent_repository_arn("billing"),
            "arn:aws:ecr:us-east-1:111122223333:repository/acme-dev-billing"
        );
        assert_eq!(
            spec.gateway_log_group_arn(),
            "arn:aws:logs:us-east-1:111122223333:log-group:/aws/bedrock-agentcore/gateways/acme-dev-gateway*"
        );
        assert_eq!(
            spec.ssm_parameter_arns(),
            [
                "arn:aws:ssm:us-east-1:111122223333:parameter/acme/dev",
                "arn:aws:ssm:us-east-1:111122223333:parameter/acme/dev/*"
            ]
        );
    }

    #[test]
    fn agent_log_groups() {
        let spec = PlatformSpec::reference();
        let base = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/bedrock-agentcore";
        assert_eq!(
            spec.agent_log_group_arns("support"),
            [
                format!("{base}/acme-dev-support*"),
                format!("{base}/runtimes/support"),
                format!("{base}/runtimes/support:*"),
            ]
        );
    }

    #[test]
    fn key_alias_uses_dashes() {
        let spec = PlatformSpec::reference();
        assert_eq!(
            spec.kms_alias_arn(KmsKey::PlatformArtifacts),
            "arn:aws:kms:us-east-1:111122223333:alias/acme-dev-platform-artifacts"
        );
        assert_eq!(
            PlatformSpec::kms_key_file(KmsKey::DomainArtifacts),
            PathBuf::from("resources/kms-domain-artifacts.json")
        );
    }

    #[test]
    fn oauth2_provider_only_with_cognito() {
        let mut spec = PlatformSpec::reference();
        assert_eq!(
            spec.oauth2_provider_arn().as_deref(),
            Some("arn:aws:bedrock-agentcore:us-east-1:111122223333:token-vault/default/oauth2credentialprovider/acme-dev-gateway-m2m")
        );
        spec.cognito.enabled = false;
        assert_eq!(spec.oauth2_provider_arn(), None);
    }
}
