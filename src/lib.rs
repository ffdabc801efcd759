#![doc = include_str!("../README.md")]
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod catalog;
pub mod condition;
pub mod diff;
pub mod engine;
mod hash;
pub mod import;
pub mod inventory;
pub(crate) mod json;
pub mod lint;
mod par;
pub mod pattern;
pub mod platform;
pub mod policy;
pub mod report;
pub mod request;
pub mod scenario;
