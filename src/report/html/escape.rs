//! Escaping for the HTML report: text and attribute values, and JSON inside a `<script>` block.

use serde::Serialize;

/// `s` safe as HTML text or a quoted attribute value: `&`, `<`, `>`, `"` and `'` escaped, and
/// control characters (other than newline and tab) shown as `\u{..}`.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// `value` as JSON that can stand inside `<script type="application/json">`: `<`, `>` and `&`
/// (which JSON only has inside strings) become `\u` escapes, so no input can close the element.
pub fn script_json<T: Serialize>(value: &T) -> serde_json::Result<String> {
    let text = serde_json::to_string(value)?;
    Ok(text
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    #[test]
    fn markup_and_controls_are_escaped() {
        assert_eq!(
            html("<script>alert('x')</script> & \"q\"\u{1b}[31m"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;\\u{1b}[31m"
        );
    }

    #[test]
    fn script_json_cannot_close_its_element() {
        let s =
            script_json(&serde_json::json!({"name": "</script><script>x()</script>&"})).unwrap();
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["name"], "</script><script>x()</script>&");
    }
}
