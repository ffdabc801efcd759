//! The naming and ARN rules a spec must meet before anything is generated from it. Each rule
//! names the AWS page it comes from; a value that breaks one is an error at its JSON path.

use std::collections::BTreeMap;
use std::path::Path;

use super::decode::{agent_path, join};
use super::error::{PlatformError, PlatformErrorKind as Kind};
use super::names::KmsKey;
use super::spec::{AgentSpec, PlatformSpec, ProductionProfile};

type Result = std::result::Result<(), PlatformError>;

/// Checks every rule on `spec`; the first broken one is the error
pub(crate) fn spec(spec: &PlatformSpec, file: &Path) -> Result {
    let err = |path: &str, kind| Err(PlatformError::new(file, path, kind));
    for (path, value) in [("prefix", &spec.prefix), ("env", &spec.env)] {
        if !is_name_part(value) {
            return err(path, invalid_name(value, NAME_PART));
        }
    }
    if !is_account_id(&spec.account_id) {
        return err(
            "account_id",
            Kind::InvalidAccountId(spec.account_id.clone()),
        );
    }
    if !is_region(&spec.region) {
        return err("region", invalid_name(&spec.region, REGION));
    }
    if !is_ssm_path(&spec.ssm_root_path) {
        return err("ssm_root_path", invalid_name(&spec.ssm_root_path, SSM_PATH));
    }
    let gateway_role = spec.gateway_role_name();
    if gateway_role.len() > ROLE_NAME_MAX {
        return err("prefix", invalid_name(&gateway_role, GATEWAY_ROLE));
    }
    let provider = &spec.cognito.oauth2_credential_provider_name;
    let provider_path = "cognito.oauth2_credential_provider_name";
    match (spec.cognito.enabled, provider.is_empty()) {
        (true, true) => return err(provider_path, Kind::MissingOauth2Provider),
        (false, false) => return err(provider_path, Kind::UnusedOauth2Provider),
        (true, false) if !is_provider_name(provider) => {
            return err(provider_path, invalid_name(provider, PROVIDER_NAME))
        }
        _ => {}
    }
    for key in KmsKey::ALL {
        let id = spec.kms_key_id(key);
        if !is_key_id(id) {
            return err(
                &format!("kms_keys.{}", key.field()),
                invalid_name(id, KEY_ID),
            );
        }
    }
    agents(spec, file)?;
    if let Some(production) = &spec.production {
        production_profile(production, file)?;
    }
    Ok(())
}

/// Checks every agent: its key makes a valid role name, no two keys differ only in case, and
/// its variables follow their rules
fn agents(spec: &PlatformSpec, file: &Path) -> Result {
    let err = |path: &str, kind| Err(PlatformError::new(file, path, kind));
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (key, agent_spec) in &spec.agents {
        let path = agent_path(key);
        if let Some(reason) = role_name_problem(&spec.agent_role_name(key), key) {
            return err(
                &path,
                Kind::InvalidAgentKey {
                    key: key.clone(),
                    reason,
                },
            );
        }
        let folded = key.to_ascii_lowercase();
        if let Some(other) = seen.get(&folded) {
            let kind = Kind::CaseCollision {
                key: key.clone(),
                other: (*other).to_owned(),
            };
            return err(&path, kind);
        }
        seen.insert(folded, key);
        agent(agent_spec, &path, file)?;
    }
    Ok(())
}

/// Checks the production profile: both lists non-empty, every ARN of its service
fn production_profile(production: &ProductionProfile, file: &Path) -> Result {
    let err = |path: &str, kind| Err(PlatformError::new(file, path, kind));
    let lists = [
        (
            "production.bedrock_model_arns",
            &production.bedrock_model_arns,
            "bedrock",
            BEDROCK_ARN,
        ),
        (
            "production.agentcore_resource_arns",
            &production.agentcore_resource_arns,
            "bedrock-agentcore",
            AGENTCORE_ARN,
        ),
    ];
    for (path, arns, service, expected) in lists {
        if arns.is_empty() {
            return err(path, Kind::EmptyList);
        }
        for (index, arn) in arns.iter().enumerate() {
            if !is_service_arn(arn, service) {
                return err(&format!("{path}[{index}]"), invalid_arn(arn, expected));
            }
        }
    }
    Ok(())
}

