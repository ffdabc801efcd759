//! Expanding one scenario into cases once its fields are checked (`checked.rs`): one case per
//! binding, action and resource, every action and resource resolved, case names kept unique.

use std::sync::Arc;

use indexmap::IndexMap;

use super::checked::{check, Checked};
use super::claims::check_owners;
use super::decide::Decider;
use super::error::{invalid, ScenarioError};
use super::names::Names;
use super::plain::Plain;
use super::request_checks::{check_action, is_role_session};
use super::resolve::Resolver;
use super::MAX_CASES;
use crate::engine::Layer;
use crate::policy::Document;
use crate::request::{Context, Principal};
use crate::scenario::case::{Case, CaseRequest, Quantified};
use crate::scenario::context_check::context_types;
use crate::scenario::expand::{substitute, template, Template};
use crate::scenario::format::{Expect, Scenario};
use crate::scenario::quantify::{check_action_pattern, Quant};

/// What every case of one scenario shares.
pub(super) struct Shared {
    file: Arc<str>,
    engine: usize,
    context: Arc<Context>,
    resource_account: Option<Arc<str>>,
    session_policy: Option<Arc<Document>>,
    expect: Expect,
    blocked_by: Option<Layer>,
    skip: Option<Arc<str>>,
    tags: Arc<[String]>,
    transitive: bool,
}

impl Shared {
    /// What the plain scenarios of a file share (`plain.rs`): the file, its engine, context
    /// and tags; the expectation is each scenario's.
    pub(super) fn file(engine: usize, context: &Arc<Context>, resolver: &Resolver<'_>) -> Self {
        Self {
            file: resolver.label.clone(),
            engine,
            context: context.clone(),
            resource_account: None,
            session_policy: None,
            expect: Expect::Allow,
            blocked_by: None,
            skip: None,
            tags: resolver.tags.clone(),
            transitive: false,
        }
    }

    /// One case of the scenario.
    fn case(
        &self,
        name: String,
        principal: &Arc<Principal>,
        action: &Arc<str>,
        resource: Arc<str>,
        because: Option<Arc<str>>,
    ) -> Case {
        Case {
            file: self.file.clone(),
            name,
            engine: self.engine,
            request: CaseRequest {
                principal: principal.clone(),
                action: action.clone(),
                resource,
                context: self.context.clone(),
                resource_account: self.resource_account.clone(),
                session_policy: self.session_policy.clone(),
            },
            expect: self.expect,
            because,
            blocked_by: self.blocked_by,
            skip: self.skip.clone(),
            tags: self.tags.clone(),
            transitive: self.transitive,
            quantified: None,
        }
    }
}

/// Expand scenario `index` of a file into `out`, every case name new to `names` (the file's
/// tags are the resolver's).
pub(super) fn expand_scenario(
    sc: &Scenario,
    index: usize,
    base: &Arc<Context>,
    engine: usize,
    resolver: &mut Resolver<'_>,
    names: &mut Names,
    out: &mut Vec<Case>,
) -> Result<(), ScenarioError> {
    // Messages are built only on error: a suite of literal cases has one scenario per case.
    let label = resolver.file;
    let err = |m: String| invalid(label, format!("scenarios[{index}] `{}`: {m}", sc.name));
    let c = check(sc, label, base, &err, resolver.inventory)?;
    if resolver.check_values {
        context_types(
            sc.context.as_ref(),
            &c.context,
            &c.actions,
            &mut resolver.key_types,
        )
        .map_err(err)?;
    }
    // Count before building: `actions` x `resources` x bindings can be far larger than memory.
    let count = c
        .binds
        .len()
        .saturating_mul(c.actions.len())
        .saturating_mul(c.resources.len());
    room_for(count, out, names, &err)?;
    let tags = if sc.tags.is_empty() {
        resolver.tags.clone()
    } else {
        resolver.tags.iter().chain(&sc.tags).cloned().collect()
    };
    let shared = Shared {
        file: resolver.label.clone(),
        engine,
        context: c.context.clone(),
        resource_account: sc.resource_account.as_deref().map(Arc::from),
        session_policy: c.session_policy.clone().map(Arc::new),
        expect: sc.expect,
        blocked_by: c.blocked_by,
        skip: sc.skip.as_deref().map(Arc::from),
        tags,
        transitive: sc.transitive,
    };
    if let Some(q) = c.quantified.clone() {
        let lists = (&c.actions[..], &c.resources[..], &c.binds[..]);
        return expand_quantified(sc, lists, q, &shared, resolver, names, out, &err);
    }
    expand_literal(sc, &c, &shared, resolver, names, out, &err)
}

