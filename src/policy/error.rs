//! Errors raised while reading a policy document: each names the file and the JSON path.

use std::fmt;

/// A policy document AWS would reject, or that iamsim does not understand.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", one_line(&format!("{}: {}: {}", .file, .path, .kind)))]
pub struct PolicyError {
    file: String,
    path: String,
    kind: PolicyErrorKind,
}

impl PolicyError {
    pub(crate) fn new(file: &str, path: &JsonPath<'_>, kind: PolicyErrorKind) -> Self {
        Self {
            file: file.to_string(),
            path: path.to_string(),
            kind,
        }
    }

    /// The file (or label) the document came from
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The JSON path of the offending element, such as `Statement[2].Condition.StringLike`
    pub fn json_path(&self) -> &str {
        &self.path
    }

    /// What is wrong
    pub fn kind(&self) -> &PolicyErrorKind {
        &self.kind
    }
}

/// What is wrong with a policy document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyErrorKind {
    /// A JSON value of the wrong type
    #[error("expected {expected}, found {found}")]
    WrongType {
        /// What AWS accepts here
        expected: &'static str,
        /// The JSON type found
        found: &'static str,
    },
    /// An element name AWS does not know
    #[error("unknown element `{name}`{}", did_you_mean(.suggestion))]
    UnknownElement {
        /// The name found
        name: String,
        /// The closest known name
        suggestion: Option<String>,
    },
    /// A required element is absent
    #[error("missing `{0}`")]
    Missing(&'static str),
    /// A resource-based policy statement without `Resource` or `NotResource` where AWS requires
    /// one; the text says where AWS accepts the omission and how to fix the statement
    #[error("missing `Resource`: {0}")]
    MissingResource(String),
    /// Two mutually exclusive elements are both present
    #[error("`{0}` and `{1}` cannot both appear in a statement")]
    Exclusive(&'static str, &'static str),
    /// An element that this kind of policy may not contain
    #[error("`{element}` is not allowed in {policy_kind}")]
    NotAllowed {
        /// The element
        element: &'static str,
        /// The kind of policy
        policy_kind: &'static str,
    },
    /// An invalid value
    #[error("invalid {what} {}: {why}", quoted(.value))]
    Invalid {
        /// What the value should be
        what: &'static str,
        /// The value found
        value: String,
        /// Why it is rejected
        why: String,
    },
    /// A condition operator AWS does not define
    #[error("unknown condition operator `{name}`{}", did_you_mean(.suggestion))]
    UnknownOperator {
        /// The operator found
        name: String,
        /// The closest known operator
        suggestion: Option<String>,
    },
    /// The same Sid twice in one policy
    #[error("duplicate Sid `{0}`: a Sid must be unique within a policy")]
    DuplicateSid(String),
    /// A list that must not be empty
    #[error("`{0}` must not be empty")]
    Empty(&'static str),
}

/// `text` with control characters escaped (`\n`, `\u{1b}`), so that a message quoting user
/// input stays on one line and cannot drive a terminal.
pub(crate) fn one_line(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The most characters of an offending value an error shows: enough to find it, and a huge
/// value still gives a one-line message of bounded size.
const SHOWN_CHARS: usize = 80;

/// The value in backticks, cut after [`SHOWN_CHARS`] characters.
fn quoted(value: &str) -> String {
    let count = value.chars().count();
    if count <= SHOWN_CHARS {
        return format!("`{value}`");
    }
    let head: String = value.chars().take(SHOWN_CHARS).collect();
    format!("`{head}...` ({count} characters)")
}

fn did_you_mean(s: &Option<String>) -> String {
    match s {
        Some(s) => format!(" (did you mean `{s}`?)"),
        None => String::new(),
    }
}

/// A JSON path under construction, such as `Statement[1].Action[0]`: a chain of borrowed
/// segments, rendered only when an error needs it (building a string per element cost a tenth
/// of loading 1,000 roles).
#[derive(Debug, Clone, Copy)]
pub(crate) enum JsonPath<'a> {
    /// The document itself
    Root,
    /// A key under a parent
    Key(&'a JsonPath<'a>, &'a str),
    /// An array index under a parent
    Index(&'a JsonPath<'a>, usize),
}

impl<'a> JsonPath<'a> {
    pub(crate) fn root() -> Self {
        Self::Root
    }

    pub(crate) fn key(&'a self, key: &'a str) -> JsonPath<'a> {
        JsonPath::Key(self, key)
    }

    pub(crate) fn index(&'a self, i: usize) -> JsonPath<'a> {
        JsonPath::Index(self, i)
    }

    fn write(&self, out: &mut String) {
        match self {
            Self::Root => {}
            Self::Key(parent, key) => {
                parent.write(out);
                if !matches!(parent, Self::Root) {
                    out.push('.');
                }
                let simple = !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if simple {
                    out.push_str(key);
                } else {
                    out.push_str(&format!("{key:?}"));
                }
            }
            Self::Index(parent, i) => {
                parent.write(out);
                out.push_str(&format!("[{i}]"));
            }
        }
    }
}

impl fmt::Display for JsonPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.write(&mut out);
        if out.is_empty() {
            f.write_str("(document)")
        } else {
            f.write_str(&out)
        }
    }
}

/// The name in `candidates` closest to `name` by edit distance (case-insensitive), if close enough.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(&lower, &c.to_ascii_lowercase());
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    let limit = (name.chars().count() / 3).max(2);
    best.filter(|(d, _)| *d <= limit)
        .map(|(_, c)| c.to_string())
}

/// Levenshtein distance over chars.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        if let Some(first) = cur.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(usize::MAX) + 1;
            let ins = cur.get(j).copied().unwrap_or(usize::MAX) + 1;
            let sub = prev.get(j).copied().unwrap_or(usize::MAX) + cost;
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = del.min(ins).min(sub);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_render_like_jq() {
        let root = JsonPath::root();
        assert_eq!(root.to_string(), "(document)");
        let statement = root.key("Statement");
        let second = statement.index(2);
        let p = second.key("Condition");
        assert_eq!(p.to_string(), "Statement[2].Condition");
        assert_eq!(
            p.key("aws:SourceArn").to_string(),
            "Statement[2].Condition.\"aws:SourceArn\""
        );
    }

    #[test]
    fn closest_suggests_near_names() {
        assert_eq!(
            closest("Efect", ["Effect", "Action"]),
            Some("Effect".into())
        );
        assert_eq!(closest("zzzzzz", ["Effect", "Action"]), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn a_long_value_is_cut_in_the_message() {
        let kind = PolicyErrorKind::Invalid {
            what: "resource",
            value: "a".repeat(100),
            why: "pattern too long".into(),
        };
        assert_eq!(
            kind.to_string(),
            format!(
                "invalid resource `{}...` (100 characters): pattern too long",
                "a".repeat(80)
            )
        );
    }

    #[test]
    fn control_characters_in_input_are_escaped_in_messages() {
        let e = PolicyError::new(
            "p.json",
            &JsonPath::Key(&JsonPath::Root, "Statem\nt"),
            PolicyErrorKind::UnknownElement {
                name: "Statem\nt\u{1b}[31m".into(),
                suggestion: None,
            },
        );
        assert_eq!(
            e.to_string(),
            "p.json: \"Statem\\nt\": unknown element `Statem\\nt\\u{1b}[31m`"
        );
    }
}
