//! Reading a spec from JSON with a JSON path on every error: a duplicate-key-rejecting parse
//! into `serde_json::Value`, then a field-by-field walk into the spec types.
//!
//! serde's derive already rejects unknown fields, but its messages carry no path and a map
//! silently keeps the last of two equal keys; this walk does both, and is tested to agree with
//! the derive on valid input (see `load.rs`).

use indexmap::IndexMap;
use serde::de::{DeserializeSeed, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::fmt;
use std::path::Path;

use super::error::{PlatformError, PlatformErrorKind as Kind};
use super::spec::{AgentSpec, CognitoSpec, KmsKeyIds, PlatformSpec, ProductionProfile};

/// Parses `text` as JSON, rejecting any object with a repeated key
pub(crate) fn parse_strict(text: &str, file: &Path) -> Result<Value, PlatformError> {
    let duplicate = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = StrictValue {
        path: String::new(),
        duplicate: &duplicate,
    }
    .deserialize(&mut de)
    .and_then(|value| de.end().map(|()| value));
    parsed.map_err(|e| match duplicate.take() {
        Some((path, key)) => PlatformError::new(file, path, Kind::DuplicateKey(key)),
        None => PlatformError::new(
            file,
            "",
            Kind::Syntax {
                line: e.line(),
                column: e.column(),
                message: syntax_message(&e),
            },
        ),
    })
}

/// serde_json's message without its own ` at line L column C` suffix
fn syntax_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(end) => text.get(..end).unwrap_or(&text).to_owned(),
        None => text,
    }
}

/// `path.field`, or `field` at the root
pub(crate) fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

struct StrictValue<'a> {
    path: String,
    duplicate: &'a RefCell<Option<(String, String)>>,
}

impl<'de> DeserializeSeed<'de> for StrictValue<'_> {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, de: D) -> Result<Value, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let seed = StrictValue {
                path: format!("{}[{}]", self.path, items.len()),
                duplicate: self.duplicate,
            };
            match seq.next_element_seed(seed)? {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                self.duplicate.replace(Some((self.path.clone(), key)));
                return Err(A::Error::custom("duplicate key"));
            }
            let seed = StrictValue {
                path: join(&self.path, &key),
                duplicate: self.duplicate,
            };
            let value = map.next_value_seed(seed)?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// The name of a JSON value's type, for `expected X, found Y`
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// An object being read: its fields, where it is, and which fields it may have
struct Object<'a> {
    map: &'a Map<String, Value>,
    path: String,
    file: &'a Path,
}

impl<'a> Object<'a> {
    fn new(
        value: &'a Value,
        path: String,
        file: &'a Path,
        fields: &[&str],
    ) -> Result<Self, PlatformError> {
        let Value::Object(map) = value else {
            return Err(invalid_type(file, path, "an object", value));
        };
        if let Some(field) = map.keys().find(|k| !fields.contains(&k.as_str())) {
            let expected = fields
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let kind = Kind::UnknownField {
                field: field.clone(),
                expected,
            };
            return Err(PlatformError::new(file, join(&path, field), kind));
        }
        Ok(Self { map, path, file })
    }

    fn field(&self, name: &'static str) -> Result<(&'a Value, String), PlatformError> {
        match self.map.get(name) {
            Some(value) => Ok((value, join(&self.path, name))),
            None => Err(PlatformError::new(
                self.file,
                self.path.clone(),
                Kind::MissingField(name),
            )),
        }
    }

    fn string(&self, name: &'static str) -> Result<String, PlatformError> {
        let (value, path) = self.field(name)?;
        as_string(value, path, self.file)
    }

    fn optional_string(&self, name: &'static str) -> Result<String, PlatformError> {
        match self.map.contains_key(name) {
            true => self.string(name),
            false => Ok(String::new()),
        }
    }

    fn optional_strings(&self, name: &'static str) -> Result<Vec<String>, PlatformError> {
        match self.map.contains_key(name) {
            true => self.strings(name),
            false => Ok(Vec::new()),
        }
    }

    fn strings(&self, name: &'static str) -> Result<Vec<String>, PlatformError> {
        let (value, path) = self.field(name)?;
        let Value::Array(items) = value else {
            return Err(invalid_type(self.file, path, "an array of strings", value));
        };
        let mut strings = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            strings.push(as_string(item, format!("{path}[{index}]"), self.file)?);
        }
        Ok(strings)
    }

    fn bool(&self, name: &'static str) -> Result<bool, PlatformError> {
        let (value, path) = self.field(name)?;
        value
            .as_bool()
            .ok_or_else(|| invalid_type(self.file, path, "a boolean", value))
    }

    fn object(&self, name: &'static str, fields: &[&str]) -> Result<Object<'a>, PlatformError> {
        let (value, path) = self.field(name)?;
        Object::new(value, path, self.file, fields)
    }
}

fn as_string(value: &Value, path: String, file: &Path) -> Result<String, PlatformError> {
    match value {
        Value::String(s) => Ok(s.clone()),
        other => Err(invalid_type(file, path, "a string", other)),
    }
}

fn invalid_type(file: &Path, path: String, expected: &'static str, found: &Value) -> PlatformError {
    let found = type_name(found);
    PlatformError::new(file, path, Kind::InvalidType { expected, found })
}

