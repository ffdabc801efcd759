//! The one place that knows the JSON spellings of the policy grammar and tracks the JSON path.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::condition::template::Template;
use super::condition::{too_long, Condition, Operator};
use super::error::{closest, JsonPath, PolicyError, PolicyErrorKind as K};
use super::{
    ActionClause, ActionPattern, Document, Effect, PolicyKind, PrincipalClause, PrincipalEntry,
    Principals, ResourceClause, ResourceMatcher, ResourcePattern, Statement, Version,
};
use crate::pattern::is_account_id;
use crate::pattern::{Arn, Dialect, Wildcard};

/// The most statements one document may hold (a documented limit; AWS's size quotas are far lower).
pub const MAX_STATEMENTS: usize = 50_000;

const TOP: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

struct Parser<'a> {
    file: &'a str,
    kind: PolicyKind,
    variables: bool,
}

type Result<T> = std::result::Result<T, PolicyError>;

/// Parse a policy document from JSON text; `file` labels errors.
pub fn parse_str(text: &str, file: &str, kind: PolicyKind) -> Result<Document> {
    let value: Value = crate::json::from_str(text).map_err(|e| {
        PolicyError::new(
            file,
            &JsonPath::root(),
            K::Invalid {
                what: "JSON",
                value: format!("line {}, column {}", e.line(), e.column()),
                why: e.to_string(),
            },
        )
    })?;
    parse_document(&value, file, kind)
}

/// Parse a policy document from a JSON value; `file` labels errors.
pub fn parse_document(value: &Value, file: &str, kind: PolicyKind) -> Result<Document> {
    let root = JsonPath::root();
    let mut p = Parser {
        file,
        kind,
        variables: false,
    };
    let obj = p.object(value, &root)?;
    p.known_keys(obj, &root, TOP)?;
    let version = match obj.get("Version") {
        None => Version::Absent,
        Some(Value::String(s)) if s == "2012-10-17" => Version::V2012_10_17,
        Some(Value::String(s)) if s == "2008-10-17" => Version::V2008_10_17,
        Some(other) => {
            return Err(p.err(
                &root.key("Version"),
                K::Invalid {
                    what: "Version",
                    value: display(other),
                    why: "expected \"2012-10-17\" or \"2008-10-17\"".into(),
                },
            ))
        }
    };
    p.variables = version.has_variables();
    let id = match obj.get("Id") {
        None => None,
        Some(v) => Some(p.string(v, &root.key("Id"))?.to_string()),
    };
    let path = root.key("Statement");
    let items: Vec<(JsonPath, &Value)> = match obj.get("Statement") {
        None => return Err(p.err(&root, K::Missing("Statement"))),
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(i, v)| (path.index(i), v))
            .collect(),
        Some(v @ Value::Object(_)) => vec![(path, v)],
        Some(v) => return Err(p.err(&path, wrong("an object or an array of objects", v))),
    };
    if items.is_empty() {
        return Err(p.err(&path, K::Empty("Statement")));
    }
    if items.len() > MAX_STATEMENTS {
        return Err(p.err(
            &path,
            K::Invalid {
                what: "statement count",
                value: items.len().to_string(),
                why: format!("at most {MAX_STATEMENTS} statements per document"),
            },
        ));
    }
    let mut sids = HashSet::new();
    let mut statements = Vec::with_capacity(items.len());
    for (path, v) in items {
        let s = p.statement(v, &path)?;
        if let Some(sid) = &s.sid {
            if !sids.insert(sid.clone()) {
                return Err(p.err(&path.key("Sid"), K::DuplicateSid(sid.clone())));
            }
        }
        statements.push(std::sync::Arc::new(s));
    }
    Ok(Document {
        version,
        id,
        statements,
    })
}

fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn wrong(expected: &'static str, found: &Value) -> K {
    K::WrongType {
        expected,
        found: type_name(found),
    }
}

