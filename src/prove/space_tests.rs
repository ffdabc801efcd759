//! Laws of the resource split: the segment-by-segment split of a group agrees with the search
//! over whole strings, and the search (which tries only the characters live globs name, from
//! after the shared literal prefix) misses no class of short strings.

use super::glob::{Glob, Piece};
use super::partition::{classes, Class};
use super::space::{formats, split_group};
use crate::pattern::Dialect;

/// A role's group (its ARN and the engine's any-path, any-partition probes) split segment by
/// segment gives the classes of the search over whole strings, each representative in its
/// class.
#[test]
fn a_group_split_by_segment_agrees_with_the_whole_search() {
    let name = "acme-dev-agent-a0001";
    let tail = format!(":111122223333:role/{name}");
    let mut owned = vec![
        Glob::literal(&format!("arn:aws:iam::111122223333:role/{name}")),
        Glob::seq(&[
            Piece::L("arn:"),
            Piece::PlusNc,
            Piece::L(":iam:"),
            Piece::StarNc,
            Piece::L(&tail),
        ]),
        Glob::seq(&[
            Piece::L("arn:"),
            Piece::PlusNc,
            Piece::L(":iam:"),
            Piece::StarNc,
            Piece::L(":111122223333:role/"),
            Piece::Star,
            Piece::L(&format!("/{name}")),
        ]),
        Glob::pattern("arn:aws:iam::111122223333:role/*", Dialect::Resource),
    ];
    owned.extend(formats().get("iam").into_iter().flatten().cloned());
    let globs: Vec<&Glob> = owned.iter().collect();
    let include = [0, 1, 2];
    assert!(globs.iter().take(3).all(|g| g.is_six_segment_arn()));
    let fast = split_group("iam", &globs, &include, 100_000).unwrap();
    let whole = classes(&globs, &include, &[], 100_000).unwrap();
    let members = |cs: &[Class]| {
        let mut m: Vec<Vec<bool>> = cs.iter().map(|c| c.member.clone()).collect();
        m.sort();
        m
    };
    assert_eq!(members(&fast), members(&whole));
    assert!(fast.len() >= 3, "{}", fast.len());
    for c in &fast {
        for (g, m) in globs.iter().zip(&c.member) {
            assert_eq!(g.is_match(&c.rep), *m, "{} {g:?}", c.rep);
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]

    /// The search tries only the characters live globs name, starting after the included
    /// globs' shared prefix: still every string's answers are one of the classes found
    /// (checked on every string of up to five characters over the globs' letters, `:` and
    /// a fresh one), and each representative has its class's answers.
    #[test]
    fn every_short_string_falls_in_a_class_found(
        texts in proptest::collection::vec("[ab:*?]{0,4}", 1..4),
        include in proptest::collection::vec(0usize..3, 0..2),
    ) {
        let owned: Vec<Glob> = texts.iter().map(|t| Glob::pattern(t, Dialect::Resource)).collect();
        let globs: Vec<&Glob> = owned.iter().collect();
        let include: Vec<usize> = include.into_iter().filter(|i| *i < globs.len()).collect();
        let found = classes(&globs, &include, &[], 100_000).unwrap();
        for c in &found {
            for (g, m) in globs.iter().zip(&c.member) {
                proptest::prop_assert_eq!(g.is_match(&c.rep), *m);
            }
        }
        let letters = ['a', 'b', ':', 'x'];
        let mut strings = vec![String::new()];
        for len in 1..=5 {
            let mut next = Vec::new();
            for s in strings.iter().filter(|s| s.chars().count() == len - 1) {
                for c in letters {
                    next.push(format!("{s}{c}"));
                }
            }
            strings.extend(next);
        }
        for s in &strings {
            let member: Vec<bool> = globs.iter().map(|g| g.is_match(s)).collect();
            let inside = include.is_empty() || include.iter().any(|i| member[*i]);
            if inside {
                proptest::prop_assert!(
                    found.iter().any(|c| c.member == member),
                    "{:?} of {:?} in no class", s, texts
                );
            }
        }
    }
}
