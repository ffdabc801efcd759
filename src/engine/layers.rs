//! Each policy layer's verdict on a prepared request: identity, boundary, session, the resource
//! (or key, or trust) policy, SCPs and RCPs; and the [`Accumulator`] that walks a layer's
//! statements, gathering the deciding statements and the context keys they missed.

use super::applies::{applies, matched, Miss};
use super::decide::{Caller, Facts, Gate, Grant, Rule};
use super::prepare::Prepared;
use super::resolve::Target;
use super::trace::{Layer, PrincipalMatch, StatementId, TraceEvent, TraceSink};
use super::{CompiledPrincipal, Engine, PolicySet};
use crate::inventory::NamedPolicy;
use crate::policy::Effect;
use crate::request::{IamKind, Principal, Request};

/// Services whose resources RCPs govern.
/// <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html>
const RCP_SERVICES: &[&str] = &["s3", "sts", "kms", "sqs", "secretsmanager"];

/// The request's session policy as a policy set.
pub(super) fn req_session(req: &Request) -> Option<PolicySet> {
    req.session_policy.as_ref().map(|d| {
        PolicySet::new([&NamedPolicy {
            name: "session-policy".into(),
            document: d.clone(),
        }])
    })
}

impl Engine {
    /// Each layer's verdict, in AWS's order (identity, boundary, session, resource, SCP, RCP),
    /// gathered into the facts the decision reads.
    #[inline(always)]
    pub(super) fn verdicts<'a, S: TraceSink>(
        &'a self,
        acc: &mut Accumulator<'a>,
        req: &Prepared<'_>,
        known: Option<&'a CompiledPrincipal>,
        target: &Target<'a>,
        session: Option<&'a PolicySet>,
        sink: &mut S,
    ) -> Facts {
        let caller = match req.principal {
            Principal::Iam(ip) => Caller::Iam {
                same_account: target.account.is_none_or(|a| a == ip.account),
            },
            _ => Caller::External,
        };
        let identity_allows = acc.identity(known, req, sink);
        let boundary = known.and_then(|c| c.boundary.as_ref());
        let boundary = acc.optional_gate(boundary, Layer::Boundary, req, sink);
        let session = acc.optional_gate(session, Layer::Session, req, sink);
        let grant = acc.grant(target, req, sink);
        let scp = self.scp(acc, known, req, sink);
        let rcp = self.rcp(acc, target.account, known, req, sink);
        let vpce = self.vpce(acc, req, sink);
        Facts {
            explicit_deny: acc.deny_layer,
            vpce,
            scp,
            rcp,
            boundary,
            session,
            identity_allows,
            grant,
            rule: target.rule,
            caller,
        }
    }

    /// The policy of the VPC endpoint the request came through, when the inventory holds it: a
    /// request through an endpoint it does not hold meets AWS's default policy, which allows
    /// everything (<https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html>).
    #[inline(always)]
    fn vpce<'a, S: TraceSink>(
        &'a self,
        acc: &mut Accumulator<'a>,
        req: &Prepared<'_>,
        sink: &mut S,
    ) -> Gate {
        match self.request_endpoint(req.context.request) {
            Some((_, Some(ep))) => {
                if acc
                    .scan::<S, true>(&ep.policy, Layer::Vpce, req, true, ep.gateway, sink)
                    .allowed
                {
                    Gate::Allows
                } else {
                    Gate::Blocks
                }
            }
            Some((id, None)) => {
                if S::ENABLED {
                    sink.event(TraceEvent::Unknown {
                        layer: Layer::Vpce,
                        what: format!("endpoint `{id}` is not in the inventory: AWS's default endpoint policy allows everything"),
                    });
                }
                Gate::Absent
            }
            None => Gate::Absent,
        }
    }

    /// SCPs govern IAM principals of member accounts, except service-linked roles.
    #[inline(always)]
    fn scp<'a, S: TraceSink>(
        &'a self,
        acc: &mut Accumulator<'a>,
        known: Option<&CompiledPrincipal>,
        req: &Prepared<'_>,
        sink: &mut S,
    ) -> Gate {
        match req.principal {
            Principal::Iam(ip)
                if self.management_account.as_deref() != Some(ip.account.as_str())
                    && !known.is_some_and(|c| c.service_linked) =>
            {
                match self.org.get(&ip.account) {
                    Some(path) if !path.scps.is_empty() => {
                        acc.levels(&path.scps, Layer::Scp, req, false, sink)
                    }
                    _ => Gate::Absent,
                }
            }
            _ => Gate::Absent,
        }
    }

    /// RCPs govern resources of member accounts, for the services that support them.
    #[inline(always)]
    fn rcp<'a, S: TraceSink>(
        &'a self,
        acc: &mut Accumulator<'a>,
        res_account: Option<&str>,
        known: Option<&CompiledPrincipal>,
        req: &Prepared<'_>,
        sink: &mut S,
    ) -> Gate {
        match res_account {
            Some(a)
                if self.management_account.as_deref() != Some(a)
                    && RCP_SERVICES.contains(&req.service)
                    && !known.is_some_and(|c| c.service_linked) =>
            {
                match self.org.get(a) {
                    Some(path) if !path.rcps.is_empty() => {
                        acc.levels(&path.rcps, Layer::Rcp, req, true, sink)
                    }
                    _ => Gate::Absent,
                }
            }
            _ => Gate::Absent,
        }
    }
}

