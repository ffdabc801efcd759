//! Whether a resource ARN is one an action takes: the ARN against the ARN formats of the
//! action's resource types.

use super::info::{ActionInfo, ResourceTypeInfo, ServiceInfo};
use super::template::{matches, Rules};
use super::Catalog;
use crate::pattern::{aws_owned, Arn};

/// The answer of [`Catalog::check_resource`].
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum ResourceCheck<'a> {
    /// The ARN is an instance of this resource type, which the action takes.
    Matches(ResourceTypeInfo<'a>),
    /// The action takes no resource type and the resource is `*`, the only resource that
    /// applies to it.
    Wildcard,
    /// The action takes no resource type, so only `*` applies to it, but the resource is an ARN.
    WildcardRequired,
    /// The resource is `*` and the action takes resource types: `*` stands for all of them.
    AnyResource,
    /// The ARN is an instance of none of the action's resource types.
    Mismatch,
    /// The action is not in the catalog.
    UnknownAction,
}

impl ResourceCheck<'_> {
    /// Whether the resource can be the resource of a request for the action
    /// (`Matches`, `Wildcard` or `AnyResource`).
    pub fn is_valid(&self) -> bool {
        matches!(
            self,
            ResourceCheck::Matches(_) | ResourceCheck::Wildcard | ResourceCheck::AnyResource
        )
    }
}

impl Catalog {
    /// Checks that `resource` (an ARN, or `*`) is a resource `action` takes, according to the
    /// ARN formats of the action's resource types in the Service Authorization Reference
    /// (<https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>).
    ///
    /// Matching rules, chosen so that real ARNs pass and ARNs of another type fail:
    /// - literal parts of a format compare exactly (ARNs are case-sensitive);
    /// - a placeholder (`${RepositoryName}`) matches a non-empty run without `:`, which may hold
    ///   `/` (role paths, log group names, nested SSM parameters, object keys, ECR namespaces);
    /// - a format matching the ARN loses to another resource type of the service that also
    ///   matches with more literal text: `arn:aws:s3:::bucket/key` is an `object`, not a
    ///   `bucket`, and `table/t/index/i` is a DynamoDB `index`, not a `table`;
    /// - failing that, a placeholder ending a format may also hold `:`, as Lambda
    ///   qualified ARNs do (`function:my-fn:PROD`: "restricted to a specific function by
    ///   function, version, or alias ARN",
    ///   <https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html>), and log
    ///   group ARNs with the trailing `:*` that most CloudWatch Logs actions use
    ///   (<https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_LogGroup.html>).
    ///
    ///   Bedrock model ids hold colons too (`foundation-model/amazon.titan-text-lite-v1:0:4k`).
    ///   This last rule cannot tell a log group from one of its streams, so it may accept an
    ///   ARN that is too specific for the action. A test checks that an instance of every
    ///   format of every action is accepted.
    ///
    /// Cost: a few microseconds (the formats are read as they are matched); meant for load-time
    /// checks of scenarios and policies, not for evaluation.
    ///
    /// An AWS-owned resource whose ARN omits the account (an AWS SSM document, a public SSM
    /// parameter: see [`aws_owned`]) matches a format with an `${Account}` placeholder.
    pub fn check_resource(&self, action: &str, resource: &str) -> ResourceCheck<'_> {
        let check = self.check_arn(action, resource);
        if !matches!(check, ResourceCheck::Mismatch) {
            return check;
        }
        match Arn::parse(resource).filter(|a| a.account.is_empty() && aws_owned(a).is_some()) {
            Some(a) => {
                let filled = format!(
                    "arn:{}:{}:{}:aws:{}",
                    a.partition, a.service, a.region, a.resource
                );
                self.check_arn(action, &filled)
            }
            None => check,
        }
    }

    /// [`Self::check_resource`] for the ARN as written.
    fn check_arn(&self, action: &str, resource: &str) -> ResourceCheck<'_> {
        let Some(action) = self.action(action) else {
            return ResourceCheck::UnknownAction;
        };
        match (action.has_resource_types(), resource == "*") {
            (false, true) => return ResourceCheck::Wildcard,
            (false, false) => return ResourceCheck::WildcardRequired,
            (true, true) => return ResourceCheck::AnyResource,
            (true, false) => {}
        }
        let arn = Arn::parse(resource);
        let arn = arn.as_ref();
        if let Some((len, resource_type)) = best_match(action, resource, arn) {
            let service = ServiceInfo {
                service: action.service,
            };
            let beaten = service.resource_types().any(|other| {
                other.shapes().iter().any(|shape| {
                    shape.literal_len > len
                        && shape.may_match(arn)
                        && matches(shape.format, resource, Rules::Arn)
                })
            });
            if !beaten {
                return ResourceCheck::Matches(resource_type);
            }
        }
        action
            .resource_types()
            .map(|taken| taken.resource_type())
            .find(|resource_type| {
                resource_type.shapes().iter().any(|shape| {
                    shape.may_match(arn) && matches(shape.format, resource, Rules::ArnQualified)
                })
            })
            .map_or(ResourceCheck::Mismatch, ResourceCheck::Matches)
    }
}

/// The action's resource type whose format matches `text` with the most literal text (`arn`:
/// `text` split, for the quick test of each format).
fn best_match<'a>(
    action: ActionInfo<'a>,
    text: &str,
    arn: Option<&Arn<'_>>,
) -> Option<(usize, ResourceTypeInfo<'a>)> {
    let mut best: Option<(usize, ResourceTypeInfo<'a>)> = None;
    for taken in action.resource_types() {
        let resource_type = taken.resource_type();
        for shape in resource_type.shapes() {
            let len = shape.literal_len;
            if best.as_ref().is_none_or(|(best_len, _)| len > *best_len)
                && shape.may_match(arn)
                && matches(shape.format, text, Rules::Arn)
            {
                best = Some((len, resource_type));
            }
        }
    }
    best
}

// The checks of every resource type of the catalog, in their own file (they outweigh the code).
#[cfg(test)]
#[path = "resource_tests.rs"]
mod tests;
