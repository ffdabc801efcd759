//! Reading scenario files into runnable cases: expansion, resolution against the inventory,
//! and every fail-closed check (unknown principal, unresolvable resource, malformed action).

mod cases;
mod checked;
mod claims;
mod decide;
mod error;
mod file_cases;
mod files;
mod inventory;
mod names;
mod parse;
mod peek;
mod plain;
mod request_checks;
mod resolve;
mod scan;
mod stream;
mod yaml;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::case_list::CaseList;
use super::format::ScenarioFile;
use crate::engine::Engine;
use crate::inventory::{read_text_within, MAX_SCENARIO_FILE_BYTES};
use error::invalid;
pub use error::ScenarioError;
use file_cases::{Expanded, FileCases, Target};
pub use files::{scenario_files, scenario_files_and_skipped, SCENARIO_EXTENSIONS};
pub use inventory::{load_inventory, load_inventory_from, load_inventory_with};
use parse::Pending;
pub use parse::{parse_file, parse_text};
use peek::{peek_policies, peek_policies_at_top};
pub use request_checks::{check_action, is_role_session};
pub use resolve::{check_resource_account, resolve_principal, resolve_resource};
use scan::scan;
use stream::{stream, Streamed};
pub use yaml::{parse_yaml, read_yaml};

/// The most expanded cases one run may hold (a documented limit).
pub const MAX_CASES: usize = 5_000_000;

/// Loaded scenario files: compiled inventories and the cases that run against them.
#[derive(Debug, Default)]
pub struct Suite {
    /// Compiled inventories, with their directories
    pub engines: Vec<(PathBuf, Engine)>,
    /// The inventories the engines were compiled from, in the same order (quantified cases
    /// read their policies)
    pub inventories: Vec<crate::inventory::Inventory>,
    /// Every case, in file order
    pub cases: CaseList,
    /// Descriptions by file
    pub descriptions: Vec<(String, String)>,
    /// Warnings about the suite or its inventories (catalog checks), for every report format
    pub warnings: Vec<String>,
    /// Files met in the scenario directories that are not scenario files (not `.json`,
    /// `.yaml` or `.yml`), so not read
    pub skipped: Vec<PathBuf>,
    /// Cases decided as they were read that passed and are not in `cases`
    /// ([`LoadOptions::failures_only`]); a tally counts them among the passed
    pub passed_unheld: usize,
}

/// Options for loading a suite.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Use this inventory for every file instead of each file's `policies`: one path, or the
    /// pages of one GAAD dump (empty: each file's own)
    pub policies: Vec<PathBuf>,
    /// Keep only cases with one of these tags (empty: all)
    pub tags: Vec<String>,
    /// Values unknown at plan time, for an inventory read from a Terraform plan (`--var`)
    pub vars: std::collections::BTreeMap<String, String>,
    /// Do not check context values against their keys' types in the AWS catalog (`--no-catalog`)
    pub no_catalog: bool,
    /// The report shows only failures and the tally: decide cases as they are read and hold
    /// only those that fail or that a later check reads (`decide.rs`); the others are counted
    /// in [`Suite::passed_unheld`]
    pub failures_only: bool,
}

