//! The inventory a scenario file runs against: a `policies/` directory, a Terraform plan,
//! CloudFormation templates (one or several), or an AWS CLI authorization dump (GAAD), whole or
//! in pages (several files, or a folder of them).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::error::{invalid, ScenarioError};
use crate::import::{self, InputKind};
use crate::inventory::{load_dir, read_json, Inventory};

/// The folders and file that make a directory a `policies/` inventory (docs/formats.md).
const INVENTORY_ENTRIES: [&str; 6] = [
    "roles",
    "users",
    "groups",
    "managed",
    "resources",
    "organization.json",
];

/// Load an inventory from a `policies/` directory, or from a file detected by content: a
/// Terraform plan (`terraform show -json`) or an AWS CLI authorization dump.
pub fn load_inventory(path: &Path) -> Result<Inventory, ScenarioError> {
    load_inventory_with(path, &BTreeMap::new())
}

/// [`load_inventory`], with values unknown at plan time (`--var KEY=VALUE`) for a Terraform plan.
pub fn load_inventory_with(
    path: &Path,
    vars: &BTreeMap<String, String>,
) -> Result<Inventory, ScenarioError> {
    load_inventory_from(&[path.to_path_buf()], vars)
}

/// Load an inventory from one path as [`load_inventory_with`] does, where a directory without
/// `policies/` folders that holds GAAD pages (`*.json`, all of them pages) is one dump; or from
/// several files, which must all be pages of one GAAD dump (merged as `import gaad` merges them).
pub fn load_inventory_from(
    paths: &[PathBuf],
    vars: &BTreeMap<String, String>,
) -> Result<Inventory, ScenarioError> {
    match paths {
        [] => Err(invalid("(policies)", "no inventory given")),
        [one] if one.is_dir() => match gaad_folder(one)? {
            Some(pages) => gaad(&pages, one),
            None => match template_folder(one) {
                Some(files) => templates(&files, vars),
                None => Ok(load_dir(one)?),
            },
        },
        [one] if !one.exists() => Ok(load_dir(one)?),
        [one] => single_file(one, vars),
        several => {
            let mut pages = Vec::with_capacity(several.len());
            for p in several {
                if p.is_dir() {
                    return Err(invalid(
                        &label(p),
                        "a directory among several inventories: only the pages of one \
                         get-account-authorization-details dump can be given together",
                    ));
                }
                let (page, _) = read_page(p)?;
                if page.kind == InputKind::CloudFormation {
                    return templates(several, vars);
                }
                if page.kind != InputKind::Gaad {
                    return Err(invalid(
                        &page.label,
                        "not a get-account-authorization-details page: only the pages of one \
                         dump can be given together",
                    ));
                }
                pages.push(page);
            }
            gaad(
                &pages,
                several.first().map_or(Path::new("."), |p| p.as_path()),
            )
        }
    }
}

/// One input file: its label, text and detected kind.
struct Page {
    label: String,
    text: String,
    kind: InputKind,
}

fn label(path: &Path) -> String {
    path.display().to_string()
}

/// A file read once (with the inventory's size limit and strict JSON), its kind detected; a
/// `.yaml`, `.yml` or `.template` file is read as a CloudFormation template.
fn read_page(path: &Path) -> Result<(Page, Value), ScenarioError> {
    let label = label(path);
    if is_yaml(path) {
        let text = read_text(path)?;
        return Ok((
            Page {
                label,
                text,
                kind: InputKind::CloudFormation,
            },
            Value::Null,
        ));
    }
    let value = read_json(path)?;
    let kind = import::detect(&value);
    let text = value.to_string();
    Ok((Page { label, text, kind }, value))
}

/// A Terraform plan or one GAAD page.
fn single_file(path: &Path, vars: &BTreeMap<String, String>) -> Result<Inventory, ScenarioError> {
    let (page, value) = read_page(path)?;
    match page.kind {
        InputKind::TerraformPlan => {
            let options = import::terraform::TerraformOptions { vars: vars.clone() };
            let imported = import::terraform::import_plan(&value, &page.label, &options)?;
            Ok(crate::inventory::from_files(&imported.files, path)?)
        }
        InputKind::Gaad => gaad(&[page], path),
        InputKind::CloudFormation => templates(&[path.to_path_buf()], vars),
        InputKind::Other => Err(invalid(
            &page.label,
            "not a policies/ directory, a Terraform plan JSON, a CloudFormation template or a \
             get-account-authorization-details dump",
        )),
    }
}

