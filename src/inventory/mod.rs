//! The world a request is decided in, and its loading from a `policies/` directory.

mod adhoc;
mod case_row;
mod load;
mod model;
mod origin;
pub mod schema;

pub use adhoc::{named, AdHoc};
pub use case_row::from_engine_row;
pub use load::{
    from_files, load_dir, parse_json, read_json, read_json_within, read_text, read_text_within,
    LoadError, MAX_FILES, MAX_FILE_BYTES, MAX_SCENARIO_FILE_BYTES,
};
pub use model::{
    AccessKey, BlockPublicAccess, Endpoint, EndpointKind, Group, Inventory, ManagedPolicy,
    NamedPolicy, Organization, Owner, PolicyVersion, Resource, Role, User,
};
pub use origin::{policy_origins, PolicyOrigin};
