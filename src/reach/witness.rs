//! The values an attacker chooses: the name of what it creates and the condition keys of its
//! own requests (keys.rs). For each request the engine is asked with the technique's own
//! context first, then once per identity Allow statement of the attacker that covers the
//! action, with a resource name that statement's `Resource` admits and values that meet its
//! conditions on keys the attacker controls, then (for an `sts:` request on a role) once per
//! Allow statement of the role's trust policy that covers it, with values meeting its
//! conditions on the keys the caller of `sts:AssumeRole` sets (`sts:ExternalId`,
//! `sts:RoleSessionName`, `aws:RequestedRegion`). Each is then asked again with the context
//! lifting the limits beyond the identity Allows (limits.rs): a Deny may so add a candidate,
//! but a path found through it exists without the Deny too. Adding an Allow only adds
//! candidates.

use std::sync::Arc;

use super::index::Index;
use super::keys::attacker_controls;
use super::limits::{limits, Limits};
use super::meet::{absent_meets, escaping, meeting};
use super::names::{fill, resource_patterns, Namer, CHOSEN};
use crate::catalog::is_request_tag_key;
use crate::policy::condition::Condition;
use crate::policy::{ActionClause, Effect, ResourceClause, ResourceMatcher, Statement};
use crate::request::Context;

/// Where a request is made, before the attacker's choices.
#[derive(Debug, Clone)]
pub(super) enum Place<'t> {
    /// A known ARN (or `*`)
    Fixed(&'t str),
    /// A resource the attacker creates, from an ARN template
    New(&'t str),
    /// One of these existing resources
    Existing(&'t [String]),
}

/// One way to make a request: the resource and the context keys added to the technique's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Candidate {
    pub resource: String,
    pub context: Vec<(String, String, bool)>,
}

/// Whether `st` can allow `action` (lowercase) at all.
pub(super) fn covers(st: &Statement, action: &str) -> bool {
    match &st.action {
        ActionClause::Action(ps) => ps.iter().any(|p| p.matcher.is_match(action)),
        ActionClause::NotAction(ps) => !ps.iter().any(|p| p.matcher.is_match(action)),
    }
}

/// Whether an Allow could grant node `x` `action` (lowercase) on `arn` at all: one of its
/// identity Allow statements covers the action with a `Resource` that may match `arn` (a
/// pattern with policy variables, or `NotResource`, may), or a resource-based policy could
/// decide it. A cheap test before asking the engine, never a reason to allow.
pub(super) fn may_allow(ix: &Index<'_>, x: usize, action: &str, arn: &str) -> bool {
    if ix.has_policy(arn, action.starts_with("sts:")) {
        return true;
    }
    let statements = ix.allows.get(x).map(Vec::as_slice).unwrap_or(&[]);
    statements
        .iter()
        .filter(|st| covers(st, action))
        .any(|st| match &st.resource {
            Some(ResourceClause::Resource(ps)) => ps.iter().any(|p| match &p.matcher {
                ResourceMatcher::Fixed(w) => w.is_match(arn),
                _ => true,
            }),
            _ => true,
        })
}

/// Keys the caller of `sts:AssumeRole` sets only with a permission the technique does not ask
/// for: session tags need `sts:TagSession`, a source identity `sts:SetSourceIdentity`
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>). No value for
/// them is taken on an `sts:` request, from a trust policy, an identity Allow or a limit
/// (docs/reach.md lists this as not modelled).
const NEEDS_ANOTHER_ACTION: &[&str] = &[
    "aws:requesttag/",
    "aws:tagkeys",
    "sts:transitivetagkeys",
    "sts:sourceidentity",
];

/// Context entries (key, value, is-list) meeting `st`'s conditions on keys the attacker
/// controls in a request for `action`, leaving out keys the technique sets (`fixed`), tag keys
/// the action does not take (an `lambda:InvokeFunction` passes no tags), on an `sts:` request
/// those in [`NEEDS_ANOTHER_ACTION`], and tags a condition admits the absence of (a tag costs
/// its tagging authorization: tagging.rs).
fn chosen_context(
    st: &Statement,
    action: &str,
    fixed: &[(String, String)],
    facts: &Context,
    spare: Spare,
) -> Vec<(String, String, bool)> {
    st.conditions
        .iter()
        .filter(|c| settable(c, action, fixed))
        .filter(|c| spare == Spare::No || !(is_request_tag_key(&c.key) && absent_meets(c)))
        .filter_map(|c| meeting(c, facts).map(|(v, list)| (c.key.clone(), v, list)))
        .collect()
}

/// Whether to leave out the tags a condition admits the absence of (a tag costs its tagging
/// authorization), or to give each the value its condition names (another limit may want the
/// tag present: an `...IfExists` tag condition then wants that value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spare {
    Tags,
    No,
}

