//! `who-can`: every principal the inventory knows (roles, users) and every service principal
//! and account named in the resource's policy, each evaluated for one action on one resource.

use serde::Serialize;

use super::{Engine, Evaluation};
use crate::policy::{PrincipalClause, PrincipalEntry};
use crate::request::{Context, Principal, Request};

/// One principal's answer.
#[derive(Debug, Clone, Serialize)]
pub struct WhoCanEntry {
    /// The principal (ARN, service name, or an account's root ARN standing for the account)
    pub principal: String,
    /// What kind of principal it is
    pub kind: &'static str,
    /// The evaluation under the given context
    pub evaluation: Evaluation,
    /// For a principal not allowed: Allow statements that failed only on a condition
    /// (`operator key values`), i.e. it is allowed when those conditions hold
    pub allowed_if: Vec<String>,
}

/// Fewer principals than this per thread are asked on the calling thread.
const PRINCIPALS_PER_THREAD: usize = 2_000;

impl Engine {
    /// Evaluate `action` on `resource` for every principal worth asking about.
    pub fn who_can(&self, action: &str, resource: &str, context: &Context) -> Vec<WhoCanEntry> {
        let mut candidates: Vec<(Principal, &'static str)> = Vec::new();
        let mut arns: Vec<&str> = self.principal_arns().collect();
        arns.sort_unstable();
        for arn in arns {
            if let Ok(p) = Principal::parse(arn) {
                let kind = if arn.contains(":role/") {
                    "role"
                } else {
                    "user"
                };
                candidates.push((p, kind));
            }
        }
        for entry in self.named_in_resource_policy(action, resource) {
            let (p, kind) = match entry {
                PrincipalEntry::Service(s) => (Principal::Service(s), "service"),
                PrincipalEntry::Account { account, .. } => match Principal::parse(&account) {
                    Ok(p) => (p, "account"),
                    Err(_) => continue,
                },
                _ => continue,
            };
            if !candidates.iter().any(|(c, _)| *c == p) {
                candidates.push((p, kind));
            }
        }
        // Every principal of an organisation (100,000) is asked: on every core. A worker that
        // failed would leave its principals out, so they are then all asked again here, where
        // the failure is reported instead.
        let ask = |(p, kind): &(Principal, &'static str)| {
            let mut req = Request::new(p.clone(), action, resource);
            req.context = context.clone();
            // Only a principal not allowed, with a statement that reads the context, can be
            // allowed under conditions: the others need no explanation.
            let quick = self.evaluate(&req);
            if quick.decision.is_allowed() || !self.conditions_can_matter(&req) {
                return WhoCanEntry {
                    principal: p.as_str().to_string(),
                    kind,
                    evaluation: quick,
                    allowed_if: Vec::new(),
                };
            }
            let (evaluation, trace) = self.explain(&req);
            let allowed_if = trace.allowed_if(evaluation.decision.is_allowed());
            WhoCanEntry {
                principal: p.as_str().to_string(),
                kind,
                evaluation,
                allowed_if,
            }
        };
        let asked = crate::par::par_map(
            &candidates,
            PRINCIPALS_PER_THREAD,
            |c| Some(ask(c)),
            || None,
        );
        if asked.iter().all(Option::is_some) {
            asked.into_iter().flatten().collect()
        } else {
            candidates.iter().map(ask).collect()
        }
    }

    /// Service principals and accounts named by Allow statements of the policy governing
    /// `resource` (resource, key or trust policy).
    fn named_in_resource_policy(&self, action: &str, resource: &str) -> Vec<PrincipalEntry> {
        let resource = self.resolve_alias(resource);
        let service = action.split(':').next().unwrap_or("").to_ascii_lowercase();
        let set = if service == "sts" {
            self.role_for_arn(resource).and_then(|r| r.trust.as_ref())
        } else {
            self.find_resource(resource, crate::pattern::Arn::parse(resource))
                .and_then(|r| r.policy.as_ref())
        };
        let mut out = Vec::new();
        if let Some(set) = set {
            for (_, st) in set.statements() {
                if let Some(PrincipalClause::Principal(p)) = &st.principal {
                    for e in &p.entries {
                        if matches!(
                            e,
                            PrincipalEntry::Service(_) | PrincipalEntry::Account { .. }
                        ) && !out.contains(e)
                        {
                            out.push(e.clone());
                        }
                    }
                }
            }
        }
        out
    }
}
