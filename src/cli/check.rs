//! `iamsim check`: load scenario files, validate their cases against the catalog, run them and
//! write the report.

use std::io::Write;

use super::args::{CheckArgs, CheckFormat};
use super::{writer, Error, Exit, Streams};
use crate::import::terraform::TerraformOptions;
use crate::report;
use crate::scenario::{self, LoadOptions, PolicyIssue, Suite, Tally};

/// Run `check`: exit 1 when a case misses its expectation. With `--format junit`, a suite that
/// cannot be loaded or validated still gets a report (one failing test case) before the error.
pub fn check(a: &CheckArgs, io: &mut Streams<'_>) -> Result<Exit, Error> {
    let output = a.output.as_deref();
    // A text report without `--verbose` writes the failures and the tally alone: a case that
    // passes need not be held (`--tag` reads every case's tags, coverage every deciding
    // statement).
    let failures_only = a.format == CheckFormat::Text
        && !a.verbose
        && a.tags.is_empty()
        && !a.coverage
        && !a.fail_on_uncovered;
    let (suite, issues) = load(a, failures_only, io)?;
    let mut outcomes = scenario::run_suite(&suite);
    name_typos(&suite, &issues, &mut outcomes);
    let paint = io.paint();
    let mut out = writer(output, &mut *io.out)?;
    match a.format {
        CheckFormat::Text => report::check_text(
            &mut out,
            &suite,
            &outcomes,
            report::TextOptions {
                color: output.is_none() && paint.on,
                verbose: a.verbose,
                quiet: a.quiet,
            },
        )?,
        CheckFormat::Json => report::check_json(&mut out, &suite, &outcomes)?,
        CheckFormat::Junit => report::check_junit(&mut out, &suite, &outcomes)?,
        CheckFormat::Markdown => report::check_markdown(&mut out, &suite, &outcomes)?,
    }
    out.flush()?;
    drop(out);
    let mut uncovered = 0;
    if a.coverage || a.fail_on_uncovered {
        let c = scenario::coverage(&suite, &outcomes);
        uncovered = c.uncovered().count();
        // After a text report on the terminal; elsewhere on standard error, so that a JSON,
        // JUnit or Markdown report stays one document.
        if output.is_none() && a.format == CheckFormat::Text {
            report::coverage_text(&mut *io.out, &c)?;
        } else {
            report::coverage_text(&mut *io.err, &c)?;
        }
    }
    let t = Tally::of_run(&suite, &outcomes);
    let warned = !suite.warnings.is_empty();
    // The process is about to exit: freeing a large suite (100,000 cases) one allocation at a
    // time costs more than running it, so let the OS reclaim the memory instead.
    std::mem::forget(outcomes);
    std::mem::forget(suite);
    if output.is_some() || a.format != CheckFormat::Text {
        // Keep the closing line on the terminal when the report goes elsewhere.
        write!(io.err, "{} passed, {} failed", t.passed, t.failed)?;
        if t.skipped > 0 {
            write!(io.err, ", {} skipped", t.skipped)?;
        }
        writeln!(io.err)?;
    }
    Ok(
        if t.failed > 0 || (a.deny_warnings && warned) || (a.fail_on_uncovered && uncovered > 0) {
            Exit::Failure
        } else {
            Exit::Success
        },
    )
}

/// Load the suite and (unless `--no-catalog`) validate its cases, warning on `err` about
/// context keys that may be typos; with `failures_only`, the cases that pass as they are read
/// are counted, not held ([`LoadOptions::failures_only`]).
pub(super) fn load(
    a: &CheckArgs,
    failures_only: bool,
    io: &mut Streams<'_>,
) -> Result<(Suite, Vec<(usize, PolicyIssue)>), Error> {
    let mut opts = LoadOptions {
        policies: a.policies.clone(),
        tags: a.tags.clone(),
        no_catalog: a.no_catalog,
        failures_only,
        ..LoadOptions::default()
    };
    for v in &a.vars {
        let (k, val) = TerraformOptions::parse_var(v)?;
        opts.vars.insert(k, val);
    }
    let suite = match scenario::load_suite(&a.paths, &opts) {
        Ok(s) => s,
        Err(e) => return Err(report_load_error(a, io, e.into())),
    };
    let mut suite = suite;
    let mut issues = Vec::new();
    if !a.no_catalog {
        let found = scenario::validate_cases(&suite);
        suite
            .warnings
            .extend(found.warnings.iter().map(ToString::to_string));
        if let Some(e) = found.error {
            warn(io, &suite.warnings)?;
            return Err(report_load_error(a, io, e.into()));
        }
        for (n, (dir, engine)) in suite.engines.iter().enumerate() {
            let found = scenario::check_policies(engine);
            let label = dir.display();
            suite
                .warnings
                .extend(found.warnings.iter().map(|w| format!("{label}: {w}")));
            if !found.errors.is_empty() {
                warn(io, &suite.warnings)?;
                let e = Error::Input(policy_errors(&label.to_string(), &found.errors));
                return Err(report_load_error(a, io, e));
            }
            issues.extend(found.warnings.into_iter().map(|w| (n, w)));
        }
        warn(io, &suite.warnings)?;
    }
    for p in &suite.skipped {
        writeln!(
            io.err,
            "note: skipped {} (scenario files end in .json, .yaml or .yml)",
            crate::policy::one_line(&p.display().to_string())
        )?;
    }
    Ok((suite, issues))
}

