//! `iamsim who-can`: every principal allowed to do an action (or each action a pattern covers)
//! on a resource, with the statements that allow it or the conditions it depends on.

use std::io::Write;

use super::args::{ListFormat, WhoCanArgs};
use super::{compile_for_exit, expand_actions, Error, Exit, Streams};
use crate::ansi::Paint;
use crate::catalog::{validate_request, RequestError};
use crate::engine::Evaluation;
use crate::reach;
use crate::request::{Context, Request};
use crate::scenario;

/// One principal's answer for one action.
#[derive(Debug)]
struct Listed {
    /// The action asked about
    action: String,
    /// The principal (ARN, service name, or an account's root ARN standing for the account)
    principal: String,
    /// What kind of principal it is
    kind: &'static str,
    /// Its evaluation under the given context
    evaluation: Evaluation,
    /// Allow statements that failed only on a condition (`operator key values`)
    allowed_if: Vec<String>,
}

/// Run `who-can`: always exit 0 once the question could be asked.
pub fn who_can(a: &WhoCanArgs, io: &mut Streams<'_>) -> Result<Exit, Error> {
    if a.transitive {
        return who_can_transitive(a, io);
    }
    if matches!(a.format, ListFormat::Markdown | ListFormat::Dot) {
        return Err(Error::Input(
            "--format markdown and dot list escalation paths: add --transitive".into(),
        ));
    }
    let engine = compile_for_exit(&a.policies)?;
    let ctx = Context::from_assignments(&a.context).map_err(Error::Input)?;
    let mut entries = Vec::new();
    let actions = expand_actions(&a.action, a.no_catalog)?;
    let warnings = warnings(a, &engine, &actions, &ctx)?;
    let pattern = actions.len() > 1 || a.action.contains(['*', '?']);
    let mut asked = 0;
    let mut first_mismatch = None;
    for action in actions {
        let resource =
            scenario::resolve_resource(&engine, &a.resource, &action).map_err(Error::Input)?;
        if !a.no_catalog {
            match validate_request(&action, engine.resolve_alias(&resource)) {
                // A pattern (`kms:*`) asks about the actions that act on this resource.
                Err(e @ RequestError::WrongResource { .. }) if pattern => {
                    first_mismatch.get_or_insert(e);
                    continue;
                }
                r => r?,
            }
        }
        asked += 1;
        for e in engine.who_can(&action, &resource, &ctx) {
            entries.push(Listed {
                action: action.clone(),
                principal: e.principal,
                kind: e.kind,
                evaluation: e.evaluation,
                allowed_if: e.allowed_if,
            });
        }
    }
    if let (0, Some(e)) = (asked, first_mismatch) {
        return Err(e.into());
    }
    super::warn_lines(&mut *io.err, &warnings)?;
    match a.format {
        ListFormat::Json => write_json(&mut *io.out, &entries, a.all, &warnings)?,
        _ => {
            let paint = io.paint();
            write_text(&mut *io.out, &entries, a.all, paint)?
        }
    }
    let anyone = entries
        .iter()
        .any(|e| e.evaluation.decision.is_allowed() || !e.allowed_if.is_empty());
    if !anyone && a.format == ListFormat::Text {
        // Silence would read as a crash or a filter; say what was found.
        writeln!(io.out, "no principal can {} on {}", a.action, a.resource)?;
    }
    io.out.flush()?;
    // The process is about to exit: freeing 1,000 compiled roles one allocation at a time costs
    // more than the query, so let the OS reclaim the memory instead.
    std::mem::forget(engine);
    Ok(exit(a, &warnings))
}

/// 0, or 1 with `--deny-warnings` and a warning.
fn exit(a: &WhoCanArgs, warnings: &[String]) -> Exit {
    if a.deny_warnings && !warnings.is_empty() {
        Exit::Failure
    } else {
        Exit::Success
    }
}

/// Unless `--no-catalog`: the inventory's warnings (an Allow that grants nothing), then the
/// context keys no asked action takes (an error for a value not of its key's type).
fn warnings(
    a: &WhoCanArgs,
    engine: &crate::engine::Engine,
    actions: &[String],
    ctx: &Context,
) -> Result<Vec<String>, Error> {
    if a.no_catalog {
        return Ok(Vec::new());
    }
    let mut found = super::check_inventory(engine, &a.policies.display().to_string())?;
    found.extend(super::context_warnings(actions, ctx)?);
    Ok(found)
}

