//! Glob languages as automata: every pattern the engine matches a string against (policy
//! resource patterns in the resource dialect, `StringLike` values in the plain dialect, `ArnLike`
//! values component by component, literal and case-folded values, the catalog's ARN formats)
//! as one token list, so that [`super::partition`] can run them side by side and find which
//! Boolean combinations of them some string realises.

use crate::pattern::wildcard::{tokenize, Dialect, Token};

/// One element of a glob.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Tok {
    /// This character
    Lit(char),
    /// A character whose lowercase is this one (`...IgnoreCase` values)
    Fold(char),
    /// Any one character (`colon: false`: any but `:`)
    One { colon: bool },
    /// Any run of characters (`colon: false`: without `:`)
    Star { colon: bool },
}

/// A glob: a token list whose states are "the first `i` tokens matched".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Glob {
    toks: Box<[Tok]>,
    /// The positions of the stars in `toks` (derived from it)
    stars: Box<[u32]>,
}

/// A piece of a glob built in code (see [`Glob::seq`]).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Piece<'a> {
    /// Literal text
    L(&'a str),
    /// A non-empty run without `:`
    PlusNc,
    /// A run without `:`
    StarNc,
    /// Any run
    Star,
}

/// The lowercase of `c` when it is one character (what `str::to_lowercase` does per character).
pub(crate) fn lower(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

impl Glob {
    /// A glob of `toks`; runs of stars become one star (spanning `:` if any of them does).
    pub(crate) fn new(toks: Vec<Tok>) -> Self {
        let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
        for t in toks {
            if let (Tok::Star { colon }, Some(Tok::Star { colon: prev })) = (t, out.last_mut()) {
                *prev = *prev || colon;
                continue;
            }
            out.push(t);
        }
        let stars = out
            .iter()
            .enumerate()
            .filter(|(_, t)| matches!(t, Tok::Star { .. }))
            .filter_map(|(i, _)| u32::try_from(i).ok())
            .collect();
        Self {
            toks: out.into(),
            stars,
        }
    }

    /// Exactly `text`.
    pub(crate) fn literal(text: &str) -> Self {
        Self::new(text.chars().map(Tok::Lit).collect())
    }

    /// `text` ignoring case, as `StringEqualsIgnoreCase` compares (`to_lowercase` on both sides).
    pub(crate) fn folded(text: &str) -> Self {
        Self::new(
            text.chars()
                .map(|c| {
                    let l = lower(c);
                    if l == c && c.to_uppercase().eq(std::iter::once(c)) {
                        Tok::Lit(c)
                    } else {
                        Tok::Fold(l)
                    }
                })
                .collect(),
        )
    }

    /// A policy pattern in `dialect`, with the engine's own tokenizer.
    pub(crate) fn pattern(pattern: &str, dialect: Dialect) -> Self {
        Self::from_tokens(&tokenize(pattern, dialect), dialect)
    }

    /// Tokens of `crate::pattern`, in `dialect`.
    pub(crate) fn from_tokens(tokens: &[Token], dialect: Dialect) -> Self {
        let plain = dialect == Dialect::Plain;
        Self::new(
            tokens
                .iter()
                .map(|t| match *t {
                    Token::Lit(c) => Tok::Lit(c),
                    Token::One => Tok::One { colon: plain },
                    Token::Star { spans } => Tok::Star { colon: spans },
                })
                .collect(),
        )
    }

    /// An `ArnLike`/`ArnEquals` value: six components, each a plain wildcard, the first five
    /// without `:` (the request value is split at its first five colons). `None` when the value
    /// does not have six components (it then matches nothing).
    pub(crate) fn arn_value(pattern: &str) -> Option<Self> {
        let parts: Vec<&str> = pattern.splitn(6, ':').collect();
        if parts.len() != 6 {
            return None;
        }
        let mut toks = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                toks.push(Tok::Lit(':'));
            }
            let last = i == 5;
            for t in tokenize(part, Dialect::Plain) {
                toks.push(match t {
                    Token::Lit(c) => Tok::Lit(c),
                    Token::One => Tok::One { colon: last },
                    Token::Star { .. } => Tok::Star { colon: last },
                });
            }
        }
        Some(Self::new(toks))
    }

    /// A catalog ARN format (`arn:${Partition}:ecr:...:repository/${RepositoryName}`) as the
    /// catalog matches it: a placeholder is a non-empty run without `:`; with `qualified`, a
    /// placeholder ending the format is instead a run holding at least one `:`; `*` is any run.
    pub(crate) fn format(template: &str, qualified: bool) -> Self {
        let mut toks = Vec::new();
        let mut rest = template;
        while let Some(c) = rest.chars().next() {
            if let Some(after) = rest.strip_prefix("${") {
                if let Some(close) = after.find('}') {
                    rest = after.get(close + 1..).unwrap_or("");
                    if qualified && rest.is_empty() {
                        toks.extend([
                            Tok::Star { colon: true },
                            Tok::Lit(':'),
                            Tok::Star { colon: true },
                        ]);
                    } else {
                        toks.extend([Tok::One { colon: false }, Tok::Star { colon: false }]);
                    }
                    continue;
                }
            }
            toks.push(if c == '*' {
                Tok::Star { colon: true }
            } else {
                Tok::Lit(c)
            });
            rest = rest.get(c.len_utf8()..).unwrap_or("");
        }
        Self::new(toks)
    }

    /// A glob built from pieces.
    pub(crate) fn seq(pieces: &[Piece<'_>]) -> Self {
        let mut toks = Vec::new();
        for p in pieces {
            match p {
                Piece::L(s) => toks.extend(s.chars().map(Tok::Lit)),
                Piece::PlusNc => {
                    toks.extend([Tok::One { colon: false }, Tok::Star { colon: false }]);
                }
                Piece::StarNc => toks.push(Tok::Star { colon: false }),
                Piece::Star => toks.push(Tok::Star { colon: true }),
            }
        }
        Self::new(toks)
    }

    /// Every ARN as `Arn::parse` reads one: `arn:`, a partition and a service (non-empty), a
    /// region and an account, and the rest.
    pub(crate) fn any_arn() -> Self {
        use Piece::{PlusNc, Star, StarNc, L};
        Self::seq(&[
            L("arn:"),
            PlusNc,
            L(":"),
            PlusNc,
            L(":"),
            StarNc,
            L(":"),
            StarNc,
            L(":"),
            Star,
        ])
    }

    /// The tokens.
    pub(crate) fn toks(&self) -> &[Tok] {
        &self.toks
    }

    /// 64-bit words in a state set (states `0..=len`).
    pub(crate) fn words(&self) -> usize {
        (self.toks.len() + 1).div_ceil(64)
    }

    /// Close a state set over stars (a star may match nothing). Runs of stars are one star, so
    /// one pass in order is enough.
    fn close(&self, set: &mut [u64]) {
        for &i in self.stars.iter() {
            let i = i as usize;
            if get(set, i) {
                put(set, i + 1);
            }
        }
    }

    /// The start state set, written into `out` (`words()` words, zeroed by the caller).
    pub(crate) fn start(&self, out: &mut [u64]) {
        put(out, 0);
        self.close(out);
    }

    /// The states after reading `c` from `cur`, written into `out` (zeroed by the caller).
    pub(crate) fn step(&self, cur: &[u64], c: char, out: &mut [u64]) {
        self.step_lower(cur, c, lower(c), out);
    }

    /// [`Self::step`] with `c`'s lowercase `lc` computed by the caller (once per character).
    pub(crate) fn step_lower(&self, cur: &[u64], c: char, lc: char, out: &mut [u64]) {
        for (w, word) in cur.iter().enumerate() {
            let mut bits = *word;
            while bits != 0 {
                let i = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let Some(t) = self.toks.get(i) else { continue };
                match *t {
                    Tok::Lit(l) if l == c => put(out, i + 1),
                    Tok::Fold(l) if l == lc => put(out, i + 1),
                    Tok::One { colon } if colon || c != ':' => put(out, i + 1),
                    Tok::Star { colon } if colon || c != ':' => put(out, i),
                    _ => {}
                }
            }
        }
        self.close(out);
    }

    /// Does the state set accept?
    pub(crate) fn accepts(&self, set: &[u64]) -> bool {
        get(set, self.toks.len())
    }

    /// Can the state set still change whether it accepts? Not when it is dead (empty) or holds
    /// a final star that spans `:` (it then accepts every continuation).
    pub(crate) fn settled(&self, set: &[u64]) -> bool {
        if set.iter().all(|w| *w == 0) {
            return true;
        }
        let n = self.toks.len();
        n > 0 && matches!(self.toks.get(n - 1), Some(Tok::Star { colon: true })) && get(set, n - 1)
    }

    /// Does `text` match?
    pub(crate) fn is_match(&self, text: &str) -> bool {
        let (mut cur, mut next) = (vec![0u64; self.words()], vec![0u64; self.words()]);
        self.start(&mut cur);
        for c in text.chars() {
            next.fill(0);
            self.step(&cur, c, &mut next);
            if next.iter().all(|w| *w == 0) {
                return false;
            }
            std::mem::swap(&mut cur, &mut next);
        }
        self.accepts(&cur)
    }

    /// The characters the glob compares literally (both cases of a folded letter).
    pub(crate) fn chars(&self) -> impl Iterator<Item = char> + '_ {
        self.toks.iter().flat_map(|t| {
            let (a, b) = match *t {
                Tok::Lit(c) => (Some(c), None),
                Tok::Fold(c) => {
                    let mut up = c.to_uppercase();
                    let upper = match (up.next(), up.next()) {
                        (Some(u), None) => Some(u),
                        _ => None,
                    };
                    (Some(c), upper)
                }
                _ => (None, None),
            };
            a.into_iter().chain(b)
        })
    }
}

