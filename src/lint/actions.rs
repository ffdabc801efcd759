//! Rules on what a statement grants: unknown actions (L001), or actions of a retired service
//! (L010), wildcard grants (L002), `Allow` with `NotAction`/`NotResource` (L003), and
//! `iam:PassRole` on every role (L008).

use super::context::{Linter, StatementCtx};
use super::covered::{judge, Grant, Verdict};
use super::rule::{Finding, Rule};
use crate::catalog::{retired_service, RetiredService};
use crate::policy::{
    ActionClause, ActionPattern, Effect, PolicyKind, PrincipalClause, ResourceClause,
};

/// The platform's placeholder grants (Sid, action), which its production profile narrows
/// (docs/platform.md, "Production profile").
const PLATFORM_PLACEHOLDERS: [(&str, &str); 2] = [
    ("BedrockInvoke", "bedrock:*"),
    ("AgentCoreActions", "bedrock-agentcore:*"),
];

pub(crate) fn check(linter: &mut Linter, s: &StatementCtx<'_>, out: &mut Vec<Finding>) {
    let (element, patterns) = match &s.stmt.action {
        ActionClause::Action(p) => ("Action", p),
        ActionClause::NotAction(p) => ("NotAction", p),
    };
    for (j, p) in patterns.iter().enumerate() {
        unknown_action(linter, s, element, j, p, out);
    }
    if s.stmt.effect != Effect::Allow {
        return;
    }
    allow_not(linter, s, out);
    // A grant on `*` means "every resource" only in an identity policy: in a key policy `*` is
    // the key itself, and in an SCP or RCP an Allow is a filter, not a grant (AWS's own
    // `FullAWSAccess` is `*` on `*`).
    // <https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html>
    if s.ctx.kind != PolicyKind::Identity {
        return;
    }
    let ActionClause::Action(patterns) = &s.stmt.action else {
        return;
    };
    let on_everything = matches!(&s.stmt.resource, Some(ResourceClause::Resource(r)) if r.iter().any(|p| p.raw == "*"));
    if !on_everything {
        return;
    }
    for (j, p) in patterns.iter().enumerate() {
        wildcard_grant(linter, s, j, p, out);
    }
    let passrole = patterns
        .iter()
        .enumerate()
        .find(|(_, p)| linter.expand(&p.raw).iter().any(|a| a == "iam:PassRole"));
    if let Some((j, p)) = passrole {
        let Some(note) = beside(linter, s, &Grant::action(s.stmt, "iam:PassRole")) else {
            return;
        };
        out.push(s.ctx.finding(
            Rule::PassRoleWildcard,
            &s.element("Action", j),
            format!(
                "statement {} allows `iam:PassRole`{} on every role (`Resource: *`), so the principal can hand any role, however privileged, to a service{note}",
                s.ctx.label(s.index),
                if p.raw.eq_ignore_ascii_case("iam:PassRole") {
                    String::new()
                } else {
                    format!(" (through `{}`)", p.raw)
                }
            ),
            "list the roles it must pass in `Resource` and add an `iam:PassedToService` condition (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html)".into(),
        ));
    }
}

fn unknown_action(
    linter: &mut Linter,
    s: &StatementCtx<'_>,
    element: &str,
    j: usize,
    p: &ActionPattern,
    out: &mut Vec<Finding>,
) {
    if !linter.expand(&p.raw).is_empty() {
        return;
    }
    if let Some(service) = retired_service_of(linter, &p.raw) {
        let fix = match service.notice {
            Some(url) => format!("remove it: AWS has discontinued {} ({url})", service.name),
            None => format!("remove it: AWS has discontinued {}", service.name),
        };
        out.push(s.ctx.finding(
            Rule::RetiredServiceAction,
            &s.element(element, j),
            format!(
                "`{}` is an action of {} (`{}`), a retired service: it matches no action AWS lists now",
                p.raw, service.name, service.prefix
            ),
            fix,
        ));
        return;
    }
    let suggestion = if p.raw.contains(['*', '?']) {
        None
    } else {
        linter.catalog().suggest(&p.raw)
    };
    let (hint, fix) = match suggestion {
        Some(s) => (
            format!(" (did you mean `{s}`?)"),
            format!("replace it with `{s}`"),
        ),
        None => (
            String::new(),
            "use an action from the Service Authorization Reference (`iamsim expand 'service:*'` lists a service's actions)".into(),
        ),
    };
    out.push(s.ctx.finding(
        Rule::UnknownAction,
        &s.element(element, j),
        format!("`{}` matches no known action{hint}", p.raw),
        fix,
    ));
}

