//! The inventory a scenario file runs against: a `policies/` directory, a Terraform plan or
//! an AWS CLI authorization dump.

use std::path::Path;

use super::error::{invalid, ScenarioError};
use crate::inventory::{load_dir, read_json};

/// Load an inventory from a `policies/` directory, or from a file detected by content: a
/// Terraform plan (`terraform show -json`) or an AWS CLI authorization dump.
pub fn load_inventory(path: &Path) -> Result<crate::inventory::Inventory, ScenarioError> {
    load_inventory_with(path, &Default::default())
}

/// [`load_inventory`], with values unknown at plan time (`--var KEY=VALUE`) for a Terraform plan.
pub fn load_inventory_with(
    path: &Path,
    vars: &std::collections::BTreeMap<String, String>,
) -> Result<crate::inventory::Inventory, ScenarioError> {
    if path.is_dir() || !path.exists() {
        return Ok(load_dir(path)?);
    }
    let label = path.display().to_string();
    let value = read_json(path)?;
    let imported = match crate::import::detect(&value) {
        crate::import::InputKind::TerraformPlan => crate::import::terraform::import_plan(
                &value,
                &label,
                &crate::import::terraform::TerraformOptions { vars: vars.clone() },
            )?,
        crate::import::InputKind::Gaad => {
            let text = std::fs::read_to_string(path).map_err(|e| invalid(&label, e.to_string()))?;
            crate::import::gaad::import_gaad(&[(label.as_str(), text.as_str())])?
        }
        crate::import::InputKind::Other => {
            return Err(invalid(&label, "not a policies/ directory, a Terraform plan JSON or a get-account-authorization-details dump"))
        }
    };
    Ok(crate::inventory::from_files(&imported.files, path)?)
}
