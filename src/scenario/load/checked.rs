//! A scenario's fields, checked before it is expanded: actions and resources present, the
//! expectation's claims consistent, the session policy and context parsed, `for_each` bound.

use std::borrow::Cow;
use std::sync::Arc;

use indexmap::IndexMap;

use super::claims::check_transitive;
use super::error::ScenarioError;
use crate::engine::Layer;
use crate::policy::{parse_document, Document, PolicyKind};
use crate::request::{is_account_id, Context};
use crate::scenario::expand::bindings;
use crate::scenario::format::{Expect, Scenario};
use crate::scenario::quantify::{for_each_lists, quantification, Quant};

/// A scenario's fields, checked in the order their errors are reported.
pub(super) struct Checked<'s> {
    /// The scenario's actions (borrowed: a suite of literal cases has one scenario per case)
    pub(super) actions: Cow<'s, [String]>,
    /// Its resources, likewise
    pub(super) resources: Cow<'s, [String]>,
    pub(super) blocked_by: Option<Layer>,
    pub(super) session_policy: Option<Document>,
    /// The scenario's context, or the file's when the scenario adds none
    pub(super) context: Arc<Context>,
    pub(super) binds: Vec<IndexMap<String, String>>,
    /// For a quantified scenario: how it ranges
    pub(super) quantified: Option<Quant>,
}

/// Check the fields of scenario `sc` of file `label`; `err` names the scenario in errors.
pub(super) fn check<'s>(
    sc: &'s Scenario,
    label: &str,
    base: &Arc<Context>,
    err: &dyn Fn(String) -> ScenarioError,
    inventory: Option<&crate::inventory::Inventory>,
) -> Result<Checked<'s>, ScenarioError> {
    let quantified = quantification(sc).map_err(err)?;
    let tenancy = quantified.as_ref().is_some_and(|q| q.tenancy.is_some());
    let actions: Cow<'s, [String]> = match (&sc.action, &sc.actions) {
        _ if tenancy => Cow::Owned(vec!["*".into()]),
        (Some(a), None) => Cow::Borrowed(std::slice::from_ref(a)),
        (None, Some(l)) if !l.is_empty() => Cow::Borrowed(l),
        (None, Some(_)) => return Err(err("`actions` is empty".into())),
        (Some(_), Some(_)) => return Err(err("give `action` or `actions`, not both".into())),
        (None, None) => return Err(err("missing `action`".into())),
    };
    let resources: Cow<'s, [String]> = match (&sc.resource, &sc.resources) {
        _ if tenancy => Cow::Borrowed(&[]),
        (Some(r), None) => Cow::Borrowed(std::slice::from_ref(r)),
        (None, Some(l)) if !l.is_empty() => Cow::Borrowed(l),
        (None, Some(_)) => return Err(err("`resources` is empty".into())),
        (Some(_), Some(_)) => return Err(err("give `resource` or `resources`, not both".into())),
        (None, None) => return Err(err("missing `resource`".into())),
    };
    let blocked_by = match &sc.blocked_by {
        Some(b) => Some(Layer::from_name(b).ok_or_else(|| {
            err(format!("unknown `blocked_by` `{b}` (expected scp, rcp, vpce, boundary, session, key-policy, trust-policy, identity, resource or service)"))
        })?),
        None => None,
    };
    if blocked_by.is_some() && sc.expect == Expect::Allow {
        return Err(err("`blocked_by` goes with a deny expectation".into()));
    }
    if sc.transitive {
        check_transitive(sc, blocked_by.is_some()).map_err(err)?;
    }
    let session_policy = match &sc.session_policy {
        Some(v) => Some(parse_document(v, label, PolicyKind::Identity).map_err(|e| {
            let path = match e.json_path() {
                "(document)" => String::new(),
                p => format!(".{p}"),
            };
            err(format!("session_policy{path}: {}", e.kind()))
        })?),
        None => None,
    };
    if let Some(a) = &sc.resource_account {
        if !is_account_id(a) {
            return Err(err(format!(
                "`resource_account` `{a}` is not a 12-digit account id"
            )));
        }
    }
    let mut context = match &sc.context {
        Some(c) => {
            let mut ctx = Context::clone(base);
            ctx.extend_from_json(c)
                .map_err(|e| err(format!("context: {e}")))?;
            Arc::new(ctx)
        }
        None => base.clone(),
    };
    if let Some(id) = &sc.vpce {
        context = Arc::new(through_endpoint(&context, id).map_err(err)?);
    }
    let binds = match &sc.for_each {
        Some(vars) => {
            let lists = for_each_lists(vars, inventory).map_err(err)?;
            bindings(&lists, sc.where_clause.as_deref()).map_err(err)?
        }
        None if sc.where_clause.is_some() => return Err(err("`where` needs `for_each`".into())),
        None => vec![IndexMap::new()],
    };
    Ok(Checked {
        actions,
        resources,
        blocked_by,
        session_policy,
        context,
        binds,
        quantified,
    })
}

/// The context of a request made through VPC endpoint `id`: `aws:SourceVpce` is the endpoint,
/// and `aws:SourceIp` is absent ("The aws:SourceIp key is always present in the request context,
/// except when the requester uses a VPC endpoint to make the request",
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip>).
fn through_endpoint(ctx: &Context, id: &str) -> Result<Context, String> {
    let valid = id.strip_prefix("vpce-").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    });
    if !valid {
        return Err(format!("`vpce` `{id}` is not a VPC endpoint id (vpce-...)"));
    }
    if let Some(given) = ctx.get("aws:SourceVpce") {
        if given.values.len() != 1 || given.values.iter().any(|v| v.raw() != id) {
            return Err(format!(
                "`vpce` `{id}` and the context's `aws:SourceVpce` disagree"
            ));
        }
    }
    let mut ctx = ctx.clone();
    ctx.remove("aws:SourceIp");
    ctx.insert("aws:SourceVpce", id);
    Ok(ctx)
}
