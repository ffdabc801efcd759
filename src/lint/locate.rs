//! JSON paths inside a file, and the line where the element at a path starts. The policy model
//! keeps no positions, so the line is found by walking the file text again along the path.

use std::fmt;

pub use crate::jsonpos::Segment;

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
    let pos = crate::jsonpos::find(text.as_bytes(), path.segments()).unwrap_or(0);
    let before = text.get(..pos).unwrap_or(text);
    1 + before.bytes().filter(|b| *b == b'\n').count()
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
