//! L006: policy variables in a policy whose `Version` is not `2012-10-17`, where AWS reads
//! `${aws:username}` as literal text.
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>

use super::context::StatementCtx;
use super::rule::{Finding, Rule};
use crate::policy::{ResourceClause, Version};

pub(crate) fn check(s: &StatementCtx<'_>, out: &mut Vec<Finding>) {
    let version = s.ctx.doc.version;
    if version.has_variables() {
        return;
    }
    let written = match version {
        Version::V2008_10_17 => "`Version: 2008-10-17`",
        _ => "no `Version`",
    };
    let mut flag = |path: super::locate::JsonPath, value: &str| {
        out.push(s.ctx.finding(
            Rule::VariablesWithoutVersion,
            &path,
            format!("`{value}` holds a policy variable, but the policy has {written}, so AWS matches it as literal text"),
            "add `\"Version\": \"2012-10-17\"` to the policy".into(),
        ));
    };
    if let Some(ResourceClause::Resource(list) | ResourceClause::NotResource(list)) =
        &s.stmt.resource
    {
        let element = match &s.stmt.resource {
            Some(ResourceClause::NotResource(_)) => "NotResource",
            _ => "Resource",
        };
        for (j, p) in list.iter().enumerate() {
            if p.raw.contains("${") {
                flag(s.element(element, j), &p.raw);
            }
        }
    }
    for c in &s.stmt.conditions {
        let base = s
            .ctx
            .statement_path(s.index)
            .key("Condition")
            .key(&c.operator.to_string())
            .key(&c.key);
        let is_list = s
            .ctx
            .raw_statement(s.index)
            .and_then(|r| r.get("Condition"))
            .and_then(|r| r.get(c.operator.to_string()))
            .and_then(|r| r.get(&c.key))
            .is_some_and(serde_json::Value::is_array);
        for (j, v) in c.raw.iter().enumerate() {
            if v.contains("${") {
                flag(if is_list { base.index(j) } else { base.clone() }, v);
            }
        }
    }
}