/// Whether the caller is an account's root user.
fn is_root(p: &Principal) -> bool {
    matches!(p, Principal::Iam(ip) if ip.kind == IamKind::Root)
}

/// What the layers examined so far have found.
#[derive(Debug, Default)]
pub(super) struct Accumulator<'a> {
    /// The first layer with a matching Deny
    pub deny_layer: Option<Layer>,
    /// Every matching Deny, borrowed from its policy set: only the deciding ones are cloned,
    /// when the evaluation is concluded
    pub denies: Vec<&'a StatementId>,
    /// Every matching Allow, borrowed likewise
    pub allows: Vec<&'a StatementId>,
    /// Context keys that conditions read but the request did not give
    pub missing: Vec<String>,
}

/// One layer's result.
#[derive(Debug, Default)]
struct LayerResult {
    allowed: bool,
    best: Option<PrincipalMatch>,
}

impl<'a> Accumulator<'a> {
    /// Whether identity-based policies allow (the root user is allowed by default:
    /// docs/aws-rules.md, rule 37; a caller the inventory does not know has none).
    #[inline(always)]
    fn identity<S: TraceSink>(
        &mut self,
        known: Option<&'a CompiledPrincipal>,
        req: &Prepared<'_>,
        sink: &mut S,
    ) -> bool {
        let principal = req.principal;
        if matches!(principal, Principal::Iam(ip) if ip.kind == IamKind::Root) {
            true
        } else if let Some(c) = known {
            self.layer(&c.identity, Layer::Identity, req, false, sink)
                .allowed
        } else {
            if S::ENABLED && matches!(principal, Principal::Iam(_)) {
                sink.event(TraceEvent::Unknown {
                    layer: Layer::Identity,
                    what: format!("`{}` is not in the inventory", principal.as_str()),
                });
            }
            false
        }
    }

    /// What the resource, key or trust policy says about the caller.
    #[inline(always)]
    fn grant<S: TraceSink>(
        &mut self,
        target: &Target<'a>,
        req: &Prepared<'_>,
        sink: &mut S,
    ) -> Grant {
        let Some(policy) = target.policy else {
            return Grant::None;
        };
        let layer = match target.rule {
            Rule::Union => Layer::Resource,
            Rule::KeyPolicy => Layer::KeyPolicy,
            Rule::TrustPolicy => Layer::TrustPolicy,
        };
        let before = self.allows.len();
        let best = self.layer(policy, layer, req, true, sink).best;
        // RestrictPublicBuckets "restricts access to an access point or bucket with a public
        // policy to only AWS service principals and authorized users within the bucket owner's
        // account" and "blocks public and cross-account access derived from any public access
        // point or bucket policy, including non-public delegation to specific accounts"
        // (access-control-block-public-access.html): its Allows count for service principals
        // only; the owner's users need their own IAM policies (docs/semantics-decisions.md).
        if target.restrict_public
            && best.is_some()
            && !matches!(req.principal, Principal::Service(_))
        {
            self.allows.truncate(before);
            if S::ENABLED {
                sink.event(TraceEvent::Note {
                    text: "RestrictPublicBuckets: the bucket policy is public, so its Allows grant only AWS service principals".into(),
                });
            }
            return Grant::None;
        }
        match best {
            None => Grant::None,
            Some(PrincipalMatch::Account) => Grant::Account,
            Some(PrincipalMatch::Direct) => Grant::Direct {
                exempt: matches!(req.principal, Principal::Iam(_)),
            },
            Some(_) => Grant::Direct { exempt: false },
        }
    }