/// Whether the attacker sets `c`'s key in its request for `action` (see [`chosen_context`]).
fn settable(c: &Condition, action: &str, fixed: &[(String, String)]) -> bool {
    let listed = |keys: &[&str], key: &str| {
        let lower = key.to_ascii_lowercase();
        keys.iter()
            .any(|k| lower == *k || (k.ends_with('/') && lower.starts_with(k)))
    };
    let catalog = crate::catalog::Catalog::embedded();
    let session_tag = action.starts_with("sts:") && listed(NEEDS_ANOTHER_ACTION, &c.key);
    let set_by_technique = fixed.iter().any(|(k, _)| k.eq_ignore_ascii_case(&c.key));
    attacker_controls(&c.key)
        && !c.key.contains("${")
        && !catalog.never_carries(action, &c.key)
        && !session_tag
        && !set_by_technique
}

/// Add `entry` to `context`, one value per key: a value that only has to be present
/// ([`CHOSEN`], `Null`'s) gives way to one a condition names, which is kept over any later
/// one; `aws:TagKeys` is a list (the request's tags together), each value named joining it.
fn merge(context: &mut Vec<(String, String, bool)>, entry: (String, String, bool)) {
    let same = |k: &str| k.eq_ignore_ascii_case(&entry.0);
    if let Some(held) = context.iter_mut().find(|(k, v, _)| same(k) && v == CHOSEN) {
        if entry.1 != CHOSEN {
            *held = entry;
        }
        return;
    }
    let list = entry.0.eq_ignore_ascii_case("aws:TagKeys");
    let held = context
        .iter()
        .any(|(k, v, _)| same(k) && (!list || *v == entry.1 || entry.1 == CHOSEN));
    if !held {
        context.push(entry);
    }
}

/// Context entries lifting `limits`, those beyond an attacker's identity Allows on `action`
/// (limits.rs): for each Deny covering it, a value making one of its conditions on a key the
/// attacker sets false, unless leaving a key absent already does; for each boundary, SCP or
/// RCP level, values meeting the conditions of one of its covering Allows.
/// With [`Spare::Tags`] a Deny is escaped by another key than a tag where it can be, and a
/// level's tags that may be absent are left out; with [`Spare::No`] a tag is preferred and
/// each gets the value its condition names. A level is passed through its `pick`-th covering
/// Allow that needs something (the last when it has fewer).
fn lifting(
    limits: &Limits<'_>,
    action: &str,
    (fixed, facts): (&[(String, String)], &Context),
    (spare, pick): (Spare, usize),
) -> Vec<(String, String, bool)> {
    let mut out: Vec<(String, String, bool)> = Vec::new();
    // The region is the analysis's (`--region`): a region lock is met by running it there.
    // Tags are sent as one set, and their tagging authorized where the service asks it
    // (tagging.rs, in `prove::ask`).
    let kept = |key: &str| !key.eq_ignore_ascii_case("aws:requestedregion");
    // One value per key: a value that only has to be present (`Null`'s) gives way to one a
    // later limit names (a Deny unless the tag is present, another unless it is `red`).
    let mut put = |entry: (String, String, bool)| {
        if kept(&entry.0) {
            merge(&mut out, entry);
        }
    };
    // On an `sts:` request, session tags and a source identity need another action too
    // (`settable`).
    let liftable = |c: &&Condition| settable(c, action, fixed) && kept(&c.key);
    for deny in limits.denies.iter().filter(|st| covers(st, action)) {
        let ways: Vec<(&Condition, Option<(String, bool)>)> = deny
            .conditions
            .iter()
            .filter(liftable)
            .filter_map(|c| Some((c, escaping(c, facts)?)))
            .collect();
        if ways.iter().any(|(_, way)| way.is_none()) {
            continue;
        }
        // A way out by a tag costs its tagging authorization: another key's first.
        let way = ways
            .iter()
            .find(|(c, _)| is_request_tag_key(&c.key) == (spare == Spare::No))
            .or_else(|| ways.first());
        if let Some((c, Some((value, list)))) = way {
            put((c.key.clone(), value.clone(), *list));
        }
    }
    for list in &limits.lists {
        // A covering Allow that needs nothing the attacker sets may still be unmet (a condition
        // on a key AWS sets): each that needs something is a way through the level.
        let needs: Vec<Vec<(String, String, bool)>> = list
            .iter()
            .filter(|st| st.effect == Effect::Allow && covers(st, action))
            .map(|st| chosen_context(st, action, fixed, facts, spare))
            .filter(|n| !n.is_empty())
            .collect();
        if let Some(need) = needs.get(pick).or_else(|| needs.last()) {
            need.iter().cloned().for_each(&mut put);
        }
    }
    out
}

