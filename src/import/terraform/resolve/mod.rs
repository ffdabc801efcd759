//! Values unknown at plan time, resolved offline: from `--var`, from values that follow from
//! known ones (a role's ARN from its name, path and account), or through the references of the
//! plan's `configuration`, within the same module instance. What stays unknown is a [`Fail::Needs`].

mod derive;
mod follow;
mod policy_document;
mod target;

use std::collections::BTreeMap;

use serde_json::Value;

use super::address::key_text;
use super::node::Node;
use super::plan::{Instance, Plan};
use crate::import::document;

/// Why a value could not be produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fail {
    /// Unknown offline; the string is the `--var` key that would give it.
    Needs(String),
    /// Known to Terraform only after apply, in a shape the plan does not show (a
    /// `dynamic "statement"` block over unknown values): `address` `attribute`, `why`, and the
    /// `--var` key that gives the whole value it is part of.
    AfterApply {
        address: String,
        attribute: String,
        why: String,
        needs: String,
    },
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
            return policy_document::rebuild(self, inst, depth + 1);
        }
        match self.plan.expressions_of(inst).and_then(|e| e.get(attr)) {
            Some(expr) => self.expr_document(&Scope::of(inst), expr, &label, depth + 1),
            None => Err(Fail::Needs(label)),
        }
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
