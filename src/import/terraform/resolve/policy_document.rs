//! `data.aws_iam_policy_document` rebuilt from its `statement` blocks when `json` is unknown at
//! plan time, as the AWS provider builds it
//! (<https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document>):
//! `source_policy_documents` merged in order (their non-empty Sids must be unique), then the
//! data source's own statements, then each of `override_policy_documents`; a statement whose
//! non-empty Sid is already present replaces it in place, any other is appended. `&{...}` in
//! resources, principals and condition values is written `${...}` (version 2012-10-17).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use super::{Fail, Resolver, Scope, R};
use crate::import::terraform::node::Node;
use crate::import::terraform::plan::Instance;

/// The document the data source exports as `json`.
pub(crate) fn rebuild(r: &Resolver, inst: &Instance, _depth: usize) -> R<Value> {
    let scope = Scope::of(inst);
    let mut merged = Doc::default();
    let mut sids = BTreeSet::new();
    for (i, doc) in r
        .documents(&scope, &r.node(inst, "source_policy_documents"))?
        .into_iter()
        .enumerate()
    {
        let doc = Doc::from_value(&doc);
        for sid in doc.statements.iter().filter_map(sid) {
            if !sids.insert(sid.to_string()) {
                return Err(Fail::Bad {
                    path: format!("{}.source_policy_documents[{i}]", inst.address),
                    message: format!("duplicate sid `{sid}` in `source_policy_documents`"),
                });
            }
        }
        merged.merge(doc);
    }
    let version = r
        .opt_string(inst, "version")?
        .unwrap_or_else(|| "2012-10-17".to_string());
    let node = r.node(inst, "statement");
    if node.is_unknown() {
        return Err(after_apply(inst, &node));
    }
    let mut statements = Vec::new();
    let aligned = node.expr_len() == node.len();
    for i in 0..node.len() {
        let expr_index = if aligned {
            Some(i)
        } else {
            statement_index(&node, i)
        };
        let item = node.item(i, expr_index);
        statements.push(statement(r, &scope, inst, &item, &version)?);
    }
    merged.merge(Doc {
        version: version.clone(),
        id: r.opt_string(inst, "policy_id")?,
        statements,
    });
    for doc in r.documents(&scope, &r.node(inst, "override_policy_documents"))? {
        merged.merge(Doc::from_value(&doc));
    }
    Ok(merged.render())
}

/// Part of the document `inst` (`node`: its statement list, or a statement's `principals` or
/// `condition` blocks) is unknown until apply, and Terraform shows none of it: the only fix is
/// the whole document, `--var ADDRESS.json=DOCUMENT`. Leaving it out would import a document
/// without the statements or conditions it will have.
fn after_apply(inst: &Instance, node: &Node) -> Fail {
    let attribute = node
        .label
        .strip_prefix(&format!("{}.", inst.address))
        .unwrap_or(&node.label)
        .to_string();
    Fail::AfterApply {
        address: inst.address.clone(),
        attribute,
        why: "known only after apply, from a `dynamic` block over unknown values: give the \
              whole policy document"
            .into(),
        needs: format!("{}.json", inst.address),
    }
}

/// A document as the provider merges it.
#[derive(Debug, Default)]
struct Doc {
    version: String,
    id: Option<String>,
    statements: Vec<Value>,
}

impl Doc {
    fn from_value(v: &Value) -> Doc {
        let statements = match v.get("Statement") {
            Some(Value::Array(items)) => items.clone(),
            Some(one @ Value::Object(_)) => vec![one.clone()],
            _ => Vec::new(),
        };
        Doc {
            version: v
                .get("Version")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            id: v.get("Id").and_then(Value::as_str).map(str::to_string),
            statements,
        }
    }

    /// The provider's `IAMPolicyDoc.Merge`.
    fn merge(&mut self, new: Doc) {
        if new.id.as_deref().is_some_and(|i| !i.is_empty()) {
            self.id = new.id;
        }
        if new.version > self.version {
            self.version = new.version;
        }
        for stmt in new.statements {
            let existing =
                sid(&stmt).and_then(|s| self.statements.iter().position(|e| sid(e) == Some(s)));
            match existing.and_then(|i| self.statements.get_mut(i)) {
                Some(slot) => *slot = stmt,
                None => self.statements.push(stmt),
            }
        }
    }