/// Checks one agent's variables (an empty one is unset and always valid)
fn agent(agent: &AgentSpec, path: &str, file: &Path) -> Result {
    let check = |field: &str, value: &str, ok: fn(&str) -> bool, expected, arn: bool| {
        if value.is_empty() || ok(value) {
            return Ok(());
        }
        let kind = match arn {
            true => invalid_arn(value, expected),
            false => invalid_name(value, expected),
        };
        Err(PlatformError::new(file, join(path, field), kind))
    };
    check(
        "artifacts_bucket_arn",
        &agent.artifacts_bucket_arn,
        is_bucket_arn,
        BUCKET_ARN,
        true,
    )?;
    for (index, arn) in agent.extra_s3_read_bucket_arns.iter().enumerate() {
        // An empty entry would be an empty resource: not "unset", so it is checked.
        if !is_bucket_arn(arn) {
            let path = format!("{}[{index}]", join(path, "extra_s3_read_bucket_arns"));
            return Err(PlatformError::new(file, path, invalid_arn(arn, BUCKET_ARN)));
        }
    }
    let keys = [
        (
            "platform_artifacts_kms_key_arn",
            &agent.platform_artifacts_kms_key_arn,
        ),
        (
            "domain_artifacts_kms_key_arn",
            &agent.domain_artifacts_kms_key_arn,
        ),
        ("storage_kms_key_arn", &agent.storage_kms_key_arn),
        ("data_kms_key_arn", &agent.data_kms_key_arn),
    ];
    for (field, value) in keys {
        check(field, value, is_key_arn, KEY_ARN, true)?;
    }
    let function = &agent.prompt_registry_function_arn;
    check(
        "prompt_registry_function_arn",
        function,
        is_function_arn,
        FUNCTION_ARN,
        true,
    )?;
    let tables = [
        ("artifacts_table_name", &agent.artifacts_table_name),
        ("idempotency_table_name", &agent.idempotency_table_name),
        ("evaluation_table_name", &agent.evaluation_table_name),
    ];
    for (field, value) in tables {
        check(field, value, is_table_name, TABLE_NAME, false)?;
    }
    Ok(())
}

fn invalid_name(value: &str, expected: &'static str) -> Kind {
    Kind::InvalidName {
        value: value.to_owned(),
        expected,
    }
}

fn invalid_arn(value: &str, expected: &'static str) -> Kind {
    Kind::InvalidArn {
        value: value.to_owned(),
        expected,
    }
}

/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>: role names
/// are 64 characters at most, alphanumeric plus `+=,.@_-`.
const ROLE_NAME_MAX: usize = 64;

/// Why `role` (made from agent key `key`) is not a valid role name, if it is not
fn role_name_problem(role: &str, key: &str) -> Option<String> {
    if key.is_empty() {
        return Some("the key is empty".to_owned());
    }
    if let Some(c) = key.chars().find(|c| !is_role_char(*c)) {
        return Some(format!(
            "`{c}` is not allowed (letters, digits and `+=,.@_-` only)"
        ));
    }
    let length = role.len();
    (length > ROLE_NAME_MAX)
        .then(|| format!("role name `{role}` is {length} characters, more than {ROLE_NAME_MAX}"))
}

fn is_role_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)
}

const NAME_PART: &str = "a name prefix part (lowercase letters and digits, with inner hyphens)";
const REGION: &str = "an AWS region (`us-east-1`)";
const SSM_PATH: &str =
    "an SSM parameter path (`/a/b`: segments of letters, digits and `_.-`, no trailing `/`)";
const GATEWAY_ROLE: &str = "a valid IAM role name (64 characters at most): shorten the prefix";
const PROVIDER_NAME: &str =
    "an OAuth2 credential provider name (1-128 letters, digits, `-` and `_`)";
const KEY_ID: &str = "a KMS key id (a UUID, or `mrk-` and 32 hex digits)";
const TABLE_NAME: &str = "a DynamoDB table name (3-255 letters, digits, `_`, `-` and `.`)";
const BUCKET_ARN: &str = "an S3 bucket ARN (`arn:aws:s3:::<bucket>`)";
const KEY_ARN: &str = "a KMS key ARN (`arn:aws:kms:<region>:<account>:key/<key-id>`)";
const FUNCTION_ARN: &str =
    "a Lambda function ARN (`arn:aws:lambda:<region>:<account>:function:<name>`)";
const BEDROCK_ARN: &str = "a Bedrock ARN (`arn:aws:bedrock:<region>:<account>:<resource>`)";
const AGENTCORE_ARN: &str =
    "an AgentCore ARN (`arn:aws:bedrock-agentcore:<region>:<account>:<resource>`)";

fn is_name_part(s: &str) -> bool {
    let ok = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    s.starts_with(ok) && s.ends_with(ok) && s.chars().all(|c| ok(c) || c == '-')
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `s` has the shape of an AWS region name: two or more lowercase words and a number,
/// joined by hyphens (`us-east-1`, `ap-southeast-2`, `us-gov-west-1`, `cn-north-1`).
pub(crate) fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let Some((last, rest)) = parts.split_last() else {
        return false;
    };
    rest.len() >= 2
        && rest
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && !last.is_empty()
        && last.bytes().all(|b| b.is_ascii_digit())
}

/// <https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-su-create.html>
fn is_ssm_path(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('/') else {
        return false;
    };
    rest.split('/').all(|segment| {
        !segment.is_empty()
            && segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
    })
}

/// <https://docs.aws.amazon.com/bedrock-agentcore-control/latest/APIReference/API_CreateOauth2CredentialProvider.html>
fn is_provider_name(s: &str) -> bool {
    (1..=128).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// <https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id-key-id>
fn is_key_id(s: &str) -> bool {
    let hex = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit());
    if let Some(id) = s.strip_prefix("mrk-") {
        return hex(id, 32);
    }
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5 && parts.iter().zip([8, 4, 4, 4, 12]).all(|(p, n)| hex(p, n))
}

