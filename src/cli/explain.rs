//! `iamsim explain`: "can P do A on R, and why?" against an inventory, or against policies
//! given ad hoc (`--policy`, `--resource-policy`, `--boundary`, `--scp`, `--rcp`), as wide as
//! `aws iam simulate-custom-policy`: several actions and resources, one answer per pair.

use super::args::{ExpectArg, ExplainArgs, ExplainFormat};
use super::explain_input::{neutral_principal, AdHocInput, Sources};
use super::{context_warnings, expand_actions, warn_lines, Error, Exit, Streams};
use crate::catalog::{validate_request, RequestError};
use crate::engine::{Decision, Engine, TraceEvent};
use crate::inventory::{read_json, Inventory};
use crate::report::{self, Explained};
use crate::request::{Context, Principal, Request};
use crate::scenario;

/// What every request of one run shares.
struct Shared {
    context: Context,
    session: Option<crate::policy::Document>,
    /// Warnings about the policies and the context, for every request
    warnings: Vec<String>,
    /// A note for every trace (the neutral caller)
    note: Option<String>,
    /// Several (action, resource) pairs are asked: a pair the catalog says cannot go together
    /// is skipped with a warning, not an error
    several: bool,
    /// The first pair skipped, reported as the error when every pair is
    skipped: Option<RequestError>,
}

/// Run `explain` for every action (or each action a pattern covers) on every resource. Exit 0
/// whatever the decisions, unless `--expect` is given and some decision does not meet it, or
/// `--deny-warnings` is given and there is a warning (then 1).
pub fn explain(a: &ExplainArgs, io: &mut Streams<'_>) -> Result<Exit, Error> {
    let input = AdHocInput::read(a)?;
    let resources: Vec<String> = match a.resource.as_slice() {
        [] => vec!["*".to_string()],
        r => r.to_vec(),
    };
    let mut actions: Vec<String> = Vec::new();
    for pattern in &a.action {
        for action in expand_actions(pattern, a.no_catalog)? {
            if !actions.contains(&action) {
                actions.push(action);
            }
        }
    }
    let context = context(a)?;
    let mut shared = Shared {
        warnings: match a.no_catalog {
            true => Vec::new(),
            false => context_warnings(&actions, &context)?,
        },
        context,
        session: input.session_document()?,
        note: None,
        several: actions.len() * resources.len() > 1,
        skipped: None,
    };
    let (mut results, inventory) = if input.is_adhoc() {
        (adhoc(a, &input, &resources, &actions, &mut shared)?, None)
    } else {
        inventory(a, &resources, &actions, &mut shared)?
    };
    if let (true, Some(e)) = (results.is_empty(), shared.skipped.take()) {
        return Err(e.into());
    }
    for e in &mut results {
        e.warnings.clone_from(&shared.warnings);
    }
    warn_lines(&mut *io.err, &shared.warnings)?;
    match a.format {
        ExplainFormat::Aws => {
            let sources = Sources::new(&input, inventory.as_ref());
            report::explain_aws(&mut *io.out, &results, &|id, layer| {
                sources.locate(id, layer)
            })?
        }
        ExplainFormat::Json => report::explain_json(&mut *io.out, &results)?,
        ExplainFormat::Text => {
            let paint = io.paint();
            report::explain_text_all(&mut *io.out, &results, paint)?
        }
    }
    io.out.flush()?;
    // As in `who_can`: the process is about to exit, so the OS reclaims the inventory.
    std::mem::forget(inventory);
    let met = a
        .expect
        .is_none_or(|x| results.iter().all(|e| meets(x, e.evaluation.decision)));
    let clean = !a.deny_warnings || shared.warnings.is_empty();
    Ok(if met && clean {
        Exit::Success
    } else {
        Exit::Failure
    })
}

