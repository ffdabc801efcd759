//! `iamsim report`: the review page (`--format html`): the access matrix of the inventory, the
//! results of the scenario files given, and lint's findings on the inventory.

use std::io::Write;
use std::path::PathBuf;

use super::args::{CheckArgs, CheckFormat, ReportArgs, ReportFormat};
use super::{check, check_inventory, writer, Error, Exit, Streams};
use crate::engine::Engine;
use crate::import::terraform::TerraformOptions;
use crate::lint;
use crate::matrix::{self, MatrixOptions};
use crate::report::html::{report_html, HtmlInput};
use crate::request::{Context, Principal};
use crate::scenario;

/// Run `report`: exit 0 once the page is written, whatever the scenarios' results.
pub fn report(a: &ReportArgs, io: &mut Streams<'_>) -> Result<Exit, Error> {
    let policies = if a.policies.is_empty() {
        vec![PathBuf::from("policies")]
    } else {
        a.policies.clone()
    };
    let label = policies
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let mut vars = std::collections::BTreeMap::new();
    for v in &a.vars {
        let (k, val) = TerraformOptions::parse_var(v)?;
        vars.insert(k, val);
    }
    let inventory = scenario::load_inventory_from(&policies, &vars)?;
    let engine = Engine::new(&inventory)?;
    let warnings = check_inventory(&engine, &label)?;
    super::warn_lines(&mut *io.err, &warnings)?;
    let opts = MatrixOptions {
        principals: principals(&engine, &a.principals)?,
        resources: a.resources.clone(),
        context: Context::from_assignments(&a.context).map_err(Error::Input)?,
    };
    let m = matrix::compute(&engine, &inventory, &opts);
    let run = if a.paths.is_empty() {
        None
    } else {
        let check_args = as_check(a);
        let (suite, issues) = check::load(&check_args, false, io)?;
        let mut outcomes = scenario::run_suite(&suite);
        check::name_typos(&suite, &issues, &mut outcomes);
        Some((suite, outcomes))
    };
    let (findings, failures) = lint::lint_each(&policies);
    let lint_errors: Vec<String> = failures.iter().map(ToString::to_string).collect();
    for e in &lint_errors {
        writeln!(io.err, "warning: could not lint: {e}")?;
    }
    let input = HtmlInput {
        inventory: &label,
        matrix: &m,
        scenarios: run.as_ref().map(|(s, o)| (s, o.as_slice())),
        lint: (findings.documents > 0 || failures.is_empty()).then_some(&findings),
        lint_errors: &lint_errors,
        warnings: &warnings,
    };
    let mut out = writer(a.output.as_deref(), &mut *io.out)?;
    match a.format {
        ReportFormat::Html => report_html(&mut out, &input)?,
    }
    out.flush()?;
    Ok(Exit::Success)
}

/// The `--principal` values, resolved as scenario files' principals (`role/NAME`, ARNs, service
/// principals; did-you-mean for a short form the inventory does not hold).
fn principals(engine: &Engine, given: &[String]) -> Result<Vec<Principal>, Error> {
    given
        .iter()
        .map(|p| {
            scenario::resolve_principal(engine, p)
                .map_err(|e| Error::Input(format!("--principal {p}: {e}")))
        })
        .collect()
}

/// The scenario half of the arguments, as `check` takes them.
fn as_check(a: &ReportArgs) -> CheckArgs {
    CheckArgs {
        paths: a.paths.clone(),
        policies: a.policies.clone(),
        tags: Vec::new(),
        format: CheckFormat::Text,
        output: None,
        no_catalog: false,
        vars: a.vars.clone(),
        deny_warnings: false,
        verbose: false,
        quiet: false,
        coverage: false,
        fail_on_uncovered: false,
    }
}
