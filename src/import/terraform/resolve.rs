//! Values unknown at plan time, resolved offline: from `--var`, from values that follow from
//! known ones (a role's ARN from its name, path and account), or through the references of the
//! plan's `configuration`, within the same module instance. What stays unknown is a [`Fail::Needs`].

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::address::{key_text, significant_refs, strip_keys, Ref};
use super::node::Node;
use super::plan::{Instance, Plan};
use crate::import::document;

/// Why a value could not be produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fail {
    /// Unknown offline; the string is the `--var` key that would give it.
    Needs(String),
    /// Known but not understood (bad policy JSON, ...).
    Bad { path: String, message: String },
}

/// Result of a resolution.
pub(crate) type R<T> = Result<T, Fail>;

/// References are followed at most this deep (Terraform forbids cycles; this is a guard).
const MAX_DEPTH: usize = 32;

/// The module instance an expression is evaluated in, and the key of the referring instance.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    module: String,
    key: Option<String>,
}

impl Scope {
    /// The scope of an instance's own expressions.
    pub fn of(inst: &Instance) -> Scope {
        Scope {
            module: inst.module.clone(),
            key: inst.index.as_ref().map(key_text),
        }
    }
}

/// Resolves values of one plan.
#[derive(Debug)]
pub(crate) struct Resolver<'a> {
    pub plan: &'a Plan,
    vars: &'a BTreeMap<String, String>,
    account: R<String>,
    region: R<String>,
    partition: R<String>,
}

impl<'a> Resolver<'a> {
    /// Infers account, region and partition (user values first).
    pub fn new(plan: &'a Plan, vars: &'a BTreeMap<String, String>) -> Self {
        let arns: Vec<Vec<&str>> = plan
            .instances
            .values()
            .filter_map(|i| i.values.get("arn").and_then(Value::as_str))
            .filter(|a| a.starts_with("arn:"))
            .map(|a| a.splitn(6, ':').collect())
            .collect();
        let from_arns = |part: usize| {
            unique(
                arns.iter()
                    .filter_map(|a| a.get(part).copied())
                    .filter(|s| !s.is_empty() && *s != "aws"),
            )
        };
        let from_data = |rtype: &str, attrs: &[&str]| {
            unique(
                plan.instances
                    .values()
                    .filter(|i| i.data && i.rtype == rtype)
                    .filter_map(|i| {
                        attrs
                            .iter()
                            .find_map(|a| i.values.get(*a).and_then(Value::as_str))
                    }),
            )
        };
        let pick = |key: &str, options: Vec<Option<String>>| {
            vars.get(key)
                .cloned()
                .or_else(|| options.into_iter().flatten().next())
                .ok_or_else(|| Fail::Needs(key.to_string()))
        };
        let account = pick(
            "account_id",
            vec![
                from_data("aws_caller_identity", &["account_id"]),
                from_arns(4),
            ],
        );
        let region = pick(
            "region",
            vec![
                from_data("aws_region", &["region", "name"]),
                plan.provider_region.clone(),
                from_arns(3),
            ],
        );
        let partitions = unique(arns.iter().filter_map(|a| a.get(1).copied()));
        let by_region = region.as_ref().ok().map(|r| partition_of(r).to_string());
        let partition = pick(
            "partition",
            vec![
                from_data("aws_partition", &["partition"]),
                partitions,
                by_region,
            ],
        );
        Resolver {
            plan,
            vars,
            account,
            region,
            partition,
        }
    }

    /// The account the plan deploys to.
    pub fn account(&self) -> R<String> {
        self.account.clone()
    }

    /// The region the plan deploys to.
    pub fn region(&self) -> R<String> {
        self.region.clone()
    }

    /// The partition (`aws`, `aws-cn`, ...).
    pub fn partition(&self) -> R<String> {
        self.partition.clone()
    }

