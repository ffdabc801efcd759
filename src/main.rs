//! The `iamsim` command line: argument parsing and dispatch. Each command is a library call;
//! this file only reads files, prints, and maps outcomes to exit codes.

mod cli;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use iamsim::engine::{Decision, Engine};
use iamsim::inventory::{named, parse_json, read_json, AdHoc};
use iamsim::policy::{parse_document, PolicyKind};
use iamsim::report;
use iamsim::request::{Context, Principal, Request};
use iamsim::scenario::{self, LoadOptions, Tally};

use cli::{
    CheckFormat, Cli, Color, Command, DiffFailOn, DiffFormat, ExpectArg, ExplainArgs,
    ExplainFormat, FailOn, ImportCommand, LintFormat, ListFormat,
};

/// glibc's malloc spends up to 40% of a `who-can` consolidating and unlinking free chunks;
/// mimalloc's free lists make loading and compiling 1,000 roles about a third cheaper.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How a run ends: 0 success, 1 an expectation not met, 2 bad input or usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exit {
    Success,
    Failure,
    Error,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        match e {
            Exit::Success => ExitCode::SUCCESS,
            Exit::Failure => ExitCode::from(1),
            Exit::Error => ExitCode::from(2),
        }
    }
}

/// A failure to report as one line on standard error (exit 2).
struct Fail(String);