/// Is there room for `count` more cases after the file's cases so far, those held (`out`) and
/// those let go (`names` counts them)? (checked before building them)
fn room_for(
    count: usize,
    out: &[Case],
    names: &Names,
    err: &dyn Fn(String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    let before = out.len() + names.let_go_count();
    if before.saturating_add(count) > MAX_CASES {
        return Err(err(format!(
            "expands to {count} cases, which with the {before} before it passes the limit of {MAX_CASES} cases in one run"
        )));
    }
    Ok(())
}

/// Expand scenario `index`, of the plain shape (`plain.rs`): the case [`expand_scenario`]
/// builds for it, checked in the same order, without checking the fields it does not have.
/// `shared` is the file's (see [`Shared::file`]); its expectation is set to the scenario's.
/// With a `decider`, the case is decided first, and built only when it is not let go.
pub(super) fn expand_plain(
    p: &Plain<'_>,
    index: usize,
    shared: &mut Shared,
    resolver: &mut Resolver<'_>,
    names: &mut Names,
    out: &mut Vec<Case>,
    decider: Option<&mut Decider<'_>>,
) -> Result<(), ScenarioError> {
    let label = resolver.file;
    let err = |m: String| invalid(label, format!("scenarios[{index}] `{}`: {m}", p.name));
    if resolver.check_values && !shared.context.is_empty() {
        let actions = [p.action.to_string()];
        context_types(None, &shared.context, &actions, &mut resolver.key_types).map_err(err)?;
    }
    room_for(1, out, names, &err)?;
    shared.expect = p.expect;
    let one = One {
        name: &p.name,
        principal: &p.principal,
        action: &p.action,
        resource: &p.resource,
        resource_account: None,
        because: None,
    };
    let Some(decider) = decider else {
        return expand_one(one, shared, resolver, names, out, &err);
    };
    let r = resolve_one(&one, shared, resolver, names, out, &err)?;
    let request = (&r.principal, &shared.context, &r.action, &r.resource);
    if shared.resource_account.is_none()
        && shared.session_policy.is_none()
        && decider.lets_go_plain(request, shared.expect)
    {
        names.let_go(one.name);
        return Ok(());
    }
    out.push(r.into_case(one.name, shared));
    Ok(())
}

/// Expand a scenario that is not quantified: one case per binding, action and resource. Each
/// string is split at its variables once; what no variable changes (actions, resources,
/// `because`) is checked, resolved and shared once for the whole scenario.
fn expand_literal(
    sc: &Scenario,
    c: &Checked<'_>,
    shared: &Shared,
    resolver: &mut Resolver<'_>,
    names: &mut Names,
    out: &mut Vec<Case>,
    err: &dyn Fn(String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    let Some(first) = c.binds.first() else {
        return Ok(());
    };
    if let ([only], [action], [resource]) = (&c.binds[..], &c.actions[..], &c.resources[..]) {
        // Most texts hold no `$` at all: a byte search answers them.
        let plain = |t: &str| !t.contains('$') || !t.contains("${");
        if only.is_empty()
            && [&sc.name, &sc.principal, action, resource]
                .iter()
                .all(|t| plain(t))
            && sc.because.as_deref().is_none_or(plain)
        {
            let one = One {
                name: &sc.name,
                principal: &sc.principal,
                action,
                resource,
                resource_account: sc.resource_account.as_deref(),
                because: sc.because.as_deref(),
            };
            return expand_one(one, shared, resolver, names, out, err);
        }
    }
    let vars: Vec<&str> = first.keys().map(String::as_str).collect();
    // A template's error is reported where substituting would have reported it.
    let tpl = |text| template(text, &vars, first);
    let name_t = tpl(&sc.name);
    let principal_t = tpl(&sc.principal);
    let action_ts: Vec<_> = c.actions.iter().map(|a| tpl(a)).collect();
    let resource_ts: Vec<_> = c.resources.iter().map(|r| tpl(r)).collect();
    let because_t = sc.because.as_deref().map(tpl);
    let fill = |t: &Result<Template<'_>, String>, b| match t {
        Ok(t) => t.fill(b).map_err(err),
        Err(e) => Err(err(e.clone())),
    };
    let constant = |t: &Result<Template<'_>, String>| t.as_ref().is_ok_and(Template::is_constant);
    let several = c.actions.len() * c.resources.len() > 1;
    // Resolved resources that no variable changes, by (action, resource) position: found once.
    let mut resolved: Vec<Option<Arc<str>>> = vec![None; action_ts.len() * resource_ts.len()];
    let mut constant_because = None;
    for b in &c.binds {
        let name = fill(&name_t, b)?;
        let principal_text = fill(&principal_t, b)?;
        let principal = resolver.principal(&principal_text, &name)?;
        if shared.session_policy.is_some() && !is_role_session(&principal) {
            return Err(err(format!(
                "`session_policy` applies only to role sessions, not to `{principal_text}`"
            )));
        }
        for (ai, at) in action_ts.iter().enumerate() {
            let action = fill(at, b)?;
            // A constant action was checked with the first binding.
            if !constant(at) || std::ptr::eq(b, first) {
                check_action(&action).map_err(err)?;
            }
            let action = resolver.strings.get(&action);
            for (ri, rt) in resource_ts.iter().enumerate() {
                let slot = ai * resource_ts.len() + ri;
                let fixed = constant(at) && constant(rt);
                let resource_text = fill(rt, b)?;
                let resource = match resolved.get(slot).and_then(Option::as_ref) {
                    Some(r) if fixed => r.clone(),
                    _ => {
                        let r = resolver.resource(&resource_text, &action, &name)?;
                        let r = resolver.strings.get(&r);
                        if let (true, Some(s)) = (fixed, resolved.get_mut(slot)) {
                            *s = Some(r.clone());
                        }
                        r
                    }
                };
                if let Some(a) = &sc.resource_account {
                    resolver.resource_account(&resource, a, &name)?;
                }
                let case_name = if several {
                    format!("{name} [{action} {resource_text}]")
                } else {
                    name.clone()
                };
                if !names.is_new(&case_name, out) {
                    return Err(err(format!(
                        "duplicate case name `{case_name}` (names must be unique after expansion)"
                    )));
                }
                let because = match &because_t {
                    Some(t) if constant(t) => Some(
                        constant_because
                            .get_or_insert_with(|| {
                                resolver.strings.get(sc.because.as_deref().unwrap_or(""))
                            })
                            .clone(),
                    ),
                    Some(t) => Some(resolver.strings.get(&fill(t, b)?)),
                    None => None,
                };
                out.push(shared.case(case_name, &principal, &action, resource, because));
            }
        }
    }
    Ok(())
}

/// The texts of a scenario of one literal case.
struct One<'t> {
    name: &'t str,
    principal: &'t str,
    action: &'t str,
    resource: &'t str,
    resource_account: Option<&'t str>,
    because: Option<&'t str>,
}

