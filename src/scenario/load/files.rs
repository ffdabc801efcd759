//! Finding the scenario files under the paths given: files as given, directories recursively.

use std::path::{Path, PathBuf};

use super::error::{invalid, ScenarioError};
use crate::inventory::MAX_FILES;

/// Every `.json` file under `paths` (files as given, directories recursively), sorted.
pub fn scenario_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ScenarioError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, 0, &mut out).map_err(|e| invalid(&p.display().to_string(), e))?;
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(invalid(
                &p.display().to_string(),
                "no such file or directory",
            ));
        }
    }
    // A file named twice (directly and through its directory) runs once.
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    Ok(out)
}

/// How deep `walk` descends: deeper trees are refused (a symlink loop would never end).
const MAX_DEPTH: usize = 32;

/// Every `.json` file under `dir`, sorted, appended to `out`.
fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "directories nested more than {MAX_DEPTH} deep (a symlink loop?)"
        ));
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("`{}`: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, depth + 1, out)?;
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
            if out.len() > MAX_FILES {
                return Err(format!(
                    "more than {MAX_FILES} scenario files; the limit is {MAX_FILES}"
                ));
            }
        }
    }
    Ok(())
}