/// Against the inventory: one engine, each resource resolved against it.
fn inventory(
    a: &ExplainArgs,
    resources: &[String],
    actions: &[String],
    shared: &mut Shared,
) -> Result<(Vec<Explained>, Option<Inventory>), Error> {
    let Some(principal_text) = &a.principal else {
        return Err(Error::Usage(
            "--principal is needed with an inventory (it is optional only with ad hoc policies: --policy, --resource-policy, --boundary, --scp, --rcp)".into(),
        ));
    };
    let inventory = scenario::load_inventory(&a.policies)?;
    let engine = Engine::new(&inventory)?;
    if !a.no_catalog {
        let label = a.policies.display().to_string();
        shared
            .warnings
            .splice(0..0, super::check_inventory(&engine, &label)?);
    }
    let principal = scenario::resolve_principal(&engine, principal_text).map_err(Error::Input)?;
    let mut results = Vec::new();
    for r in resources {
        // Resolved for every action: each fails closed on what it must know (a KMS key for a
        // `kms:` action, a role for `sts:`); the ARN is the same for all.
        let mut resource = r.clone();
        for action in actions {
            resource = scenario::resolve_resource(&engine, r, action).map_err(Error::Input)?;
        }
        results.extend(ask(a, &engine, &principal, &resource, actions, shared)?);
    }
    std::mem::forget(engine);
    Ok((results, Some(inventory)))
}

/// Against the ad hoc documents: one engine per resource (the resource policy is that
/// resource's), the caller as given or the neutral role.
fn adhoc(
    a: &ExplainArgs,
    input: &AdHocInput,
    resources: &[String],
    actions: &[String],
    shared: &mut Shared,
) -> Result<Vec<Explained>, Error> {
    let principal = match &a.principal {
        Some(p) => Principal::parse(p)?,
        None => {
            let p = neutral_principal(resources, a.resource_account.as_ref())?;
            shared.note = Some(format!(
                "no --principal: the caller is `{}`, a neutral role with only the --policy documents",
                p.as_str()
            ));
            p
        }
    };
    let mut results = Vec::new();
    for (i, resource) in resources.iter().enumerate() {
        let engine = input.engine(&principal, resource, a.resource_account.as_ref())?;
        if i == 0 && !a.no_catalog {
            let found = super::check_inventory(&engine, "the policies given")?;
            shared.warnings.splice(0..0, found);
        }
        results.extend(ask(a, &engine, &principal, resource, actions, shared)?);
        std::mem::forget(engine);
    }
    Ok(results)
}

/// Every action on one resource against one engine.
fn ask(
    a: &ExplainArgs,
    engine: &Engine,
    principal: &Principal,
    resource: &str,
    actions: &[String],
    shared: &mut Shared,
) -> Result<Vec<Explained>, Error> {
    if let Some(account) = &a.resource_account {
        scenario::check_resource_account(engine, resource, account).map_err(Error::Input)?;
    }
    if shared.session.is_some() && !scenario::is_role_session(principal) {
        return Err(Error::Usage(format!(
            "--session-policy applies only to role sessions, not to `{}`",
            principal.as_str()
        )));
    }
    let mut out = Vec::new();
    for action in actions {
        if !a.no_catalog {
            match validate_request(action, engine.resolve_alias(resource)) {
                // Asked with others, a pair that cannot go together (an S3 action on a KMS
                // key) is left out, and said so.
                Err(e @ RequestError::WrongResource { .. }) if shared.several => {
                    shared.warnings.push(format!("left out: {e}"));
                    shared.skipped.get_or_insert(e);
                    continue;
                }
                r => r?,
            }
        }
        let mut request = Request::new(principal.clone(), action.clone(), resource.to_string());
        request.context = shared.context.clone();
        request.resource_account = a.resource_account.clone();
        request.session_policy = shared.session.clone();
        let (evaluation, mut trace) = engine.explain(&request);
        if let Some(text) = &shared.note {
            trace
                .events
                .insert(0, TraceEvent::Note { text: text.clone() });
        }
        out.push(Explained {
            request,
            evaluation,
            trace,
            warnings: Vec::new(),
        });
    }
    Ok(out)
}

