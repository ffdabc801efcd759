//! Linting one parsed policy document: the order in which the rules run over it (the context
//! they share is in `context.rs`).

use serde_json::Value;

use super::context::{Ctx, Linter, Placement, StatementCtx};
use super::denies::Denies;
use super::rule::Finding;
use super::{actions, conditions, redundant, variables};
use crate::policy::{Document, PolicyKind};

impl Linter {
    /// Every finding for `doc` of kind `kind`, parsed from `raw`, placed at `at`, ordered by
    /// line (findings on one line keep the order the rules ran in).
    /// The grant rules (L002, L003, L008, L009) leave out what the document's own Deny
    /// statements take away entirely (docs/lint.md).
    pub fn lint_document(
        &mut self,
        doc: &Document,
        raw: &Value,
        kind: PolicyKind,
        at: Placement<'_>,
    ) -> Vec<Finding> {
        let own = Denies::of_document(doc, at.file, &at.path.to_string());
        self.lint_beside(doc, raw, kind, at, &own)
    }

    /// As [`Linter::lint_document`], with the Deny statements that apply beside the document
    /// (in an inventory, those of each principal that holds it).
    pub(crate) fn lint_beside(
        &mut self,
        doc: &Document,
        raw: &Value,
        kind: PolicyKind,
        at: Placement<'_>,
        denies: &Denies<'_>,
    ) -> Vec<Finding> {
        let ctx = Ctx {
            doc,
            raw,
            kind,
            at,
            denies,
        };
        let mut out = Vec::new();
        for (i, stmt) in doc.statements.iter().enumerate() {
            let s = StatementCtx {
                ctx: &ctx,
                index: i,
                stmt,
            };
            actions::check(self, &s, &mut out);
            conditions::check(self, &s, &mut out);
            variables::check(&s, &mut out);
        }
        redundant::check(self, &ctx, &mut out);
        // By line (stable, so findings on one line keep rule order).
        out.sort_by_key(|f| f.line);
        out
    }
}
