//! Tenancy: no principal of one owner can act on another owner's resources, for any action,
//! resource or context (the owners of `ownership.json`, docs/formats.md). For each principal,
//! the other owners' resource patterns that some Allow statement it can reach could cover
//! (found through their literal prefixes, then an exact glob intersection) are asked as one
//! quantified question per owner: every catalog action, every resource of those patterns but
//! none of the principal's own, every context, denied.

use std::collections::HashMap;

use serde::Serialize;

use super::actions::reaches_service;
use super::glob::Glob;
use super::partition::intersects;
use super::scope::{resource_glob, Scope};
use super::search::prove;
use super::{Counterexample, Expect, Keys, Limits, Question, Verdict};
use crate::inventory::Owner;
use crate::policy::{ActionClause, Effect, ResourceClause, Statement};
use crate::request::{Context, Principal};

/// A principal that can act on another owner's resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breach {
    /// The principal
    pub principal: String,
    /// The owners it acts for
    pub principal_owners: Vec<String>,
    /// The owner of the resource
    pub owner: String,
    /// The request
    pub counterexample: Counterexample,
}

/// A (principal, owner) pair that could not be decided.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Undecided {
    /// The principal
    pub principal: String,
    /// The owner of the resources
    pub owner: String,
    /// Why
    pub reasons: Vec<String>,
}

/// The answer of a tenancy check.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Tenancy {
    /// Owners in the inventory
    pub owners: usize,
    /// Principals checked
    pub principals: usize,
    /// (principal, owner) questions asked (the others no Allow statement could reach)
    pub questions: usize,
    /// Representative requests decided
    pub requests: usize,
    /// Principals that can act on another owner's resources
    pub breaches: Vec<Breach>,
    /// Questions that could not be decided
    pub unknown: Vec<Undecided>,
    /// The statements that decided a representative (for coverage)
    #[serde(skip)]
    pub exercised: Vec<crate::engine::StatementId>,
}

impl Tenancy {
    /// No breach and nothing undecided.
    pub fn is_proved(&self) -> bool {
        self.breaches.is_empty() && self.unknown.is_empty()
    }
}

/// One owned resource pattern.
struct Owned<'a> {
    owner: usize,
    text: &'a str,
    glob: Glob,
    /// Its service's position in `Index::by_service`
    slot: usize,
}

/// The owned patterns by literal prefix.
struct Index<'a> {
    owned: Vec<Owned<'a>>,
    /// (prefix, index), sorted by prefix
    sorted: Vec<(String, usize)>,
    by_prefix: HashMap<String, Vec<usize>>,
    /// The ARN services of the owned patterns, each with its patterns (`""`: no literal service)
    by_service: Vec<(String, Vec<usize>)>,
}

/// The literal text a pattern starts with (up to a wildcard or a variable).
fn prefix(pattern: &str) -> &str {
    pattern
        .find(['*', '?', '$'])
        .and_then(|i| pattern.get(..i))
        .unwrap_or(pattern)
}

impl<'a> Index<'a> {
    fn new(owners: &'a [Owner]) -> Self {
        let mut owned = Vec::new();
        let mut by_service: Vec<(String, Vec<usize>)> = Vec::new();
        for (i, o) in owners.iter().enumerate() {
            for r in &o.resources {
                let glob = resource_glob(r);
                let service = glob.segment(2).unwrap_or_default();
                let at = match by_service.iter().position(|(s, _)| *s == service) {
                    Some(at) => at,
                    None => {
                        by_service.push((service, Vec::new()));
                        by_service.len() - 1
                    }
                };
                if let Some((_, list)) = by_service.get_mut(at) {
                    list.push(owned.len());
                }
                owned.push(Owned {
                    owner: i,
                    text: r,
                    glob,
                    slot: at,
                });
            }
        }
        let mut sorted: Vec<(String, usize)> = owned
            .iter()
            .enumerate()
            .map(|(i, o)| (prefix(o.text).to_string(), i))
            .collect();
        sorted.sort();
        let mut by_prefix: HashMap<String, Vec<usize>> = HashMap::new();
        for (p, i) in &sorted {
            by_prefix.entry(p.clone()).or_default().push(*i);
        }
        Self {
            owned,
            sorted,
            by_prefix,
            by_service,
        }
    }

