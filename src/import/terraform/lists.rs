//! Lists with unknown elements (`resources = [aws_kms_key.data.arn, "arn:aws:s3:::x"]`):
//! each unknown element is matched with a reference of the list's expression.

use serde_json::Value;

use super::address::{significant_refs, Ref};
use super::node::Node;
use super::resolve::{parse_doc, Fail, Resolver, Scope, R};

impl Resolver<'_> {
    /// A list of strings; a single string counts as a one-element list. Absent is empty.
    pub fn strings(&self, scope: &Scope, node: &Node) -> R<Vec<String>> {
        if let Some(v) = self.var(&node.label) {
            return Ok(v.split(',').map(str::to_string).collect());
        }
        if node.is_unknown() {
            return Err(Fail::Needs(node.label.clone()));
        }
        let items: Vec<Option<String>> = match node.value {
            None => Vec::new(),
            Some(Value::String(s)) => vec![Some(s.clone())],
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| match (v, node.unknown.and_then(|u| u.get(i))) {
                    // The key an unresolved element is reported under gives it.
                    (_, Some(Value::Bool(true))) => self.element_var(node, i).map(str::to_string),
                    (Value::String(s), _) => Some(s.clone()),
                    _ => self.element_var(node, i).map(str::to_string),
                })
                .collect(),
            Some(_) => {
                return Err(Fail::Bad {
                    path: node.label.clone(),
                    message: "not a list of strings".into(),
                })
            }
        };
        // `["arn:aws:iam::${var.account}:role/x", var.role_arn]`: `var.account` is part of a
        // known element (a template), so it is set aside like an equal one.
        let part_of = |v: &String, known: &String| known.contains(v.as_str()) && !v.is_empty();
        let (known, missing) = self.fill(
            scope,
            node,
            &items,
            |r, label| self.ref_string(scope, r, label),
            part_of,
        )?;
        Ok(merge(items, known, missing))
    }

    /// A list of policy documents (JSON strings), e.g. `source_policy_documents`.
    pub fn documents(&self, scope: &Scope, node: &Node) -> R<Vec<Value>> {
        if node.is_unknown() {
            return Err(Fail::Needs(node.label.clone()));
        }
        let raw: Vec<Option<&Value>> = match node.value.and_then(Value::as_array) {
            None => Vec::new(),
            Some(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    if node.unknown.and_then(|u| u.get(i)) == Some(&Value::Bool(true)) {
                        None
                    } else {
                        Some(v)
                    }
                })
                .collect(),
        };
        let mut items = Vec::new();
        for (i, v) in raw.iter().enumerate() {
            let label = format!("{}[{i}]", node.label);
            items.push(match (v, self.element_var(node, i)) {
                (Some(Value::String(s)), _) => Some(parse_doc(&label, s)?),
                (_, Some(given)) => Some(parse_doc(&label, given)?),
                _ => None,
            });
        }
        let (known, missing) = self.fill(
            scope,
            node,
            &items,
            |r, label| self.ref_document(scope, r, label),
            |v, known| v == known,
        )?;
        Ok(merge(items, known, missing))
    }

    /// The `--var` value of element `i` of the list at `node` (`ADDRESS.attr[i]`), the key an
    /// unresolved element is reported under.
    fn element_var(&self, node: &Node, i: usize) -> Option<&str> {
        self.var(&format!("{}[{i}]", node.label))
    }

    /// Resolves the references of `node`'s expression for its unknown elements. References
    /// that resolve to (`part_of`) an element already known are set aside; the rest must
    /// match the unknown elements one for one, in order.
    fn fill<T>(
        &self,
        _scope: &Scope,
        node: &Node,
        items: &[Option<T>],
        resolve: impl Fn(&Ref, &str) -> R<T>,
        part_of: impl Fn(&T, &T) -> bool,
    ) -> R<(Vec<T>, usize)> {
        let missing: Vec<usize> = items
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_none())
            .map(|(i, _)| i)
            .collect();
        let Some(first) = missing.first() else {
            return Ok((Vec::new(), 0));
        };
        let label = format!("{}[{first}]", node.label);
        let refs: Vec<Ref> = node
            .expr
            .map(significant_refs)
            .unwrap_or_default()
            .into_iter()
            .filter(|r| !matches!(r, Ref::Other(_)))
            .collect();
        let resolved: Vec<R<T>> = refs.iter().map(|r| resolve(r, &label)).collect();
        // A referenced document known only after apply is reported as such, not as this slot.
        if let Some(Err(e @ Fail::AfterApply { .. })) = resolved
            .iter()
            .find(|r| matches!(r, Err(Fail::AfterApply { .. })))
        {
            return Err(e.clone());
        }
        let fresh: Vec<R<T>> = resolved
            .into_iter()
            .filter(|r| !matches!(r, Ok(v) if items.iter().flatten().any(|k| part_of(v, k))))
            .collect();
        if fresh.len() != missing.len() {
            return Err(Fail::Needs(label));
        }
        let values = fresh.into_iter().collect::<R<Vec<T>>>()?;
        Ok((values, missing.len()))
    }
}

/// Puts resolved values into the unknown slots, in order.
fn merge<T>(items: Vec<Option<T>>, resolved: Vec<T>, _missing: usize) -> Vec<T> {
    let mut resolved = resolved.into_iter();
    items
        .into_iter()
        .filter_map(|v| v.or_else(|| resolved.next()))
        .collect()
}

impl Resolver<'_> {
    /// An optional string leaf of a nested block.
    pub fn leaf(&self, scope: &Scope, node: &Node) -> R<Option<String>> {
        if let Some(v) = self.var(&node.label) {
            return Ok(Some(v.to_string()));
        }
        match (node.value, node.is_unknown(), node.expr) {
            (Some(Value::String(s)), false, _) => Ok(Some(s.clone())),
            (_, true, Some(expr)) => self.expr_string(scope, expr, &node.label, 1).map(Some),
            (_, true, None) => Err(Fail::Needs(node.label.clone())),
            _ => Ok(None),
        }
    }

    /// An optional policy-document leaf of a nested block (a JSON string).
    pub fn leaf_document(&self, scope: &Scope, node: &Node) -> R<Option<Value>> {
        if let Some(v) = self.var(&node.label) {
            return parse_doc(&node.label, v).map(Some);
        }
        match (node.value, node.is_unknown(), node.expr) {
            (Some(Value::String(s)), false, _) if s.is_empty() => Ok(None),
            (Some(Value::String(s)), false, _) => parse_doc(&node.label, s).map(Some),
            (_, true, Some(expr)) => self.expr_document(scope, expr, &node.label, 1).map(Some),
            (_, true, None) => Err(Fail::Needs(node.label.clone())),
            _ => Ok(None),
        }
    }
}
