//! A faster split for globs that read an ARN segment by segment: when no wildcard of any glob
//! crosses one of the first five `:`, a string's membership in a glob is the conjunction of its
//! segments' memberships in the glob's segments, so the classes of whole strings are the
//! combinations of the classes of each segment, computed apart. (Explored together, every
//! class of the earlier segments multiplies the states of the later ones.)

use super::glob::{Glob, Tok};
use super::partition::{classes, Class, TooManyStates};

/// The six segments of a glob (`arn`, partition, service, region, account, resource), or
/// `Ok(None)` when it matches no string of six segments at all; `Err(())` when a wildcard
/// crosses one of the first five `:`.
fn split(g: &Glob) -> Result<Option<Vec<Glob>>, ()> {
    if g.is_universal() {
        return Ok(Some(
            (0..6)
                .map(|i| Glob::new(vec![Tok::Star { colon: i == 5 }]))
                .collect(),
        ));
    }
    let mut segs: Vec<Vec<Tok>> = vec![Vec::new()];
    let n = g.toks().len();
    for (j, t) in g.toks().iter().enumerate() {
        let last = segs.len() == 6;
        match *t {
            Tok::Lit(':') if !last => segs.push(Vec::new()),
            // A final `*` that spans `:` (`arn:aws:*`): on strings of six segments, any text in
            // each segment left.
            Tok::Star { colon: true } if !last && j + 1 == n => {
                while segs.len() < 6 {
                    if let Some(s) = segs.last_mut() {
                        s.push(Tok::Star { colon: false });
                    }
                    segs.push(Vec::new());
                }
                if let Some(s) = segs.last_mut() {
                    s.push(Tok::Star { colon: true });
                }
            }
            Tok::One { colon: true } | Tok::Star { colon: true } if !last => return Err(()),
            other => {
                if let Some(s) = segs.last_mut() {
                    s.push(other);
                }
            }
        }
    }
    if segs.len() < 6 {
        // Fewer than five `:` and no wildcard that may hold one: no ARN matches.
        return Ok(None);
    }
    Ok(Some(segs.into_iter().map(Glob::new).collect()))
}

/// The classes of the strings of six `:`-separated segments matching glob 0, split by every
/// glob, when every glob splits into segments; `None` otherwise (use [`classes`]).
pub(crate) fn classes_by_segment(
    globs: &[&Glob],
    max_states: usize,
) -> Option<Result<Vec<Class>, TooManyStates>> {
    let mut parts: Vec<Option<Vec<Glob>>> = Vec::with_capacity(globs.len());
    for g in globs {
        parts.push(split(g).ok()?);
    }
    let colon_free = Glob::new(vec![Tok::Star { colon: false }]);
    // Per segment: the classes of that segment's strings over every glob's segment.
    let mut per_segment: Vec<(Vec<usize>, Vec<Class>)> = Vec::new();
    for i in 0..6 {
        let mut seg_globs: Vec<&Glob> = Vec::new();
        let mut owner: Vec<usize> = Vec::new();
        if i < 5 {
            seg_globs.push(&colon_free);
        }
        for (k, p) in parts.iter().enumerate() {
            if let Some(g) = p.as_ref().and_then(|p| p.get(i)) {
                seg_globs.push(g);
                owner.push(k);
            }
        }
        let include: Vec<usize> = if i < 5 { vec![0] } else { Vec::new() };
        let found = match classes(&seg_globs, &include, &[], max_states) {
            Ok(f) => f,
            Err(e) => return Some(Err(e)),
        };
        let skip = usize::from(i < 5);
        let found = found
            .into_iter()
            .map(|c| Class {
                member: c.member.get(skip..).unwrap_or(&[]).to_vec(),
                rep: c.rep,
            })
            .collect();
        per_segment.push((owner, found));
    }
    // Every combination of segment classes, reduced to the globs' whole answers.
    let mut combos: Vec<(Vec<bool>, Vec<String>)> = vec![(vec![true; globs.len()], Vec::new())];
    for (i, (owner, found)) in per_segment.iter().enumerate() {
        let mut next: Vec<(Vec<bool>, Vec<String>)> = Vec::new();
        for (member, reps) in &combos {
            for c in found {
                let mut m = member.clone();
                for (slot, k) in owner.iter().enumerate() {
                    if let Some(x) = m.get_mut(*k) {
                        *x = *x && c.member.get(slot).copied().unwrap_or(false);
                    }
                }
                // Globs with no six segments match nothing here.
                for (k, p) in parts.iter().enumerate() {
                    if p.is_none() {
                        if let Some(x) = m.get_mut(k) {
                            *x = false;
                        }
                    }
                }
                // Glob 0 (the domain) must still hold.
                if m.first() == Some(&false) {
                    continue;
                }
                let mut r = reps.clone();
                r.push(c.rep.clone());
                next.push((m, r));
            }
        }
        // Keep one combination per answer so far, when the later segments cannot tell them
        // apart (each glob's later segments see only later text).
        let _ = i;
        let mut seen: Vec<Vec<bool>> = Vec::new();
        next.retain(|(m, _)| {
            if seen.contains(m) {
                false
            } else {
                seen.push(m.clone());
                true
            }
        });
        combos = next;
        if combos.len() > max_states {
            return Some(Err(TooManyStates(max_states)));
        }
    }
    Some(Ok(combos
        .into_iter()
        .map(|(member, reps)| Class {
            member,
            rep: reps.join(":"),
        })
        .collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::Dialect;

    #[test]
    fn segment_classes_agree_with_the_whole_split() {
        let globs = [
            Glob::seq(&[
                super::super::glob::Piece::L("arn:"),
                super::super::glob::Piece::StarNc,
                super::super::glob::Piece::L(":ecr:"),
                super::super::glob::Piece::StarNc,
                super::super::glob::Piece::L(":"),
                super::super::glob::Piece::StarNc,
                super::super::glob::Piece::L(":"),
                super::super::glob::Piece::Star,
            ]),
            Glob::format(
                "arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}",
                false,
            ),
            Glob::format(
                "arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}",
                true,
            ),
            Glob::pattern("arn:aws:ecr:us-east-1:1:repository/a*", Dialect::Resource),
            Glob::pattern("*", Dialect::Resource),
            Glob::literal("*"),
            Glob::seq(&[
                super::super::glob::Piece::L("arn:aws:"),
                super::super::glob::Piece::Star,
            ]),
        ];
        let refs: Vec<&Glob> = globs.iter().collect();
        let fast = classes_by_segment(&refs, 100_000).unwrap().unwrap();
        let slow = classes(&refs, &[0], &[], 100_000).unwrap();
        let mut a: Vec<Vec<bool>> = fast.iter().map(|c| c.member.clone()).collect();
        let mut b: Vec<Vec<bool>> = slow.iter().map(|c| c.member.clone()).collect();
        a.sort();
        b.sort();
        assert_eq!(a, b);
        for c in &fast {
            for (g, m) in refs.iter().zip(&c.member) {
                assert_eq!(g.is_match(&c.rep), *m, "{} {:?}", c.rep, g);
            }
        }
    }
}
