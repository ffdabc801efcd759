//! The one place that knows the JSON spellings of the policy grammar and tracks the JSON path:
//! the document here, a statement's elements in the files below.

mod condition;
mod element;
pub(crate) use element::variables_as;
mod principal;
mod statement;

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::error::{closest, JsonPath, PolicyError, PolicyErrorKind as K};
use super::{Document, PolicyKind, Version};

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
    /// The ARN of the resource a resource-based policy is attached to, when known: decides
    /// whether its statements may omit `Resource` (see `statement::implicit_resource`)
    attached: Option<&'a str>,
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
    parse_with(value, file, kind, None)
}

/// Parse the resource-based policy attached to `resource_arn` (a bucket, repository, topic,
/// key, function, ...); `file` labels errors. Where AWS accepts statements without `Resource`
/// (ECR repository and SNS topic policies), such a statement applies to that resource.
pub fn parse_resource_policy(value: &Value, file: &str, resource_arn: &str) -> Result<Document> {
    parse_with(value, file, PolicyKind::Resource, Some(resource_arn))
}

fn parse_with(
    value: &Value,
    file: &str,
    kind: PolicyKind,
    attached: Option<&str>,
) -> Result<Document> {
    let root = JsonPath::root();
    let mut p = Parser {
        file,
        kind,
        variables: false,
        attached,
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{ResourceClause, ResourceMatcher};

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
    fn only_ecr_and_sns_resource_policies_may_omit_resource() {
        let v: Value = serde_json::from_str(
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"ecr:BatchGetImage"}}"#,
        )
        .unwrap();
        let repo = "arn:aws:ecr:us-east-1:111122223333:repository/app";
        let d = parse_resource_policy(&v, "p.json", repo).unwrap();
        assert_eq!(d.statements[0].resource, None);
        let topic = "arn:aws:sns:us-east-1:111122223333:alerts";
        assert!(parse_resource_policy(&v, "p.json", topic).is_ok());
        let why = "AWS accepts a statement without one only in ECR repository policies and SNS \
                   topic policies";
        assert_eq!(
            parse_resource_policy(&v, "p.json", "arn:aws:s3:::b")
                .unwrap_err()
                .to_string(),
            format!("p.json: Statement: missing `Resource`: {why}, and this policy is attached to `arn:aws:s3:::b`; add `Resource` with the ARNs the statement covers")
        );
        assert_eq!(
            parse_document(&v, "p.json", PolicyKind::Resource)
                .unwrap_err()
                .to_string(),
            format!("p.json: Statement: missing `Resource`: {why}; add `Resource` with the ARNs the statement covers")
        );
        let identity = r#"{"Statement":{"Effect":"Allow","Action":"ecr:BatchGetImage"}}"#;
        assert_eq!(
            err(identity, PolicyKind::Identity),
            "p.json: Statement: missing `Resource`"
        );
        let trust = r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}}"#;
        assert_eq!(
            err(trust, PolicyKind::Trust),
            "p.json: Statement: `Resource` is not allowed in a role trust policy"
        );
    }

    #[test]
    fn variables_in_any_segment_but_the_structure_still_checked() {
        // AWS's own AmazonTimestreamInfluxDBServiceRolePolicy has a variable in the account.
        let doc = parse_str(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:*:kms:*:${aws:PrincipalAccount}:key/*"}}"#,
            "p.json",
            PolicyKind::Identity,
        )
        .unwrap();
        assert!(matches!(
            doc.statements[0].resource,
            Some(ResourceClause::Resource(ref r)) if matches!(r[0].matcher, ResourceMatcher::Template(_))
        ));
        assert!(err(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get","Resource":"arn:aws:${aws:username}"}}"#,
            PolicyKind::Identity
        )
        .contains("six colon-separated parts"));
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
