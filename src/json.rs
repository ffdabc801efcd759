//! JSON text to `serde_json::Value`, refusing an object that repeats a key. serde_json keeps the
//! last of two equal keys silently, so `{"Effect": "Allow", "Effect": "Deny"}` would read as a
//! Deny that the author may not have meant; reading such a document is not understanding it.
//! AWS's grammar has each element once per object
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>), and
//! squashed duplicates have made policies more permissive than they look
//! (<https://github.com/hashicorp/terraform-provider-aws/issues/33026>).

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, Error, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Value};

/// Parse `text` as one JSON value with no repeated key in any object. Errors carry serde_json's
/// line and column; nesting is bounded by serde_json's recursion limit (128).
pub(crate) fn from_str(text: &str) -> serde_json::Result<Value> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Strict.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// Parse YAML `text` as one JSON value, with the same refusal of a repeated key. Errors carry
/// serde_norway's position; a YAML tag (`!Ref`) is an error (JSON has no such thing).
pub(crate) fn from_yaml(text: &str) -> Result<Value, serde_norway::Error> {
    Strict.deserialize(serde_norway::Deserializer::from_str(text))
}

/// A field holding any JSON value (`null` reads as absent), with the same refusal of a repeated
/// key: for `#[serde(deserialize_with = ...)]` on the `Option<Value>` fields of types read
/// straight from text.
pub(crate) fn strict_option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    match Strict.deserialize(d)? {
        Value::Null => Ok(None),
        v => Ok(Some(v)),
    }
}

struct Strict;

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E: Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E: Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(Strict)? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, _: A) -> Result<Value, A::Error> {
        // Only YAML has these: a tagged value (`!Ref x`).
        Err(A::Error::custom(
            "a YAML tag (such as `!Ref`) has no JSON meaning: write the plain value",
        ))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut obj = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            // One lookup per key: the slot is claimed before its value is read.
            match obj.entry(key) {
                Entry::Occupied(o) => {
                    return Err(A::Error::custom(format_args!(
                        "duplicate key `{}`",
                        o.key()
                    )))
                }
                Entry::Vacant(v) => {
                    v.insert(map.next_value_seed(Strict)?);
                }
            }
        }
        Ok(Value::Object(obj))
    }
}

/// Read a `T` (a struct) only from a JSON object. serde_json also reads a struct from an array,
/// its fields in declaration order, so `[null, null, null, null, [], [...]]` would read as a
/// scenario file; no file means that, and the tree-based checks refuse it, so the typed reads
/// that stand in for them must too.
pub(crate) struct Object<T>(std::marker::PhantomData<T>);

impl<T> Object<T> {
    /// The seed.
    pub(crate) fn new() -> Self {
        Self(std::marker::PhantomData)
    }
}

impl<'de, T: serde::Deserialize<'de>> DeserializeSeed<'de> for Object<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        T::deserialize(ObjectOnly(d))
    }
}

/// A list of `T`s, each read only from a JSON object (see [`Object`]): for
/// `#[serde(deserialize_with = ...)]`.
pub(crate) fn objects<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    struct List<T>(std::marker::PhantomData<T>);
    impl<'de, T: serde::Deserialize<'de>> Visitor<'de> for List<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of objects")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::new();
            while let Some(item) = seq.next_element_seed(Object::new())? {
                out.push(item);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(List(std::marker::PhantomData))
}

/// Forwards to the deserializer it wraps, except that a struct is read as a map (an object).
pub(crate) struct ObjectOnly<D>(pub(crate) D);

impl<'de, D: Deserializer<'de>> Deserializer<'de> for ObjectOnly<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_key_is_an_error_with_its_position() {
        let e = from_str("{\"Effect\": \"Allow\",\n \"Effect\": \"Deny\"}").unwrap_err();
        assert_eq!(e.to_string(), "duplicate key `Effect` at line 2 column 9");
    }

    #[test]
    fn equal_keys_in_different_objects_are_fine() {
        let v = from_str(r#"[{"a": 1}, {"a": 2, "b": {"a": null}}]"#).unwrap();
        assert_eq!(v, serde_json::json!([{"a": 1}, {"a": 2, "b": {"a": null}}]));
    }

    #[test]
    fn numbers_and_order_are_kept() {
        let v = from_str(r#"{"z": -1, "a": 1.5, "m": 18446744073709551615}"#).unwrap();
        assert_eq!(
            v.to_string(),
            r#"{"z":-1,"a":1.5,"m":18446744073709551615}"#
        );
    }

    #[test]
    fn a_strict_field_refuses_a_repeated_key_and_reads_null_as_absent() {
        #[derive(serde::Deserialize, Debug)]
        struct T {
            #[serde(default, deserialize_with = "strict_option")]
            c: Option<Value>,
        }
        let e = serde_json::from_str::<T>(r#"{"c": {"k": 1, "k": 2}}"#).unwrap_err();
        assert!(e.to_string().starts_with("duplicate key `k`"), "{e}");
        assert!(serde_json::from_str::<T>(r#"{"c": null}"#)
            .unwrap()
            .c
            .is_none());
        assert!(serde_json::from_str::<T>("{}").unwrap().c.is_none());
    }

    /// serde_json reads a struct from an array too; [`Object`] and [`objects`] do not.
    #[test]
    fn a_struct_is_read_only_from_an_object() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct T {
            a: Option<u8>,
        }
        #[derive(serde::Deserialize, Debug)]
        struct L {
            #[serde(deserialize_with = "objects")]
            l: Vec<T>,
        }
        assert!(
            serde_json::from_str::<T>("[1]").is_ok(),
            "serde_json's own leniency"
        );
        let read = |text: &str| {
            let mut de = serde_json::Deserializer::from_str(text);
            Object::<T>::new().deserialize(&mut de)
        };
        assert_eq!(read(r#"{"a": 1}"#).unwrap(), T { a: Some(1) });
        let e = read("[1]").unwrap_err().to_string();
        assert!(
            e.starts_with("invalid type: sequence, expected struct T"),
            "{e}"
        );
        assert_eq!(
            serde_json::from_str::<L>(r#"{"l": [{"a": 2}]}"#).unwrap().l,
            [T { a: Some(2) }]
        );
        assert!(serde_json::from_str::<L>(r#"{"l": [[2]]}"#).is_err());
    }

    #[test]
    fn trailing_characters_are_an_error() {
        let e = from_str("{} {}").unwrap_err();
        assert_eq!(e.to_string(), "trailing characters at line 1 column 4");
    }
}
