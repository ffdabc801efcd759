//! Which condition keys a policy may use with an action.

use super::info::ConditionKeyInfo;
use super::suggest::{distance, limit};
use super::template::{matches, Rules};
use super::Catalog;

/// The text after `prefix` in `key`, the prefix matched ignoring case (condition key names
/// are case-insensitive): `team` of `AWS:RequestTag/team` for `aws:requesttag/`.
pub fn after_prefix<'k>(key: &'k str, prefix: &str) -> Option<&'k str> {
    key.get(..prefix.len())
        .filter(|p| p.eq_ignore_ascii_case(prefix))
        .and_then(|_| key.get(prefix.len()..))
}

/// Whether `key` is one AWS sets from a request's tags: `aws:RequestTag/*` or `aws:TagKeys`.
pub fn is_request_tag_key(key: &str) -> bool {
    key.eq_ignore_ascii_case("aws:TagKeys") || after_prefix(key, "aws:RequestTag/").is_some()
}

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

    /// Whether a request for `action` can carry `key` when the key is one AWS includes only for
    /// what the request passes: `aws:RequestTag/*` and `aws:TagKeys` are present "when tag
    /// key-value pairs are passed in the request"
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-requesttag>),
    /// and the Service Authorization Reference lists them among an action's own keys when the
    /// action takes tags (`lambda:CreateFunction`, not `lambda:InvokeFunction`). `None` for an
    /// action the catalog does not know.
    pub fn action_takes_key(&self, action: &str, key: &str) -> Option<bool> {
        let action = self.action(action)?;
        Some(
            action
                .condition_keys()
                .any(|info| matches(info.name(), key, Rules::Key)),
        )
    }

    /// Whether a request for `action` never carries `key`: a tag key (`aws:RequestTag/*`,
    /// `aws:TagKeys`) on an action that takes no tags ([`Catalog::action_takes_key`]). `false`
    /// for an action the catalog does not know.
    pub fn never_carries(&self, action: &str, key: &str) -> bool {
        is_request_tag_key(key) && self.action_takes_key(action, key) == Some(false)
    }

    /// Whether a policy may use condition key `key` with `action`; see [`Catalog::condition_key`].
    pub fn condition_key_known(&self, action: &str, key: &str) -> bool {
        self.condition_key(action, key).is_some()
    }

    /// The usable key nearest to `key` (a global key or one of `action`'s), for a "did you
    /// mean" hint: `aws:SourceAcount` gives `aws:SourceAccount`. A key with a placeholder
    /// (`aws:PrincipalTag/${TagKey}`) is compared on the part before it and keeps the tag the
    /// request wrote (`aws:PrincipalTg/team` gives `aws:PrincipalTag/team`). `None` when `key`
    /// is known or nothing is within `max(2, length / 4)` edits.
    pub fn suggest_condition_key(&self, action: &str, key: &str) -> Option<String> {
        if self.condition_key_known(action, key) {
            return None;
        }
        let mut names: Vec<&str> = self.global_condition_keys().map(|k| k.name()).collect();
        if let Some(info) = self.action(action) {
            names.extend(info.condition_keys().map(|k| k.name()));
            for taken in info.resource_types() {
                names.extend(taken.resource_type().condition_keys().map(|k| k.name()));
            }
        }
        names
            .into_iter()
            .filter_map(|name| {
                let candidate = match name.split_once("${") {
                    // `aws:PrincipalTag/${TagKey}` against `aws:PrincipalTg/team`
                    Some((stem, _)) => {
                        let (_, tail) = key.split_at_checked(key.rfind('/')? + 1)?;
                        (!tail.is_empty()).then(|| format!("{stem}{tail}"))?
                    }
                    None => name.to_string(),
                };
                let d = distance(key, &candidate);
                (d <= limit(key)).then_some((d, candidate))
            })
            .min_by_key(|(d, _)| *d)
            .map(|(_, c)| c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::ConditionKeyType;

    #[test]
    fn request_tags_are_taken_by_the_actions_that_list_them() {
        let catalog = Catalog::embedded();
        let takes = |a, k| catalog.action_takes_key(a, k);
        assert_eq!(
            takes("lambda:CreateFunction", "aws:RequestTag/team"),
            Some(true)
        );
        assert_eq!(takes("lambda:CreateFunction", "AWS:TAGKEYS"), Some(true));
        assert_eq!(
            takes("lambda:InvokeFunction", "aws:RequestTag/team"),
            Some(false)
        );
        assert_eq!(takes("s3:GetObject", "aws:TagKeys"), Some(false));
        assert_eq!(takes("nosuch:Action", "aws:TagKeys"), None);
        assert!(catalog.never_carries("lambda:InvokeFunction", "aws:RequestTag/team"));
        assert!(!catalog.never_carries("lambda:CreateFunction", "aws:RequestTag/team"));
        assert!(!catalog.never_carries("lambda:InvokeFunction", "aws:SourceIp"));
        assert!(!catalog.never_carries("nosuch:Action", "aws:TagKeys"));
    }

    #[test]
    fn tag_keys_are_told_ignoring_case() {
        assert_eq!(
            after_prefix("AWS:RequestTag/Team", "aws:requesttag/"),
            Some("Team")
        );
        assert_eq!(after_prefix("aws:Request", "aws:requesttag/"), None);
        assert_eq!(after_prefix("aws:RequestTäg/x", "aws:requesttag/"), None);
        assert!(is_request_tag_key("AWS:TAGKEYS"));
        assert!(is_request_tag_key("aws:requesttag/team"));
        assert!(!is_request_tag_key("aws:ResourceTag/team"));
    }

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
    fn misspelt_keys_get_the_nearest_usable_key() {
        let catalog = Catalog::embedded();
        let near = |action, key| catalog.suggest_condition_key(action, key);
        assert_eq!(
            near("sts:AssumeRole", "aws:SourceAcount").as_deref(),
            Some("aws:SourceAccount")
        );
        assert_eq!(
            near("kms:Decrypt", "aws:PrincipalTg/team").as_deref(),
            Some("aws:PrincipalTag/team")
        );
        assert_eq!(
            near("kms:Decrypt", "kms:ViaServce").as_deref(),
            Some("kms:ViaService")
        );
        assert_eq!(near("kms:Decrypt", "aws:SourceAccount"), None);
        assert_eq!(near("kms:Decrypt", "totally:Different"), None);
    }

    #[test]
    fn unknown_actions_know_only_global_keys() {
        let catalog = Catalog::embedded();
        assert!(catalog.condition_key_known("ecr:BatchGetImages", "aws:SourceIp"));
        assert!(!catalog.condition_key_known("ecr:BatchGetImages", "ecr:ResourceTag/Team"));
    }
}
