//! The tags AWS puts on a resource: the provider's `tags_all`, which is the resource's `tags`
//! merged over the provider's `default_tags`
//! (<https://registry.terraform.io/providers/hashicorp/aws/latest/docs/guides/resource-tagging>).
//! `aws:ResourceTag/...` and `aws:PrincipalTag/...` conditions read these, so a tag left out
//! decides them wrongly.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::context::Cx;
use super::plan::Instance;
use crate::import::ImportError;

/// The resource's tags, or nothing after recording what is unknown:
/// - `--var ADDRESS.tags_all=<JSON object>` gives them all;
/// - `tags_all` when the plan knows it (each unknown value given as `ADDRESS.tags_all.KEY`);
/// - else `tags`, which is what AWS applies when no provider of the plan sets `default_tags`
///   (the provider leaves `tags_all` unknown until apply then); with `default_tags` somewhere,
///   `tags` alone could miss some, so `tags_all` must be given.
pub(crate) fn tags(cx: &mut Cx, inst: &Instance) -> Result<BTreeMap<String, String>, ImportError> {
    let whole = format!("{}.tags_all", inst.address);
    if let Some(given) = cx.r.var(&whole) {
        return given_tags(&whole, given);
    }
    let known = |attr: &str| {
        matches!(inst.values.get(attr), Some(Value::Object(_)))
            && !matches!(inst.unknown.get(attr), Some(Value::Bool(true)))
    };
    let source = if known("tags_all") {
        "tags_all"
    } else if cx.r.plan.default_tags {
        cx.missing_why(
            &inst.address,
            "tags_all",
            whole,
            "unknown until apply, and the provider's `default_tags` may add to `tags`: give \
             the tags as a JSON object",
        );
        return Ok(BTreeMap::new());
    } else if matches!(inst.unknown.get("tags"), Some(Value::Bool(true))) {
        cx.missing_why(
            &inst.address,
            "tags",
            whole,
            "unknown until apply: give the tags as a JSON object",
        );
        return Ok(BTreeMap::new());
    } else {
        "tags"
    };
    let mut out = BTreeMap::new();
    let values = inst.values.get(source).and_then(Value::as_object);
    let unknown = inst.unknown.get(source).and_then(Value::as_object);
    let keys: BTreeSet<&String> = values
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
        .chain(unknown.into_iter().flatten().map(|(k, _)| k))
        .collect();
    for k in keys {
        let key = format!("{}.{source}.{k}", inst.address);
        let is_unknown = unknown.and_then(|u| u.get(k)) == Some(&Value::Bool(true));
        let value = values.and_then(|v| v.get(k)).and_then(Value::as_str);
        match (cx.r.var(&key), value) {
            (Some(v), _) => {
                out.insert(k.clone(), v.to_string());
            }
            (None, Some(v)) if !is_unknown => {
                out.insert(k.clone(), v.to_string());
            }
            _ => cx.missing(&inst.address, source, key),
        }
    }
    Ok(out)
}

/// Tags given with `--var ADDRESS.tags_all=...`: a JSON object of strings.
fn given_tags(key: &str, text: &str) -> Result<BTreeMap<String, String>, ImportError> {
    let bad = |message: String| ImportError::BadVar {
        key: key.to_string(),
        message,
    };
    let value: Value =
        crate::json::from_str(text).map_err(|e| bad(format!("not a JSON object of tags: {e}")))?;
    let Value::Object(map) = value else {
        return Err(bad("not a JSON object of tags".into()));
    };
    map.into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k, s)),
            other => Err(bad(format!("tag `{k}` is {other}, not a string"))),
        })
        .collect()
}
