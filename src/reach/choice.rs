//! One resource per template across a technique's requests. The function a technique creates
//! is the one it invokes, and the one `iam:PassRole` names as `iam:AssociatedResourceArn`
//! and the service as `aws:SourceArn`: requests naming the same `new:` or `existing:` template
//! share the attacker's choice of it, so a create allowed on `app-*` and an invoke allowed
//! only on `other-*` make no path, and a PassRole allowed only for `function:app-*` is met by
//! naming the function so. Candidates for the shared choice come from every request's Allow
//! statements (their `Resource`), the PassRole's conditions on `iam:AssociatedResourceArn`,
//! and the target's trust conditions on `aws:SourceArn`; each is then asked of every request.
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_AssociatedResourceArn>

use super::index::Index;
use super::technique::{service_namespace, ResourceRef, TargetKind, Technique};
use super::witness::{covers, fill, named_by_conditions, named_by_resources};
use crate::request::Context;

/// More choices than this for one technique are not tried (the first are: the default name,
/// then names from the attacker's statements in order).
const MAX_CHOICES: usize = 64;

/// The template of a request's resource, when the attacker creates it or picks it among
/// existing ones.
pub(super) fn template_of(r: &ResourceRef) -> Option<&str> {
    match r {
        ResourceRef::New(t) | ResourceRef::Existing(t) => Some(t.as_str()),
        _ => None,
    }
}

/// The templates whose choice technique `t`'s requests share: one named by two requests or
/// more, and for a passed role the one the service is sent as `aws:SourceArn` (the first in
/// its namespace, see `prove::source_arn`), which `iam:PassRole` names as
/// `iam:AssociatedResourceArn` when the technique creates it.
pub(super) fn shared_templates(t: &Technique) -> Vec<&str> {
    let templates: Vec<&str> = t
        .requests
        .iter()
        .filter_map(|r| template_of(&r.resource))
        .collect();
    let mut out: Vec<&str> = Vec::new();
    for (i, tmpl) in templates.iter().enumerate() {
        if templates.get(i + 1..).unwrap_or(&[]).contains(tmpl) && !out.contains(tmpl) {
            out.push(tmpl);
        }
    }
    if let Some(source) = source_template(t) {
        if !out.contains(&source) {
            out.push(source);
        }
    }
    out
}

/// For a passed role, the template of the resource the service acts for: the first of the
/// technique's resources in the service's namespace.
fn source_template(t: &Technique) -> Option<&str> {
    if t.target != TargetKind::PassedRole {
        return None;
    }
    let label = service_namespace(t.service.as_deref()?);
    t.requests
        .iter()
        .filter_map(|r| template_of(&r.resource))
        .find(|tmpl| tmpl.split(':').nth(2) == Some(label))
}

/// Where the attacker's shared choices come from, for node `x` facing target role `to`.
pub(super) struct Sources<'i, 'a> {
    pub ix: &'i Index<'a>,
    pub x: usize,
    pub to: usize,
    /// What the engine knows of `x`, for policy variables
    pub facts: &'i Context,
    /// The existing resources each `existing:` template matches
    pub existing: &'i std::collections::HashMap<String, Vec<String>>,
}

impl Sources<'_, '_> {
    /// The choices for `template` in technique `t`, default first: for `new:`, the default
    /// name then names the statements and conditions admit; for `existing:`, each match.
    pub(super) fn choices(&self, t: &Technique, template: &str) -> Vec<String> {
        let ix = self.ix;
        let partition = ix.partition(self.x);
        let account = ix.account(self.x);
        let region = ix.region.as_str();
        let existing = t
            .requests
            .iter()
            .any(|r| matches!(&r.resource, ResourceRef::Existing(e) if e == template));
        if existing {
            return self.existing.get(template).cloned().unwrap_or_default();
        }
        let mut out = vec![fill(template, partition, region, account)];
        let mut add = |names: Vec<String>| {
            for n in names {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
        };
        for r in t.requests.iter() {
            if template_of(&r.resource) == Some(template) {
                for action in &r.actions {
                    let lower = action.to_ascii_lowercase();
                    add(named_by_resources(ix, self.x, &lower, template, self.facts));
                }
            }
        }
        if source_template(t) == Some(template) {
            let at = (partition, region, account);
            if t.associated_template() == Some(template) {
                let allows = ix.allows.get(self.x).map(Vec::as_slice).unwrap_or(&[]);
                let pass = allows.iter().filter(|st| covers(st, "iam:passrole"));
                let key = "iam:AssociatedResourceArn";
                add(named_by_conditions(pass, key, template, at, self.facts));
            }
            let trust = ix
                .nodes
                .get(self.to)
                .and_then(|n| n.item)
                .and_then(|i| ix.inv.roles.get(i))
                .and_then(|r| r.trust_policy.as_ref());
            if let Some(trust) = trust {
                let assume = trust
                    .document
                    .statements
                    .iter()
                    .filter(|st| covers(st, "sts:assumerole"));
                add(named_by_conditions(
                    assume,
                    "aws:SourceArn",
                    template,
                    at,
                    self.facts,
                ));
            }
        }
        out
    }
}

/// Every combination of one choice per template (`lists`, each non-empty), the first
/// choices first, at most [`MAX_CHOICES`]: a template with no choice (no existing resource
/// matches) makes none.
pub(super) fn combinations<'t>(lists: &[(&'t str, Vec<String>)]) -> Vec<Vec<(&'t str, String)>> {
    let mut out: Vec<Vec<(&'t str, String)>> = vec![Vec::new()];
    for (tmpl, choices) in lists {
        let mut next = Vec::new();
        for prefix in &out {
            for c in choices {
                if next.len() >= MAX_CHOICES {
                    break;
                }
                let mut combo = prefix.clone();
                combo.push((*tmpl, c.clone()));
                next.push(combo);
            }
        }
        out = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinations_take_one_choice_per_template_first_choices_first() {
        let lists = [
            ("a", vec!["a1".to_string(), "a2".to_string()]),
            ("b", vec!["b1".to_string(), "b2".to_string()]),
        ];
        let got = combinations(&lists);
        let flat: Vec<Vec<&str>> = got
            .iter()
            .map(|c| c.iter().map(|(_, v)| v.as_str()).collect())
            .collect();
        assert_eq!(
            flat,
            [["a1", "b1"], ["a1", "b2"], ["a2", "b1"], ["a2", "b2"]]
        );
        assert!(combinations(&[("a", Vec::new())]).is_empty());
        assert_eq!(combinations(&[]), [Vec::new()]);
    }
}
