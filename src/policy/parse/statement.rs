//! One statement: its elements in order, and the rules a resource control policy adds.

use serde_json::{Map, Value};

use super::{display, Parser, Result, STATEMENT};
use crate::pattern::Arn;
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

    /// `Resource` or `NotResource`: exactly one, except in a trust policy, which has neither,
    /// and in the resource-based policies whose statements AWS writes without one
    /// ([`IMPLICIT_RESOURCE`]).
    /// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>
    pub(super) fn resource_clause(
        &self,
        obj: &Map<String, Value>,
        path: &JsonPath,
    ) -> Result<Option<ResourceClause>> {
        Ok(
            match self.exclusive(obj, path, "Resource", "NotResource")? {
                None if self.kind == PolicyKind::Trust => None,
                None if self.kind == PolicyKind::Resource => match self.implicit_resource() {
                    Ok(()) => None,
                    Err(why) => return Err(self.err(path, K::MissingResource(why))),
                },
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

    /// May a statement of this resource-based policy omit `Resource`? Only when the policy is
    /// attached to a resource of a service in [`IMPLICIT_RESOURCE`]; otherwise, why not and how
    /// to fix the statement.
    fn implicit_resource(&self) -> std::result::Result<(), String> {
        let service = self.attached.and_then(Arn::parse).map(|a| a.service);
        if service.is_some_and(|s| IMPLICIT_RESOURCE.iter().any(|(svc, _)| *svc == s)) {
            return Ok(());
        }
        let allowed = IMPLICIT_RESOURCE
            .iter()
            .map(|(_, what)| *what)
            .collect::<Vec<_>>()
            .join(" and ");
        let attached = match self.attached {
            Some(arn) => format!(", and this policy is attached to `{arn}`"),
            None => String::new(),
        };
        Err(format!(
            "AWS accepts a statement without one only in {allowed}{attached}; \
             add `Resource` with the ARNs the statement covers"
        ))
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

/// The services whose resource-based policies AWS itself writes with statements that have no
/// `Resource` (or `NotResource`); such a statement applies to the resource the policy is
/// attached to. Every other resource-based policy needs the element, as the `Resource` page
/// says of all statements: S3 rejects a bucket policy statement without it ("Statement is
/// missing required element", <https://github.com/aws/aws-cdk/issues/6708>) and KMS lists it as
/// required in key policies (<https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html>).
/// - ECR: every repository policy example
///   (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html>;
///   <https://github.com/awsdocs/amazon-ecr-user-guide/blob/141610ad0c1b92a2203dfc3c85e049e7f1a99a40/doc_source/repository-policy-examples.md>);
/// - SNS: the topic policy example of the policy variables page
///   (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>;
///   <https://github.com/awsdocs/iam-user-guide/blob/2e6b89d02c8e2c1ca709fd64c02ebc28363b7b1e/doc_source/reference_policies_variables.md>).
///
/// See docs/semantics-decisions.md, "Resource-based policies without `Resource`".
const IMPLICIT_RESOURCE: [(&str, &str); 2] = [
    ("ecr", "ECR repository policies"),
    ("sns", "SNS topic policies"),
];

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
