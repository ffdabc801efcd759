//! `Fn::Sub` in both forms: a string whose `${Name}` / `${Logical.Attribute}` are replaced by
//! `Ref` / `Fn::GetAtt`, or `[string, {Name: value}]` with names of its own; `${!Literal}` is
//! written `${Literal}`
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-sub.html>).

use serde_json::{json, Map, Value};

use super::Stack;
use crate::import::cloudformation::env::{At, Stop};

/// A piece of a `Fn::Sub` string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// Text kept as written.
    Text(String),
    /// `${Name}` or `${Logical.Attribute}`.
    Var(String),
}

/// Splits a `Fn::Sub` string into text and variables; an unclosed `${` is an error.
pub(crate) fn pieces(s: &str) -> Result<Vec<Piece>, String> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        text.push_str(rest.get(..i).unwrap_or_default());
        let after = rest.get(i + 2..).unwrap_or_default();
        let Some(end) = after.find('}') else {
            return Err(format!("`${{` without a closing `}}` in `{s}`"));
        };
        let name = after.get(..end).unwrap_or_default();
        if let Some(literal) = name.strip_prefix('!') {
            text.push_str("${");
            text.push_str(literal);
            text.push('}');
        } else {
            if !text.is_empty() {
                out.push(Piece::Text(std::mem::take(&mut text)));
            }
            out.push(Piece::Var(name.trim().to_string()));
        }
        rest = after.get(end + 1..).unwrap_or_default();
    }
    text.push_str(rest);
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    Ok(out)
}

/// Evaluates `Fn::Sub`.
pub(crate) fn sub(stack: &Stack<'_>, arg: &Value, at: &At) -> Result<String, Stop> {
    let (template, vars, tat) = match arg {
        Value::String(s) => (s, None, at.clone()),
        Value::Array(items) => match items.as_slice() {
            [Value::String(s), Value::Object(m)] => (s, Some(m), at.index(0)),
            _ => return Err(stack.fail(at, "`Fn::Sub` takes a string or [string, {variables}]")),
        },
        _ => return Err(stack.fail(at, "`Fn::Sub` takes a string or [string, {variables}]")),
    };
    let parts = pieces(template).map_err(|m| stack.fail(&tat, m))?;
    let mut out = String::new();
    let mut failed = false;
    for p in parts {
        match p {
            Piece::Text(t) => out.push_str(&t),
            Piece::Var(name) => match var(stack, &name, vars, at) {
                Ok(v) => out.push_str(&v),
                Err(Stop) => failed = true,
            },
        }
    }
    if failed {
        Err(Stop)
    } else {
        Ok(out)
    }
}

/// One `${name}`: a variable of the second form, else `Fn::GetAtt` (with a dot) or `Ref`.
fn var(
    stack: &Stack<'_>,
    name: &str,
    vars: Option<&Map<String, Value>>,
    at: &At,
) -> Result<String, Stop> {
    if let Some(v) = vars.and_then(|m| m.get(name)) {
        return stack.string(v, &at.index(1).key(name));
    }
    let expr = match name.split_once('.') {
        Some((l, a)) if !name.starts_with("AWS::") => json!({"Fn::GetAtt": [l, a]}),
        _ => json!({"Ref": name}),
    };
    stack.string(&expr, at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_split_text_variables_and_literals() {
        assert_eq!(
            pieces("arn:${AWS::Partition}:s3:::${Bucket}/${!literal}/*").unwrap(),
            vec![
                Piece::Text("arn:".into()),
                Piece::Var("AWS::Partition".into()),
                Piece::Text(":s3:::".into()),
                Piece::Var("Bucket".into()),
                Piece::Text("/${literal}/*".into()),
            ]
        );
        assert_eq!(
            pieces("${Role.Arn}").unwrap(),
            vec![Piece::Var("Role.Arn".into())]
        );
        assert!(pieces("x${y").is_err());
    }
}
