//! Matching: IAM wildcards, case-insensitive actions, ARN parsing and component-wise ARN matching.
//! Everything here is compiled once at load; matching allocates nothing.

pub mod arn;
mod common;
mod nfa;
mod owner;
mod token;
pub mod wildcard;

pub use arn::{is_account_id, Arn, ArnPattern, PARTITIONS};
pub use common::{common_match, common_match_all, common_match_within};
pub use owner::aws_owned;
pub use wildcard::{Dialect, Wildcard, MAX_PATTERN_CHARS};
