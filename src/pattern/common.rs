//! A text several wildcard patterns all match (`*` any run of characters, `?` any one), the
//! shortest: the name an attacker can give a resource that several policies each admit under a
//! pattern of their own (`function:app-*`, `function:*-prod` and `function:*-x-*`:
//! `function:app-x-prod`).

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};

use crate::hash::FxHasher;

/// The character a `?` met by nothing narrower becomes.
const ANY_ONE: char = 'x';

/// At most this many positions (a state being one position in each pattern) are visited by
/// one [`common_match_all`]: patterns that share no long literal part could otherwise make the
/// search grow as the product of their lengths, and each state's size as their number. Past
/// it the answer is `None`, as for patterns with no common text.
pub const MAX_POSITIONS: usize = 1 << 20;

/// The shortest text both `a` and `b` match, `None` when no text does (see [`common_match_all`]).
pub fn common_match(a: &str, b: &str) -> Option<String> {
    common_match_all(&[a, b])
}

/// The shortest text every pattern of `patterns` matches, `None` when no text does (or the
/// search passes [`MAX_POSITIONS`]); `""` for no pattern. Wildcards as in
/// [`super::Dialect::Plain`]: under a dialect with segment rules the answer is a candidate, to
/// be matched again.
pub fn common_match_all(patterns: &[&str]) -> Option<String> {
    let mut budget = MAX_POSITIONS;
    common_match_within(patterns, &mut budget)
}

/// [`common_match_all`], visiting at most `budget` positions, less those visited: one budget
/// shared by many searches bounds them all.
pub fn common_match_within(patterns: &[&str], budget: &mut usize) -> Option<String> {
    let patterns: Vec<Vec<char>> = patterns.iter().map(|p| p.chars().collect()).collect();
    let width = patterns.len().max(1);
    let start: State = vec![0; patterns.len()].into();
    // For each state reached, its distance (characters read, fewest first: a 0-1 breadth-first
    // search where leaving a `*` costs nothing and reading a character one) and how it was
    // reached: the state before and the character read (none for leaving a `*`).
    let mut seen: HashMap<State, Reached, std::hash::BuildHasherDefault<FxHasher>> =
        HashMap::default();
    seen.insert(start.clone(), (0, None));
    let mut queue = VecDeque::from([(start, 0usize)]);
    while let Some((s, d)) = queue.pop_front() {
        if seen.get(&s).map(|r| r.0) != Some(d) {
            continue;
        }
        if s.iter().zip(&patterns).all(|(&i, p)| i == p.len()) {
            return Some(spell(&seen, s));
        }
        let mut go = |next: State, c: Option<char>, queue: &mut VecDeque<(State, usize)>| {
            let cost = d + usize::from(c.is_some());
            let fresh = *budget >= width;
            let better = match seen.entry(next.clone()) {
                Entry::Occupied(mut e) if cost < e.get().0 => {
                    e.insert((cost, Some((s.clone(), c))));
                    true
                }
                Entry::Vacant(e) if fresh => {
                    e.insert((cost, Some((s.clone(), c))));
                    *budget -= width;
                    true
                }
                _ => false,
            };
            if better && c.is_none() {
                queue.push_front((next, cost));
            } else if better {
                queue.push_back((next, cost));
            }
        };
        let at: Vec<Option<char>> = s
            .iter()
            .zip(&patterns)
            .map(|(&i, p)| p.get(i).copied())
            .collect();
        // Leaving a `*` reads nothing.
        for (k, x) in at.iter().enumerate() {
            if *x == Some('*') {
                let mut next = s.to_vec();
                if let Some(i) = next.get_mut(k) {
                    *i += 1;
                }
                go(next.into(), None, &mut queue);
            }
        }
        // Reading one character: every pattern must take it, and its literals agree.
        if at.iter().any(Option::is_none) {
            continue;
        }
        let mut literals = at.iter().flatten().filter(|x| !is_wild(**x));
        let c = match literals.next() {
            Some(&first) if literals.all(|&x| x == first) => first,
            Some(_) => continue,
            None => ANY_ONE,
        };
        let next: Vec<usize> = s
            .iter()
            .zip(&at)
            .map(|(&i, x)| i + usize::from(*x != Some('*')))
            .collect();
        go(next.into(), Some(c), &mut queue);
    }
    None
}

