//! Policy text AWS writes itself for a resource, shared by the importers: the default key policy
//! of a KMS key created without one, and the statement `lambda:AddPermission` adds to a
//! function's resource-based policy.

use serde_json::{json, Map, Value};

/// The key policy AWS KMS applies when none is given
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html>).
pub(crate) fn default_key_policy(partition: &str, account: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Id": "key-default-1",
        "Statement": [{
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": format!("arn:{partition}:iam::{account}:root")},
            "Action": "kms:*",
            "Resource": "*"
        }]
    })
}

/// The statement `AddPermission` adds to a function's policy: an Allow of `action` on `arn` to
/// `principal`, with one condition per (operator, key, value) given
/// (<https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html>).
pub(crate) fn permission_statement(
    sid: Option<&str>,
    principal: Value,
    action: &str,
    arn: &str,
    conditions: &[(&str, &str, String)],
) -> Map<String, Value> {
    let mut stmt = Map::new();
    if let Some(sid) = sid {
        stmt.insert("Sid".into(), json!(sid));
    }
    stmt.insert("Effect".into(), json!("Allow"));
    stmt.insert("Principal".into(), principal);
    stmt.insert("Action".into(), json!(action));
    stmt.insert("Resource".into(), json!(arn));
    if !conditions.is_empty() {
        let mut cond = Map::new();
        for (op, key, v) in conditions {
            if let Value::Object(m) = cond.entry(*op).or_insert_with(|| json!({})) {
                m.insert((*key).to_string(), json!(v));
            }
        }
        stmt.insert("Condition".into(), Value::Object(cond));
    }
    stmt
}
