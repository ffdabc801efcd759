//! Who each role's trust policy names, indexed once for the search: by service, by role or
//! user name, by role session, and "anyone"; and the roles a node's identity is trusted by.

use std::collections::BTreeSet;

use super::index::{Index, NodeKind};
use crate::pattern::Arn;
use crate::policy::{Effect, PrincipalClause, PrincipalEntry};

impl Index<'_> {
    /// Who each role's trust policy names.
    pub(super) fn index_trust(&mut self) {
        for (r, role) in self.inv.roles.iter().enumerate() {
            let Some(trust) = &role.trust_policy else {
                continue;
            };
            let mut anyone = false;
            for st in trust
                .document
                .statements
                .iter()
                .filter(|s| s.effect == Effect::Allow)
            {
                let ps = match &st.principal {
                    Some(PrincipalClause::Principal(ps)) => ps,
                    _ => {
                        anyone = true;
                        continue;
                    }
                };
                anyone |= ps.any;
                for e in &ps.entries {
                    let key = match e {
                        PrincipalEntry::AnyAws => {
                            anyone = true;
                            continue;
                        }
                        PrincipalEntry::Service(s) => {
                            let list = self.trust.by_service.entry(s.to_ascii_lowercase());
                            push_unique(list.or_default(), r);
                            continue;
                        }
                        PrincipalEntry::Account { account, .. } => account.clone(),
                        PrincipalEntry::Arn(a) => {
                            if let Some((key, session)) = session_of(a) {
                                let list = self.trust.by_session.entry(key).or_default();
                                if !list.iter().any(|(x, s)| *x == r && *s == session) {
                                    list.push((r, session));
                                }
                            }
                            a.clone()
                        }
                        _ => continue,
                    };
                    push_unique(self.trust.by_name.entry(key).or_default(), r);
                }
            }
            if anyone {
                self.trust.anyone.push(r);
            }
        }
    }

    /// The roles whose trust policy could let node `n` in (it names the node, its role, its
    /// account, or everyone); the engine decides the rest.
    pub fn trusting(&self, n: usize) -> BTreeSet<usize> {
        let mut out: BTreeSet<usize> = self.trust.anyone.iter().copied().collect();
        let Some(node) = self.nodes.get(n) else {
            return out;
        };
        let mut names = vec![node.arn.clone()];
        if let Some(a) = &node.account {
            names.push(a.clone());
            names.push(format!("arn:aws:iam::{a}:root"));
        }
        if node.kind == NodeKind::Service {
            out.extend(self.trust.by_service.get(&node.arn).into_iter().flatten());
        }
        for name in names {
            out.extend(self.trust.by_name.get(&name).into_iter().flatten());
        }
        out.extend(self.sessions_trusted(n).into_iter().map(|(r, _)| r));
        out
    }

    /// For a role node `n`: the roles (indices in `inventory.roles`) whose trust names a
    /// session of it, with the session name. Whoever assumes the role names the session
    /// (`RoleSessionName`, <https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html>),
    /// so the node, standing for the role's sessions, can act as that one
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>).
    pub fn sessions_trusted(&self, n: usize) -> Vec<(usize, &str)> {
        let Some(node) = self.nodes.get(n).filter(|x| x.kind == NodeKind::Role) else {
            return Vec::new();
        };
        let Some(role) = node.item.and_then(|i| self.inv.roles.get(i)) else {
            return Vec::new();
        };
        let key = format!("{}:{}", role.account, role.name.to_ascii_lowercase());
        self.trust
            .by_session
            .get(&key)
            .into_iter()
            .flatten()
            .map(|(r, s)| (*r, s.as_str()))
            .collect()
    }
}

/// For a role-session ARN (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`): the key of its
/// role in [`TrustIndex::by_session`] and the session name.
fn session_of(arn: &str) -> Option<(String, String)> {
    let a = Arn::parse(arn).filter(|a| a.service.eq_ignore_ascii_case("sts"))?;
    let (role, session) = a.resource.strip_prefix("assumed-role/")?.split_once('/')?;
    (!session.is_empty() && !role.is_empty()).then(|| {
        (
            format!("{}:{}", a.account, role.to_ascii_lowercase()),
            session.to_string(),
        )
    })
}

fn push_unique(list: &mut Vec<usize>, r: usize) {
    if !list.contains(&r) {
        list.push(r);
    }
}
