//! A text two wildcard patterns both match (`*` any run of characters, `?` any one), the
//! shortest: the name an attacker can give a resource that two policies each admit under a
//! pattern of their own (`function:app-*` and `function:*-prod`: `function:app-prod`).

use std::collections::VecDeque;

/// The character a `?` met by nothing narrower becomes.
const ANY_ONE: char = 'x';

/// The shortest text both `a` and `b` match, `None` when no text does. Wildcards as in
/// [`super::Dialect::Plain`]: under a dialect with segment rules the answer is a candidate,
/// to be matched again.
pub fn common_match(a: &str, b: &str) -> Option<String> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let states = (a.len() + 1) * width;
    // For each state (positions in `a` and `b`), how it was reached: the state before and the
    // character read (none for leaving a `*`).
    let mut from: Vec<Option<(usize, Option<char>)>> = vec![None; states];
    // Characters read to reach each state, fewest first (a 0-1 breadth-first search: leaving
    // a `*` costs nothing, reading a character one).
    let mut dist = vec![usize::MAX; states];
    *dist.first_mut()? = 0;
    let mut queue = VecDeque::from([(0usize, 0usize)]);
    let goal = states - 1;
    while let Some((s, d)) = queue.pop_front() {
        if dist.get(s) != Some(&d) {
            continue;
        }
        if s == goal {
            return Some(spell(&from, goal));
        }
        let (i, j) = (s / width, s % width);
        let (x, y) = (a.get(i).copied(), b.get(j).copied());
        let mut go = |next: usize, c: Option<char>| {
            let cost = d + usize::from(c.is_some());
            if dist.get(next).is_some_and(|&old| cost < old) {
                if let Some(slot) = dist.get_mut(next) {
                    *slot = cost;
                }
                if let Some(slot) = from.get_mut(next) {
                    *slot = Some((s, c));
                }
                if c.is_none() {
                    queue.push_front((next, cost));
                } else {
                    queue.push_back((next, cost));
                }
            }
        };
        // Leaving a `*` reads nothing.
        if x == Some('*') {
            go(s + width, None);
        }
        if y == Some('*') {
            go(s + 1, None);
        }
        let (Some(x), Some(y)) = (x, y) else {
            continue;
        };
        let c = match (x, y) {
            (x, y) if !is_wild(x) && !is_wild(y) && x != y => continue,
            (x, _) if !is_wild(x) => x,
            (_, y) if !is_wild(y) => y,
            _ => ANY_ONE,
        };
        let di = usize::from(x != '*');
        let dj = usize::from(y != '*');
        go(s + di * width + dj, Some(c));
    }
    None
}

fn is_wild(c: char) -> bool {
    c == '*' || c == '?'
}

/// The text read on the way to `state`.
fn spell(from: &[Option<(usize, Option<char>)>], mut state: usize) -> String {
    let mut out: Vec<char> = Vec::new();
    while let Some(Some((before, c))) = from.get(state) {
        out.extend(c);
        state = *before;
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

    proptest::proptest! {
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
