//! What a glob's text says without running it: its literal segments, prefix and suffix,
//! whether it names six-segment ARNs, whether it is one literal or matches everything. The
//! resource split uses these to group patterns and to skip searches.

use super::glob::{Glob, Tok};

impl Glob {
    /// The literal text of colon-separated segment `index` (`ecr` for index 2 of an ECR ARN
    /// pattern), when every string the glob matches has that text there; `None` when a
    /// wildcard may reach into or across the segment.
    pub(crate) fn segment(&self, index: usize) -> Option<String> {
        let mut seg = 0usize;
        let mut text = String::new();
        for t in self.toks().iter() {
            match *t {
                Tok::Lit(':') => {
                    if seg == index {
                        return Some(text);
                    }
                    seg += 1;
                }
                Tok::Lit(c) if seg == index => text.push(c),
                Tok::Lit(_) => {}
                Tok::One { colon: true } | Tok::Star { colon: true } => return None,
                _ if seg == index => return None,
                _ => {}
            }
        }
        (seg == index).then_some(text)
    }

    /// Does every string it matches have six `:`-separated segments, the first `arn`? True when
    /// it starts with `arn:` and has four more literal `:` before any wildcard that may read a
    /// `:` (the first five colons of a match are then those).
    pub(crate) fn is_six_segment_arn(&self) -> bool {
        if !self
            .toks()
            .starts_with(&[Tok::Lit('a'), Tok::Lit('r'), Tok::Lit('n'), Tok::Lit(':')])
        {
            return false;
        }
        let mut colons = 0;
        for t in self.toks().iter() {
            match t {
                Tok::Lit(':') => {
                    colons += 1;
                    if colons == 5 {
                        return true;
                    }
                }
                Tok::One { colon: true } | Tok::Star { colon: true } => return false,
                _ => {}
            }
        }
        false
    }

    /// Does it match every string (`*` spanning `:`)?
    pub(crate) fn is_universal(&self) -> bool {
        matches!(self.toks(), [Tok::Star { colon: true }])
    }

    /// The one string the glob matches, when it is all literal characters.
    pub(crate) fn as_literal(&self) -> Option<String> {
        self.toks()
            .iter()
            .map(|t| match t {
                Tok::Lit(c) => Some(*c),
                _ => None,
            })
            .collect()
    }

    /// The literal characters before the first wildcard or case-folded character.
    pub(crate) fn literal_prefix(&self) -> String {
        self.toks()
            .iter()
            .map_while(|t| match t {
                Tok::Lit(c) => Some(*c),
                _ => None,
            })
            .collect()
    }

    /// The literal text every match ends with (up to the last wildcard).
    pub(crate) fn literal_suffix(&self) -> String {
        let mut out: Vec<char> = self
            .toks()
            .iter()
            .rev()
            .map_while(|t| match t {
                Tok::Lit(c) => Some(*c),
                _ => None,
            })
            .collect();
        out.reverse();
        out.into_iter().collect()
    }
}
