//! The parsed catalog: services with their actions, resource types and condition keys, stored
//! as slices of the embedded text and indices into per-service pools (a few allocations per
//! service, none per action).

use super::key_type::ConditionKeyType;
use std::cmp::Ordering;
use std::ops::Range;
use std::sync::OnceLock;

/// The unparsed records of one service.
#[derive(Debug)]
pub(crate) struct ServiceText {
    pub(crate) prefix: &'static str,
    /// The service's `k`, `r` and `a` lines.
    pub(crate) body: &'static str,
    /// The byte offset of `body` in the whole text, to number lines in errors.
    pub(crate) offset: usize,
}

/// A service of the catalog text, parsed on first use.
#[derive(Debug)]
pub(crate) struct ServiceEntry {
    pub(crate) text: ServiceText,
    pub(crate) data: OnceLock<ServiceData>,
}

/// One service (`ecr`) and everything it defines.
#[derive(Debug)]
pub(crate) struct ServiceData {
    pub(crate) prefix: &'static str,
    pub(crate) keys: Vec<KeyData>,
    pub(crate) resources: Vec<ResourceData>,
    /// INVARIANT: sorted by `cmp_ignore_case` of the name, no two equal (checked by the parser).
    pub(crate) actions: Vec<ActionData>,
    /// Pool of the actions' resource type references.
    pub(crate) resource_refs: Vec<ResourceRef>,
    /// Pool of the actions' and resource types' condition key references (indices into `keys`).
    pub(crate) key_refs: Vec<u16>,
}

/// A condition key and its type.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyData {
    pub(crate) name: &'static str,
    pub(crate) kind: ConditionKeyType,
}

/// A resource type: its name, its ARN formats (separated by one space) and its keys.
#[derive(Debug)]
pub(crate) struct ResourceData {
    pub(crate) name: &'static str,
    pub(crate) formats: &'static str,
    pub(crate) keys: Range<usize>,
    /// Each format's shape, in order (built with the service: resource checks read them)
    pub(crate) shapes: Vec<FormatShape>,
}

/// What a quick test needs of one ARN format: its literal length, and the literal service and
/// leading literal of the resource part an ARN must have to be an instance of it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FormatShape {
    pub(crate) format: &'static str,
    /// Bytes of literal text (how specific the format is)
    pub(crate) literal_len: usize,
    /// `None` when the first five segments hold a `*` (colons may not line up) or the format
    /// has fewer than six segments: nothing is ruled out quickly
    pub(crate) quick: Option<(Option<&'static str>, &'static str)>,
}

impl FormatShape {
    /// The shape of `format`.
    pub(crate) fn of(format: &'static str) -> Self {
        let literal_len = super::template::literal_len(format);
        let parts: Vec<&'static str> = format.splitn(6, ':').collect();
        let quick = match parts.as_slice() {
            [_, _, service, _, _, resource] if !parts.iter().take(5).any(|p| p.contains('*')) => {
                let service = (!service.contains('$')).then_some(*service);
                let end = resource.find(['$', '*']).unwrap_or(resource.len());
                Some((service, resource.get(..end).unwrap_or("")))
            }
            _ => None,
        };
        Self {
            format,
            literal_len,
            quick,
        }
    }

    /// `false` only when `arn` (split) cannot be an instance of the format: no placeholder
    /// before the resource part may hold a `:`, so the ARN's colons line up with the format's.
    pub(crate) fn may_match(&self, arn: Option<&crate::pattern::Arn<'_>>) -> bool {
        match (self.quick, arn) {
            (Some((service, prefix)), Some(arn)) => {
                service.is_none_or(|s| s == arn.service) && arn.resource.starts_with(prefix)
            }
            _ => true,
        }
    }
}

/// An action: its canonical name, and ranges into its service's pools.
#[derive(Debug)]
pub(crate) struct ActionData {
    pub(crate) name: &'static str,
    pub(crate) resources: Range<usize>,
    pub(crate) keys: Range<usize>,
}

/// A reference from an action to one of its service's resource types.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ResourceRef {
    /// INVARIANT: a valid index into the service's `resources` (checked by the parser).
    pub(crate) index: u16,
    pub(crate) required: bool,
}

impl ServiceData {
    /// The action named `name`, ignoring ASCII case (a binary search).
    pub(crate) fn action(&self, name: &str) -> Option<&ActionData> {
        self.actions
            .binary_search_by(|action| cmp_ignore_case(action.name, name))
            .ok()
            .and_then(|index| self.actions.get(index))
    }

    /// The keys at `range` of the key pool.
    pub(crate) fn keys_at(&self, range: &Range<usize>) -> impl Iterator<Item = &KeyData> + '_ {
        // INVARIANT: the parser checked every range and index, so nothing is skipped here.
        let refs = self.key_refs.get(range.clone()).unwrap_or(&[]);
        refs.iter()
            .filter_map(|&index| self.keys.get(usize::from(index)))
    }

    /// The resource type references at `range` of the pool.
    pub(crate) fn resource_refs_at(&self, range: &Range<usize>) -> &[ResourceRef] {
        self.resource_refs.get(range.clone()).unwrap_or(&[])
    }
}

/// Compares two names byte by byte after ASCII lowercasing: the order of the catalog's lists.
pub(crate) fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    let a = a.bytes().map(|byte| byte.to_ascii_lowercase());
    let b = b.bytes().map(|byte| byte.to_ascii_lowercase());
    a.cmp(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmp_ignore_case_orders_like_lowercase_strings() {
        assert_eq!(
            cmp_ignore_case("BatchGetImage", "batchgetimage"),
            Ordering::Equal
        );
        assert_eq!(cmp_ignore_case("ecr", "ecr-public"), Ordering::Less);
        assert_eq!(cmp_ignore_case("Zeta", "alpha"), Ordering::Greater);
    }
}
