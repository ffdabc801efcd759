//! The explanation of a decision, as data: which statements applied, which were ruled out and
//! why, what each layer decided. Evaluation reports to a [`TraceSink`]; [`NoTrace`] costs nothing.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::condition::ConditionFailure;
use crate::policy::Effect;

/// A statement, identified stably: policy name, index in the document, and Sid. One shared
/// allocation, so that an evaluation's deciding statements cost a pointer each to gather and to
/// keep (a suite of 100,000 organisation cases holds a dozen per case).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct StatementId(Arc<StatementName>);

/// What a [`StatementId`] names.
#[derive(Debug, PartialEq, Eq, Hash, Serialize)]
pub struct StatementName {
    /// The policy's name, e.g. `acme-dev-agent-research/agent`
    pub policy: Arc<str>,
    /// Position in the document, from 0
    pub index: usize,
    /// The Sid, if any
    pub sid: Option<Arc<str>>,
}

impl std::ops::Deref for StatementId {
    type Target = StatementName;

    fn deref(&self) -> &StatementName {
        &self.0
    }
}

impl StatementId {
    /// The statement at `index` of the policy `policy`, with its Sid.
    pub fn new(policy: Arc<str>, index: usize, sid: Option<Arc<str>>) -> Self {
        Self(Arc::new(StatementName { policy, index, sid }))
    }

    /// Does a `because` reference (`Sid`, `policy#index` or `policy/Sid`) name this statement?
    pub fn answers_to(&self, reference: &str) -> bool {
        if self.sid.as_deref() == Some(reference) {
            return true;
        }
        if reference == format!("{}#{}", self.policy, self.index) {
            return true;
        }
        match (&self.sid, reference.rsplit_once('/')) {
            (Some(sid), Some((policy, r_sid))) => **sid == *r_sid && *self.policy == *policy,
            _ => false,
        }
    }
}

impl fmt::Display for StatementId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.sid {
            Some(sid) => write!(f, "{} statement {} (#{})", self.policy, sid, self.index),
            None => write!(f, "{} statement #{}", self.policy, self.index),
        }
    }
}

/// The kinds of policy that take part in a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layer {
    /// Identity-based policies (inline, managed, group)
    Identity,
    /// A resource-based policy (bucket, function, repository, ...)
    Resource,
    /// A KMS key policy
    KeyPolicy,
    /// A role trust policy
    TrustPolicy,
    /// The permissions boundary
    Boundary,
    /// The session policy
    Session,
    /// Service control policies
    Scp,
    /// Resource control policies
    Rcp,
    /// The policy of the VPC endpoint the request came through
    Vpce,
    /// A rule the service enforces whatever the policies say (partitions, actions AWS
    /// authorizes without IAM, resources it does not let a customer change)
    Service,
}

impl Layer {
    /// The name used in scenario files (`blocked_by`)
    pub fn name(self) -> &'static str {
        match self {
            Self::Identity => "identity",
            Self::Resource => "resource",
            Self::KeyPolicy => "key-policy",
            Self::TrustPolicy => "trust-policy",
            Self::Boundary => "boundary",
            Self::Session => "session",
            Self::Scp => "scp",
            Self::Rcp => "rcp",
            Self::Vpce => "vpce",
            Self::Service => "service",
        }
    }

    /// Parse a scenario file's `blocked_by` name
    pub fn from_name(name: &str) -> Option<Self> {
        [
            Self::Identity,
            Self::Resource,
            Self::KeyPolicy,
            Self::TrustPolicy,
            Self::Boundary,
            Self::Session,
            Self::Scp,
            Self::Rcp,
            Self::Vpce,
            Self::Service,
        ]
        .into_iter()
        .find(|l| l.name() == name)
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An `Action`/`NotAction` or `Resource`/`NotResource` element and the patterns that decided:
/// for `Action`/`Resource` that applies, the patterns that cover the request; otherwise the
/// whole list (none of which covers it, or, for `Not...` that does not apply, one that does).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElementMatch {
    /// `Action`, `NotAction`, `Resource` or `NotResource`
    pub clause: &'static str,
    /// The patterns, as written
    pub patterns: Vec<String>,
}

/// One condition entry, checked: operator, key, the policy's values and the request's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConditionCheck {
    /// The operator, as written (`StringEquals`, `ForAnyValue:StringLike`, ...)
    pub operator: String,
    /// The key, as written
    pub key: String,
    /// The policy values
    pub values: Vec<String>,
    /// The request's values (empty when the request does not carry the key)
    pub request: Vec<String>,
}

