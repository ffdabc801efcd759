//! One resource per template across a technique's requests. The function a technique creates
//! is the one it invokes, and the one `iam:PassRole` names as `iam:AssociatedResourceArn`
//! and the service as `aws:SourceArn`: requests naming the same `new:` or `existing:` template
//! share the attacker's choice of it, so a create allowed on `app-*` and an invoke allowed
//! only on `other-*` make no path, and a PassRole allowed only for `function:app-*` is met by
//! naming the function so. Candidates for the shared choice come from every request's Allow
//! statements (their `Resource`), the PassRole's conditions on `iam:AssociatedResourceArn`,
//! and the target's trust conditions on `aws:SourceArn`, one pattern at a time and two
//! together (names.rs); each is then asked of every request.
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_AssociatedResourceArn>

use super::combine::first_choices;
use super::index::Index;
use super::limits::limits;
use super::names::fill;
use super::names::{
    condition_patterns, leaves_names_open, names_by_condition, resource_patterns, spared_patterns,
    Namer,
};
use super::technique::{service_namespace, ResourceRef, TargetKind, Technique, TechniqueRequest};
use super::witness::covers;
use crate::policy::{Effect, Statement};
use crate::request::Context;
use std::sync::Arc;

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
/// its namespace, see `prove::source_arn`) and the one `iam:PassRole` names as
/// `iam:AssociatedResourceArn` (the first such that the technique creates); then every other
/// `new:` template, whose one request then meets the limits on its names too (limits.rs).
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
    let created = t.requests.iter().filter_map(|r| match &r.resource {
        ResourceRef::New(tmpl) => Some(tmpl.as_str()),
        _ => None,
    });
    for one in [source_template(t), t.associated_template()]
        .into_iter()
        .flatten()
        .chain(created)
    {
        if !out.contains(&one) {
            out.push(one);
        }
    }
    out
}

