//! Reading a plain JSON scenario file a scenario at a time: each scenario is expanded as soon
//! as it is read and then dropped, so a file's parsed scenarios are never all held at once (a
//! list of 100,000 parsed scenarios, 600 bytes each, cost more in fresh memory and copying
//! than deciding their cases). Anything out of the ordinary is left to the whole-file path
//! ([`super::parse_text`]), whose messages name the JSON path at fault: a JSON or type error,
//! a `for_each`, `for_all_context` or `tenancy` scenario, or a file-level `context` or `tags`
//! after `scenarios` (the cases before it were expanded without them).

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::error::ScenarioError;
use super::file_cases::{Expanded, FileCases, Target};
use super::plain::{give_up, Element, ElementSeed, Strict};

/// A JSON scenario file read by [`stream`].
pub(super) enum Streamed {
    /// A plain file: its cases (or the first expansion error, which the caller reports after
    /// its own checks of the file, as it would after a whole-file parse), `policies` and
    /// `description`
    Read {
        cases: Result<Expanded, ScenarioError>,
        policies: Option<String>,
        description: Option<String>,
    },
    /// Not a plain file, or not a readable one: parse it whole
    Whole,
}

/// Read `text`, the JSON scenario file `label`, expanding its scenarios against `at` as they
/// are read.
pub(super) fn stream<'a>(text: &str, label: &'a str, at: &Target<'a>) -> Streamed {
    let mut state = State {
        label,
        at,
        room: (text.len() / BYTES_PER_CASE).min(super::MAX_CASES),
        cases: None,
        failed: None,
        count: 0,
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let head = de.deserialize_map(FileVisitor { state: &mut state });
    let Ok(head) = head.and_then(|h| de.end().map(|()| h)) else {
        return Streamed::Whole;
    };
    let cases = match (state.failed, state.cases) {
        (Some(e), _) => Err(e),
        (None, Some(cases)) => cases.finish(),
        // `scenarios` was read (the visitor requires it), so one of the two is set.
        (None, None) => return Streamed::Whole,
    };
    Streamed::Read {
        cases,
        policies: head.policies,
        description: head.description,
    }
}

/// Bytes of JSON per literal case to expect (compare-peer's take 227; a bare one about 90), for
/// the room made for a file's cases up front: a list grown a case at a time is copied each
/// time it doubles. Too much room costs address space only, too little a copy or two.
pub(super) const BYTES_PER_CASE: usize = 160;

/// What reading a file has built so far.
struct State<'s, 'a> {
    label: &'a str,
    at: &'s Target<'a>,
    /// The room to make for the file's cases
    room: usize,
    /// The cases, once `scenarios` is reached (`None` too when the file's `context` failed)
    cases: Option<FileCases<'a>>,
    /// The first error expanding the file: later scenarios are still read (a JSON error in
    /// them is reported first, as by a whole-file parse), not expanded
    failed: Option<ScenarioError>,
    /// Scenarios read
    count: usize,
}

/// The fields of a scenario file ([`crate::scenario::format::ScenarioFile`]'s).
#[derive(Clone, Copy, Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum Field {
    #[serde(rename = "$schema")]
    Schema,
    Description,
    Policies,
    Context,
    Tags,
    Scenarios,
}

/// The file-level fields read.
#[derive(Default)]
struct Head {
    description: Option<String>,
    policies: Option<String>,
}

/// Reads the top-level object.
struct FileVisitor<'r, 's, 'a> {
    state: &'r mut State<'s, 'a>,
}

impl<'de> Visitor<'de> for FileVisitor<'_, '_, '_> {
    type Value = Head;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a scenario file")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Head, M::Error> {
        let mut head = Head::default();
        // One bit per field, by its place in `Field`.
        let mut seen = 0u8;
        let bit = |f: Field| 1u8 << (f as u8);
        let mut context = None;
        let mut tags = Vec::new();
        while let Some(field) = map.next_key::<Field>()? {
            if seen & bit(field) != 0 {
                // serde's duplicate-field message comes from the whole-file parse.
                return Err(give_up());
            }
            let scenarios_read = seen & bit(Field::Scenarios) != 0;
            seen |= bit(field);
            match field {
                Field::Schema => {
                    map.next_value::<Option<String>>()?;
                }
                Field::Description => head.description = map.next_value()?,
                Field::Policies => head.policies = map.next_value()?,
                Field::Context | Field::Tags if scenarios_read => return Err(give_up()),
                // Read as the typed file reads it (a repeated key is an error; `null` is none).
                Field::Context => {
                    context = Some(map.next_value::<Strict>()?.0).filter(|v| !v.is_null())
                }
                Field::Tags => tags = map.next_value()?,
                Field::Scenarios => {
                    let state = &mut *self.state;
                    match FileCases::new(state.label, context.as_ref(), &tags, state.at) {
                        Ok(mut cases) => {
                            cases.reserve(state.room);
                            state.cases = Some(cases);
                        }
                        Err(e) => state.failed = Some(e),
                    }
                    map.next_value_seed(Scenarios { state })?;
                }
            }
        }
        if seen & bit(Field::Scenarios) == 0 {
            return Err(give_up());
        }
        Ok(head)
    }
}

/// Reads `scenarios`, expanding each as it is read.
struct Scenarios<'r, 's, 'a> {
    state: &'r mut State<'s, 'a>,
}

impl<'de> DeserializeSeed<'de> for Scenarios<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Scenarios<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of scenarios")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        let state = self.state;
        while let Some(element) = seq.next_element_seed(ElementSeed)? {
            if let Element::General(sc) = &element {
                if sc.for_each.is_some() || sc.for_all_context.is_some() || sc.tenancy.is_some() {
                    return Err(give_up());
                }
            }
            if state.failed.is_none() {
                if let Some(cases) = &mut state.cases {
                    let added = match &element {
                        Element::Plain(p) => cases.add_plain(state.count, p),
                        Element::General(sc) => cases.add(state.count, sc),
                    };
                    if let Err(e) = added {
                        state.failed = Some(e);
                    }
                }
            }
            state.count += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "stream_tests.rs"]
pub(super) mod tests;
