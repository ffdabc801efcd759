//! The `iamsim` commands as library calls, the top layer of the library: one function per
//! command takes its clap arguments ([`args`]) and the [`Streams`] to write to, and returns how
//! the run ends ([`Exit`]) or the [`Error`] to report as one line. The binary only parses
//! arguments, calls one of these and turns the outcome into an exit code, so a library user can
//! do exactly what the command line does (and tests can capture its output).
//!
//! Commands that answer one question and end the process (`check`, `explain`, `who-can`) do not
//! free their compiled inventory or suite: the OS reclaims it faster at exit
//! (docs/performance.md). Calling them in a long-running process leaks that memory.

pub mod args;
mod check;
mod completions;
mod diff;
mod error;
mod expand;
mod explain;
mod explain_input;
mod generate;
mod import;
mod lint;
mod prove;
mod reach;
mod report;
mod schema;
mod who_can;

use std::fmt;
use std::io::{BufWriter, Write};
use std::path::Path;

pub use self::check::check;
pub use self::completions::{completions, man};
pub use self::diff::diff;
pub use self::error::Error;
pub use self::expand::{expand, expand_actions};
pub use self::explain::explain;
pub use self::generate::generate;
pub use self::import::import;
pub use self::lint::lint;
pub use self::prove::prove;
pub use self::reach::reach;
pub use self::report::report;
pub use self::schema::{schema, schema_text, SCHEMAS};
pub use self::who_can::who_can;

use crate::ansi::Paint;
use crate::engine::Engine;
use crate::scenario;
use args::Color;

/// How a run ends: 0 success, 1 an expectation not met, 2 bad input or usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything asked for was met
    Success,
    /// A case, expectation or gate was not met
    Failure,
    /// Bad input or usage
    Error,
}

impl Exit {
    /// The process exit status.
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Failure => 1,
            Exit::Error => 2,
        }
    }
}

/// Where a command writes: standard output and standard error (or any writers, in tests).
pub struct Streams<'a> {
    /// Reports and listings
    pub out: &'a mut dyn Write,
    /// Warnings and closing summaries
    pub err: &'a mut dyn Write,
    /// Whether `out` is a terminal (for `--color auto`)
    pub out_is_terminal: bool,
    /// `--color`: with `out_is_terminal` and `NO_COLOR`, whether text output is coloured
    pub color: Color,
}

impl<'a> Streams<'a> {
    /// Streams that are not a terminal.
    pub fn new(out: &'a mut dyn Write, err: &'a mut dyn Write) -> Self {
        Streams {
            out,
            err,
            out_is_terminal: false,
            color: Color::Auto,
        }
    }

    /// How text written to `out` is coloured: `--color`, `NO_COLOR` and the terminal decide
    /// ([`use_color`]). A report written to a file (`--output`) is never coloured.
    pub fn paint(&self) -> Paint {
        Paint::new(use_color(self.color, self.out_is_terminal))
    }
}

impl fmt::Debug for Streams<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Streams")
            .field("out_is_terminal", &self.out_is_terminal)
            .field("color", &self.color)
            .finish_non_exhaustive()
    }
}

/// Whether to colour text output: `auto` colours a terminal unless `NO_COLOR` is set (and not
/// empty) or `TERM` is `dumb`.
pub fn use_color(choice: Color, out_is_terminal: bool) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            out_is_terminal
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}

/// The report's destination: the `--output` file (created, buffered) or `out`.
pub fn writer<'a>(
    output: Option<&Path>,
    out: &'a mut dyn Write,
) -> Result<Box<dyn Write + 'a>, Error> {
    Ok(match output {
        Some(p) => {
            let fail = |source| Error::File {
                path: p.to_path_buf(),
                source,
            };
            // A report path in a folder CI has not made yet (`reports/iamsim.xml`) is made.
            if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(fail)?;
            }
            let file = std::fs::File::create(p).map_err(fail)?;
            Box::new(BufWriter::new(file))
        }
        None => Box::new(out),
    })
}

/// Load and compile an inventory for a command that ends the process after one question. The
/// inventory is not freed: dropping 1,000 roles' policies one allocation at a time cost as much
/// as compiling them (docs/performance.md), and the OS reclaims the memory at exit anyway.
pub fn compile_for_exit(policies: &Path) -> Result<Engine, Error> {
    let inventory = scenario::load_inventory(policies)?;
    let engine = Engine::new(&inventory)?;
    std::mem::forget(inventory);
    Ok(engine)
}

/// Check an inventory's policies against the catalog (`scenario::check_policies`): the
/// warnings (an Allow that grants nothing), each prefixed with `label`, or the errors (a Deny
/// that cannot protect) as the command's error.
pub fn check_inventory(engine: &Engine, label: &str) -> Result<Vec<String>, Error> {
    let found = scenario::check_policies(engine);
    if found.errors.is_empty() {
        Ok(found
            .warnings
            .iter()
            .map(|w| format!("{label}: {w}"))
            .collect())
    } else {
        Err(Error::Input(check::policy_errors(label, &found.errors)))
    }
}

/// Write each warning as a `warning: ` line (control characters escaped).
fn warn_lines(err: &mut dyn Write, warnings: &[String]) -> Result<(), Error> {
    for w in warnings {
        writeln!(err, "warning: {}", crate::policy::one_line(w))?;
    }
    Ok(())
}

/// The context's issues for each of `actions` against the catalog: keys the action does not
/// take as warnings (each once, with the nearest key), a value not of its key's type as the
/// error.
fn context_warnings(
    actions: &[String],
    ctx: &crate::request::Context,
) -> Result<Vec<String>, Error> {
    let mut warnings: Vec<String> = Vec::new();
    for action in actions {
        for issue in scenario::check_context(action, ctx) {
            if issue.is_error() {
                return Err(Error::Input(issue.to_string()));
            }
            let w = issue.to_string();
            if !warnings.contains(&w) {
                warnings.push(w);
            }
        }
    }
    Ok(warnings)
}

/// `1 file`, `3 files`.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Read a file to a string; the error names the file.
fn read_to_string(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|source| Error::File {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

    use super::*;

    #[test]
    fn exit_codes() {
        assert_eq!(Exit::Success.code(), 0);
        assert_eq!(Exit::Failure.code(), 1);
        assert_eq!(Exit::Error.code(), 2);
    }

    #[test]
    fn plural_counts() {
        assert_eq!(plural(1, "file"), "1 file");
        assert_eq!(plural(0, "file"), "0 files");
        assert_eq!(plural(12, "file"), "12 files");
    }

    #[test]
    fn color_choices() {
        assert!(use_color(Color::Always, false));
        assert!(!use_color(Color::Never, true));
        assert!(!use_color(Color::Auto, false));
    }

    #[test]
    fn writer_names_the_file_it_cannot_create() {
        let mut out = Vec::new();
        // A missing folder is made; one that cannot be (a file stands in the way) is an error.
        let blocked = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml/r.txt");
        let Err(e) = writer(Some(&blocked), &mut out) else {
            panic!("created a file under a file");
        };
        assert!(
            e.to_string()
                .starts_with(&format!("{}: ", blocked.display())),
            "{e}"
        );
    }
}