/// Whether `template` names an existing resource in technique `t` (`existing:`).
pub(super) fn is_existing(t: &Technique, template: &str) -> bool {
    t.requests
        .iter()
        .any(|r| matches!(&r.resource, ResourceRef::Existing(e) if e == template))
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

/// Where node `x`'s shared choices come from.
pub(super) struct Sources<'i, 'a> {
    pub ix: &'i Index<'a>,
    pub x: usize,
    /// What the engine knows of `x`, for policy variables
    pub facts: &'i Context,
    /// The existing resources each `existing:` template matches
    pub existing: &'i std::collections::HashMap<String, Vec<String>>,
}

/// The attacker's own choices for a template: the names one pattern admits (default first),
/// those a pattern of each source admits together, and the patterns they came from (one list
/// per request on the template, then the PassRole's), which a target's trust may meet in a
/// name of its own.
#[derive(Debug, Clone, Default)]
pub(super) struct Own {
    pub singles: Vec<String>,
    pub joint: Vec<String>,
    groups: Vec<Vec<String>>,
}

impl Sources<'_, '_> {
    /// The attacker's own choices for `template` in technique `t`, whatever the target, default
    /// first: for `new:`, the default name, then names the `Resource` of its Allow statements
    /// for each request on the template admits, then (for the resource `iam:PassRole` names)
    /// names its PassRole statements' conditions on `iam:AssociatedResourceArn` admit, then
    /// names a pattern of each of those sources admits together (names.rs); for `existing:`,
    /// each match.
    pub(super) fn own(&self, t: &Technique, template: &str) -> Own {
        let ix = self.ix;
        let at = self.at();
        if is_existing(t, template) {
            let singles = self.existing.get(template).cloned().unwrap_or_default();
            return Own {
                singles,
                ..Own::default()
            };
        }
        let mut singles = vec![fill(template, at.0, at.1, at.2)];
        let Some(namer) = Namer::new(ix, template, at) else {
            return Own {
                singles,
                ..Own::default()
            };
        };
        let allows = ix.allows.get(self.x).map(Vec::as_slice).unwrap_or(&[]);
        let limits = limits(ix, self.x);
        let mut groups: Vec<Vec<String>> = Vec::new();
        let on_template = t
            .requests
            .iter()
            .filter(|r| template_of(&r.resource) == Some(template));
        for r in on_template.clone() {
            let identity = allows.iter().map(Arc::as_ref);
            groups.push(self.allowed_names(identity, &r.actions, &namer));
            // A boundary, SCP or RCP level that admits only some names.
            for list in &limits.lists {
                let group = self.allowed_names(list.iter().copied(), &r.actions, &namer);
                if !group.is_empty() && group != [namer.any()] {
                    groups.push(group);
                }
            }
        }
        // A Deny on every name but those it spares: those, or any name where it does not apply.
        for deny in limits.denies {
            let covered = |r: &TechniqueRequest| {
                r.actions
                    .iter()
                    .any(|a| covers(deny, &a.to_ascii_lowercase()))
            };
            let spared = spared_patterns(deny, self.facts, at);
            if on_template.clone().any(covered) && !spared.is_empty() {
                let mut group = spared;
                add(&mut group, vec![namer.any()]);
                groups.push(group);
            }
        }
        if t.associated_template() == Some(template) {
            let pass = || allows.iter().filter(|st| covers(st, "iam:passrole"));
            let key = "iam:AssociatedResourceArn";
            let mut group = condition_patterns(pass(), key, self.facts, at);
            if pass().any(|st| !names_by_condition(st, key, self.facts, at)) {
                add(&mut group, vec![namer.any()]);
            }
            groups.push(group);
        }
        for g in &groups {
            add(&mut singles, namer.names(g));
        }
        let all: Vec<&[String]> = groups.iter().map(Vec::as_slice).collect();
        let joint = namer.joint(&all);
        Own {
            singles,
            joint,
            groups,
        }
    }

    /// The patterns under which the Allow statements of `statements` covering one of `actions`
    /// admit a name (the shape's [`Namer::any`] for `*` or a `NotResource`).
    fn allowed_names<'s>(
        &self,
        statements: impl Iterator<Item = &'s Statement>,
        actions: &[String],
        namer: &Namer<'_, '_>,
    ) -> Vec<String> {
        let at = self.at();
        let lower: Vec<String> = actions.iter().map(|a| a.to_ascii_lowercase()).collect();
        let mut group = Vec::new();
        for st in statements.filter(|st| st.effect == Effect::Allow) {
            if lower.iter().any(|a| covers(st, a)) {
                let patterns = resource_patterns(st, self.facts, at);
                let any = leaves_names_open(st, self.facts, at).then(|| namer.any());
                add(&mut group, patterns.into_iter().chain(any).collect());
            }
        }
        group
    }

    /// For the resource a passed role's service acts for (`template` created by `t`), the
    /// names the trust of target role `to` admits as `aws:SourceArn` alone, and those it
    /// admits together with a pattern of each of the attacker's own sources (`own`).
    pub(super) fn trusted(
        &self,
        t: &Technique,
        template: &str,
        to: usize,
        own: &Own,
    ) -> (Vec<String>, Vec<String>) {
        let ix = self.ix;
        if source_template(t) != Some(template) || is_existing(t, template) {
            return (Vec::new(), Vec::new());
        }
        let trust = ix
            .nodes
            .get(to)
            .and_then(|n| n.item)
            .and_then(|i| ix.inv.roles.get(i))
            .and_then(|r| r.trust_policy.as_ref());
        let Some(trust) = trust else {
            return (Vec::new(), Vec::new());
        };
        let assume = trust
            .document
            .statements
            .iter()
            .filter(|st| covers(st, "sts:assumerole"));
        let patterns = condition_patterns(assume, "aws:SourceArn", self.facts, self.at());
        // Most trusts name no source: no name to make.
        let namer = Namer::new(ix, template, self.at()).filter(|_| !patterns.is_empty());
        let Some(namer) = namer else {
            return (Vec::new(), Vec::new());
        };
        let mut all: Vec<&[String]> = own.groups.iter().map(Vec::as_slice).collect();
        all.push(&patterns);
        (namer.names(&patterns), namer.joint(&all))
    }

    /// The attacker's partition, region and account.
    fn at(&self) -> (&str, &str, &str) {
        let ix = self.ix;
        (ix.partition(self.x), ix.region.as_str(), ix.account(self.x))
    }
}

/// Append the names of `more` that `out` does not hold yet.
pub(super) fn add(out: &mut Vec<String>, more: Vec<String>) {
    for n in more {
        if !out.contains(&n) {
            out.push(n);
        }
    }
}

/// Every combination of one choice per template (`lists`), the first choices of each first
/// (see [`first_choices`]): all of a single list, and at most [`MAX_CHOICES`] of several. A
/// template with no choice (no existing resource fits) makes none.
pub(super) fn combinations<'t>(lists: &[(&'t str, Vec<String>)]) -> Vec<Vec<(&'t str, String)>> {
    if let [(tmpl, choices)] = lists {
        return choices.iter().map(|c| vec![(*tmpl, c.clone())]).collect();
    }
    let tagged: Vec<Vec<(&'t str, &String)>> = lists
        .iter()
        .map(|(tmpl, choices)| choices.iter().map(|c| (*tmpl, c)).collect())
        .collect();
    first_choices(&tagged, MAX_CHOICES)
        .into_iter()
        .map(|combo| combo.into_iter().map(|(t, c)| (t, c.clone())).collect())
        .collect()
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