/// A case that expected an Allow and did not get one, in an inventory with a statement naming
/// a misspelling of the case's action: say so among the case's problems.
pub(super) fn name_typos(
    suite: &Suite,
    issues: &[(usize, PolicyIssue)],
    outcomes: &mut [scenario::Outcome],
) {
    if issues.is_empty() {
        return;
    }
    for o in outcomes
        .iter_mut()
        .filter(|o| o.status == scenario::Status::Failed)
    {
        let Some(case) = suite.cases.get(o.case) else {
            continue;
        };
        if case.expect != scenario::Expect::Allow {
            continue;
        }
        let own: Vec<PolicyIssue> = issues
            .iter()
            .filter(|(n, _)| *n == case.engine)
            .map(|(_, i)| i.clone())
            .collect();
        o.problems
            .extend(scenario::typo_notes(&own, &case.request.action));
    }
}

/// Each warning as a `warning:` line on standard error.
fn warn(io: &mut Streams<'_>, warnings: &[String]) -> Result<(), Error> {
    for w in warnings {
        writeln!(io.err, "warning: {}", crate::policy::one_line(w))?;
    }
    Ok(())
}

/// One line for the statements that make the inventory unusable (the first five).
pub(super) fn policy_errors(label: &str, errors: &[scenario::PolicyIssue]) -> String {
    let mut shown: Vec<String> = errors.iter().take(5).map(ToString::to_string).collect();
    if errors.len() > 5 {
        shown.push(format!("and {} more", errors.len() - 5));
    }
    format!("{label}: {}", shown.join("; "))
}

/// Write `e` as the report, in the format asked for, then hand it back: CI uploads a report
/// that records the error instead of finding none. Text goes to standard output only with
/// `--output` (the error itself is printed on standard error anyway).
fn report_load_error(a: &CheckArgs, io: &mut Streams<'_>, e: Error) -> Error {
    if a.format == CheckFormat::Text && a.output.is_none() {
        return e;
    }
    let message = e.to_string();
    let written = writer(a.output.as_deref(), &mut *io.out).and_then(|mut out| {
        match a.format {
            CheckFormat::Junit => report::load_error_junit(&mut out, &message)?,
            CheckFormat::Json => report::load_error_json(&mut out, &message)?,
            CheckFormat::Markdown => report::load_error_markdown(&mut out, &message)?,
            CheckFormat::Text => writeln!(out, "error: {}", crate::policy::one_line(&message))?,
        }
        Ok(out.flush()?)
    });
    match written {
        Ok(()) => e,
        Err(w) => w,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

    use super::*;
    use std::path::Path;

    fn args(paths: &[&str], format: CheckFormat) -> CheckArgs {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli");
        CheckArgs {
            paths: paths.iter().map(|p| root.join(p)).collect(),
            policies: Vec::new(),
            tags: Vec::new(),
            format,
            output: None,
            no_catalog: false,
            vars: Vec::new(),
            deny_warnings: false,
            verbose: false,
            quiet: false,
            coverage: false,
            fail_on_uncovered: false,
        }
    }

    fn run(a: &CheckArgs) -> (Result<Exit, Error>, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let r = check(a, &mut Streams::new(&mut out, &mut err));
        (
            r,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    #[test]
    fn passing_suite_ends_with_its_tally() {
        let (r, out, err) = run(&args(&["tiny/scenarios"], CheckFormat::Text));
        assert_eq!(r.unwrap(), Exit::Success);
        assert!(out.ends_with("passed, 0 failed, 1 skipped\n"), "{out}");
        assert_eq!(err, "");
    }

    #[test]
    fn failing_suite_exits_1_and_json_tally_goes_to_err() {
        let (r, out, err) = run(&args(&["failing/scenarios"], CheckFormat::Json));
        assert_eq!(r.unwrap(), Exit::Failure);
        assert!(out.starts_with('{'), "{out}");
        assert!(
            err.ends_with(" failed\n") && !err.contains(" 0 failed"),
            "{err}"
        );
    }

    #[test]
    fn context_key_typo_warns_on_err() {
        let (r, _, err) = run(&args(&["warn/context-key-typo.json"], CheckFormat::Text));
        assert_eq!(r.unwrap(), Exit::Success);
        assert!(
            err.starts_with("warning: ")
                && err.contains("context key `aws:RequestedRegoin` is neither a global key nor one `s3:GetObject` takes"),
            "{err}"
        );
    }

    #[test]
    fn catalog_error_still_writes_a_junit_report() {
        let (r, out, _) = run(&args(&["bad/action-typo.json"], CheckFormat::Junit));
        let e = r.unwrap_err();
        assert!(
            e.to_string()
                .contains("scenario `action-typo`: unknown action `s3:GetObjcet` (did you mean `s3:GetObject`?)"),
            "{e}"
        );
        assert!(
            out.contains("<testsuites") && out.contains("GetObjcet"),
            "{out}"
        );
    }
}