/// `who-can --transitive`: every principal allowed directly or through an escalation path
/// (docs/reach.md), for each action the pattern covers.
fn who_can_transitive(a: &WhoCanArgs, io: &mut Streams<'_>) -> Result<Exit, Error> {
    let inventory = scenario::load_inventory(&a.policies)?;
    let engine = crate::engine::Engine::new(&inventory)?;
    let ctx = Context::from_assignments(&a.context).map_err(Error::Input)?;
    let graph = reach::Graph::build(&inventory, &engine, &reach::Options::default());
    let actions = expand_actions(&a.action, a.no_catalog)?;
    let warnings = warnings(a, &engine, &actions, &ctx)?;
    super::warn_lines(&mut *io.err, &warnings)?;
    let out = &mut *io.out;
    for action in actions {
        let resource =
            scenario::resolve_resource(&engine, &a.resource, &action).map_err(Error::Input)?;
        if !a.no_catalog {
            validate_request(&action, engine.resolve_alias(&resource))?;
        }
        let mut req = Request::new(crate::request::Principal::Anonymous, &action, &resource);
        req.context = ctx.clone();
        let list = graph.who_can_transitive(&req, a.max_hops);
        match a.format {
            ListFormat::Text => reach::write_who_can_text(out, &action, &list)?,
            ListFormat::Json => {
                reach::write_who_can_json(out, &action, &resource, &list, &warnings)?
            }
            ListFormat::Markdown => reach::write_who_can_markdown(out, &action, &resource, &list)?,
            ListFormat::Dot => reach::write_who_can_dot(out, &action, &resource, &list)?,
        }
    }
    out.flush()?;
    std::mem::forget(graph);
    std::mem::forget(engine);
    std::mem::forget(inventory);
    Ok(exit(a, &warnings))
}

/// `{"schema_version": 1, "principals": [...]}`: those allowed or allowed under conditions (every
/// principal with `all`), and `warnings` when there are some.
fn write_json(
    out: &mut dyn Write,
    entries: &[Listed],
    all: bool,
    warnings: &[String],
) -> Result<(), Error> {
    let list: Vec<_> = entries
        .iter()
        .filter(|e| all || e.evaluation.decision.is_allowed() || !e.allowed_if.is_empty())
        .map(|e| serde_json::json!({"action": e.action, "principal": e.principal, "kind": e.kind, "decision": e.evaluation.decision, "deciding": e.evaluation.deciding, "missing_context": e.evaluation.missing_context, "allowed_if": e.allowed_if}))
        .collect();
    let mut doc = serde_json::json!({"schema_version": 1, "principals": list});
    if let (false, Some(o)) = (warnings.is_empty(), doc.as_object_mut()) {
        o.insert("warnings".into(), serde_json::json!(warnings));
    }
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)?;
    Ok(())
}