impl Parser<'_> {
    fn err(&self, path: &JsonPath, kind: K) -> PolicyError {
        PolicyError::new(self.file, path, kind)
    }

    fn object<'v>(&self, v: &'v Value, path: &JsonPath) -> Result<&'v Map<String, Value>> {
        v.as_object()
            .ok_or_else(|| self.err(path, wrong("an object", v)))
    }

    fn string<'v>(&self, v: &'v Value, path: &JsonPath) -> Result<&'v str> {
        v.as_str()
            .ok_or_else(|| self.err(path, wrong("a string", v)))
    }

    fn known_keys(&self, obj: &Map<String, Value>, path: &JsonPath, known: &[&str]) -> Result<()> {
        for k in obj.keys() {
            if !known.contains(&k.as_str()) {
                return Err(self.err(
                    &path.key(k),
                    K::UnknownElement {
                        name: k.clone(),
                        suggestion: closest(k, known.iter().copied()),
                    },
                ));
            }
        }
        Ok(())
    }

    /// A string or a non-empty array of strings, each with its path.
    fn strings<'v, 'p>(
        &self,
        v: &'v Value,
        path: &'p JsonPath<'p>,
        element: &'static str,
    ) -> Result<Vec<(JsonPath<'p>, &'v str)>> {
        match v {
            Value::String(s) => Ok(vec![(*path, s.as_str())]),
            Value::Array(a) if a.is_empty() => Err(self.err(path, K::Empty(element))),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    let p = path.index(i);
                    self.string(x, &p).map(|s| (p, s))
                })
                .collect(),
            other => Err(self.err(path, wrong("a string or an array of strings", other))),
        }
    }

    fn exclusive<'v, 'p>(
        &self,
        obj: &'v Map<String, Value>,
        path: &'p JsonPath<'p>,
        a: &'static str,
        b: &'static str,
    ) -> Result<Option<(bool, &'v Value, JsonPath<'p>)>> {
        match (obj.get(a), obj.get(b)) {
            (Some(_), Some(_)) => Err(self.err(path, K::Exclusive(a, b))),
            (Some(v), None) => Ok(Some((false, v, path.key(a)))),
            (None, Some(v)) => Ok(Some((true, v, path.key(b)))),
            (None, None) => Ok(None),
        }
    }

    fn statement(&self, v: &Value, path: &JsonPath) -> Result<Statement> {
        let obj = self.object(v, path)?;
        self.known_keys(obj, path, STATEMENT)?;
        let sid = match obj.get("Sid") {
            None => None,
            Some(v) => {
                let s = self.string(v, &path.key("Sid"))?;
                (!s.is_empty()).then(|| s.to_string())
            }
        };
        let effect = match obj.get("Effect") {
            None => return Err(self.err(path, K::Missing("Effect"))),
            Some(Value::String(s)) if s == "Allow" => Effect::Allow,
            Some(Value::String(s)) if s == "Deny" => Effect::Deny,
            Some(other) => {
                return Err(self.err(
                    &path.key("Effect"),
                    K::Invalid {
                        what: "Effect",
                        value: display(other),
                        why: "expected \"Allow\" or \"Deny\"".into(),
                    },
                ))
            }
        };
        let principal = self.principal_clause(obj, path)?;
        if self.kind == PolicyKind::Rcp {
            self.rcp_elements(obj, path, principal.as_ref())?;
            if effect == Effect::Allow && !is_full_access(obj) {
                return Err(self.err(
                    &path.key("Effect"),
                    K::Invalid {
                        what: "Effect",
                        value: "Allow".into(),
                        why: "a resource control policy may only deny; the one Allow is AWS's \
                              RCPFullAWSAccess (`Principal`, `Action` and `Resource` all \"*\", \
                              no `Condition`), which iamsim attaches at every level"
                            .into(),
                    },
                ));
            }
        }
        let action = match self.exclusive(obj, path, "Action", "NotAction")? {
            None => return Err(self.err(path, K::Missing("Action"))),
            Some((not, v, p)) => {
                let list = self
                    .strings(v, &p, if not { "NotAction" } else { "Action" })?
                    .into_iter()
                    .map(|(p, s)| self.action(s, &p))
                    .collect::<Result<Vec<_>>>()?;
                if not {
                    ActionClause::NotAction(list)
                } else {
                    ActionClause::Action(list)
                }
            }
        };
        let resource = match self.exclusive(obj, path, "Resource", "NotResource")? {
            None if self.kind == PolicyKind::Trust => None,
            None => return Err(self.err(path, K::Missing("Resource"))),
            Some(_) if self.kind == PolicyKind::Trust => {
                return Err(self.err(
                    path,
                    K::NotAllowed {
                        element: "Resource",
                        policy_kind: self.kind.describe(),
                    },
                ))
            }
            Some((not, v, p)) => {
                let list = self
                    .strings(v, &p, if not { "NotResource" } else { "Resource" })?
                    .into_iter()
                    .map(|(p, s)| self.resource(s, &p))
                    .collect::<Result<Vec<_>>>()?;
                Some(if not {
                    ResourceClause::NotResource(list)
                } else {
                    ResourceClause::Resource(list)
                })
            }
        };
        let conditions = match obj.get("Condition") {
            None => Vec::new(),
            Some(v) => self.conditions(v, &path.key("Condition"))?,
        };
        Ok(Statement {
            sid,
            effect,
            principal,
            action,
            resource,
            conditions,
        })
    }

    /// RCPs take `Principal: "*"` only, and neither `NotPrincipal` nor `NotAction`.
    /// <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html>
    /// RCPs only deny, except AWS's own RCPFullAWSAccess, which AWS attaches everywhere; an
    /// export may list it, so a statement identical to it is accepted.
    /// <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html>
    fn rcp_elements(
        &self,
        obj: &Map<String, Value>,
        path: &JsonPath,
        principal: Option<&PrincipalClause>,
    ) -> Result<()> {
        let not_allowed = |element: &'static str| {
            self.err(
                &path.key(element),
                K::NotAllowed {
                    element,
                    policy_kind: self.kind.describe(),
                },
            )
        };
        if obj.contains_key("NotAction") {
            return Err(not_allowed("NotAction"));
        }
        match principal {
            Some(PrincipalClause::NotPrincipal(_)) => Err(not_allowed("NotPrincipal")),
            Some(PrincipalClause::Principal(p)) if !p.any => Err(self.err(
                &path.key("Principal"),
                K::Invalid {
                    what: "principal",
                    value: "(a principal map)".into(),
                    why: "a resource control policy's Principal must be \"*\" (narrow it with conditions)".into(),
                },
            )),
            _ => Ok(()),
        }
    }

    fn principal_clause(
        &self,
        obj: &Map<String, Value>,
        path: &JsonPath,
    ) -> Result<Option<PrincipalClause>> {
        let found = self.exclusive(obj, path, "Principal", "NotPrincipal")?;
        let allowed = match self.kind {
            PolicyKind::Identity | PolicyKind::Scp => None,
            PolicyKind::Trust => Some(false),
            PolicyKind::Resource | PolicyKind::Rcp => Some(true),
        };
        match (found, allowed) {
            (None, None) => Ok(None),
            (None, Some(_)) => Err(self.err(path, K::Missing("Principal"))),
            (Some((not, _, p)), None) => Err(self.err(
                &p,
                K::NotAllowed {
                    element: if not { "NotPrincipal" } else { "Principal" },
                    policy_kind: self.kind.describe(),
                },
            )),
            (Some((true, _, p)), Some(false)) => Err(self.err(
                &p,
                K::NotAllowed {
                    element: "NotPrincipal",
                    policy_kind: self.kind.describe(),
                },
            )),
            (Some((not, v, p)), Some(_)) => {
                let principals = self.principals(v, &p)?;
                Ok(Some(if not {
                    PrincipalClause::NotPrincipal(principals)
                } else {
                    PrincipalClause::Principal(principals)
                }))
            }
        }
    }

    fn principals(&self, v: &Value, path: &JsonPath) -> Result<Principals> {
        let obj = match v {
            Value::String(s) if s == "*" => {
                return Ok(Principals {
                    any: true,
                    entries: Vec::new(),
                })
            }
            Value::Object(o) => o,
            Value::String(s) => {
                return Err(self.err(
                    path,
                    K::Invalid {
                        what: "principal",
                        value: s.clone(),
                        why: "a bare string principal must be \"*\"; use {\"AWS\": ...}, {\"Service\": ...}, ...".into(),
                    },
                ))
            }
            other => return Err(self.err(path, wrong("\"*\" or an object", other))),
        };
        if obj.is_empty() {
            return Err(self.err(path, K::Empty("Principal")));
        }
        let mut entries = Vec::new();
        for (k, v) in obj {
            let kp = path.key(k);
            for (p, s) in self.strings(v, &kp, "Principal")? {
                let entry = match k.as_str() {
                    "AWS" => self.aws_principal(s, &p)?,
                    "Service" | "Federated" | "CanonicalUser" => {
                        if s.is_empty() || s.contains(['*', '?']) {
                            return Err(self.err(
                                &p,
                                K::Invalid {
                                    what: "principal",
                                    value: s.into(),
                                    why: "wildcards are not allowed in Principal".into(),
                                },
                            ));
                        }
                        match k.as_str() {
                            "Service" => PrincipalEntry::Service(s.to_ascii_lowercase()),
                            "Federated" => PrincipalEntry::Federated(s.into()),
                            _ => PrincipalEntry::CanonicalUser(s.into()),
                        }
                    }
                    _ => {
                        return Err(self.err(
                            &kp,
                            K::UnknownElement {
                                name: k.clone(),
                                suggestion: closest(
                                    k,
                                    ["AWS", "Service", "Federated", "CanonicalUser"],
                                ),
                            },
                        ))
                    }
                };
                entries.push(entry);
            }
        }
        Ok(Principals {
            any: false,
            entries,
        })
    }

    /// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
    fn aws_principal(&self, s: &str, path: &JsonPath) -> Result<PrincipalEntry> {
        let invalid = |why: &str| {
            self.err(
                path,
                K::Invalid {
                    what: "AWS principal",
                    value: s.into(),
                    why: why.into(),
                },
            )
        };
        if s == "*" {
            return Ok(PrincipalEntry::AnyAws);
        }
        if s.contains(['*', '?']) {
            return Err(invalid("partial wildcards are not allowed in Principal; use `*` with a condition on aws:PrincipalArn"));
        }
        if is_account_id(s) {
            return Ok(PrincipalEntry::Account {
                raw: s.into(),
                account: s.into(),
            });
        }
        if is_unique_id(s) {
            return Ok(PrincipalEntry::UniqueId(s.into()));
        }
        let arn =
            Arn::parse(s).ok_or_else(|| invalid("expected an account id, `*` or an IAM ARN"))?;
        if !is_account_id(arn.account) {
            return Err(invalid("the ARN has no 12-digit account id"));
        }
        let ok = match arn.service {
            "iam" => {
                arn.resource == "root"
                    || ["user/", "role/"]
                        .iter()
                        .any(|p| arn.resource.len() > p.len() && arn.resource.starts_with(p))
            }
            "sts" => ["assumed-role/", "federated-user/"]
                .iter()
                .any(|p| arn.resource.starts_with(p)),
            _ => false,
        };
        if !ok {
            return Err(invalid("expected an IAM user, role or root ARN, or an STS assumed-role or federated-user ARN"));
        }
        if arn.service == "iam" && arn.resource == "root" {
            return Ok(PrincipalEntry::Account {
                raw: s.into(),
                account: arn.account.into(),
            });
        }
        Ok(PrincipalEntry::Arn(s.into()))
    }

    fn action(&self, s: &str, path: &JsonPath) -> Result<ActionPattern> {
        let invalid = |why: &str| {
            self.err(
                path,
                K::Invalid {
                    what: "action",
                    value: s.into(),
                    why: why.into(),
                },
            )
        };
        let lower = s.to_ascii_lowercase();
        if s == "*" {
            return Ok(ActionPattern {
                raw: s.into(),
                service: None,
                matcher: Wildcard::new("*", Dialect::Plain).map_err(|_| invalid("too long"))?,
            });
        }
        let Some((service, name)) = lower.split_once(':') else {
            return Err(invalid("expected `service:Action`, such as `s3:GetObject`"));
        };
        if service.contains(['*', '?']) {
            return Err(invalid("wildcards are not allowed in the service prefix"));
        }
        if service.is_empty()
            || !service
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(invalid(
                "the service prefix must be letters, digits and `-`",
            ));
        }
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '*' || c == '?')
        {
            return Err(invalid(
                "the action name must be letters and digits, with `*` or `?` as wildcards",
            ));
        }
        Ok(ActionPattern {
            raw: s.into(),
            service: Some(service.into()),
            matcher: Wildcard::new(&lower, Dialect::Plain).map_err(|_| invalid(&too_long()))?,
        })
    }

    /// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>
    fn resource(&self, s: &str, path: &JsonPath) -> Result<ResourcePattern> {
        let invalid = |why: &str| {
            self.err(
                path,
                K::Invalid {
                    what: "resource",
                    value: s.into(),
                    why: why.into(),
                },
            )
        };
        if s != "*" {
            if !s.starts_with("arn:") {
                return Err(invalid(
                    "expected `*` or an ARN (arn:partition:service:region:account:resource)",
                ));
            }
            let head_end = if self.variables {
                s.find("${").unwrap_or(s.len())
            } else {
                s.len()
            };
            let head = s.get(..head_end).unwrap_or(s);
            let parts: Vec<&str> = head.split(':').collect();
            if head_end < s.len() && parts.len() < 6 {
                return Err(invalid("policy variables are allowed only in the resource part of an ARN (after the fifth colon)"));
            }
            let spans = parts.last().is_some_and(|p| p.ends_with('*'));
            if parts.len() < 6 && !spans {
                return Err(invalid("an ARN has six colon-separated parts"));
            }
            match parts.get(2) {
                Some(svc) if svc.contains(['*', '?']) => {
                    return Err(invalid("wildcards are not allowed in the service segment"))
                }
                Some(&"") => return Err(invalid("the service segment is empty")),
                _ => {}
            }
        }
        let template = if self.variables {
            Template::parse(s).map_err(|e| invalid(&e.0))?
        } else {
            None
        };
        let matcher = match template {
            Some(t) => ResourceMatcher::Template(t),
            None => ResourceMatcher::Fixed(
                Wildcard::new(s, Dialect::Resource).map_err(|_| invalid(&too_long()))?,
            ),
        };
        Ok(ResourcePattern {
            raw: s.into(),
            matcher,
        })
    }

    fn conditions(&self, v: &Value, path: &JsonPath) -> Result<Vec<Condition>> {
        let obj = self.object(v, path)?;
        let mut out = Vec::new();
        for (op_name, block) in obj {
            let op_path = path.key(op_name);
            let operator = Operator::parse(op_name).map_err(|e| {
                self.err(
                    &op_path,
                    K::UnknownOperator {
                        name: op_name.clone(),
                        suggestion: e.suggestion,
                    },
                )
            })?;
            let block = self.object(block, &op_path)?;
            if block.is_empty() {
                return Err(self.err(&op_path, K::Empty("condition operator block")));
            }
            for (key, values) in block {
                let key_path = op_path.key(key);
                if key.is_empty() {
                    return Err(self.err(&key_path, K::Empty("condition key")));
                }
                let raw: Vec<(JsonPath, String)> = match values {
                    Value::Array(a) if a.is_empty() => {
                        return Err(self.err(&key_path, K::Empty("condition values")))
                    }
                    Value::Array(a) => a
                        .iter()
                        .enumerate()
                        .map(|(i, x)| {
                            self.scalar(x, &key_path.index(i))
                                .map(|s| (key_path.index(i), s))
                        })
                        .collect::<Result<_>>()?,
                    other => vec![(key_path, self.scalar(other, &key_path)?)],
                };
                let paths: Vec<JsonPath> = raw.iter().map(|(p, _)| *p).collect();
                let strings = raw.into_iter().map(|(_, s)| s).collect();
                let cond = Condition::new(operator, key, strings, self.variables).map_err(|e| {
                    let p = paths.get(e.index).unwrap_or(&key_path);
                    let value = match values {
                        Value::Array(a) => a.get(e.index).map(display).unwrap_or_default(),
                        other => display(other),
                    };
                    self.err(
                        p,
                        K::Invalid {
                            what: e.what,
                            value,
                            why: if e.why == too_long() {
                                e.why
                            } else {
                                format!("{}, as `{operator}` requires", e.why)
                            },
                        },
                    )
                })?;
                out.push(cond);
            }
        }
        Ok(out)
    }

    /// Condition values may be strings, numbers or booleans (AWS reads them as strings).
    fn scalar(&self, v: &Value, path: &JsonPath) -> Result<String> {
        match v {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            other => Err(self.err(path, wrong("a string, number or boolean", other))),
        }
    }
}

