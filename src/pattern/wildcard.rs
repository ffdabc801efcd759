//! IAM wildcards (`*`, `?`) compiled once into the cheapest matcher that can decide them.
//!
//! Two dialects exist. [`Dialect::Plain`] (actions, `StringLike`, each `ArnLike` component): `*`
//! matches any run of characters and `?` any one character. [`Dialect::Resource`] (the `Resource`
//! element): wildcards stay inside a colon-delimited segment, except a `*` that is the last
//! character of a segment, which may expand past colons
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>).
//! Matching is case-sensitive; callers fold case first where AWS ignores it.

use super::nfa::Nfa;
use super::token::collapse_stars;
pub(crate) use super::token::{tokenize, Token};
pub use super::token::{Dialect, MAX_PATTERN_CHARS};

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wildcard {
    source: Box<str>,
    strategy: Strategy,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Strategy {
    Any,
    Exact,
    Prefix(Box<str>),
    Suffix(Box<str>),
    Contains(Box<str>),
    /// The plain dialect's general shapes (`?`, or stars inside): the `wildmatch` crate, which
    /// matched 1.3-1.9x and compiled 5x faster than the shift-and automaton on the pattern
    /// bench (docs/performance.md)
    Glob(Glob),
    /// The resource dialect's general shapes (stars confined to a segment)
    Nfa(Nfa),
}

/// A `wildmatch` pattern (`*`, `?`; case-sensitive).
#[derive(Debug, Clone, PartialEq)]
struct Glob(wildmatch::WildMatch);

impl Eq for Glob {}

/// The matcher for a general pattern: `wildmatch` for the plain dialect, the automaton for the
/// resource dialect (whose stars stay within a segment, which `wildmatch` cannot express).
fn general(tokens: &[Token], dialect: Dialect) -> Strategy {
    match dialect {
        Dialect::Plain => {
            let text: String = tokens
                .iter()
                .map(|t| match t {
                    Token::Lit(c) => *c,
                    Token::One => '?',
                    Token::Star { .. } => '*',
                })
                .collect();
            Strategy::Glob(Glob(wildmatch::WildMatch::new(&text)))
        }
        Dialect::Resource => Strategy::Nfa(Nfa::new(tokens.to_vec(), dialect)),
    }
}

/// Error for a pattern longer than [`MAX_PATTERN_CHARS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooLong;

impl Wildcard {
    /// Compile `pattern`; `*` and `?` are wildcards, everything else literal.
    pub fn new(pattern: &str, dialect: Dialect) -> Result<Self, TooLong> {
        // The shapes of nearly every action and most resources (no wildcard, `*` alone, one
        // trailing `*`), classified without tokenizing: loading 1,000 roles compiles ~100,000
        // patterns. Same result as the general path (`shortcut_agrees_with_tokenizing`).
        if pattern.len() <= MAX_PATTERN_CHARS {
            match pattern.bytes().filter(|b| matches!(b, b'*' | b'?')).count() {
                0 => return Ok(Self::literal(pattern)),
                1 if pattern == "*" => {
                    return Ok(Self {
                        source: pattern.into(),
                        strategy: Strategy::Any,
                    })
                }
                1 => {
                    if let Some(prefix) = pattern.strip_suffix('*') {
                        return Ok(Self {
                            source: pattern.into(),
                            strategy: Strategy::Prefix(prefix.into()),
                        });
                    }
                }
                _ => {}
            }
        }
        Self::from_tokens(pattern, tokenize(pattern, dialect), dialect)
    }

    /// A pattern that matches `text` literally.
    pub fn literal(text: &str) -> Self {
        Self {
            source: text.into(),
            strategy: Strategy::Exact,
        }
    }

    pub(crate) fn from_tokens(
        source: &str,
        tokens: Vec<Token>,
        dialect: Dialect,
    ) -> Result<Self, TooLong> {
        if tokens.len() > MAX_PATTERN_CHARS {
            return Err(TooLong);
        }
        let tokens = collapse_stars(tokens);
        let strategy = classify(&tokens, dialect);
        let source: Box<str> = match strategy {
            Strategy::Exact => tokens
                .iter()
                .filter_map(|t| match t {
                    Token::Lit(c) => Some(*c),
                    _ => None,
                })
                .collect::<String>()
                .into(),
            _ => source.into(),
        };
        Ok(Self { source, strategy })
    }

    /// The pattern as written (for an exact pattern: the literal text)
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// True when the pattern is `*` alone
    pub fn is_any(&self) -> bool {
        matches!(self.strategy, Strategy::Any)
    }

    /// True when the pattern has no wildcard
    pub fn is_exact(&self) -> bool {
        matches!(self.strategy, Strategy::Exact)
    }

    /// Does `text` match? Linear in `text` for a given pattern; allocates nothing.
    pub fn is_match(&self, text: &str) -> bool {
        match &self.strategy {
            Strategy::Any => true,
            Strategy::Exact => text == &*self.source,
            Strategy::Prefix(p) => text.starts_with(&**p),
            Strategy::Suffix(s) => text.ends_with(&**s),
            Strategy::Contains(s) => text.contains(&**s),
            Strategy::Glob(g) => g.0.matches(text),
            Strategy::Nfa(nfa) => nfa.is_match(text),
        }
    }
}

/// The text of `tokens` when every one is a literal.
fn literal_run(tokens: &[Token]) -> Option<String> {
    tokens
        .iter()
        .map(|t| match t {
            Token::Lit(c) => Some(*c),
            _ => None,
        })
        .collect()
}

/// The cheapest matcher that decides `tokens`.
fn classify(tokens: &[Token], dialect: Dialect) -> Strategy {
    let stars = tokens
        .iter()
        .filter(|t| matches!(t, Token::Star { .. }))
        .count();
    let ones = tokens.iter().any(|t| matches!(t, Token::One));
    if ones || stars > 2 {
        return general(tokens, dialect);
    }
    match tokens {
        [Token::Star { spans: true }] => return Strategy::Any,
        _ if stars == 0 => return Strategy::Exact,
        [rest @ .., Token::Star { spans: true }] if stars == 1 => {
            if let Some(p) = literal_run(rest) {
                return Strategy::Prefix(p.into());
            }
        }
        [Token::Star { spans: true }, rest @ ..] if stars == 1 => {
            if let Some(s) = literal_run(rest) {
                return Strategy::Suffix(s.into());
            }
        }
        [Token::Star { spans: true }, mid @ .., Token::Star { spans: true }] if stars == 2 => {
            if let Some(s) = literal_run(mid) {
                return Strategy::Contains(s.into());
            }
        }
        _ => {}
    }
    general(tokens, dialect)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut in `Wildcard::new` classifies exactly as tokenizing does.
    #[test]
    fn shortcut_agrees_with_tokenizing() {
        for dialect in [Dialect::Plain, Dialect::Resource] {
            for p in [
                "",
                "*",
                "s3:getobject",
                "logs:describe*",
                "arn:aws:s3:::b/*",
                "arn:aws:s3:::b*",
                "a:*",
                "é*",
                "**",
                "*a",
                "a?",
                "?",
                "arn:aws:iam::1:role/x*:y",
            ] {
                let general = Wildcard::from_tokens(p, tokenize(p, dialect), dialect).unwrap();
                assert_eq!(
                    Wildcard::new(p, dialect).unwrap(),
                    general,
                    "{p} ({dialect:?})"
                );
            }
        }
    }

    fn m(p: &str, t: &str) -> bool {
        Wildcard::new(p, Dialect::Plain).unwrap().is_match(t)
    }
    fn r(p: &str, t: &str) -> bool {
        Wildcard::new(p, Dialect::Resource).unwrap().is_match(t)
    }

    #[test]
    fn plain_wildcards() {
        assert!(m("*", ""));
        assert!(m("s3:get*", "s3:getobject"));
        assert!(!m("s3:get*", "s3:putobject"));
        assert!(m("*object", "s3:getobject"));
        assert!(m("*:get*", "s3:getobject"));
        assert!(m("a?c", "abc"));
        assert!(!m("a?c", "ac"));
        assert!(m("a*b*c", "axxbyyc"));
        assert!(!m("a*b*c", "axxbyy"));
        assert!(m("é?", "éü"));
        assert!(m("exact", "exact"));
        assert!(!m("exact", "exactly"));
        assert!(m("**", "anything"));
    }

    #[test]
    fn resource_star_ending_a_segment_spans_colons() {
        assert!(r(
            "arn:aws:lambda:us-east-1:1:function:acme-dev-*",
            "arn:aws:lambda:us-east-1:1:function:acme-dev-x:prod"
        ));
        assert!(r("arn:aws:iam::*", "arn:aws:iam::123:role/x"));
        assert!(!r("arn:aws:s3:::a*b", "arn:aws:s3:::a:xb"));
        assert!(r("arn:aws:s3:::a*b", "arn:aws:s3:::a/xb"));
        assert!(!r("arn:aws:s3:::a?b", "arn:aws:s3:::a:b"));
        assert!(r(
            "arn:aws:ec2:*:*:instance/*",
            "arn:aws:ec2:us-east-1:1:instance/i-1"
        ));
    }

    #[test]
    fn adversarial_patterns_stay_linear() {
        let text = "a".repeat(200_000);
        assert!(!m("*a*a*a*a*a*a*a*b", &text));
        assert!(!r("arn:*a*a*a*a*b", &text));
    }

    #[test]
    fn long_patterns_use_several_words() {
        let p = format!("{}*{}?", "x".repeat(100), "y".repeat(100));
        let t = format!("{}zz{}q", "x".repeat(100), "y".repeat(100));
        assert!(m(&p, &t));
        assert!(Wildcard::new(&"x".repeat(MAX_PATTERN_CHARS + 1), Dialect::Plain).is_err());
    }
}
