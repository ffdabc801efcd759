//! Splitting a string dimension into classes: the globs are run side by side (a product of
//! their subset automata, explored breadth first), and every combination of "matches / does
//! not match" that some string reaches is a class, with the shortest such string as its
//! representative. A combination no string realises never appears, so every class is real.
//!
//! Every glob is constant on a class, so any engine decision that depends on the string only
//! through these globs is the same for every member: evaluating the representative decides the
//! class. Characters no glob names behave alike, so one fresh character stands for all of them.

use std::collections::VecDeque;

use crate::hash::FastMap;

use super::glob::{lower, Glob, Tok};

/// The classes of a dimension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Class {
    /// For each glob, whether the class's strings match it
    pub member: Vec<bool>,
    /// The shortest string of the class
    pub rep: String,
}

/// The product automaton grew past its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooManyStates(pub usize);

/// Characters tried, in order, for the one character no glob names.
const FRESH: &str = "xyzqjkwvubgfpmhdlcnrtoiesa0123456789_-.";

/// The alphabet: every character a glob names, `:` (which wildcards may refuse), and one fresh
/// character standing for all others.
fn alphabet(globs: &[&Glob]) -> Vec<char> {
    let mut chars: Vec<char> = globs.iter().flat_map(|g| g.chars()).collect();
    chars.push(':');
    let named = |c: char| chars.iter().any(|x| *x == c || lower(*x) == lower(c));
    let fresh = FRESH
        .chars()
        .chain(('\u{00c0}'..='\u{024f}').filter(|c| lower(*c) == *c))
        .find(|c| !named(*c));
    if let Some(f) = fresh {
        chars.push(f);
    }
    chars.sort_unstable();
    chars.dedup();
    // The fresh character first: representatives read `x` where any character would do.
    if let Some(f) = fresh {
        chars.retain(|c| *c != f);
        chars.insert(0, f);
    }
    chars
}

