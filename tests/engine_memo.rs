//! `Engine::evaluate_memo` (`src/engine/memo.rs`) keeps what it resolved for the last caller
//! and resource between requests; `Engine::evaluate_memo_for` also knows the caller by its
//! shared copy. The law: deciding a run of requests with one memo gives each request the
//! evaluation `Engine::evaluate` gives it alone, in any order, however its caller is shared.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

mod support;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use iamsim::engine::{Engine, Memo};
use iamsim::request::{Principal, Request};
use iamsim::scenario::{load_suite, LoadOptions};
use proptest::prelude::*;
use proptest::sample::select;
use support::strategies::{all_arns, config, world, A, ACTIONS, B, PRINCIPALS};

/// Each of `requests`, in order, decided alone and with a memo: `evaluate_memo`'s, one for
/// `evaluate_memo_for` with each caller shared as one copy (as a scenario file's are), and one
/// used by turns by `evaluate_memo`, the shared copy and a fresh copy dropped after its
/// request (whose address the next fresh copy may take). The same evaluation each time.
fn same_with_memo(engine: &Engine, requests: &[&Request]) {
    let (mut memo, mut shared_memo, mut mixed) =
        (Memo::default(), Memo::default(), Memo::default());
    let mut shared: HashMap<String, Arc<Principal>> = HashMap::new();
    for (i, req) in requests.iter().enumerate() {
        let alone = engine.evaluate(req);
        let copy = shared
            .entry(format!("{:?}", req.principal))
            .or_insert_with(|| Arc::new(req.principal.clone()))
            .clone();
        let fresh = Arc::new(req.principal.clone());
        let by_turns = match i % 3 {
            0 => engine.evaluate_memo(req, &mut mixed),
            1 => engine.evaluate_memo_for(req, &copy, &mut mixed),
            _ => engine.evaluate_memo_for(req, &fresh, &mut mixed),
        };
        for (how, ev) in [
            ("evaluate_memo", engine.evaluate_memo(req, &mut memo)),
            (
                "shared",
                engine.evaluate_memo_for(req, &copy, &mut shared_memo),
            ),
            ("by turns", by_turns),
        ] {
            assert_eq!(
                ev,
                alone,
                "{how}: request {i} of {}: {:?} {} {} ({:?})",
                requests.len(),
                req.principal,
                req.action,
                req.resource,
                req.resource_account
            );
        }
    }
}

/// The bundled platform's suite (KMS aliases, role sessions, S3 objects, trust policies,
/// resource accounts) in file order, reversed, by resource and by caller.
#[test]
fn the_bundled_suite_gets_the_same_answers_in_any_order() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let suite = load_suite(&[root.join("scenarios")], &LoadOptions::default()).unwrap();
    let requests: Vec<(usize, Request)> = suite
        .cases
        .iter()
        .map(|c| (c.engine, c.request.to_request()))
        .collect();
    assert!(requests.len() > 500, "{}", requests.len());
    for (n, (_, engine)) in suite.engines.iter().enumerate() {
        let mut mine: Vec<&Request> = requests
            .iter()
            .filter(|(e, _)| *e == n)
            .map(|(_, r)| r)
            .collect();
        same_with_memo(engine, &mine);
        mine.reverse();
        same_with_memo(engine, &mine);
        mine.sort_by(|a, b| (&a.resource, &a.action).cmp(&(&b.resource, &b.action)));
        same_with_memo(engine, &mine);
        mine.sort_by_key(|r| format!("{:?}", r.principal));
        same_with_memo(engine, &mine);
    }
}

/// Every resource of the worlds, and some AWS owns (no resource account, no resource policy)
/// or whose ARN names no account.
fn resources() -> Vec<String> {
    let mut out = all_arns();
    out.extend(
        [
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:aws:bedrock:us-east-1::foundation-model/m1",
            "arn:aws:ssm:us-east-1::document/AWS-RunShellScript",
            "arn:aws:ssm:us-east-1::parameter/app/x",
            "*",
        ]
        .map(str::to_string),
    );
    out
}

proptest! {
    #![proptest_config(config(256, "proptest-regressions/engine_memo.txt"))]

    /// A random world's request among others: other callers, resources, actions (a KMS key
    /// and a role asked by actions of other services too) and resource accounts, each one
    /// changed at a time or together.
    #[test]
    fn a_memo_changes_no_answer(
        w in world(),
        steps in prop::collection::vec(
            (
                select(PRINCIPALS),
                select(resources()),
                select(ACTIONS),
                select(&[None, Some(A), Some(B)][..]),
                0u8..4,
            ),
            1..12,
        ),
    ) {
        let engine = w.engine();
        let own = w.request();
        let mut requests = vec![own.clone()];
        for (principal, resource, action, account, keep) in steps {
            let mut req = own.clone();
            // Keep the world's caller, resource or action now and then, for runs that share it.
            if keep != 0 {
                req.principal = Principal::parse(principal).unwrap();
            }
            if keep != 1 {
                req.resource = resource;
            }
            if keep != 2 {
                req.action = action.to_string();
            }
            req.resource_account = account.map(str::to_string);
            requests.push(req);
            requests.push(own.clone());
        }
        let refs: Vec<&Request> = requests.iter().collect();
        same_with_memo(&engine, &refs);
    }

    /// One memo used with two engines in turn (two worlds, each asked its own request and the
    /// other's): each engine's own answers.
    #[test]
    fn a_memo_used_with_another_engine_starts_over(a in world(), b in world()) {
        let (ea, eb) = (a.engine(), b.engine());
        let (ra, rb) = (a.request(), b.request());
        let mut memo = Memo::default();
        for (engine, req) in [(&ea, &ra), (&eb, &ra), (&eb, &rb), (&ea, &rb), (&ea, &ra)] {
            prop_assert_eq!(engine.evaluate_memo(req, &mut memo), engine.evaluate(req));
        }
    }
}
