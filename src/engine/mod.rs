//! The evaluation logic: which policies apply to a request, and AWS's decision over them.
//! [`Engine`] is the compiled, immutable inventory; [`Engine::evaluate`] never fails.
//!
//! Compiling is in `build`, resolving a request's names against the inventory in `resolve`,
//! the context in `prepare`, each layer's verdict in `layers`, the phases of one evaluation in
//! `run` and the decision table in `decide`.

mod applies;
mod build;
mod compile;
mod decide;
mod facts;
mod layers;
mod memo;
mod prepare;
mod resolve;
mod run;
mod service;
mod statements;
mod trace;
mod who_can;

use std::sync::OnceLock;

use indexmap::IndexMap;
use serde::Serialize;

use crate::hash::FastMap;

pub use compile::PolicySet;
pub use decide::Decision;
pub use facts::is_derived_key;
pub use memo::Memo;
pub use resolve::governing_parent;
pub use service::may_refuse_after_allow;
pub use trace::{
    ConditionCheck, ElementMatch, Layer, Matched, Mismatch, NoTrace, PrincipalMatch, StatementId,
    StatementName, Trace, TraceEvent, TraceSink,
};

use crate::policy::PolicyKind;
use crate::request::{Context, Request};
use prepare::time_keys;

/// The answer to a request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Allow, explicit deny or implicit deny
    pub decision: Decision,
    /// For a deny: the layer that denied
    pub blocked_by: Option<Layer>,
    /// The statements that decided: the Deny that matched, or the Allows that granted
    pub deciding: Vec<StatementId>,
    /// Context keys that conditions read but the request did not give (AWS's MissingContextValues)
    pub missing_context: Vec<String>,
}

/// A reference in the inventory that points at nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_file}: {message}")]
pub struct CompileError {
    source_file: String,
    message: String,
}

/// A role or user, compiled: its policy sets, and the global keys that follow from it, built
/// on the first request that reads them (most of an organisation's 100,000 principals are
/// never asked about under a condition).
#[derive(Debug)]
struct CompiledPrincipal {
    account: String,
    role_arn: Option<String>,
    service_linked: bool,
    identity: PolicySet,
    boundary: Option<PolicySet>,
    trust: Option<PolicySet>,
    /// The principal's ARN and tags, from which its keys are built
    arn: String,
    tags: IndexMap<String, String>,
    globals: OnceLock<Context>,
    as_resource: OnceLock<Context>,
}

impl CompiledPrincipal {
    /// The global keys that follow from this principal (`aws:PrincipalArn`, its tags, ...),
    /// built once.
    fn globals(&self) -> &Context {
        self.globals
            .get_or_init(|| build::globals_of(&self.arn, &self.tags))
    }

    /// `aws:ResourceAccount` and `aws:ResourceTag/*` when this role is a request's resource
    /// (`sts:AssumeRole`), built once; none for a user.
    fn as_resource(&self) -> &Context {
        self.as_resource.get_or_init(|| match self.role_arn {
            Some(_) => build::resource_keys_of(&self.account, &self.tags),
            None => Context::new(),
        })
    }
}

/// A resource, compiled: its owner, policy and prebuilt global keys.
#[derive(Debug)]
struct CompiledResource {
    account: String,
    policy: Option<PolicySet>,
    /// An S3 bucket whose policy is public under `RestrictPublicBuckets` (its own or its
    /// account's): the policy grants only AWS service principals
    restrict_public: bool,
    /// A KMS key with an `alias/aws/...` alias: an AWS managed key
    aws_managed: bool,
    /// `aws:ResourceAccount` and `aws:ResourceTag/*`, built once
    keys: Context,
}

/// A VPC endpoint, compiled: its policy (AWS's default when none is given) and how its account
/// principals read.
#[derive(Debug)]
struct CompiledEndpoint {
    policy: PolicySet,
    /// A gateway endpoint: an account principal names only the account's root user
    gateway: bool,
    /// `aws:SourceVpc` of requests made through it
    vpc: Option<String>,
}

