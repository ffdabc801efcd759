//! The resource dimension for one action class: the question's resources split by every glob
//! the engine's answer can depend on (the resource patterns of the statements the action
//! reaches, the catalog's ARN formats that decide which resources the action takes, and the
//! scope's probes: resources of the inventory, accounts, partitions), keeping the classes whose
//! representative the catalog accepts for the action.

use super::glob::Glob;
use super::partition::classes;
use super::scope::{account_glob, resource_glob, Scope};
use super::template::{resolve, Kind};
use super::Limits;
use crate::catalog::Catalog;
use crate::condition::PolicyValue;
use crate::pattern::Dialect;
use crate::policy::{ResourceClause, ResourceMatcher, Statement};
use crate::request::Context;

/// The question's resources, as globs: included (any) and excluded (all).
#[derive(Debug, Clone)]
pub(crate) struct Domain {
    /// A resource is in the question if it matches one of these
    pub include: Vec<Glob>,
    /// ... and none of these
    pub exclude: Vec<Glob>,
    /// The ARN services of the included globs, when every one names its service
    pub services: Option<Vec<String>>,
}

impl Domain {
    /// The domain of resource patterns (or, when `literal`, exact resources).
    pub(crate) fn new(include: &[String], exclude: &[String], literal: bool) -> Self {
        let include: Vec<Glob> = include
            .iter()
            .map(|r| {
                if literal {
                    Glob::literal(r)
                } else {
                    resource_glob(r)
                }
            })
            .collect();
        let services = include
            .iter()
            .map(|g| g.segment(2).filter(|s| !s.is_empty()))
            .collect::<Option<Vec<String>>>();
        Self {
            include,
            exclude: exclude.iter().map(|r| resource_glob(r)).collect(),
            services,
        }
    }
}

/// What the resource split of one action needs besides the domain.
pub(crate) struct ResourceInput<'s, 'a> {
    /// The inventory
    pub scope: &'s Scope<'a>,
    /// The action (AWS casing)
    pub action: &'s str,
    /// The statements that can apply to the action
    pub stmts: &'s [&'s Statement],
    /// The caller's partition
    pub partition: Option<&'s str>,
    /// Fixed keys, for policy variables
    pub fixed: &'s Context,
    /// Refuses variables that cannot be substituted once for every resource
    pub blocked: &'s dyn Fn(&str) -> Option<String>,
}

/// One representative per class of the domain's resources that the catalog accepts for the
/// action; `Err` with the reason when the split cannot be exact or is too large.
pub(crate) fn representatives(
    d: &Domain,
    input: &ResourceInput<'_, '_>,
    limits: &Limits,
) -> Result<Vec<String>, String> {
    let mut globs: Vec<Glob> = Vec::new();
    let push = |g: Glob, globs: &mut Vec<Glob>| {
        let fits = match (&d.services, g.segment(2)) {
            (Some(list), Some(s)) => list.contains(&s),
            _ => true,
        };
        if fits && !globs.contains(&g) {
            globs.push(g);
        }
    };
    for st in input.stmts {
        for g in statement_globs(st, input)? {
            push(g, &mut globs);
        }
    }
    for g in format_globs(input.action) {
        push(g, &mut globs);
    }
    for g in input.scope.probes(d.services.as_deref(), input.partition) {
        push(g, &mut globs);
    }
    let mut all: Vec<&Glob> = d.include.iter().chain(&d.exclude).collect();
    let inc: Vec<usize> = (0..d.include.len()).collect();
    let exc: Vec<usize> = (d.include.len()..all.len()).collect();
    all.extend(globs.iter());
    let found = classes(&all, &inc, &exc, limits.max_states).map_err(|e| {
        format!(
            "splitting the resources of `{}` needs more than {} automaton states",
            input.action, e.0
        )
    })?;
    if found.len() > limits.max_classes {
        return Err(format!(
            "the resources of `{}` fall into {} classes (limit {})",
            input.action,
            found.len(),
            limits.max_classes
        ));
    }
    let catalog = Catalog::embedded();
    let known = catalog.action(input.action).is_some();
    Ok(found
        .into_iter()
        .map(|c| c.rep)
        .filter(|r| !known || catalog.check_resource(input.action, r).is_valid())
        .collect())
}

