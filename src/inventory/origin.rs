//! Where each policy of a loaded `policies/` inventory sits: its file (recorded at load as each
//! item's `source`) and the JSON path of its document in that file (docs/formats.md), with the
//! `SourcePolicyType` AWS's simulator gives it. `explain --format aws` reads the file again to
//! give each matched statement's line and column.

use std::collections::HashMap;

use super::{Inventory, NamedPolicy};
use crate::jsonpos::Segment;

/// Where one policy document sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyOrigin {
    /// The file it was loaded from
    pub file: String,
    /// The JSON path of the document in the file
    pub path: Vec<Segment>,
    /// AWS's `SourcePolicyType`: `role`, `user`, `group`, `user-managed`, `aws-managed` or
    /// `resource`
    pub source_type: &'static str,
}

fn key(k: &str) -> Segment {
    Segment::Key(k.to_string())
}

/// Every policy of `inv` by name (SCPs, RCPs and managed policies' other versions, which live
/// in `organization.json` levels or version lists, are left out). An inventory imported from a
/// Terraform plan or an authorization dump has other sources: their paths do not resolve.
pub fn policy_origins(inv: &Inventory) -> HashMap<String, PolicyOrigin> {
    let mut out = HashMap::new();
    let mut add = |p: &NamedPolicy, file: &str, path: Vec<Segment>, source_type| {
        out.insert(
            p.name.clone(),
            PolicyOrigin {
                file: file.to_string(),
                path,
                source_type,
            },
        );
    };
    let inline = |p: &NamedPolicy| {
        let name = p.name.rsplit_once('/').map_or(p.name.as_str(), |(_, n)| n);
        vec![key("inline_policies"), key(name)]
    };
    for r in &inv.roles {
        if let Some(t) = &r.trust_policy {
            add(t, &r.source, vec![key("trust_policy")], "resource");
        }
        for p in &r.inline_policies {
            add(p, &r.source, inline(p), "role");
        }
    }
    for u in &inv.users {
        for p in &u.inline_policies {
            add(p, &u.source, inline(p), "user");
        }
    }
    for g in &inv.groups {
        for p in &g.inline_policies {
            add(p, &g.source, inline(p), "group");
        }
    }
    for m in &inv.managed_policies {
        let kind = if m.arn.contains(":aws:policy/") {
            "aws-managed"
        } else {
            "user-managed"
        };
        add(&m.policy, &m.source, vec![key("document")], kind);
    }
    for r in &inv.resources {
        if let Some(p) = &r.policy {
            add(p, &r.source, vec![key("policy")], "resource");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use crate::inventory::load_dir;
    use std::path::Path;

    #[test]
    fn inline_trust_and_resource_policies_have_their_paths() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/tiny/policies");
        let origins = policy_origins(&load_dir(&dir).unwrap());
        let app = &origins["app/app"];
        assert!(app.file.ends_with("roles/app.json"), "{}", app.file);
        assert_eq!(app.path, [key("inline_policies"), key("app")]);
        assert_eq!(app.source_type, "role");
        assert_eq!(origins["app/trust"].source_type, "resource");
        assert_eq!(origins["kms-data"].path, [key("policy")]);
    }
}
