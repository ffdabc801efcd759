//! JSON paths inside a file, and the line where the element at a path starts. The policy model
//! keeps no positions, so the line is found by walking the file text again along the path.

use std::fmt;

/// One step of a JSON path: an object member or an array element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// An object member, by key
    Key(String),
    /// An array element, by 0-based index
    Index(usize),
}

/// A JSON path such as `inline_policies.agent.Statement[0].Action`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JsonPath(Vec<Segment>);

impl JsonPath {
    /// The empty path (the whole file)
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// This path followed by member `key`
    pub fn key(&self, key: &str) -> Self {
        let mut v = self.0.clone();
        v.push(Segment::Key(key.to_string()));
        Self(v)
    }

    /// This path followed by element `index`
    pub fn index(&self, index: usize) -> Self {
        let mut v = self.0.clone();
        v.push(Segment::Index(index));
        Self(v)
    }

    /// The steps, from the top
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(document)");
        }
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Segment::Key(k) if i == 0 => write!(f, "{k}")?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// The 1-based line where the element at `path` starts in `text` (for a member, the line of
/// its key), or 1 when the path cannot be followed. `text` should be valid JSON; anything else
/// gives a best-effort answer, never a panic.
pub fn line_of(text: &str, path: &JsonPath) -> usize {
    let pos = find(text.as_bytes(), path.segments()).unwrap_or(0);
    let before = text.get(..pos).unwrap_or(text);
    1 + before.bytes().filter(|b| *b == b'\n').count()
}

/// The byte offset of the element at `path`.
fn find(bytes: &[u8], path: &[Segment]) -> Option<usize> {
    let mut pos = skip_ws(bytes, 0);
    let mut at = pos;
    for seg in path {
        match (seg, bytes.get(pos)?) {
            (Segment::Key(want), b'{') => {
                let (key_pos, value_pos) = member(bytes, pos, want)?;
                at = key_pos;
                pos = value_pos;
            }
            (Segment::Index(want), b'[') => {
                pos = element(bytes, pos, *want)?;
                at = pos;
            }
            _ => return None,
        }
    }
    Some(at)
}

/// In the object at `pos`, the offsets of member `want`'s key and value.
fn member(bytes: &[u8], pos: usize, want: &str) -> Option<(usize, usize)> {
    let mut p = skip_ws(bytes, pos + 1);
    loop {
        match bytes.get(p)? {
            b'}' => return None,
            b'"' => {
                let p_key = p;
                let end = string_end(bytes, p)?;
                let raw = std::str::from_utf8(bytes.get(p..end)?).ok()?;
                let key: String = serde_json::from_str(raw).ok()?;
                p = skip_ws(bytes, end);
                if bytes.get(p) != Some(&b':') {
                    return None;
                }
                let value = skip_ws(bytes, p + 1);
                if key == want {
                    return Some((p_key, value));
                }
                p = skip_ws(bytes, value_end(bytes, value)?);
                if bytes.get(p) == Some(&b',') {
                    p = skip_ws(bytes, p + 1);
                }
            }
            _ => return None,
        }
    }
}

/// In the array at `pos`, the offset of element `want`.
fn element(bytes: &[u8], pos: usize, want: usize) -> Option<usize> {
    let mut p = skip_ws(bytes, pos + 1);
    for _ in 0..want {
        if bytes.get(p)? == &b']' {
            return None;
        }
        p = skip_ws(bytes, value_end(bytes, p)?);
        if bytes.get(p) != Some(&b',') {
            return None;
        }
        p = skip_ws(bytes, p + 1);
    }
    (bytes.get(p)? != &b']').then_some(p)
}

fn skip_ws(bytes: &[u8], mut p: usize) -> usize {
    while bytes.get(p).is_some_and(u8::is_ascii_whitespace) {
        p += 1;
    }
    p
}

/// The offset just past the string starting at `p` (which holds `"`).
fn string_end(bytes: &[u8], p: usize) -> Option<usize> {
    let mut i = p + 1;
    loop {
        match bytes.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// The offset just past the value starting at `p`: iterative, so nesting depth costs nothing.
fn value_end(bytes: &[u8], p: usize) -> Option<usize> {
    match bytes.get(p)? {
        b'"' => string_end(bytes, p),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = p;
            loop {
                match bytes.get(i)? {
                    b'"' => {
                        i = string_end(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let mut i = p;
            while bytes
                .get(i)
                .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
            {
                i += 1;
            }
            Some(i)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"{
  "policy": {
    "Statement": [
      { "Sid": "A", "Action": "s3:GetObject" },
      {
        "Sid": "B \"quoted\" }",
        "Action": [
          "s3:PutObject",
          "s3:GetObjcet"
        ]
      }
    ]
  }
}"#;

    fn path(keys: &[&str]) -> JsonPath {
        keys.iter().fold(JsonPath::root(), |p, k| match k.parse() {
            Ok(n) => p.index(n),
            Err(_) => p.key(k),
        })
    }

    #[test]
    fn finds_members_and_elements() {
        assert_eq!(
            line_of(TEXT, &path(&["policy", "Statement", "0", "Action"])),
            4
        );
        assert_eq!(line_of(TEXT, &path(&["policy", "Statement", "1"])), 5);
        assert_eq!(
            line_of(TEXT, &path(&["policy", "Statement", "1", "Action"])),
            7
        );
        assert_eq!(
            line_of(TEXT, &path(&["policy", "Statement", "1", "Action", "1"])),
            9
        );
    }

    #[test]
    fn missing_paths_give_line_one() {
        assert_eq!(line_of(TEXT, &path(&["policy", "Statement", "2"])), 1);
        assert_eq!(line_of(TEXT, &path(&["nothing"])), 1);
        assert_eq!(line_of("not json", &path(&["a"])), 1);
    }

    #[test]
    fn displays_in_the_policy_style() {
        let p = path(&["inline_policies", "agent", "Statement", "2", "Action"]);
        assert_eq!(p.to_string(), "inline_policies.agent.Statement[2].Action");
        assert_eq!(JsonPath::root().to_string(), "(document)");
    }
}
