//! `prove`: exact answers to quantified questions. "For every action of `ecr:*`, every
//! resource matching `repository/acme-dev-support*` and every value of every context key
//! (absent included), is this principal denied?" is answered by splitting each dimension into
//! the finitely many classes on which every pattern and condition the engine can consult is
//! constant, and deciding one representative request per combination with the real engine
//! ([`crate::engine::Engine::evaluate`]).
//!
//! - actions: the catalog's actions the patterns cover, grouped by service, by the answer of
//!   every action pattern in play, by resource types and by condition keys ([`actions`]);
//! - resources: the Boolean combinations of the globs in play that some string realises, each
//!   represented by its shortest string ([`partition`], [`resources`]);
//! - context keys: per key, the classes of its values and its absence ([`keys`], [`values`]).
//!
//! The answer is [`Verdict::Proved`], a [`Counterexample`] (a concrete request the engine
//! decides against the expectation), or [`Verdict::Unknown`] with the reasons: a policy
//! variable that reads a quantified key, a key read by operators of several types, or a
//! documented limit ([`Limits`]) passed. docs/prove.md describes the model and its limits.

pub(crate) mod actions;
pub(crate) mod glob;
mod glob_text;
pub(crate) mod keys;
pub(crate) mod matching;
mod partition;
mod render;
mod resources;
pub(crate) mod scope;
mod search;
mod segments;
mod session_tags;
pub(crate) mod space;
#[cfg(test)]
mod space_tests;
pub(crate) mod template;
mod tenancy;
mod values;

use indexmap::IndexMap;
use serde::Serialize;

pub use render::{write_answer, write_tenancy};
pub use scope::Scope;
pub use search::prove;
pub use tenancy::{tenancy, Breach, Tenancy, Undecided};

use crate::engine::{Decision, Evaluation};
use crate::request::{Principal, Request};

/// Which context keys a question quantifies over.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Keys {
    /// None: the question's context is the request's
    #[default]
    None,
    /// Every key a condition that can apply reads (except those the engine derives itself)
    All,
    /// These keys (any case)
    Only(Vec<String>),
}

/// What must hold for a request (a scenario's `expect`), or for every request of a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Expect {
    /// Allowed
    Allow,
    /// Denied, either way
    Deny,
    /// Denied by a Deny statement
    ExplicitDeny,
    /// Denied because nothing allows it
    ImplicitDeny,
}

impl Expect {
    /// Does a decision meet it?
    pub fn is_met_by(self, d: Decision) -> bool {
        matches!(
            (self, d),
            (Self::Allow, Decision::Allow)
                | (Self::Deny, Decision::ExplicitDeny | Decision::ImplicitDeny)
                | (Self::ExplicitDeny, Decision::ExplicitDeny)
                | (Self::ImplicitDeny, Decision::ImplicitDeny)
        )
    }

    /// The file spelling
    pub fn name(self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::Deny => "deny",
            Self::ExplicitDeny => "explicit-deny",
            Self::ImplicitDeny => "implicit-deny",
        }
    }

    /// Whether it is a deny of some kind
    pub fn is_deny(self) -> bool {
        self != Self::Allow
    }
}

/// A quantified question: for every action, resource and context it covers, `expect` holds.
#[derive(Debug, Clone)]
pub struct Question {
    /// Who calls
    pub principal: Principal,
    /// Actions: names, or (with `patterns`) IAM action patterns over the catalog (`ecr:*`, `*`)
    pub actions: Vec<String>,
    /// Resources: ARNs or `*`, or (with `patterns`) resource patterns (`...:repository/a*`)
    pub resources: Vec<String>,
    /// Resource patterns left out of the question
    pub exclude: Vec<String>,
    /// Whether `actions` and `resources` are patterns standing for every match
    pub patterns: bool,
    /// Context keys the requests carry (those quantified are replaced by each class's value)
    pub context: crate::request::Context,
    /// Which keys vary
    pub keys: Keys,
    /// The expectation
    pub expect: Expect,
    /// The resource's account, when neither its ARN nor the inventory says
    pub resource_account: Option<String>,
}

/// Documented limits: past one, the answer is `unknown` (never a silent "proved").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Product-automaton states explored to split one dimension
    pub max_states: usize,
    /// Resource classes of one action class
    pub max_classes: usize,
    /// Context combinations of one (action, resource) pair
    pub max_contexts: usize,
    /// Requests decided for one question
    pub max_requests: usize,
    /// Groups of element classes of a multivalued key (its lists are every non-empty set of
    /// groups, 2^n - 1 of them)
    pub max_set_groups: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_states: 200_000,
            max_classes: 20_000,
            max_contexts: 4_096,
            max_requests: 2_000_000,
            max_set_groups: 6,
        }
    }
}

/// A request that breaks the expectation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Counterexample {
    /// The caller
    pub principal: String,
    /// The action
    pub action: String,
    /// The resource
    pub resource: String,
    /// The context keys the request carries (a string, or a list for a multivalued key)
    pub context: IndexMap<String, serde_json::Value>,
    /// Quantified keys the request leaves out
    pub absent: Vec<String>,
    /// The engine's answer
    pub evaluation: Evaluation,
    /// The request itself
    #[serde(skip)]
    pub request: Request,
}

impl Counterexample {
    fn new(request: Request, absent: Vec<String>, evaluation: Evaluation) -> Self {
        let context = request
            .context
            .iter()
            .map(|e| {
                let values: Vec<serde_json::Value> = e
                    .values
                    .iter()
                    .map(|v| serde_json::Value::String(v.raw().to_string()))
                    .collect();
                let v = match (e.multi, values.as_slice()) {
                    (false, [one]) => one.clone(),
                    _ => serde_json::Value::Array(values),
                };
                (e.name.clone(), v)
            })
            .collect();
        Self {
            principal: request.principal.as_str().to_string(),
            action: request.action.clone(),
            resource: request.resource.clone(),
            context,
            absent,
            evaluation,
            request,
        }
    }

    /// One line: `principal action resource {context}`.
    pub fn describe(&self) -> String {
        let mut out = format!("{} {} {}", self.principal, self.action, self.resource);
        let mut parts: Vec<String> = self
            .context
            .iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}={s:?}"),
                other => format!("{k}={other}"),
            })
            .collect();
        parts.extend(self.absent.iter().map(|k| format!("{k} absent")));
        if !parts.is_empty() {
            out.push_str(&format!(" with {}", parts.join(", ")));
        }
        out.push_str(&format!(" -> {}", self.evaluation.decision.name()));
        out
    }
}

/// The answer to a question.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "verdict", content = "detail", rename_all = "kebab-case")]
pub enum Verdict {
    /// The expectation holds for every request of the question
    Proved,
    /// A request that breaks it
    Counterexample(Box<Counterexample>),
    /// Neither could be established, for these reasons
    Unknown(Vec<String>),
}

/// A verdict with the size of the search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    /// The verdict
    #[serde(flatten)]
    pub verdict: Verdict,
    /// Representative requests decided
    pub requests: usize,
    /// Catalog actions the question covers
    pub actions: usize,
    /// Classes of those actions
    pub action_classes: usize,
    /// Resource classes decided (over every action class)
    pub resource_classes: usize,
    /// The statements that decided a representative: the Allows of an allowed one, the Denies
    /// of an explicitly denied one (for coverage)
    #[serde(skip)]
    pub exercised: Vec<crate::engine::StatementId>,
}

impl Answer {
    /// Is the expectation proved?
    pub fn is_proved(&self) -> bool {
        self.verdict == Verdict::Proved
    }
}
