//! The import in progress: the inventory being built, principals by name, and the problems.

use std::collections::BTreeMap;

use serde_json::Value;

use super::env::{At, Env, Stop};
use super::eval::Stack;
use super::template::Res;
use crate::import::builder::{Builder, Dir};
use crate::import::{ImportError, Imported, TemplateProblem};

/// State shared by the readers of every template.
#[derive(Debug)]
pub(crate) struct Cx<'a> {
    pub env: &'a Env<'a>,
    pub b: Builder,
    /// Role, user and group ARNs by `(kind, name)`: policies name their principals.
    pub by_name: BTreeMap<(&'static str, String), String>,
    /// Instance profile names -> the role ARN they hold (EC2 instances name their profile).
    pub profiles: BTreeMap<String, String>,
}

impl<'a> Cx<'a> {
    pub fn new(env: &'a Env<'a>) -> Self {
        Cx {
            env,
            b: Builder::default(),
            by_name: BTreeMap::new(),
            profiles: BTreeMap::new(),
        }
    }

    /// Whether the resource is created (its `Condition` is true); a condition that cannot be
    /// evaluated is a problem and the resource is skipped.
    pub fn created(&self, stack: &Stack<'_>, logical: &str, res: &Res) -> bool {
        match &res.condition {
            None => true,
            Some(c) => {
                let at = At {
                    path: format!("Resources.{logical}.Condition"),
                };
                stack.condition(c, &at).unwrap_or(false)
            }
        }
    }

    /// Records what went where, with its source (`file: JSON path`).
    pub fn note(
        &mut self,
        dir: Dir,
        arn: &str,
        what: impl Into<String>,
        stack: &Stack<'_>,
        at: &At,
    ) {
        let source = format!("{}: {}", stack.t.label, at.path);
        self.b.note(dir, arn, what, source);
    }

    /// The files, or every problem at once.
    pub fn finish(self) -> Result<Imported, ImportError> {
        let problems = self.env.take_problems();
        if !problems.is_empty() {
            let mut grouped: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
            for p in problems {
                grouped.entry(p.message).or_default().push((p.file, p.path));
            }
            return Err(ImportError::Template {
                items: grouped
                    .into_iter()
                    .map(|(message, places)| TemplateProblem { message, places })
                    .collect(),
            });
        }
        let (files, report) = self.b.finish();
        Ok(Imported { files, report })
    }
}

/// A property of a resource and its path; `None` when absent.
pub(crate) fn prop<'t>(stack: &Stack<'t>, logical: &str, name: &str) -> Option<(&'t Value, At)> {
    let res = stack.t.resource(logical)?;
    let v = res.properties.get(name)?;
    Some((
        v,
        At {
            path: format!("Resources.{logical}.Properties.{name}"),
        },
    ))
}

/// The resource's own path (`Resources.L`).
pub(crate) fn at_resource(logical: &str) -> At {
    At {
        path: format!("Resources.{logical}"),
    }
}

/// A required string property: a problem when absent.
pub(crate) fn req_string(stack: &Stack<'_>, logical: &str, name: &str) -> Result<String, Stop> {
    match prop(stack, logical, name) {
        Some((v, at)) => stack.string(v, &at),
        None => Err(stack.fail(
            &at_resource(logical).key("Properties"),
            format!("`{name}` is required"),
        )),
    }
}

/// An optional string property.
pub(crate) fn opt_string(
    stack: &Stack<'_>,
    logical: &str,
    name: &str,
) -> Result<Option<String>, Stop> {
    match prop(stack, logical, name) {
        Some((v, at)) => match stack.eval(v, &at)? {
            None => Ok(None),
            Some(_) => stack.string(v, &at).map(Some),
        },
        None => Ok(None),
    }
}

/// An optional list-of-strings property (absent: empty).
pub(crate) fn strings(stack: &Stack<'_>, logical: &str, name: &str) -> Result<Vec<String>, Stop> {
    match prop(stack, logical, name) {
        Some((v, at)) => stack.strings(v, &at),
        None => Ok(Vec::new()),
    }
}

/// A policy document property (an object, or a JSON string), evaluated and shape-checked.
pub(crate) fn document(stack: &Stack<'_>, v: &Value, at: &At) -> Result<Value, Stop> {
    let Some(doc) = stack.eval(v, at)? else {
        return Err(stack.fail(at, "a policy document is required"));
    };
    crate::import::document::decode(&doc).map_err(|m| stack.fail(at, m))
}

/// `Tags` as `[{Key, Value}]` (or a `{key: value}` map, as some types take them).
pub(crate) fn tags(stack: &Stack<'_>, logical: &str) -> Result<BTreeMap<String, String>, Stop> {
    let mut out = BTreeMap::new();
    let Some((v, at)) = prop(stack, logical, "Tags") else {
        return Ok(out);
    };
    match stack.eval(v, &at)? {
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let (Some(k), Some(val)) = (item.get("Key"), item.get("Value")) else {
                    return Err(stack.fail(&at.index(i), "a tag is {Key, Value}"));
                };
                out.insert(
                    stack.string(k, &at.index(i).key("Key"))?,
                    stack.string(val, &at.index(i).key("Value"))?,
                );
            }
        }
        Some(Value::Object(m)) => {
            for (k, val) in &m {
                out.insert(k.clone(), stack.string(val, &at.key(k))?);
            }
        }
        None => {}
        Some(_) => return Err(stack.fail(&at, "`Tags` is a list of {Key, Value}")),
    }
    Ok(out)
}