/// How many of a level's covering Allows [`lifting`] tries, one per lifting.
const MAX_PICKS: usize = 4;

/// The Allow statements covering `action` (lowercase, an `sts:` one) of the trust policy of
/// the role at `arn`: the caller of `sts:AssumeRole` chooses the external ID, the session
/// name and the region it calls, so it can meet their conditions
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html>,
/// <https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html>).
fn trust_allows<'i>(ix: &'i Index<'_>, action: &str, arn: &str) -> Vec<&'i Arc<Statement>> {
    if !action.starts_with("sts:") {
        return Vec::new();
    }
    let trust = ix
        .role_by_arn(arn)
        .and_then(|n| ix.nodes.get(n))
        .and_then(|n| n.item)
        .and_then(|i| ix.inv.roles.get(i))
        .and_then(|r| r.trust_policy.as_ref());
    trust
        .map(|t| {
            t.document
                .statements
                .iter()
                .filter(|st| st.effect == Effect::Allow && covers(st, action))
                .collect()
        })
        .unwrap_or_default()
}

/// The candidates for node `x` asking `action` (lowercase) at `place`, the technique's own
/// context being `fixed` and `facts` what the engine knows of `x` (for policy variables): the
/// plain request(s) first, then one per covering identity Allow statement, then one per
/// covering Allow of the trust policy when `place` is a role and `action` an `sts:` one.
pub(super) fn candidates(
    ix: &Index<'_>,
    x: usize,
    action: &str,
    place: &Place<'_>,
    fixed: &[(String, String)],
    facts: &Context,
) -> Vec<Candidate> {
    let partition = ix.partition(x);
    let account = ix.account(x);
    let region = ix.region.as_str();
    let plain = |resource: String| Candidate {
        resource,
        context: Vec::new(),
    };
    let mut out: Vec<Candidate> = match place {
        Place::Fixed(arn) => vec![plain(arn.to_string())],
        Place::New(t) => vec![plain(fill(t, partition, region, account))],
        Place::Existing(arns) => arns.iter().cloned().map(plain).collect(),
    };
    let statements: Vec<&Arc<Statement>> = ix
        .allows
        .get(x)
        .map(|s| s.iter().filter(|st| covers(st, action)).collect())
        .unwrap_or_default();
    let at = (partition, region, account);
    let namer = match place {
        Place::New(t) => Namer::new(ix, t, at),
        _ => None,
    };
    for st in statements {
        let spared = chosen_context(st, action, fixed, facts, Spare::Tags);
        let full = chosen_context(st, action, fixed, facts, Spare::No);
        let contexts = if spared == full {
            vec![spared]
        } else {
            vec![spared, full]
        };
        let mut resources: Vec<String> = match place {
            Place::Fixed(arn) => vec![arn.to_string()],
            Place::Existing(arns) => arns.to_vec(),
            Place::New(t) => vec![fill(t, partition, region, account)],
        };
        if let Some(namer) = &namer {
            let named = namer.names(&resource_patterns(st, facts, at));
            resources = named.into_iter().chain(resources).collect();
        }
        for resource in resources {
            for context in &contexts {
                let c = Candidate {
                    resource: resource.clone(),
                    context: context.clone(),
                };
                if !out.contains(&c) {
                    out.push(c);
                }
            }
        }
    }
    if let Place::Fixed(arn) = place {
        for st in trust_allows(ix, action, arn) {
            let c = Candidate {
                resource: arn.to_string(),
                context: chosen_context(st, action, fixed, facts, Spare::Tags),
            };
            if !c.context.is_empty() && !out.contains(&c) {
                out.push(c);
            }
        }
    }
    // Each again with the context that lifts the limits beyond the identity Allows.
    // Each lifting: tags spared where they can be, then tags given; each level passed through
    // each of its covering Allows in turn.
    let limits = limits(ix, x);
    let mut liftings: Vec<Vec<(String, String, bool)>> = Vec::new();
    for pick in 0..MAX_PICKS {
        for spare in [Spare::Tags, Spare::No] {
            let lifted = lifting(&limits, action, (fixed, facts), (spare, pick));
            if !liftings.contains(&lifted) {
                liftings.push(lifted);
            }
        }
    }
    let mut more: Vec<Candidate> = Vec::new();
    for lifted in liftings.iter().filter(|l| !l.is_empty()) {
        more.extend(out.iter().map(|c| {
            let mut context = c.context.clone();
            for e in lifted {
                merge(&mut context, e.clone());
            }
            Candidate {
                resource: c.resource.clone(),
                context,
            }
        }));
    }
    for c in more {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}
