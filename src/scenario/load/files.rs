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
    let mut dirs = std::collections::HashMap::new();
    out.retain(|p| seen.insert(real_path(p, &mut dirs)));
    Ok((out, skipped))
}

/// Where the file `p` really is (`p` itself when that cannot be found). A file that is not a
/// symlink is where its directory really is: the directories' answers are kept in `dirs`, since
/// a suite's files share a few (a `canonicalize` per file was a fiftieth of a literal suite's
/// time).
fn real_path(p: &Path, dirs: &mut std::collections::HashMap<PathBuf, PathBuf>) -> PathBuf {
    let linked = p
        .symlink_metadata()
        .map_or(true, |m| m.file_type().is_symlink());
    match (p.parent(), p.file_name()) {
        (Some(dir), Some(name)) if !linked => {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            let real = dirs.entry(dir.to_path_buf()).or_insert_with(|| {
                std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())
            });
            real.join(name)
        }
        _ => std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf()),
    }
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
    // Each entry with whether it is a directory: the listing's own file type answers, except
    // for a symlink (one `stat` per entry was a fortieth of a literal suite's time).
    let mut entries: Vec<(PathBuf, Option<bool>)> = std::fs::read_dir(dir)
        .map_err(|e| format!("`{}`: {e}", dir.display()))?
        .filter_map(|e| {
            let e = e.ok()?;
            let known = e
                .file_type()
                .ok()
                .filter(|t| !t.is_symlink())
                .map(|t| t.is_dir());
            Some((e.path(), known))
        })
        .collect();
    entries.sort();
    for (p, known_dir) in entries {
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        let scenario = p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| SCENARIO_EXTENSIONS.contains(&e));
        if known_dir.unwrap_or_else(|| p.is_dir()) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// One file named directly, through its directory, through a symlink to that directory
    /// and as the target of a symlinked file runs once; a relative path's real path is the
    /// file system's.
    #[test]
    fn a_file_named_many_ways_is_found_once() {
        let root = std::env::temp_dir().join(format!("iamsim-files-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let dir = root.join("dir");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.json"), "{}").unwrap();
        std::os::unix::fs::symlink(&dir, root.join("linked")).unwrap();
        std::os::unix::fs::symlink(dir.join("a.json"), root.join("b.json")).unwrap();
        let paths = [
            dir.clone(),
            dir.join("a.json"),
            root.join("linked"),
            root.join("b.json"),
        ];
        let (found, skipped) = scenario_files_and_skipped(&paths).unwrap();
        assert_eq!(found, vec![dir.join("a.json")]);
        assert!(skipped.is_empty(), "{skipped:?}");
        // Walked through the symlinked directory alone, its file is found there.
        let (found, _) = scenario_files_and_skipped(&[root.join("linked")]).unwrap();
        assert_eq!(found, vec![root.join("linked").join("a.json")]);
        let _ = std::fs::remove_dir_all(&root);
        let mut dirs = std::collections::HashMap::new();
        assert_eq!(
            real_path(Path::new("Cargo.toml"), &mut dirs),
            std::fs::canonicalize("Cargo.toml").unwrap()
        );
    }
}