/// The pages of a folder that is a GAAD dump: no `policies/` folders, and `*.json` files that
/// are all GAAD pages (in name order). `None` for anything else, which loads as a `policies/`
/// directory; a folder mixing pages with other JSON files is an error.
fn gaad_folder(dir: &Path) -> Result<Option<Vec<Page>>, ScenarioError> {
    if INVENTORY_ENTRIES.iter().any(|e| dir.join(e).exists()) {
        return Ok(None);
    }
    let entries = std::fs::read_dir(dir).map_err(|e| invalid(&label(dir), e.to_string()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    if files.len() > crate::inventory::MAX_FILES {
        return Err(invalid(
            &label(dir),
            format!(
                "more than {} files; the limit is {}",
                crate::inventory::MAX_FILES,
                crate::inventory::MAX_FILES
            ),
        ));
    }
    let pages = files
        .iter()
        .map(|f| read_page(f).map(|(page, _)| page))
        .collect::<Result<Vec<_>, _>>()?;
    let first_page = pages.iter().find(|p| p.kind == InputKind::Gaad);
    let other = pages.iter().find(|p| p.kind != InputKind::Gaad);
    match (first_page, other) {
        (None, _) => Ok(None),
        (Some(_), None) => Ok(Some(pages)),
        (Some(page), Some(other)) => Err(invalid(
            &other.label,
            format!(
                "not a get-account-authorization-details page, but `{}` in the same folder is: \
                 a folder of pages holds nothing else",
                page.label
            ),
        )),
    }
}

/// The inventory of a GAAD dump's pages; `root` prefixes file names in load errors.
fn gaad(pages: &[Page], root: &Path) -> Result<Inventory, ScenarioError> {
    let texts: Vec<(&str, &str)> = pages
        .iter()
        .map(|p| (p.label.as_str(), p.text.as_str()))
        .collect();
    let imported = import::gaad::import_gaad(&texts)?;
    Ok(crate::inventory::from_files(&imported.files, root)?)
}

/// Whether a file is read as a YAML template (by its extension).
fn is_yaml(path: &Path) -> bool {
    path.extension()
        .is_some_and(|x| x == "yaml" || x == "yml" || x == "template")
}

/// A text file, with the inventory's size limit.
fn read_text(path: &Path) -> Result<String, ScenarioError> {
    let too_big = std::fs::metadata(path)
        .map(|m| m.len() > crate::inventory::MAX_FILE_BYTES)
        .unwrap_or(false);
    if too_big {
        return Err(invalid(
            &label(path),
            format!(
                "file is over the limit of {} bytes",
                crate::inventory::MAX_FILE_BYTES
            ),
        ));
    }
    std::fs::read_to_string(path).map_err(|e| invalid(&label(path), e.to_string()))
}

/// The `*.template.json` files of a folder without `policies/` folders (a CDK `cdk.out`), in
/// name order; `None` when there are none.
fn template_folder(dir: &Path) -> Option<Vec<PathBuf>> {
    if INVENTORY_ENTRIES.iter().any(|e| dir.join(e).exists()) {
        return None;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(".template.json"))
        })
        .collect();
    files.sort();
    (!files.is_empty()).then_some(files)
}

/// The inventory of CloudFormation templates (every file must be one), with `--var` values.
fn templates(
    paths: &[PathBuf],
    vars: &BTreeMap<String, String>,
) -> Result<Inventory, ScenarioError> {
    let mut texts = Vec::with_capacity(paths.len());
    for p in paths {
        let (page, _) = read_page(p)?;
        if page.kind != InputKind::CloudFormation {
            return Err(invalid(
                &page.label,
                "not a CloudFormation template: templates given together are one inventory and \
                 hold nothing else",
            ));
        }
        texts.push((page.label, page.text));
    }
    let refs: Vec<(&str, &str)> = texts
        .iter()
        .map(|(l, t)| (l.as_str(), t.as_str()))
        .collect();
    let options = import::cloudformation::CloudFormationOptions {
        vars: vars.clone(),
        ..Default::default()
    };
    let imported = import::cloudformation::import_templates(&refs, &options)?;
    let root = paths.first().map_or(Path::new("."), |p| p.as_path());
    Ok(crate::inventory::from_files(&imported.files, root)?)
}
