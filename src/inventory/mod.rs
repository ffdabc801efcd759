//! The world a request is decided in, and its loading from a `policies/` directory.

mod adhoc;
mod model;

pub use adhoc::{named, AdHoc};
pub use model::{Group, Inventory, ManagedPolicy, NamedPolicy, Organization, Resource, Role, User};