    fn render(self) -> Value {
        let mut map = Map::new();
        if !self.version.is_empty() {
            map.insert("Version".into(), json!(self.version));
        }
        if let Some(id) = self.id.filter(|i| !i.is_empty()) {
            map.insert("Id".into(), json!(id));
        }
        map.insert("Statement".into(), Value::Array(self.statements));
        Value::Object(map)
    }
}

/// The non-empty Sid of a statement.
fn sid(stmt: &Value) -> Option<&str> {
    stmt.get("Sid")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// One `statement` block of the document `inst` as JSON, keys in the provider's order.
fn statement(r: &Resolver, scope: &Scope, inst: &Instance, node: &Node, version: &str) -> R<Value> {
    let mut map = Map::new();
    if let Some(s) = opt_str(r, scope, &node.field("sid"))?.filter(|s| !s.is_empty()) {
        map.insert("Sid".into(), json!(s));
    }
    let effect = opt_str(r, scope, &node.field("effect"))?.unwrap_or_else(|| "Allow".to_string());
    map.insert("Effect".into(), json!(effect));
    for (field, key, vars) in [
        ("actions", "Action", false),
        ("not_actions", "NotAction", false),
        ("resources", "Resource", true),
        ("not_resources", "NotResource", true),
    ] {
        let f = node.field(field);
        let mut list = r.strings(scope, &f)?;
        if vars {
            list = replace_vars(list, version, &f.label)?;
        }
        if !list.is_empty() {
            map.insert(key.into(), string_or_list(list, true));
        }
    }
    for (field, key) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        let blocks = node.field(field);
        if blocks.is_unknown() {
            return Err(after_apply(inst, &blocks));
        }
        if let Some(p) = principals(r, scope, &blocks, version)? {
            map.insert(key.into(), p);
        }
    }
    let blocks = node.field("condition");
    if blocks.is_unknown() {
        return Err(after_apply(inst, &blocks));
    }
    if let Some(c) = conditions(r, scope, &blocks, version)? {
        map.insert("Condition".into(), c);
    }
    Ok(Value::Object(map))
}

/// An optional string leaf of a block.
fn opt_str(r: &Resolver, scope: &Scope, node: &Node) -> R<Option<String>> {
    r.leaf(scope, node)
}

/// Matches value block `i` to its configuration block (sets have no stable order).
fn block_index(node: &Node, i: usize, keys: &[&str]) -> Option<usize> {
    let item = node.value.and_then(|v| v.get(i))?;
    let blocks = node.expr.and_then(Value::as_array)?;
    if blocks.len() == 1 && node.len() == 1 {
        return Some(0);
    }
    let matches: Vec<usize> = blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| {
            keys.iter().all(|k| {
                b.pointer(&format!("/{k}/constant_value"))
                    .is_some_and(|c| item.get(*k) == Some(c))
            })
        })
        .map(|(j, _)| j)
        .collect();
    match matches.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// The configuration block of statement `i` when the counts differ (`dynamic "statement"`
/// blocks are absent from the plan's configuration): the one static block with the same
/// constant `sid`, if no other statement of the value has that Sid.
fn statement_index(node: &Node, i: usize) -> Option<usize> {
    fn sid_of(v: &Value) -> Option<&str> {
        v.get("sid")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }
    let items = node.value.and_then(Value::as_array)?;
    let own = items.get(i).and_then(sid_of)?;
    if items.iter().filter(|v| sid_of(v) == Some(own)).count() != 1 {
        return None;
    }
    block_index(node, i, &["sid"])
}