    /// A guardrail that applies only when the caller has it (boundary, session policy).
    #[inline(always)]
    fn optional_gate<S: TraceSink>(
        &mut self,
        set: Option<&'a PolicySet>,
        layer: Layer,
        req: &Prepared<'_>,
        sink: &mut S,
    ) -> Gate {
        match set {
            Some(s) => self.gate(s, layer, req, false, sink),
            None => Gate::Absent,
        }
    }

    /// Examine one policy set, every candidate statement. Stopping at the first Deny when no
    /// trace is kept made `evaluate` name one deciding Deny where `explain` named all of them
    /// (and miss context keys later statements read), so a scenario's `because` could fail
    /// under `check` for a statement `explain` showed as deciding (found by fuzz/evaluate).
    #[inline(always)]
    fn layer<S: TraceSink>(
        &mut self,
        set: &'a PolicySet,
        layer: Layer,
        req: &Prepared<'_>,
        with_principal: bool,
        sink: &mut S,
    ) -> LayerResult {
        self.scan::<S, false>(set, layer, req, with_principal, false, sink)
    }

    /// [`Self::layer`]. For an `ENDPOINT` policy of a `gateway` endpoint, an account principal
    /// names only the account's root user: "access is granted only to the AWS account root
    /// user, not to all users and roles in the account"
    /// (<https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html>,
    /// "Principals for gateway endpoints"). `ENDPOINT` is a constant so that the other layers
    /// pay nothing for the check.
    fn scan<S: TraceSink, const ENDPOINT: bool>(
        &mut self,
        set: &'a PolicySet,
        layer: Layer,
        req: &Prepared<'_>,
        with_principal: bool,
        gateway: bool,
        sink: &mut S,
    ) -> LayerResult {
        let mut out = LayerResult::default();
        for (id, st) in set.candidates(req.service) {
            let mut applied = applies(st, req, with_principal, &mut self.missing);
            if ENDPOINT
                && gateway
                && matches!(applied, Ok(Some(PrincipalMatch::Account)))
                && !is_root(req.principal)
            {
                applied = Err(Miss::Principal);
            }
            match applied {
                Ok(via) => {
                    if S::ENABLED {
                        sink.event(TraceEvent::Applied {
                            layer,
                            statement: id.clone(),
                            effect: st.effect,
                            principal: via,
                            matched: matched(st, req),
                        });
                    }
                    match st.effect {
                        Effect::Deny => {
                            self.deny_layer.get_or_insert(layer);
                            self.denies.push(id);
                        }
                        Effect::Allow => {
                            out.allowed = true;
                            self.allows.push(id);
                            out.best = match (out.best, via) {
                                (None, v) => v,
                                (Some(b), Some(v)) if v.rank() < b.rank() => Some(v),
                                (b, _) => b,
                            };
                        }
                    }
                }
                Err(miss) => {
                    if S::ENABLED {
                        sink.event(TraceEvent::NotApplied {
                            layer,
                            statement: id.clone(),
                            effect: st.effect,
                            because: miss.explain(st, req),
                        });
                    }
                }
            }
        }
        out
    }

    /// A guardrail layer: it lets the request through only with an Allow.
    fn gate<S: TraceSink>(
        &mut self,
        set: &'a PolicySet,
        layer: Layer,
        req: &Prepared<'_>,
        with_principal: bool,
        sink: &mut S,
    ) -> Gate {
        if self.layer(set, layer, req, with_principal, sink).allowed {
            Gate::Allows
        } else {
            Gate::Blocks
        }
    }

    /// Every level (root, OUs, account) needs its own Allow.
    fn levels<S: TraceSink>(
        &mut self,
        levels: &'a [PolicySet],
        layer: Layer,
        req: &Prepared<'_>,
        with_principal: bool,
        sink: &mut S,
    ) -> Gate {
        let mut gate = Gate::Allows;
        for set in levels {
            if self.gate(set, layer, req, with_principal, sink) == Gate::Blocks {
                gate = Gate::Blocks;
            }
        }
        gate
    }
}