fn get(set: &[u64], i: usize) -> bool {
    set.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
}

fn put(set: &mut [u64], i: usize) {
    if let Some(w) = set.get_mut(i / 64) {
        *w |= 1 << (i % 64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::{ArnPattern, Wildcard};

    #[test]
    fn resource_and_plain_globs_agree_with_the_engine_matcher() {
        let cases = [
            ("arn:aws:s3:::b/*", "arn:aws:s3:::b/x:y"),
            ("arn:aws:s3:::a*b", "arn:aws:s3:::a:xb"),
            ("arn:aws:s3:::a*b", "arn:aws:s3:::a/xb"),
            ("arn:aws:s3:::a?b", "arn:aws:s3:::a:b"),
            ("arn:*:x?", "arn:a:b:xy"),
            ("arn:a*b:x?", "arn:a:b:xy"),
            ("a*", ""),
            ("*", "anything:at:all"),
            ("log-group:/a/b*", "log-group:/a/bc:log-stream:s"),
        ];
        for (p, t) in cases {
            for d in [Dialect::Plain, Dialect::Resource] {
                let w = Wildcard::new(p, d).unwrap();
                assert_eq!(
                    Glob::pattern(p, d).is_match(t),
                    w.is_match(t),
                    "{p} {t} {d:?}"
                );
            }
        }
    }

    #[test]
    fn arn_values_match_component_by_component() {
        for (p, t) in [
            (
                "arn:aws:bedrock-agentcore:us-east-1:1:*",
                "arn:aws:bedrock-agentcore:us-east-1:1:runtime/x",
            ),
            (
                "arn:aws:bedrock-agentcore:us-east-1:1:*",
                "arn:aws:bedrock-agentcore:us-west-2:1:runtime/x",
            ),
            ("arn:aws:*:*:*:x", "arn:aws:s3:a:b:c:x"),
            ("arn:aws:*:*:*:x*", "arn:aws:s3:a:b:x:y"),
            ("*:*:*:*:*:*", "arn:a:b:c:d:e"),
            ("arn:a?:b:c:d:e", "arn:a::b:c:d:e"),
        ] {
            let want = ArnPattern::new(p).unwrap().unwrap().is_match(t);
            assert_eq!(Glob::arn_value(p).unwrap().is_match(t), want, "{p} {t}");
        }
        assert!(Glob::arn_value("arn:a").is_none());
    }

    #[test]
    fn formats_follow_the_catalog_rules() {
        let f = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}";
        let g = Glob::format(f, false);
        assert!(g.is_match("arn:aws:logs:r:1:log-group:/a/b"));
        assert!(!g.is_match("arn:aws:logs:r:1:log-group:/a/b:*"));
        let q = Glob::format(f, true);
        assert!(q.is_match("arn:aws:logs:r:1:log-group:/a/b:*"));
        assert!(!q.is_match("arn:aws:logs:r:1:log-group:/a/b"));
        assert!(!g.is_match("arn::logs:r:1:log-group:x"));
    }

    #[test]
    fn folded_literals_ignore_case() {
        let g = Glob::folded("abc-1");
        assert!(g.is_match("ABC-1"));
        assert!(!g.is_match("abd-1"));
        let mut chars: Vec<char> = g.chars().collect();
        chars.sort();
        assert_eq!(chars, ['-', '1', 'A', 'B', 'C', 'a', 'b', 'c']);
    }

    #[test]
    fn segments_and_prefixes() {
        let g = Glob::pattern("arn:aws:ecr:*:1:repository/x*", Dialect::Resource);
        assert_eq!(g.segment(2).as_deref(), Some("ecr"));
        assert_eq!(g.segment(3), None);
        assert_eq!(g.literal_prefix(), "arn:aws:ecr:");
        assert_eq!(Glob::pattern("*", Dialect::Resource).segment(2), None);
        let s = Glob::seq(&[Piece::L("arn:"), Piece::PlusNc, Piece::L(":iam:")]);
        assert_eq!(s.segment(2).as_deref(), Some("iam"));
        // In the resource dialect `*` may read `:`, so `ecr:*:1:` does not fix the segments.
        assert!(!g.is_six_segment_arn());
        assert!(
            Glob::pattern("arn:aws:ecr:us-east-1:1:repository/x*", Dialect::Resource)
                .is_six_segment_arn()
        );
        assert!(!s.is_six_segment_arn());
        assert!(!Glob::pattern("arn:aws:iam::*", Dialect::Resource).is_six_segment_arn());
        assert!(!Glob::pattern("*:aws:iam::1:x", Dialect::Resource).is_six_segment_arn());
        assert!(s.is_match("arn:aws:iam:"));
        assert!(!s.is_match("arn::iam:"));
    }
}