    /// The position in `by_service` of owned pattern `i`'s service.
    fn service_slot(&self, i: usize) -> Option<usize> {
        self.owned.get(i).map(|o| o.slot)
    }

    /// The owned patterns that may share a string with a pattern whose literal prefix is `p`:
    /// those whose prefix extends `p`, and those whose prefix `p` extends.
    fn near(&self, p: &str) -> Vec<usize> {
        let start = self.sorted.partition_point(|(q, _)| q.as_str() < p);
        let mut out: Vec<usize> = self
            .sorted
            .get(start..)
            .unwrap_or(&[])
            .iter()
            .take_while(|(q, _)| q.starts_with(p))
            .map(|(_, i)| *i)
            .collect();
        for (k, _) in p.char_indices() {
            if let Some(list) = p.get(..k).and_then(|q| self.by_prefix.get(q)) {
                out.extend(list);
            }
        }
        out
    }
}

/// The owned patterns (by index) that `st` could cover: those of a service one of its actions
/// takes a resource of, that share a string with one of its resource patterns; `mine` (the
/// principal's own owners) left out.
fn covered(
    st: &Statement,
    index: &Index<'_>,
    mine: &[usize],
    reach: &mut HashMap<(usize, usize), bool>,
    limits: &Limits,
) -> Vec<usize> {
    let patterns: Vec<&str> = match &st.resource {
        Some(ResourceClause::Resource(list)) => list.iter().map(|p| p.raw.as_str()).collect(),
        // NotResource, or none (a trust policy): any resource.
        _ => vec!["*"],
    };
    let clause = std::ptr::from_ref::<ActionClause>(&st.action) as usize;
    // Which services (by position in the index) the statement's actions reach.
    let mut acts = |s: usize| {
        *reach.entry((clause, s)).or_insert_with(|| {
            index
                .by_service
                .get(s)
                .is_some_and(|(name, _)| name.is_empty() || reaches_service(&st.action, name))
        })
    };
    let mut out = Vec::new();
    for r in patterns {
        let glob = (!r.contains("${")).then(|| resource_glob(r));
        let p = prefix(r);
        let near: Vec<usize> = if p.is_empty() || p == "arn:" {
            // A pattern with no telling prefix: every owned pattern of a reachable service.
            (0..index.by_service.len())
                .filter(|s| acts(*s))
                .flat_map(|s| {
                    index
                        .by_service
                        .get(s)
                        .map(|(_, l)| l.clone())
                        .unwrap_or_default()
                })
                .collect()
        } else {
            index
                .near(p)
                .into_iter()
                .filter(|i| index.service_slot(*i).is_some_and(&mut acts))
                .collect()
        };
        for i in near {
            let Some(o) = index.owned.get(i) else {
                continue;
            };
            if mine.contains(&o.owner) || out.contains(&i) {
                continue;
            }
            if glob
                .as_ref()
                .is_none_or(|g| intersects(g, &o.glob, limits.max_states))
            {
                out.push(i);
            }
        }
    }
    out
}