/// A scenario of one literal case (one action, one resource, no variable): what
/// [`expand_literal`] builds for it, without splitting and filling its strings.
fn expand_one(
    one: One<'_>,
    shared: &Shared,
    resolver: &mut Resolver<'_>,
    names: &mut Names,
    out: &mut Vec<Case>,
    err: &dyn Fn(String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    let r = resolve_one(&one, shared, resolver, names, out, err)?;
    out.push(r.into_case(one.name, shared));
    Ok(())
}

/// The parts of a case of one literal scenario, checked and resolved.
struct Resolved {
    principal: Arc<Principal>,
    action: Arc<str>,
    resource: Arc<str>,
    because: Option<Arc<str>>,
}

impl Resolved {
    /// The case `name` of these parts and what its scenario's cases share.
    fn into_case(self, name: &str, shared: &Shared) -> Case {
        shared.case(
            name.to_string(),
            &self.principal,
            &self.action,
            self.resource,
            self.because,
        )
    }
}

/// Check and resolve the one case of `one`, its name new among `names` (the cases held so far
/// being `held`).
fn resolve_one(
    one: &One<'_>,
    shared: &Shared,
    resolver: &mut Resolver<'_>,
    names: &mut Names,
    held: &[Case],
    err: &dyn Fn(String) -> ScenarioError,
) -> Result<Resolved, ScenarioError> {
    let name = one.name;
    let principal = resolver.principal(one.principal, name)?;
    if shared.session_policy.is_some() && !is_role_session(&principal) {
        return Err(err(format!(
            "`session_policy` applies only to role sessions, not to `{}`",
            one.principal
        )));
    }
    let (action, marks) = resolver.strings.get_marked(one.action);
    if marks & CHECKED_ACTION == 0 {
        check_action(one.action).map_err(err)?;
        resolver.strings.mark(one.action, CHECKED_ACTION);
    }
    let resource = resolver.resource_shared(one.resource, &action, name)?;
    if let Some(a) = one.resource_account {
        resolver.resource_account(&resource, a, name)?;
    }
    if !names.is_new(name, held) {
        return Err(err(format!(
            "duplicate case name `{name}` (names must be unique after expansion)"
        )));
    }
    let because = one.because.map(|b| resolver.strings.get(b));
    Ok(Resolved {
        principal,
        action,
        resource,
        because,
    })
}

/// The [`super::case::Interner`] mark of an action that [`check_action`] accepts.
const CHECKED_ACTION: u8 = 1;

/// A scenario's actions, resources and `for_each` bindings.
type Lists<'c> = (&'c [String], &'c [String], &'c [IndexMap<String, String>]);

