//! A request to authorize: who (principal), what (action), on what (resource), with what context.
//! Context key names are case-insensitive; each value is typed (number, date, address, ...)
//! once, the first time a condition reads it that way.

use indexmap::IndexMap;

pub use crate::condition::context::{ContextEntry, ContextValue, Lookup};
pub use crate::pattern::is_account_id;
use crate::pattern::Arn;
use crate::policy::condition::value::{decode_base64, parse_bool, parse_date, parse_number, Cidr};

/// Who makes a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// An IAM identity: user, role (session), account root, federated user
    Iam(IamPrincipal),
    /// An AWS service principal such as `bedrock-agentcore.amazonaws.com`
    Service(String),
    /// An unauthenticated caller
    Anonymous,
}

/// The kinds of IAM identity that make requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IamKind {
    /// The account root user
    Root,
    /// An IAM user (name without path)
    User {
        /// The user name
        name: String,
    },
    /// A session of a role; `session` is `None` when the request names only the role
    Role {
        /// The role name (without path)
        name: String,
        /// The role ARN, with path when known
        role_arn: String,
        /// The session name, if the request gave an assumed-role ARN
        session: Option<String>,
    },
    /// An STS federated user (`sts:GetFederationToken`)
    FederatedUser {
        /// The federated user name
        name: String,
    },
}

/// An IAM principal with its ARN and account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IamPrincipal {
    /// The caller's ARN: user, role, assumed-role session, root or federated-user ARN
    pub arn: String,
    /// The partition (`aws`)
    pub partition: String,
    /// The 12-digit account id
    pub account: String,
    /// What kind of identity it is
    pub kind: IamKind,
}

/// Why a principal string was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid principal `{0}`: expected an IAM user, role, assumed-role, federated-user or root ARN, an account id, a service principal such as `lambda.amazonaws.com`, or `anonymous`")]
pub struct PrincipalError(pub String);

impl Principal {
    /// Parse a principal as a request names it.
    pub fn parse(text: &str) -> Result<Self, PrincipalError> {
        let err = || PrincipalError(text.to_string());
        if text == "anonymous" {
            return Ok(Self::Anonymous);
        }
        if is_account_id(text) {
            return Ok(Self::Iam(IamPrincipal {
                arn: format!("arn:aws:iam::{text}:root"),
                partition: "aws".into(),
                account: text.into(),
                kind: IamKind::Root,
            }));
        }
        if !text.starts_with("arn:") {
            let ok = text.contains('.')
                && text
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
            return if ok {
                Ok(Self::Service(text.to_ascii_lowercase()))
            } else {
                Err(err())
            };
        }
        let arn = Arn::parse(text).ok_or_else(err)?;
        if !is_account_id(arn.account) || !arn.region.is_empty() {
            return Err(err());
        }
        let kind = match (arn.service, arn.resource.split_once('/')) {
            ("iam", None) if arn.resource == "root" => IamKind::Root,
            ("iam", Some(("user", rest))) => IamKind::User {
                name: last_segment(rest).ok_or_else(err)?.into(),
            },
            ("iam", Some(("role", rest))) => IamKind::Role {
                name: last_segment(rest).ok_or_else(err)?.into(),
                role_arn: text.into(),
                session: None,
            },
            ("sts", Some(("assumed-role", rest))) => {
                let (role, session) = rest.split_once('/').ok_or_else(err)?;
                if role.is_empty() || session.is_empty() || session.contains('/') {
                    return Err(err());
                }
                IamKind::Role {
                    name: role.into(),
                    role_arn: format!("arn:{}:iam::{}:role/{role}", arn.partition, arn.account),
                    session: Some(session.into()),
                }
            }
            ("sts", Some(("federated-user", name))) if !name.is_empty() => {
                IamKind::FederatedUser { name: name.into() }
            }
            _ => return Err(err()),
        };
        Ok(Self::Iam(IamPrincipal {
            arn: text.into(),
            partition: arn.partition.into(),
            account: arn.account.into(),
            kind,
        }))
    }

    /// The account the principal belongs to (none for services and anonymous callers)
    pub fn account(&self) -> Option<&str> {
        match self {
            Self::Iam(p) => Some(&p.account),
            _ => None,
        }
    }

    /// The principal as text (ARN, service name or `anonymous`)
    pub fn as_str(&self) -> &str {
        match self {
            Self::Iam(p) => &p.arn,
            Self::Service(s) => s,
            Self::Anonymous => "anonymous",
        }
    }
}

fn last_segment(path: &str) -> Option<&str> {
    path.rsplit('/').next().filter(|s| !s.is_empty())
}

