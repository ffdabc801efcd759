//! Services AWS has discontinued, whose prefixes the catalog no longer has but policies still
//! name (`deepracer:*`, `iot1click:*`): a list kept by hand in
//! `data/catalog/retired-services.tsv`, so that an action of one reads as retired, not as a typo.

use std::sync::OnceLock;

/// The embedded list (`data/catalog/retired-services.tsv`).
const RETIRED_TEXT: &str = include_str!("../../data/catalog/retired-services.tsv");

/// A discontinued AWS service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetiredService {
    /// The service prefix, such as `deepracer`
    pub prefix: &'static str,
    /// The service's name, such as `AWS DeepRacer`
    pub name: &'static str,
    /// AWS's notice that the service is discontinued, when one was found
    pub notice: Option<&'static str>,
}

/// The parsed lines of a list: `prefix <tab> name <tab> notice`, `#` comments and blank lines
/// skipped. A line without a name is skipped too (a test checks the embedded list has none).
fn parse(text: &'static str) -> Vec<RetiredService> {
    text.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let prefix = fields.next().filter(|p| !p.is_empty())?;
            let name = fields.next().filter(|n| !n.is_empty())?;
            let notice = fields.next().filter(|n| !n.is_empty());
            Some(RetiredService {
                prefix,
                name,
                notice,
            })
        })
        .collect()
}

/// The retired service with prefix `prefix` (ignoring ASCII case), if it is on the list. A
/// service on the list is one the embedded catalog does not know.
pub fn retired_service(prefix: &str) -> Option<RetiredService> {
    static LIST: OnceLock<Vec<RetiredService>> = OnceLock::new();
    LIST.get_or_init(|| parse(RETIRED_TEXT))
        .iter()
        .find(|s| s.prefix.eq_ignore_ascii_case(prefix))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    #[test]
    fn every_line_of_the_list_parses() {
        let lines = RETIRED_TEXT
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .count();
        let list = parse(RETIRED_TEXT);
        assert_eq!(list.len(), lines);
        for s in &list {
            assert!(s.notice.is_none_or(|n| n.starts_with("https://")), "{s:?}");
            assert_eq!(s.prefix, s.prefix.to_ascii_lowercase());
        }
    }

    /// A prefix the catalog knows is a live service (or one AWS still documents): its unknown
    /// actions are typos, and it must leave the list.
    #[test]
    fn no_retired_prefix_is_a_service_of_the_catalog() {
        let catalog = Catalog::embedded();
        for s in parse(RETIRED_TEXT) {
            assert!(catalog.service(s.prefix).is_none(), "{}", s.prefix);
        }
    }

    #[test]
    fn lookups_ignore_case() {
        let s = retired_service("IoT1Click").unwrap();
        assert_eq!(s.name, "AWS IoT 1-Click");
        assert!(s.notice.is_some());
        assert!(retired_service("s3").is_none());
    }
}
