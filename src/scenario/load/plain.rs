//! A streamed scenario read without building a [`Scenario`]: most literal scenarios give only
//! `name`, `principal`, `action`, `resource`, `expect` (and maybe `description`), and reading
//! those as text borrowed from the file skips the typed parse's allocations and its 600-byte
//! struct (a third of a literal suite's load). A scenario with any other field is turned into
//! a [`Scenario`] from the fields read so far and the rest; any error is left to the
//! whole-file parse, as the stream leaves every error (`stream.rs`).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::scenario::format::{Expect, Scenario};

/// A scenario of the plain shape, its texts borrowed from the file where they hold no escape.
#[derive(Debug)]
pub(super) struct Plain<'de> {
    pub(super) name: Cow<'de, str>,
    pub(super) principal: Cow<'de, str>,
    pub(super) action: Cow<'de, str>,
    pub(super) resource: Cow<'de, str>,
    pub(super) expect: Expect,
    /// Whether a text may hold a `$` (false only when none does)
    pub(super) dollar: bool,
}

impl Plain<'_> {
    /// Does any text hold a `${` (a variable, which the general expansion reads)?
    pub(super) fn has_variable(&self) -> bool {
        self.dollar
            && [&self.name, &self.principal, &self.action, &self.resource]
                .iter()
                .any(|t| t.contains("${"))
    }

    /// The same scenario as the typed parse reads it.
    pub(super) fn to_scenario(&self) -> Result<Scenario, serde_json::Error> {
        let mut obj = Map::new();
        for (key, text) in [
            ("name", &self.name),
            ("principal", &self.principal),
            ("action", &self.action),
            ("resource", &self.resource),
        ] {
            obj.insert(key.into(), Value::String(text.to_string()));
        }
        obj.insert("expect".into(), serde_json::to_value(self.expect)?);
        Scenario::deserialize(Value::Object(obj))
    }
}

/// One element of `scenarios`, as [`ElementSeed`] reads it.
pub(super) enum Element<'de> {
    /// The plain shape
    Plain(Plain<'de>),
    /// Anything else, read as the typed parse reads it
    General(Box<Scenario>),
}

/// Reads one element of `scenarios` (only from a JSON object, as [`crate::json::Object`]).
pub(super) struct ElementSeed;

impl<'de> DeserializeSeed<'de> for ElementSeed {
    type Value = Element<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Element<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

/// A reason to stop that is not the file's fault: the whole-file path reads it instead.
pub(super) fn give_up<E: de::Error>() -> E {
    E::custom("left to the whole-file parse")
}

/// The fields of the plain shape, by their place in [`Fields`].
pub(super) const PLAIN: [&str; 6] = [
    "name",
    "principal",
    "action",
    "resource",
    "expect",
    "description",
];

/// The plain fields read so far (`Some(None)`: given as `null`).
type Fields<'de> = [Option<Option<Cow<'de, str>>>; 6];

impl<'de> Visitor<'de> for ElementSeed {
    type Value = Element<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a scenario")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Element<'de>, M::Error> {
        let mut fields: Fields<'de> = Default::default();
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            let Some(slot) = PLAIN
                .iter()
                .position(|f| *f == key)
                .and_then(|i| fields.get_mut(i))
            else {
                return general(fields, key, map).map(|s| Element::General(Box::new(s)));
            };
            if slot.is_some() {
                // serde's duplicate-field message comes from the whole-file parse.
                return Err(give_up());
            }
            *slot = Some(map.next_value::<Option<Text<'de>>>()?.map(|t| t.0));
        }
        let [Some(Some(name)), Some(Some(principal)), Some(Some(action)), Some(Some(resource)), Some(Some(expect)), _] =
            &mut fields
        else {
            return to_typed(fields, Map::new()).map(|s| Element::General(Box::new(s)));
        };
        let Ok(parsed) = Expect::deserialize(de::value::StrDeserializer::<M::Error>::new(expect))
        else {
            return to_typed(fields, Map::new()).map(|s| Element::General(Box::new(s)));
        };
        // A fold over the bytes, not a search per text: these texts are short, and a `$` rare.
        let dollar = [&*name, &*principal, &*action, &*resource]
            .iter()
            .any(|t| t.bytes().fold(false, |seen, b| seen | (b == b'$')));
        Ok(Element::Plain(Plain {
            dollar,
            name: std::mem::take(name),
            principal: std::mem::take(principal),
            action: std::mem::take(action),
            resource: std::mem::take(resource),
            expect: parsed,
        }))
    }
}

/// The rest of a scenario with field `key` outside the plain shape: every remaining field is
/// read as a JSON value (a repeated key anywhere is left to the whole-file parse), then the
/// whole is read as a [`Scenario`].
fn general<'de, M: MapAccess<'de>>(
    fields: Fields<'de>,
    key: Cow<'de, str>,
    mut map: M,
) -> Result<Scenario, M::Error> {
    let mut rest = Map::new();
    let mut key = Some(key.into_owned());
    while let Some(k) = key {
        let read_plain = PLAIN
            .iter()
            .zip(&fields)
            .any(|(f, v)| *f == k && v.is_some());
        if read_plain || rest.contains_key(&k) {
            return Err(give_up());
        }
        let value = map.next_value::<Strict>()?.0;
        rest.insert(k, value);
        key = map.next_key::<String>()?;
    }
    to_typed(fields, rest)
}

/// `fields` and `rest` read as one [`Scenario`].
fn to_typed<E: de::Error>(fields: Fields<'_>, mut rest: Map<String, Value>) -> Result<Scenario, E> {
    for (name, field) in PLAIN.iter().zip(fields) {
        if let Some(value) = field {
            let value = value.map_or(Value::Null, |t| Value::String(t.into_owned()));
            rest.insert((*name).into(), value);
        }
    }
    Scenario::deserialize(Value::Object(rest)).map_err(|_| give_up())
}

/// A JSON string, borrowed from the text when it holds no escape.
struct Text<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(v.to_string())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(v)))
    }
}

/// Any JSON value, a repeated key refused at any depth (`null` kept as `null`).
pub(super) struct Strict(pub(super) Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::json::strict_option(d).map(|v| Strict(v.unwrap_or(Value::Null)))
    }
}
