//! `iamsim lint`: findings on policy files or `policies/` directories.

use std::path::PathBuf;

use super::args::{FailOn, LintArgs, LintFormat};
use super::{Error, Exit, Streams};
use crate::lint::{self, Baseline, Severity, Suppressions};

/// Run `lint`: exit 1 when a finding at `--fail-on` or above is present.
pub fn lint(a: &LintArgs, io: &mut Streams<'_>) -> Result<Exit, Error> {
    let (mut report, mut failures) = lint::lint_each(&a.paths);
    if report.documents == 0 && !failures.is_empty() {
        return Err(failures.remove(0).into());
    }
    let config = match (&a.config, a.no_config) {
        (Some(p), _) => Some(p.clone()),
        (None, false) => Some(PathBuf::from(lint::CONFIG_FILE)).filter(|p| p.is_file()),
        (None, true) => None,
    };
    if let Some(p) = config {
        Suppressions::read(&p)?.apply(&mut report);
    }
    if let Some(p) = &a.baseline {
        let fixed = Baseline::read(p)?.apply(&mut report);
        if fixed > 0 {
            writeln!(
                io.err,
                "note: {} of the baseline {} no longer found; write the baseline again to drop {}",
                super::plural(fixed, "finding"),
                if fixed == 1 { "is" } else { "are" },
                if fixed == 1 { "it" } else { "them" },
            )?;
        }
    }
    let paint = io.paint();
    let mut out = &mut *io.out;
    match a.format {
        LintFormat::Text => lint::write_text(&mut out, &report, paint)?,
        LintFormat::Json => lint::write_json(&mut out, &report)?,
        LintFormat::Sarif => lint::write_sarif(&mut out, &report)?,
    }
    out.flush()?;
    // The files that could not be linted: each on its own line, the last as the error (exit 2).
    if let Some(last) = failures.pop() {
        for e in &failures {
            writeln!(io.err, "error: {e}")?;
        }
        return Err(last.into());
    }
    Ok(if report.fails(a.fail_on.into()) {
        Exit::Failure
    } else {
        Exit::Success
    })
}

impl From<FailOn> for Severity {
    fn from(f: FailOn) -> Self {
        match f {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

    use super::*;
    use std::path::Path;

    fn run(file: &str, fail_on: FailOn) -> (Exit, String) {
        let a = LintArgs {
            paths: vec![Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/lint")
                .join(file)],
            format: LintFormat::Text,
            fail_on,
            config: None,
            no_config: true,
            baseline: None,
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let exit = lint(&a, &mut Streams::new(&mut out, &mut err)).unwrap();
        assert!(err.is_empty());
        (exit, String::from_utf8(out).unwrap())
    }

    #[test]
    fn unknown_action_is_an_error_finding() {
        let (exit, out) = run("l001-unknown-action.json", FailOn::Error);
        assert_eq!(exit, Exit::Failure);
        assert!(out.contains("L001"), "{out}");
    }

    #[test]
    fn clean_policy_passes_even_at_info() {
        assert_eq!(run("clean.json", FailOn::Info).0, Exit::Success);
    }

    #[test]
    fn thresholds_map_to_severities() {
        assert_eq!(Severity::from(FailOn::Error), Severity::Error);
        assert_eq!(Severity::from(FailOn::Warning), Severity::Warning);
        assert_eq!(Severity::from(FailOn::Info), Severity::Info);
    }
}