/// A position in each pattern.
type State = std::rc::Rc<[usize]>;

/// A state's distance, and the state before it with the character read.
type Reached = (usize, Option<(State, Option<char>)>);

fn is_wild(c: char) -> bool {
    c == '*' || c == '?'
}

/// The text read on the way to `state`.
fn spell<S: std::hash::BuildHasher>(seen: &HashMap<State, Reached, S>, mut state: State) -> String {
    let mut out: Vec<char> = Vec::new();
    while let Some((_, Some((before, c)))) = seen.get(&state) {
        out.extend(c);
        state = before.clone();
    }
    out.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::{Dialect, Wildcard};

    fn both(a: &str, b: &str, t: &str) -> bool {
        let m = |p: &str| Wildcard::new(p, Dialect::Plain).unwrap().is_match(t);
        m(a) && m(b)
    }

    #[test]
    fn the_shortest_text_both_match() {
        assert_eq!(
            common_match("function:app-*", "function:*-prod").as_deref(),
            Some("function:app-prod")
        );
        assert_eq!(common_match("a?c", "*b*").as_deref(), Some("abc"));
        assert_eq!(common_match("app-*", "app-x*").as_deref(), Some("app-x"));
        assert_eq!(common_match("*", "*").as_deref(), Some(""));
        assert_eq!(common_match("abc", "abc").as_deref(), Some("abc"));
        assert_eq!(common_match("??", "*").as_deref(), Some("xx"));
    }

    #[test]
    fn disjoint_patterns_have_none() {
        assert_eq!(common_match("app-*", "other-*"), None);
        assert_eq!(common_match("a?", "abc"), None);
        assert_eq!(common_match("*a", "*b"), None);
    }

    #[test]
    fn the_shortest_text_every_pattern_matches() {
        let all = |ps: &[&str]| common_match_all(ps);
        assert_eq!(
            all(&["function:app-*", "function:*-prod", "function:*-x-*"]).as_deref(),
            Some("function:app-x-prod")
        );
        assert_eq!(all(&["app-*", "*-prod", "*-x"]), None);
        assert_eq!(all(&["a*", "*b*", "*c"]).as_deref(), Some("abc"));
        assert_eq!(all(&["abc"]).as_deref(), Some("abc"));
        assert_eq!(all(&[]).as_deref(), Some(""));
    }

    proptest::proptest! {
        /// An answer for three patterns is matched by all three, and a text all three match
        /// means there is an answer no longer than it.
        #[test]
        fn answers_match_all(
            a in "[ab*?]{0,5}", b in "[ab*?]{0,5}", c in "[ab*?]{0,5}", t in "[abx]{0,10}"
        ) {
            let m = |p: &str| Wildcard::new(p, Dialect::Plain).unwrap().is_match(&t);
            let got = common_match_all(&[&a, &b, &c]);
            if let Some(w) = &got {
                let m = |p: &str| Wildcard::new(p, Dialect::Plain).unwrap().is_match(w);
                proptest::prop_assert!(m(&a) && m(&b) && m(&c), "{a} {b} {c} {w}");
            }
            if m(&a) && m(&b) && m(&c) {
                let w = got.unwrap_or_else(|| panic!("{a} {b} {c}: none, but {t} matches all"));
                proptest::prop_assert!(w.chars().count() <= t.chars().count());
            }
        }


        /// Whatever the patterns, an answer is matched by both, and a text both match means
        /// there is an answer no longer than it.
        #[test]
        fn answers_match_both(a in "[ab*?]{0,6}", b in "[ab*?]{0,6}", t in "[abx]{0,12}") {
            let got = common_match(&a, &b);
            if let Some(w) = &got {
                proptest::prop_assert!(both(&a, &b, w), "{a} {b} {w}");
            }
            if both(&a, &b, &t) {
                let w = got.unwrap_or_else(|| panic!("{a} {b}: none, but {t} matches both"));
                proptest::prop_assert!(w.chars().count() <= t.chars().count(), "{a} {b} {t} {w}");
            }
        }
    }
}
