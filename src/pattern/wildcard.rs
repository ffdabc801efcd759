//! IAM wildcards (`*`, `?`) compiled once into the cheapest matcher that can decide them.
//!
//! Two dialects exist. [`Dialect::Plain`] (actions, `StringLike`, each `ArnLike` component): `*`
//! matches any run of characters and `?` any one character. [`Dialect::Resource`] (the `Resource`
//! element): wildcards stay inside a colon-delimited segment, except a `*` that is the last
//! character of a segment, which may expand past colons
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>).
//! Matching is case-sensitive; callers fold case first where AWS ignores it.

/// The longest pattern accepted, in characters (documented limit; AWS policies are far smaller).
pub const MAX_PATTERN_CHARS: usize = 2040;
const WORDS: usize = (MAX_PATTERN_CHARS + 1).div_ceil(64) + 1;

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
    Nfa(Nfa),
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
            Strategy::Nfa(nfa) => nfa.is_match(text),
        }
    }
}

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
fn collapse_stars(tokens: Vec<Token>) -> Vec<Token> {
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

fn literal_run(tokens: &[Token]) -> Option<String> {
    tokens
        .iter()
        .map(|t| match t {
            Token::Lit(c) => Some(*c),
            _ => None,
        })
        .collect()
}

fn classify(tokens: &[Token], dialect: Dialect) -> Strategy {
    let stars = tokens
        .iter()
        .filter(|t| matches!(t, Token::Star { .. }))
        .count();
    let ones = tokens.iter().any(|t| matches!(t, Token::One));
    if ones || stars > 2 {
        return Strategy::Nfa(Nfa::new(tokens.to_vec(), dialect));
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
    Strategy::Nfa(Nfa::new(tokens.to_vec(), dialect))
}

/// A bit-parallel simulation of the pattern's automaton: state `i` means "the first `i` tokens
/// matched". Cost is O(text × active states); no backtracking, so `*a*a*a*b` stays linear.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Nfa {
    tokens: Box<[Token]>,
    stars: Box<[usize]>,
    words: usize,
    colon_stops: bool,
    /// For patterns of fewer than 64 tokens: the state set fits one `u64` (shift-and)
    small: Option<Box<ShiftAnd>>,
}

/// Shift-and over one word: bit `i` is state `i`. Per character, states advance on a literal or
/// `?` that accepts it, stay on a `*` that accepts it, then flow over each `*` (stars are
/// collapsed, so one flow step is the closure). A few instructions per character.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ShiftAnd {
    /// For each ASCII character `c`, the slot in `masks` of the states whose token is the
    /// literal `c` (slot 0: no state). A pattern uses a few distinct characters, so this keeps a
    /// compiled pattern near 200 bytes instead of the 1 KB of a full table (1,000 roles hold
    /// tens of thousands of patterns).
    slot: [u8; 128],
    /// State masks by slot; `masks[0]` is 0
    masks: Box<[u64]>,
    /// States whose token is `?`
    ones: u64,
    /// States whose token is `*`
    stars: u64,
    /// States whose token is a `*` that may match `:`
    spanning: u64,
    /// The accepting state
    accept: u64,
}

impl ShiftAnd {
    fn new(tokens: &[Token]) -> Option<Self> {
        if tokens.len() >= 64 {
            return None;
        }
        let mut slot = [0u8; 128];
        let mut masks = vec![0u64];
        let mut m = Self {
            slot: [0; 128],
            masks: Box::new([]),
            ones: 0,
            stars: 0,
            spanning: 0,
            accept: 1 << tokens.len(),
        };
        for (i, t) in tokens.iter().enumerate() {
            let bit = 1u64 << i;
            match *t {
                Token::Lit(c) if c.is_ascii() => {
                    if let Some(s) = slot.get_mut(c as usize) {
                        if *s == 0 {
                            // At most 63 tokens, so at most 64 slots: fits a u8.
                            *s = u8::try_from(masks.len()).unwrap_or(0);
                            masks.push(0);
                        }
                        if let Some(mask) = masks.get_mut(usize::from(*s)) {
                            *mask |= bit;
                        }
                    }
                }
                // A non-ASCII literal is looked up by scanning the tokens.
                Token::Lit(_) => {}
                Token::One => m.ones |= bit,
                Token::Star { spans } => {
                    m.stars |= bit;
                    if spans {
                        m.spanning |= bit;
                    }
                }
            }
        }
        m.slot = slot;
        m.masks = masks.into();
        Some(m)
    }

