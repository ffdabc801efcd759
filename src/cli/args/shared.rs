//! Arguments every command shares ([`GlobalArgs`]), and those of the commands that print
//! something generated from the definitions themselves (`completions`, `schema`).

use clap::ValueEnum;

use super::Color;

/// Options every command takes, before or after the command's name (`iamsim --color never
/// lint`, `iamsim lint --color never`).
#[derive(Debug, Clone, clap::Args)]
pub struct GlobalArgs {
    /// Colour text output: auto (a terminal, unless NO_COLOR is set and not empty), always, never
    #[arg(long, value_enum, global = true, default_value_t = Color::Auto)]
    pub color: Color,
}

/// Arguments of `completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Arguments of `schema`.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// The format
    #[arg(value_enum)]
    pub format: SchemaFormat,
}

/// The file formats with a JSON Schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaFormat {
    /// A scenario file (scenarios/*.json, .yaml)
    Scenario,
    /// An inventory role file (policies/roles/*.json)
    InventoryRole,
    /// An inventory user file (policies/users/*.json)
    InventoryUser,
    /// An inventory group file (policies/groups/*.json)
    InventoryGroup,
    /// An inventory managed policy file (policies/managed/*.json)
    InventoryManaged,
    /// An inventory resource file (policies/resources/*.json)
    InventoryResource,
    /// An inventory VPC endpoint file (policies/endpoints/*.json)
    InventoryEndpoint,
    /// The inventory's organization.json
    InventoryOrganization,
    /// The inventory's ownership.json
    InventoryOwnership,
    /// The lint config file (iamsim-lint.json)
    LintConfig,
}
