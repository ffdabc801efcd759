//! Values that follow from others, as AWS forms ARNs and as the provider sets `id`.

use serde_json::Value;

use super::policy_document;
use super::{Resolver, R};
use crate::import::terraform::plan::Instance;

impl Resolver<'_> {
    /// Values that follow from others, as AWS forms ARNs and as the provider sets `id`.
    pub(super) fn derived(
        &self,
        inst: &Instance,
        attr: &str,
        unknown: bool,
        depth: usize,
    ) -> Option<R<String>> {
        let s = |a: &str| self.string_at(inst, a, depth + 1);
        let iam = |kind: &str| -> R<String> {
            let path = if unknown_or_set(inst, "path") {
                s("path")?
            } else {
                "/".to_string()
            };
            Ok(format!(
                "arn:{}:iam::{}:{kind}{path}{}",
                self.partition()?,
                self.account()?,
                s("name")?
            ))
        };
        let regional = |service: &str, rest: String| -> R<String> {
            Ok(format!(
                "arn:{}:{service}:{}:{}:{rest}",
                self.partition()?,
                self.region()?,
                self.account()?
            ))
        };
        let r = match (inst.data, inst.rtype.as_str(), attr) {
            (false, "aws_iam_role" | "aws_iam_user" | "aws_iam_group", "id") => s("name"),
            (
                false,
                "aws_iam_role" | "aws_iam_user" | "aws_iam_group" | "aws_iam_policy",
                "path",
            ) if !unknown => Ok("/".to_string()),
            (false, "aws_iam_role", "arn") => iam("role"),
            (false, "aws_iam_user", "arn") => iam("user"),
            (false, "aws_iam_group", "arn") => iam("group"),
            (false, "aws_iam_policy", "arn" | "id") => iam("policy"),
            (false, "aws_kms_key", "id") => s("key_id"),
            (false, "aws_kms_key", "arn") => {
                s("key_id").and_then(|k| regional("kms", format!("key/{k}")))
            }
            (false, "aws_kms_alias", "arn") => s("name").and_then(|n| regional("kms", n)),
            (false, "aws_s3_bucket", "id") => s("bucket"),
            (false, "aws_s3_bucket", "arn") => {
                s("bucket").and_then(|b| Ok(format!("arn:{}:s3:::{b}", self.partition()?)))
            }
            (false, "aws_ecr_repository", "id") => s("name"),
            (false, "aws_ecr_repository", "arn") => {
                s("name").and_then(|n| regional("ecr", format!("repository/{n}")))
            }
            (false, "aws_lambda_function", "id") => s("function_name"),
            (false, "aws_lambda_function", "arn") => {
                s("function_name").and_then(|n| regional("lambda", format!("function:{n}")))
            }
            (true, "aws_caller_identity", "account_id" | "id") => self.account(),
            (true, "aws_region", "name" | "region" | "id") => self.region(),
            (true, "aws_partition", "partition" | "id") => self.partition(),
            (true, "aws_iam_policy_document", "json" | "minified_json") => {
                policy_document::rebuild(self, inst, depth + 1).map(|d| d.to_string())
            }
            _ => return None,
        };
        Some(r)
    }
}

/// Is `attr` set or unknown (rather than known to be absent)?
fn unknown_or_set(inst: &Instance, attr: &str) -> bool {
    inst.unknown.get(attr) == Some(&Value::Bool(true))
        || inst.values.get(attr).is_some_and(|v| !v.is_null())
}
