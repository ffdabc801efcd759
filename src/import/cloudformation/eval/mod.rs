//! Intrinsic functions
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html>):
//! a template value with `Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Split`,
//! `Fn::If`, `Fn::FindInMap` and `Fn::ImportValue` evaluated to plain JSON. `AWS::NoValue`
//! removes the property or list item holding it. Anything that cannot be evaluated is recorded
//! as a problem at its JSON path and evaluation goes on, so one import lists every problem.

mod condition;
mod params;
pub(crate) mod physical;
mod sub;

use serde_json::{Map, Value};

use super::env::{At, Env, Stop};
use super::template::Template;

/// `Ok(None)` is `AWS::NoValue`: the value is removed.
pub(crate) type Ev = Result<Option<Value>, Stop>;

/// One template being evaluated.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stack<'a> {
    pub t: &'a Template,
    pub env: &'a Env<'a>,
}

/// The intrinsics this file evaluates (others are reported as not supported).
const SUPPORTED: [&str; 9] = [
    "Ref",
    "Fn::GetAtt",
    "Fn::Sub",
    "Fn::Join",
    "Fn::Select",
    "Fn::Split",
    "Fn::If",
    "Fn::FindInMap",
    "Fn::ImportValue",
];

impl<'a> Stack<'a> {
    /// Records a problem here.
    pub fn fail(&self, at: &At, message: impl Into<String>) -> Stop {
        self.env.fail(self.t, at, message)
    }

    /// Records a problem that may follow from another (shown only when alone).
    pub fn fail_secondary(&self, at: &At, message: impl Into<String>) -> Stop {
        self.env.fail_secondary(self.t, at, message)
    }