/// Load scenario files (or directories) into a suite.
pub fn load_suite(paths: &[PathBuf], opts: &LoadOptions) -> Result<Suite, ScenarioError> {
    let (files, skipped) = scenario_files_and_skipped(paths)?;
    if files.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(invalid(&shown.join(" "), "no scenario files found"));
    }
    let mut suite = Suite {
        skipped,
        ..Suite::default()
    };
    let mut by_dir: HashMap<Vec<PathBuf>, usize> = HashMap::new();
    // Files are read on every core, then each inventory is loaded and compiled once (in file
    // order), then the files are parsed and expanded on every core: expansion and resolution
    // dominate the load of a large suite. A plain JSON file's scenarios are expanded one by one
    // as they are read (`scan.rs`, else
    // `stream.rs`), so its parsed scenarios are never all held; others are
    // parsed whole and dropped as soon as their cases exist. A JSON file is only peeked at for
    // its `policies` before the inventories load (read as far as that key; with `--policies`,
    // not read at all), and read again right before its parse: holding every text meanwhile
    // cost more (fresh memory) than reading twice from the page cache. The first error in file
    // order is reported, except that a fault in a file's text after its `policies` (JSON
    // syntax, or invalid UTF-8 in a file over 64 KiB) is found after the inventories load,
    // whose errors are then reported first.
    let peek = opts.policies.is_empty();
    let read = crate::par::par_map(
        &files,
        1,
        |path| {
            let label = path.display().to_string();
            if yaml::is_yaml(path) {
                let text = yaml::read_text(path)?;
                let value = yaml::parse_yaml(&text, &label)?;
                let file = parse_file(value, &label).map_err(|e| yaml::with_line(e, &text))?;
                let policies = file.policies.clone();
                return Ok::<_, ScenarioError>((label, Pending::Parsed(file), policies));
            }
            if !peek {
                return Ok((label, Pending::Json(path.clone(), None), None));
            }
            if let Some(policies) = peek_policies_at_top(path, MAX_SCENARIO_FILE_BYTES) {
                let peeked = Some(policies.clone());
                return Ok((label, Pending::Json(path.clone(), peeked), policies));
            }
            let text = read_text_within(path, MAX_SCENARIO_FILE_BYTES)?;
            match peek_policies(&text) {
                Some(policies) => {
                    let peeked = Some(policies.clone());
                    Ok((label, Pending::Json(path.clone(), peeked), policies))
                }
                // Not a scenario file's shape: the full parse names what is wrong.
                None => {
                    let file = parse_text(&text, &label)?;
                    let policies = file.policies.clone();
                    Ok((label, Pending::Parsed(file), policies))
                }
            }
        },
        || Err(invalid("(scenarios)", "internal: reading thread failed")),
    );
    let mut pending = Vec::with_capacity(files.len());
    // The inventory directories as named, and where they are: a suite's files name the same
    // few (asking the file system for each file's was a fortieth of a literal suite's time).
    let mut canonical: HashMap<Vec<PathBuf>, Vec<PathBuf>> = HashMap::new();
    for (path, result) in files.iter().zip(read) {
        let (label, file, policies) = result?;
        let dirs = inventory_dirs(path.as_path(), &label, policies.as_deref(), opts)?;
        let key = canonical.entry(dirs.clone()).or_insert_with(|| {
            dirs.iter()
                .map(|d| std::fs::canonicalize(d).unwrap_or(d.clone()))
                .collect()
        });
        let engine = match by_dir.get(key) {
            Some(i) => *i,
            None => {
                let inv = load_inventory_from(&dirs, &opts.vars)?;
                let shown = dirs.first().cloned().unwrap_or_default();
                suite.engines.push((shown, Engine::new(&inv)?));
                suite.inventories.push(inv);
                by_dir.insert(key.clone(), suite.engines.len() - 1);
                suite.engines.len() - 1
            }
        };
        pending.push((label, file, engine));
    }
    let engines = &suite.engines;
    let inventories = &suite.inventories;
    let accepted = &decide::Accepted::default();
    // Scenario files are few and large: one is worth a thread.
    let expanded = crate::par::par_map_owned(
        pending,
        1,
        |(label, file, engine)| {
            let at = Target {
                engine,
                engines,
                inventories,
                no_catalog: opts.no_catalog,
                decide: opts.failures_only.then_some(accepted),
            };
            // The file was read twice: its cases must run against the inventory chosen from
            // the first reading.
            let changed = |peeked: Option<Option<String>>, policies: &Option<String>| {
                if peeked.is_some_and(|p| p != *policies) {
                    return Err(invalid(&label, "the file changed while it was being read"));
                }
                Ok(())
            };
            let file = match file {
                Pending::Parsed(f) => f,
                Pending::Json(path, peeked) => {
                    let text = read_text_within(&path, MAX_SCENARIO_FILE_BYTES)?;
                    // The commonest files are read faster without serde (`scan.rs`).
                    let read =
                        scan(&text, &label, &at).unwrap_or_else(|| stream(&text, &label, &at));
                    match read {
                        Streamed::Read {
                            cases,
                            policies,
                            description,
                        } => {
                            changed(peeked, &policies)?;
                            return Ok((description.map(|d| (label.clone(), d)), cases?));
                        }
                        Streamed::Whole => {
                            let file = parse_text(&text, &label)?;
                            changed(peeked, &file.policies)?;
                            file
                        }
                    }
                }
            };
            let cases = expand_file(&label, &file, &at)?;
            Ok((file.description.map(|d| (label.clone(), d)), cases))
        },
        || Err(invalid("(scenarios)", "internal: expansion thread failed")),
    );
    let mut expanded_cases = Vec::with_capacity(expanded.len());
    for result in expanded {
        let (description, cases) = result?;
        suite.descriptions.extend(description);
        expanded_cases.push(cases);
    }
    for Expanded { cases, passed } in expanded_cases {
        suite.cases.push_part(cases);
        suite.passed_unheld += passed;
        if suite.cases.len() + suite.passed_unheld > MAX_CASES {
            return Err(invalid(
                "(scenarios)",
                format!("more than {MAX_CASES} cases in one run"),
            ));
        }
    }
    keep_tagged(&mut suite, &opts.tags)?;
    Ok(suite)
}

