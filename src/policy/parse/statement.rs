//! One statement: its elements in order, and the rules a resource control policy adds.

use serde_json::{Map, Value};

use super::{display, Parser, Result, STATEMENT};
use crate::policy::error::JsonPath;
use crate::policy::error::PolicyErrorKind as K;
use crate::policy::{ActionClause, Effect, PolicyKind, PrincipalClause, ResourceClause, Statement};

impl Parser<'_> {
    /// One statement object, its elements checked in the order AWS lists them.
    pub(super) fn statement(&self, v: &Value, path: &JsonPath) -> Result<Statement> {
        let obj = self.object(v, path)?;
        self.known_keys(obj, path, STATEMENT)?;
        let sid = match obj.get("Sid") {
            None => None,
            Some(v) => {
                let s = self.string(v, &path.key("Sid"))?;
                (!s.is_empty()).then(|| s.to_string())
            }
        };
        let effect = self.effect(obj, path)?;
        let principal = self.principal_clause(obj, path)?;
        if self.kind == PolicyKind::Rcp {
            self.rcp_elements(obj, path, principal.as_ref(), effect)?;
        }
        let action = self.action_clause(obj, path)?;
        let resource = self.resource_clause(obj, path)?;
        let conditions = match obj.get("Condition") {
            None => Vec::new(),
            Some(v) => self.conditions(v, &path.key("Condition"))?,
        };
        Ok(Statement {
            sid,
            effect,
            principal,
            action,
            resource,
            conditions,
        })
    }

    /// `Effect`: `Allow` or `Deny`, nothing else.
    pub(super) fn effect(&self, obj: &Map<String, Value>, path: &JsonPath) -> Result<Effect> {
        Ok(match obj.get("Effect") {
            None => return Err(self.err(path, K::Missing("Effect"))),
            Some(Value::String(s)) if s == "Allow" => Effect::Allow,
            Some(Value::String(s)) if s == "Deny" => Effect::Deny,
            Some(other) => {
                return Err(self.err(
                    &path.key("Effect"),
                    K::Invalid {
                        what: "Effect",
                        value: display(other),
                        why: "expected \"Allow\" or \"Deny\"".into(),
                    },
                ))
            }
        })
    }

    /// `Action` or `NotAction` (exactly one of them).
    pub(super) fn action_clause(
        &self,
        obj: &Map<String, Value>,
        path: &JsonPath,
    ) -> Result<ActionClause> {
        Ok(match self.exclusive(obj, path, "Action", "NotAction")? {
            None => return Err(self.err(path, K::Missing("Action"))),
            Some((not, v, p)) => {
                let list = self
                    .strings(v, &p, if not { "NotAction" } else { "Action" })?
                    .into_iter()
                    .map(|(p, s)| self.action(s, &p))
                    .collect::<Result<Vec<_>>>()?;
                if not {
                    ActionClause::NotAction(list)
                } else {
                    ActionClause::Action(list)
                }
            }
        })
    }

    /// `Resource` or `NotResource`: exactly one, except in a trust policy, which has neither.
    pub(super) fn resource_clause(
        &self,
        obj: &Map<String, Value>,
        path: &JsonPath,
    ) -> Result<Option<ResourceClause>> {
        Ok(
            match self.exclusive(obj, path, "Resource", "NotResource")? {
                None if self.kind == PolicyKind::Trust => None,
                None => return Err(self.err(path, K::Missing("Resource"))),
                Some(_) if self.kind == PolicyKind::Trust => {
                    return Err(self.err(
                        path,
                        K::NotAllowed {
                            element: "Resource",
                            policy_kind: self.kind.describe(),
                        },
                    ))
                }
                Some((not, v, p)) => {
                    let list = self
                        .strings(v, &p, if not { "NotResource" } else { "Resource" })?
                        .into_iter()
                        .map(|(p, s)| self.resource(s, &p))
                        .collect::<Result<Vec<_>>>()?;
                    Some(if not {
                        ResourceClause::NotResource(list)
                    } else {
                        ResourceClause::Resource(list)
                    })
                }
            },
        )
    }

    /// RCPs take `Principal: "*"` only, and neither `NotPrincipal` nor `NotAction`.
    /// <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html>
    /// RCPs only deny, except AWS's own RCPFullAWSAccess, which AWS attaches everywhere; an
    /// export may list it, so a statement identical to it is accepted.
    /// <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html>
    pub(super) fn rcp_elements(
        &self,
        obj: &Map<String, Value>,
        path: &JsonPath,
        principal: Option<&PrincipalClause>,
        effect: Effect,
    ) -> Result<()> {
        let not_allowed = |element: &'static str| {
            self.err(
                &path.key(element),
                K::NotAllowed {
                    element,
                    policy_kind: self.kind.describe(),
                },
            )
        };
        if obj.contains_key("NotAction") {
            return Err(not_allowed("NotAction"));
        }
        match principal {
            Some(PrincipalClause::NotPrincipal(_)) => return Err(not_allowed("NotPrincipal")),
            Some(PrincipalClause::Principal(p)) if !p.any => return Err(self.err(
                &path.key("Principal"),
                K::Invalid {
                    what: "principal",
                    value: "(a principal map)".into(),
                    why: "a resource control policy's Principal must be \"*\" (narrow it with conditions)".into(),
                },
            )),
            _ => {}
        }
        if effect == Effect::Allow && !is_full_access(obj) {
            return Err(self.err(
                &path.key("Effect"),
                K::Invalid {
                    what: "Effect",
                    value: "Allow".into(),
                    why: "a resource control policy may only deny; the one Allow is AWS's \
                          RCPFullAWSAccess (`Principal`, `Action` and `Resource` all \"*\", \
                          no `Condition`), which iamsim attaches at every level"
                        .into(),
                },
            ));
        }
        Ok(())
    }
}

/// Is this statement exactly RCPFullAWSAccess's: Allow, `Principal`, `Action` and `Resource`
/// all `"*"`, nothing else but a `Sid`?
fn is_full_access(obj: &Map<String, Value>) -> bool {
    let star = |k: &str| obj.get(k).and_then(Value::as_str) == Some("*");
    star("Principal")
        && star("Action")
        && star("Resource")
        && obj.keys().all(|k| {
            matches!(
                k.as_str(),
                "Sid" | "Effect" | "Principal" | "Action" | "Resource"
            )
        })
}
