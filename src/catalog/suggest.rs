//! "Did you mean": the known action nearest to an unknown one.

use super::info::{ActionInfo, ServiceInfo};
use super::Catalog;

impl Catalog {
    /// The known action closest to `name`, for a "did you mean" hint, in AWS's casing
    /// (`ecr:BatchGetImages` gives `ecr:BatchGetImage`).
    ///
    /// With a known service, the nearest action of that service by edit distance (ignoring
    /// case). With an unknown service, the nearest service prefix that has the action, or else
    /// the nearest action of the nearest prefix. A candidate is offered only within an edit
    /// distance of `max(2, length / 4)`, and ties go to the first in catalog order. `None` when
    /// `name` is a known action, has no `:`, or nothing is close enough. The suggestion is
    /// always a known action.
    pub fn suggest(&self, name: &str) -> Option<String> {
        let (prefix, action) = name.split_once(':')?;
        if let Some(service) = self.service(prefix) {
            if service_action(service, action).is_some() {
                return None;
            }
            return nearest_action(service, action).map(|info| info.to_string());
        }
        let limit = limit(prefix);
        // Prefixes first, so that only the few services near `prefix` get parsed.
        let mut services: Vec<(usize, ServiceInfo<'_>)> = self
            .prefixes()
            .map(|candidate| (distance(prefix, candidate), candidate))
            .filter(|(d, _)| *d <= limit)
            .filter_map(|(d, candidate)| Some((d, self.service(candidate)?)))
            .collect();
        services.sort_by_key(|(d, _)| *d);
        if let Some(exact) = services
            .iter()
            .find_map(|(_, s)| service_action(*s, action))
        {
            return Some(exact.to_string());
        }
        let (_, nearest) = services.first()?;
        nearest_action(*nearest, action).map(|info| info.to_string())
    }
}

/// The action `name` of `service`, ignoring case.
fn service_action<'a>(service: ServiceInfo<'a>, name: &str) -> Option<ActionInfo<'a>> {
    service
        .actions()
        .find(|info| info.name().eq_ignore_ascii_case(name))
}

/// The action of `service` nearest to `name`, within the limit.
fn nearest_action<'a>(service: ServiceInfo<'a>, name: &str) -> Option<ActionInfo<'a>> {
    let limit = limit(name);
    service
        .actions()
        .map(|info| (distance(name, info.name()), info))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, info)| info)
}

/// The largest edit distance still worth suggesting for a name of this length.
pub(super) fn limit(name: &str) -> usize {
    (name.len() / 4).max(2)
}

/// The Levenshtein distance between `a` and `b`, ignoring ASCII case.
pub(super) fn distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.bytes().enumerate() {
        current.fill(0);
        if let Some(first) = current.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(!ca.eq_ignore_ascii_case(cb));
            let substitute = previous.get(j).map_or(usize::MAX, |d| d + cost);
            let delete = previous.get(j + 1).map_or(usize::MAX, |d| d + 1);
            let insert = current.get(j).map_or(usize::MAX, |d| d + 1);
            if let Some(cell) = current.get_mut(j + 1) {
                *cell = substitute.min(delete).min(insert);
            }
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits_ignoring_case() {
        assert_eq!(distance("BatchGetImages", "BatchGetImage"), 1);
        assert_eq!(distance("batchgetimage", "BatchGetImage"), 0);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn suggests_the_nearest_action_of_the_service() {
        let catalog = Catalog::embedded();
        assert_eq!(
            catalog.suggest("ecr:BatchGetImages").as_deref(),
            Some("ecr:BatchGetImage")
        );
        assert_eq!(
            catalog.suggest("s3:GetObjects").as_deref(),
            Some("s3:GetObject")
        );
        assert_eq!(
            catalog.suggest("logs:PutLogEvent").as_deref(),
            Some("logs:PutLogEvents")
        );
    }

    #[test]
    fn suggests_the_nearest_service_that_has_the_action() {
        let catalog = Catalog::embedded();
        assert_eq!(
            catalog.suggest("ecrr:BatchGetImage").as_deref(),
            Some("ecr:BatchGetImage")
        );
        assert_eq!(
            catalog.suggest("lamda:invokefunction").as_deref(),
            Some("lambda:InvokeFunction")
        );
    }

    #[test]
    fn nothing_for_known_far_or_bare_names() {
        let catalog = Catalog::embedded();
        assert_eq!(catalog.suggest("ecr:BatchGetImage"), None);
        assert_eq!(catalog.suggest("ecr:CompletelyDifferentThing"), None);
        assert_eq!(catalog.suggest("BatchGetImage"), None);
    }
}
