//! The import report: every extracted item with the place it came from (for `--print`).

use std::fmt;
use std::path::PathBuf;

/// One extracted item: a policy document, an attachment or a principal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReportItem {
    /// Inventory file the item went into, relative to the inventory directory.
    pub file: PathBuf,
    /// What was extracted, e.g. ``inline policy `agent` `` or `trust policy`.
    pub what: String,
    /// Where it came from: a Terraform address, or `label: JSON path` for GAAD.
    pub source: String,
}

/// Every item an import extracted, in output-file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// The items, sorted by file, then item, then source.
    pub items: Vec<ReportItem>,
}

impl ImportReport {
    /// Adds an item.
    pub(crate) fn push(
        &mut self,
        file: PathBuf,
        what: impl Into<String>,
        source: impl Into<String>,
    ) {
        self.items.push(ReportItem {
            file,
            what: what.into(),
            source: source.into(),
        });
    }

    /// Sorts the items so output does not depend on input order.
    pub(crate) fn sort(&mut self) {
        self.items.sort();
        self.items.dedup();
    }
}

impl fmt::Display for ImportReport {
    /// One line per item: `file: what <- source`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for item in &self.items {
            writeln!(
                f,
                "{}: {} <- {}",
                item.file.display(),
                item.what,
                item.source
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_one_sorted_line_per_item() {
        let mut report = ImportReport::default();
        report.push("roles/b.json".into(), "trust policy", "aws_iam_role.b");
        report.push("roles/a.json".into(), "trust policy", "aws_iam_role.a");
        report.sort();
        assert_eq!(
            report.to_string(),
            "roles/a.json: trust policy <- aws_iam_role.a\nroles/b.json: trust policy <- aws_iam_role.b\n"
        );
    }
}