/// Keep the cases with one of `tags` (none given: all); no case left is an error, with a
/// did-you-mean among the tags the suite has.
fn keep_tagged(suite: &mut Suite, tags: &[String]) -> Result<(), ScenarioError> {
    if tags.is_empty() {
        return Ok(());
    }
    let known: std::collections::BTreeSet<String> = suite
        .cases
        .iter()
        .flat_map(|c| c.tags.iter().cloned())
        .collect();
    suite
        .cases
        .retain(|c| c.tags.iter().any(|t| tags.contains(t)));
    if suite.cases.is_empty() {
        let hint = tags
            .iter()
            .find_map(|t| crate::policy::closest(t, known.iter().map(String::as_str)))
            .map(|c| format!(" (did you mean `{c}`?)"))
            .unwrap_or_default();
        let shown: Vec<String> = tags.iter().map(|t| format!("`{t}`")).collect();
        return Err(invalid(
            "--tag",
            format!("no case has the tag {}{hint}", shown.join(" or ")),
        ));
    }
    Ok(())
}

/// Expand one parsed scenario file into cases against its compiled inventory.
fn expand_file(
    label: &str,
    file: &ScenarioFile,
    at: &Target<'_>,
) -> Result<Expanded, ScenarioError> {
    let mut cases = FileCases::new(label, file.context.as_ref(), &file.tags, at)?;
    // Most scenarios are one case or more.
    cases.reserve(file.scenarios.len());
    for (i, sc) in file.scenarios.iter().enumerate() {
        cases.add(i, sc)?;
    }
    cases.finish()
}

/// The inventory a scenario file's cases run against: `--policies`, else the file's
/// `policies`, else `../policies` beside it (whose absence is an error that says so).
fn inventory_dirs(
    path: &Path,
    label: &str,
    policies: Option<&str>,
    opts: &LoadOptions,
) -> Result<Vec<PathBuf>, ScenarioError> {
    if !opts.policies.is_empty() {
        return Ok(opts.policies.clone());
    }
    let rel = policies.unwrap_or("../policies");
    let dir = path.parent().unwrap_or(Path::new(".")).join(rel);
    if policies.is_none() && !dir.exists() {
        return Err(invalid(
            label,
            format!("no inventory at `{}`: a scenario file without `policies` uses `../policies` beside it; set `policies` in the file or give `--policies DIR`", dir.display()),
        ));
    }
    Ok(vec![dir])
}
