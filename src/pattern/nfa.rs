//! The general matcher: a bit-parallel simulation of a pattern's automaton, for patterns no
//! literal comparison decides (`?`, or stars in the middle).

use super::token::{Dialect, Token, MAX_PATTERN_CHARS};

/// The largest state set of the general simulation, in 64-bit words.
const WORDS: usize = (MAX_PATTERN_CHARS + 1).div_ceil(64) + 1;

/// A bit-parallel simulation of the pattern's automaton: state `i` means "the first `i` tokens
/// matched". Cost is O(text × active states); no backtracking, so `*a*a*a*b` stays linear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Nfa {
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
    pub(crate) fn new(tokens: Vec<Token>, dialect: Dialect) -> Self {
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

    pub(crate) fn is_match(&self, text: &str) -> bool {
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
    use crate::pattern::token::{collapse_stars, tokenize};
    use crate::pattern::Wildcard;

    fn r(p: &str, t: &str) -> bool {
        Wildcard::new(p, Dialect::Resource).unwrap().is_match(t)
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
}
