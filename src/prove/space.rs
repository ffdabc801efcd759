//! The resources of every request at once: one representative per class of the resource
//! strings that every pattern of a set of policies, every catalog ARN format and every probe of
//! the engine's treat alike (for `diff`, which asks two inventories the same requests).
//!
//! Patterns of different ARN services share no string, and within a service a pattern shares
//! strings only with the patterns it intersects, so the classes are computed per service and per
//! group of intersecting patterns. A pattern that intersects many others (`log-group:*`, `*`)
//! is *broad*: it splits every group instead of joining them all into one. The strings of a
//! service that no narrow pattern matches form the *rest*, split by the broad patterns, the
//! formats and the probes; each of its representatives is checked to avoid every narrow
//! pattern (another filling is tried when one does not; a class none avoids is reported).

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use super::glob::{Glob, Piece};
use super::partition::{classes, intersects};
use super::segments::classes_by_segment;
use super::Limits;
use crate::catalog::Catalog;

/// A pattern intersecting more narrow patterns than this is broad.
const BROAD: usize = 16;

/// The most automaton states spent on the resources of one service that no narrow pattern
/// names (a service with many nested ARN formats, reached only through `*`, can need far more;
/// past it the diff reports the gap).
const REST_STATES: usize = 20_000;

/// One representative resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Representative {
    /// The resource (an ARN, or `*`)
    pub arn: String,
    /// The written pattern it falls in, for people (the most specific one), if any
    pub pattern: Option<String>,
}

/// Every catalog ARN format by its ARN service, as globs (plain and qualified).
pub(super) fn formats() -> &'static HashMap<String, Vec<Glob>> {
    static FORMATS: OnceLock<HashMap<String, Vec<Glob>>> = OnceLock::new();
    FORMATS.get_or_init(|| {
        let mut out: HashMap<String, Vec<Glob>> = HashMap::new();
        for s in Catalog::embedded().services() {
            for t in s.resource_types() {
                for f in t.arn_formats() {
                    let Some(service) = f.split(':').nth(2) else {
                        continue;
                    };
                    let list = out.entry(service.to_string()).or_default();
                    for q in [false, true] {
                        let g = Glob::format(f, q);
                        if !list.contains(&g) {
                            list.push(g);
                        }
                    }
                }
            }
        }
        out
    })
}

/// A written pattern: its glob and literal prefix.
struct Written<'a> {
    text: &'a str,
    glob: Glob,
    prefix: String,
}

/// Union-find root.
fn root(parent: &mut [usize], mut i: usize) -> usize {
    while let Some(&p) = parent.get(i) {
        if p == i {
            break;
        }
        let gp = parent.get(p).copied().unwrap_or(p);
        if let Some(slot) = parent.get_mut(i) {
            *slot = gp;
        }
        i = p;
    }
    i
}

/// The representatives of every resource of `services` (ARN services) under `patterns` (each
/// with the text it was written as) and `probes`, plus `*`; and the reasons some class has none.
/// With `only`, the resources of other services are left out.
pub(crate) fn representatives(
    patterns: &[(String, Glob)],
    probes: &[Glob],
    services: &[String],
    only: Option<&std::collections::BTreeSet<String>>,
    limits: &Limits,
) -> (Vec<Representative>, Vec<String>) {
    let mut by_service: BTreeMap<String, Vec<Written<'_>>> = BTreeMap::new();
    let mut everywhere: Vec<Written<'_>> = Vec::new();
    for (p, glob) in patterns {
        let w = Written {
            text: p,
            prefix: glob.literal_prefix(),
            glob: glob.clone(),
        };
        match w.glob.segment(2) {
            Some(s) if !s.is_empty() => by_service.entry(s).or_default().push(w),
            _ => everywhere.push(w),
        }
    }
    let mut out = vec![Representative {
        arn: "*".into(),
        pattern: None,
    }];
    let mut gaps = Vec::new();
    let mut all: Vec<&String> = services.iter().collect();
    for s in by_service.keys() {
        if !all.contains(&s) {
            all.push(s);
        }
    }
    all.retain(|s| only.is_none_or(|set| set.contains(*s)));
    for service in all {
        let written = by_service.get(service).map(Vec::as_slice).unwrap_or(&[]);
        let mut ctx = Service {
            service,
            written,
            everywhere: &everywhere,
            probes,
            limits,
            out: &mut out,
            gaps: &mut gaps,
        };
        ctx.split();
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|r| seen.insert(r.arn.clone()));
    out.sort_by(|a, b| a.arn.cmp(&b.arn));
    (out, gaps)
}

