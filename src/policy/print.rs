//! Documents back to JSON, in a canonical form (lists always arrays), so that
//! `parse(print(doc)) == doc`.

use serde_json::{json, Map, Value};

use super::{
    ActionClause, Document, Effect, PrincipalClause, PrincipalEntry, Principals, ResourceClause,
    Version,
};

impl Document {
    /// The document as JSON.
    pub fn to_json(&self) -> Value {
        let mut top = Map::new();
        match self.version {
            Version::V2012_10_17 => {
                top.insert("Version".into(), json!("2012-10-17"));
            }
            Version::V2008_10_17 => {
                top.insert("Version".into(), json!("2008-10-17"));
            }
            Version::Absent => {}
        }
        if let Some(id) = &self.id {
            top.insert("Id".into(), json!(id));
        }
        let statements = self
            .statements
            .iter()
            .map(|s| {
                let mut m = Map::new();
                if let Some(sid) = &s.sid {
                    m.insert("Sid".into(), json!(sid));
                }
                m.insert(
                    "Effect".into(),
                    json!(match s.effect {
                        Effect::Allow => "Allow",
                        Effect::Deny => "Deny",
                    }),
                );
                match &s.principal {
                    Some(PrincipalClause::Principal(p)) => {
                        m.insert("Principal".into(), principals(p));
                    }
                    Some(PrincipalClause::NotPrincipal(p)) => {
                        m.insert("NotPrincipal".into(), principals(p));
                    }
                    None => {}
                }
                let (key, list) = match &s.action {
                    ActionClause::Action(a) => ("Action", a),
                    ActionClause::NotAction(a) => ("NotAction", a),
                };
                m.insert(key.into(), list.iter().map(|a| json!(a.raw)).collect());
                match &s.resource {
                    Some(ResourceClause::Resource(r)) => {
                        m.insert("Resource".into(), r.iter().map(|r| json!(r.raw)).collect());
                    }
                    Some(ResourceClause::NotResource(r)) => {
                        m.insert(
                            "NotResource".into(),
                            r.iter().map(|r| json!(r.raw)).collect(),
                        );
                    }
                    None => {}
                }
                if !s.conditions.is_empty() {
                    let mut c: Map<String, Value> = Map::new();
                    for cond in &s.conditions {
                        let block = c
                            .entry(cond.operator.to_string())
                            .or_insert_with(|| Value::Object(Map::new()));
                        if let Value::Object(b) = block {
                            b.insert(
                                cond.key.clone(),
                                cond.raw.iter().map(|v| json!(v)).collect(),
                            );
                        }
                    }
                    m.insert("Condition".into(), Value::Object(c));
                }
                Value::Object(m)
            })
            .collect();
        top.insert("Statement".into(), statements);
        Value::Object(top)
    }
}

fn principals(p: &Principals) -> Value {
    if p.any {
        return json!("*");
    }
    let mut m: Map<String, Value> = Map::new();
    for e in &p.entries {
        let (k, v) = match e {
            PrincipalEntry::AnyAws => ("AWS", "*"),
            PrincipalEntry::Account { raw, .. } => ("AWS", raw.as_str()),
            PrincipalEntry::Arn(a) | PrincipalEntry::UniqueId(a) => ("AWS", a.as_str()),
            PrincipalEntry::Service(s) => ("Service", s.as_str()),
            PrincipalEntry::Federated(s) => ("Federated", s.as_str()),
            PrincipalEntry::CanonicalUser(s) => ("CanonicalUser", s.as_str()),
        };
        if let Value::Array(a) = m.entry(k).or_insert_with(|| Value::Array(Vec::new())) {
            a.push(json!(v));
        }
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use crate::policy::{parse_document, parse_str, PolicyKind};

    #[test]
    fn print_then_parse_gives_the_same_document() {
        let text = r#"{"Version":"2012-10-17","Id":"x","Statement":[
            {"Sid":"A","Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::111122223333:role/r"],"Service":"s3.amazonaws.com"},
             "NotAction":"s3:Delete*","Resource":["arn:aws:s3:::b/${aws:username}/*"],
             "Condition":{"StringLike":{"aws:SourceArn":"arn:*"},"NumericLessThan":{"n":5}}}]}"#;
        let d = parse_str(text, "p", PolicyKind::Resource).unwrap();
        let again = parse_document(&d.to_json(), "p", PolicyKind::Resource).unwrap();
        assert_eq!(d, again);
    }
}
