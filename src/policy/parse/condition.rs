//! A `Condition` block: operator -> key -> values, each typed for its operator at load.

use serde_json::Value;

use super::{display, wrong, Parser, Result};
use crate::policy::condition::{too_long, Condition, Operator};
use crate::policy::error::JsonPath;
use crate::policy::error::PolicyErrorKind as K;

impl Parser<'_> {
    pub(super) fn conditions(&self, v: &Value, path: &JsonPath) -> Result<Vec<Condition>> {
        let obj = self.object(v, path)?;
        let mut out = Vec::new();
        for (op_name, block) in obj {
            let op_path = path.key(op_name);
            let operator = Operator::parse(op_name).map_err(|e| {
                self.err(
                    &op_path,
                    K::UnknownOperator {
                        name: op_name.clone(),
                        suggestion: e.suggestion,
                    },
                )
            })?;
            let block = self.object(block, &op_path)?;
            if block.is_empty() {
                return Err(self.err(&op_path, K::Empty("condition operator block")));
            }
            for (key, values) in block {
                let key_path = op_path.key(key);
                if key.is_empty() {
                    return Err(self.err(&key_path, K::Empty("condition key")));
                }
                let raw: Vec<(JsonPath, String)> = match values {
                    Value::Array(a) if a.is_empty() => {
                        return Err(self.err(&key_path, K::Empty("condition values")))
                    }
                    Value::Array(a) => a
                        .iter()
                        .enumerate()
                        .map(|(i, x)| {
                            self.scalar(x, &key_path.index(i))
                                .map(|s| (key_path.index(i), s))
                        })
                        .collect::<Result<_>>()?,
                    other => vec![(key_path, self.scalar(other, &key_path)?)],
                };
                let paths: Vec<JsonPath> = raw.iter().map(|(p, _)| *p).collect();
                let strings = raw.into_iter().map(|(_, s)| s).collect();
                let cond = Condition::new(operator, key, strings, self.variables).map_err(|e| {
                    let p = paths.get(e.index).unwrap_or(&key_path);
                    let value = match values {
                        Value::Array(a) => a.get(e.index).map(display).unwrap_or_default(),
                        other => display(other),
                    };
                    self.err(
                        p,
                        K::Invalid {
                            what: e.what,
                            value,
                            why: if e.why == too_long() {
                                e.why
                            } else {
                                format!("{}, as `{operator}` requires", e.why)
                            },
                        },
                    )
                })?;
                out.push(cond);
            }
        }
        Ok(out)
    }

    /// Condition values may be strings, numbers or booleans (AWS reads them as strings).
    pub(super) fn scalar(&self, v: &Value, path: &JsonPath) -> Result<String> {
        match v {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            other => Err(self.err(path, wrong("a string, number or boolean", other))),
        }
    }
}