    /// A user-given value.
    pub fn var(&self, key: &str) -> Option<&str> {
        self.vars.get(key).map(String::as_str)
    }

    /// The node of an instance attribute.
    pub fn node<'i>(&'i self, inst: &'i Instance, attr: &str) -> Node<'i> {
        Node::attr(
            &inst.values,
            &inst.unknown,
            self.plan.expressions_of(inst),
            &inst.address,
            attr,
        )
    }

    /// A string attribute: given, known, derived, or through references.
    pub fn string(&self, inst: &Instance, attr: &str) -> R<String> {
        self.string_at(inst, attr, 0)
    }

    /// An optional string attribute: `None` when known to be absent.
    pub fn opt_string(&self, inst: &Instance, attr: &str) -> R<Option<String>> {
        let node = self.node(inst, attr);
        if node.value.is_none() && !node.is_unknown() && self.var(&node.label).is_none() {
            return Ok(None);
        }
        self.string(inst, attr).map(Some)
    }

    fn string_at(&self, inst: &Instance, attr: &str, depth: usize) -> R<String> {
        let label = format!("{}.{attr}", inst.address);
        if let Some(v) = self.vars.get(&label) {
            return Ok(v.clone());
        }
        let unknown = inst.unknown.get(attr) == Some(&Value::Bool(true));
        match inst.values.get(attr) {
            Some(Value::String(s)) if !unknown => return Ok(s.clone()),
            Some(v @ (Value::Number(_) | Value::Bool(_))) if !unknown => return Ok(v.to_string()),
            _ => {}
        }
        if depth > MAX_DEPTH {
            return Err(Fail::Needs(label));
        }
        if let Some(r) = self.derived(inst, attr, unknown, depth) {
            return r;
        }
        match self.plan.expressions_of(inst).and_then(|e| e.get(attr)) {
            Some(expr) => self.expr_string(&Scope::of(inst), expr, &label, depth + 1),
            None => Err(Fail::Needs(label)),
        }
    }

