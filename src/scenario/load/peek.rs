//! The `policies` a JSON scenario file names, read before the inventories load: the top-level
//! object is read up to that key and no further (a suite's files are read again, whole, once
//! their inventories are compiled).

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};

/// The `policies` a scenario file's JSON text names; `None` when the text does not read as a
/// JSON object as far as that key, or to its end without it (the full parse then says what is
/// wrong). A text holding neither `"policies"` nor a `\u` escape (which could spell that key)
/// names none, and is not parsed here at all. What follows the key is not read: a fault there
/// is reported by the full parse, after the inventories load.
pub(super) fn peek_policies(text: &str) -> Option<Option<String>> {
    if !text.contains("\"policies\"") && !text.contains("\\u") {
        return Some(None);
    }
    let mut found = None;
    let mut de = serde_json::Deserializer::from_str(text);
    let read = de.deserialize_map(Peek { found: &mut found });
    match (found, read) {
        (Some(policies), _) => Some(policies),
        (None, Ok(())) => de.end().ok().map(|()| None),
        (None, Err(_)) => None,
    }
}

/// Reads the top-level object up to `policies`, leaving its value in `found`.
struct Peek<'a> {
    found: &'a mut Option<Option<String>>,
}

impl<'de> Visitor<'de> for Peek<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a scenario file")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "policies" {
                *self.found = Some(map.next_value()?);
                // Stop here: the value is all that was wanted.
                return Err(de::Error::custom("found"));
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_peek_finds_policies_written_plainly_or_escaped() {
        assert_eq!(peek_policies(r#"{"scenarios": []}"#), Some(None));
        assert_eq!(
            peek_policies(r#"{"policies": "../p", "scenarios": []}"#),
            Some(Some("../p".into()))
        );
        assert_eq!(
            peek_policies(r#"{"scenarios": [], "policies": null}"#),
            Some(None)
        );
        assert_eq!(
            peek_policies(r#"{"polic\u0069es": "../q", "scenarios": []}"#),
            Some(Some("../q".into()))
        );
        // A name that mentions the key is not the key.
        assert_eq!(
            peek_policies(r#"{"scenarios": [{"name": "\"policies\""}]}"#),
            Some(None)
        );
    }

    #[test]
    fn a_peek_stops_at_the_key_and_fails_on_what_comes_before_it() {
        // After the key nothing is read: the full parse reports what is wrong there.
        assert_eq!(
            peek_policies(r#"{"policies": "../p", "scenarios": [oops"#),
            Some(Some("../p".into()))
        );
        assert_eq!(
            peek_policies(r#"{"scenarios": [oops], "policies": "../p"}"#),
            None
        );
        assert_eq!(peek_policies(r#"{"policies": 3}"#), None);
        assert_eq!(peek_policies(r#"["policies"]"#), None);
        assert_eq!(peek_policies(r#"{"scenarios": []} x "policies""#), None);
    }
}
