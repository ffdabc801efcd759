//! L007: a statement made redundant by another of the same policy: same effect and principal,
//! no conditions on either, its actions (as the catalog expands them) and its resources covered
//! by the other's. The resource check is conservative: it proves coverage or stays silent.

use std::collections::HashSet;

use super::context::{Ctx, Linter};
use super::rule::{Finding, Rule};
use crate::policy::{ActionClause, ResourceClause, Statement};

/// What a statement covers, when it can be compared at all.
struct Cover<'a> {
    actions: HashSet<String>,
    resources: Option<Vec<&'a str>>,
}

pub(crate) fn check(linter: &mut Linter, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let covers: Vec<Option<Cover<'_>>> = ctx
        .doc
        .statements
        .iter()
        .map(|s| cover(linter, s))
        .collect();
    let stmts = &ctx.doc.statements;
    for (a, (sa, ca)) in stmts.iter().zip(&covers).enumerate() {
        let Some(ca) = ca else { continue };
        let by = stmts.iter().zip(&covers).enumerate().find(|(b, (sb, cb))| {
            let Some(cb) = cb else { return false };
            *b != a
                && sa.effect == sb.effect
                && sa.principal == sb.principal
                && includes(cb, ca)
                // Two equal statements: report only the later one.
                && (*b < a || !includes(ca, cb))
        });
        if let Some((b, _)) = by {
            out.push(ctx.finding(
                Rule::RedundantStatement,
                &ctx.statement_path(a),
                format!(
                    "statement {} is redundant: statement {} has the same effect and already covers its actions and resources",
                    ctx.label(a),
                    ctx.label(b)
                ),
                format!("remove statement {}, or merge it into {}", ctx.label(a), ctx.label(b)),
            ));
        }
    }
}

fn cover<'a>(linter: &mut Linter, s: &'a Statement) -> Option<Cover<'a>> {
    if !s.conditions.is_empty() {
        return None;
    }
    let ActionClause::Action(patterns) = &s.action else {
        return None;
    };
    let mut actions = HashSet::new();
    for p in patterns {
        let list = linter.expand(&p.raw);
        // An unknown action (L001) covers nothing we can compare.
        if list.is_empty() {
            return None;
        }
        actions.extend(list.iter().cloned());
    }
    let resources = match &s.resource {
        None => None,
        Some(ResourceClause::Resource(r)) => Some(r.iter().map(|p| p.raw.as_str()).collect()),
        Some(ResourceClause::NotResource(_)) => return None,
    };
    Some(Cover { actions, resources })
}

/// Whether `outer` covers everything `inner` does.
fn includes(outer: &Cover<'_>, inner: &Cover<'_>) -> bool {
    if !inner.actions.is_subset(&outer.actions) {
        return false;
    }
    match (&outer.resources, &inner.resources) {
        (None, None) => true,
        (Some(o), Some(i)) => i.iter().all(|r| o.iter().any(|p| pattern_covers(p, r))),
        _ => false,
    }
}

/// Whether resource pattern `outer` matches every resource `inner` matches: `*`, the same
/// text, or `outer` = a literal prefix ending in the ARN's resource part followed by one `*`,
/// and the literal text of `inner` before its first wildcard starting with that prefix. Policy
/// variables are compared as text only.
pub(crate) fn pattern_covers(outer: &str, inner: &str) -> bool {
    if outer == "*" || outer == inner {
        return true;
    }
    let Some(prefix) = outer.strip_suffix('*') else {
        return false;
    };
    // The star must sit in the resource part (after the fifth colon), so that segment-wise
    // ARN matching and whole-string matching agree.
    if prefix.contains(['*', '?', '$']) || inner.contains('$') || prefix.matches(':').count() < 5 {
        return false;
    }
    let literal = inner.split(['*', '?']).next().unwrap_or_default();
    literal.starts_with(prefix)
}

#[cfg(test)]
mod tests {
    use super::pattern_covers;

    #[test]
    fn resource_coverage_is_conservative() {
        assert!(pattern_covers("*", "arn:aws:s3:::b/k"));
        assert!(pattern_covers("arn:aws:s3:::b/*", "arn:aws:s3:::b/k/*"));
        assert!(pattern_covers("arn:aws:s3:::b*", "arn:aws:s3:::b/k"));
        assert!(!pattern_covers("arn:aws:s3:::b/*", "arn:aws:s3:::c/k"));
        assert!(!pattern_covers("arn:aws:s3:*", "arn:aws:s3:::b"));
        assert!(!pattern_covers("arn:aws:s3:::b/*/x", "arn:aws:s3:::b/y/x"));
        assert!(!pattern_covers(
            "arn:aws:s3:::${aws:username}/*",
            "arn:aws:s3:::${aws:username}/k"
        ));
        assert!(!pattern_covers("arn:aws:s3:::b/k", "arn:aws:s3:::b/*"));
    }
}