/// The classes of the strings that match at least one `include` glob (every string when
/// `include` is empty) and no `exclude` glob, split by every glob. Fails past `max_states`
/// product states.
pub(crate) fn classes(
    globs: &[&Glob],
    include: &[usize],
    exclude: &[usize],
    max_states: usize,
) -> Result<Vec<Class>, TooManyStates> {
    let offsets: Vec<usize> = globs
        .iter()
        .scan(0usize, |acc, g| {
            let at = *acc;
            *acc += g.words();
            Some(at)
        })
        .collect();
    let width: usize = globs.iter().map(|g| g.words()).sum();
    let span = |i: usize| {
        let start = offsets.get(i).copied().unwrap_or(0);
        let len = globs.get(i).map_or(0, |g| g.words());
        start..start + len
    };
    let alphabet = alphabet(globs);
    let lowered: Vec<(char, char)> = alphabet.iter().map(|c| (*c, lower(*c))).collect();
    let named = Named::new(&alphabet);
    let mut tried: Vec<bool> = vec![false; alphabet.len()];
    let mut order_of_chars: Vec<usize> = Vec::with_capacity(alphabet.len());
    let mut start = vec![0u64; width];
    for (i, g) in globs.iter().enumerate() {
        if let Some(s) = start.get_mut(span(i)) {
            g.start(s);
        }
    }
    // Every string of the domain starts with the literal prefix the included globs share, so
    // the search starts after it: a string leaving it is outside and splits nothing.
    let lead = common_prefix(globs, include);
    for c in lead.chars() {
        let mut next = vec![0u64; width];
        for (i, g) in globs.iter().enumerate() {
            if let (Some(cur), Some(out)) = (start.get(span(i)), next.get_mut(span(i))) {
                g.step_lower(cur, c, lower(c), out);
            }
        }
        start = next;
    }
    let mut seen: FastMap<Vec<u64>, usize> = FastMap::default();
    // node -> (parent, character); the root's parent is itself
    let mut nodes: Vec<(usize, char)> = vec![(0, '\0')];
    let mut queue: VecDeque<(usize, Vec<u64>)> = VecDeque::new();
    seen.insert(start.clone(), 0);
    queue.push_back((0, start));
    let mut found: FastMap<Vec<bool>, usize> = FastMap::default();
    let mut order: Vec<Vec<bool>> = Vec::new();
    let mut root: Option<Vec<bool>> = None;
    while let Some((node, state)) = queue.pop_front() {
        let part = |i: usize| state.get(span(i)).unwrap_or(&[]);
        let member: Vec<bool> = globs
            .iter()
            .enumerate()
            .map(|(i, g)| g.accepts(part(i)))
            .collect();
        let inside = (include.is_empty() || include.iter().any(|i| member.get(*i) == Some(&true)))
            && !exclude.iter().any(|i| member.get(*i) == Some(&true));
        // The empty string is recorded last (below): a class reads better as `x` than as ``.
        if node == 0 && inside && lead.is_empty() {
            root = Some(member.clone());
        } else if inside && !found.contains_key(&member) {
            found.insert(member.clone(), node);
            order.push(member);
        }
        // No continuation can enter the domain, or change any glob's answer.
        let dead = |i: &usize| part(*i).iter().all(|w| *w == 0);
        if !include.is_empty() && include.iter().all(dead) {
            continue;
        }
        if globs.iter().enumerate().all(|(i, g)| g.settled(part(i))) {
            continue;
        }
        // Only live globs move: a dead one stays dead (and zero in `next`).
        let alive: Vec<usize> = (0..globs.len())
            .filter(|i| part(*i).iter().any(|w| *w != 0))
            .collect();
        // Only the characters some live glob names at its current positions (and `:` and the
        // fresh character) can lead anywhere new: any other character reads like the fresh one.
        order_of_chars.clear();
        for &i in &alive {
            if let Some(g) = globs.get(i) {
                named.at(g, part(i), &mut tried, &mut order_of_chars);
            }
        }
        for slot in [0, named.colon] {
            if let Some(t) = tried.get_mut(slot) {
                if !*t {
                    *t = true;
                    order_of_chars.push(slot);
                }
            }
        }
        order_of_chars.sort_unstable();
        let mut next = vec![0u64; width];
        for &k in &order_of_chars {
            if let Some(t) = tried.get_mut(k) {
                *t = false;
            }
            let Some(&(c, lc)) = lowered.get(k) else {
                continue;
            };
            next.iter_mut().for_each(|w| *w = 0);
            for &i in &alive {
                let r = span(i);
                if let (Some(g), Some(cur), Some(out)) =
                    (globs.get(i), state.get(r.clone()), next.get_mut(r))
                {
                    g.step_lower(cur, c, lc, out);
                }
            }
            if seen.contains_key(&next) {
                continue;
            }
            if seen.len() >= max_states {
                return Err(TooManyStates(max_states));
            }
            nodes.push((node, c));
            let id = nodes.len() - 1;
            seen.insert(next.clone(), id);
            queue.push_back((id, next.clone()));
        }
    }
    if let Some(member) = root {
        if !found.contains_key(&member) {
            found.insert(member.clone(), 0);
            order.push(member);
        }
    }
    let fresh = alphabet.first().copied();
    Ok(order
        .into_iter()
        .map(|member| {
            let node = found.get(&member).copied().unwrap_or(0);
            let rep = readable(
                globs,
                &member,
                format!("{lead}{}", spell(&nodes, node)),
                fresh,
            );
            Class { member, rep }
        })
        .collect())
}

/// The literal text every glob of `include` starts with (empty when `include` is).
pub(crate) fn common_prefix(globs: &[&Glob], include: &[usize]) -> String {
    let mut prefixes = include
        .iter()
        .filter_map(|i| globs.get(*i))
        .map(|g| g.literal_prefix());
    let Some(mut lead) = prefixes.next() else {
        return String::new();
    };
    for p in prefixes {
        let common = lead
            .chars()
            .zip(p.chars())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a.len_utf8())
            .sum();
        lead.truncate(common);
    }
    lead
}

/// Where each character of the alphabet is: by itself and by its lowercase.
struct Named {
    exact: FastMap<char, usize>,
    folded: FastMap<char, Vec<usize>>,
    /// The position of `:`
    colon: usize,
}

impl Named {
    fn new(alphabet: &[char]) -> Self {
        let mut exact = FastMap::default();
        let mut folded: FastMap<char, Vec<usize>> = FastMap::default();
        for (k, c) in alphabet.iter().enumerate() {
            exact.insert(*c, k);
            folded.entry(lower(*c)).or_default().push(k);
        }
        let colon = exact.get(&':').copied().unwrap_or(0);
        Self {
            exact,
            folded,
            colon,
        }
    }