/// The SCPs and RCPs over one account, one policy set per level (root, OUs, account).
#[derive(Debug, Default)]
struct OrgPath {
    scps: Vec<PolicySet>,
    rcps: Vec<PolicySet>,
}

/// The compiled inventory. Immutable, `Send + Sync`; build once, evaluate many requests.
#[derive(Debug, Default)]
pub struct Engine {
    principals: Vec<CompiledPrincipal>,
    users_by_arn: FastMap<String, usize>,
    /// account -> role name -> index (nested so lookups need no allocation)
    roles_by_name: FastMap<String, FastMap<String, usize>>,
    /// role ARN (path included) -> index: one lookup for a caller given by its full role ARN
    roles_by_arn: FastMap<String, usize>,
    short_names: FastMap<String, Vec<String>>,
    resources: Vec<CompiledResource>,
    resource_by_arn: FastMap<String, usize>,
    aliases: FastMap<String, String>,
    /// VPC endpoints by id
    endpoints: FastMap<String, CompiledEndpoint>,
    org: FastMap<String, OrgPath>,
    /// The services some SCP or RCP level reads the context for (conditions, policy variables)
    org_readers: compile::ContextReaders,
    management_account: Option<String>,
    now_millis: Option<i64>,
    /// The time keys for a fixed clock, built once
    time_keys: Context,
    /// The global keys of each service principal that a policy names, built once
    service_keys: FastMap<String, Context>,
}

impl Engine {
    /// Fix the clock used for `aws:CurrentTime`/`aws:EpochTime` (epoch milliseconds).
    pub fn with_time(mut self, now_millis: i64) -> Self {
        self.now_millis = Some(now_millis);
        self.time_keys = Context::new();
        time_keys(&mut self.time_keys, now_millis);
        self
    }

    /// The ARNs a short form such as `role/NAME` or `user/NAME` names (several across accounts).
    pub fn short_name(&self, short: &str) -> &[String] {
        self.short_names
            .get(short)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Every role and user ARN in the inventory, in load order.
    pub fn principal_arns(&self) -> impl Iterator<Item = &str> {
        self.short_names.values().flatten().map(String::as_str)
    }

    /// Decide a request (the fast path: no trace).
    pub fn evaluate(&self, req: &Request) -> Evaluation {
        self.run(req, &mut NoTrace)
    }

    /// Decide a request and record why (the explaining path: same code, recording sink).
    pub fn explain(&self, req: &Request) -> (Evaluation, Trace) {
        let mut trace = Trace::default();
        let ev = self.run(req, &mut trace);
        (ev, trace)
    }

    /// Decide a request, reporting to `sink`.
    pub fn evaluate_with<S: TraceSink>(&self, req: &Request, sink: &mut S) -> Evaluation {
        self.run(req, sink)
    }
}

/// The kind of policy each layer holds (for parsing documents destined for it); `None` for the
/// service's own rules, which are no policy.
pub fn policy_kind(layer: Layer) -> Option<PolicyKind> {
    Some(match layer {
        Layer::Identity | Layer::Boundary | Layer::Session => PolicyKind::Identity,
        Layer::Resource | Layer::KeyPolicy | Layer::Vpce => PolicyKind::Resource,
        Layer::TrustPolicy => PolicyKind::Trust,
        Layer::Scp => PolicyKind::Scp,
        Layer::Rcp => PolicyKind::Rcp,
        Layer::Service => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{named, AdHoc};
    use crate::policy::parse_document;
    use crate::request::Principal;

    /// Regression (fuzz/evaluate): with two matching Deny statements, `evaluate` named only
    /// the first, `explain` both.
    #[test]
    fn evaluate_and_explain_name_the_same_deciding_denies() {
        let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "A", "Effect": "Deny", "Action": "s3:*", "Resource": "*"},
            {"Sid": "B", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*",
             "Condition": {"StringEquals": {"aws:PrincipalTag/team": "x"}}},
            {"Sid": "C", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]});
        let principal = Principal::parse("arn:aws:iam::111122223333:user/alice").unwrap();
        let ad = AdHoc {
            principal: Some(principal.clone()),
            identity: vec![named(
                "p",
                parse_document(&doc, "p", PolicyKind::Identity).unwrap(),
            )],
            resource_arn: Some("arn:aws:s3:::b/k".into()),
            ..AdHoc::default()
        };
        let engine = Engine::new(&ad.build()).unwrap();
        let req = Request::new(principal, "s3:GetObject", "arn:aws:s3:::b/k");
        let fast = engine.evaluate(&req);
        assert_eq!(fast, engine.explain(&req).0);
        let sids: Vec<_> = fast.deciding.iter().map(|d| d.sid.as_deref()).collect();
        assert_eq!(sids, [Some("A"), Some("C")]);
        assert_eq!(fast.missing_context, ["aws:PrincipalTag/team"]);
    }

