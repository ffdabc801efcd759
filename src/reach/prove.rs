//! Asking the engine one request of a technique: each of its actions, each candidate the
//! attacker could choose (witness.rs), the first the engine allows wins. Also whether a
//! service may assume a role it was passed, with the context the service sends.

use serde::Serialize;

use super::index::Index;
use super::keys::{session_keys, RequestedRegion};
use super::names::CHOSEN;
use super::tagging::{put_tags, tag_authorization, tags_of};
use super::witness::{candidates, Place};
use crate::catalog::is_request_tag_key;
use crate::engine::{Engine, StatementId};
use crate::pattern::Arn;
use crate::request::{Principal, Request};

/// A request of a path, as the engine allowed it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProvedRequest {
    /// The action
    pub action: String,
    /// The resource ARN (or `*`)
    pub resource: String,
    /// The context keys given (the technique's and the attacker's choices)
    #[serde(skip)]
    pub context: Vec<(String, String)>,
    /// The statements that allowed it (`policy/Sid`, or `policy#index` without a Sid)
    pub decided_by: Vec<String>,
}

impl ProvedRequest {
    /// An allowed request known only by its resource (the name the attacker chose, which a
    /// service's `aws:SourceArn` repeats): what is kept when the details are not asked for.
    pub(super) fn at(resource: &str) -> Self {
        Self {
            action: String::new(),
            resource: resource.to_string(),
            context: Vec::new(),
            decided_by: Vec::new(),
        }
    }
}

/// A statement as scenario files' `because` names it.
pub(super) fn statement_ref(s: &StatementId) -> String {
    match &s.sid {
        Some(sid) => format!("{}/{sid}", s.policy),
        None => format!("{}#{}", s.policy, s.index),
    }
}

/// The first way node `x` is allowed any of `actions` at `place`, `fixed` being the context
/// the technique sets, decided by `engine`. `req` holds the attacker as principal (reused
/// across calls); without `detail` the answer's fields are left empty (only its presence
/// counts).
#[allow(clippy::too_many_arguments, reason = "one request's coordinates")]
pub(super) fn prove(
    ix: &Index<'_>,
    engine: &Engine,
    x: usize,
    req: &mut Request,
    actions: &[String],
    place: &Place<'_>,
    fixed: &[(String, String)],
    detail: bool,
) -> Option<ProvedRequest> {
    // The plain requests first (the technique's context, the default name): most answers.
    let fixed_one = [match place {
        Place::Fixed(arn) => *arn,
        _ => "",
    }];
    let existing: Vec<&str> = match place {
        Place::Existing(arns) => arns.iter().map(String::as_str).collect(),
        _ => Vec::new(),
    };
    let plain: &[&str] = match place {
        Place::Fixed(_) => &fixed_one,
        Place::Existing(_) => &existing,
        Place::New(_) => &[],
    };
    let partition = ix.partition(x);
    let mut facts: Option<crate::request::Context> = None;
    for action in actions {
        let asked = (
            action.as_str(),
            RequestedRegion::of(action, &ix.region, partition),
        );
        for resource in plain {
            let found = ask(engine, req, asked, resource, fixed, &[], detail);
            if found.is_some() {
                return found;
            }
        }
        let lower = action.to_ascii_lowercase();
        // What the engine knows of the attacker, to fill policy variables in chosen values.
        let facts = &*facts.get_or_insert_with(|| engine.derived_keys(req));
        for c in candidates(ix, x, &lower, place, fixed, facts) {
            if c.context.is_empty() && plain.contains(&c.resource.as_str()) {
                continue;
            }
            let found = ask(engine, req, asked, &c.resource, fixed, &c.context, detail);
            if found.is_some() {
                return found;
            }
        }
    }
    None
}

