//! Rules on condition blocks: an operator whose family does not fit its key's type (L004) and a
//! key that neither is global nor belongs to the statement's actions (L005).

use super::context::{Linter, StatementCtx};
use super::rule::{Finding, Rule};
use crate::catalog::ConditionKeyType as T;
use crate::condition::{Condition, Family};

/// What the catalog says about a key, as used in a statement.
enum Lookup {
    /// Known, with its type
    Known(T),
    /// Neither global nor defined for the statement's actions
    Unknown,
    /// Cannot tell (the statement's actions are themselves unknown, or the key is an identity
    /// provider's, such as `token.actions.githubusercontent.com:sub`, which no catalog lists)
    Skip,
}

pub(crate) fn check(linter: &mut Linter, s: &StatementCtx<'_>, out: &mut Vec<Finding>) {
    if s.stmt.conditions.is_empty() {
        return;
    }
    let actions = s.actions(linter);
    for c in &s.stmt.conditions {
        let path = s
            .ctx
            .statement_path(s.index)
            .key("Condition")
            .key(&c.operator.to_string())
            .key(&c.key);
        match lookup(linter, actions.as_deref(), &c.key) {
            Lookup::Skip => {}
            Lookup::Unknown => out.push(s.ctx.finding(
                Rule::UnknownConditionKey,
                &path,
                format!(
                    "condition key `{}` is not a global key and no action of statement {} defines it, so the condition never holds as meant",
                    c.key,
                    s.ctx.label(s.index)
                ),
                "use a key the Service Authorization Reference lists for these actions, or a global key (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)".into(),
            )),
            Lookup::Known(ty) if !fits(c.operator.base.family(), ty) => out.push(type_mismatch(s, c, ty, &path)),
            Lookup::Known(_) => {}
        }
    }
}

fn type_mismatch(
    s: &StatementCtx<'_>,
    c: &Condition,
    ty: T,
    path: &super::locate::JsonPath,
) -> Finding {
    s.ctx.finding(
        Rule::OperatorKeyType,
        path,
        format!(
            "`{}` does not fit `{}`, a {ty} key",
            c.operator.base.name(),
            c.key
        ),
        format!(
            "use {} operator such as `{}` (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)",
            family_name(ty),
            suggested_operator(ty)
        ),
    )
}

/// The key as usable with the statement's actions (`None`: any action may apply, so look in
/// the key's own service).
fn lookup(linter: &mut Linter, actions: Option<&[String]>, key: &str) -> Lookup {
    let catalog = linter.catalog();
    // Global keys are found whatever the action.
    if let Some(info) = catalog.condition_key("", key) {
        return Lookup::Known(info.key_type());
    }
    let prefix = key.split(':').next().unwrap_or_default();
    let found = match actions {
        Some([]) => return Lookup::Skip,
        Some(list) => list
            .iter()
            .find_map(|a| catalog.condition_key(a, key).map(|i| i.key_type())),
        None => catalog.service_actions(prefix).and_then(|mut list| {
            list.find_map(|a| {
                catalog
                    .condition_key(&a.to_string(), key)
                    .map(|i| i.key_type())
            })
        }),
    };
    match found {
        Some(ty) => Lookup::Known(ty),
        // OIDC and SAML provider keys are named after the provider's host, which no catalog
        // lists: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html>
        None if prefix.contains('.') => Lookup::Skip,
        None => Lookup::Unknown,
    }
}

/// Whether an operator family may test a key of type `ty`.
///
/// String and ARN keys accept both String and ARN operators: AWS's own managed policies test the
/// String key `kms:EncryptionContext:aws:logs:arn` with `ArnLike`
/// (<https://docs.aws.amazon.com/aws-managed-policy/latest/reference/CloudWatchLogsAPIKeyAccess.html>),
/// and ARN keys take String operators (`StringEquals aws:PrincipalArn`). `Null` fits every key.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
pub(crate) fn fits(family: Family, ty: T) -> bool {
    match family {
        Family::Null => true,
        Family::String | Family::Arn => {
            matches!(ty, T::String | T::ArrayOfString | T::Arn | T::ArrayOfArn)
        }
        Family::Numeric => matches!(ty, T::Numeric | T::ArrayOfNumeric),
        Family::Date => matches!(ty, T::Date | T::ArrayOfDate),
        Family::Bool => matches!(ty, T::Bool | T::ArrayOfBool),
        Family::Binary => matches!(ty, T::Binary | T::ArrayOfBinary),
        Family::Ip => matches!(ty, T::IpAddress | T::ArrayOfIpAddress),
    }
}

fn family_name(ty: T) -> &'static str {
    match ty {
        T::Numeric | T::ArrayOfNumeric => "a Numeric",
        T::Date | T::ArrayOfDate => "a Date",
        T::Bool | T::ArrayOfBool => "the Bool",
        T::Binary | T::ArrayOfBinary => "the Binary",
        T::IpAddress | T::ArrayOfIpAddress => "an IP address",
        T::Arn | T::ArrayOfArn => "an ARN",
        _ => "a String",
    }
}

fn suggested_operator(ty: T) -> &'static str {
    match ty {
        T::Numeric | T::ArrayOfNumeric => "NumericEquals",
        T::Date | T::ArrayOfDate => "DateGreaterThan",
        T::Bool | T::ArrayOfBool => "Bool",
        T::Binary | T::ArrayOfBinary => "BinaryEquals",
        T::IpAddress | T::ArrayOfIpAddress => "IpAddress",
        T::Arn | T::ArrayOfArn => "ArnLike",
        _ => "StringEquals",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_fit_their_types() {
        assert!(fits(Family::Date, T::Date));
        assert!(fits(Family::String, T::Arn));
        assert!(fits(Family::Arn, T::String));
        assert!(fits(Family::Null, T::Numeric));
        assert!(!fits(Family::Numeric, T::String));
        assert!(!fits(Family::String, T::Date));
        assert!(!fits(Family::String, T::Bool));
    }

    #[test]
    fn suggestions_follow_the_type() {
        assert_eq!(suggested_operator(T::Numeric), "NumericEquals");
        assert_eq!(family_name(T::IpAddress), "an IP address");
    }
}