    /// Values that follow from others, as AWS forms ARNs and as the provider sets `id`.
    fn derived(
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
                super::policy_document::rebuild(self, inst, depth + 1).map(|d| d.to_string())
            }
            _ => return None,
        };
        Some(r)
    }

    /// A policy document attribute (a JSON string in the plan), parsed.
    pub fn document(&self, inst: &Instance, attr: &str) -> R<Value> {
        self.document_at(inst, attr, 0)
    }

    fn document_at(&self, inst: &Instance, attr: &str, depth: usize) -> R<Value> {
        let label = format!("{}.{attr}", inst.address);
        if let Some(v) = self.vars.get(&label) {
            return parse_doc(&label, v);
        }
        let unknown = inst.unknown.get(attr) == Some(&Value::Bool(true));
        if let (Some(Value::String(s)), false) = (inst.values.get(attr), unknown) {
            return parse_doc(&label, s);
        }
        if depth > MAX_DEPTH {
            return Err(Fail::Needs(label));
        }
        if inst.data
            && inst.rtype == "aws_iam_policy_document"
            && (attr == "json" || attr == "minified_json")
        {
            return super::policy_document::rebuild(self, inst, depth + 1);
        }
        match self.plan.expressions_of(inst).and_then(|e| e.get(attr)) {
            Some(expr) => self.expr_document(&Scope::of(inst), expr, &label, depth + 1),
            None => Err(Fail::Needs(label)),
        }
    }

    /// A string from an expression: its constant, or its single reference followed.
    pub fn expr_string(&self, scope: &Scope, expr: &Value, label: &str, depth: usize) -> R<String> {
        if let Some(Value::String(s)) = expr.get("constant_value") {
            return Ok(s.clone());
        }
        match significant_refs(expr).as_slice() {
            [one] => self.follow(
                scope,
                one,
                label,
                depth,
                &|i, a, d| self.string_at(i, a, d),
                &|s, e, d| self.expr_string(s, e, label, d),
            ),
            _ => Err(Fail::Needs(label.to_string())),
        }
    }

    /// A document from an expression: its constant JSON, or its single reference followed.
    pub fn expr_document(
        &self,
        scope: &Scope,
        expr: &Value,
        label: &str,
        depth: usize,
    ) -> R<Value> {
        if let Some(Value::String(s)) = expr.get("constant_value") {
            return parse_doc(label, s);
        }
        match significant_refs(expr).as_slice() {
            [one] => self.follow(
                scope,
                one,
                label,
                depth,
                &|i, a, d| self.document_at(i, a, d),
                &|s, e, d| self.expr_document(s, e, label, d),
            ),
            _ => Err(Fail::Needs(label.to_string())),
        }
    }

    /// A string from one reference.
    pub fn ref_string(&self, scope: &Scope, r: &Ref, label: &str) -> R<String> {
        self.follow(
            scope,
            r,
            label,
            1,
            &|i, a, d| self.string_at(i, a, d),
            &|s, e, d| self.expr_string(s, e, label, d),
        )
    }

    /// A document from one reference.
    pub fn ref_document(&self, scope: &Scope, r: &Ref, label: &str) -> R<Value> {
        self.follow(
            scope,
            r,
            label,
            1,
            &|i, a, d| self.document_at(i, a, d),
            &|s, e, d| self.expr_document(s, e, label, d),
        )
    }

    /// Follows one reference: a resource attribute in the same module instance, a module
    /// variable into the calling module, or a module output into the called module.
    fn follow<T>(
        &self,
        scope: &Scope,
        r: &Ref,
        label: &str,
        depth: usize,
        leaf: &dyn Fn(&Instance, &str, usize) -> R<T>,
        expr: &dyn Fn(&Scope, &Value, usize) -> R<T>,
    ) -> R<T> {
        let needs = || Fail::Needs(label.to_string());
        if depth > MAX_DEPTH {
            return Err(needs());
        }
        match r {
            Ref::Resource {
                local,
                key,
                attr: Some(attr),
            } => {
                let target = self.find(scope, local, key.as_deref()).ok_or_else(needs)?;
                leaf(target, attr, depth + 1)
            }
            Ref::Var(name) if scope.module.is_empty() => match self.plan.root_vars.get(name) {
                // A root variable's value is in the plan; as a one-value expression.
                Some(v) => expr(
                    scope,
                    &serde_json::json!({ "constant_value": v }),
                    depth + 1,
                ),
                None => Err(needs()),
            },
            Ref::Var(name) => {
                let call = self
                    .plan
                    .calls
                    .get(&strip_keys(&scope.module))
                    .and_then(|c| c.get(name))
                    .ok_or_else(needs)?;
                let (parent, key) = split_module(&scope.module);
                expr(
                    &Scope {
                        module: parent,
                        key,
                    },
                    call,
                    depth + 1,
                )
            }
            Ref::Output {
                call,
                key,
                output: Some(output),
            } => {
                let prefix = if scope.module.is_empty() {
                    String::new()
                } else {
                    format!("{}.", scope.module)
                };
                let child = match key {
                    Some(k) => format!("{prefix}module.{call}[{k}]"),
                    None => self
                        .only_instance(&format!("{prefix}module.{call}"))
                        .ok_or_else(needs)?,
                };
                let e = self
                    .plan
                    .outputs
                    .get(&(strip_keys(&child), output.clone()))
                    .ok_or_else(needs)?;
                expr(
                    &Scope {
                        module: child,
                        key: None,
                    },
                    e,
                    depth + 1,
                )
            }
            _ => Err(needs()),
        }
    }

    /// The instance of `local` in `scope`'s module instance: by explicit key, the only one, or
    /// the one with the referrer's own key (`for_each` over the same set).
    fn find(&self, scope: &Scope, local: &str, key: Option<&str>) -> Option<&'a Instance> {
        let all: Vec<&Instance> = self
            .plan
            .instances
            .values()
            .filter(|i| i.module == scope.module && i.local == local)
            .collect();
        let keyed = |k: &str| {
            all.iter()
                .copied()
                .find(|i| i.index.as_ref().map(key_text).as_deref() == Some(k))
        };
        match (key, all.as_slice()) {
            (Some(k), _) => keyed(k),
            (None, [one]) => Some(*one),
            (None, _) => scope.key.as_deref().and_then(keyed),
        }
    }

    /// The single module instance of a call without key (`module.kms`), if there is one.
    fn only_instance(&self, call: &str) -> Option<String> {
        let modules: BTreeSet<&str> = self
            .plan
            .instances
            .values()
            .map(|i| i.module.as_str())
            .filter(|m| {
                *m == call
                    || m.strip_prefix(call)
                        .is_some_and(|r| r.starts_with('.') || r.starts_with('['))
            })
            .collect();
        let heads: BTreeSet<String> = modules
            .iter()
            .map(|m| m.get(..call.len()).unwrap_or(m).to_string() + key_part(m, call))
            .collect();
        match heads.into_iter().collect::<Vec<_>>().as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        }
    }
}

