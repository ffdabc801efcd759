//! The commonest scenario file read without serde: a JSON object whose `scenarios` are all of
//! the plain shape (`plain.rs`), every text free of escapes, and no file-level `context` or
//! `tags`. Such a file is a small subset of JSON, and a scanner of that subset (no visitor, no
//! `Option` or `Cow` per field, strings found eight bytes at a time) reads it in a fraction of
//! serde's time. Anything outside the subset, valid JSON or not, is left to the serde stream
//! (`stream.rs`), which reads it as before: the scanner only ever accepts a text serde_json
//! accepts too, and reads from it the fields the stream would (the law of `scan_tests.rs`).
//! JSON's grammar: <https://www.rfc-editor.org/rfc/rfc8259>.

use std::borrow::Cow;

use serde::de::{value::StrDeserializer, Deserialize};

use super::file_cases::{FileCases, Target};
use super::plain::{Plain, PLAIN};
use super::stream::{Streamed, BYTES_PER_CASE};
use crate::scenario::format::Expect;

/// Read `text`, the JSON scenario file `label`, expanding its scenarios against `at`;
/// `None` when it is not of the subset (the caller then streams it with serde).
pub(super) fn scan<'a>(text: &str, label: &'a str, at: &Target<'a>) -> Option<Streamed> {
    let mut c = Cursor {
        text,
        bytes: text.as_bytes(),
        at: 0,
        dollars: memchr::memchr(b'$', text.as_bytes()).is_some(),
        controls: Controls::of(text.as_bytes()),
    };
    let mut head = Head::default();
    let mut read = None;
    c.ws();
    c.eat(b'{')?;
    // One bit per file-level field: a repeated one is the serde path's to report.
    let mut seen = 0u8;
    loop {
        c.ws();
        let key = c.string()?;
        c.ws();
        c.eat(b':')?;
        c.ws();
        let bit = match key {
            "$schema" => {
                c.string()?;
                1
            }
            "description" => {
                head.description = Some(c.string()?.to_string());
                2
            }
            "policies" => {
                head.policies = Some(c.string()?.to_string());
                4
            }
            "scenarios" => {
                read = Some(scenarios(&mut c, label, at)?);
                8
            }
            _ => return None,
        };
        if seen & bit != 0 {
            return None;
        }
        seen |= bit;
        c.ws();
        if c.eat(b',').is_none() {
            c.eat(b'}')?;
            break;
        }
    }
    c.ws();
    if c.at != c.bytes.len() {
        return None;
    }
    let (cases, failed) = read?;
    Some(Streamed::Read {
        cases: match failed {
            Some(e) => Err(e),
            None => cases.finish(),
        },
        policies: head.policies,
        description: head.description,
    })
}

/// The file-level fields kept.
#[derive(Default)]
struct Head {
    description: Option<String>,
    policies: Option<String>,
}

/// The cases of `scenarios` (at the cursor), and the first error expanding them: as in the
/// stream, later scenarios are still scanned (a text outside the subset after a failed
/// expansion still goes to serde, which reports a JSON error before it).
fn scenarios<'a>(
    c: &mut Cursor<'_>,
    label: &'a str,
    at: &Target<'a>,
) -> Option<(FileCases<'a>, Option<super::ScenarioError>)> {
    c.eat(b'[')?;
    let mut cases = FileCases::new(label, None, &[], at).ok()?;
    cases.reserve((c.bytes.len() / BYTES_PER_CASE).min(super::MAX_CASES));
    let mut failed = None;
    let mut count = 0;
    loop {
        c.ws();
        let p = scenario(c)?;
        if failed.is_none() {
            failed = cases.add_plain(count, &p).err();
        }
        count += 1;
        c.ws();
        if c.eat(b',').is_none() {
            c.eat(b']')?;
            return Some((cases, failed));
        }
    }
}

/// The keys of [`PLAIN`], quoted as in the text.
const QUOTED: [&[u8]; 6] = [
    b"\"name\"",
    b"\"principal\"",
    b"\"action\"",
    b"\"resource\"",
    b"\"expect\"",
    b"\"description\"",
];

/// Whether `bytes` start with `QUOTED[k]`. Each key is compared as a constant, which the
/// compiler does in a load or two; a key looked up in the list was a call to `memcmp` per field
/// (2% of a literal suite's instructions).
#[inline(always)]
fn starts_with_key(bytes: &[u8], k: usize) -> bool {
    match k {
        0 => bytes.starts_with(b"\"name\""),
        1 => bytes.starts_with(b"\"principal\""),
        2 => bytes.starts_with(b"\"action\""),
        3 => bytes.starts_with(b"\"resource\""),
        4 => bytes.starts_with(b"\"expect\""),
        5 => bytes.starts_with(b"\"description\""),
        _ => false,
    }
}

/// The place of `expect` in [`PLAIN`].
const EXPECT: usize = 4;

