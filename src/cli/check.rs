//! `iamsim check`: load scenario files, validate their cases against the catalog, run them and
//! write the report.

use std::io::Write;

use super::args::{CheckArgs, CheckFormat};
use super::{use_color, writer, Error, Exit, Streams};
use crate::import::terraform::TerraformOptions;
use crate::report;
use crate::scenario::{self, LoadOptions, Suite, Tally};

/// Run `check`: exit 1 when a case misses its expectation. With `--format junit`, a suite that
/// cannot be loaded or validated still gets a report (one failing test case) before the error.
pub fn check(a: &CheckArgs, io: &mut Streams<'_>) -> Result<Exit, Error> {
    let output = a.output.as_deref();
    let suite = load(a, io)?;
    let outcomes = scenario::run_suite(&suite);
    let mut out = writer(output, &mut *io.out)?;
    match a.format {
        CheckFormat::Text => report::check_text(
            &mut out,
            &suite,
            &outcomes,
            output.is_none() && use_color(a.color, io.out_is_terminal),
        )?,
        CheckFormat::Json => report::check_json(&mut out, &suite, &outcomes)?,
        CheckFormat::Junit => report::check_junit(&mut out, &suite, &outcomes)?,
        CheckFormat::Markdown => report::check_markdown(&mut out, &suite, &outcomes)?,
    }
    out.flush()?;
    drop(out);
    let t = Tally::of(&outcomes);
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
    Ok(if t.failed > 0 {
        Exit::Failure
    } else {
        Exit::Success
    })
}

/// Load the suite and (unless `--no-catalog`) validate its cases, warning on `err` about
/// context keys that may be typos.
fn load(a: &CheckArgs, io: &mut Streams<'_>) -> Result<Suite, Error> {
    let mut opts = LoadOptions {
        policies: a.policies.clone(),
        tags: a.tags.clone(),
        ..LoadOptions::default()
    };
    for v in &a.vars {
        let (k, val) = TerraformOptions::parse_var(v)?;
        opts.vars.insert(k, val);
    }
    let suite = match scenario::load_suite(&a.paths, &opts) {
        Ok(s) => s,
        Err(e) => return Err(junit_load_error(a, io, e.into())),
    };
    if !a.no_catalog {
        let found = scenario::validate_cases(&suite);
        for w in &found.warnings {
            writeln!(io.err, "warning: {w}")?;
        }
        if let Some(e) = found.error {
            return Err(junit_load_error(a, io, e.into()));
        }
    }
    Ok(suite)
}

/// With `--format junit`, write `e` as the report (for CI dashboards), then hand it back.
fn junit_load_error(a: &CheckArgs, io: &mut Streams<'_>, e: Error) -> Error {
    if a.format != CheckFormat::Junit {
        return e;
    }
    let written = writer(a.output.as_deref(), &mut *io.out).and_then(|mut out| {
        report::load_error_junit(&mut out, &e.to_string())?;
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
    use crate::cli::args::Color;
    use std::path::Path;

    fn args(paths: &[&str], format: CheckFormat) -> CheckArgs {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli");
        CheckArgs {
            paths: paths.iter().map(|p| root.join(p)).collect(),
            policies: Vec::new(),
            tags: Vec::new(),
            format,
            output: None,
            color: Color::Never,
            no_catalog: false,
            vars: Vec::new(),
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