/// The `[key]` directly after `call` in module address `m`, or empty.
fn key_part<'m>(m: &'m str, call: &str) -> &'m str {
    let rest = m.get(call.len()..).unwrap_or("");
    if rest.starts_with('[') {
        rest.find(']')
            .and_then(|end| rest.get(..=end))
            .unwrap_or("")
    } else {
        ""
    }
}

/// `module.a["x"].module.b["y"]` -> (`module.a["x"]`, `Some("\"y\"")`).
fn split_module(module: &str) -> (String, Option<String>) {
    let steps = super::address::module_steps(module);
    let mut parent = String::new();
    let count = steps.len();
    let mut key = None;
    for (i, (name, k)) in steps.into_iter().enumerate() {
        if i + 1 == count {
            key = k;
        } else {
            if !parent.is_empty() {
                parent.push('.');
            }
            parent.push_str(&format!("module.{name}"));
            if let Some(k) = k {
                parent.push_str(&format!("[{k}]"));
            }
        }
    }
    (parent, key)
}

/// Is `attr` set or unknown (rather than known to be absent)?
fn unknown_or_set(inst: &Instance, attr: &str) -> bool {
    inst.unknown.get(attr) == Some(&Value::Bool(true))
        || inst.values.get(attr).is_some_and(|v| !v.is_null())
}

/// The one distinct value, if exactly one.
fn unique<'s>(values: impl Iterator<Item = &'s str>) -> Option<String> {
    let set: BTreeSet<&str> = values.collect();
    match set.into_iter().collect::<Vec<_>>().as_slice() {
        [one] => Some((*one).to_string()),
        _ => None,
    }
}

/// The partition of a region, by its documented name prefix
/// (<https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html>).
fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else {
        "aws"
    }
}

/// Parses a policy JSON string.
pub(crate) fn parse_doc(label: &str, text: &str) -> R<Value> {
    let value: Value = crate::json::from_str(text).map_err(|e| Fail::Bad {
        path: label.to_string(),
        message: format!("policy is not json: {e}"),
    })?;
    document::check(&value).map_err(|message| Fail::Bad {
        path: label.to_string(),
        message,
    })?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_module_gives_parent_and_key() {
        assert_eq!(
            split_module(r#"module.a["x"].module.b["y"]"#),
            ("module.a[\"x\"]".to_string(), Some("\"y\"".to_string()))
        );
        assert_eq!(split_module("module.a"), (String::new(), None));
    }

    #[test]
    fn partition_follows_the_region() {
        assert_eq!(partition_of("cn-north-1"), "aws-cn");
        assert_eq!(partition_of("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition_of("us-east-1"), "aws");
    }
}
