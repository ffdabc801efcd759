//! Writing a generated inventory to a directory, and removing the generated files a spec no
//! longer produces (an agent that was removed), without touching anything else there.

use std::fs;
use std::path::{Path, PathBuf};

use super::error::{PlatformError, PlatformErrorKind};
use super::names::KmsKey;
use super::{InventoryFiles, PlatformSpec};

/// Writes `files` under `dir` as pretty JSON with a trailing newline, creating `roles/` and
/// `resources/` as needed, then deletes the stale files the generator owns
///
/// Owned files are those the generator could write for the name prefix of the gateway role in
/// `files` (see [`is_generated_path`]); `platform.json` and every other file are left alone.
/// Without a gateway role in `files`, nothing is deleted.
pub fn write_inventory(dir: impl AsRef<Path>, files: &InventoryFiles) -> Result<(), PlatformError> {
    let dir = dir.as_ref();
    let io = |path: &Path, e| PlatformError::new(path, "", PlatformErrorKind::Io(e));
    for (relative, document) in files {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        let mut text = serde_json::to_string_pretty(document)
            .map_err(|e| io(&path, std::io::Error::other(e)))?;
        text.push('\n');
        fs::write(&path, text).map_err(|e| io(&path, e))?;
    }
    let Some(name_prefix) = files.keys().find_map(|p| gateway_name_prefix(p)) else {
        return Ok(());
    };
    for folder in ["roles", "resources"] {
        let folder_path = dir.join(folder);
        let entries = match fs::read_dir(&folder_path) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io(&folder_path, e)),
        };
        for entry in entries {
            let entry = entry.map_err(|e| io(&folder_path, e))?;
            let relative = PathBuf::from(folder).join(entry.file_name());
            if is_generated_path(&relative, &name_prefix) && !files.contains_key(&relative) {
                let path = entry.path();
                fs::remove_file(&path).map_err(|e| io(&path, e))?;
            }
        }
    }
    Ok(())
}

/// Whether the generator owns `relative` (a path inside an inventory) for `name_prefix`:
/// `roles/<name_prefix>-agent-<anything>.json`, `roles/<name_prefix>-gateway.json`,
/// `resources/<name_prefix>-agent-<anything>-runtime.json`, `resources/<name_prefix>-gateway.json`,
/// or `resources/kms-<key>.json` for one of the platform's keys
pub fn is_generated_path(relative: &Path, name_prefix: &str) -> bool {
    let Some(text) = relative.to_str() else {
        return false;
    };
    if let Some(name) = text
        .strip_prefix("resources/")
        .and_then(|rest| rest.strip_suffix(".json"))
        .and_then(|rest| rest.strip_prefix(name_prefix))
    {
        return name == "-gateway"
            || name
                .strip_prefix("-agent-")
                .and_then(|k| k.strip_suffix("-runtime"))
                .is_some_and(|k| !k.is_empty());
    }
    if let Some(name) = text
        .strip_prefix("roles/")
        .and_then(|rest| rest.strip_suffix(".json"))
    {
        let Some(rest) = name.strip_prefix(name_prefix) else {
            return false;
        };
        return rest == "-gateway" || rest.strip_prefix("-agent-").is_some_and(|k| !k.is_empty());
    }
    KmsKey::ALL
        .iter()
        .any(|key| relative == PlatformSpec::kms_key_file(*key))
}

/// `acme-dev` from `roles/acme-dev-gateway.json`
fn gateway_name_prefix(relative: &Path) -> Option<String> {
    let name = relative
        .to_str()?
        .strip_prefix("roles/")?
        .strip_suffix("-gateway.json")?;
    (!name.is_empty() && !name.contains('/')).then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_paths() {
        let owned = |p: &str| is_generated_path(Path::new(p), "acme-dev");
        assert!(owned("roles/acme-dev-agent-research.json"));
        assert!(owned("roles/acme-dev-gateway.json"));
        assert!(owned("resources/kms-platform-artifacts.json"));
        assert!(owned("resources/acme-dev-agent-research-runtime.json"));
        assert!(owned("resources/acme-dev-gateway.json"));
        assert!(!owned("resources/acme-dev-agent--runtime.json"));
        assert!(!owned("resources/acme-dev-agent-research.json"));
        assert!(!owned("roles/acme-dev-agent-.json"));
        assert!(!owned("roles/acme-prod-agent-research.json"));
        assert!(!owned("roles/ci-deployer.json"));
        assert!(!owned("resources/kms-other.json"));
        assert!(!owned("platform.json"));
    }

    #[test]
    fn gateway_file_gives_the_name_prefix() {
        assert_eq!(
            gateway_name_prefix(Path::new("roles/acme-dev-gateway.json")).as_deref(),
            Some("acme-dev")
        );
        assert_eq!(gateway_name_prefix(Path::new("roles/x.json")), None);
    }
}
