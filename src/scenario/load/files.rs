//! Finding the scenario files under the paths given: files as given, directories recursively
//! (`.json`, `.yaml` and `.yml` files; the others are listed as skipped, hidden files aside).

use std::path::{Path, PathBuf};

use super::error::{invalid, ScenarioError};
use crate::inventory::MAX_FILES;

/// Every scenario file under `paths` (files as given, directories recursively), sorted.
pub fn scenario_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ScenarioError> {
    Ok(scenario_files_and_skipped(paths)?.0)
}

/// The extensions of scenario files in a directory.
pub const SCENARIO_EXTENSIONS: &[&str] = &["json", "yaml", "yml"];

/// Every scenario file under `paths`, and the other files met in their directories (not
/// hidden ones, such as `.DS_Store`), which are not read: a `.jsn` typo is then said, not lost.
pub fn scenario_files_and_skipped(
    paths: &[PathBuf],
) -> Result<(Vec<PathBuf>, Vec<PathBuf>), ScenarioError> {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, 0, &mut out, &mut skipped).map_err(|e| invalid(&p.display().to_string(), e))?;
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
    Ok((out, skipped))
}

/// How deep `walk` descends: deeper trees are refused (a symlink loop would never end).
const MAX_DEPTH: usize = 32;

/// Every scenario file under `dir`, sorted, appended to `out`; other files to `skipped`.
fn walk(
    dir: &Path,
    depth: usize,
    out: &mut Vec<PathBuf>,
    skipped: &mut Vec<PathBuf>,
) -> Result<(), String> {
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
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        let scenario = p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| SCENARIO_EXTENSIONS.contains(&e));
        if p.is_dir() {
            walk(&p, depth + 1, out, skipped)?;
        } else if !scenario {
            if !hidden {
                skipped.push(p);
            }
        } else {
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
