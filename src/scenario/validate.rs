//! Catalog validation of a loaded suite's cases (fail closed on typos; see
//! [`crate::catalog`]): an action or resource the catalog rejects stops the run, a context key
//! that neither the action nor the global keys define is a warning (it may be a typo).

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use super::{Case, Suite};
use crate::hash::FastMap;

/// A set with the Fx hash.
type FastSet<T> = HashSet<T, std::hash::BuildHasherDefault<crate::hash::FxHasher>>;
use crate::catalog::{validate_request, Catalog, RequestError};

/// A context key that neither the case's action nor the global keys define.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownContextKey {
    /// The scenario file
    pub file: Arc<str>,
    /// The case name
    pub scenario: String,
    /// The key as the case spells it
    pub key: String,
    /// The case's action
    pub action: Arc<str>,
    /// The nearest key the action or the global keys define, if one is close
    pub suggestion: Option<String>,
}

impl fmt::Display for UnknownContextKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: scenario `{}`: context key `{}` is neither a global key nor one `{}` takes",
            self.file, self.scenario, self.key, self.action
        )?;
        match &self.suggestion {
            Some(s) => write!(f, " (did you mean `{s}`?)"),
            None => Ok(()),
        }
    }
}

/// A case whose action or resource the catalog rejects.
#[derive(Debug, thiserror::Error)]
#[error("{file}: scenario `{scenario}`: {source}")]
pub struct InvalidCase {
    /// The scenario file
    pub file: Arc<str>,
    /// The case name
    pub scenario: String,
    /// What the catalog says
    pub source: RequestError,
}

/// What [`validate_cases`] found: warnings in case order up to the first invalid case, if any.
#[derive(Debug, Default)]
pub struct Validation {
    /// Context keys that may be typos (each key once per action)
    pub warnings: Vec<UnknownContextKey>,
    /// The first case the catalog rejects; validation stops there
    pub error: Option<InvalidCase>,
}

/// Validate every case's action, resource and context keys against the embedded catalog. Each
/// (action, resource) pair is checked once, the distinct pairs on every core; a KMS alias is
/// checked as the key it stands for.
pub fn validate_cases(suite: &Suite) -> Validation {
    let catalog = Catalog::embedded();
    // Quantified cases are checked at load (their actions and resources are patterns).
    let cases: Vec<&Case> = suite
        .cases
        .iter()
        .filter(|c| c.quantified.is_none())
        .collect();
    // The distinct pairs, each with the first case that has it. Cases of a file share their
    // interned action and resource strings, so a pair is looked up by text only the first time
    // its shared strings are met (hashing every case's resource text was a serial cost).
    let mut first: FastMap<(&str, &str), usize> = FastMap::default();
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    let mut by_shared: FastMap<(*const u8, *const u8, usize), usize> = FastMap::default();
    let pair_of: Vec<usize> = cases
        .iter()
        .map(|c| {
            let shared = (
                Arc::as_ptr(&c.request.action).cast::<u8>(),
                Arc::as_ptr(&c.request.resource).cast::<u8>(),
                c.engine,
            );
            *by_shared.entry(shared).or_insert_with(|| {
                // A KMS alias stands for its key: validate what the request is really about.
                let resource = match suite.engines.get(c.engine) {
                    Some((_, e)) => e.resolve_alias(&c.request.resource),
                    None => &*c.request.resource,
                };
                *first
                    .entry((&*c.request.action, resource))
                    .or_insert_with(|| {
                        pairs.push((&*c.request.action, resource));
                        pairs.len() - 1
                    })
            })
        })
        .collect();
    let checked = crate::par::par_map(
        &pairs,
        PAIRS_PER_THREAD,
        |(action, resource)| validate_request(action, resource).err(),
        || None,
    );
    let mut done = vec![false; pairs.len()];
    let mut keys_seen = HashSet::new();
    let mut contexts_seen = FastSet::default();
    let mut found = Validation::default();
    for (c, pair) in cases.iter().zip(pair_of) {
        // Cases share their context and interned action: each shared pair is looked at once.
        let shared = (
            Arc::as_ptr(&c.request.action).cast::<u8>(),
            Arc::as_ptr(&c.request.context),
        );
        if contexts_seen.insert(shared) {
            for entry in c.request.context.iter() {
                if keys_seen.insert((c.request.action.clone(), entry.name.to_ascii_lowercase()))
                    && !catalog.condition_key_known(&c.request.action, &entry.name)
                {
                    found.warnings.push(UnknownContextKey {
                        file: c.file.clone(),
                        scenario: c.name.clone(),
                        key: entry.name.clone(),
                        action: c.request.action.clone(),
                        suggestion: catalog.suggest_condition_key(&c.request.action, &entry.name),
                    });
                }
            }
        }
        let Some(seen) = done.get_mut(pair) else {
            continue;
        };
        if !std::mem::replace(seen, true) {
            if let Some(Some(source)) = checked.get(pair) {
                found.error = Some(InvalidCase {
                    file: c.file.clone(),
                    scenario: c.name.clone(),
                    source: source.clone(),
                });
                return found;
            }
        }
    }
    found
}

/// Fewer distinct pairs than this per thread are checked on the calling thread.
const PAIRS_PER_THREAD: usize = 512;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

    use super::*;
    use crate::scenario::{load_suite, LoadOptions};
    use std::path::Path;

    fn validate(files: &[&str]) -> Validation {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli");
        let paths: Vec<_> = files.iter().map(|f| root.join(f)).collect();
        validate_cases(&load_suite(&paths, &LoadOptions::default()).unwrap())
    }

    #[test]
    fn unknown_context_key_is_a_warning() {
        let found = validate(&["warn/context-key-typo.json"]);
        assert!(found.error.is_none());
        assert_eq!(found.warnings.len(), 1);
        let w = found.warnings[0].to_string();
        assert!(
            w.ends_with(": scenario `app reads with a typo'd context key`: context key `aws:RequestedRegoin` is neither a global key nor one `s3:GetObject` takes (did you mean `aws:RequestedRegion`?)"),
            "{w}"
        );
    }

    #[test]
    fn validation_stops_at_the_first_invalid_case() {
        let found = validate(&["bad/action-typo.json", "warn/context-key-typo.json"]);
        assert!(found.warnings.is_empty());
        let e = found.error.unwrap().to_string();
        assert!(
            e.ends_with("bad/action-typo.json: scenario `action-typo`: unknown action `s3:GetObjcet` (did you mean `s3:GetObject`?) (use --no-catalog for services newer than the catalog)"),
            "{e}"
        );
    }
}