/// <https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html>
fn is_table_name(s: &str) -> bool {
    (3..=255).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
}

/// `[partition, service, region, account, resource]` of an `arn:aws:` ARN
fn arn_parts(s: &str) -> Option<[&str; 4]> {
    let mut parts = s.splitn(6, ':');
    let (Some("arn"), Some("aws"), Some(service), Some(region), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    Some([service, region, account, resource])
}

/// <https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html>
fn is_bucket_arn(s: &str) -> bool {
    let Some(["s3", "", "", bucket]) = arn_parts(s) else {
        return false;
    };
    let ok = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    (3..=63).contains(&bucket.len())
        && bucket.starts_with(ok)
        && bucket.ends_with(ok)
        && bucket.chars().all(|c| ok(c) || c == '.' || c == '-')
        && !bucket.contains("..")
}

/// <https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id-key-ARN>
fn is_key_arn(s: &str) -> bool {
    let Some(["kms", region, account, resource]) = arn_parts(s) else {
        return false;
    };
    is_region(region)
        && is_account_id(account)
        && resource.strip_prefix("key/").is_some_and(is_key_id)
}

/// <https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html> (name: 1-64 of
/// letters, digits, `-`, `_`), optionally with a version or alias qualifier
fn is_function_arn(s: &str) -> bool {
    let Some(["lambda", region, account, resource]) = arn_parts(s) else {
        return false;
    };
    let Some(rest) = resource.strip_prefix("function:") else {
        return false;
    };
    let word = |p: &str, max: usize| {
        (1..=max).contains(&p.len())
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    let name_ok = match rest.split_once(':') {
        Some((name, qualifier)) => {
            word(name, 64) && (qualifier == "$LATEST" || word(qualifier, 128))
        }
        None => word(rest, 64),
    };
    is_region(region) && is_account_id(account) && name_ok
}

/// An `arn:aws:<service>:...` ARN with a resource; region and account may be wildcards or
/// empty (foundation models have no account)
fn is_service_arn(s: &str, service: &str) -> bool {
    matches!(arn_parts(s), Some([svc, _, _, resource]) if svc == service && !resource.is_empty())
        && !s.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_shapes() {
        assert!(is_region("us-east-1"));
        assert!(is_region("us-gov-west-1"));
        assert!(!is_region("us-east"));
        assert!(!is_region("useast1"));
        assert!(!is_region("US-east-1"));
    }

    #[test]
    fn key_ids() {
        assert!(is_key_id("0d7f3c2a-1b4e-4c6d-9a8b-2e5f7a9c1d01"));
        assert!(is_key_id("mrk-1234abcd12ab34cd56ef1234567890ab"));
        assert!(!is_key_id("0d7f3c2a-1b4e-4c6d-9a8b"));
        assert!(!is_key_id("alias/x"));
    }

    #[test]
    fn bucket_arns() {
        assert!(is_bucket_arn("arn:aws:s3:::acme-dev-artifacts"));
        assert!(!is_bucket_arn("arn:aws:s3:::acme-dev-artifacts/*"));
        assert!(!is_bucket_arn("arn:aws:s3:us-east-1::acme"));
        assert!(!is_bucket_arn("arn:aws:kms:::acme"));
        assert!(!is_bucket_arn("acme-dev-artifacts"));
    }

    #[test]
    fn function_arns() {
        let base = "arn:aws:lambda:us-east-1:111122223333:function:";
        assert!(is_function_arn(&format!("{base}acme-dev-prompt-registry")));
        assert!(is_function_arn(&format!("{base}f:$LATEST")));
        assert!(is_function_arn(&format!("{base}f:live")));
        assert!(!is_function_arn(base));
        assert!(!is_function_arn(&format!("{base}f*")));
        assert!(!is_function_arn("arn:aws:lambda:us-east-1:1111:function:f"));
    }

    #[test]
    fn key_arns() {
        let id = "0d7f3c2a-1b4e-4c6d-9a8b-2e5f7a9c1d01";
        assert!(is_key_arn(&format!(
            "arn:aws:kms:us-east-1:111122223333:key/{id}"
        )));
        assert!(!is_key_arn("arn:aws:kms:us-east-1:111122223333:alias/acme"));
        assert!(!is_key_arn(&format!(
            "arn:aws:s3:us-east-1:111122223333:key/{id}"
        )));
    }

    #[test]
    fn role_name_length_counts_the_whole_name() {
        let key = "k".repeat(49);
        let role = format!("acme-dev-agent-{key}");
        assert_eq!(role_name_problem(&role, &key), None);
        let key = "k".repeat(50);
        let role = format!("acme-dev-agent-{key}");
        assert_eq!(
            role_name_problem(&role, &key),
            Some(format!("role name `{role}` is 65 characters, more than 64"))
        );
    }

    #[test]
    fn role_name_rejects_wildcards() {
        assert_eq!(
            role_name_problem("acme-dev-agent-a*", "a*"),
            Some("`*` is not allowed (letters, digits and `+=,.@_-` only)".to_owned())
        );
    }
}