    /// The states whose token is the literal ASCII character `c`
    #[inline]
    fn literal(&self, c: char) -> u64 {
        let s = self.slot.get(c as usize).copied().unwrap_or(0);
        self.masks.get(usize::from(s)).copied().unwrap_or(0)
    }
}

impl Nfa {
    fn new(tokens: Vec<Token>, dialect: Dialect) -> Self {
        let stars = tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| matches!(t, Token::Star { .. }))
            .map(|(i, _)| i)
            .collect();
        let words = (tokens.len() + 1).div_ceil(64);
        let small = ShiftAnd::new(&tokens).map(Box::new);
        Self {
            tokens: tokens.into(),
            stars,
            words,
            colon_stops: dialect == Dialect::Resource,
            small,
        }
    }

    fn is_match_small(&self, m: &ShiftAnd, text: &str) -> bool {
        let flow = |d: u64| d | ((d & m.stars) << 1);
        let mut d = flow(1);
        for c in text.chars() {
            let lits = if c.is_ascii() {
                m.literal(c)
            } else {
                self.tokens
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| **t == Token::Lit(c))
                    .fold(0, |acc, (i, _)| acc | 1 << i)
            };
            let (ones, stay) = if self.colon_stops && c == ':' {
                (0, m.spanning)
            } else {
                (m.ones, m.stars)
            };
            d = flow(((d & (lits | ones)) << 1) | (d & stay));
            if d == 0 {
                return false;
            }
        }
        d & m.accept != 0
    }

    fn close(&self, set: &mut [u64; WORDS]) {
        // INVARIANT: stars are collapsed, so one ascending pass reaches the closure.
        for &i in self.stars.iter() {
            if get(set, i) {
                put(set, i + 1);
            }
        }
    }

    fn is_match(&self, text: &str) -> bool {
        if let Some(m) = &self.small {
            return self.is_match_small(m, text);
        }
        let mut cur = [0u64; WORDS];
        put(&mut cur, 0);
        self.close(&mut cur);
        for c in text.chars() {
            let mut next = [0u64; WORDS];
            let mut any = false;
            for (w, word) in cur.iter().take(self.words).enumerate() {
                let mut bits = *word;
                while bits != 0 {
                    let i = w * 64 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    let Some(tok) = self.tokens.get(i) else {
                        continue;
                    };
                    match *tok {
                        Token::Lit(l) if l == c => put(&mut next, i + 1),
                        Token::One if !(self.colon_stops && c == ':') => put(&mut next, i + 1),
                        Token::Star { spans } if spans || c != ':' => put(&mut next, i),
                        _ => continue,
                    }
                    any = true;
                }
            }
            if !any {
                return false;
            }
            self.close(&mut next);
            cur = next;
        }
        get(&cur, self.tokens.len())
    }
}

fn get(set: &[u64; WORDS], i: usize) -> bool {
    set.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
}

fn put(set: &mut [u64; WORDS], i: usize) {
    if let Some(w) = set.get_mut(i / 64) {
        *w |= 1 << (i % 64);
    }
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
    fn shift_and_agrees_with_the_general_simulation() {
        let cases = [
            ("a?c*d", "abcxxd"),
            ("a?c*d", "abcxx"),
            ("*a*a*b", "aaab"),
            ("é?*ü", "éxyü"),
            ("arn:*:x?", "arn:a:b:xy"),
            ("arn:a*b:x?", "arn:a:b:xy"),
            ("arn:a*b:x?", "arn:axb:xy"),
        ];
        for dialect in [Dialect::Plain, Dialect::Resource] {
            for (p, t) in cases {
                let tokens = collapse_stars(tokenize(p, dialect));
                let mut general = Nfa::new(tokens.clone(), dialect);
                general.small = None;
                let small = Nfa::new(tokens, dialect);
                assert!(small.small.is_some());
                assert_eq!(
                    small.is_match(t),
                    general.is_match(t),
                    "{p} {t} {dialect:?}"
                );
            }
        }
        // A `*` ending its segment spans colons; one inside a segment does not.
        assert!(r("arn:*:x?", "arn:a:b:xy"));
        assert!(!r("arn:a*b:x?", "arn:a:b:xy"));
        assert!(r("arn:a*b:x?", "arn:axb:xy"));
    }

    #[test]
    fn long_patterns_use_several_words() {
        let p = format!("{}*{}?", "x".repeat(100), "y".repeat(100));
        let t = format!("{}zz{}q", "x".repeat(100), "y".repeat(100));
        assert!(m(&p, &t));
        assert!(Wildcard::new(&"x".repeat(MAX_PATTERN_CHARS + 1), Dialect::Plain).is_err());
    }
}
