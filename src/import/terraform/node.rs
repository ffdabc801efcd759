//! A position inside an instance's values, seen three ways at once: the known value, the
//! `after_unknown` mirror, and the configuration expression that produced it.

use serde_json::Value;

/// `after_unknown` marks a whole subtree unknown with `true`.
static TRUE: Value = Value::Bool(true);

/// A value position with its unknown marker, expression and label (`address.attr[0].x`).
#[derive(Debug, Clone)]
pub(crate) struct Node<'a> {
    pub value: Option<&'a Value>,
    pub unknown: Option<&'a Value>,
    pub expr: Option<&'a Value>,
    pub label: String,
}

impl<'a> Node<'a> {
    /// The root node of an instance's attribute.
    pub fn attr(
        values: &'a Value,
        unknown: &'a Value,
        expressions: Option<&'a Value>,
        address: &str,
        attr: &str,
    ) -> Self {
        Node {
            value: values.get(attr).filter(|v| !v.is_null()),
            unknown: unknown.get(attr),
            expr: expressions.and_then(|e| e.get(attr)),
            label: format!("{address}.{attr}"),
        }
    }

    /// Is this whole position unknown at plan time?
    pub fn is_unknown(&self) -> bool {
        self.unknown == Some(&TRUE)
    }

    /// A field of an object (a nested block's attribute).
    pub fn field(&self, name: &str) -> Node<'a> {
        Node {
            value: self
                .value
                .and_then(|v| v.get(name))
                .filter(|v| !v.is_null()),
            unknown: if self.is_unknown() {
                Some(&TRUE)
            } else {
                self.unknown.and_then(|u| u.get(name))
            },
            expr: self.expr.and_then(|e| e.get(name)),
            label: format!("{}.{name}", self.label),
        }
    }

    /// Item `i` of a list of blocks; `expr_index` is the matching block in the configuration.
    pub fn item(&self, i: usize, expr_index: Option<usize>) -> Node<'a> {
        Node {
            value: self.value.and_then(|v| v.get(i)).filter(|v| !v.is_null()),
            unknown: if self.is_unknown() {
                Some(&TRUE)
            } else {
                self.unknown.and_then(|u| u.get(i))
            },
            expr: expr_index.and_then(|j| self.expr.and_then(|e| e.get(j))),
            label: format!("{}[{i}]", self.label),
        }
    }

    /// Number of items when the value is a known list.
    pub fn len(&self) -> usize {
        self.value.and_then(Value::as_array).map_or(0, Vec::len)
    }

    /// Number of blocks in the configuration expression (a list of block objects).
    pub fn expr_len(&self) -> usize {
        self.expr.and_then(Value::as_array).map_or(0, Vec::len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_propagates_into_children() {
        let values = json!({"statement": [{"resources": null}]});
        let unknown = json!({"statement": [{"resources": true}]});
        let node = Node::attr(&values, &unknown, None, "data.x.y", "statement")
            .item(0, None)
            .field("resources");
        assert!(node.is_unknown());
        assert_eq!(node.label, "data.x.y.statement[0].resources");
        let all = json!({"statement": true});
        let node = Node::attr(&values, &all, None, "d", "statement")
            .item(0, None)
            .field("sid");
        assert!(node.is_unknown());
    }
}
