//! `iamsim import`: an inventory from a Terraform plan JSON, CloudFormation templates or a
//! get-account-authorization-details dump, written out (`--out`) or shown (`--print`).
use std::path::{Path, PathBuf};

use super::args::ImportCommand;
use super::{plural, read_to_string, Error, Exit, Streams};
use crate::import::cloudformation::{import_templates, CloudFormationOptions};
use crate::import::terraform::{import_plan_str, TerraformOptions};
use crate::import::{self, gaad, Imported};
use crate::inventory::parse_json;

/// Run `import terraform` or `import gaad`: print what was extracted (`--print`) and/or write
/// the inventory (`--out`); one of them is required.
pub fn import(cmd: &ImportCommand, io: &mut Streams<'_>) -> Result<Exit, Error> {
    let (imported, out_dir, print) = match cmd {
        ImportCommand::Terraform {
            plan,
            out,
            vars,
            print,
        } => (terraform(plan, vars)?, out, *print),
        ImportCommand::Gaad { files, out, print } => (dump(files)?, out, *print),
        ImportCommand::Cloudformation {
            templates,
            out,
            vars,
            parameters,
            print,
        } => (
            cloudformation(templates, vars, parameters.as_deref())?,
            out,
            *print,
        ),
    };
    if out_dir.is_none() && !print {
        return Err(Error::Usage(
            "give --out DIR to write the inventory, or --print to show what was extracted".into(),
        ));
    }
    if print {
        write!(io.out, "{}", imported.report)?;
    }
    if let Some(dir) = out_dir {
        import::write_inventory(dir, &imported.files)?;
        writeln!(
            io.out,
            "wrote {} to {}",
            plural(imported.files.len(), "file"),
            dir.display()
        )?;
    }
    Ok(Exit::Success)
}

/// Import a plan, with `--var KEY=VALUE` standing for values unknown at plan time.
fn terraform(plan: &Path, vars: &[String]) -> Result<Imported, Error> {
    let mut opts = TerraformOptions::default();
    for v in vars {
        let (k, val) = TerraformOptions::parse_var(v)?;
        opts.vars.insert(k, val);
    }
    let text = read_to_string(plan)?;
    let label = plan.display().to_string();
    // Syntax errors with line and column, as for every other JSON input.
    parse_json(&text, &label)?;
    Ok(import_plan_str(&text, &label, &opts)?)
}

/// Import CloudFormation templates, with `--var` and a parameters file.
fn cloudformation(
    templates: &[PathBuf],
    vars: &[String],
    parameters: Option<&Path>,
) -> Result<Imported, Error> {
    let mut opts = CloudFormationOptions::default();
    for v in vars {
        let (k, val) = TerraformOptions::parse_var(v)?;
        opts.vars.insert(k, val);
    }
    if let Some(p) = parameters {
        opts.read_parameters(&p.display().to_string(), &read_to_string(p)?)?;
    }
    let mut texts = Vec::new();
    for t in templates {
        for file in template_files(t)? {
            texts.push((file.display().to_string(), read_to_string(&file)?));
        }
    }
    let refs: Vec<(&str, &str)> = texts
        .iter()
        .map(|(l, t)| (l.as_str(), t.as_str()))
        .collect();
    Ok(import_templates(&refs, &opts)?)
}

/// A template file, or the `*.template.json` files of a folder (a CDK `cdk.out`), in name order.
fn template_files(path: &Path) -> Result<Vec<PathBuf>, Error> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries =
        std::fs::read_dir(path).map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(".template.json"))
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Error::Usage(format!(
            "{}: a folder given to `import cloudformation` must hold `*.template.json` files",
            path.display()
        )));
    }
    Ok(files)
}

/// Import the pages of a dump.
fn dump(files: &[PathBuf]) -> Result<Imported, Error> {
    let mut pages = Vec::new();
    for f in files {
        pages.push((f.display().to_string(), read_to_string(f)?));
    }
    Ok(gaad::import_gaad(&pages)?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

    use super::*;

    fn fixture(p: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
    }

    fn run(cmd: &ImportCommand) -> (Result<Exit, Error>, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let r = import(cmd, &mut Streams::new(&mut out, &mut err));
        assert!(err.is_empty());
        (r, String::from_utf8(out).unwrap())
    }

    #[test]
    fn needs_out_or_print() {
        let cmd = ImportCommand::Terraform {
            plan: fixture("tests/cli/plan/plan.json"),
            out: None,
            vars: Vec::new(),
            print: false,
        };
        assert_eq!(
            run(&cmd).0.unwrap_err().to_string(),
            "give --out DIR to write the inventory, or --print to show what was extracted"
        );
    }

    #[test]
    fn prints_a_two_page_dump() {
        let cmd = ImportCommand::Gaad {
            files: vec![
                fixture("tests/fixtures/import/gaad-page1.json"),
                fixture("tests/fixtures/import/gaad-page2.json"),
            ],
            out: None,
            print: true,
        };
        let (r, out) = run(&cmd);
        assert_eq!(r.unwrap(), Exit::Success);
        assert!(out.contains("app-extra"), "{out}");
    }

    #[test]
    fn a_cdk_out_folder_is_its_templates() {
        let files =
            template_files(&fixture("tests/fixtures/import/cloudformation/cdk.out")).unwrap();
        let names: Vec<_> = files
            .iter()
            .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            ["AppStack.template.json", "SharedStack.template.json"]
        );
        let err = template_files(&fixture("tests/fixtures/import/cloudformation/scenarios"))
            .unwrap_err()
            .to_string();
        assert!(err.ends_with("must hold `*.template.json` files"), "{err}");
    }

    #[test]
    fn missing_plan_names_the_file() {
        let cmd = ImportCommand::Terraform {
            plan: "no-such-plan.json".into(),
            out: None,
            vars: Vec::new(),
            print: true,
        };
        assert_eq!(
            run(&cmd).0.unwrap_err().to_string(),
            "no-such-plan.json: No such file or directory (os error 2)"
        );
    }
}