/// Ask `engine` one request for `action` sent to `region`, reusing `req`'s principal.
fn ask(
    engine: &Engine,
    req: &mut Request,
    (action, region): (&str, RequestedRegion<'_>),
    resource: &str,
    fixed: &[(String, String)],
    chosen: &[(String, String, bool)],
    detail: bool,
) -> Option<ProvedRequest> {
    action.clone_into(&mut req.action);
    resource.clone_into(&mut req.resource);
    if !req.context.is_empty() {
        req.context = crate::request::Context::new();
    }
    session_keys(&req.principal, &mut req.context);
    region.apply(&mut req.context, false);
    for (k, v) in fixed.iter().filter(|(k, _)| !is_request_tag_key(k)) {
        req.context.insert(k, v.as_str());
    }
    for (k, v, list) in chosen.iter().filter(|(k, _, _)| !is_request_tag_key(k)) {
        if *list {
            req.context.insert_list(k, [v.as_str()]);
        } else {
            req.context.insert(k, v.as_str());
        }
    }
    // Tags go in as one set, and their tagging is authorized too where the service asks it.
    // The technique's tags (a created resource's, created_tags.rs) first: they win.
    let tagged = fixed.iter().any(|(k, _)| is_request_tag_key(k))
        || chosen.iter().any(|(k, _, _)| is_request_tag_key(k));
    let tags = if tagged {
        let given: Vec<(String, String, bool)> = fixed
            .iter()
            .filter(|(k, _)| is_request_tag_key(k))
            .map(|(k, v)| (k.clone(), v.clone(), false))
            .chain(chosen.iter().cloned())
            .collect();
        tags_of(&given, CHOSEN)
    } else {
        Vec::new()
    };
    put_tags(&mut req.context, &tags);
    region.apply(&mut req.context, true);
    let ev = engine.evaluate(req);
    if !ev.decision.is_allowed() {
        return None;
    }
    let mut decided_by: Vec<String> = Vec::new();
    if !tags.is_empty() {
        let tagged = authorize_tagging(engine, req, action, &tags)?;
        if detail {
            decided_by.extend(tagged.iter().map(statement_ref));
        }
    }
    if !detail {
        return Some(ProvedRequest::at(resource));
    }
    let mut context: Vec<(String, String)> = fixed
        .iter()
        .filter(|(k, _)| !is_request_tag_key(k))
        .cloned()
        .collect();
    context.extend(
        chosen
            .iter()
            .filter(|(k, _, _)| !is_request_tag_key(k))
            .map(|(k, v, _)| (k.clone(), v.clone())),
    );
    context.extend(
        tags.iter()
            .map(|(k, v)| (format!("aws:RequestTag/{k}"), v.clone())),
    );
    let own: Vec<String> = ev.deciding.iter().map(statement_ref).collect();
    decided_by.splice(0..0, own);
    Some(ProvedRequest {
        action: action.to_string(),
        resource: resource.to_string(),
        context,
        decided_by,
    })
}

/// Whether `req`'s principal may tag the resource of `req` with `tags` when creating it with
/// `action`, where the service authorizes that as an action of its own (tagging.rs): `None`
/// when refused, else the statements that allowed it (none when nothing more is asked). The
/// tagging request carries what AWS puts in any request (session keys, region), the tags and
/// the service's own keys for it, not the create's other parameters.
fn authorize_tagging(
    engine: &Engine,
    req: &mut Request,
    action: &str,
    tags: &[(String, String)],
) -> Option<Vec<StatementId>> {
    let Some(tagging) = tag_authorization(action) else {
        return Some(Vec::new());
    };
    // The region the create went to (chosen or the analysis's).
    let region = req
        .context
        .get("aws:RequestedRegion")
        .and_then(|e| e.values.first())
        .map(|v| v.raw().to_string());
    tagging.action.clone_into(&mut req.action);
    req.context = crate::request::Context::new();
    session_keys(&req.principal, &mut req.context);
    if let Some(region) = region {
        req.context.insert("aws:RequestedRegion", region);
    }
    put_tags(&mut req.context, tags);
    for (k, v) in &tagging.context {
        req.context.insert(k, v.as_str());
    }
    let ev = engine.evaluate(req);
    ev.decision.is_allowed().then_some(ev.deciding)
}

/// The ARN the service names as `aws:SourceArn` when it assumes a role for the attacker's
/// resource: the first of `resources` in the service's namespace, else a made-up one there.
pub(super) fn source_arn<'r>(
    service: &str,
    mut resources: impl Iterator<Item = &'r str>,
    partition: &str,
    region: &str,
    account: &str,
) -> String {
    let label = super::technique::service_namespace(service);
    resources
        .find(|r| Arn::parse(r).is_some_and(|a| a.service == label))
        .map_or_else(
            || format!("arn:{partition}:{label}:{region}:{account}:{CHOSEN}"),
            str::to_string,
        )
}

/// Whether `service` may assume role node `role` for a resource of `account` (the attacker's),
/// sending `aws:SourceAccount` and `aws:SourceArn` as services do for their own resources
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html>). Returns the
/// trust statements that allowed it.
pub(super) fn service_assumes(
    ix: &Index<'_>,
    role: usize,
    service: &str,
    account: &str,
    source: &str,
) -> Option<Vec<String>> {
    let arn = &ix.nodes.get(role)?.arn;
    let req = Request::new(
        Principal::Service(service.to_string()),
        "sts:AssumeRole",
        arn.as_str(),
    )
    .with_context("aws:SourceAccount", account)
    .with_context("aws:SourceArn", source);
    let ev = ix.engine.evaluate(&req);
    ev.decision
        .is_allowed()
        .then(|| ev.deciding.iter().map(statement_ref).collect())
}
