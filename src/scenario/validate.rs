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
    /// A tag key (`aws:RequestTag/*`, `aws:TagKeys`) the catalog knows, on an action that takes
    /// no tags: AWS never puts it in such a request
    pub untagged_action: bool,
}

impl fmt::Display for UnknownContextKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.untagged_action {
            return write!(
                f,
                "{}: scenario `{}`: context key `{}` is never in a `{}` request: the action takes no tags",
                self.file, self.scenario, self.key, self.action
            );
        }
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
/// checked as the key it stands for. Each file's cases are first scanned on their own, on
/// every core (a serial pass over 100,000 cases was a tenth of a literal suite's run).
pub fn validate_cases(suite: &Suite) -> Validation {
    let catalog = Catalog::embedded();
    let parts: Vec<&[Case]> = suite.cases.parts().collect();
    let scans = crate::par::par_map(&parts, 1, |cases| Some(scan(suite, cases)), || None);
    // The distinct pairs of the suite, by text, checked on every core. Each pair was hashed
    // where its file was scanned: this serial merge only compares texts of equal hash.
    let mut first: FastMap<Keyed<'_>, usize> = FastMap::default();
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    let mut found = Validation::default();
    let mut scanned = Vec::with_capacity(scans.len());
    for (cases, scan) in parts.iter().zip(scans) {
        let Some(scan) = scan else {
            found.error = cases
                .first()
                .map(|c| internal(c, "checking its file's cases failed"));
            return found;
        };
        let global: Vec<usize> = scan
            .pairs
            .iter()
            .map(|&(keyed, _)| {
                *first.entry(keyed).or_insert_with(|| {
                    pairs.push(keyed.pair);
                    pairs.len() - 1
                })
            })
            .collect();
        scanned.push((scan, global));
    }
    let checked = crate::par::par_map(
        &pairs,
        PAIRS_PER_THREAD,
        |(action, resource)| Some(validate_request(action, resource).err()),
        || None,
    );
    // The first invalid case: the earliest of the first file holding one.
    let mut invalid = None;
    for (p, (scan, global)) in scanned.iter().enumerate() {
        let earliest = scan
            .pairs
            .iter()
            .zip(global)
            .filter_map(|(&(_, case), g)| match checked.get(*g) {
                Some(Some(None)) => None,
                Some(Some(Some(e))) => Some((case, Some(e))),
                _ => Some((case, None)),
            })
            .min_by_key(|&(case, _)| case);
        if let Some((case, source)) = earliest {
            invalid = Some((p, case, source));
            break;
        }
    }
    // Unknown context keys, in case order up to the invalid case (its own included): each key
    // once per action.
    let mut keys_seen = HashSet::new();
    'parts: for (p, (cases, (scan, _))) in parts.iter().zip(&scanned).enumerate() {
        for &i in &scan.new_contexts {
            if invalid.is_some_and(|(q, case, _)| (p, i) > (q, case)) {
                break 'parts;
            }
            let Some(c) = cases.get(i) else { continue };
            for entry in c.request.context.iter() {
                let lower = entry.name.to_ascii_lowercase();
                if !keys_seen.insert((c.request.action.clone(), lower)) {
                    continue;
                }
                let action = &c.request.action;
                // Tags are in a request only when its action takes them (docs/formats.md).
                let untagged_action = catalog.never_carries(action, &entry.name);
                if untagged_action || !catalog.condition_key_known(action, &entry.name) {
                    found.warnings.push(UnknownContextKey {
                        file: c.file.clone(),
                        scenario: c.name.clone(),
                        key: entry.name.clone(),
                        action: action.clone(),
                        suggestion: catalog.suggest_condition_key(action, &entry.name),
                        untagged_action,
                    });
                }
            }
        }
    }
    found.error = invalid.and_then(|(p, case, source)| {
        let c = parts.get(p)?.get(case)?;
        Some(match source {
            Some(e) => InvalidCase {
                file: c.file.clone(),
                scenario: c.name.clone(),
                source: e.clone(),
            },
            None => internal(c, "its catalog check failed"),
        })
    });
    found
}

/// An (action, resource) pair and its hash, computed once on the thread that found it.
#[derive(Debug, Clone, Copy)]
struct Keyed<'s> {
    hash: u64,
    pair: (&'s str, &'s str),
}

impl<'s> Keyed<'s> {
    fn new(pair: (&'s str, &'s str)) -> Self {
        Self {
            hash: crate::hash::fx_hash(&pair),
            pair,
        }
    }
}

impl std::hash::Hash for Keyed<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl PartialEq for Keyed<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.pair == other.pair
    }
}

impl Eq for Keyed<'_> {}

/// What one file's cases hold for validation.
struct Scan<'s> {
    /// Its (action, resource) pairs, each with the first case that has it: distinct by their
    /// shared strings, so a pair may appear twice by text (the merge keeps one)
    pairs: Vec<(Keyed<'s>, usize)>,
    /// The cases whose context is not empty and new for their action, in order
    new_contexts: Vec<usize>,
}