impl Lookup for Context {
    fn lookup(&self, lower_key: &str) -> Option<&ContextEntry> {
        self.get_lower(lower_key)
    }
}

/// Request context: case-insensitive key -> values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    entries: crate::hash::FastIndexMap<String, ContextEntry>,
}

impl Context {
    /// An empty context
    pub fn new() -> Self {
        Self::default()
    }

    /// Set a single-valued key (replacing any earlier value)
    pub fn insert(&mut self, key: &str, value: impl Into<String>) {
        self.entries.insert(
            key.to_ascii_lowercase(),
            ContextEntry {
                name: key.into(),
                values: vec![ContextValue::new(value)],
                multi: false,
            },
        );
    }

    /// Set a multivalued key (replacing any earlier value)
    pub fn insert_list<S: Into<String>>(&mut self, key: &str, values: impl IntoIterator<Item = S>) {
        self.entries.insert(
            key.to_ascii_lowercase(),
            ContextEntry {
                name: key.into(),
                values: values.into_iter().map(ContextValue::new).collect(),
                multi: true,
            },
        );
    }

    /// Set a key unless the request already gives it
    pub fn insert_default(&mut self, key: &str, value: impl Into<String>) {
        if let indexmap::map::Entry::Vacant(slot) = self.entries.entry(key.to_ascii_lowercase()) {
            slot.insert(ContextEntry {
                name: key.into(),
                values: vec![ContextValue::new(value)],
                multi: false,
            });
        }
    }

    /// Remove a key (any case), keeping the order of the others
    pub fn remove(&mut self, key: &str) {
        self.entries.shift_remove(&key.to_ascii_lowercase());
    }

    /// Whether no key is set
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Does the request give this key?
    pub fn contains(&self, key: &str) -> bool {
        self.entries.contains_key(&key.to_ascii_lowercase())
    }

    /// Look a key up by its lowercased name
    pub fn get_lower(&self, lower_key: &str) -> Option<&ContextEntry> {
        self.entries.get(lower_key)
    }

    /// Look a key up, ignoring case
    pub fn get(&self, key: &str) -> Option<&ContextEntry> {
        self.entries.get(&key.to_ascii_lowercase())
    }

    /// Every entry, in insertion order
    pub fn iter(&self) -> impl Iterator<Item = &ContextEntry> {
        self.entries.values()
    }
}

/// A request: principal, action, resource and context. Built by callers, prepared by the engine.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// Who calls
    pub principal: Principal,
    /// `service:Action`, any case
    pub action: String,
    /// The resource ARN, or `*`
    pub resource: String,
    /// Context keys the caller supplies; global keys that follow from the request are added
    pub context: Context,
    /// The account that owns the resource, when its ARN does not say (S3) and the inventory does not know
    pub resource_account: Option<String>,
    /// The session policy passed when the role was assumed, if any
    pub session_policy: Option<crate::policy::Document>,
}

impl Request {
    /// A request with an empty context.
    pub fn new(
        principal: Principal,
        action: impl Into<String>,
        resource: impl Into<String>,
    ) -> Self {
        Self {
            principal,
            action: action.into(),
            resource: resource.into(),
            context: Context::new(),
            resource_account: None,
            session_policy: None,
        }
    }

    /// Add a single-valued context key (builder style)
    pub fn with_context(mut self, key: &str, value: impl Into<String>) -> Self {
        self.context.insert(key, value);
        self
    }
}

/// AWS's `ContextKeyType` names, as the simulator accepts them.
/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_ContextEntry.html>
const CONTEXT_TYPES: &[&str] = &[
    "string",
    "stringlist",
    "numeric",
    "numericlist",
    "boolean",
    "booleanlist",
    "ip",
    "iplist",
    "binary",
    "binarylist",
    "date",
    "datelist",
];

impl Context {
    /// Read a context object as scenario files write it: each value a string, number, boolean,
    /// list of those, or `{"type": "date", "value": ...}` with an AWS `ContextKeyType`.
    /// Errors name the key and say what is wrong.
    pub fn from_json(value: &serde_json::Value) -> Result<Self, String> {
        let mut ctx = Self::new();
        ctx.extend_from_json(value)?;
        Ok(ctx)
    }