/// Expand a quantified scenario: one case per binding, standing for every action and resource
/// of its lists (docs/prove.md).
#[expect(
    clippy::too_many_arguments,
    reason = "one call site, the same arguments as expand_scenario"
)]
fn expand_quantified(
    sc: &Scenario,
    (actions_in, resources_in, binds): Lists<'_>,
    quant: Quant,
    shared: &Shared,
    resolver: &mut Resolver<'_>,
    names: &mut Names,
    out: &mut Vec<Case>,
    err: &dyn Fn(String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    let patterns = quant.patterns;
    if let Some(except) = &quant.tenancy {
        check_owners(except, resolver).map_err(err)?;
    }
    for b in binds {
        let name = substitute(&sc.name, b).map_err(err)?;
        let principal = resolver.principal(&substitute(&sc.principal, b).map_err(err)?, &name)?;
        let mut actions = Vec::with_capacity(actions_in.len());
        for a in actions_in {
            let a = substitute(a, b).map_err(err)?;
            if patterns {
                check_action_pattern(&a).map_err(err)?;
            } else {
                check_action(&a).map_err(err)?;
            }
            actions.push(a);
        }
        let first = actions.first().cloned().unwrap_or_default();
        let mut resources = Vec::with_capacity(resources_in.len());
        for r in resources_in {
            let text = substitute(r, b).map_err(err)?;
            if patterns && text != "*" && text.contains(['*', '?']) {
                if !text.starts_with("arn:") {
                    return Err(err(format!(
                        "resource pattern `{text}` is not an ARN pattern or `*`"
                    )));
                }
                resources.push(text);
            } else {
                resources.push(resolver.resource(&text, &first, &name)?.into_owned());
            }
        }
        if !names.is_new(&name, out) {
            return Err(err(format!(
                "duplicate case name `{name}` (names must be unique after expansion)"
            )));
        }
        let action = resolver.strings.get(&actions.join(", "));
        let resource = match &quant.tenancy {
            Some(_) => resolver.strings.get("(every resource of another owner)"),
            None => resolver.strings.get(&resources.join(", ")),
        };
        let mut case = shared.case(name, &principal, &action, resource, None);
        case.quantified = Some(Arc::new(Quantified {
            actions,
            resources,
            patterns,
            keys: quant.keys.clone(),
            tenancy: quant.tenancy.clone(),
        }));
        out.push(case);
    }
    Ok(())
}