/// One scenario of the plain shape, every field a text.
fn scenario<'t>(c: &mut Cursor<'t>) -> Option<Plain<'t>> {
    c.eat(b'{')?;
    let mut fields: [Option<&'t str>; 6] = [None; 6];
    let mut dollar = false;
    // Most files give the fields in one order: the k-th key is first tried as `PLAIN[k]`.
    let mut k = 0;
    loop {
        c.ws();
        let at = match QUOTED.get(k) {
            Some(quoted) if c.bytes.get(c.at..).is_some_and(|b| starts_with_key(b, k)) => {
                c.at += quoted.len();
                k
            }
            _ => {
                let key = c.string()?;
                PLAIN.iter().position(|f| *f == key)?
            }
        };
        k += 1;
        let slot = fields.get_mut(at)?;
        if slot.is_some() {
            return None;
        }
        c.ws();
        c.eat(b':')?;
        c.ws();
        // An expectation is nearly always one of two words, compared as constants.
        let (text, with_dollar) = match at {
            EXPECT => c
                .common_expect()
                .map_or_else(|| c.string_seeing_dollar(), Some)?,
            _ => c.string_seeing_dollar()?,
        };
        *slot = Some(text);
        dollar |= with_dollar;
        c.ws();
        if c.eat(b',').is_none() {
            c.eat(b'}')?;
            break;
        }
    }
    let [Some(name), Some(principal), Some(action), Some(resource), Some(expect), _] = fields
    else {
        return None;
    };
    let expect = match expect {
        "allow" => Expect::Allow,
        "deny" => Expect::Deny,
        _ => Expect::deserialize(StrDeserializer::<serde::de::value::Error>::new(expect)).ok()?,
    };
    Some(Plain {
        name: Cow::Borrowed(name),
        principal: Cow::Borrowed(principal),
        action: Cow::Borrowed(action),
        resource: Cow::Borrowed(resource),
        expect,
        dollar,
    })
}

/// A position in the text.
struct Cursor<'t> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    /// Whether the text holds a `$` anywhere (most hold none)
    dollars: bool,
    /// The control characters the text holds
    controls: Controls,
}

impl<'t> Cursor<'t> {
    /// Past JSON's whitespace (space, tab, line feed, carriage return).
    #[inline(always)]
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    /// Past `b`, which must come next.
    #[inline(always)]
    fn eat(&mut self, b: u8) -> Option<()> {
        (self.bytes.get(self.at) == Some(&b)).then(|| self.at += 1)
    }

    /// Past a string with no escape and no control character (which JSON forbids unescaped);
    /// its text.
    #[inline(always)]
    fn string(&mut self) -> Option<&'t str> {
        self.string_seeing_dollar().map(|(text, _)| text)
    }

    /// Past `"allow"` or `"deny"`, when one comes next: its text, and no `$`.
    #[inline(always)]
    fn common_expect(&mut self) -> Option<(&'t str, bool)> {
        let rest = self.bytes.get(self.at..)?;
        let (quoted, word) = if rest.starts_with(b"\"allow\"") {
            (7, "allow")
        } else if rest.starts_with(b"\"deny\"") {
            (6, "deny")
        } else {
            return None;
        };
        self.at += quoted;
        Some((word, false))
    }

    /// [`Self::string`], and whether its text holds a `$`.
    #[inline(always)]
    fn string_seeing_dollar(&mut self) -> Option<(&'t str, bool)> {
        self.eat(b'"')?;
        let start = self.at;
        let (end, dollar) = string_end(self.bytes, start, self.dollars, self.controls)?;
        self.at = end + 1;
        // Both ends sit beside a `"`, so on character boundaries of the text.
        Some((self.text.get(start..end)?, dollar))
    }
}

/// The control characters (below U+0020) a text holds: JSON allows them unescaped only as
/// whitespace between tokens, so a string's span must be checked for them only when the text
/// has some, and for line feeds alone (a text written pretty) by the search for its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Controls {
    /// None at all (a text written compactly)
    None,
    /// Line feeds, and no other
    LineFeeds,
    /// Others
    Any,
}

impl Controls {
    /// Those of `bytes`, in one vectorised pass.
    fn of(bytes: &[u8]) -> Self {
        let (lf, other) = bytes.iter().fold((false, false), |(lf, other), &b| {
            (lf | (b == b'\n'), other | ((b < 0x20) & (b != b'\n')))
        });
        match (lf, other) {
            (_, true) => Self::Any,
            (true, false) => Self::LineFeeds,
            (false, false) => Self::None,
        }
    }
}

/// Where the string whose text starts at `from` ends (its closing `"`), and whether a `$` came
/// before it (looked for only when `dollars`: the text holds one somewhere); `None` at a
/// backslash, a control character or the end of the text first. `controls` are those of the
/// whole text. The closing quote is found by `memchr`'s vectorised search.
#[inline(always)]
fn string_end(
    bytes: &[u8],
    from: usize,
    dollars: bool,
    controls: Controls,
) -> Option<(usize, bool)> {
    let rest = bytes.get(from..)?;
    let len = match controls {
        Controls::LineFeeds => memchr::memchr3(b'"', b'\\', b'\n', rest)?,
        Controls::None | Controls::Any => memchr::memchr2(b'"', b'\\', rest)?,
    };
    let span = rest.get(..len)?;
    // A fold, not `any`: it has no early exit, so it is vectorised.
    let control =
        controls == Controls::Any && span.iter().fold(false, |seen, &b| seen | (b < 0x20));
    if control || rest.get(len) != Some(&b'"') {
        return None;
    }
    Some((from + len, dollars && memchr::memchr(b'$', span).is_some()))
}

#[cfg(test)]
#[path = "scan_tests.rs"]
mod tests;
