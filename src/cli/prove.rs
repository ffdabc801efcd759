//! `iamsim prove`: claims over every request, proved or broken by a printed request
//! (docs/prove.md): `tenancy` over the inventory's ownership, `request` for one question.

use super::args::{ExpectArg, ListFormat, ProveCommand, ProveRequestArgs, TenancyArgs};
use super::{Error, Exit, Streams};
use crate::engine::Engine;
use crate::prove::{self, Expect, Keys, Limits, Question, Scope};
use crate::request::Context;
use crate::scenario;

/// The schema version of `prove`'s JSON output.
const SCHEMA_VERSION: u32 = 1;

/// Run `prove`: exit 0 when proved, 1 otherwise.
pub fn prove(cmd: &ProveCommand, io: &mut Streams<'_>) -> Result<Exit, Error> {
    match cmd {
        ProveCommand::Tenancy(a) => tenancy(a, io),
        ProveCommand::Request(a) => request(a, io),
    }
}

fn tenancy(a: &TenancyArgs, io: &mut Streams<'_>) -> Result<Exit, Error> {
    let inventory = scenario::load_inventory(&a.policies)?;
    if inventory.ownership.is_empty() {
        return Err(Error::Input(format!(
            "{}: no ownership.json (or no owner in it): `iamsim generate` writes it for the platform",
            a.policies.display()
        )));
    }
    let engine = Engine::new(&inventory)?;
    let scope = Scope::new(&inventory, &engine);
    let t = prove::tenancy(&scope, None, &[], &Limits::default());
    match a.format {
        ListFormat::Markdown | ListFormat::Dot => {
            return Err(Error::Usage(
                "`prove` writes `--format text` or `--format json`".into(),
            ))
        }
        ListFormat::Text => prove::write_tenancy(&mut *io.out, &t)?,
        ListFormat::Json => {
            let mut v = serde_json::to_value(&t)?;
            if let Some(o) = v.as_object_mut() {
                o.insert("schema_version".into(), SCHEMA_VERSION.into());
                o.insert("proved".into(), t.is_proved().into());
            }
            serde_json::to_writer_pretty(&mut *io.out, &v)?;
            writeln!(io.out)?;
        }
    }
    io.out.flush()?;
    Ok(if t.is_proved() {
        Exit::Success
    } else {
        Exit::Failure
    })
}

fn request(a: &ProveRequestArgs, io: &mut Streams<'_>) -> Result<Exit, Error> {
    let inventory = scenario::load_inventory(&a.policies)?;
    let engine = Engine::new(&inventory)?;
    let principal = scenario::resolve_principal(&engine, &a.principal).map_err(Error::Input)?;
    let mut resources = Vec::new();
    for r in &a.resources {
        if r.contains(['*', '?']) && r != "*" {
            resources.push(r.clone());
        } else {
            let first = a.actions.first().map_or("", String::as_str);
            resources.push(scenario::resolve_resource(&engine, r, first).map_err(Error::Input)?);
        }
    }
    for act in &a.actions {
        if !crate::catalog::Catalog::embedded().matches_any(act) {
            return Err(Error::Input(format!(
                "no action of the catalog matches `{act}`"
            )));
        }
    }
    let question = Question {
        principal,
        actions: a.actions.clone(),
        resources,
        exclude: Vec::new(),
        patterns: true,
        context: Context::from_assignments(&a.context).map_err(Error::Input)?,
        keys: if a.keys.is_empty() {
            Keys::All
        } else {
            Keys::Only(a.keys.clone())
        },
        expect: match a.expect {
            ExpectArg::Allow => Expect::Allow,
            ExpectArg::Deny => Expect::Deny,
            ExpectArg::ExplicitDeny => Expect::ExplicitDeny,
            ExpectArg::ImplicitDeny => Expect::ImplicitDeny,
        },
        resource_account: None,
    };
    let scope = Scope::new(&inventory, &engine);
    let answer = prove::prove(&scope, &question, &Limits::default());
    match a.format {
        ListFormat::Markdown | ListFormat::Dot => {
            return Err(Error::Usage(
                "`prove` writes `--format text` or `--format json`".into(),
            ))
        }
        ListFormat::Text => prove::write_answer(&mut *io.out, &answer)?,
        ListFormat::Json => {
            let mut v = serde_json::to_value(&answer)?;
            if let Some(o) = v.as_object_mut() {
                o.insert("schema_version".into(), SCHEMA_VERSION.into());
            }
            serde_json::to_writer_pretty(&mut *io.out, &v)?;
            writeln!(io.out)?;
        }
    }
    io.out.flush()?;
    Ok(if answer.is_proved() && answer.requests > 0 {
        Exit::Success
    } else {
        Exit::Failure
    })
}
