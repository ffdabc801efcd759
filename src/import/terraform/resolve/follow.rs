//! Following the references of the plan's `configuration`: from an expression to the resource
//! attribute, module variable or module output it names, within the same module instance.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{parse_doc, Fail, Resolver, Scope, MAX_DEPTH, R};
use crate::import::terraform::address::{self, key_text, significant_refs, strip_keys, Ref};
use crate::import::terraform::plan::Instance;

impl<'a> Resolver<'a> {
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
            // A root variable's value is in the plan: a one-value expression.
            Ref::Var(name) if scope.module.is_empty() => {
                let v = self.plan.root_vars.get(name).ok_or_else(needs)?;
                expr(
                    scope,
                    &serde_json::json!({ "constant_value": v }),
                    depth + 1,
                )
            }
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
    let steps = address::module_steps(module);
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
}
