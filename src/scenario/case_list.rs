//! A suite's cases, held as the lists their files expanded to: each file is expanded on a
//! worker thread, and joining the lists into one would copy every case again into fresh memory
//! (on one thread, a tenth of a 400,000-case run, and most of its slow runs' system time).
//! Cases are numbered across the lists in file order.

use super::case::Case;

/// Every case of a suite, in file order, numbered from 0.
#[derive(Debug, Clone, Default)]
pub struct CaseList {
    /// The non-empty lists, in order
    parts: Vec<Vec<Case>>,
    /// The number of the first case of each list
    starts: Vec<usize>,
    len: usize,
}

impl CaseList {
    /// Append a file's cases (an empty list adds nothing).
    pub fn push_part(&mut self, cases: Vec<Case>) {
        if cases.is_empty() {
            return;
        }
        self.starts.push(self.len);
        self.len += cases.len();
        self.parts.push(cases);
    }

    /// The number of cases.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there is no case.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Case number `i`.
    pub fn get(&self, i: usize) -> Option<&Case> {
        // The last list whose first case is at or before `i`.
        let part = self.starts.partition_point(|&s| s <= i).checked_sub(1)?;
        self.parts.get(part)?.get(i - self.starts.get(part)?)
    }

    /// The lists, in order (a file's cases each, except where a file expanded to none).
    pub fn parts(&self) -> impl Iterator<Item = &[Case]> + '_ {
        self.parts.iter().map(Vec::as_slice)
    }

    /// Every case, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Case> + '_ {
        self.parts.iter().flatten()
    }

    /// The cases numbered `from` up to (not including) `to`, in order.
    pub fn range(&self, from: usize, to: usize) -> impl Iterator<Item = &Case> + '_ {
        let part = self
            .starts
            .partition_point(|&s| s <= from)
            .saturating_sub(1);
        let skip = from.saturating_sub(self.starts.get(part).copied().unwrap_or(0));
        self.parts
            .get(part..)
            .unwrap_or(&[])
            .iter()
            .flatten()
            .skip(skip)
            .take(to.saturating_sub(from))
    }

    /// Keep the cases `keep` says yes to, in order, renumbered.
    pub fn retain(&mut self, mut keep: impl FnMut(&Case) -> bool) {
        let parts = std::mem::take(&mut self.parts);
        *self = Self::default();
        for mut p in parts {
            p.retain(&mut keep);
            self.push_part(p);
        }
    }
}

impl From<Vec<Case>> for CaseList {
    fn from(cases: Vec<Case>) -> Self {
        let mut list = Self::default();
        list.push_part(cases);
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{Context, Principal};
    use crate::scenario::{CaseRequest, Expect};
    use std::sync::Arc;

    fn case(name: &str) -> Case {
        Case {
            file: "f.json".into(),
            name: name.into(),
            engine: 0,
            request: CaseRequest {
                principal: Arc::new(Principal::parse("arn:aws:iam::111122223333:role/a").unwrap()),
                action: "s3:GetObject".into(),
                resource: "*".into(),
                context: Arc::new(Context::new()),
                resource_account: None,
                session_policy: None,
            },
            expect: Expect::Allow,
            because: None,
            blocked_by: None,
            skip: None,
            tags: Arc::new([]),
            transitive: false,
            quantified: None,
        }
    }

    fn list(parts: &[&[&str]]) -> CaseList {
        let mut l = CaseList::default();
        for p in parts {
            l.push_part(p.iter().map(|n| case(n)).collect());
        }
        l
    }

    fn names<'a>(it: impl Iterator<Item = &'a Case>) -> Vec<&'a str> {
        it.map(|c| c.name.as_str()).collect()
    }

    #[test]
    fn cases_are_numbered_across_the_lists_in_order() {
        let l = list(&[&["a", "b"], &[], &["c"], &["d", "e", "f"]]);
        assert_eq!(l.len(), 6);
        let by_number: Vec<&str> = (0..6)
            .filter_map(|i| l.get(i))
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(by_number, ["a", "b", "c", "d", "e", "f"]);
        assert_eq!(names(l.iter()), by_number);
        assert!(l.get(6).is_none());
        assert_eq!(names(l.range(1, 4)), ["b", "c", "d"]);
        assert_eq!(names(l.range(5, 9)), ["f"]);
        assert!(CaseList::default().get(0).is_none());
    }

    #[test]
    fn retain_keeps_the_order_and_renumbers() {
        let mut l = list(&[&["a", "b"], &["c"], &["d", "e"]]);
        l.retain(|c| c.name != "b" && c.name != "c");
        assert_eq!(l.len(), 3);
        assert_eq!(l.get(1).map(|c| c.name.as_str()), Some("d"));
        assert_eq!(names(l.iter()), ["a", "d", "e"]);
    }
}
