//! The lint rules: one table of stable ids, names, severities and descriptions.

use std::fmt;

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing is wrong
    Info,
    /// Probably not what was meant, or broader than needed
    Warning,
    /// Wrong: the policy does not do what it says, or grants a known escalation path
    Error,
}

impl Severity {
    /// `error`, `warning` or `info`
    pub fn name(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

macro_rules! rules {
    ($($variant:ident => $id:literal, $name:literal, $severity:ident, $summary:literal;)*) => {
        /// A lint rule. Its id (`IAMSIM-L001`) is stable: it never changes meaning and is never reused.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Rule {
            $(#[doc = $summary] $variant,)*
        }

        impl Rule {
            /// Every rule, in id order
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The stable id, such as `IAMSIM-L001`
            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id,)* }
            }

            /// A short kebab-case name, such as `unknown-action`
            pub fn name(self) -> &'static str {
                match self { $(Rule::$variant => $name,)* }
            }

            /// The severity of its findings
            pub fn severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$severity,)* }
            }

            /// One sentence saying what the rule finds
            pub fn summary(self) -> &'static str {
                match self { $(Rule::$variant => $summary,)* }
            }
        }
    };
}

rules! {
    UnknownAction => "IAMSIM-L001", "unknown-action", Error,
        "An action or action pattern that matches no action in the AWS catalog (a typo grants or denies nothing)";
    WildcardGrant => "IAMSIM-L002", "wildcard-grant", Warning,
        "An identity policy allows every action of a service (`service:*` or `*`) on every resource (`*`)";
    AllowNotElement => "IAMSIM-L003", "allow-with-not", Warning,
        "An `Allow` statement with `NotAction` or `NotResource` grants everything not listed, including what AWS adds later";
    OperatorKeyType => "IAMSIM-L004", "operator-key-type", Warning,
        "A condition operator whose family does not fit the type of its condition key";
    UnknownConditionKey => "IAMSIM-L005", "unknown-condition-key", Warning,
        "A condition key that is neither global nor defined for any action of the statement (the condition never holds as meant)";
    VariablesWithoutVersion => "IAMSIM-L006", "variables-without-version", Warning,
        "A policy variable (`${...}`) in a policy whose `Version` is not `2012-10-17`, where it is literal text";
    RedundantStatement => "IAMSIM-L007", "redundant-statement", Info,
        "A statement whose actions and resources another statement of the same policy and effect already covers";
    PassRoleWildcard => "IAMSIM-L008", "passrole-wildcard", Error,
        "An identity policy allows `iam:PassRole` on every role (`Resource: *`)";
    AllowNotPrincipal => "IAMSIM-L009", "allow-with-notprincipal", Warning,
        "An `Allow` statement with `NotPrincipal`: AWS does not support it, and where honoured it grants every principal not listed, anonymous callers included";
    RetiredServiceAction => "IAMSIM-L010", "retired-service-action", Warning,
        "An action of a service AWS has discontinued (`deepracer:*`, `iot1click:*`): it grants or denies nothing any more";
    StaleSuppression => "IAMSIM-L011", "stale-suppression", Warning,
        "A suppression in the lint config that matches no finding in the files it names: what it excused is gone, or the entry is mistyped";
}

/// One finding: where, what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule
    pub rule: Rule,
    /// The file, as given (use repository-relative paths for SARIF)
    pub file: String,
    /// The JSON path of the offending element within the file
    pub json_path: String,
    /// The 1-based line of that element (1 when it cannot be located)
    pub line: usize,
    /// What is wrong, one line
    pub message: String,
    /// How to fix it, one line
    pub fix: String,
    /// The `Sid` of the statement the finding is in, if it has one
    pub sid: Option<String>,
    /// What the finding is about, without its line or message (rule, file, document, statement
    /// `Sid` or index, element, offending value): the key that suppressions and `--baseline`
    /// match on, so that a finding survives lines moving and messages being reworded
    pub fingerprint: String,
}

impl Finding {
    /// The rule's severity
    pub fn severity(&self) -> Severity {
        self.rule.severity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_sequential() {
        for (i, r) in Rule::ALL.iter().enumerate() {
            assert_eq!(r.id(), format!("IAMSIM-L{:03}", i + 1));
        }
    }

    #[test]
    fn severities_are_ordered() {
        assert!(Severity::Error > Severity::Warning);
        assert!(Severity::Warning > Severity::Info);
        assert_eq!(Rule::PassRoleWildcard.severity(), Severity::Error);
        assert_eq!(Rule::RedundantStatement.severity().name(), "info");
    }
}