/// Scan one file's cases. They share their interned action and resource strings, so a pair is
/// hashed by text only the first time its shared strings are met. Quantified cases are
/// checked at load (their actions and resources are patterns).
fn scan<'s>(suite: &'s Suite, cases: &'s [Case]) -> Scan<'s> {
    let mut by_shared: FastSet<(*const u8, *const u8, usize)> = FastSet::default();
    let mut contexts_seen = FastSet::default();
    let mut out = Scan {
        pairs: Vec::new(),
        new_contexts: Vec::new(),
    };
    for (i, c) in cases.iter().enumerate() {
        if c.quantified.is_some() {
            continue;
        }
        let shared = (
            Arc::as_ptr(&c.request.action).cast::<u8>(),
            Arc::as_ptr(&c.request.resource).cast::<u8>(),
            c.engine,
        );
        if by_shared.insert(shared) {
            // A KMS alias stands for its key: validate what the request is really about.
            let resource = match suite.engines.get(c.engine) {
                Some((_, e)) => e.resolve_alias(&c.request.resource),
                None => &*c.request.resource,
            };
            out.pairs
                .push((Keyed::new((&*c.request.action, resource)), i));
        }
        let context = (
            Arc::as_ptr(&c.request.action).cast::<u8>(),
            Arc::as_ptr(&c.request.context),
        );
        if !c.request.context.is_empty() && contexts_seen.insert(context) {
            out.new_contexts.push(i);
        }
    }
    out
}

/// A case whose validation could not be done: an error, never a quiet pass.
fn internal(c: &Case, why: &str) -> InvalidCase {
    InvalidCase {
        file: c.file.clone(),
        scenario: c.name.clone(),
        source: RequestError::WrongResource {
            action: c.request.action.to_string(),
            resource: c.request.resource.to_string(),
            why: format!("internal: {why}"),
        },
    }
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

    /// `aws:RequestTag/*` and `aws:TagKeys` are global keys, but AWS puts them only in the
    /// requests of actions that take tags (condition-keys-requesttag): a case giving them to
    /// `s3:GetObject` decides a request that never happens.
    #[test]
    fn a_tag_key_on_an_action_that_takes_no_tags_is_a_warning() {
        let found = validate(&["warn/request-tag-untagged-action.json"]);
        assert!(found.error.is_none());
        let got: Vec<String> = found.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(
            got[0].ends_with(": scenario `app reads with a request tag`: context key `aws:RequestTag/team` is never in a `s3:GetObject` request: the action takes no tags"),
            "{got:?}"
        );
        assert!(got[1].contains("`aws:TagKeys` is never in"), "{got:?}");
    }

    /// One case of the tiny platform (`tests/cli/tiny`), with a context key when `key` is set.
    fn case(name: &str, action: &str, key: Option<&str>) -> serde_json::Value {
        let mut c = serde_json::json!({"name": name, "principal": "role/app", "action": action,
            "resource": "arn:aws:s3:::acme-reports/q3.csv", "expect": "deny"});
        if let Some(k) = key {
            c["context"] = serde_json::json!({ k: "us-east-1" });
        }
        c
    }

    /// Across files scanned on their own: the warnings of every case up to the first invalid
    /// one (its own included) in suite order, and that case, however its file's pairs fall.
    #[test]
    fn validation_reports_in_suite_order_across_files() {
        let dir = std::env::temp_dir().join(format!("iamsim-validate-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let policies = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/tiny/policies");
        let write = |file: &str, cases: Vec<serde_json::Value>| {
            let text = serde_json::json!({"policies": policies, "scenarios": cases});
            std::fs::write(dir.join(file), text.to_string()).unwrap();
        };
        write(
            "a.json",
            vec![case("a0", "s3:GetObject", Some("aws:RequestedRegoin"))],
        );
        write(
            "b.json",
            vec![
                case("b0", "s3:PutObject", None),
                // b1 and b2 are both invalid: b1, the earlier, is reported, with its warning.
                case("b1", "s3:PutObjcet", Some("aws:SourceVpcc")),
                case("b2", "s3:GetObjcet", None),
                case("b3", "s3:ListBucket", Some("aws:SourceIpp")),
            ],
        );
        write("c.json", vec![case("c0", "s3:Nope", None)]);
        let suite = load_suite(std::slice::from_ref(&dir), &LoadOptions::default()).unwrap();
        let found = validate_cases(&suite);
        let _ = std::fs::remove_dir_all(&dir);
        let warned: Vec<&str> = found.warnings.iter().map(|w| w.key.as_str()).collect();
        assert_eq!(warned, ["aws:RequestedRegoin", "aws:SourceVpcc"]);
        let e = found.error.unwrap();
        assert_eq!(e.scenario, "b1");
        assert!(e.to_string().contains("`s3:PutObjcet`"), "{e}");
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
