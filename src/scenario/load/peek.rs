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

/// Bytes read from the top of a large JSON scenario file to peek at: `policies`, when a file
/// names it, is nearly always among the first few fields.
const PEEK_BYTES: usize = 64 * 1024;

/// Bytes read first: `policies` is nearly always the first field, and a page of fresh memory
/// per file read for nothing cost more than the peek itself.
const FIRST_BYTES: usize = 4 * 1024;

/// The `policies` a JSON scenario file larger than [`PEEK_BYTES`] names, when its first
/// [`PEEK_BYTES`] hold that key (its first [`FIRST_BYTES`] are tried first); `None` otherwise
/// (and for any fault: reading the whole text then decides, and reports it). A suite's files
/// are read whole later, once their inventories are compiled: reading 20 MB twice cost a tenth
/// of a literal suite's run.
pub(super) fn peek_policies_at_top(path: &std::path::Path, limit: u64) -> Option<Option<String>> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    if len > limit || len <= PEEK_BYTES as u64 {
        return None;
    }
    let mut top = Vec::with_capacity(FIRST_BYTES);
    (&mut file)
        .take(FIRST_BYTES as u64)
        .read_to_end(&mut top)
        .ok()?;
    if let Some(found) = peek_in(&top) {
        return Some(found);
    }
    file.take((PEEK_BYTES - top.len()) as u64)
        .read_to_end(&mut top)
        .ok()?;
    peek_in(&top)
}

/// The `policies` the top `top` of a JSON scenario file names, when it holds that key.
fn peek_in(top: &[u8]) -> Option<Option<String>> {
    // The cut may fall inside a character: keep what precedes it.
    let text = match std::str::from_utf8(top) {
        Ok(text) => text,
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(top.get(..e.valid_up_to())?).ok()?
        }
        Err(_) => return None,
    };
    let mut found = None;
    let mut de = serde_json::Deserializer::from_str(text);
    // The text is cut short: only finding the key answers.
    let _ = de.deserialize_map(Peek { found: &mut found });
    found
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

    /// A large file's top answers when it holds the key; otherwise (key further down, a cut
    /// inside a character, a small file) the whole text decides.
    #[test]
    fn the_top_of_a_large_file_answers_only_when_it_holds_the_key() {
        let dir = std::env::temp_dir().join(format!("iamsim-peek-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let case = r#"{"name": "é", "principal": "role/a", "action": "s3:GetObject", "resource": "*", "expect": "deny"}"#;
        let many = vec![case; 2_000].join(", ");
        let write = |name: &str, text: String| {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        let first = write(
            "first.json",
            format!(r#"{{"policies": "../p", "scenarios": [{many}]}}"#),
        );
        let last = write(
            "last.json",
            format!(r#"{{"scenarios": [{many}], "policies": "../p"}}"#),
        );
        let small = write(
            "small.json",
            r#"{"policies": "../p", "scenarios": []}"#.into(),
        );
        let limit = 1 << 30;
        assert_eq!(
            peek_policies_at_top(&first, limit),
            Some(Some("../p".into()))
        );
        assert_eq!(peek_policies_at_top(&last, limit), None);
        assert_eq!(peek_policies_at_top(&small, limit), None);
        assert_eq!(peek_policies_at_top(&first, 1_000), None, "over the limit");
        // The key after the first read's bytes: the second read finds it.
        let pad = "a".repeat(FIRST_BYTES);
        let later = write(
            "later.json",
            format!(r#"{{"description": "{pad}", "policies": "../q", "scenarios": [{many}]}}"#),
        );
        assert_eq!(
            peek_policies_at_top(&later, limit),
            Some(Some("../q".into()))
        );
        // The first read's cut falls between the two bytes of the first `é` (35 bytes precede
        // the pad).
        let pad = "a".repeat(FIRST_BYTES - 36);
        let text =
            format!(r#"{{"policies": null, "description": "{pad}éé", "scenarios": [{many}]}}"#);
        let cut = write("cut.json", text);
        assert_eq!(peek_policies_at_top(&cut, limit), Some(None));
        // So does the second's, the key read in between.
        let head = format!(
            r#"{{"description": "{}", "policies": "../r", "x": ""#,
            "a".repeat(FIRST_BYTES)
        );
        let pad = "a".repeat(PEEK_BYTES - 1 - head.len());
        let text = format!(r#"{head}{pad}éé", "scenarios": []}}"#);
        assert_eq!(text.find('é'), Some(PEEK_BYTES - 1), "the cut is inside it");
        let cut = write("cut2.json", text);
        assert_eq!(peek_policies_at_top(&cut, limit), Some(Some("../r".into())));
        let _ = std::fs::remove_dir_all(&dir);
    }

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
