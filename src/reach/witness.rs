//! The values an attacker chooses: the name of what it creates and the condition keys of its
//! own requests (keys.rs). For each request the engine is asked with the technique's own
//! context first, then once per identity Allow statement of the attacker that covers the
//! action, with a resource name that statement's `Resource` admits and values that meet its
//! conditions on keys the attacker controls, then (for an `sts:` request on a role) once per
//! Allow statement of the role's trust policy that covers it, with values meeting its
//! conditions on the keys the caller of `sts:AssumeRole` sets (`sts:ExternalId`,
//! `sts:RoleSessionName`, `aws:RequestedRegion`). Only Allow statements are read, so adding a
//! Deny never adds a candidate, and adding an Allow only adds candidates.

use std::sync::Arc;

use super::index::Index;
use super::keys::attacker_controls;
use crate::condition::variables::{Resolve, Template};
use crate::pattern::{Dialect, Wildcard};
use crate::policy::condition::operator::{Comparison, Family};
use crate::policy::condition::Condition;
use crate::policy::{ActionClause, Effect, ResourceClause, ResourceMatcher, Statement};
use crate::request::Context;

/// The name given to whatever the attacker creates or chooses freely.
pub(super) const CHOSEN: &str = "iamsim-reach";

/// Where a request is made, before the attacker's choices.
#[derive(Debug, Clone)]
pub(super) enum Place<'t> {
    /// A known ARN (or `*`)
    Fixed(&'t str),
    /// A resource the attacker creates, from an ARN template
    New(&'t str),
    /// One of these existing resources
    Existing(&'t [String]),
}

/// One way to make a request: the resource and the context keys added to the technique's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Candidate {
    pub resource: String,
    pub context: Vec<(String, String, bool)>,
}

/// Whether `st` can allow `action` (lowercase) at all.
pub(super) fn covers(st: &Statement, action: &str) -> bool {
    match &st.action {
        ActionClause::Action(ps) => ps.iter().any(|p| p.matcher.is_match(action)),
        ActionClause::NotAction(ps) => !ps.iter().any(|p| p.matcher.is_match(action)),
    }
}

/// `template` with `${Partition}`, `${Region}`, `${Account}` filled and every other `${...}`
/// (a name the attacker or AWS chooses) as [`CHOSEN`].
pub(super) fn fill(template: &str, partition: &str, region: &str, account: &str) -> String {
    let filled = located(template, partition, region, account);
    let mut out = String::with_capacity(filled.len());
    let mut rest = filled.as_str();
    while let Some(start) = rest.find("${") {
        out.push_str(rest.get(..start).unwrap_or(""));
        let after = rest.get(start..).unwrap_or("");
        match after.find('}') {
            Some(end) => {
                out.push_str(CHOSEN);
                rest = after.get(end + 1..).unwrap_or("");
            }
            None => {
                out.push_str(after);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Template variables whose value AWS assigns (an instance's or runtime's id): a name for
/// what the attacker creates can take any value there only through a wildcard.
const ASSIGNED: &[&str] = &["Id", "RuntimeId"];

/// The values of `template`'s variables in `arn` (`${Partition}`, `${Region}` and `${Account}`
/// filled first); `None` when `arn` is not of its form. A variable takes the shortest value
/// that lets the rest match.
fn bind<'s>(template: &'s str, arn: &'s str) -> Option<Vec<(&'s str, &'s str)>> {
    fn go<'s>(t: &'s str, s: &'s str, out: &mut Vec<(&'s str, &'s str)>) -> bool {
        let Some(start) = t.find("${") else {
            return t == s;
        };
        let (lit, rest) = t.split_at(start);
        let Some(s) = s.strip_prefix(lit) else {
            return false;
        };
        let Some(end) = rest.find('}') else {
            return false;
        };
        let name = rest.get(2..end).unwrap_or_default();
        let after = rest.get(end + 1..).unwrap_or_default();
        for cut in (1..=s.len()).filter(|&i| s.is_char_boundary(i)) {
            let (value, tail) = s.split_at(cut);
            out.push((name, value));
            if go(after, tail, out) {
                return true;
            }
            out.pop();
        }
        false
    }
    let mut out = Vec::new();
    go(template, arn, &mut out).then_some(out)
}

/// Whether the attacker can create `arn` from `template` (partition, region and account
/// filled): no resource of the inventory has that ARN already, and where AWS assigns the
/// value ([`ASSIGNED`]) the name came from a wildcard (holds [`CHOSEN`]), not a literal id.
pub(super) fn creatable(ix: &Index<'_>, template: &str, arn: &str) -> bool {
    let assigned_ok = bind(template, arn).is_some_and(|vars| {
        vars.iter()
            .all(|(name, value)| !ASSIGNED.contains(name) || value.contains(CHOSEN))
    });
    assigned_ok && !ix.resource_exists(arn)
}

/// Whether an Allow could grant node `x` `action` (lowercase) on `arn` at all: one of its
/// identity Allow statements covers the action with a `Resource` that may match `arn` (a
/// pattern with policy variables, or `NotResource`, may), or a resource-based policy could
/// decide it. A cheap test before asking the engine, never a reason to allow.
pub(super) fn may_allow(ix: &Index<'_>, x: usize, action: &str, arn: &str) -> bool {
    if ix.has_policy(arn, action.starts_with("sts:")) {
        return true;
    }
    let statements = ix.allows.get(x).map(Vec::as_slice).unwrap_or(&[]);
    statements
        .iter()
        .filter(|st| covers(st, action))
        .any(|st| match &st.resource {
            Some(ResourceClause::Resource(ps)) => ps.iter().any(|p| match &p.matcher {
                ResourceMatcher::Fixed(w) => w.is_match(arn),
                _ => true,
            }),
            _ => true,
        })
}

/// `template` with `${Partition}`, `${Region}` and `${Account}` filled.
fn located(template: &str, partition: &str, region: &str, account: &str) -> String {
    template
        .replace("${Partition}", partition)
        .replace("${Region}", region)
        .replace("${Account}", account)
}

/// The shape of ARNs a template stands for: each `${...}` as `*`.
pub(super) fn shape(
    template: &str,
    partition: &str,
    region: &str,
    account: &str,
) -> Option<Wildcard> {
    let filled = located(template, partition, region, account);
    let mut pattern = String::new();
    let mut rest = filled.as_str();
    while let Some(start) = rest.find("${") {
        pattern.push_str(rest.get(..start).unwrap_or(""));
        pattern.push('*');
        let after = rest.get(start..).unwrap_or("");
        rest = after
            .find('}')
            .and_then(|e| after.get(e + 1..))
            .unwrap_or("");
    }
    pattern.push_str(rest);
    Wildcard::new(&pattern, Dialect::Resource).ok()
}

/// A concrete ARN a resource pattern admits: wildcards in the partition, region and account as
/// the attacker's own, elsewhere as [`CHOSEN`]; `None` for patterns with policy variables (the
/// caller fills them first, see [`filled`]).
fn instance(pattern: &str, partition: &str, region: &str, account: &str) -> Option<String> {
    if pattern.contains("${") || !pattern.starts_with("arn:") {
        return None;
    }
    let mut parts: Vec<String> = pattern.splitn(6, ':').map(str::to_string).collect();
    let defaults = [None, Some(partition), None, Some(region), Some(account)];
    for (part, default) in parts.iter_mut().zip(defaults) {
        if let Some(d) = default.filter(|_| part.contains(['*', '?'])) {
            *part = d.to_string();
        }
    }
    let joined = parts.join(":");
    Some(joined.replace('*', CHOSEN).replace('?', "x"))
}

/// `raw` with its policy variables filled from `facts` (what the engine knows of the caller:
/// `aws:username`, `aws:PrincipalTag/*`, ...); `None` when one has no value there.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>
fn filled(raw: &str, facts: &Context) -> Option<String> {
    if !raw.contains("${") {
        return Some(raw.to_string());
    }
    match Template::parse(raw) {
        Ok(Some(t)) => t.resolve(facts),
        Ok(None) => Some(raw.to_string()),
        Err(_) => None,
    }
}

/// A value that meets `c` (`None`: leave the key absent), with whether it is a list; policy
/// variables in its first value are filled from `facts`.
fn meeting(c: &Condition, facts: &Context) -> Option<(String, bool)> {
    let op = c.operator;
    let list = op.qualifier.is_some();
    let first = c.raw.first()?;
    if op.base.family() == Family::Null {
        return (first == "false").then(|| (CHOSEN.to_string(), list));
    }
    if op.base.is_negated() {
        return Some(("iamsim-reach-unlisted".to_string(), list));
    }
    let first = &filled(first, facts)?;
    let value = match (op.base.family(), op.base.comparison()) {
        (Family::Numeric, Comparison::LessThan) => {
            let n: f64 = first.parse().ok()?;
            format!("{}", n - 1.0)
        }
        (Family::Numeric, Comparison::GreaterThan) => {
            let n: f64 = first.parse().ok()?;
            format!("{}", n + 1.0)
        }
        (Family::Date, Comparison::LessThan) => "1970-01-01T00:00:00Z".to_string(),
        (Family::Date, Comparison::GreaterThan) => "2999-01-01T00:00:00Z".to_string(),
        (Family::Ip, _) => first.split('/').next().unwrap_or(first).to_string(),
        _ => first.replace('*', "iamsim").replace('?', "x"),
    };
    Some((value, list))
}

/// Keys the caller of `sts:AssumeRole` sets only with a permission the technique does not ask
/// for: session tags need `sts:TagSession`, a source identity `sts:SetSourceIdentity`
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>). A trust
/// policy's value for them is not taken (docs/reach.md lists this as not modelled).
const NEEDS_ANOTHER_ACTION: &[&str] = &[
    "aws:requesttag/",
    "aws:tagkeys",
    "sts:transitivetagkeys",
    "sts:sourceidentity",
];

/// Context entries (key, value, is-list) meeting `st`'s conditions on keys the attacker
/// controls in a request for `action`, leaving out keys the technique sets (`fixed`), tag keys
/// the action does not take (an `lambda:InvokeFunction` passes no tags), and for a trust
/// policy's statement (`trust`) those in [`NEEDS_ANOTHER_ACTION`].
fn chosen_context(
    st: &Statement,
    action: &str,
    fixed: &[(String, String)],
    facts: &Context,
    trust: bool,
) -> Vec<(String, String, bool)> {
    let listed = |keys: &[&str], key: &str| {
        let lower = key.to_ascii_lowercase();
        keys.iter()
            .any(|k| lower == *k || (k.ends_with('/') && lower.starts_with(k)))
    };
    let catalog = crate::catalog::Catalog::embedded();
    let not_taken = |key: &str| catalog.never_carries(action, key);
    st.conditions
        .iter()
        .filter(|c| attacker_controls(&c.key) && !c.key.contains("${"))
        .filter(|c| !not_taken(&c.key))
        .filter(|c| !(trust && listed(NEEDS_ANOTHER_ACTION, &c.key)))
        .filter(|c| !fixed.iter().any(|(k, _)| k.eq_ignore_ascii_case(&c.key)))
        .filter_map(|c| meeting(c, facts).map(|(v, list)| (c.key.clone(), v, list)))
        .collect()
}

/// The Allow statements covering `action` (lowercase, an `sts:` one) of the trust policy of
/// the role at `arn`: the caller of `sts:AssumeRole` chooses the external ID, the session
/// name and the region it calls, so it can meet their conditions
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html>,
/// <https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html>).
fn trust_allows<'i>(ix: &'i Index<'_>, action: &str, arn: &str) -> Vec<&'i Arc<Statement>> {
    if !action.starts_with("sts:") {
        return Vec::new();
    }
    let trust = ix
        .role_by_arn(arn)
        .and_then(|n| ix.nodes.get(n))
        .and_then(|n| n.item)
        .and_then(|i| ix.inv.roles.get(i))
        .and_then(|r| r.trust_policy.as_ref());
    trust
        .map(|t| {
            t.document
                .statements
                .iter()
                .filter(|st| st.effect == Effect::Allow && covers(st, action))
                .collect()
        })
        .unwrap_or_default()
}

/// The ARNs of `shape` that `st`'s `Resource` patterns admit, as the attacker in
/// `(partition, region, account)` names them; a policy variable in a pattern takes the
/// attacker's own value from `facts`: a name it can choose (`function:${aws:username}-*`).
fn admitted(
    st: &Statement,
    shape: &Wildcard,
    (partition, region, account): (&str, &str, &str),
    facts: &Context,
) -> Vec<String> {
    let Some(ResourceClause::Resource(ps)) = &st.resource else {
        return Vec::new();
    };
    ps.iter()
        .filter_map(|p| filled(&p.raw, facts))
        .filter_map(|raw| instance(&raw, partition, region, account))
        .filter(|arn| shape.is_match(arn))
        .collect()
}

/// The ARNs of `template`'s shape that the `Resource` of node `x`'s Allow statements covering
/// `action` (lowercase) admit and the attacker can create ([`creatable`]): the names it may
/// give what it creates.
pub(super) fn named_by_resources(
    ix: &Index<'_>,
    x: usize,
    action: &str,
    template: &str,
    facts: &Context,
) -> Vec<String> {
    let partition = ix.partition(x);
    let account = ix.account(x);
    let region = ix.region.as_str();
    let Some(shape) = shape(template, partition, region, account) else {
        return Vec::new();
    };
    let at = (partition, region, account);
    let located = located(template, partition, region, account);
    ix.allows
        .get(x)
        .into_iter()
        .flatten()
        .filter(|st| covers(st, action))
        .flat_map(|st| admitted(st, &shape, at, facts))
        .filter(|arn| creatable(ix, &located, arn))
        .collect()
}

/// The ARNs of `template`'s shape that the conditions of `statements` on `key` (an ARN key:
/// `iam:AssociatedResourceArn`, `aws:SourceArn`) admit and the attacker can create
/// ([`creatable`]), as the attacker in `(partition, region, account)` names them; negated
/// operators admit no name of their own.
pub(super) fn named_by_conditions<'s>(
    ix: &Index<'_>,
    statements: impl Iterator<Item = &'s Arc<Statement>>,
    (key, template): (&str, &str),
    (partition, region, account): (&str, &str, &str),
    facts: &Context,
) -> Vec<String> {
    let Some(shape) = shape(template, partition, region, account) else {
        return Vec::new();
    };
    let located = located(template, partition, region, account);
    let mut out = Vec::new();
    for st in statements.filter(|st| st.effect == Effect::Allow) {
        let conditions = st
            .conditions
            .iter()
            .filter(|c| c.key.eq_ignore_ascii_case(key) && !c.operator.base.is_negated())
            .filter(|c| matches!(c.operator.base.family(), Family::String | Family::Arn));
        for c in conditions {
            let names = c
                .raw
                .iter()
                .filter_map(|v| filled(v, facts))
                .filter_map(|raw| instance(&raw, partition, region, account))
                .filter(|arn| shape.is_match(arn))
                .filter(|arn| creatable(ix, &located, arn));
            for n in names {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
        }
    }
    out
}

/// The candidates for node `x` asking `action` (lowercase) at `place`, the technique's own
/// context being `fixed` and `facts` what the engine knows of `x` (for policy variables): the
/// plain request(s) first, then one per covering identity Allow statement, then one per
/// covering Allow of the trust policy when `place` is a role and `action` an `sts:` one.
pub(super) fn candidates(
    ix: &Index<'_>,
    x: usize,
    action: &str,
    place: &Place<'_>,
    fixed: &[(String, String)],
    facts: &Context,
) -> Vec<Candidate> {
    let partition = ix.partition(x);
    let account = ix.account(x);
    let region = ix.region.as_str();
    let plain = |resource: String| Candidate {
        resource,
        context: Vec::new(),
    };
    let mut out: Vec<Candidate> = match place {
        Place::Fixed(arn) => vec![plain(arn.to_string())],
        Place::New(t) => vec![plain(fill(t, partition, region, account))],
        Place::Existing(arns) => arns.iter().cloned().map(plain).collect(),
    };
    let statements: Vec<&Arc<Statement>> = ix
        .allows
        .get(x)
        .map(|s| s.iter().filter(|st| covers(st, action)).collect())
        .unwrap_or_default();
    let new_shape = match place {
        Place::New(t) => shape(t, partition, region, account),
        _ => None,
    };
    for st in statements {
        let context = chosen_context(st, action, fixed, facts, false);
        let mut resources: Vec<String> = match place {
            Place::Fixed(arn) => vec![arn.to_string()],
            Place::Existing(arns) => arns.to_vec(),
            Place::New(t) => vec![fill(t, partition, region, account)],
        };
        if let (Some(shape), Place::New(t)) = (&new_shape, place) {
            let located = located(t, partition, region, account);
            let named = admitted(st, shape, (partition, region, account), facts)
                .into_iter()
                .filter(|arn| creatable(ix, &located, arn));
            resources = named.chain(resources).collect();
        }
        for resource in resources {
            let c = Candidate {
                resource,
                context: context.clone(),
            };
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    if let Place::Fixed(arn) = place {
        for st in trust_allows(ix, action, arn) {
            let c = Candidate {
                resource: arn.to_string(),
                context: chosen_context(st, action, fixed, facts, true),
            };
            if !c.context.is_empty() && !out.contains(&c) {
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_and_shape() {
        let t = "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}";
        let arn = fill(t, "aws", "us-east-1", "111122223333");
        assert_eq!(
            arn,
            "arn:aws:lambda:us-east-1:111122223333:function:iamsim-reach"
        );
        let s = shape(t, "aws", "us-east-1", "111122223333").unwrap();
        assert!(s.is_match("arn:aws:lambda:us-east-1:111122223333:function:anything"));
        assert!(!s.is_match("arn:aws:lambda:us-east-1:444455556666:function:anything"));
    }

    #[test]
    fn patterns_become_arns_in_the_attackers_account() {
        assert_eq!(
            instance(
                "arn:aws:lambda:*:*:function:team-*",
                "aws",
                "eu-west-1",
                "111122223333"
            )
            .as_deref(),
            Some("arn:aws:lambda:eu-west-1:111122223333:function:team-iamsim-reach")
        );
        assert_eq!(
            instance("arn:aws:iam::*:user/${aws:username}", "aws", "r", "1"),
            None
        );
    }
}