/// Reads a whole spec from a parsed document (no validation of values yet)
pub(crate) fn spec(value: &Value, file: &Path) -> Result<PlatformSpec, PlatformError> {
    const FIELDS: &[&str] = &[
        "prefix",
        "env",
        "account_id",
        "region",
        "ssm_root_path",
        "cognito",
        "kms_keys",
        "agents",
        "production",
    ];
    let root = Object::new(value, String::new(), file, FIELDS)?;
    let cognito = root.object("cognito", &["enabled", "oauth2_credential_provider_name"])?;
    let keys = root.object(
        "kms_keys",
        &[
            "data",
            "storage",
            "secrets",
            "platform_artifacts",
            "domain_artifacts",
            "gateway",
        ],
    )?;
    let mut agents = IndexMap::new();
    if let Some(value) = root.map.get("agents") {
        let Value::Object(map) = value else {
            return Err(invalid_type(file, "agents".into(), "an object", value));
        };
        for (key, value) in map {
            agents.insert(key.clone(), agent(value, agent_path(key), file)?);
        }
    }
    let production = match root.map.contains_key("production") {
        true => Some(production(&root.object(
            "production",
            &["bedrock_model_arns", "agentcore_resource_arns"],
        )?)?),
        false => None,
    };
    Ok(PlatformSpec {
        prefix: root.string("prefix")?,
        env: root.string("env")?,
        account_id: root.string("account_id")?,
        region: root.string("region")?,
        ssm_root_path: root.string("ssm_root_path")?,
        cognito: CognitoSpec {
            enabled: cognito.bool("enabled")?,
            oauth2_credential_provider_name: cognito
                .optional_string("oauth2_credential_provider_name")?,
        },
        kms_keys: KmsKeyIds {
            data: keys.string("data")?,
            storage: keys.string("storage")?,
            secrets: keys.string("secrets")?,
            platform_artifacts: keys.string("platform_artifacts")?,
            domain_artifacts: keys.string("domain_artifacts")?,
            gateway: keys.string("gateway")?,
        },
        agents,
        production,
    })
}

/// The JSON path of an agent: `agents.<key>`, or `agents["<key>"]` when the key has a dot
pub(crate) fn agent_path(key: &str) -> String {
    match key.contains('.') {
        true => format!("agents[{key:?}]"),
        false => format!("agents.{key}"),
    }
}

fn agent(value: &Value, path: String, file: &Path) -> Result<AgentSpec, PlatformError> {
    const FIELDS: &[&str] = &[
        "artifacts_bucket_arn",
        "extra_s3_read_bucket_arns",
        "platform_artifacts_kms_key_arn",
        "domain_artifacts_kms_key_arn",
        "storage_kms_key_arn",
        "prompt_registry_function_arn",
        "artifacts_table_name",
        "data_kms_key_arn",
        "idempotency_table_name",
        "evaluation_table_name",
    ];
    let o = Object::new(value, path, file, FIELDS)?;
    Ok(AgentSpec {
        artifacts_bucket_arn: o.optional_string("artifacts_bucket_arn")?,
        extra_s3_read_bucket_arns: o.optional_strings("extra_s3_read_bucket_arns")?,
        platform_artifacts_kms_key_arn: o.optional_string("platform_artifacts_kms_key_arn")?,
        domain_artifacts_kms_key_arn: o.optional_string("domain_artifacts_kms_key_arn")?,
        storage_kms_key_arn: o.optional_string("storage_kms_key_arn")?,
        prompt_registry_function_arn: o.optional_string("prompt_registry_function_arn")?,
        artifacts_table_name: o.optional_string("artifacts_table_name")?,
        data_kms_key_arn: o.optional_string("data_kms_key_arn")?,
        idempotency_table_name: o.optional_string("idempotency_table_name")?,
        evaluation_table_name: o.optional_string("evaluation_table_name")?,
    })
}

fn production(o: &Object<'_>) -> Result<ProductionProfile, PlatformError> {
    Ok(ProductionProfile {
        bedrock_model_arns: o.strings("bedrock_model_arns")?,
        agentcore_resource_arns: o.strings("agentcore_resource_arns")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_error(text: &str) -> String {
        parse_strict(text, Path::new("p.json"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn nested_duplicate_key_names_the_object() {
        let text = r#"{"agents": {"research": {}, "research": {}}}"#;
        assert_eq!(
            parse_error(text),
            "p.json: agents: duplicate key `research`"
        );
    }

    #[test]
    fn duplicate_key_in_array_element_has_index() {
        let text = r#"{"a": [{}, {"x": 1, "x": 2}]}"#;
        assert_eq!(parse_error(text), "p.json: a[1]: duplicate key `x`");
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        assert_eq!(
            parse_error("{\n  \"a\": }"),
            "p.json: invalid JSON at line 2 column 8: expected value"
        );
    }

    #[test]
    fn trailing_text_is_a_syntax_error() {
        assert_eq!(
            parse_error("{} x"),
            "p.json: invalid JSON at line 1 column 4: trailing characters"
        );
    }

    #[test]
    fn agent_path_brackets_keys_with_dots() {
        assert_eq!(agent_path("a.b"), "agents[\"a.b\"]");
        assert_eq!(agent_path("research-v2"), "agents.research-v2");
    }
}
