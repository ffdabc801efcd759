//! Which condition keys a policy may use with an action.

use super::info::ConditionKeyInfo;
use super::template::{matches, Rules};
use super::Catalog;

impl Catalog {
    /// The condition key `key` as usable with `action`: a global key, a key of the action, or a
    /// key of one of the action's resource types (the three sources AWS lists; see
    /// <https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>).
    ///
    /// Names compare ignoring ASCII case, as AWS compares condition key names
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html>),
    /// and a placeholder such as the `${TagKey}` of `aws:ResourceTag/${TagKey}` matches any
    /// non-empty text (`aws:ResourceTag/team`). For an unknown action only global keys are found.
    pub fn condition_key(&self, action: &str, key: &str) -> Option<ConditionKeyInfo<'_>> {
        let fits = |info: &ConditionKeyInfo<'_>| matches(info.name(), key, Rules::Key);
        if let Some(global) = self.global_condition_keys().find(fits) {
            return Some(global);
        }
        let action = self.action(action)?;
        action.condition_keys().find(fits).or_else(|| {
            action
                .resource_types()
                .find_map(|taken| taken.resource_type().condition_keys().find(fits))
        })
    }

    /// Whether a policy may use condition key `key` with `action`; see [`Catalog::condition_key`].
    pub fn condition_key_known(&self, action: &str, key: &str) -> bool {
        self.condition_key(action, key).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::ConditionKeyType;

    #[test]
    fn global_keys_are_known_for_every_action() {
        let catalog = Catalog::embedded();
        assert!(catalog.condition_key_known("ecr:GetAuthorizationToken", "aws:SourceIp"));
        assert!(catalog.condition_key_known("sts:AssumeRole", "AWS:SOURCEACCOUNT"));
        assert!(catalog.condition_key_known("kms:Decrypt", "aws:PrincipalTag/team"));
    }

    #[test]
    fn action_keys_are_known_for_their_action_only() {
        let catalog = Catalog::embedded();
        assert!(catalog.condition_key_known("lambda:InvokeFunction", "lambda:EventSourceToken"));
        assert!(!catalog.condition_key_known("lambda:GetFunction", "lambda:EventSourceToken"));
    }

    #[test]
    fn resource_type_keys_with_tag_suffixes_are_known() {
        let catalog = Catalog::embedded();
        assert!(catalog.condition_key_known("ecr:BatchGetImage", "ecr:ResourceTag/Team"));
        assert!(!catalog.condition_key_known("ecr:BatchGetImage", "ecr:ResourceTag/"));
        assert!(!catalog.condition_key_known("ecr:BatchGetImage", "s3:prefix"));
    }

    /// The source pages spell some placeholders `<key>`, `tag-key` or leave them out
    /// (`glacier:ResourceTag/`); scripts/gen-catalog.py rewrites them to `${TagKey}`.
    #[test]
    fn placeholders_spelled_otherwise_are_templates() {
        let catalog = Catalog::embedded();
        for (action, key) in [
            ("s3:GetObject", "s3:ExistingObjectTag/Project"),
            ("s3:PutObject", "s3:RequestObjectTag/Project"),
            (
                "s3-outposts:GetObject",
                "s3-outposts:ExistingObjectTag/Project",
            ),
            (
                "secretsmanager:GetSecretValue",
                "secretsmanager:ResourceTag/env",
            ),
            ("ssm:GetParameter", "ssm:resourceTag/env"),
        ] {
            assert!(catalog.condition_key_known(action, key), "{action} {key}");
        }
        for service in catalog.services() {
            for key in service.condition_keys() {
                let name = key.name();
                assert!(
                    !name.contains('<') && !name.ends_with("/tag-key") && !name.ends_with('/'),
                    "{name}"
                );
            }
        }
    }

    #[test]
    fn kms_encryption_context_keys_are_known() {
        let catalog = Catalog::embedded();
        let key = catalog
            .condition_key("kms:Decrypt", "kms:EncryptionContext:aws:logs:arn")
            .unwrap();
        assert_eq!(key.name(), "kms:EncryptionContext:${EncryptionContextKey}");
        assert_eq!(key.key_type(), ConditionKeyType::String);
    }

    #[test]
    fn unknown_actions_know_only_global_keys() {
        let catalog = Catalog::embedded();
        assert!(catalog.condition_key_known("ecr:BatchGetImages", "aws:SourceIp"));
        assert!(!catalog.condition_key_known("ecr:BatchGetImages", "ecr:ResourceTag/Team"));
    }
}
