//! AWS's decision logic as one table over the facts gathered from each layer.
//!
//! Sources: policy evaluation logic
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>,
//! deny vs allow <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html>,
//! cross-account <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html>,
//! KMS key policies <https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html>,
//! AssumeRole <https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html>,
//! VPC endpoint policies <https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html>
//! and <https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-vpc-endpoint-policies.html>.

use serde::Serialize;

use super::trace::Layer;

/// The outcome of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Decision {
    /// Allowed
    Allow,
    /// Denied by a Deny statement
    ExplicitDeny,
    /// Denied because nothing allows it (or a guardrail does not)
    ImplicitDeny,
}

impl Decision {
    /// True for [`Decision::Allow`]
    pub fn is_allowed(self) -> bool {
        self == Self::Allow
    }

    /// The scenario-file spelling: `allow`, `explicit-deny`, `implicit-deny`
    pub fn name(self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::ExplicitDeny => "explicit-deny",
            Self::ImplicitDeny => "implicit-deny",
        }
    }
}

/// Whether a guardrail layer (SCP, RCP, boundary, session policy) lets the request through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gate {
    /// The layer does not apply to this request
    Absent,
    /// The layer allows the action
    Allows,
    /// The layer has no Allow for it (at some level)
    Blocks,
}

/// What the resource-based policy (resource, key or trust policy) says about the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grant {
    /// No Allow names the caller
    None,
    /// An Allow names the caller's account: it delegates to the account's IAM policies
    Account,
    /// An Allow names the caller itself. `exempt` is true when it names the exact user,
    /// session or federated-user ARN, which an implicit deny in a boundary or session policy
    /// does not limit (docs/aws-rules.md, rule 9); false for role ARNs, `*` and service principals.
    Direct { exempt: bool },
}

/// Which rule joins identity-based and resource-based policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rule {
    /// Ordinary resources: union in one account, intersection across accounts
    Union,
    /// KMS: the key policy must allow, itself or via the account principal
    KeyPolicy,
    /// `sts:AssumeRole*`: the trust policy must allow
    TrustPolicy,
}

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Caller {
    /// An IAM principal; `same_account` when it owns the resource too
    Iam { same_account: bool },
    /// An AWS service principal or an anonymous caller: only resource-based policies can allow
    External,
}

/// Every fact the decision depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Facts {
    pub explicit_deny: Option<Layer>,
    pub vpce: Gate,
    pub scp: Gate,
    pub rcp: Gate,
    pub boundary: Gate,
    pub session: Gate,
    pub identity_allows: bool,
    pub grant: Grant,
    pub rule: Rule,
    pub caller: Caller,
}