/// Why a statement applied: the patterns that matched and every condition, with the values
/// compared (all of them held).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Matched {
    /// The action element
    pub action: ElementMatch,
    /// The resource element; `None` when the statement has none (a trust policy)
    pub resource: Option<ElementMatch>,
    /// The conditions, all of which held
    pub conditions: Vec<ConditionCheck>,
}

/// Why a statement did not apply.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "element", rename_all = "kebab-case")]
pub enum Mismatch {
    /// `Action`/`NotAction` does not cover the action
    Action {
        /// The element: `Action` (its patterns, none covers the action) or `NotAction` (the
        /// patterns that list the action)
        #[serde(flatten)]
        what: ElementMatch,
    },
    /// `Resource`/`NotResource` does not cover the resource
    Resource {
        /// The element: `Resource` (its patterns, none covers the resource) or `NotResource`
        /// (the patterns that list it)
        #[serde(flatten)]
        what: ElementMatch,
    },
    /// `Principal`/`NotPrincipal` does not cover the caller
    Principal {
        /// The element: `Principal` or `NotPrincipal`, and its entries (`AWS:arn:...`,
        /// `Service:lambda.amazonaws.com`, `*`)
        #[serde(flatten)]
        what: ElementMatch,
    },
    /// A condition entry failed
    Condition {
        /// The operator, as written
        operator: String,
        /// The key, as written
        key: String,
        /// The policy values
        values: Vec<String>,
        /// The request's values (empty when absent)
        request: Vec<String>,
        /// How it failed
        failure: ConditionFailure,
        /// Every condition entry of the statement that fails (`Operator key [values]`): all of
        /// them must hold for the statement to apply
        unmet: Vec<String>,
    },
}

/// How a resource-based policy statement named the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrincipalMatch {
    /// The caller's own ARN (user, session, federated user) or service name
    Direct,
    /// The ARN of the role whose session calls
    Role,
    /// The caller's account (delegates to the account's IAM policies)
    Account,
    /// `*`: everyone
    Everyone,
}

impl PrincipalMatch {
    /// Preference when several statements name the caller: the most specific wins.
    pub(crate) fn rank(self) -> u8 {
        match self {
            Self::Direct => 0,
            Self::Role => 1,
            Self::Everyone => 2,
            Self::Account => 3,
        }
    }
}

/// One thing that happened while deciding.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum TraceEvent {
    /// A statement applied
    Applied {
        /// Its layer
        layer: Layer,
        /// The statement
        statement: StatementId,
        /// Its effect
        effect: Effect,
        /// How it named the caller (resource-based policies)
        principal: Option<PrincipalMatch>,
        /// The patterns that matched and the conditions that held
        matched: Matched,
    },
    /// A statement of the action's service did not apply
    NotApplied {
        /// Its layer
        layer: Layer,
        /// The statement
        statement: StatementId,
        /// Its effect
        effect: Effect,
        /// Why
        because: Mismatch,
    },
    /// A layer had no policy to consult (e.g. a key or role iamsim does not know)
    Unknown {
        /// The layer
        layer: Layer,
        /// What is unknown
        what: String,
    },
    /// A note on how the request was read (e.g. the resource account assumed)
    Note {
        /// The note
        text: String,
    },
}

/// Where evaluation reports what it sees. `ENABLED = false` lets the evaluator skip the work.
pub trait TraceSink {
    /// Whether events are wanted (and every candidate statement must be examined)
    const ENABLED: bool;
    /// Record an event
    fn event(&mut self, event: TraceEvent);
}

/// The sink that records nothing: the fast path.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoTrace;

impl TraceSink for NoTrace {
    const ENABLED: bool = false;
    #[inline(always)]
    fn event(&mut self, _: TraceEvent) {}
}

/// A sink that records every event: the explaining path.
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct Trace {
    /// Events in the order they happened
    pub events: Vec<TraceEvent>,
}

impl Trace {
    /// For a request not allowed: the Allow statements that failed only on a condition, each
    /// as `statement: unmet conditions` (it would be allowed were they met). Empty when allowed.
    pub fn allowed_if(&self, allowed: bool) -> Vec<String> {
        if allowed {
            return Vec::new();
        }
        self.events
            .iter()
            .filter_map(|e| match e {
                TraceEvent::NotApplied {
                    because: Mismatch::Condition { unmet, .. },
                    effect: Effect::Allow,
                    statement,
                    ..
                } => Some(format!("{statement}: {}", unmet.join(" and "))),
                _ => None,
            })
            .collect()
    }
}

impl TraceSink for Trace {
    const ENABLED: bool = true;
    fn event(&mut self, event: TraceEvent) {
        self.events.push(event);
    }
}
