//! Where an element sits in JSON text: the byte offset, line and column of the value at a JSON
//! path, found by walking the text along the path (serde_json's `Value` keeps no positions).
//! Lint findings use it for their lines, `explain --format aws` for the start and end of each
//! matched statement (AWS's `StartPosition` and `EndPosition`).

/// One step of a JSON path: an object member or an array element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// An object member, by key
    Key(String),
    /// An array element, by 0-based index
    Index(usize),
}

/// The byte range of the value at `path` in `text` (its first byte to just past its last).
pub fn value_span(text: &str, path: &[Segment]) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let at = find(bytes, path)?;
    // For a member, `find` gives the key's offset: step to the value.
    let start = match (path.last(), bytes.get(at)) {
        (Some(Segment::Key(_)), Some(b'"')) => {
            let p = skip_ws(bytes, string_end(bytes, at)?);
            (bytes.get(p) == Some(&b':')).then(|| skip_ws(bytes, p + 1))?
        }
        _ => at,
    };
    Some((start, value_end(bytes, start)?))
}

/// The 1-based line and column (in characters) of byte `offset` of `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = 1 + before.bytes().filter(|b| *b == b'\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = 1 + before.get(line_start..).map_or(0, |l| l.chars().count());
    (line, column)
}

/// The byte offset of the element at `path`.
pub(crate) fn find(bytes: &[u8], path: &[Segment]) -> Option<usize> {
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

    const TEXT: &str = "{\n  \"Statement\": [\n    {\"Sid\": \"A\"},\n    {\n      \"Sid\": \"B }\"\n    }\n  ]\n}";

    fn at(path: &[Segment]) -> Option<((usize, usize), (usize, usize))> {
        let (s, e) = value_span(TEXT, path)?;
        Some((line_column(TEXT, s), line_column(TEXT, e - 1)))
    }

    #[test]
    fn spans_of_elements_and_members() {
        let st = |i| vec![Segment::Key("Statement".into()), Segment::Index(i)];
        assert_eq!(at(&st(0)), Some(((3, 5), (3, 16))));
        assert_eq!(at(&st(1)), Some(((4, 5), (6, 5))));
        assert_eq!(at(&st(2)), None);
        assert_eq!(
            at(&[Segment::Key("Statement".into())]).map(|s| s.0),
            Some((2, 16))
        );
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(line_column("{\"é\": 1}", 7), (1, 7));
    }
}
