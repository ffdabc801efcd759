//! What condition evaluation reads from a request: each key's values, typed on first read, and
//! the [`Lookup`] trait through which the engine layers its global keys over the request's.

use std::net::IpAddr;
use std::sync::OnceLock;

use crate::policy::condition::value::{decode_base64, parse_bool, parse_date, parse_number};

/// One request value, typed every way it can be read. Each typed form is parsed on first use
/// and kept (once per request, never per statement): most values are only ever compared as
/// strings, and the engine's own global keys are built on every request that reads them. The
/// typed forms live behind one pointer, made on the first typed read, so that a value read only
/// as a string (every compiled principal holds half a dozen) costs its text and a word.
#[derive(Debug, Clone)]
pub struct ContextValue {
    raw: String,
    typed: OnceLock<Box<Typed>>,
}

/// A value's typed forms, each parsed on first use.
#[derive(Debug, Clone, Default)]
struct Typed {
    number: OnceLock<Option<f64>>,
    date: OnceLock<Option<i64>>,
    ip: OnceLock<Option<IpAddr>>,
    lower: OnceLock<String>,
    binary: OnceLock<Option<Vec<u8>>>,
}

/// Two values are equal when they were given alike: every typed form follows from the text.
impl PartialEq for ContextValue {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}

impl ContextValue {
    /// A value as given; its typed forms are parsed when first read.
    pub fn new(raw: impl Into<String>) -> Self {
        Self {
            raw: raw.into(),
            typed: OnceLock::new(),
        }
    }

    fn typed(&self) -> &Typed {
        self.typed.get_or_init(Box::default)
    }

    /// The value as given
    pub fn raw(&self) -> &str {
        &self.raw
    }
    /// The value lowercased (for `...IgnoreCase`)
    pub fn lower(&self) -> &str {
        self.typed().lower.get_or_init(|| self.raw.to_lowercase())
    }
    /// The value as a number, if it is one
    pub fn number(&self) -> Option<f64> {
        *self.typed().number.get_or_init(|| parse_number(&self.raw))
    }
    /// The value as epoch milliseconds, if it is a date
    pub fn date(&self) -> Option<i64> {
        *self.typed().date.get_or_init(|| parse_date(&self.raw))
    }
    /// The value as a boolean, if it is `true` or `false`
    pub fn boolean(&self) -> Option<bool> {
        parse_bool(&self.raw)
    }
    /// The value as an IP address, if it is one
    pub fn ip(&self) -> Option<&IpAddr> {
        self.typed()
            .ip
            .get_or_init(|| self.raw.trim().parse().ok())
            .as_ref()
    }
    /// The value base64-decoded, if it decodes
    pub fn binary(&self) -> Option<&[u8]> {
        self.typed()
            .binary
            .get_or_init(|| decode_base64(&self.raw))
            .as_deref()
    }
}

/// The values of one context key. `multi` marks a list (multivalued key), even with one element.
#[derive(Debug, Clone, PartialEq)]
pub struct ContextEntry {
    /// The key as first spelled
    pub name: String,
    /// The values
    pub values: Vec<ContextValue>,
    /// Whether the request gave a list
    pub multi: bool,
}

/// Where condition evaluation finds context keys: a [`Context`], or layers of them.
pub trait Lookup {
    /// The entry for a lowercased key name
    fn lookup(&self, lower_key: &str) -> Option<&ContextEntry>;
}