/// Check tenancy over the inventory's ownership: every principal of every owner (or only
/// `principal`), leaving out the owners named in `except`.
pub fn tenancy(
    scope: &Scope<'_>,
    principal: Option<&Principal>,
    except: &[String],
    limits: &Limits,
) -> Tenancy {
    let owners = &scope.inventory.ownership;
    let index = Index::new(owners);
    let mut principals: Vec<String> = owners
        .iter()
        .flat_map(|o| o.principals.iter().cloned())
        .collect();
    principals.sort();
    principals.dedup();
    if let Some(p) = principal {
        principals = vec![p.as_str().to_string()];
    }
    let mut out = Tenancy {
        owners: owners.len(),
        principals: principals.len(),
        ..Tenancy::default()
    };
    // Resource-based policies (and trust policies) that govern an owned resource.
    let governing: Vec<&Statement> = scope
        .governing_policies(None)
        .filter(|(globs, _, _)| {
            globs.iter().any(|g| {
                let owned_service = g
                    .service
                    .as_ref()
                    .is_none_or(|s| index.by_service.iter().any(|(x, _)| x == s || x.is_empty()));
                owned_service
                    && index
                        .near(&g.glob.literal_prefix())
                        .into_iter()
                        .filter_map(|i| index.owned.get(i))
                        .any(|o| intersects(&g.glob, &o.glob, limits.max_states))
            })
        })
        .flat_map(|(_, p, _)| p.document.statements.iter().map(|s| &**s))
        .filter(|s| s.effect == Effect::Allow)
        .collect();
    let mut by_principal: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, o) in owners.iter().enumerate() {
        for p in &o.principals {
            by_principal.entry(p.as_str()).or_default().push(i);
        }
    }
    let mut reach: HashMap<(usize, usize), bool> = HashMap::new();
    for text in &principals {
        let Ok(p) = Principal::parse(text) else {
            continue;
        };
        let mine: Vec<usize> = by_principal.get(text.as_str()).cloned().unwrap_or_default();
        let own: Vec<String> = mine
            .iter()
            .filter_map(|i| owners.get(*i))
            .flat_map(|o| o.resources.iter().cloned())
            .collect();
        let policies = scope.principal_policies(&p);
        let allows = policies
            .iter()
            .flat_map(|d| d.document.statements.iter().map(|s| &**s))
            .filter(|s| s.effect == Effect::Allow)
            .chain(governing.iter().copied());
        let mut targets: Vec<usize> = Vec::new();
        for st in allows {
            for i in covered(st, &index, &mine, &mut reach, limits) {
                if !targets.contains(&i) {
                    targets.push(i);
                }
            }
        }
        let names: Vec<String> = mine
            .iter()
            .filter_map(|i| owners.get(*i).map(|o| o.owner.clone()))
            .collect();
        for (y, owner) in owners.iter().enumerate() {
            let resources: Vec<String> = targets
                .iter()
                .filter_map(|i| index.owned.get(*i))
                .filter(|o| o.owner == y)
                .map(|o| o.text.to_string())
                .collect();
            if resources.is_empty() || except.contains(&owner.owner) {
                continue;
            }
            let q = Question {
                principal: p.clone(),
                actions: vec!["*".into()],
                resources,
                exclude: own.clone(),
                patterns: true,
                context: Context::new(),
                keys: Keys::All,
                expect: Expect::Deny,
                resource_account: None,
            };
            let answer = prove(scope, &q, limits);
            out.questions += 1;
            out.requests += answer.requests;
            for id in answer.exercised {
                if !out.exercised.contains(&id) {
                    out.exercised.push(id);
                }
            }
            match answer.verdict {
                Verdict::Proved => {}
                Verdict::Counterexample(c) => out.breaches.push(Breach {
                    principal: text.clone(),
                    principal_owners: names.clone(),
                    owner: owner.owner.clone(),
                    counterexample: *c,
                }),
                Verdict::Unknown(reasons) => out.unknown.push(Undecided {
                    principal: text.clone(),
                    owner: owner.owner.clone(),
                    reasons,
                }),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Engine;
    use crate::inventory::from_files;
    use crate::platform::{generate, AgentSpec, PlatformSpec};

    fn check(spec: &PlatformSpec) -> Tenancy {
        let files = generate(spec).unwrap();
        let inv = from_files(&files, std::path::Path::new("policies")).unwrap();
        let engine = Engine::new(&inv).unwrap();
        tenancy(&Scope::new(&inv, &engine), None, &[], &Limits::default())
    }

    #[test]
    fn the_reference_platform_leaks_research_logs_into_research_v2() {
        let t = check(&PlatformSpec::reference());
        assert_eq!(t.owners, 4);
        assert!(t.unknown.is_empty(), "{:?}", t.unknown);
        let pairs: Vec<(&str, &str)> = t
            .breaches
            .iter()
            .map(|b| (b.principal_owners[0].as_str(), b.owner.as_str()))
            .collect();
        assert_eq!(pairs, [("research", "research-v2")], "{t:?}");
    }

    #[test]
    fn a_key_that_extends_another_is_a_breach_naming_its_log_group() {
        let mut spec = PlatformSpec::reference();
        spec.agents
            .insert("support-tier2".into(), AgentSpec::default());
        let t = check(&spec);
        let b = t
            .breaches
            .iter()
            .find(|b| b.owner == "support-tier2")
            .unwrap_or_else(|| panic!("{t:?}"));
        assert_eq!(b.principal_owners, ["support"]);
        assert!(
            b.counterexample
                .resource
                .contains(":log-group:/aws/bedrock-agentcore/acme-dev-support-tier2"),
            "{b:?}"
        );
    }
}
