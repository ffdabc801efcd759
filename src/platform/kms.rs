//! The platform's KMS keys as inventory resources, each with the key policy of docs/platform.md
//! ("Statements", "Every key policy").

use serde_json::{json, Value};

use super::document::{policy, resource_file};
use super::names::KmsKey;
use super::spec::PlatformSpec;

/// The Sids of every key policy, in order
pub const KEY_POLICY_SIDS: [&str; 2] = ["EnableIAMUserPermissions", "AllowCloudWatchLogs"];

/// The `resources/kms-<name>.json` file of `key`
pub(crate) fn key_file(spec: &PlatformSpec, key: KmsKey) -> Value {
    resource_file(
        spec.kms_key_arn(key),
        vec![spec.kms_alias_arn(key)],
        &spec.account_id,
        key_policy(spec),
    )
}

/// The key policy: the account root gets `kms:*`, so IAM policies decide
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam>),
/// and CloudWatch Logs in the platform's region may use the key for log groups of the account
/// (<https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html>).
fn key_policy(spec: &PlatformSpec) -> Value {
    policy(vec![
        json!({
            "Sid": "EnableIAMUserPermissions",
            "Effect": "Allow",
            "Principal": { "AWS": spec.account_root_arn() },
            "Action": "kms:*",
            "Resource": "*",
        }),
        json!({
            "Sid": "AllowCloudWatchLogs",
            "Effect": "Allow",
            "Principal": { "Service": format!("logs.{}.amazonaws.com", spec.region) },
            "Action": [
                "kms:Encrypt*",
                "kms:Decrypt*",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
                "kms:Describe*",
            ],
            "Resource": "*",
            "Condition": {
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn":
                        format!("arn:aws:logs:{}:{}:*", spec.region, spec.account_id),
                },
            },
        }),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_file_has_arn_alias_and_account() {
        let file = key_file(&PlatformSpec::reference(), KmsKey::Gateway);
        assert_eq!(
            file["arn"],
            "arn:aws:kms:us-east-1:111122223333:key/0d7f3c2a-1b4e-4c6d-9a8b-2e5f7a9c1d06"
        );
        assert_eq!(
            file["aliases"],
            json!(["arn:aws:kms:us-east-1:111122223333:alias/acme-dev-gateway"])
        );
        assert_eq!(file["account"], "111122223333");
    }

    #[test]
    fn key_policy_sids() {
        let document = key_policy(&PlatformSpec::reference());
        let sids: Vec<_> = document["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["Sid"].as_str().unwrap())
            .collect();
        assert_eq!(sids, KEY_POLICY_SIDS);
        assert_eq!(
            document["Statement"][1]["Principal"]["Service"],
            "logs.us-east-1.amazonaws.com"
        );
    }
}
