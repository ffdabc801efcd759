//! Scenario files: format, loading (expansion and fail-closed resolution), catalog validation,
//! running and verdicts.

mod case;
mod case_list;
mod context_check;
mod coverage;
mod expand;
mod format;
mod load;
mod policy_check;
mod quantify;
mod run;
mod validate;

pub use case::{Case, CaseRequest, Quantified};
pub use case_list::CaseList;
pub use context_check::{check_context, key_type, value_fits, ContextIssue};
pub use coverage::{coverage, Coverage, Covered};
pub use expand::MAX_EXPANSION;
pub use format::{
    Expect, ForAllContext, ForEachValues, InventoryNames, Scenario, ScenarioFile, TenancyField,
};
pub use load::{
    check_action, check_resource_account, is_role_session, load_inventory, load_inventory_from,
    load_inventory_with, load_suite, parse_file, parse_yaml, read_yaml, resolve_principal,
    resolve_resource, scenario_files, scenario_files_and_skipped, LoadOptions, ScenarioError,
    Suite, MAX_CASES, SCENARIO_EXTENSIONS,
};
pub use policy_check::{check_policies, typo_notes, PolicyCheck, PolicyIssue};
pub use run::{judge, run_suite, Outcome, Status, Tally};
pub use validate::{validate_cases, InvalidCase, UnknownContextKey, Validation};
