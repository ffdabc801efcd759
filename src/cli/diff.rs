//! `iamsim diff`: the access a change adds or removes, as a report and (with `--fail-on`) a
//! pull-request gate.

use std::io::Write;

use super::args::{DiffArgs, DiffFailOn, DiffFormat};
use super::{writer, Error, Exit, Streams};
use crate::diff::{self, Diff, DiffOptions};
use crate::scenario;

/// Run `diff`: exit 1 when the diff has a change of the `--fail-on` kind (never without it).
pub fn diff(a: &DiffArgs, io: &mut Streams<'_>) -> Result<Exit, Error> {
    let b = scenario::load_inventory(&a.base)?;
    let h = scenario::load_inventory(&a.head)?;
    if !a.no_catalog {
        // The change under review: a Deny in it that matches nothing fails the gate.
        let engine = crate::engine::Engine::new(&h)?;
        let found = super::check_inventory(&engine, &a.head.display().to_string())?;
        super::warn_lines(&mut *io.err, &found)?;
    }
    let d = diff::diff(&b, &h, &DiffOptions::default())?;
    let mut out = writer(a.output.as_deref(), &mut *io.out)?;
    match a.format {
        DiffFormat::Text => diff::write_text(&mut out, &d)?,
        DiffFormat::Json => diff::write_json(&mut out, &d)?,
        DiffFormat::Markdown => diff::write_markdown(&mut out, &d)?,
    }
    out.flush()?;
    Ok(if fails(a.fail_on, &d) {
        Exit::Failure
    } else {
        Exit::Success
    })
}

/// Whether the diff has a change of the `--fail-on` kind.
fn fails(fail_on: Option<DiffFailOn>, d: &Diff) -> bool {
    match fail_on {
        None => false,
        Some(DiffFailOn::Gained) => d.gained().next().is_some(),
        Some(DiffFailOn::Lost) => d.lost().next().is_some(),
        Some(DiffFailOn::Any) => !d.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

    use super::*;
    use std::path::{Path, PathBuf};

    fn side(s: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/diff/statement_added")
            .join(s)
    }

    fn run(base: &str, head: &str, fail_on: Option<DiffFailOn>) -> (Exit, String) {
        let a = DiffArgs {
            base: side(base),
            head: side(head),
            format: DiffFormat::Text,
            fail_on,
            output: None,
            no_catalog: false,
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let exit = diff(&a, &mut Streams::new(&mut out, &mut err)).unwrap();
        assert!(err.is_empty());
        (exit, String::from_utf8(out).unwrap())
    }

    #[test]
    fn gained_access_fails_the_gate() {
        let expected = std::fs::read_to_string(side("expected.txt")).unwrap();
        assert_eq!(run("base", "head", None), (Exit::Success, expected));
        assert_eq!(
            run("base", "head", Some(DiffFailOn::Gained)).0,
            Exit::Failure
        );
        assert_eq!(run("base", "head", Some(DiffFailOn::Lost)).0, Exit::Success);
        assert_eq!(run("head", "base", Some(DiffFailOn::Lost)).0, Exit::Failure);
    }
}