/// One line per principal: `ALLOW ... via`, `IF ... when`, and with `all` `DENY`.
fn write_text(
    out: &mut dyn Write,
    entries: &[Listed],
    all: bool,
    paint: Paint,
) -> Result<(), Error> {
    for e in entries {
        let (a, ev) = (&e.action, &e.evaluation);
        if ev.decision.is_allowed() {
            let by: Vec<String> = ev.deciding.iter().map(ToString::to_string).collect();
            let note = if e.kind == "account" {
                "; its principals still need an identity-policy Allow"
            } else {
                ""
            };
            writeln!(
                out,
                "{} {a} {} ({}{note}) via {}",
                paint.green("ALLOW"),
                e.principal,
                e.kind,
                by.join(", ")
            )?;
            if !ev.missing_context.is_empty() {
                writeln!(
                    out,
                    "      depends on context: {}",
                    ev.missing_context.join(", ")
                )?;
            }
        } else if !e.allowed_if.is_empty() {
            writeln!(
                out,
                "{}    {a} {} ({}) when {}",
                paint.yellow("IF"),
                e.principal,
                e.kind,
                e.allowed_if.join("; ")
            )?;
        } else if all {
            writeln!(
                out,
                "{}  {a} {} ({}) {}",
                paint.red("DENY"),
                e.principal,
                e.kind,
                ev.decision.name()
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        reason = "tests"
    )]

    use super::*;
    use std::path::Path;

    fn args(action: &str, resource: &str) -> WhoCanArgs {
        WhoCanArgs {
            action: action.into(),
            resource: resource.into(),
            policies: Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/tiny/policies"),
            context: Vec::new(),
            format: ListFormat::Text,
            all: false,
            no_catalog: false,
            deny_warnings: false,
            transitive: false,
            max_hops: None,
        }
    }

    fn run(a: &WhoCanArgs) -> (Result<Exit, Error>, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let r = who_can(a, &mut Streams::new(&mut out, &mut err));
        assert!(err.is_empty());
        (r, String::from_utf8(out).unwrap())
    }

    #[test]
    fn lists_allowed_and_conditional_principals() {
        let (r, out) = run(&args(
            "kms:Decrypt",
            "arn:aws:kms:us-east-1:111122223333:alias/data",
        ));
        assert_eq!(r.unwrap(), Exit::Success);
        assert_eq!(
            out,
            "IF    kms:Decrypt arn:aws:iam::111122223333:role/app (role) when app/app statement UseDataKey (#2): StringEquals aws:RequestedRegion [\"us-east-1\"]\n\
             ALLOW kms:Decrypt arn:aws:iam::111122223333:root (account; its principals still need an identity-policy Allow) via kms-data statement EnableIAMUserPermissions (#0)\n"
        );
    }

    #[test]
    fn all_lists_denied_principals_too() {
        let mut a = args("s3:PutObject", "arn:aws:s3:::acme-reports/q3.csv");
        let nobody = "no principal can s3:PutObject on arn:aws:s3:::acme-reports/q3.csv\n";
        assert_eq!(run(&a).1, nobody);
        a.all = true;
        assert_eq!(
            run(&a).1,
            format!("DENY  s3:PutObject arn:aws:iam::111122223333:role/app (role) implicit-deny\n{nobody}")
        );
    }

    #[test]
    fn json_has_a_schema_version() {
        let mut a = args("s3:PutObject", "arn:aws:s3:::acme-reports/q3.csv");
        a.format = ListFormat::Json;
        let v: serde_json::Value = serde_json::from_str(&run(&a).1).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"schema_version": 1, "principals": []})
        );
    }

    #[test]
    fn transitive_lists_paths_and_max_hops_bounds_them() {
        let mut a = args(
            "kms:Decrypt",
            "arn:aws:kms:us-east-1:111122223333:alias/acme-dev-gateway",
        );
        a.policies = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
        a.transitive = true;
        let out = run(&a).1;
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 6, "{out}");
        assert!(lines[0].starts_with(
            "ALLOW kms:Decrypt arn:aws:iam::111122223333:role/acme-dev-gateway (role)"
        ));
        assert!(lines[1].starts_with("PATH  kms:Decrypt arn:aws:iam::111122223333:role/acme-dev-agent-billing (role, 1 hop as role/acme-dev-gateway): role/acme-dev-agent-billing -[agentcore-runtime-update-passrole]-> role/acme-dev-gateway"), "{out}");
        a.max_hops = Some(0);
        assert_eq!(run(&a).1.lines().count(), 1);
        a.max_hops = None;
        a.format = ListFormat::Json;
        let v: serde_json::Value = serde_json::from_str(&run(&a).1).unwrap();
        assert_eq!(v["principals"][1]["hops"], 1);
        assert_eq!(
            v["principals"][1]["acting_as"],
            "arn:aws:iam::111122223333:role/acme-dev-gateway"
        );
    }

    #[test]
    fn markdown_needs_transitive() {
        let mut a = args("s3:GetObject", "*");
        a.format = ListFormat::Markdown;
        assert!(run(&a).0.unwrap_err().to_string().contains("--transitive"));
    }

    #[test]
    fn missing_inventory_is_an_error() {
        let mut a = args("s3:GetObject", "*");
        a.policies = "nowhere".into();
        let e = run(&a).0.unwrap_err().to_string();
        assert!(e.starts_with("nowhere"), "{e}");
    }
}
