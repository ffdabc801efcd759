//! Validation of a request against the catalog: an unknown action (with a "did you mean"), or a
//! resource of a type the action does not take, is an error, so no scenario passes by a typo.

use super::{Catalog, ResourceCheck};

/// Why a request does not fit the catalog.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// The action is not in the catalog
    #[error("unknown action `{action}`{}{}", .suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default(), " (use --no-catalog for services newer than the catalog)")]
    UnknownAction {
        /// The action
        action: String,
        /// The nearest known action
        suggestion: Option<String>,
    },
    /// The resource is of no type the action takes
    #[error("`{action}` does not act on `{resource}`: {why}")]
    WrongResource {
        /// The action
        action: String,
        /// The resource
        resource: String,
        /// What the action takes
        why: String,
    },
}

/// Check `action` and `resource` against the embedded catalog.
pub fn validate_request(action: &str, resource: &str) -> Result<(), RequestError> {
    let cat = Catalog::embedded();
    let Some(info) = cat.action(action) else {
        return Err(RequestError::UnknownAction {
            action: action.into(),
            suggestion: cat.suggest(action),
        });
    };
    let wrong = |why: String| RequestError::WrongResource {
        action: info.to_string(),
        resource: resource.into(),
        why,
    };
    match cat.check_resource(action, resource) {
        ResourceCheck::Matches(_) | ResourceCheck::Wildcard | ResourceCheck::AnyResource => Ok(()),
        ResourceCheck::WildcardRequired => Err(wrong(
            "it takes no resource type, so its resource is `*`".into(),
        )),
        ResourceCheck::Mismatch => {
            let types: Vec<String> = info
                .resource_types()
                .map(|t| t.resource_type().name().to_string())
                .collect();
            Err(wrong(format!("it takes {}", types.join(", "))))
        }
        ResourceCheck::UnknownAction => Err(RequestError::UnknownAction {
            action: action.into(),
            suggestion: cat.suggest(action),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_and_wrong_resources_are_errors() {
        let e = validate_request("ecr:BatchGetImages", "*").unwrap_err();
        assert!(e.to_string().starts_with(
            "unknown action `ecr:BatchGetImages` (did you mean `ecr:BatchGetImage`?)"
        ));
        let e = validate_request("ecr:BatchGetImage", "arn:aws:s3:::b").unwrap_err();
        assert!(
            e.to_string().starts_with(
                "`ecr:BatchGetImage` does not act on `arn:aws:s3:::b`: it takes repository"
            ),
            "{e}"
        );
        assert!(validate_request("ecr:GetAuthorizationToken", "*").is_ok());
        assert!(validate_request(
            "ecr:GetAuthorizationToken",
            "arn:aws:ecr:us-east-1:111122223333:repository/x"
        )
        .is_err());
    }
}
