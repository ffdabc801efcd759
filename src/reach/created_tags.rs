//! Tags on what the attacker creates, for the technique's later requests on it: an Allow that
//! wants the created resource tagged (ABAC: invoke a function whose `team` tag is
//! `${aws:PrincipalTag/team}`) is met by tagging it so when creating it
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/introduction_attribute-based-access-control.html>).
//! The create then carries the tags as `aws:RequestTag/*` (its tagging authorized as
//! tagging.rs says), and each later request on the resource sees them as `aws:ResourceTag/*`.

use super::attack::Attack;
use super::choice::{is_existing, template_of};
use super::index::Index;
use super::meet::meeting;
use super::plan::Via;
use super::prove::ProvedRequest;
use super::tagged::Tagged;
use super::technique::Technique;
use super::witness::covers;
use crate::catalog::after_prefix;
use crate::request::Context;

/// The key prefix of a resource's tag.
const RESOURCE_TAG: &str = "aws:resourcetag/";

/// More tag sets than this are not tried for one created resource.
const MAX_TAG_SETS: usize = 8;

impl Attack<'_, '_> {
    /// [`Attack::attempt_with`] for technique `t` (number `ti`, against `to` through `via`,
    /// collecting the proof or not) with the resources the attacker creates tagged as the
    /// technique's later requests on them want, each tag set in turn.
    pub(super) fn attempt_tagged(
        &mut self,
        t: &'static Technique,
        (ti, to, via, collect): (usize, usize, Via, bool),
        combo: &[(&str, String)],
    ) -> Option<Vec<ProvedRequest>> {
        let mut sets = Vec::new();
        for (tmpl, _) in combo.iter().filter(|(tmpl, _)| !is_existing(t, tmpl)) {
            // The technique's own spelling of the template, which lives as long as it does.
            let Some(template) = t
                .requests
                .iter()
                .find_map(|r| template_of(&r.resource).filter(|own| own == tmpl))
            else {
                continue;
            };
            let (ix, x) = (self.ix, self.x);
            sets.extend(wanted(ix, x, t, template, self.facts()));
        }
        for tagged in sets {
            self.tagged = Some(tagged);
            let found = self.attempt_with(t, ti, to, via, collect, combo);
            self.tagged = None;
            if let Ok(proved) = found {
                return Some(proved);
            }
        }
        None
    }
}

/// The tag sets worth trying on the resource of `template` that technique `t` creates, for
/// node `x`: one per identity Allow of `x` covering a later request's action with conditions
/// on `aws:ResourceTag/*`, valued to meet them (`facts` filling policy variables). Empty when
/// the technique's first request on the template does not create it with tags (its action
/// never carries `aws:RequestTag/*`).
pub(super) fn wanted(
    ix: &Index<'_>,
    x: usize,
    t: &'static Technique,
    template: &'static str,
    facts: &Context,
) -> Vec<Tagged> {
    let mut on = t
        .requests
        .iter()
        .filter(|r| template_of(&r.resource) == Some(template));
    let Some(creating) = on.next() else {
        return Vec::new();
    };
    let catalog = crate::catalog::Catalog::embedded();
    let takes_tags = creating
        .actions
        .iter()
        .any(|a| !catalog.never_carries(a, "aws:RequestTag/team"));
    let later: Vec<String> = on
        .flat_map(|r| r.actions.iter().map(|a| a.to_ascii_lowercase()))
        .collect();
    if !takes_tags || later.is_empty() {
        return Vec::new();
    }
    let statements = ix.allows.get(x).map(Vec::as_slice).unwrap_or(&[]);
    let mut out: Vec<Tagged> = Vec::new();
    for st in statements
        .iter()
        .filter(|st| later.iter().any(|a| covers(st, a)))
    {
        let tags: Vec<(String, String)> = st
            .conditions
            .iter()
            .filter_map(|c| {
                let key = after_prefix(&c.key, RESOURCE_TAG)?;
                let (value, _) = meeting(c, facts)?;
                Some((key.to_string(), value))
            })
            .collect();
        if tags.is_empty() || out.iter().any(|o| o.tags == tags) {
            continue;
        }
        out.push(Tagged {
            template,
            creating,
            tags,
        });
        if out.len() == MAX_TAG_SETS {
            break;
        }
    }
    out
}
