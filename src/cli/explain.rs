//! `iamsim explain`: "can P do A on R, and why?" against an inventory, or against ad hoc
//! policy files (`--policy`, `--resource-policy`, `--boundary`, `--scp`).

use std::io::Write;
use std::path::Path;

use super::args::{ExpectArg, ExplainArgs, ExplainFormat};
use super::{compile_for_exit, expand_actions, Error, Exit, Streams};
use crate::ansi::Paint;
use crate::catalog::validate_request;
use crate::engine::{Decision, Engine, Evaluation, Trace};
use crate::inventory::{named, read_json, AdHoc, NamedPolicy};
use crate::policy::{parse_document, parse_resource_policy, Document, PolicyError, PolicyKind};
use crate::report;
use crate::request::{Context, Principal, Request};
use crate::scenario;

/// One explained request: the request, its evaluation and the trace behind it.
type Explained = (Request, Evaluation, Trace);

/// Run `explain` for the action (or every action its pattern covers). Exit 0 whatever the
/// decision, unless `--expect` is given and some decision does not meet it (then 1).
pub fn explain(a: &ExplainArgs, io: &mut Streams<'_>) -> Result<Exit, Error> {
    let (engine, principal, resource) = if is_adhoc(a) {
        adhoc_engine(a)?
    } else {
        let engine = compile_for_exit(&a.policies)?;
        let principal = scenario::resolve_principal(&engine, &a.principal).map_err(Error::Input)?;
        let resource =
            scenario::resolve_resource(&engine, &a.resource, &a.action).map_err(Error::Input)?;
        (engine, principal, resource)
    };
    if let Some(account) = &a.resource_account {
        scenario::check_resource_account(&engine, &resource, account).map_err(Error::Input)?;
    }
    let actions = expand_actions(&a.action, a.no_catalog)?;
    if !a.no_catalog {
        let label = match is_adhoc(a) {
            true => "the policies given".to_string(),
            false => a.policies.display().to_string(),
        };
        super::check_inventory(&engine, &label, &mut *io.err)?;
        for action in &actions {
            validate_request(action, engine.resolve_alias(&resource))?;
        }
    }
    let ctx = context(a)?;
    let session = session_policy(a, &principal)?;
    let mut results = Vec::new();
    for action in actions {
        let mut req = Request::new(principal.clone(), action, resource.clone());
        req.context = ctx.clone();
        req.resource_account = a.resource_account.clone();
        req.session_policy = session.clone();
        let (ev, trace) = engine.explain(&req);
        results.push((req, ev, trace));
    }
    let paint = io.paint();
    render(&mut *io.out, a.format, &results, paint)?;
    io.out.flush()?;
    // As in `who_can`: the process is about to exit, so the OS reclaims the engine.
    std::mem::forget(engine);
    let Some(expect) = a.expect else {
        return Ok(Exit::Success);
    };
    let met = results.iter().all(|(_, ev, _)| meets(expect, ev.decision));
    Ok(if met { Exit::Success } else { Exit::Failure })
}

/// Whether the policies come from ad hoc files rather than an inventory.
fn is_adhoc(a: &ExplainArgs) -> bool {
    !a.policy.is_empty() || a.resource_policy.is_some() || a.boundary.is_some() || !a.scp.is_empty()
}

/// An engine over the ad hoc policy files, for the caller and resource exactly as given. The
/// resource policy of an IAM role is its trust policy.
fn adhoc_engine(a: &ExplainArgs) -> Result<(Engine, Principal, String), Error> {
    let principal = Principal::parse(&a.principal)?;
    let is_role = a.resource.starts_with("arn:aws:iam:") && a.resource.contains(":role/");
    let mut ad = AdHoc {
        principal: Some(principal.clone()),
        resource_arn: Some(a.resource.clone()),
        resource_account: a.resource_account.clone(),
        ..AdHoc::default()
    };
    for p in &a.policy {
        ad.identity.push(read_doc(p, PolicyKind::Identity)?);
    }
    if let Some(p) = &a.resource_policy {
        ad.resource_policy = Some(if is_role {
            read_doc(p, PolicyKind::Trust)?
        } else {
            read_policy(p, |v, label| parse_resource_policy(v, label, &a.resource))?
        });
    }
    if let Some(p) = &a.boundary {
        ad.boundary = Some(read_doc(p, PolicyKind::Identity)?);
    }
    for p in &a.scp {
        ad.scps.push(vec![read_doc(p, PolicyKind::Scp)?]);
    }
    Ok((Engine::new(&ad.build())?, principal, a.resource.clone()))
}

/// A policy file of `kind` as a named policy (named after the file's stem).
fn read_doc(path: &Path, kind: PolicyKind) -> Result<NamedPolicy, Error> {
    read_policy(path, |v, label| parse_document(v, label, kind))
}

/// A policy file read by `parse` as a named policy (named after the file's stem).
fn read_policy(
    path: &Path,
    parse: impl Fn(&serde_json::Value, &str) -> Result<Document, PolicyError>,
) -> Result<NamedPolicy, Error> {
    let label = path.display().to_string();
    let v = read_json(path)?;
    let name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(&label)
        .to_string();
    Ok(named(name, parse(&v, &label)?))
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

/// The `--session-policy` document; only a role session can have one.
fn session_policy(a: &ExplainArgs, principal: &Principal) -> Result<Option<Document>, Error> {
    match &a.session_policy {
        Some(_) if !scenario::is_role_session(principal) => Err(Error::Usage(format!(
            "--session-policy applies only to role sessions, not to `{}`",
            principal.as_str()
        ))),
        Some(p) => Ok(Some(read_doc(p, PolicyKind::Identity)?.document)),
        None => Ok(None),
    }
}

/// Write the explanations in `format`; text separates requests with a blank line.
fn render(
    out: &mut dyn Write,
    format: ExplainFormat,
    results: &[Explained],
    paint: Paint,
) -> Result<(), Error> {
    match format {
        ExplainFormat::Aws => report::explain_aws(out, results)?,
        ExplainFormat::Json => report::explain_json(out, results)?,
        ExplainFormat::Text => {
            for (i, (req, ev, trace)) in results.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                report::explain_text(out, req, ev, trace, paint)?;
            }
        }
    }
    Ok(())
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
    use std::path::PathBuf;

    fn fixture(p: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/cli")
            .join(p)
    }

    fn args(action: &str, resource: &str) -> ExplainArgs {
        ExplainArgs {
            principal: "role/app".into(),
            action: action.into(),
            resource: resource.into(),
            context: Vec::new(),
            context_file: None,
            policies: fixture("tiny/policies"),
            policy: Vec::new(),
            resource_policy: None,
            boundary: None,
            session_policy: None,
            scp: Vec::new(),
            resource_account: None,
            format: ExplainFormat::Text,
            expect: None,
            no_catalog: false,
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
        a.principal = "arn:aws:iam::111122223333:user/alice".into();
        a.policy = vec![fixture("adhoc/identity.json")];
        a.session_policy = Some(fixture("adhoc/identity.json"));
        let e = run(&a).0.unwrap_err().to_string();
        assert_eq!(
            e,
            "--session-policy applies only to role sessions, not to `arn:aws:iam::111122223333:user/alice`"
        );
    }
}