/// The classes inside one group of intersecting patterns; a gap when the split passes its
/// budget. A group of one literal ARN is one class, itself.
fn group_classes(
    service: &str,
    group: &[&Written<'_>],
    broad: &[&Written<'_>],
    fmts: &[Glob],
    probes: &[&Glob],
    limits: &Limits,
) -> Result<Vec<Representative>, String> {
    if let [only] = group {
        if let Some(text) = only.glob.as_literal() {
            return Ok(vec![Representative {
                arn: text,
                pattern: None,
            }]);
        }
    }
    let mut globs: Vec<&Glob> = group.iter().map(|w| &w.glob).collect();
    let include: Vec<usize> = (0..globs.len()).collect();
    let meets = |g: &Glob| {
        group
            .iter()
            .any(|w| intersects(g, &w.glob, limits.max_states))
    };
    globs.extend(broad.iter().map(|w| &w.glob).filter(|g| meets(g)));
    globs.extend(fmts.iter().filter(|g| meets(g)));
    globs.extend(probes.iter().copied().filter(|g| meets(g)));
    match split_group(service, &globs, &include, limits.max_states) {
        Ok(found) => Ok(found
            .into_iter()
            .map(|c| {
                let label = group
                    .iter()
                    .zip(&c.member)
                    .filter(|(_, m)| **m)
                    .map(|(w, _)| w)
                    .max_by_key(|w| w.prefix.len())
                    .map(|w| w.text.to_string());
                let pattern = label.filter(|l| *l != c.rep);
                Representative {
                    arn: c.rep,
                    pattern,
                }
            })
            .collect()),
        Err(e) => Err(format!(
            "the resources of `{}` need more than {} automaton states",
            group.first().map_or("", |w| w.text),
            e.0
        )),
    }
}

/// The classes of the strings in some `include` glob, split by every glob. When every glob of
/// the group names six-segment ARNs of `service` and every glob splits by segment, the split
/// is made segment by segment ([`classes_by_segment`]: the same classes, far fewer states);
/// otherwise by the whole strings.
pub(super) fn split_group(
    service: &str,
    globs: &[&Glob],
    include: &[usize],
    max_states: usize,
) -> Result<Vec<super::partition::Class>, super::partition::TooManyStates> {
    // A shared literal prefix that reaches the resource segment is cheaper to search whole
    // (the search starts after it).
    let shared = super::partition::common_prefix(globs, include);
    let inside = include
        .iter()
        .filter_map(|i| globs.get(*i))
        .all(|g| g.is_six_segment_arn() && g.segment(2).is_some_and(|s| s == service));
    if inside && shared.matches(':').count() < 5 {
        let domain = service_glob(service);
        let mut all: Vec<&Glob> = vec![&domain];
        all.extend(globs.iter().copied());
        if let Some(Ok(found)) = classes_by_segment(&all, max_states) {
            return Ok(found
                .into_iter()
                .map(|c| super::partition::Class {
                    member: c.member.get(1..).unwrap_or(&[]).to_vec(),
                    rep: c.rep,
                })
                .filter(|c| include.iter().any(|i| c.member.get(*i) == Some(&true)))
                .collect());
        }
    }
    classes(globs, include, &[], max_states)
}

/// Every ARN of `service`: `arn:`, any partition, the service, any region and account, the rest.
fn service_glob(service: &str) -> Glob {
    Glob::seq(&[
        Piece::L("arn:"),
        Piece::StarNc,
        Piece::L(&format!(":{service}:")),
        Piece::StarNc,
        Piece::L(":"),
        Piece::StarNc,
        Piece::L(":"),
        Piece::Star,
    ])
}

/// The classes of one ARN service.
struct Service<'s, 'w> {
    service: &'s str,
    written: &'s [Written<'w>],
    everywhere: &'s [Written<'w>],
    probes: &'s [Glob],
    limits: &'s Limits,
    out: &'s mut Vec<Representative>,
    gaps: &'s mut Vec<String>,
}

