//! Patterns as tokens: literal characters, `?` and `*` (which, in the resource dialect, may
//! span colons only when it ends its segment).

/// The longest pattern accepted, in characters (documented limit; AWS policies are far smaller).
pub const MAX_PATTERN_CHARS: usize = 2040;

/// Which wildcard rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `*` spans anything, `?` is any one character
    Plain,
    /// Wildcards stay within a `:` segment, except a `*` ending a segment
    Resource,
}

/// One element of a compiled pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Token {
    /// A literal character
    Lit(char),
    /// `?`: one character (not `:` in the resource dialect)
    One,
    /// `*`; `spans` says whether it may match `:`
    Star { spans: bool },
}

/// The tokens of `pattern`: `*` and `?` are wildcards, everything else literal.
pub(crate) fn tokenize(pattern: &str, dialect: Dialect) -> Vec<Token> {
    let chars: Vec<char> = pattern.chars().collect();
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| match c {
            '*' => Token::Star {
                spans: dialect == Dialect::Plain || star_ends_segment(&chars, i),
            },
            '?' => Token::One,
            c => Token::Lit(*c),
        })
        .collect()
}

/// A `*` ends its segment when every character after it up to the next `:` (or the end) is a `*`.
fn star_ends_segment(chars: &[char], i: usize) -> bool {
    chars
        .iter()
        .skip(i + 1)
        .take_while(|c| **c != ':')
        .all(|c| *c == '*')
}

/// Runs of stars become one star, which spans if any of them does.
pub(crate) fn collapse_stars(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    for t in tokens {
        if let (Token::Star { spans: s }, Some(Token::Star { spans: prev })) = (t, out.last_mut()) {
            *prev = *prev || s;
            continue;
        }
        out.push(t);
    }
    out
}