/// The request context: `--context` assignments, then `--context-file`.
fn context(a: &ExplainArgs) -> Result<Context, Error> {
    let mut ctx = Context::from_assignments(&a.context).map_err(Error::Input)?;
    if let Some(f) = &a.context_file {
        ctx.extend_from_json(&read_json(f)?)
            .map_err(|e| Error::Input(format!("{}: {e}", f.display())))?;
    }
    Ok(ctx)
}

/// Whether a decision meets `--expect`.
fn meets(expect: ExpectArg, decision: Decision) -> bool {
    match expect {
        ExpectArg::Allow => decision == Decision::Allow,
        ExpectArg::Deny => decision != Decision::Allow,
        ExpectArg::ExplicitDeny => decision == Decision::ExplicitDeny,
        ExpectArg::ImplicitDeny => decision == Decision::ImplicitDeny,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

    use super::*;
    use std::path::{Path, PathBuf};

    fn fixture(p: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/cli")
            .join(p)
    }

    fn args(action: &str, resource: &str) -> ExplainArgs {
        ExplainArgs {
            principal: Some("role/app".into()),
            action: vec![action.into()],
            resource: vec![resource.into()],
            context: Vec::new(),
            context_file: None,
            policies: fixture("tiny/policies"),
            policy: Vec::new(),
            resource_policy: None,
            boundary: None,
            session_policy: None,
            scp: Vec::new(),
            rcp: Vec::new(),
            resource_account: None,
            format: ExplainFormat::Text,
            expect: None,
            no_catalog: false,
            deny_warnings: false,
        }
    }

    fn run(a: &ExplainArgs) -> (Result<Exit, Error>, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let r = explain(a, &mut Streams::new(&mut out, &mut err));
        assert!(err.is_empty());
        (r, String::from_utf8(out).unwrap())
    }

    #[test]
    fn explains_an_allow_from_the_inventory() {
        let mut a = args("s3:GetObject", "arn:aws:s3:::acme-reports/q3.csv");
        a.expect = Some(ExpectArg::Allow);
        let (r, out) = run(&a);
        assert_eq!(r.unwrap(), Exit::Success);
        assert!(
            out.starts_with("arn:aws:iam::111122223333:role/app s3:GetObject on arn:aws:s3:::acme-reports/q3.csv\ndecision: ALLOW\n  decided by: app/app statement ReadReports (#0)\n"),
            "{out}"
        );
    }

    #[test]
    fn unmet_expectation_exits_1() {
        let mut a = args("s3:GetObject", "arn:aws:s3:::acme-reports/q3.csv");
        a.expect = Some(ExpectArg::ImplicitDeny);
        assert_eq!(run(&a).0.unwrap(), Exit::Failure);
    }

    #[test]
    fn typo_is_refused_with_a_suggestion() {
        let (r, out) = run(&args("s3:GetObjcet", "arn:aws:s3:::acme-reports/q3.csv"));
        let e = r.unwrap_err().to_string();
        assert!(
            e.starts_with("unknown action `s3:GetObjcet` (did you mean `s3:GetObject`?)"),
            "{e}"
        );
        assert_eq!(out, "");
    }

    #[test]
    fn session_policy_needs_a_role_session() {
        let mut a = args("s3:GetObject", "arn:aws:s3:::acme-reports/q3.csv");
        a.principal = Some("arn:aws:iam::111122223333:user/alice".into());
        let file = fixture("adhoc/identity.json").display().to_string();
        a.policy = vec![file.clone()];
        a.session_policy = Some(file);
        let e = run(&a).0.unwrap_err().to_string();
        assert_eq!(
            e,
            "--session-policy applies only to role sessions, not to `arn:aws:iam::111122223333:user/alice`"
        );
    }
}