/// `principals` blocks as the provider renders them: `type = "*"` gives `"*"`; otherwise a
/// map from type to one identifier or a list.
fn principals(r: &Resolver, scope: &Scope, node: &Node, version: &str) -> R<Option<Value>> {
    let mut by_type: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for i in 0..node.len() {
        let b = node.item(i, block_index(node, i, &["type"]));
        let ptype = opt_str(r, scope, &b.field("type"))?
            .ok_or_else(|| Fail::Needs(format!("{}.type", b.label)))?;
        let ids_node = b.field("identifiers");
        let ids = replace_vars(r.strings(scope, &ids_node)?, version, &ids_node.label)?;
        by_type.entry(ptype).or_default().extend(ids);
    }
    if by_type.is_empty() {
        return Ok(None);
    }
    if by_type.contains_key("*") {
        return Ok(Some(json!("*")));
    }
    let map: Map<String, Value> = by_type
        .into_iter()
        .map(|(k, v)| (k, string_or_list(v, true)))
        .collect();
    Ok(Some(Value::Object(map)))
}

/// `condition` blocks: `{test: {variable: values}}`, values of one block kept in order.
fn conditions(r: &Resolver, scope: &Scope, node: &Node, version: &str) -> R<Option<Value>> {
    let mut map: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for i in 0..node.len() {
        let b = node.item(i, block_index(node, i, &["test", "variable"]));
        let test = opt_str(r, scope, &b.field("test"))?
            .ok_or_else(|| Fail::Needs(format!("{}.test", b.label)))?;
        let var = opt_str(r, scope, &b.field("variable"))?
            .ok_or_else(|| Fail::Needs(format!("{}.variable", b.label)))?;
        let values_node = b.field("values");
        let values = replace_vars(r.strings(scope, &values_node)?, version, &values_node.label)?;
        map.entry(test)
            .or_default()
            .entry(var)
            .or_default()
            .extend(values);
    }
    if map.is_empty() {
        return Ok(None);
    }
    let out: Map<String, Value> = map
        .into_iter()
        .map(|(test, vars)| {
            let inner: Map<String, Value> = vars
                .into_iter()
                .map(|(k, v)| (k, string_or_list(v, false)))
                .collect();
            (test, Value::Object(inner))
        })
        .collect();
    Ok(Some(Value::Object(out)))
}

/// One value as a string, several as a list (sorted in reverse, as the provider does for sets).
fn string_or_list(mut values: Vec<String>, set: bool) -> Value {
    if set {
        values.sort();
        values.dedup();
        values.reverse();
    }
    match values.as_slice() {
        [one] => json!(one),
        _ => json!(values),
    }
}

/// `&{aws:username}` -> `${aws:username}`; version 2008-10-17 has no policy variables.
fn replace_vars(values: Vec<String>, version: &str, label: &str) -> R<Vec<String>> {
    if version == "2008-10-17" {
        if let Some(v) = values.iter().find(|v| v.contains("&{")) {
            return Err(Fail::Bad {
                path: label.to_string(),
                message: format!("found `&{{` in `{v}`, which version 2008-10-17 does not support"),
            });
        }
        return Ok(values);
    }
    Ok(values.into_iter().map(|v| v.replace("&{", "${")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_replaces_same_sid_in_place_and_appends_the_rest() {
        let mut doc = Doc::from_value(&json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "A", "Effect": "Allow"}, {"Sid": "B", "Effect": "Allow"}, {"Effect": "Deny"}]}));
        doc.merge(Doc::from_value(
            &json!({"Statement": [{"Sid": "A", "Effect": "Deny"}, {"Sid": "", "Effect": "Allow"}]}),
        ));
        assert_eq!(
            doc.render(),
            json!({"Version": "2012-10-17", "Statement": [
                {"Sid": "A", "Effect": "Deny"}, {"Sid": "B", "Effect": "Allow"}, {"Effect": "Deny"},
                {"Sid": "", "Effect": "Allow"}]})
        );
    }

    #[test]
    fn policy_variables_are_rewritten() {
        assert_eq!(
            replace_vars(vec!["a/&{aws:username}".into()], "2012-10-17", "x"),
            Ok(vec!["a/${aws:username}".into()])
        );
        assert!(replace_vars(vec!["&{x}".into()], "2008-10-17", "x").is_err());
    }

    #[test]
    fn several_values_are_reverse_sorted_like_the_provider() {
        assert_eq!(
            string_or_list(vec!["a".into(), "c".into(), "b".into()], true),
            json!(["c", "b", "a"])
        );
        assert_eq!(string_or_list(vec!["x".into()], true), json!("x"));
    }
}