/// The globs of a statement's `Resource`/`NotResource` patterns, and of the values of its
/// conditions on `aws:ResourceAccount` (which the engine derives from the resource's ARN).
fn statement_globs(st: &Statement, input: &ResourceInput<'_, '_>) -> Result<Vec<Glob>, String> {
    let mut out = Vec::new();
    if let Some(ResourceClause::Resource(list) | ResourceClause::NotResource(list)) = &st.resource {
        for p in list {
            match &p.matcher {
                ResourceMatcher::Fixed(_) => out.push(resource_glob(&p.raw)),
                ResourceMatcher::Template(t) => {
                    let why = |k: &str| {
                        (input.blocked)(k).or_else(|| {
                            (k == "aws:resourceaccount" || k.starts_with("aws:resourcetag/"))
                                .then(|| format!("the resource pattern `{}` reads `{k}`, which depends on the resource itself", p.raw))
                        })
                    };
                    if let Some(g) = resolve(t, Kind::Resource, input.fixed, &why)
                        .map_err(|e| format!("{e} (in the resource pattern `{}`)", p.raw))?
                    {
                        out.push(g);
                    }
                }
            }
        }
    }
    for c in &st.conditions {
        if c.key_lower() != "aws:resourceaccount" {
            continue;
        }
        for (i, v) in c.values().iter().enumerate() {
            let raw = c.raw.get(i).map_or("", String::as_str);
            match v {
                PolicyValue::Str(_) => out.push(account_glob(Glob::literal(raw))),
                PolicyValue::Like(_) => out.push(account_glob(Glob::pattern(raw, Dialect::Plain))),
                PolicyValue::StrTemplate(_) | PolicyValue::LikeTemplate(_) => {
                    return Err(format!(
                    "a condition compares `aws:ResourceAccount` with a policy variable (`{raw}`)"
                ))
                }
                _ => {}
            }
        }
    }
    Ok(out)
}

/// The catalog's ARN formats that decide whether a resource is one the action takes: those of
/// its resource types, and those of its service's other types (a more specific format wins).
fn format_globs(action: &str) -> Vec<Glob> {
    let catalog = Catalog::embedded();
    let Some(info) = catalog.action(action) else {
        return Vec::new();
    };
    let mut formats: Vec<&str> = Vec::new();
    for t in info.resource_types() {
        formats.extend(t.resource_type().arn_formats());
    }
    if let Some(s) = catalog.service(info.service()) {
        for t in s.resource_types() {
            formats.extend(t.arn_formats());
        }
    }
    let mut out: Vec<Glob> = Vec::new();
    for f in formats {
        for q in [false, true] {
            let g = Glob::format(f, q);
            if !out.contains(&g) {
                out.push(g);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_know_their_services() {
        let d = Domain::new(
            &[
                "arn:aws:ecr:us-east-1:1:repository/a*".into(),
                "arn:aws:logs:r:1:log-group:x".into(),
            ],
            &[],
            false,
        );
        assert_eq!(
            d.services,
            Some(vec!["ecr".to_string(), "logs".to_string()])
        );
        assert_eq!(Domain::new(&["*".into()], &[], false).services, None);
        assert_eq!(Domain::new(&["*".into()], &[], true).services, None);
    }

    #[test]
    fn log_group_formats_split_groups_from_streams() {
        let gs = format_globs("logs:PutLogEvents");
        let stream = "arn:aws:logs:r:1:log-group:g:log-stream:s";
        assert!(gs.iter().any(|g| g.is_match(stream)));
    }
}
