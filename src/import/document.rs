//! Policy documents as the inputs carry them: JSON objects, JSON strings, or RFC 3986
//! URL-encoded JSON strings (what the IAM API returns from `GetAccountAuthorizationDetails`:
//! <https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html>).
//!
//! The importers only check the outer shape (an object with `Statement`); the policy grammar is
//! checked by `policy` when the inventory is loaded.

use serde_json::Value;

/// Reads a policy document from an object, a JSON string or a URL-encoded JSON string.
pub(crate) fn decode(value: &Value) -> Result<Value, String> {
    let doc = match value {
        Value::Object(_) => value.clone(),
        Value::String(text) => parse_text(text)?,
        other => {
            return Err(format!(
                "policy document is a {}, not an object or a string",
                kind(other)
            ))
        }
    };
    check(&doc)?;
    Ok(doc)
}

/// Parses a JSON string, URL-decoding it first when it does not start with `{`.
fn parse_text(text: &str) -> Result<Value, String> {
    let trimmed = text.trim_start();
    let json = if trimmed.starts_with('{') {
        trimmed.to_string()
    } else {
        percent_decode(trimmed)?
    };
    crate::json::from_str(&json).map_err(|e| format!("policy document is not json: {e}"))
}

/// Decodes RFC 3986 percent-encoding (`%7B` -> `{`). `+` is kept: RFC 3986 gives it no meaning.
pub(crate) fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| {
                    format!("bad percent-encoding at byte {i} of the policy document")
                })?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "url-decoded policy document is not utf-8".to_string())
}

/// Checks the outer shape: an object whose `Statement` is an object or a list of objects.
pub(crate) fn check(doc: &Value) -> Result<(), String> {
    let Value::Object(map) = doc else {
        return Err(format!("policy document is a {}, not an object", kind(doc)));
    };
    match map.get("Statement") {
        None => Err("policy document has no `Statement`".to_string()),
        Some(Value::Object(_)) => Ok(()),
        Some(Value::Array(items)) if items.iter().all(Value::is_object) => Ok(()),
        Some(_) => Err("`Statement` is not an object or a list of objects".to_string()),
    }
}

/// The JSON type name of a value, for messages.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_three_encodings_alike() {
        let object = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]});
        let string = json!(object.to_string());
        let encoded = json!("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D");
        assert_eq!(decode(&object), Ok(object.clone()));
        assert_eq!(decode(&string), Ok(object.clone()));
        assert_eq!(decode(&encoded), Ok(object));
    }

    #[test]
    fn plus_is_not_a_space() {
        assert_eq!(percent_decode("a+b%20c"), Ok("a+b c".to_string()));
    }

    #[test]
    fn bad_percent_encoding_is_an_error() {
        assert_eq!(
            percent_decode("%7"),
            Err("bad percent-encoding at byte 0 of the policy document".to_string())
        );
    }

    #[test]
    fn a_document_needs_statement() {
        assert_eq!(
            decode(&json!({"Version": "2012-10-17"})),
            Err("policy document has no `Statement`".to_string())
        );
        assert_eq!(
            decode(&json!(3)),
            Err("policy document is a number, not an object or a string".to_string())
        );
    }
}