    /// Evaluates every intrinsic of `v`.
    pub fn eval(&self, v: &Value, at: &At) -> Ev {
        match v {
            Value::Object(m) => {
                if let Some((k, arg)) = single(m) {
                    if k == "Ref" || k.starts_with("Fn::") {
                        return self.intrinsic(k, arg, at);
                    }
                }
                let mut out = Map::new();
                let mut failed = false;
                for (k, item) in m {
                    match self.eval(item, &at.key(k)) {
                        Ok(Some(x)) => {
                            out.insert(k.clone(), x);
                        }
                        Ok(None) => {}
                        Err(Stop) => failed = true,
                    }
                }
                if failed {
                    Err(Stop)
                } else {
                    Ok(Some(Value::Object(out)))
                }
            }
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut failed = false;
                for (i, item) in items.iter().enumerate() {
                    match self.eval(item, &at.index(i)) {
                        Ok(Some(x)) => out.push(x),
                        Ok(None) => {}
                        Err(Stop) => failed = true,
                    }
                }
                if failed {
                    Err(Stop)
                } else {
                    Ok(Some(Value::Array(out)))
                }
            }
            Value::String(text) if text.contains("{{resolve:") => {
                self.dynamic(text, at).map(|t| Some(Value::String(t)))
            }
            other => Ok(Some(other.clone())),
        }
    }

    /// A string with dynamic references (`{{resolve:ssm:/name}}`, resolved by CloudFormation at
    /// deploy time:
    /// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html>),
    /// each given as `--var resolve:ssm:/name=VALUE`.
    fn dynamic(&self, text: &str, at: &At) -> Result<String, Stop> {
        let mut out = String::new();
        let mut rest = text;
        let mut failed = false;
        while let Some(i) = rest.find("{{resolve:") {
            out.push_str(rest.get(..i).unwrap_or_default());
            let after = rest.get(i + 2..).unwrap_or_default();
            let Some(end) = after.find("}}") else {
                return Err(self.fail(at, format!("`{text}` has `{{{{resolve:` without `}}}}`")));
            };
            let key = after.get(..end).unwrap_or_default();
            match self.env.var(self.t, key) {
                Some(v) => out.push_str(v),
                None => {
                    failed = true;
                    self.fail(
                        at,
                        format!(
                            "dynamic reference `{{{{{key}}}}}` is resolved at deploy time: give \
                             `--var {key}=VALUE`"
                        ),
                    );
                }
            }
            rest = after.get(end + 2..).unwrap_or_default();
        }
        out.push_str(rest);
        if failed {
            Err(Stop)
        } else {
            Ok(out)
        }
    }

    /// Evaluates to a string (numbers and booleans as CloudFormation writes them).
    pub fn string(&self, v: &Value, at: &At) -> Result<String, Stop> {
        match self.eval(v, at)? {
            Some(Value::String(s)) => Ok(s),
            Some(Value::Number(n)) => Ok(n.to_string()),
            Some(Value::Bool(b)) => Ok(b.to_string()),
            Some(other) => Err(self.fail(
                at,
                format!(
                    "expected a string, found {}",
                    crate::import::document::kind(&other)
                ),
            )),
            None => Err(self.fail(at, "expected a string, found `AWS::NoValue`")),
        }
    }

    /// Evaluates to a list of strings (`AWS::NoValue` items removed).
    pub fn strings(&self, v: &Value, at: &At) -> Result<Vec<String>, Stop> {
        match self.eval(v, at)? {
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    out.push(self.string(item, &at.index(i))?);
                }
                Ok(out)
            }
            Some(other) => Err(self.fail(
                at,
                format!(
                    "expected a list, found {}",
                    crate::import::document::kind(&other)
                ),
            )),
            None => Ok(Vec::new()),
        }
    }

    fn intrinsic(&self, k: &str, arg: &Value, at: &At) -> Ev {
        let here = at.key(k);
        match k {
            "Ref" if arg.as_str() == Some("AWS::NoValue") => Ok(None),
            "Ref" => self.reference(arg, &here).map(Some),
            "Fn::GetAtt" => self.get_att(arg, &here).map(Some),
            // Text written in the template may hold dynamic references.
            "Fn::Sub" => {
                sub::sub(self, arg, &here).and_then(|s| self.eval(&Value::String(s), &here))
            }
            "Fn::Join" => self.join(arg, &here).map(|s| Some(Value::String(s))),
            "Fn::Select" => self.select(arg, &here),
            "Fn::Split" => self.split(arg, &here).map(Some),
            "Fn::If" => self.if_(arg, &here),
            "Fn::FindInMap" => self.find_in_map(arg, &here).map(Some),
            "Fn::ImportValue" => self.import_value(arg, &here).map(Some),
            other => {
                let why = if other.starts_with("Fn::") && !SUPPORTED.contains(&other) {
                    match other {
                        "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => {
                            "is a condition function, allowed only in `Conditions` and `Fn::If`"
                        }
                        _ => "is not supported",
                    }
                } else {
                    "is not supported"
                };
                Err(self.fail(&here, format!("intrinsic function `{other}` {why}")))
            }
        }
    }

    /// `Ref`: `AWS::NoValue`, a pseudo parameter, a parameter or a resource.
    fn reference(&self, arg: &Value, at: &At) -> Result<Value, Stop> {
        let Value::String(name) = arg else {
            return Err(self.fail(at, "`Ref` takes a logical id or parameter name"));
        };
        if name.starts_with("AWS::") {
            return self.pseudo(name, at).map(Value::String);
        }
        if self.t.parameters.contains_key(name) {
            return params::value(self, name, at);
        }
        if self.t.resource(name).is_some() {
            return self
                .env
                .deeper(self.t, at, || physical::ref_value(self, name, at));
        }
        Err(self.fail(
            at,
            format!(
                "`Ref` to `{name}`, which is neither a parameter nor a resource of the template"
            ),
        ))
    }

    /// A pseudo parameter: `--var AWS::Name=...`; the partition and URL suffix follow from
    /// the region.
    pub fn pseudo(&self, name: &str, at: &At) -> Result<String, Stop> {
        if let Some(v) = self.env.var(self.t, name) {
            return Ok(v.to_string());
        }
        let region = || self.env.var(self.t, "AWS::Region");
        let derived = match name {
            "AWS::Partition" => region().map(partition_of),
            "AWS::URLSuffix" => self
                .env
                .var(self.t, "AWS::Partition")
                .or_else(|| region().map(partition_of))
                .map(|p| {
                    if p == "aws-cn" {
                        "amazonaws.com.cn"
                    } else {
                        "amazonaws.com"
                    }
                }),
            _ => None,
        };
        if let Some(v) = derived {
            return Ok(v.to_string());
        }
        let known = [
            "AWS::AccountId",
            "AWS::Region",
            "AWS::Partition",
            "AWS::URLSuffix",
            "AWS::StackName",
            "AWS::StackId",
        ];
        if !known.contains(&name) {
            return Err(self.fail(at, format!("pseudo parameter `{name}` is not supported")));
        }
        let extra = match name {
            "AWS::Partition" | "AWS::URLSuffix" => " (or `--var AWS::Region=...`)",
            _ => "",
        };
        Err(self.fail(
            at,
            format!("`{name}` is known only at deploy time: give `--var {name}=VALUE`{extra}"),
        ))
    }

    /// `Fn::GetAtt [logical, attribute]` (the attribute may itself be an intrinsic).
    fn get_att(&self, arg: &Value, at: &At) -> Result<Value, Stop> {
        let (logical, attr) = match arg {
            Value::Array(items) => match items.as_slice() {
                [Value::String(l), a] => (l.clone(), self.string(a, &at.index(1))?),
                _ => return Err(self.fail(at, "`Fn::GetAtt` takes [logical id, attribute]")),
            },
            Value::String(s) => match s.split_once('.') {
                Some((l, a)) => (l.to_string(), a.to_string()),
                None => return Err(self.fail(at, "`Fn::GetAtt` takes `LogicalId.Attribute`")),
            },
            _ => return Err(self.fail(at, "`Fn::GetAtt` takes [logical id, attribute]")),
        };
        if self.t.resource(&logical).is_none() {
            return Err(self.fail(
                at,
                format!("`Fn::GetAtt` of `{logical}`, which is not a resource of the template"),
            ));
        }
        self.env
            .deeper(self.t, at, || physical::get_att(self, &logical, &attr, at))
    }

    /// `Fn::Join [delimiter, list]`.
    fn join(&self, arg: &Value, at: &At) -> Result<String, Stop> {
        let Some([delim, list]) = pair(arg) else {
            return Err(self.fail(at, "`Fn::Join` takes [delimiter, list]"));
        };
        let delim = self.string(delim, &at.index(0))?;
        let parts = self.strings(list, &at.index(1))?;
        Ok(parts.join(&delim))
    }

    /// `Fn::Select [index, list]`.
    fn select(&self, arg: &Value, at: &At) -> Ev {
        let Some([index, list]) = pair(arg) else {
            return Err(self.fail(at, "`Fn::Select` takes [index, list]"));
        };
        let i = self.string(index, &at.index(0))?;
        let Ok(i) = i.parse::<usize>() else {
            return Err(self.fail(&at.index(0), format!("index `{i}` is not a number")));
        };
        match self.eval(list, &at.index(1))? {
            Some(Value::Array(items)) => match items.get(i) {
                Some(v) => Ok(Some(v.clone())),
                None => Err(self.fail(
                    at,
                    format!("index {i} is past the end of a list of {}", items.len()),
                )),
            },
            _ => Err(self.fail(&at.index(1), "`Fn::Select` needs a list")),
        }
    }

    /// `Fn::Split [delimiter, string]`.
    fn split(&self, arg: &Value, at: &At) -> Result<Value, Stop> {
        let Some([delim, text]) = pair(arg) else {
            return Err(self.fail(at, "`Fn::Split` takes [delimiter, string]"));
        };
        let delim = self.string(delim, &at.index(0))?;
        let text = self.string(text, &at.index(1))?;
        if delim.is_empty() {
            return Err(self.fail(&at.index(0), "`Fn::Split` needs a delimiter"));
        }
        Ok(Value::Array(
            text.split(delim.as_str())
                .map(|s| Value::String(s.to_string()))
                .collect(),
        ))
    }

    /// `Fn::If [condition, then, else]`: only the branch taken is evaluated.
    fn if_(&self, arg: &Value, at: &At) -> Ev {
        let Some([Value::String(cond), yes, no]) = arg.as_array().map(Vec::as_slice) else {
            return Err(self.fail(at, "`Fn::If` takes [condition name, then, else]"));
        };
        if self.condition(cond, &at.index(0))? {
            self.eval(yes, &at.index(1))
        } else {
            self.eval(no, &at.index(2))
        }
    }

    /// `Fn::FindInMap [map, top key, second key]`.
    fn find_in_map(&self, arg: &Value, at: &At) -> Result<Value, Stop> {
        let Value::Array(items) = arg else {
            return Err(self.fail(at, "`Fn::FindInMap` takes [map, key, key]"));
        };
        let [m, k1, k2] = items.as_slice() else {
            return Err(self.fail(at, "`Fn::FindInMap` takes [map, key, key]"));
        };
        let m = self.string(m, &at.index(0))?;
        let k1 = self.string(k1, &at.index(1))?;
        let k2 = self.string(k2, &at.index(2))?;
        self.t
            .mappings
            .get(&m)
            .and_then(|x| x.get(&k1))
            .and_then(|x| x.get(&k2))
            .cloned()
            .ok_or_else(|| {
                self.fail(
                    at,
                    format!("`Mappings.{m}.{k1}.{k2}` is not in the template"),
                )
            })
    }

    /// `Fn::ImportValue`: `--var import:NAME=VALUE`, else an export of one of the templates.
    fn import_value(&self, arg: &Value, at: &At) -> Result<Value, Stop> {
        let name = self.string(arg, at)?;
        if let Some(v) = self.env.var(self.t, &format!("import:{name}")) {
            return Ok(Value::String(v.to_string()));
        }
        let mut unknown = Vec::new();
        for t in self.env.templates {
            for (id, out) in &t.outputs {
                let other = Stack { t, env: self.env };
                let out_at = At {
                    path: format!("Outputs.{id}"),
                };
                let Some(export) = out.get("Export").and_then(|e| e.get("Name")) else {
                    continue;
                };
                // An export name that cannot be evaluated is not this one as far as we know.
                let export_name = self.env.quietly(|| {
                    self.env.deeper(t, &out_at, || {
                        other.string(export, &out_at.key("Export").key("Name"))
                    })
                });
                if export_name.is_err() {
                    unknown.push(format!("`{}` `{}`", t.label, out_at.path));
                }
                if export_name.as_deref() == Ok(name.as_str()) {
                    let value = out.get("Value").unwrap_or(&Value::Null);
                    return self.env.deeper(t, &out_at, || {
                        other.string(value, &out_at.key("Value")).map(Value::String)
                    });
                }
            }
        }
        let hint = if unknown.is_empty() {
            String::new()
        } else {
            format!(
                " (or what the names of the exports {} need, such as `--var STEM/AWS::StackName=...`)",
                unknown.join(", ")
            )
        };
        Err(self.fail(
            at,
            format!(
                "export `{name}` is not an output of the templates given: give \
                 `--var import:{name}=VALUE`{hint}"
            ),
        ))
    }

    /// The value of condition `name` (from `Conditions`).
    pub fn condition(&self, name: &str, at: &At) -> Result<bool, Stop> {
        let Some(body) = self.t.conditions.get(name) else {
            return Err(self.fail(at, format!("condition `{name}` is not in `Conditions`")));
        };
        let here = At {
            path: format!("Conditions.{name}"),
        };
        self.env
            .deeper(self.t, at, || condition::eval(self, body, &here))
    }
}

/// The one entry of a one-key object.
fn single(m: &Map<String, Value>) -> Option<(&str, &Value)> {
    if m.len() != 1 {
        return None;
    }
    m.iter().next().map(|(k, v)| (k.as_str(), v))
}

/// The two items of a two-item list.
fn pair(v: &Value) -> Option<&[Value; 2]> {
    v.as_array().and_then(|a| a.as_slice().try_into().ok())
}

/// The partition of a region (`cn-...` -> `aws-cn`, `us-gov-...` -> `aws-us-gov`).
pub(crate) fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

#[cfg(test)]
mod tests;
