//! Condition evaluation: a `Condition` block's entries (typed at load by
//! [`crate::policy::condition`]) decided against a request's context, with the rules that
//! combine them (missing keys, `IfExists`, `ForAllValues`/`ForAnyValue`, negation) and policy
//! variables substituted from the context.

pub mod context;
pub mod eval;
pub mod variables;

pub use crate::policy::condition::{
    operator, value, BaseOperator, Comparison, Condition, Family, Operator, PolicyValue, Qualifier,
    ValueError,
};
pub use context::{ContextEntry, ContextValue, Lookup};
pub use eval::{ConditionFailure, Outcome};