    /// Add (or override) keys from a context object; see [`Context::from_json`].
    pub fn extend_from_json(&mut self, value: &serde_json::Value) -> Result<(), String> {
        use serde_json::Value;
        let obj = value
            .as_object()
            .ok_or_else(|| "context must be an object of key -> value".to_string())?;
        for (key, v) in obj {
            if key.is_empty() {
                return Err("context key must not be empty".into());
            }
            let (ty, v) = match v {
                Value::Object(o) => {
                    for k in o.keys() {
                        if k != "type" && k != "value" {
                            return Err(format!("context key `{key}`: unknown field `{k}` (expected `type` and `value`)"));
                        }
                    }
                    let ty = o
                        .get("type")
                        .and_then(Value::as_str)
                        .ok_or_else(|| format!("context key `{key}`: `type` must be a string"))?;
                    let lower = ty.to_ascii_lowercase();
                    if !CONTEXT_TYPES.contains(&lower.as_str()) {
                        return Err(format!(
                            "context key `{key}`: unknown type `{ty}` (expected one of {})",
                            CONTEXT_TYPES.join(", ")
                        ));
                    }
                    let v = o
                        .get("value")
                        .ok_or_else(|| format!("context key `{key}`: missing `value`"))?;
                    (Some(lower), v)
                }
                other => (None, other),
            };
            let scalars: Vec<&Value> = match v {
                Value::Array(a) => a.iter().collect(),
                other => vec![other],
            };
            let mut strings = Vec::with_capacity(scalars.len());
            for s in scalars {
                let text = match s {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    other => {
                        return Err(format!(
                            "context key `{key}`: values must be strings, numbers or booleans, found {other}"
                        ))
                    }
                };
                if let Some(ty) = &ty {
                    let ok = match ty.trim_end_matches("list") {
                        "numeric" => parse_number(&text).is_some(),
                        "boolean" => parse_bool(&text).is_some(),
                        "date" => parse_date(&text).is_some(),
                        "ip" => Cidr::parse(&text).is_some(),
                        "binary" => decode_base64(&text).is_some(),
                        _ => true,
                    };
                    if !ok {
                        return Err(format!(
                            "context key `{key}`: `{text}` is not a valid {ty} value"
                        ));
                    }
                }
                strings.push(text);
            }
            let multi = v.is_array() || ty.as_deref().is_some_and(|t| t.ends_with("list"));
            if multi {
                self.insert_list(key, strings);
            } else if let Some(s) = strings.pop() {
                self.insert(key, s);
            }
        }
        Ok(())
    }
}

impl Context {
    /// Read `KEY=VALUE` pairs (as `--context` gives them); a key given twice becomes a list.
    pub fn from_assignments(pairs: &[String]) -> Result<Self, String> {
        let mut grouped: IndexMap<String, (String, Vec<String>)> = IndexMap::new();
        for p in pairs {
            let (k, v) = p
                .split_once('=')
                .ok_or_else(|| format!("context `{p}` must be KEY=VALUE"))?;
            if k.is_empty() {
                return Err(format!("context `{p}` has an empty key"));
            }
            grouped
                .entry(k.to_ascii_lowercase())
                .or_insert_with(|| (k.to_string(), Vec::new()))
                .1
                .push(v.to_string());
        }
        let mut ctx = Self::new();
        for (_, (k, mut values)) in grouped {
            if values.len() == 1 {
                ctx.insert(&k, values.pop().unwrap_or_default());
            } else {
                ctx.insert_list(&k, values);
            }
        }
        Ok(ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principals_parse_by_kind() {
        let p = Principal::parse("arn:aws:sts::111122223333:assumed-role/app/s1").unwrap();
        let Principal::Iam(p) = p else { panic!() };
        assert_eq!(
            p.kind,
            IamKind::Role {
                name: "app".into(),
                role_arn: "arn:aws:iam::111122223333:role/app".into(),
                session: Some("s1".into())
            }
        );
        assert!(matches!(
            Principal::parse("arn:aws:iam::111122223333:user/a/b/carol").unwrap(),
            Principal::Iam(IamPrincipal {
                kind: IamKind::User { .. },
                ..
            })
        ));
        assert_eq!(
            Principal::parse("bedrock-agentcore.amazonaws.com").unwrap(),
            Principal::Service("bedrock-agentcore.amazonaws.com".into())
        );
        assert_eq!(Principal::parse("anonymous").unwrap(), Principal::Anonymous);
        assert!(Principal::parse("arn:aws:s3:::bucket").is_err());
        assert!(Principal::parse("bob").is_err());
    }

    #[test]
    fn context_keys_ignore_case_and_values_are_typed() {
        let mut c = Context::new();
        c.insert("aws:PrincipalTag/Team", "42");
        let e = c.get("AWS:principaltag/team").unwrap();
        assert_eq!(e.values[0].number(), Some(42.0));
        assert!(!e.multi);
        c.insert_default("aws:principaltag/team", "x");
        assert_eq!(
            c.get("aws:PrincipalTag/Team").unwrap().values[0].raw(),
            "42"
        );
    }
}