/// AWS unique ids: four uppercase letters (`AIDA`, `AROA`, ...) then 16+ uppercase letters/digits.
fn is_unique_id(s: &str) -> bool {
    s.len() >= 20
        && s.starts_with('A')
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && s.get(..4)
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_uppercase()))
}

/// Is this statement exactly RCPFullAWSAccess's: Allow, `Principal`, `Action` and `Resource`
/// all `"*"`, nothing else but a `Sid`?
fn is_full_access(obj: &Map<String, Value>) -> bool {
    let star = |k: &str| obj.get(k).and_then(Value::as_str) == Some("*");
    star("Principal")
        && star("Action")
        && star("Resource")
        && obj.keys().all(|k| {
            matches!(
                k.as_str(),
                "Sid" | "Effect" | "Principal" | "Action" | "Resource"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(json: &str, kind: PolicyKind) -> String {
        parse_str(json, "p.json", kind).unwrap_err().to_string()
    }

    #[test]
    fn parses_a_minimal_identity_policy() {
        let d = parse_str(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#,
            "p.json",
            PolicyKind::Identity,
        )
        .unwrap();
        assert_eq!(d.statements.len(), 1);
        assert_eq!(d.version, Version::V2012_10_17);
    }

    #[test]
    fn rejections_name_file_and_path() {
        assert_eq!(
            err(
                r#"{"Statement":[{"Action":"s3:*","Resource":"*"}]}"#,
                PolicyKind::Identity
            ),
            "p.json: Statement[0]: missing `Effect`"
        );
        assert_eq!(
            err(r#"{"Statement":[{"Effect":"Allow","Action":"s3GetObject","Resource":"*"}]}"#, PolicyKind::Identity),
            "p.json: Statement[0].Action: invalid action `s3GetObject`: expected `service:Action`, such as `s3:GetObject`"
        );
        assert_eq!(
            err(r#"{"Statement":[{"Effect":"Allow","Action":"s*:Get","Resource":"*"}]}"#, PolicyKind::Identity),
            "p.json: Statement[0].Action: invalid action `s*:Get`: wildcards are not allowed in the service prefix"
        );
        assert_eq!(
            err(
                r#"{"Statement":[{"Effect":"Allow","Action":"s3:Get","NotAction":"s3:Put","Resource":"*"}]}"#,
                PolicyKind::Identity
            ),
            "p.json: Statement[0]: `Action` and `NotAction` cannot both appear in a statement"
        );
        assert_eq!(
            err(
                r#"{"Statement":[{"Efect":"Allow","Action":"s3:Get","Resource":"*"}]}"#,
                PolicyKind::Identity
            ),
            "p.json: Statement[0].Efect: unknown element `Efect` (did you mean `Effect`?)"
        );
        assert_eq!(
            err(r#"{"Statement":[{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"StringEqual":{"a:b":"c"}}}]}"#, PolicyKind::Identity),
            "p.json: Statement[0].Condition.StringEqual: unknown condition operator `StringEqual` (did you mean `StringEquals`?)"
        );
        assert_eq!(
            err(r#"{"Statement":[{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":["2020-01-01","soon"]}}}]}"#, PolicyKind::Identity),
            "p.json: Statement[0].Condition.DateLessThan.\"aws:CurrentTime\"[1]: invalid date `soon`: expected ISO 8601 (2020-01-01T00:00:00Z) or epoch seconds, as `DateLessThan` requires"
        );
        assert_eq!(
            err(r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:Get","Resource":"*"}]}"#, PolicyKind::Identity),
            "p.json: Statement[0].Principal: `Principal` is not allowed in an identity-based policy"
        );
        assert_eq!(
            err(
                r#"{"Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:Get","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"s3:Get","Resource":"*"}]}"#,
                PolicyKind::Identity
            ),
            "p.json: Statement[1].Sid: duplicate Sid `A`: a Sid must be unique within a policy"
        );
        assert_eq!(
            err(r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/*"},"Action":"s3:Get","Resource":"*"}]}"#, PolicyKind::Resource),
            "p.json: Statement[0].Principal.AWS: invalid AWS principal `arn:aws:iam::111122223333:role/*`: partial wildcards are not allowed in Principal; use `*` with a condition on aws:PrincipalArn"
        );
        assert_eq!(
            err(r#"{"Statement":[{"Effect":"Allow","Action":"s3:Get","Resource":"arn:aws:s*:::b"}]}"#, PolicyKind::Identity),
            "p.json: Statement[0].Resource: invalid resource `arn:aws:s*:::b`: wildcards are not allowed in the service segment"
        );
        assert!(err("{\"Statement\": [", PolicyKind::Identity)
            .starts_with("p.json: (document): invalid JSON `line 1, column 15`"));
    }

    #[test]
    fn rcps_allow_only_as_rcp_full_aws_access() {
        let full = r#"{"Statement":{"Sid":"FullAWSAccess","Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}"#;
        assert!(parse_str(full, "p.json", PolicyKind::Rcp).is_ok());
        let narrowed = r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"},{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#;
        assert_eq!(
            err(narrowed, PolicyKind::Rcp),
            "p.json: Statement[1].Effect: invalid Effect `Allow`: a resource control policy may only deny; the one Allow is AWS's RCPFullAWSAccess (`Principal`, `Action` and `Resource` all \"*\", no `Condition`), which iamsim attaches at every level"
        );
        let conditional = r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}}"#;
        assert!(err(conditional, PolicyKind::Rcp).contains("may only deny"));
    }

    #[test]
    fn rcps_take_only_star_principals_and_no_not_action() {
        assert_eq!(
            err(
                r#"{"Statement":{"Effect":"Deny","Principal":"*","NotAction":"s3:Get*","Resource":"*"}}"#,
                PolicyKind::Rcp
            ),
            "p.json: Statement.NotAction: `NotAction` is not allowed in a resource control policy"
        );
        assert!(err(r#"{"Statement":{"Effect":"Deny","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}}"#, PolicyKind::Rcp)
            .contains("a resource control policy's Principal must be \"*\""));
    }

    #[test]
    fn trust_policies_have_no_resource_and_no_not_principal() {
        let ok = parse_str(
            r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"bedrock-agentcore.amazonaws.com"},"Action":"sts:AssumeRole"}}"#,
            "t.json",
            PolicyKind::Trust,
        );
        assert!(ok.is_ok());
        assert_eq!(
            err(
                r#"{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}}"#,
                PolicyKind::Trust
            ),
            "p.json: Statement.NotPrincipal: `NotPrincipal` is not allowed in a role trust policy"
        );
    }

    #[test]
    fn variables_only_in_the_resource_part() {
        assert!(err(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get","Resource":"arn:aws:s3:${aws:username}::b"}}"#,
            PolicyKind::Identity
        )
        .contains("policy variables are allowed only in the resource part"));
        let old = parse_str(
            r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:Get","Resource":"arn:aws:s3:::b/${aws:username}"}}"#,
            "p.json",
            PolicyKind::Identity,
        )
        .unwrap();
        assert!(matches!(
            old.statements[0].resource,
            Some(ResourceClause::Resource(ref r)) if matches!(r[0].matcher, ResourceMatcher::Fixed(_))
        ));
    }
}
