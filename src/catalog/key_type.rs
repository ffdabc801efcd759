//! The type of a condition key, as the Service Authorization Reference names it.

use std::fmt;

/// The type of a condition key's values, as AWS's Service Authorization Reference lists it
/// (`String`, `ArrayOfString`, `ARN`, ...). `ArrayOf...` types are multivalued keys, used with
/// `ForAllValues:`/`ForAnyValue:`.
///
/// See <https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConditionKeyType {
    /// `String`
    String,
    /// `ArrayOfString`
    ArrayOfString,
    /// `ARN`
    Arn,
    /// `ArrayOfARN`
    ArrayOfArn,
    /// `Bool`
    Bool,
    /// `ArrayOfBool`
    ArrayOfBool,
    /// `Numeric`
    Numeric,
    /// `ArrayOfNumeric`
    ArrayOfNumeric,
    /// `Date`
    Date,
    /// `ArrayOfDate`
    ArrayOfDate,
    /// `IPAddress`
    IpAddress,
    /// `ArrayOfIPAddress`
    ArrayOfIpAddress,
    /// `Binary`
    Binary,
    /// `ArrayOfBinary`
    ArrayOfBinary,
}

/// The one table of spellings: parsing and printing both use it.
const NAMES: [(ConditionKeyType, &str); 14] = [
    (ConditionKeyType::String, "String"),
    (ConditionKeyType::ArrayOfString, "ArrayOfString"),
    (ConditionKeyType::Arn, "ARN"),
    (ConditionKeyType::ArrayOfArn, "ArrayOfARN"),
    (ConditionKeyType::Bool, "Bool"),
    (ConditionKeyType::ArrayOfBool, "ArrayOfBool"),
    (ConditionKeyType::Numeric, "Numeric"),
    (ConditionKeyType::ArrayOfNumeric, "ArrayOfNumeric"),
    (ConditionKeyType::Date, "Date"),
    (ConditionKeyType::ArrayOfDate, "ArrayOfDate"),
    (ConditionKeyType::IpAddress, "IPAddress"),
    (ConditionKeyType::ArrayOfIpAddress, "ArrayOfIPAddress"),
    (ConditionKeyType::Binary, "Binary"),
    (ConditionKeyType::ArrayOfBinary, "ArrayOfBinary"),
];

impl ConditionKeyType {
    /// Parses AWS's spelling (`ArrayOfARN`); exact case.
    pub fn parse(name: &str) -> Option<ConditionKeyType> {
        NAMES
            .iter()
            .find(|(_, spelling)| *spelling == name)
            .map(|(kind, _)| *kind)
    }

    /// AWS's spelling of this type (`ArrayOfARN`).
    pub fn as_str(self) -> &'static str {
        NAMES
            .iter()
            .find(|(kind, _)| *kind == self)
            .map_or("String", |(_, spelling)| spelling)
    }

    /// Whether a request may carry several values for the key (the `ArrayOf...` types).
    pub fn is_multivalued(self) -> bool {
        self.as_str().starts_with("ArrayOf")
    }
}

impl fmt::Display for ConditionKeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_round_trips() {
        for (kind, spelling) in NAMES {
            assert_eq!(ConditionKeyType::parse(spelling), Some(kind));
            assert_eq!(kind.to_string(), spelling);
        }
    }

    #[test]
    fn parse_is_exact() {
        assert_eq!(ConditionKeyType::parse("arn"), None);
        assert_eq!(ConditionKeyType::parse("IpAddress"), None);
    }

    #[test]
    fn array_types_are_multivalued() {
        assert!(ConditionKeyType::ArrayOfArn.is_multivalued());
        assert!(!ConditionKeyType::Arn.is_multivalued());
    }
}