/// The retired service a pattern's prefix names, when the catalog does not know that prefix
/// (data/catalog/retired-services.tsv).
fn retired_service_of(linter: &Linter, pattern: &str) -> Option<RetiredService> {
    let (prefix, _) = pattern.split_once(':')?;
    if prefix.contains(['*', '?']) || linter.catalog().service(prefix).is_some() {
        return None;
    }
    retired_service(prefix)
}

/// The note for a grant finding given the Deny statements beside it: `None` when they take the
/// grant away entirely (no finding), `Some("")` when none touches it, else a note naming them.
fn beside(linter: &mut Linter, s: &StatementCtx<'_>, grant: &Grant<'_>) -> Option<String> {
    match judge(linter, s, grant) {
        Verdict::Denied => None,
        Verdict::Open => Some(String::new()),
        Verdict::Narrowed(note) => Some(note),
    }
}

fn allow_not(linter: &mut Linter, s: &StatementCtx<'_>, out: &mut Vec<Finding>) {
    let not_action = matches!(s.stmt.action, ActionClause::NotAction(_));
    let not_principal = matches!(s.stmt.principal, Some(PrincipalClause::NotPrincipal(_)));
    let not_resource = matches!(s.stmt.resource, Some(ResourceClause::NotResource(_)));
    if !(not_action || not_principal || not_resource) {
        return;
    }
    let Some(note) = beside(linter, s, &Grant::statement(s.stmt)) else {
        return;
    };
    let label = s.ctx.label(s.index);
    if not_action {
        out.push(s.ctx.finding(
            Rule::AllowNotElement,
            &s.ctx.statement_path(s.index).key("NotAction"),
            format!("statement {label} uses `Allow` with `NotAction`: it grants every action not listed, including actions AWS adds later{note}"),
            "list the allowed actions in `Action`, or use `NotAction` only with `Deny` (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html)".into(),
        ));
    }
    if not_principal {
        out.push(s.ctx.finding(
            Rule::AllowNotPrincipal,
            &s.ctx.statement_path(s.index).key("NotPrincipal"),
            format!("statement {label} uses `Allow` with `NotPrincipal`: AWS does not support it, and where honoured it grants every principal not listed, anonymous callers included{note}"),
            "name the principals in `Principal`, or use `Principal: \"*\"` with a condition on `aws:PrincipalArn` (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html)".into(),
        ));
    }
    if not_resource {
        out.push(s.ctx.finding(
            Rule::AllowNotElement,
            &s.ctx.statement_path(s.index).key("NotResource"),
            format!("statement {label} uses `Allow` with `NotResource`: it grants every resource not listed, including resources created later{note}"),
            "list the allowed resources in `Resource`, or use `NotResource` only with `Deny` (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html)".into(),
        ));
    }
}

fn wildcard_grant(
    linter: &mut Linter,
    s: &StatementCtx<'_>,
    j: usize,
    p: &ActionPattern,
    out: &mut Vec<Finding>,
) {
    let whole_service = p.raw == "*" || p.raw.ends_with(":*");
    if !whole_service {
        return;
    }
    let Some(denied_note) = beside(linter, s, &Grant::action(s.stmt, &p.raw)) else {
        return;
    };
    let what = if p.raw == "*" {
        "every action of every service".to_string()
    } else {
        format!("every `{}` action", p.raw.trim_end_matches(":*"))
    };
    let placeholder = PLATFORM_PLACEHOLDERS.iter().any(|(sid, action)| {
        s.stmt.sid.as_deref() == Some(*sid) && action.eq_ignore_ascii_case(&p.raw)
    });
    let (note, fix) = if placeholder {
        (
            " (the platform's placeholder grant)",
            "set the spec's `production` profile (`bedrock_model_arns`, `agentcore_resource_arns`) and run `iamsim generate`: see docs/platform.md, Production profile".to_string(),
        )
    } else {
        (
            "",
            "list the actions needed and the resources they act on (https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege)".to_string(),
        )
    };
    out.push(s.ctx.finding(
        Rule::WildcardGrant,
        &s.element("Action", j),
        format!(
            "statement {} allows `{}` ({what}) on every resource{note}{denied_note}",
            s.ctx.label(s.index),
            p.raw
        ),
        fix,
    ));
}
