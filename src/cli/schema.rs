//! `iamsim schema FORMAT`: the JSON Schema of a file format, generated from the Rust types the
//! loaders use (`schemars`). The same text is committed in `schemas/` (a test regenerates it).

use schemars::JsonSchema;

use super::args::{SchemaArgs, SchemaFormat};
use super::{Error, Exit, Streams};
use crate::inventory::schema as inv;
use crate::lint::ConfigFile;
use crate::scenario::ScenarioFile;

/// Every format with a schema: its file name in `schemas/` and its schema text.
pub const SCHEMAS: &[(SchemaFormat, &str)] = &[
    (SchemaFormat::Scenario, "scenario.schema.json"),
    (SchemaFormat::InventoryRole, "inventory-role.schema.json"),
    (SchemaFormat::InventoryUser, "inventory-user.schema.json"),
    (SchemaFormat::InventoryGroup, "inventory-group.schema.json"),
    (
        SchemaFormat::InventoryManaged,
        "inventory-managed.schema.json",
    ),
    (
        SchemaFormat::InventoryResource,
        "inventory-resource.schema.json",
    ),
    (
        SchemaFormat::InventoryEndpoint,
        "inventory-endpoint.schema.json",
    ),
    (
        SchemaFormat::InventoryOrganization,
        "inventory-organization.schema.json",
    ),
    (
        SchemaFormat::InventoryOwnership,
        "inventory-ownership.schema.json",
    ),
    (SchemaFormat::LintConfig, "lint-config.schema.json"),
];

/// The schema of `format` as pretty JSON text, ending in a newline.
pub fn schema_text(format: SchemaFormat) -> String {
    let schema = match format {
        SchemaFormat::Scenario => generate::<ScenarioFile>(),
        SchemaFormat::InventoryRole => generate::<inv::RoleFile>(),
        SchemaFormat::InventoryUser => generate::<inv::UserFile>(),
        SchemaFormat::InventoryGroup => generate::<inv::GroupFile>(),
        SchemaFormat::InventoryManaged => generate::<inv::ManagedFile>(),
        SchemaFormat::InventoryResource => generate::<inv::ResourceFile>(),
        SchemaFormat::InventoryEndpoint => generate::<inv::EndpointFile>(),
        SchemaFormat::InventoryOrganization => generate::<inv::OrganizationFile>(),
        SchemaFormat::InventoryOwnership => generate::<inv::OwnershipFile>(),
        SchemaFormat::LintConfig => generate::<ConfigFile>(),
    };
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// `T`'s schema (JSON Schema 2020-12).
fn generate<T: JsonSchema>() -> schemars::Schema {
    schemars::schema_for!(T)
}

/// Print the schema of one format.
pub fn schema(a: &SchemaArgs, io: &mut Streams<'_>) -> Result<Exit, Error> {
    io.out.write_all(schema_text(a.format).as_bytes())?;
    io.out.flush()?;
    Ok(Exit::Success)
}
