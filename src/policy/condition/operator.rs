//! Condition operator names, parsed and printed from one table.
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>

use std::fmt;

/// The family an operator belongs to: decides how policy and request values are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// String operators
    String,
    /// Numeric operators
    Numeric,
    /// Date operators
    Date,
    /// `Bool`
    Bool,
    /// `BinaryEquals`
    Binary,
    /// `IpAddress`, `NotIpAddress`
    Ip,
    /// `Arn*`
    Arn,
    /// `Null`
    Null,
}

/// How a single policy value is compared with a single request value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// Equal (exact, or numeric/date/bool/binary equality)
    Equals,
    /// Equal ignoring case
    EqualsIgnoreCase,
    /// Wildcard match (`*`, `?`)
    Like,
    /// Request value less than policy value
    LessThan,
    /// Request value at most policy value
    LessThanEquals,
    /// Request value greater than policy value
    GreaterThan,
    /// Request value at least policy value
    GreaterThanEquals,
    /// Address within a CIDR block
    InCidr,
    /// Key presence test (`Null`)
    IsNull,
}

macro_rules! operators {
    ($($name:ident => $family:ident, $cmp:ident, $negated:expr;)*) => {
        /// A condition operator without its qualifier or `IfExists` suffix.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[expect(missing_docs, reason = "the variants are AWS's operator names")]
        pub enum BaseOperator { $($name,)* }

        impl BaseOperator {
            /// Every operator, in AWS's documentation order
            pub const ALL: &'static [BaseOperator] = &[$(BaseOperator::$name,)*];

            /// AWS's name for the operator
            pub fn name(self) -> &'static str {
                match self { $(BaseOperator::$name => stringify!($name),)* }
            }

            /// The family of value types it works on
            pub fn family(self) -> Family {
                match self { $(BaseOperator::$name => Family::$family,)* }
            }

            /// How one policy value is compared with one request value
            pub fn comparison(self) -> Comparison {
                match self { $(BaseOperator::$name => Comparison::$cmp,)* }
            }

            /// True for the negated operators (`StringNotEquals`, `NotIpAddress`, ...)
            pub fn is_negated(self) -> bool {
                match self { $(BaseOperator::$name => $negated,)* }
            }

            fn from_name(name: &str) -> Option<Self> {
                match name { $(stringify!($name) => Some(BaseOperator::$name),)* _ => None }
            }
        }
    };
}

operators! {
    StringEquals => String, Equals, false;
    StringNotEquals => String, Equals, true;
    StringEqualsIgnoreCase => String, EqualsIgnoreCase, false;
    StringNotEqualsIgnoreCase => String, EqualsIgnoreCase, true;
    StringLike => String, Like, false;
    StringNotLike => String, Like, true;
    NumericEquals => Numeric, Equals, false;
    NumericNotEquals => Numeric, Equals, true;
    NumericLessThan => Numeric, LessThan, false;
    NumericLessThanEquals => Numeric, LessThanEquals, false;
    NumericGreaterThan => Numeric, GreaterThan, false;
    NumericGreaterThanEquals => Numeric, GreaterThanEquals, false;
    DateEquals => Date, Equals, false;
    DateNotEquals => Date, Equals, true;
    DateLessThan => Date, LessThan, false;
    DateLessThanEquals => Date, LessThanEquals, false;
    DateGreaterThan => Date, GreaterThan, false;
    DateGreaterThanEquals => Date, GreaterThanEquals, false;
    Bool => Bool, Equals, false;
    BinaryEquals => Binary, Equals, false;
    IpAddress => Ip, InCidr, false;
    NotIpAddress => Ip, InCidr, true;
    ArnEquals => Arn, Like, false;
    ArnLike => Arn, Like, false;
    ArnNotEquals => Arn, Like, true;
    ArnNotLike => Arn, Like, true;
    Null => Null, IsNull, false;
}

/// The set qualifier of an operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Qualifier {
    /// `ForAllValues:`: every request value must satisfy the operator
    ForAllValues,
    /// `ForAnyValue:`: at least one request value must satisfy the operator
    ForAnyValue,
}

/// A full condition operator such as `ForAnyValue:StringLikeIfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operator {
    /// The operator proper
    pub base: BaseOperator,
    /// `ForAllValues:` / `ForAnyValue:`, if any
    pub qualifier: Option<Qualifier>,
    /// The `IfExists` suffix
    pub if_exists: bool,
}

/// Why an operator name was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownOperator {
    /// A near-miss suggestion
    pub suggestion: Option<String>,
}

impl Operator {
    /// Parse AWS's spelling (case-sensitive, as AWS's policy grammar is).
    pub fn parse(name: &str) -> Result<Self, UnknownOperator> {
        let (qualifier, rest) = if let Some(rest) = name.strip_prefix("ForAllValues:") {
            (Some(Qualifier::ForAllValues), rest)
        } else if let Some(rest) = name.strip_prefix("ForAnyValue:") {
            (Some(Qualifier::ForAnyValue), rest)
        } else {
            (None, name)
        };
        let (if_exists, base) = match rest.strip_suffix("IfExists") {
            Some(base) => (true, base),
            None => (false, rest),
        };
        match BaseOperator::from_name(base) {
            // `NullIfExists` makes no sense: `Null` already tests existence.
            Some(BaseOperator::Null) if if_exists => Err(UnknownOperator { suggestion: None }),
            Some(base) => Ok(Self {
                base,
                qualifier,
                if_exists,
            }),
            None => Err(UnknownOperator {
                suggestion: suggest(name),
            }),
        }
    }
}

fn suggest(name: &str) -> Option<String> {
    let (prefix, rest) = match name.split_once(':') {
        Some((q, rest)) => {
            let q = crate::policy::closest(q, ["ForAllValues", "ForAnyValue"])?;
            (format!("{q}:"), rest)
        }
        None => (String::new(), name),
    };
    let (base, suffix) = match rest.strip_suffix("IfExists") {
        Some(b) => (b, "IfExists"),
        None => (rest, ""),
    };
    let best = crate::policy::closest(base, BaseOperator::ALL.iter().map(|o| o.name()))?;
    Some(format!("{prefix}{best}{suffix}"))
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.qualifier {
            Some(Qualifier::ForAllValues) => f.write_str("ForAllValues:")?,
            Some(Qualifier::ForAnyValue) => f.write_str("ForAnyValue:")?,
            None => {}
        }
        f.write_str(self.base.name())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips_with_every_decoration() {
        for base in BaseOperator::ALL {
            for q in ["", "ForAllValues:", "ForAnyValue:"] {
                for s in ["", "IfExists"] {
                    let name = format!("{q}{}{s}", base.name());
                    if *base == BaseOperator::Null && !s.is_empty() {
                        assert!(Operator::parse(&name).is_err());
                        continue;
                    }
                    assert_eq!(Operator::parse(&name).unwrap().to_string(), name);
                }
            }
        }
    }

    #[test]
    fn unknown_operators_get_suggestions() {
        let e = Operator::parse("StringEqual").unwrap_err();
        assert_eq!(e.suggestion.as_deref(), Some("StringEquals"));
        let e = Operator::parse("ForAnyValues:StringLike").unwrap_err();
        assert_eq!(e.suggestion.as_deref(), Some("ForAnyValue:StringLike"));
        assert!(Operator::parse("stringequals").is_err());
    }
}
