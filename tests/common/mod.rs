//! Shared by the import tests: the reference platform's scenarios decided against two
//! inventories, and every case whose answer differs.

#![allow(dead_code, reason = "each test binary uses a different part")]

use iamsim::engine::Engine;
use iamsim::scenario::Suite;

/// Each single-request case of `suite` whose decision or blocking layer differs between `a` and `b`, one
/// line each (`name: decision/layer vs decision/layer`).
pub fn decision_differences(suite: &Suite, a: &Engine, b: &Engine) -> Vec<String> {
    let mut differences = Vec::new();
    // Quantified cases (scenarios/proofs.json) stand for sets of requests, not one.
    for case in suite.cases.iter().filter(|c| c.quantified.is_none()) {
        let x = a.evaluate(&case.request.to_request());
        let y = b.evaluate(&case.request.to_request());
        if x.decision != y.decision || x.blocked_by != y.blocked_by {
            differences.push(format!(
                "{}: {:?}/{:?} vs {:?}/{:?}",
                case.name, x.decision, x.blocked_by, y.decision, y.blocked_by
            ));
        }
    }
    differences
}
