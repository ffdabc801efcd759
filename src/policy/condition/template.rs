//! Policy variables: `${aws:username}`, `${aws:PrincipalTag/team}`, `${*}`, `${?}`, `${$}` and
//! `${key, 'default'}`. Only policies with `"Version": "2012-10-17"` have them; elsewhere the
//! text is literal. This file is their grammar; `crate::condition::variables` resolves them.
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>

/// One piece of a templated policy value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Text as written (wildcards in it stay wildcards)
    Text(String),
    /// `${*}`, `${?}` or `${$}`: a literal character
    Escaped(char),
    /// A context key, with an optional default
    Var {
        /// Key name as written
        name: String,
        /// Key name lowercased, for lookup
        lower: String,
        /// `${key, 'default'}`
        default: Option<String>,
    },
}

/// A policy value containing variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

/// Why a variable reference was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableError(pub String);

impl Template {
    /// Parse `text`; `Ok(None)` when it has no variable at all.
    pub fn parse(text: &str) -> Result<Option<Self>, VariableError> {
        if !text.contains("${") {
            return Ok(None);
        }
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            let (before, after) = rest.split_at(start);
            if !before.is_empty() {
                parts.push(Part::Text(before.into()));
            }
            let body_and_rest = after.get(2..).unwrap_or("");
            let end = body_and_rest
                .find('}')
                .ok_or_else(|| VariableError("unterminated policy variable".into()))?;
            let body = body_and_rest.get(..end).unwrap_or("");
            parts.push(parse_body(body)?);
            rest = body_and_rest.get(end + 1..).unwrap_or("");
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.into()));
        }
        Ok(Some(Self { parts }))
    }

    /// The keys the template reads
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Var { name, .. } => Some(name.as_str()),
            _ => None,
        })
    }

    /// The pieces, in order
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }
}

fn parse_body(body: &str) -> Result<Part, VariableError> {
    match body {
        "*" => return Ok(Part::Escaped('*')),
        "?" => return Ok(Part::Escaped('?')),
        "$" => return Ok(Part::Escaped('$')),
        _ => {}
    }
    let (name, default) = match body.split_once(',') {
        Some((name, default)) => {
            let d = default.trim();
            let d = d
                .strip_prefix('\'')
                .and_then(|d| d.strip_suffix('\''))
                .ok_or_else(|| {
                    VariableError(format!(
                        "default of `${{{body}}}` must be in single quotes, as in `${{key, 'default'}}`"
                    ))
                })?;
            (name.trim(), Some(d.to_string()))
        }
        None => (body.trim(), None),
    };
    let valid = !name.is_empty()
        && name.contains(':')
        && name
            .chars()
            .all(|c| !c.is_whitespace() && c != '$' && c != '{' && c != '}');
    if !valid {
        return Err(VariableError(format!(
            "invalid policy variable `${{{body}}}`"
        )));
    }
    Ok(Part::Var {
        name: name.into(),
        lower: name.to_ascii_lowercase(),
        default,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_variables_defaults_and_escapes() {
        let t = Template::parse("home/${aws:username}/${*}")
            .unwrap()
            .unwrap();
        assert_eq!(t.keys().collect::<Vec<_>>(), ["aws:username"]);
        assert_eq!(t.parts().len(), 4);
        assert_eq!(t.parts().last(), Some(&Part::Escaped('*')));
        assert!(Template::parse("plain").unwrap().is_none());
        assert!(Template::parse("${aws:username").is_err());
        assert!(Template::parse("${}").is_err());
        assert!(Template::parse("${aws:x, none}").is_err());
    }
}