impl<E: std::fmt::Display> From<E> for Fail {
    fn from(e: E) -> Self {
        Fail(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(exit) => exit.into(),
        Err(Fail(msg)) => {
            // A closed pipe (`iamsim ... | head`) is not an error worth reporting.
            if msg.contains("Broken pipe") {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(io::stderr(), "error: {msg}");
            Exit::Error.into()
        }
    }
}

fn run(cli: Cli) -> Result<Exit, Fail> {
    match cli.command {
        Command::Check(args) => check(&args),
        Command::Explain(args) => explain(&args),
        Command::WhoCan {
            action,
            resource,
            policies,
            context,
            format,
            all,
            no_catalog,
        } => who_can(
            &action, &resource, &policies, &context, format, all, no_catalog,
        ),
        Command::Generate { platform, out } => {
            let spec = iamsim::platform::PlatformSpec::load(&platform)?;
            let files = iamsim::platform::generate(&spec)?;
            iamsim::platform::write_inventory(&out, &files)?;
            let mut o = io::stdout().lock();
            writeln!(
                o,
                "wrote {} to {}",
                plural(files.len(), "file"),
                out.display()
            )?;
            Ok(Exit::Success)
        }
        Command::Diff {
            base,
            head,
            format,
            fail_on,
            output,
        } => diff(&base, &head, format, fail_on, output.as_deref()),
        Command::Import(cmd) => import(cmd),
        Command::Expand { pattern } => expand(&pattern),
        Command::Lint {
            paths,
            format,
            fail_on,
        } => lint(&paths, format, fail_on),
    }
}

fn use_color(c: Color) -> bool {
    match c {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}

fn writer(output: Option<&Path>) -> Result<Box<dyn Write>, Fail> {
    Ok(match output {
        Some(p) => Box::new(io::BufWriter::new(
            std::fs::File::create(p).map_err(|e| Fail(format!("{}: {e}", p.display())))?,
        )),
        None => Box::new(io::BufWriter::new(io::stdout().lock())),
    })
}

fn check(a: &cli::CheckArgs) -> Result<Exit, Fail> {
    let (paths, format, output, color, no_catalog) = (
        &a.paths,
        a.format,
        a.output.as_deref(),
        a.color,
        a.no_catalog,
    );
    let mut opts = LoadOptions {
        policies: a.policies.clone(),
        tags: a.tags.clone(),
        ..LoadOptions::default()
    };
    for v in &a.vars {
        let (k, val) = iamsim::import::terraform::TerraformOptions::parse_var(v)?;
        opts.vars.insert(k, val);
    }
    let suite = match scenario::load_suite(paths, &opts) {
        Ok(s) => s,
        Err(e) => {
            if format == CheckFormat::Junit {
                let mut out = writer(output)?;
                report::load_error_junit(&mut out, &e.to_string())?;
                out.flush()?;
            }
            return Err(Fail(e.to_string()));
        }
    };
    if !no_catalog {
        if let Err(Fail(e)) = validate_cases(&suite) {
            if format == CheckFormat::Junit {
                let mut out = writer(output)?;
                report::load_error_junit(&mut out, &e)?;
                out.flush()?;
            }
            return Err(Fail(e));
        }
    }
    let outcomes = scenario::run_suite(&suite);
    let mut out = writer(output)?;
    match format {
        CheckFormat::Text => report::check_text(
            &mut out,
            &suite,
            &outcomes,
            output.is_none() && use_color(color),
        )?,
        CheckFormat::Json => report::check_json(&mut out, &suite, &outcomes)?,
        CheckFormat::Junit => report::check_junit(&mut out, &suite, &outcomes)?,
        CheckFormat::Markdown => report::check_markdown(&mut out, &suite, &outcomes)?,
    }
    out.flush()?;
    let t = Tally::of(&outcomes);
    // The process is about to exit: freeing a large suite (100,000 cases) one allocation at a
    // time costs more than running it, so let the OS reclaim the memory instead.
    std::mem::forget(outcomes);
    std::mem::forget(suite);
    if output.is_some() || format != CheckFormat::Text {
        // Keep the closing line on the terminal when the report goes elsewhere.
        let mut err = io::stderr().lock();
        write!(err, "{} passed, {} failed", t.passed, t.failed)?;
        if t.skipped > 0 {
            write!(err, ", {} skipped", t.skipped)?;
        }
        writeln!(err)?;
    }
    Ok(if t.failed > 0 {
        Exit::Failure
    } else {
        Exit::Success
    })
}

fn diff(
    base: &Path,
    head: &Path,
    format: DiffFormat,
    fail_on: Option<DiffFailOn>,
    output: Option<&Path>,
) -> Result<Exit, Fail> {
    let b = scenario::load_inventory(base)?;
    let h = scenario::load_inventory(head)?;
    let d = iamsim::diff::diff(&b, &h, &iamsim::diff::DiffOptions::default())?;
    let mut out = writer(output)?;
    match format {
        DiffFormat::Text => iamsim::diff::write_text(&mut out, &d)?,
        DiffFormat::Json => iamsim::diff::write_json(&mut out, &d)?,
        DiffFormat::Markdown => iamsim::diff::write_markdown(&mut out, &d)?,
    }
    out.flush()?;
    let fail = match fail_on {
        None => false,
        Some(DiffFailOn::Gained) => d.gained().next().is_some(),
        Some(DiffFailOn::Lost) => d.lost().next().is_some(),
        Some(DiffFailOn::Any) => !d.is_empty(),
    };
    Ok(if fail { Exit::Failure } else { Exit::Success })
}

/// Catalog validation of every case (fail closed on typos); see iamsim::catalog. A context key
/// that neither the action nor the global keys define is a warning (it may be a typo).
fn validate_cases(suite: &scenario::Suite) -> Result<(), Fail> {
    let catalog = iamsim::catalog::Catalog::embedded();
    let mut seen = std::collections::HashSet::new();
    let mut keys_seen = std::collections::HashSet::new();
    let mut err = io::stderr().lock();
    for c in &suite.cases {
        for entry in c.request.context.iter() {
            if keys_seen.insert((c.request.action.clone(), entry.name.to_ascii_lowercase()))
                && !catalog.condition_key_known(&c.request.action, &entry.name)
            {
                writeln!(err, "warning: {}: scenario `{}`: context key `{}` is neither a global key nor one `{}` takes", c.file, c.name, entry.name, c.request.action)?;
            }
        }
        // A KMS alias stands for its key: validate what the request is really about.
        let resource = match suite.engines.get(c.engine) {
            Some((_, e)) => e.resolve_alias(&c.request.resource),
            None => &*c.request.resource,
        };
        if seen.insert((&*c.request.action, resource)) {
            iamsim::catalog::validate_request(&c.request.action, resource)
                .map_err(|e| Fail(format!("{}: scenario `{}`: {e}", c.file, c.name)))?;
        }
    }
    Ok(())
}

fn read_doc(path: &Path, kind: PolicyKind) -> Result<iamsim::inventory::NamedPolicy, Fail> {
    let label = path.display().to_string();
    let v = read_json(path)?;
    let name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(&label)
        .to_string();
    Ok(named(name, parse_document(&v, &label, kind)?))
}

fn explain(a: &ExplainArgs) -> Result<Exit, Fail> {
    let adhoc = !a.policy.is_empty()
        || a.resource_policy.is_some()
        || a.boundary.is_some()
        || !a.scp.is_empty();
    let (engine, principal, resource) = if adhoc {
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
            ad.resource_policy = Some(read_doc(
                p,
                if is_role {
                    PolicyKind::Trust
                } else {
                    PolicyKind::Resource
                },
            )?);
        }
        if let Some(p) = &a.boundary {
            ad.boundary = Some(read_doc(p, PolicyKind::Identity)?);
        }
        for p in &a.scp {
            ad.scps.push(vec![read_doc(p, PolicyKind::Scp)?]);
        }
        (Engine::new(&ad.build())?, principal, a.resource.clone())
    } else {
        let engine = compile_for_exit(&a.policies)?;
        let principal = scenario::resolve_principal(&engine, &a.principal).map_err(Fail)?;
        let resource = scenario::resolve_resource(&engine, &a.resource, &a.action).map_err(Fail)?;
        (engine, principal, resource)
    };
    let actions = expand_actions(&a.action, a.no_catalog)?;
    if !a.no_catalog {
        for action in &actions {
            iamsim::catalog::validate_request(action, engine.resolve_alias(&resource))?;
        }
    }
    let mut ctx = Context::from_assignments(&a.context).map_err(Fail)?;
    if let Some(f) = &a.context_file {
        ctx.extend_from_json(&read_json(f)?)
            .map_err(|e| Fail(format!("{}: {e}", f.display())))?;
    }
    let session = match &a.session_policy {
        Some(_) if !scenario::is_role_session(&principal) => {
            return Err(Fail(format!(
                "--session-policy applies only to role sessions, not to `{}`",
                principal.as_str()
            )))
        }
        Some(p) => Some(read_doc(p, PolicyKind::Identity)?.document),
        None => None,
    };
    let mut results = Vec::new();
    for action in actions {
        let mut req = Request::new(principal.clone(), action, resource.clone());
        req.context = ctx.clone();
        req.resource_account = a.resource_account.clone();
        req.session_policy = session.clone();
        let (ev, trace) = engine.explain(&req);
        results.push((req, ev, trace));
    }
    let mut out = writer(None)?;
    match a.format {
        ExplainFormat::Aws => report::explain_aws(&mut out, &results)?,
        ExplainFormat::Json => report::explain_json(&mut out, &results)?,
        ExplainFormat::Text => {
            for (i, (req, ev, trace)) in results.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                report::explain_text(&mut out, req, ev, trace)?;
            }
        }
    }
    out.flush()?;
    // As in `who_can`: the process is about to exit, so the OS reclaims the engine.
    std::mem::forget(engine);
    let Some(expect) = a.expect else {
        return Ok(Exit::Success);
    };
    let met = results.iter().all(|(_, ev, _)| match expect {
        ExpectArg::Allow => ev.decision == Decision::Allow,
        ExpectArg::Deny => ev.decision != Decision::Allow,
        ExpectArg::ExplicitDeny => ev.decision == Decision::ExplicitDeny,
        ExpectArg::ImplicitDeny => ev.decision == Decision::ImplicitDeny,
    });
    Ok(if met { Exit::Success } else { Exit::Failure })
}

/// A concrete action, or (with the catalog) every action a pattern covers.
fn expand_actions(action: &str, no_catalog: bool) -> Result<Vec<String>, Fail> {
    if !action.contains(['*', '?']) {
        scenario::check_action(action).map_err(Fail)?;
        return Ok(vec![action.to_string()]);
    }
    if no_catalog {
        return Err(Fail(format!(
            "action pattern `{action}` needs the catalog to expand (drop --no-catalog)"
        )));
    }
    let list = iamsim::catalog::Catalog::embedded().expand(action);
    if list.is_empty() {
        return Err(Fail(format!(
            "action pattern `{action}` matches no known action"
        )));
    }
    Ok(list)
}

fn who_can(
    action: &str,
    resource: &str,
    policies: &Path,
    context: &[String],
    format: ListFormat,
    all: bool,
    no_catalog: bool,
) -> Result<Exit, Fail> {
    let engine = compile_for_exit(policies)?;
    let ctx = Context::from_assignments(context).map_err(Fail)?;
    let mut out = writer(None)?;
    let mut entries = Vec::new();
    for a in expand_actions(action, no_catalog)? {
        let resource = scenario::resolve_resource(&engine, resource, &a).map_err(Fail)?;
        if !no_catalog {
            iamsim::catalog::validate_request(&a, engine.resolve_alias(&resource))?;
        }
        for e in engine.who_can(&a, &resource, &ctx) {
            entries.push((a.clone(), e));
        }
    }
    match format {
        ListFormat::Json => {
            let list: Vec<_> = entries
                .iter()
                .filter(|(_, e)| all || e.evaluation.decision.is_allowed() || !e.allowed_if.is_empty())
                .map(|(a, e)| serde_json::json!({"action": a, "principal": e.principal, "kind": e.kind, "decision": e.evaluation.decision, "deciding": e.evaluation.deciding, "missing_context": e.evaluation.missing_context, "allowed_if": e.allowed_if}))
                .collect();
            serde_json::to_writer_pretty(
                &mut out,
                &serde_json::json!({"schema_version": 1, "principals": list}),
            )?;
            writeln!(out)?;
        }
        ListFormat::Text => {
            for (a, e) in &entries {
                let ev = &e.evaluation;
                if ev.decision.is_allowed() {
                    let by: Vec<String> = ev.deciding.iter().map(ToString::to_string).collect();
                    let note = if e.kind == "account" {
                        "; its principals still need an identity-policy Allow"
                    } else {
                        ""
                    };
                    writeln!(
                        out,
                        "ALLOW {a} {} ({}{note}) via {}",
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
                        "IF    {a} {} ({}) when {}",
                        e.principal,
                        e.kind,
                        e.allowed_if.join("; ")
                    )?;
                } else if all {
                    writeln!(
                        out,
                        "DENY  {a} {} ({}) {}",
                        e.principal,
                        e.kind,
                        ev.decision.name()
                    )?;
                }
            }
        }
    }
    out.flush()?;
    // The process is about to exit: freeing 1,000 compiled roles one allocation at a time costs
    // more than the query, so let the OS reclaim the memory instead.
    std::mem::forget(engine);
    Ok(Exit::Success)
}

/// Load and compile an inventory for a command that ends the process after one question. The
/// inventory is not freed: dropping 1,000 roles' policies one allocation at a time cost as much
/// as compiling them (docs/performance.md), and the OS reclaims the memory at exit anyway.
fn compile_for_exit(policies: &Path) -> Result<Engine, Fail> {
    let inventory = scenario::load_inventory(policies)?;
    let engine = Engine::new(&inventory)?;
    std::mem::forget(inventory);
    Ok(engine)
}

fn import(cmd: ImportCommand) -> Result<Exit, Fail> {
    let (imported, out_dir, print) = match cmd {
        ImportCommand::Terraform {
            plan,
            out,
            vars,
            print,
        } => {
            let mut opts = iamsim::import::terraform::TerraformOptions::default();
            for v in &vars {
                let (k, val) = iamsim::import::terraform::TerraformOptions::parse_var(v)?;
                opts.vars.insert(k, val);
            }
            let text = std::fs::read_to_string(&plan)
                .map_err(|e| Fail(format!("{}: {e}", plan.display())))?;
            parse_json(&text, &plan.display().to_string())?;
            (
                iamsim::import::terraform::import_plan_str(
                    &text,
                    &plan.display().to_string(),
                    &opts,
                )?,
                out,
                print,
            )
        }
        ImportCommand::Gaad { files, out, print } => {
            let mut pages = Vec::new();
            for f in &files {
                let text = std::fs::read_to_string(f)
                    .map_err(|e| Fail(format!("{}: {e}", f.display())))?;
                pages.push((f.display().to_string(), text));
            }
            (iamsim::import::gaad::import_gaad(&pages)?, out, print)
        }
    };
    if out_dir.is_none() && !print {
        return Err(Fail(
            "give --out DIR to write the inventory, or --print to show what was extracted".into(),
        ));
    }
    let mut o = io::stdout().lock();
    if print {
        write!(o, "{}", imported.report)?;
    }
    if let Some(dir) = out_dir {
        iamsim::import::write_inventory(&dir, &imported.files)?;
        writeln!(
            o,
            "wrote {} to {}",
            plural(imported.files.len(), "file"),
            dir.display()
        )?;
    }
    Ok(Exit::Success)
}

fn expand(pattern: &str) -> Result<Exit, Fail> {
    let list = iamsim::catalog::Catalog::embedded().expand(pattern);
    if list.is_empty() {
        return Err(Fail(format!(
            "`{pattern}` matches no action in the catalog"
        )));
    }
    let mut o = io::stdout().lock();
    for a in list {
        writeln!(o, "{a}")?;
    }
    Ok(Exit::Success)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn lint(paths: &[PathBuf], format: LintFormat, fail_on: FailOn) -> Result<Exit, Fail> {
    use iamsim::lint::{self, Severity};
    let report = lint::lint_paths(paths)?;
    let mut out = writer(None)?;
    match format {
        LintFormat::Text => lint::write_text(&mut out, &report)?,
        LintFormat::Json => lint::write_json(&mut out, &report)?,
        LintFormat::Sarif => lint::write_sarif(&mut out, &report)?,
    }
    out.flush()?;
    let threshold = match fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    };
    Ok(if report.fails(threshold) {
        Exit::Failure
    } else {
        Exit::Success
    })
}