    /// Add (once, marked in `tried`) the alphabet positions of the characters `g` reads
    /// literally from any position of `set`.
    fn at(&self, g: &Glob, set: &[u64], tried: &mut [bool], out: &mut Vec<usize>) {
        let mut add = |k: usize| {
            if let Some(t) = tried.get_mut(k) {
                if !*t {
                    *t = true;
                    out.push(k);
                }
            }
        };
        for (w, word) in set.iter().enumerate() {
            let mut bits = *word;
            while bits != 0 {
                let i = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                match g.toks().get(i) {
                    Some(Tok::Lit(c)) => {
                        if let Some(k) = self.exact.get(c) {
                            add(*k);
                        }
                    }
                    Some(Tok::Fold(l)) => {
                        for k in self.folded.get(l).into_iter().flatten() {
                            add(*k);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

/// The representative with one more fresh character (`b/x` rather than `b/`, `us-x` rather
/// than `us-`) when that string is in the same class: the shortest string often ends where a
/// wildcard matched nothing, which reads like a typo.
fn readable(globs: &[&Glob], member: &[bool], rep: String, fresh: Option<char>) -> String {
    let Some(f) = fresh else { return rep };
    // Only after a separator: `acme-dev-support` stays as written.
    if !rep.ends_with(['/', '-', ':', '.', '_', '=', '@']) {
        return rep;
    }
    let longer = format!("{rep}{f}");
    let same = globs
        .iter()
        .zip(member)
        .all(|(g, m)| g.is_match(&longer) == *m);
    if same {
        longer
    } else {
        rep
    }
}

/// The string that leads to `node`.
fn spell(nodes: &[(usize, char)], mut node: usize) -> String {
    let mut out: Vec<char> = Vec::new();
    while node != 0 {
        let Some((parent, c)) = nodes.get(node) else {
            break;
        };
        out.push(*c);
        node = *parent;
    }
    out.into_iter().rev().collect()
}

/// Can the literal ends of two globs (their first or, reversed, last tokens) belong to one string?
/// False when, before either leaves its literal run, they name different characters: then no
/// string starts (or ends) as both do. A cheap test before the product search.
fn ends_agree<'a>(a: impl Iterator<Item = &'a Tok>, b: impl Iterator<Item = &'a Tok>) -> bool {
    for (x, y) in a.zip(b) {
        match (x, y) {
            (Tok::Lit(p), Tok::Lit(q)) if p != q => return false,
            (Tok::Lit(_), Tok::Lit(_)) => {}
            _ => return true,
        }
    }
    true
}

/// Is some string in both globs? Reachability in the product of the two globs' token automata:
/// a state is a pair of token positions (not of position sets: emptiness of an intersection needs
/// no subset construction), so the search is `O(|a| * |b|)`, exact, and needs no state limit
/// (`_max_states` is kept for the callers' symmetry with [`classes`]).
pub(crate) fn intersects(a: &Glob, b: &Glob, _max_states: usize) -> bool {
    if a.is_universal() || b.is_universal() {
        return true;
    }
    let (ta, tb) = (a.toks(), b.toks());
    if !ends_agree(ta.iter(), tb.iter()) || !ends_agree(ta.iter().rev(), tb.iter().rev()) {
        return false;
    }
    let width = tb.len() + 1;
    let mut seen = vec![false; (ta.len() + 1) * width];
    let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
    let visit = |i: usize, j: usize, seen: &mut Vec<bool>, stack: &mut Vec<(usize, usize)>| {
        if let Some(slot) = seen.get_mut(i * width + j) {
            if !*slot {
                *slot = true;
                stack.push((i, j));
            }
        }
    };
    if let Some(slot) = seen.get_mut(0) {
        *slot = true;
    }
    while let Some((i, j)) = stack.pop() {
        if i == ta.len() && j == tb.len() {
            return true;
        }
        let (x, y) = (ta.get(i), tb.get(j));
        // A star may match nothing.
        if let Some(Tok::Star { .. }) = x {
            visit(i + 1, j, &mut seen, &mut stack);
        }
        if let Some(Tok::Star { .. }) = y {
            visit(i, j + 1, &mut seen, &mut stack);
        }
        // One character both can read: a star stays, any other token moves on.
        let (Some(x), Some(y)) = (x, y) else { continue };
        if one_char_meets(*x, *y) {
            let ni = if matches!(x, Tok::Star { .. }) {
                i
            } else {
                i + 1
            };
            let nj = if matches!(y, Tok::Star { .. }) {
                j
            } else {
                j + 1
            };
            if (ni, nj) != (i, j) {
                visit(ni, nj, &mut seen, &mut stack);
            }
        }
    }
    false
}

/// Is there one character both tokens read (a star's own loop included)?
fn one_char_meets(x: Tok, y: Tok) -> bool {
    /// The characters a token reads: exactly `c`, those whose lowercase is `c`, or any
    /// (`colon: false`: but `:`).
    enum Class {
        Exact(char),
        Folded(char),
        Any(bool),
    }
    let class = |t: Tok| match t {
        Tok::Lit(c) => Class::Exact(c),
        Tok::Fold(c) => Class::Folded(c),
        Tok::One { colon } | Tok::Star { colon } => Class::Any(colon),
    };
    match (class(x), class(y)) {
        (Class::Exact(c), Class::Exact(d)) => c == d,
        (Class::Exact(c), Class::Folded(d)) | (Class::Folded(d), Class::Exact(c)) => lower(c) == d,
        (Class::Folded(c), Class::Folded(d)) => c == d,
        (Class::Exact(c) | Class::Folded(c), Class::Any(colon))
        | (Class::Any(colon), Class::Exact(c) | Class::Folded(c)) => colon || c != ':',
        (Class::Any(_), Class::Any(_)) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::Dialect;

    fn res(p: &str) -> Glob {
        Glob::pattern(p, Dialect::Resource)
    }

    #[test]
    fn a_prefix_collision_is_a_class_of_its_own() {
        let support = res("log-group:/a/acme-dev-support*");
        let tier2 = res("log-group:/a/acme-dev-support-tier2*");
        let cs = classes(&[&support, &tier2], &[0], &[], 10_000).unwrap();
        let reps: Vec<(&str, Vec<bool>)> = cs
            .iter()
            .map(|c| (c.rep.as_str(), c.member.clone()))
            .collect();
        assert_eq!(
            reps,
            [
                ("log-group:/a/acme-dev-support", vec![true, false]),
                ("log-group:/a/acme-dev-support-tier2", vec![true, true]),
            ]
        );
    }

    #[test]
    fn complements_are_classes_only_when_realised() {
        // `b/*` minus `b/x*` minus `b/?*`: nothing but `b/` itself is left.
        let all = res("arn:aws:s3:::b/*");
        let x = res("arn:aws:s3:::b/x*");
        let one = res("arn:aws:s3:::b/?*");
        let cs = classes(&[&all, &x, &one], &[0], &[1, 2], 10_000).unwrap();
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0].rep, "arn:aws:s3:::b/");
        // Excluding `b/*` itself leaves nothing.
        assert!(classes(&[&all], &[0], &[0], 10_000).unwrap().is_empty());
    }

    #[test]
    fn question_marks_split_by_length_and_colons() {
        let q = Glob::pattern("a?c", Dialect::Resource);
        let star = Glob::pattern("a*", Dialect::Plain);
        let cs = classes(&[&star, &q], &[0], &[], 10_000).unwrap();
        let inside: Vec<&str> = cs
            .iter()
            .filter(|c| c.member[1])
            .map(|c| c.rep.as_str())
            .collect();
        assert_eq!(inside.len(), 1);
        assert!(q.is_match(inside[0]));
        let outside: Vec<&Class> = cs.iter().filter(|c| !c.member[1]).collect();
        assert_eq!(outside.len(), 1);
        // `a:c` matches `a*` (plain) but not `a?c` (resource dialect: `?` is not `:`).
        assert!(!q.is_match("a:c") && star.is_match("a:c"));
    }

    #[test]
    fn intersection_of_globs() {
        assert!(intersects(
            &res("arn:aws:s3:::b/*"),
            &res("arn:aws:s3:::*/k"),
            1000
        ));
        assert!(!intersects(
            &res("arn:aws:s3:::b/*"),
            &res("arn:aws:s3:::c*"),
            1000
        ));
        assert!(intersects(
            &res("arn:aws:logs:r:1:log-group:/a/acme-dev-support*"),
            &Glob::literal("arn:aws:logs:r:1:log-group:/a/acme-dev-support-tier2"),
            1000
        ));
    }

    #[test]
    fn the_state_limit_is_reported() {
        let g = Glob::pattern("*a*b*c*d*", Dialect::Plain);
        assert_eq!(classes(&[&g], &[], &[], 3), Err(TooManyStates(3)));
    }
}
