//! Shared support for the property tests: generators and the reference evaluator.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the support code"
)]

pub mod reference;
pub mod strategies;