    /// The trace says why: the patterns that matched and each condition with both sides'
    /// values; for a statement that did not apply, what its failing element holds.
    #[test]
    fn the_trace_names_matched_patterns_conditions_and_failing_elements() {
        let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Read", "Effect": "Allow", "Action": ["s3:Get*", "s3:List*"],
             "Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::other/*"],
             "Condition": {"StringEquals": {"aws:PrincipalTag/team": "x"}}},
            {"Sid": "NotIam", "Effect": "Deny", "NotAction": ["s3:GetObject", "iam:*"],
             "Resource": "*"},
            {"Sid": "Write", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}]});
        let principal = Principal::parse("arn:aws:iam::111122223333:user/alice").unwrap();
        let ad = AdHoc {
            principal: Some(principal.clone()),
            identity: vec![named(
                "p",
                parse_document(&doc, "p", PolicyKind::Identity).unwrap(),
            )],
            resource_arn: Some("arn:aws:s3:::b/k".into()),
            ..AdHoc::default()
        };
        let engine = Engine::new(&ad.build()).unwrap();
        let req = Request::new(principal, "s3:GetObject", "arn:aws:s3:::b/k")
            .with_context("aws:PrincipalTag/team", "x");
        let (ev, trace) = engine.explain(&req);
        assert_eq!(ev.decision, Decision::Allow);
        let mut seen = 0;
        for e in &trace.events {
            match e {
                TraceEvent::Applied { matched, .. } => {
                    seen += 1;
                    assert_eq!(matched.action.patterns, ["s3:Get*"]);
                    let r = matched.resource.as_ref().unwrap();
                    assert_eq!(
                        (r.clause, &r.patterns[..]),
                        ("Resource", &["arn:aws:s3:::b/*".to_string()][..])
                    );
                    let c = &matched.conditions[0];
                    assert_eq!(
                        (&c.key[..], &c.values[..], &c.request[..]),
                        (
                            "aws:PrincipalTag/team",
                            &["x".to_string()][..],
                            &["x".to_string()][..]
                        )
                    );
                }
                TraceEvent::NotApplied {
                    statement, because, ..
                } => {
                    seen += 1;
                    let Mismatch::Action { what } = because else {
                        panic!("{because:?}")
                    };
                    match statement.sid.as_deref() {
                        // NotAction that names the action: the pattern that names it
                        Some("NotIam") => assert_eq!(
                            (what.clause, &what.patterns[..]),
                            ("NotAction", &["s3:GetObject".to_string()][..])
                        ),
                        // Action that does not cover it: the whole list
                        _ => assert_eq!(
                            (what.clause, &what.patterns[..]),
                            ("Action", &["s3:PutObject".to_string()][..])
                        ),
                    }
                }
                _ => {}
            }
        }
        assert_eq!(seen, 3);
    }

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn engine_is_shareable_across_threads() {
        assert_send_sync::<Engine>();
    }
}
