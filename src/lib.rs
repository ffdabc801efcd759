#![doc = include_str!("../README.md")]
#![deny(clippy::print_stdout, clippy::print_stderr)]

/// ANSI colour for text output, switched once per run (`--color`, `NO_COLOR`).
pub mod ansi;
pub mod catalog;
/// The `iamsim` commands as library calls (the top layer): arguments and writers in, an exit
/// outcome or a one-line error out; the binary only parses arguments and maps exit codes.
pub mod cli;
pub mod condition;
pub mod diff;
pub mod engine;
mod hash;
pub mod import;
pub mod inventory;
pub(crate) mod json;
pub mod jsonpos;
pub mod lint;
pub mod matrix;
mod par;
pub mod pattern;
pub mod platform;
pub mod policy;
pub mod prove;
pub mod reach;
pub mod report;
pub mod request;
pub mod scenario;
