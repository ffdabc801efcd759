//! The case names of one scenario file so far, kept unique after expansion.

use std::collections::HashSet;

use crate::scenario::case::Case;

/// The Fx hash for the set of name hashes.
type FxBuild = std::hash::BuildHasherDefault<crate::hash::FxHasher>;

/// The names met so far: remembered by hash (a large suite would otherwise hold every name
/// twice), a repeated hash confirmed against the names themselves: those of the cases held,
/// and those of the cases decided as they were read and let go (`decide.rs`), kept here end to
/// end.
#[derive(Debug, Default)]
pub(super) struct Names {
    hashes: HashSet<u64, FxBuild>,
    let_go: String,
    /// Where each let-go name ends in `let_go`
    ends: Vec<usize>,
}

impl Names {
    /// Room for `n` more names (a set grown one case at a time was rehashed a dozen times for
    /// a file of 5,000 cases).
    pub(super) fn reserve(&mut self, n: usize) {
        self.hashes.reserve(n);
    }

    /// Is `name` new, the cases held so far being `held`? It is remembered either way.
    pub(super) fn is_new(&mut self, name: &str, held: &[Case]) -> bool {
        let hash = crate::hash::fx_hash(name);
        self.hashes.insert(hash) || !(held.iter().any(|c| c.name == name) || self.was_let_go(name))
    }

    /// Remember `name`, of a case no longer held.
    pub(super) fn let_go(&mut self, name: &str) {
        self.let_go.push_str(name);
        self.ends.push(self.let_go.len());
    }

    /// How many cases were let go.
    pub(super) fn let_go_count(&self) -> usize {
        self.ends.len()
    }

    /// Was a case named `name` let go?
    fn was_let_go(&self, name: &str) -> bool {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .any(|(start, &end)| self.let_go.get(start..end) == Some(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_new_once_whether_its_case_is_held_or_let_go() {
        let mut names = Names::default();
        assert!(names.is_new("a", &[]));
        names.let_go("a");
        assert!(names.is_new("ab", &[]));
        names.let_go("ab");
        assert!(!names.is_new("a", &[]));
        assert!(!names.is_new("ab", &[]));
        assert!(names.was_let_go("ab") && !names.was_let_go("b"));
    }

    /// Two names of equal hash are told apart by their texts (a forced collision: the hash of
    /// the second name is inserted under the first's).
    #[test]
    fn a_repeated_hash_is_confirmed_against_the_texts() {
        let mut names = Names::default();
        assert!(names.is_new("first", &[]));
        names.let_go("first");
        let hash = crate::hash::fx_hash("second");
        names.hashes.insert(hash);
        assert!(names.is_new("second", &[]), "its text was never met");
        names.let_go("second");
        assert!(!names.is_new("second", &[]));
    }
}
