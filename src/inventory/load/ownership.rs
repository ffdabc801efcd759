//! Converting `ownership.json`: which resources belong to which owner (an agent of the
//! platform), as `iamsim generate` writes it (docs/formats.md).

use serde_json::Value;

use super::error::{format_err, LoadError};
use super::fields::Obj;
use crate::inventory::Owner;
use crate::pattern::{Dialect, Wildcard};

use crate::inventory::schema::OWNER_FIELDS;

/// A list of non-empty strings at `path`.
fn strings(v: Option<&Value>, file: &str, path: &str) -> Result<Vec<String>, LoadError> {
    let list = v
        .and_then(Value::as_array)
        .ok_or_else(|| format_err(file, path, "expected an array of strings"))?;
    list.iter()
        .enumerate()
        .map(|(i, s)| match s {
            Value::String(s) if !s.is_empty() => Ok(s.clone()),
            _ => Err(format_err(
                file,
                &format!("{path}[{i}]"),
                "expected a non-empty string",
            )),
        })
        .collect()
}

/// `{"owners": [{"owner", "principals", "resources"}]}`: owner names unique, principals ARNs,
/// resources ARN patterns (resource dialect) or ARNs.
pub(super) fn ownership(v: &Value, file: &str) -> Result<Vec<Owner>, LoadError> {
    let top = Obj::new(v, file, &crate::inventory::schema::OWNERSHIP_FIELDS)?;
    let list = top
        .map
        .get("owners")
        .and_then(Value::as_array)
        .ok_or_else(|| format_err(file, "owners", "expected an array of owners"))?;
    let mut out: Vec<Owner> = Vec::with_capacity(list.len());
    for (i, o) in list.iter().enumerate() {
        let here = format!("owners[{i}]");
        let map = o.as_object().ok_or_else(|| {
            format_err(
                file,
                &here,
                "expected {\"owner\", \"principals\", \"resources\"}",
            )
        })?;
        for k in map.keys() {
            if !OWNER_FIELDS.iter().any(|f| f == k) {
                let hint = crate::policy::closest(k, OWNER_FIELDS.iter().map(String::as_str))
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err(format_err(
                    file,
                    &format!("{here}.{k}"),
                    format!("unknown field `{k}`{hint}"),
                ));
            }
        }
        let owner = match map.get("owner") {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            _ => {
                return Err(format_err(
                    file,
                    &format!("{here}.owner"),
                    "expected a non-empty string",
                ))
            }
        };
        if out.iter().any(|x| x.owner == owner) {
            return Err(format_err(
                file,
                &format!("{here}.owner"),
                format!("owner `{owner}` is listed twice"),
            ));
        }
        let principals = strings(map.get("principals"), file, &format!("{here}.principals"))?;
        let resources = strings(map.get("resources"), file, &format!("{here}.resources"))?;
        for (j, r) in resources.iter().enumerate() {
            if r != "*" && !r.starts_with("arn:") || Wildcard::new(r, Dialect::Resource).is_err() {
                return Err(format_err(
                    file,
                    &format!("{here}.resources[{j}]"),
                    format!("`{r}` is not an ARN or ARN pattern"),
                ));
            }
        }
        out.push(Owner {
            owner,
            principals,
            resources,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_are_read_and_checked() {
        let v = serde_json::json!({"owners": [{"owner": "a", "principals": ["arn:aws:iam::1:role/a"],
            "resources": ["arn:aws:ecr:r:1:repository/a"]}]});
        let o = ownership(&v, "ownership.json").unwrap();
        assert_eq!(o[0].owner, "a");
        let bad = serde_json::json!({"owners": [{"owner": "a", "principal": [], "resources": []}]});
        let e = ownership(&bad, "ownership.json").unwrap_err().to_string();
        assert!(
            e.contains(
                "owners[0].principal: unknown field `principal` (did you mean `principals`?)"
            ),
            "{e}"
        );
        let dup = serde_json::json!({"owners": [
            {"owner": "a", "principals": [], "resources": []},
            {"owner": "a", "principals": [], "resources": []}]});
        assert!(ownership(&dup, "o.json")
            .unwrap_err()
            .to_string()
            .contains("listed twice"));
    }
}
