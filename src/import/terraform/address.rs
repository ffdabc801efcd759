//! Terraform addresses and references: module instance keys, and the `references` strings of
//! the plan's `configuration` (<https://developer.hashicorp.com/terraform/internals/json-format>).

use serde_json::Value;

/// Removes instance keys: `module.agent["research"].module.x[0]` -> `module.agent.module.x`.
pub(crate) fn strip_keys(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for c in address.chars() {
        if depth > 0 {
            if in_string {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    in_string = false;
                }
            } else if c == '"' {
                in_string = true;
            } else if c == ']' {
                depth -= 1;
            }
        } else if c == '[' {
            depth += 1;
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits a module instance address into `(call name, key text)` steps:
/// `module.a["x"].module.b` -> `[("a", Some("\"x\"")), ("b", None)]`.
pub(crate) fn module_steps(address: &str) -> Vec<(String, Option<String>)> {
    let mut steps = Vec::new();
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let name_end = after.find(['.', '[']).unwrap_or(after.len());
        let (name, tail) = after.split_at(name_end);
        let (key, tail) = split_key(tail);
        steps.push((name.to_string(), key));
        rest = tail.strip_prefix('.').unwrap_or(tail);
    }
    steps
}

/// Splits a leading `[...]` (respecting quoted strings) from `text`.
fn split_key(text: &str) -> (Option<String>, &str) {
    if !text.starts_with('[') {
        return (None, text);
    }
    let (mut in_string, mut escaped) = (false, false);
    for (i, c) in text.char_indices().skip(1) {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else if c == ']' {
            return (
                text.get(1..i).map(str::to_string),
                text.get(i + 1..).unwrap_or(""),
            );
        }
    }
    (None, text)
}

/// The key of a resource or module instance as Terraform prints it: `"research"` or `0`.
pub(crate) fn key_text(index: &Value) -> String {
    match index {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

/// A reference from a `configuration` expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ref {
    /// `aws_iam_role.this.arn`, `data.x.y["k"].json`: module-relative address, key, attribute.
    Resource {
        local: String,
        key: Option<String>,
        attr: Option<String>,
    },
    /// `var.name`.
    Var(String),
    /// `module.kms.key_arn` or `module.kms["k"].key_arn`.
    Output {
        call: String,
        key: Option<String>,
        output: Option<String>,
    },
    /// `local.x`, `each.key`, `count.index`, `path.module`, ...: not followed.
    Other(String),
}

/// Parses one reference string.
pub(crate) fn parse_ref(text: &str) -> Ref {
    let mut parts = text.splitn(2, '.');
    let head = parts.next().unwrap_or("");
    let rest = parts.next().unwrap_or("");
    match head {
        "var" => Ref::Var(rest.split(['.', '[']).next().unwrap_or("").to_string()),
        "module" => {
            let name_end = rest.find(['.', '[']).unwrap_or(rest.len());
            let (call, tail) = rest.split_at(name_end);
            let (key, tail) = split_key(tail);
            let output = tail
                .strip_prefix('.')
                .and_then(|t| t.split(['.', '[']).next())
                .map(str::to_string);
            Ref::Output {
                call: call.to_string(),
                key,
                output,
            }
        }
        "local" | "each" | "count" | "path" | "terraform" | "self" => Ref::Other(text.to_string()),
        "data" => resource_ref("data.", rest),
        _ => resource_ref("", text),
    }
}

/// `TYPE.NAME[key].attr...` with `prefix` (`data.` or empty).
fn resource_ref(prefix: &str, text: &str) -> Ref {
    let mut parts = text.splitn(2, '.');
    let rtype = parts.next().unwrap_or("");
    let rest = parts.next().unwrap_or("");
    let name_end = rest.find(['.', '[']).unwrap_or(rest.len());
    let (name, tail) = rest.split_at(name_end);
    if rtype.is_empty() || name.is_empty() {
        return Ref::Other(text.to_string());
    }
    let (key, tail) = split_key(tail);
    let attr = tail
        .strip_prefix('.')
        .and_then(|t| t.split(['.', '[']).next())
        .map(str::to_string);
    Ref::Resource {
        local: format!("{prefix}{rtype}.{name}"),
        key,
        attr,
    }
}

/// The references of an expression that say something: a bare `aws_iam_role.this` is dropped
/// when `aws_iam_role.this.name` is also listed (Terraform lists both).
pub(crate) fn significant_refs(expr: &Value) -> Vec<Ref> {
    let texts: Vec<&str> = expr
        .get("references")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out: Vec<Ref> = Vec::new();
    for text in &texts {
        let longer = texts.iter().any(|t| {
            t.len() > text.len()
                && t.starts_with(text)
                && t.get(text.len()..)
                    .is_some_and(|s| s.starts_with(['.', '[']))
        });
        if longer {
            continue;
        }
        let r = parse_ref(text);
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strip_keys_handles_quoted_brackets() {
        assert_eq!(
            strip_keys(r#"module.a["x]y"].module.b[0].aws_iam_role.r"#),
            "module.a.module.b.aws_iam_role.r"
        );
    }

    #[test]
    fn module_steps_keep_keys() {
        assert_eq!(
            module_steps(r#"module.agent["research"].module.x"#),
            vec![
                ("agent".to_string(), Some("\"research\"".to_string())),
                ("x".to_string(), None)
            ]
        );
    }

    #[test]
    fn parse_refs() {
        assert_eq!(
            parse_ref(r#"aws_iam_role.this["a"].arn"#),
            Ref::Resource {
                local: "aws_iam_role.this".into(),
                key: Some("\"a\"".into()),
                attr: Some("arn".into())
            }
        );
        assert_eq!(
            parse_ref("data.aws_iam_policy_document.x.json"),
            Ref::Resource {
                local: "data.aws_iam_policy_document.x".into(),
                key: None,
                attr: Some("json".into())
            }
        );
        assert_eq!(parse_ref("var.account_id"), Ref::Var("account_id".into()));
        assert_eq!(
            parse_ref("module.kms.key_arn"),
            Ref::Output {
                call: "kms".into(),
                key: None,
                output: Some("key_arn".into())
            }
        );
        assert_eq!(parse_ref("each.key"), Ref::Other("each.key".into()));
    }

    #[test]
    fn bare_resource_ref_is_dropped_next_to_its_attribute() {
        let expr = json!({"references": ["aws_iam_role.this.name", "aws_iam_role.this"]});
        assert_eq!(
            significant_refs(&expr),
            vec![Ref::Resource {
                local: "aws_iam_role.this".into(),
                key: None,
                attr: Some("name".into())
            }]
        );
    }
}
