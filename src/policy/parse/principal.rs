//! `Principal` and `NotPrincipal`: which kinds of policy take them, and each entry's form.

use serde_json::{Map, Value};

use super::{wrong, Parser, Result};
use crate::pattern::is_account_id;
use crate::pattern::{Arn, PARTITIONS};
use crate::policy::error::closest;
use crate::policy::error::JsonPath;
use crate::policy::error::PolicyErrorKind as K;
use crate::policy::{PolicyKind, PrincipalClause, PrincipalEntry, Principals};

impl Parser<'_> {
    pub(super) fn principal_clause(
        &self,
        obj: &Map<String, Value>,
        path: &JsonPath,
    ) -> Result<Option<PrincipalClause>> {
        let found = self.exclusive(obj, path, "Principal", "NotPrincipal")?;
        let allowed = match self.kind {
            PolicyKind::Identity | PolicyKind::Scp => None,
            PolicyKind::Trust => Some(false),
            PolicyKind::Resource | PolicyKind::Rcp => Some(true),
        };
        match (found, allowed) {
            (None, None) => Ok(None),
            (None, Some(_)) => Err(self.err(path, K::Missing("Principal"))),
            (Some((not, _, p)), None) => Err(self.err(
                &p,
                K::NotAllowed {
                    element: if not { "NotPrincipal" } else { "Principal" },
                    policy_kind: self.kind.describe(),
                },
            )),
            (Some((true, _, p)), Some(false)) => Err(self.err(
                &p,
                K::NotAllowed {
                    element: "NotPrincipal",
                    policy_kind: self.kind.describe(),
                },
            )),
            (Some((not, v, p)), Some(_)) => {
                let principals = self.principals(v, &p)?;
                Ok(Some(if not {
                    PrincipalClause::NotPrincipal(principals)
                } else {
                    PrincipalClause::Principal(principals)
                }))
            }
        }
    }

    pub(super) fn principals(&self, v: &Value, path: &JsonPath) -> Result<Principals> {
        let obj = match v {
            Value::String(s) if s == "*" => {
                return Ok(Principals {
                    any: true,
                    entries: Vec::new(),
                })
            }
            Value::Object(o) => o,
            Value::String(s) => {
                return Err(self.err(
                    path,
                    K::Invalid {
                        what: "principal",
                        value: s.clone(),
                        why: "a bare string principal must be \"*\"; use {\"AWS\": ...}, {\"Service\": ...}, ...".into(),
                    },
                ))
            }
            other => return Err(self.err(path, wrong("\"*\" or an object", other))),
        };
        if obj.is_empty() {
            return Err(self.err(path, K::Empty("Principal")));
        }
        let mut entries = Vec::new();
        for (k, v) in obj {
            let kp = path.key(k);
            for (p, s) in self.strings(v, &kp, "Principal")? {
                let entry = match k.as_str() {
                    "AWS" => self.aws_principal(s, &p)?,
                    "Service" | "Federated" | "CanonicalUser" => {
                        if s.is_empty() || s.contains(['*', '?']) {
                            return Err(self.err(
                                &p,
                                K::Invalid {
                                    what: "principal",
                                    value: s.into(),
                                    why: "wildcards are not allowed in Principal".into(),
                                },
                            ));
                        }
                        match k.as_str() {
                            "Service" => PrincipalEntry::Service(s.to_ascii_lowercase()),
                            "Federated" => PrincipalEntry::Federated(s.into()),
                            _ => PrincipalEntry::CanonicalUser(s.into()),
                        }
                    }
                    _ => {
                        return Err(self.err(
                            &kp,
                            K::UnknownElement {
                                name: k.clone(),
                                suggestion: closest(
                                    k,
                                    ["AWS", "Service", "Federated", "CanonicalUser"],
                                ),
                            },
                        ))
                    }
                };
                entries.push(entry);
            }
        }
        Ok(Principals {
            any: false,
            entries,
        })
    }

    /// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
    pub(super) fn aws_principal(&self, s: &str, path: &JsonPath) -> Result<PrincipalEntry> {
        let invalid = |why: &str| {
            self.err(
                path,
                K::Invalid {
                    what: "AWS principal",
                    value: s.into(),
                    why: why.into(),
                },
            )
        };
        if s == "*" {
            return Ok(PrincipalEntry::AnyAws);
        }
        if s.contains(['*', '?']) {
            return Err(invalid("partial wildcards are not allowed in Principal; use `*` with a condition on aws:PrincipalArn"));
        }
        if is_account_id(s) {
            return Ok(PrincipalEntry::Account {
                raw: s.into(),
                account: s.into(),
            });
        }
        if is_unique_id(s) {
            return Ok(PrincipalEntry::UniqueId(s.into()));
        }
        let arn =
            Arn::parse(s).ok_or_else(|| invalid("expected an account id, `*` or an IAM ARN"))?;
        if !is_account_id(arn.account) {
            return Err(invalid("the ARN has no 12-digit account id"));
        }
        if !PARTITIONS.contains(&arn.partition) {
            return Err(invalid(
                "the ARN's partition is not an AWS partition (aws, aws-cn, aws-us-gov, ...)",
            ));
        }
        let ok = match arn.service {
            "iam" => {
                arn.resource == "root"
                    || ["user/", "role/"]
                        .iter()
                        .any(|p| arn.resource.len() > p.len() && arn.resource.starts_with(p))
            }
            "sts" => ["assumed-role/", "federated-user/"]
                .iter()
                .any(|p| arn.resource.starts_with(p)),
            _ => false,
        };
        if !ok {
            return Err(invalid("expected an IAM user, role or root ARN, or an STS assumed-role or federated-user ARN"));
        }
        if arn.service == "iam" && arn.resource == "root" {
            return Ok(PrincipalEntry::Account {
                raw: s.into(),
                account: arn.account.into(),
            });
        }
        Ok(PrincipalEntry::Arn(s.into()))
    }
}

/// AWS unique ids: four uppercase letters (`AIDA`, `AROA`, ...) then 16+ uppercase letters/digits.
fn is_unique_id(s: &str) -> bool {
    s.len() >= 20
        && s.starts_with('A')
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && s.get(..4)
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_uppercase()))
}