/// The decision and, for a deny, the layer that caused it.
#[inline(always)]
pub(crate) fn decide(f: &Facts) -> (Decision, Option<Layer>) {
    use Decision::*;
    // An explicit Deny in any layer wins over every Allow.
    if let Some(layer) = f.explicit_deny {
        return (ExplicitDeny, Some(layer));
    }
    // The VPC endpoint's policy is one more guardrail: "The VPC endpoint policy is evaluated
    // first" (apigateway-vpc-endpoint-policies.html); it "does not override or replace
    // identity-based policies or resource-based policies" (vpc-endpoints-access.html).
    if f.vpce == Gate::Blocks {
        return (ImplicitDeny, Some(Layer::Vpce));
    }
    // SCPs and RCPs are guardrails: without their Allow, nothing else matters.
    if f.scp == Gate::Blocks {
        return (ImplicitDeny, Some(Layer::Scp));
    }
    if f.rcp == Gate::Blocks {
        return (ImplicitDeny, Some(Layer::Rcp));
    }
    let resource_layer = match f.rule {
        Rule::Union => Layer::Resource,
        Rule::KeyPolicy => Layer::KeyPolicy,
        Rule::TrustPolicy => Layer::TrustPolicy,
    };
    let Caller::Iam { same_account } = f.caller else {
        // Service principals and anonymous callers have no identity policies.
        return match f.grant {
            Grant::Direct { .. } => (Allow, None),
            _ => (ImplicitDeny, Some(resource_layer)),
        };
    };
    let limits_ok = f.boundary != Gate::Blocks && f.session != Gate::Blocks;
    let limit_layer = if f.boundary == Gate::Blocks {
        Layer::Boundary
    } else {
        Layer::Session
    };
    let identity_path = f.identity_allows && limits_ok;
    let direct_path = match f.grant {
        Grant::Direct { exempt } => match f.rule {
            // A boundary must allow sts:AssumeRole even when the trust policy names the caller
            // (docs/aws-rules.md, rule 7).
            Rule::TrustPolicy => limits_ok,
            _ => exempt || limits_ok,
        },
        _ => false,
    };
    let granted = f.grant != Grant::None;
    let allowed = match (f.rule, same_account) {
        // Same account: identity-based OR resource-based Allow.
        (Rule::Union, true) => identity_path || direct_path,
        // KMS and trust: the resource policy must allow, directly or by delegating to IAM.
        (Rule::KeyPolicy | Rule::TrustPolicy, true) => {
            direct_path || (f.grant == Grant::Account && identity_path)
        }
        // Cross account: both sides must allow.
        (_, false) => granted && identity_path,
    };
    if allowed {
        return (Allow, None);
    }
    // Name the layer that failed, most specific first.
    let blocked = if f.rule != Rule::Union && !granted {
        resource_layer
    } else if !same_account && !granted {
        Layer::Resource
    } else if f.identity_allows || matches!(f.grant, Grant::Direct { .. }) {
        if limits_ok {
            Layer::Identity
        } else {
            limit_layer
        }
    } else {
        Layer::Identity
    };
    (ImplicitDeny, Some(blocked))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Facts {
        Facts {
            explicit_deny: None,
            vpce: Gate::Absent,
            scp: Gate::Absent,
            rcp: Gate::Absent,
            boundary: Gate::Absent,
            session: Gate::Absent,
            identity_allows: false,
            grant: Grant::None,
            rule: Rule::Union,
            caller: Caller::Iam { same_account: true },
        }
    }

    #[test]
    fn same_account_is_a_union_and_cross_account_an_intersection() {
        let id = Facts {
            identity_allows: true,
            ..base()
        };
        assert_eq!(decide(&id).0, Decision::Allow);
        let res = Facts {
            grant: Grant::Direct { exempt: false },
            ..base()
        };
        assert_eq!(decide(&res).0, Decision::Allow);
        let cross = Facts {
            identity_allows: true,
            caller: Caller::Iam {
                same_account: false,
            },
            ..base()
        };
        assert_eq!(
            decide(&cross),
            (Decision::ImplicitDeny, Some(Layer::Resource))
        );
    }

    #[test]
    fn key_policy_must_allow_even_in_the_same_account() {
        let f = Facts {
            identity_allows: true,
            rule: Rule::KeyPolicy,
            ..base()
        };
        assert_eq!(decide(&f), (Decision::ImplicitDeny, Some(Layer::KeyPolicy)));
        let f = Facts {
            identity_allows: true,
            rule: Rule::KeyPolicy,
            grant: Grant::Account,
            ..base()
        };
        assert_eq!(decide(&f).0, Decision::Allow);
    }

    #[test]
    fn boundaries_limit_role_grants_but_not_user_grants() {
        let role = Facts {
            boundary: Gate::Blocks,
            grant: Grant::Direct { exempt: false },
            ..base()
        };
        assert_eq!(
            decide(&role),
            (Decision::ImplicitDeny, Some(Layer::Boundary))
        );
        let user = Facts {
            boundary: Gate::Blocks,
            grant: Grant::Direct { exempt: true },
            ..base()
        };
        assert_eq!(decide(&user).0, Decision::Allow);
        let trust = Facts {
            rule: Rule::TrustPolicy,
            ..user
        };
        assert_eq!(
            decide(&trust),
            (Decision::ImplicitDeny, Some(Layer::Boundary))
        );
    }
}