impl Service<'_, '_> {
    fn split(&mut self) {
        let n = self.written.len();
        // Which patterns may meet: by literal prefix (one extends the other), then exactly.
        let mut sorted: Vec<(&str, usize)> = self
            .written
            .iter()
            .enumerate()
            .map(|(i, w)| (w.prefix.as_str(), i))
            .collect();
        sorted.sort();
        let mut meets: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, w) in self.written.iter().enumerate() {
            let p = w.prefix.as_str();
            let start = sorted.partition_point(|(q, _)| *q < p);
            let longer = sorted
                .get(start..)
                .unwrap_or(&[])
                .iter()
                .take_while(|(q, _)| q.starts_with(p))
                .map(|(_, j)| *j);
            for j in longer {
                let Some(v) = self.written.get(j) else {
                    continue;
                };
                if j != i && intersects(&w.glob, &v.glob, self.limits.max_states) {
                    if let Some(m) = meets.get_mut(i) {
                        m.push(j);
                    }
                    if let Some(m) = meets.get_mut(j) {
                        m.push(i);
                    }
                }
            }
        }
        for m in &mut meets {
            m.sort_unstable();
            m.dedup();
        }
        let broad: Vec<bool> = meets.iter().map(|m| m.len() > BROAD).collect();
        let mut parent: Vec<usize> = (0..n).collect();
        for (i, m) in meets.iter().enumerate() {
            for &j in m {
                if !broad.get(i).copied().unwrap_or(false)
                    && !broad.get(j).copied().unwrap_or(false)
                {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    if let Some(slot) = parent.get_mut(a) {
                        *slot = b;
                    }
                }
            }
        }
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for i in 0..n {
            if !broad.get(i).copied().unwrap_or(false) {
                groups.entry(root(&mut parent, i)).or_default().push(i);
            }
        }
        let broad_globs: Vec<&Written<'_>> = self
            .written
            .iter()
            .zip(&broad)
            .filter(|(_, b)| **b)
            .map(|(w, _)| w)
            .chain(self.everywhere.iter())
            .collect();
        let fmts: &[Glob] = formats()
            .get(self.service)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let probes: Vec<&Glob> = self
            .probes
            .iter()
            .filter(|g| g.segment(2).is_none_or(|s| s == self.service))
            .collect();
        let groups: Vec<Vec<&Written<'_>>> = groups
            .values()
            .map(|members| {
                members
                    .iter()
                    .filter_map(|i| self.written.get(*i))
                    .collect()
            })
            .collect();
        let limits = self.limits;
        let found = crate::par::par_map(
            &groups,
            crate::par::SMALL_ITEMS,
            |group| group_classes(self.service, group, &broad_globs, fmts, &probes, limits),
            || Err("a thread splitting the resources failed".to_string()),
        );
        for f in found {
            match f {
                Ok(reps) => self.out.extend(reps),
                Err(gap) => self.gaps.push(gap),
            }
        }
        let narrow: Vec<&Written<'_>> = self
            .written
            .iter()
            .zip(&broad)
            .filter(|(_, b)| !**b)
            .map(|(w, _)| w)
            .collect();
        self.rest(&narrow, &broad_globs, fmts, &probes);
    }

    /// The classes of the service's resources that no narrow pattern matches.
    fn rest(
        &mut self,
        narrow: &[&Written<'_>],
        broad: &[&Written<'_>],
        fmts: &[Glob],
        probes: &[&Glob],
    ) {
        let service = service_glob(self.service);
        let mut globs: Vec<&Glob> = vec![&service];
        globs.extend(broad.iter().map(|w| &w.glob));
        globs.extend(fmts.iter());
        globs.extend(probes.iter().copied());
        let budget = REST_STATES.min(self.limits.max_states);
        let split = classes_by_segment(&globs, budget)
            .unwrap_or_else(|| classes(&globs, &[0], &[], budget));
        let found = match split {
            Ok(f) => f,
            Err(e) => {
                self.gaps.push(format!(
                    "the resources of service `{}` that no written pattern names need more than {} automaton states to split",
                    self.service, e.0
                ));
                return;
            }
        };
        // The narrow patterns by literal prefix: a string can fall only in those whose prefix
        // it starts with, found by looking up each of its own prefixes.
        let mut by_prefix: crate::hash::FastMap<&str, Vec<(String, &Glob)>> =
            crate::hash::FastMap::default();
        for w in narrow {
            by_prefix
                .entry(w.prefix.as_str())
                .or_default()
                .push((w.glob.literal_suffix(), &w.glob));
        }
        let hits = |r: &str| {
            r.char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(r.len()))
                .filter_map(|i| r.get(..i).and_then(|p| by_prefix.get(p)))
                .flatten()
                .any(|(suffix, g)| r.ends_with(suffix.as_str()) && g.is_match(r))
        };
        for c in found {
            // Another filling of the same class, when the shortest string falls in a narrow
            // pattern: the fresh character replaced by longer runs. The shortest string itself
            // is in its class by construction; the others are checked against every glob.
            let same = |r: &str| {
                *r == c.rep
                    || globs
                        .iter()
                        .zip(&c.member)
                        .all(|(g, m)| g.is_match(r) == *m)
            };
            let candidates = std::iter::once(c.rep.clone()).chain(
                ["iamsim", "iamsim-0", "_iamsim_", "0"]
                    .iter()
                    .map(|f| c.rep.replace('x', f)),
            );
            match candidates.into_iter().find(|r| same(r) && !hits(r)) {
                Some(arn) => {
                    let pattern = broad
                        .iter()
                        .filter(|w| w.glob.is_match(&arn))
                        .max_by_key(|w| w.prefix.len())
                        .map(|w| w.text.to_string());
                    self.out.push(Representative { arn, pattern });
                }
                None => self.gaps.push(format!(
                    "no resource of service `{}` like `{}` outside every narrower pattern was found",
                    self.service, c.rep
                )),
            }
        }
    }
}
