//! The grammar of a `Condition` block: operator names, policy values typed at load for their
//! operator's family, and policy-variable templates. Evaluating a condition against a request
//! is `crate::condition`'s job (the layer above this one).

pub mod operator;
pub mod template;
pub mod value;

pub use operator::{BaseOperator, Comparison, Family, Operator, Qualifier};

use crate::pattern::{ArnPattern, Dialect, Wildcard};
use template::Template;
use value::{decode_base64, parse_bool, parse_date, parse_number, Cidr};

/// A policy value, typed at load for its operator's family.
#[derive(Debug, Clone, PartialEq)]
pub enum PolicyValue {
    /// An exact string (lowercased for `...IgnoreCase`)
    Str(String),
    /// A string with policy variables
    StrTemplate(Template),
    /// A `StringLike` pattern
    Like(Wildcard),
    /// A `StringLike` pattern with policy variables
    LikeTemplate(Template),
    /// A number
    Number(f64),
    /// A date, as epoch milliseconds
    Date(i64),
    /// `true` / `false`
    Bool(bool),
    /// Decoded base64 bytes
    Binary(Vec<u8>),
    /// An IP block
    Cidr(Cidr),
    /// An ARN pattern, component-wise
    Arn(ArnPattern),
    /// An ARN pattern with policy variables
    ArnTemplate(Template),
    /// `Null`'s `true` (key absent) or `false` (key present)
    Null(bool),
}

/// One `operator: {key: values}` entry of a `Condition` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The operator
    pub operator: Operator,
    /// The context key as written
    pub key: String,
    key_lower: String,
    /// The policy values as written, for printing and explanations
    pub raw: Vec<String>,
    values: Vec<PolicyValue>,
}

/// Why a condition entry was rejected at load: which value (by index) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    /// Index of the value in the list (0 for a scalar)
    pub index: usize,
    /// What kind of value was expected
    pub what: &'static str,
    /// Why it was rejected
    pub why: String,
}

impl Condition {
    /// Type every value for the operator. `variables` is true for Version 2012-10-17 policies.
    pub fn new(
        operator: Operator,
        key: &str,
        raw: Vec<String>,
        variables: bool,
    ) -> Result<Self, ValueError> {
        let values = raw
            .iter()
            .enumerate()
            .map(|(index, v)| {
                typed(operator.base, v, variables).map_err(|(what, why)| ValueError {
                    index,
                    what,
                    why,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            operator,
            key: key.to_string(),
            key_lower: key.to_ascii_lowercase(),
            raw,
            values,
        })
    }

    /// The key lowercased (context lookups ignore case)
    pub fn key_lower(&self) -> &str {
        &self.key_lower
    }

    /// The typed values
    pub fn values(&self) -> &[PolicyValue] {
        &self.values
    }
}

fn template(v: &str, variables: bool) -> Result<Option<Template>, (&'static str, String)> {
    if !variables {
        return Ok(None);
    }
    Template::parse(v).map_err(|e| ("policy variable", e.0))
}

fn no_variables(v: &str, variables: bool, family: &str) -> Result<(), (&'static str, String)> {
    if variables && v.contains("${") {
        return Err((
            "condition value",
            format!("policy variables are not allowed with {family} operators (IAM policy validation rejects it: \"Invalid variable for operator\")"),
        ));
    }
    Ok(())
}

/// Why a pattern over [`MAX_PATTERN_CHARS`](crate::pattern::MAX_PATTERN_CHARS) is refused.
pub(crate) fn too_long() -> String {
    format!(
        "pattern too long: the limit is {} characters",
        crate::pattern::MAX_PATTERN_CHARS
    )
}

fn typed(
    op: BaseOperator,
    v: &str,
    variables: bool,
) -> Result<PolicyValue, (&'static str, String)> {
    use Comparison as C;
    match op.family() {
        Family::String => {
            let t = template(v, variables)?;
            Ok(match (op.comparison(), t) {
                (C::Like, Some(t)) => PolicyValue::LikeTemplate(t),
                (C::Like, None) => PolicyValue::Like(
                    Wildcard::new(v, Dialect::Plain).map_err(|_| ("pattern", too_long()))?,
                ),
                (_, Some(t)) => PolicyValue::StrTemplate(t),
                (C::EqualsIgnoreCase, None) => PolicyValue::Str(v.to_lowercase()),
                (_, None) => PolicyValue::Str(v.to_string()),
            })
        }
        Family::Numeric => {
            no_variables(v, variables, "Numeric")?;
            parse_number(v)
                .map(PolicyValue::Number)
                .ok_or(("number", "not an integer or decimal number".into()))
        }
        Family::Date => {
            no_variables(v, variables, "Date")?;
            parse_date(v).map(PolicyValue::Date).ok_or((
                "date",
                "expected ISO 8601 (2020-01-01T00:00:00Z) or epoch seconds".into(),
            ))
        }
        Family::Bool => {
            // The AWS pages disagree on variables with Bool (docs/semantics-decisions.md): reject them.
            no_variables(v, variables, "Bool")?;
            parse_bool(v)
                .map(PolicyValue::Bool)
                .ok_or(("boolean", "expected `true` or `false`".into()))
        }
        Family::Binary => {
            no_variables(v, variables, "Binary")?;
            decode_base64(v)
                .map(PolicyValue::Binary)
                .ok_or(("base64 value", "not valid base64".into()))
        }
        Family::Ip => {
            no_variables(v, variables, "IP address")?;
            Cidr::parse(v).map(PolicyValue::Cidr).ok_or((
                "IP address or CIDR block",
                "expected e.g. 203.0.113.0/24 or 2001:db8::/32".into(),
            ))
        }
        Family::Arn => match template(v, variables)? {
            Some(t) => Ok(PolicyValue::ArnTemplate(t)),
            None => match ArnPattern::new(v) {
                Some(Ok(p)) => Ok(PolicyValue::Arn(p)),
                Some(Err(_)) => Err(("ARN", too_long())),
                None => Err((
                    "ARN",
                    "expected arn:partition:service:region:account:resource".into(),
                )),
            },
        },
        Family::Null => {
            no_variables(v, variables, "Null")?;
            parse_bool(v)
                .map(PolicyValue::Null)
                .ok_or(("boolean", "expected `true` or `false`".into()))
        }
    }
}
