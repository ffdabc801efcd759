//! A small reference evaluator written directly from AWS's documented evaluation logic, to check
//! the engine against. Readable before fast: no index, no compiled patterns. It reads the parsed
//! documents' raw text (action and resource patterns, operator names, condition values) and does
//! its own wildcard matching, value parsing and decision.
//!
//! Rule numbers are those of `docs/aws-rules.md`; pages:
//! - evaluation logic, deny vs allow (rules 1, 2, 3, 9):
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html>
//! - cross-account (rule 4):
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html>
//! - AssumeRole (rule 6): <https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html>
//! - KMS key policies (rule 8): <https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html>
//! - SCPs (rule 11): <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html>
//! - RCPs: <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html>
//! - session policies (rule 13): <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_assumerole.html>
//! - conditions (rules 14-20): <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>,
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>
//! - actions and resources (rules 27-30): <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html>,
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>
//! - variables with no value (rule 33): <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use iamsim::engine::Decision;
use iamsim::inventory::{AdHoc, NamedPolicy};
use iamsim::policy::{
    ActionClause, Effect, PrincipalClause, PrincipalEntry, ResourceClause, Statement,
};
use iamsim::request::{IamKind, Principal, Request};

/// A statement named by policy and index.
pub type Id = (String, usize);

/// The reference's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The decision
    pub decision: Decision,
    /// For an explicit deny: every Deny that applied; for an allow: every Allow that applied in
    /// the policies that took part; for an implicit deny: nothing
    pub deciding: BTreeSet<Id>,
}

// ---------------------------------------------------------------- wildcards

/// `*` any run, `?` one character (actions, StringLike). Naive recursion.
pub fn plain_match(pattern: &[char], text: &[char]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some(('*', rest)) => {
            plain_match(rest, text) || (!text.is_empty() && plain_match(pattern, &text[1..]))
        }
        Some(('?', rest)) => !text.is_empty() && plain_match(rest, &text[1..]),
        Some((c, rest)) => text.first() == Some(c) && plain_match(rest, &text[1..]),
    }
}

/// Resource dialect: wildcards stay inside a `:` segment, except a `*` that is the last character
/// of its segment, which may expand past colons (rule 29).
pub fn resource_match(pattern: &[char], text: &[char]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some(('*', rest)) => {
            let spans = matches!(rest.first(), None | Some(':'));
            resource_match(rest, text)
                || (!text.is_empty()
                    && (spans || text[0] != ':')
                    && resource_match(pattern, &text[1..]))
        }
        Some(('?', rest)) => !text.is_empty() && text[0] != ':' && resource_match(rest, &text[1..]),
        Some((c, rest)) => text.first() == Some(c) && resource_match(rest, &text[1..]),
    }
}

fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

// ---------------------------------------------------------------- context

/// Key (lowercased) -> (values, given as a list).
type Ctx = BTreeMap<String, (Vec<String>, bool)>;

fn lookup<'c>(ctx: &'c Ctx, key: &str) -> Option<&'c (Vec<String>, bool)> {
    ctx.get(&key.to_ascii_lowercase())
}

/// Substitute `${key}` variables; `None` when a variable has no value (rule 33).
fn substitute(text: &str, ctx: &Ctx) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}')? + start;
        let key = &rest[start + 2..end];
        match lookup(ctx, key) {
            Some((vals, false)) if vals.len() == 1 => out.push_str(&vals[0]),
            _ => return None,
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

// ---------------------------------------------------------------- conditions

fn parse_num(s: &str) -> Option<f64> {
    let body = s.strip_prefix('-').unwrap_or(s);
    if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    s.parse().ok()
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// An IPv4 block; a bare address is /32.
fn in_block(block: &str, ip: &str) -> Option<bool> {
    let IpAddr::V4(ip) = ip.parse::<IpAddr>().ok()? else {
        return Some(false);
    };
    let (addr, bits) = match block.split_once('/') {
        Some((a, b)) => (a, b.parse::<u32>().ok()?),
        None => (block, 32),
    };
    let IpAddr::V4(net) = addr.parse::<IpAddr>().ok()? else {
        return Some(false);
    };
    let mask = if bits == 0 {
        0
    } else {
        u32::MAX << (32 - bits)
    };
    Some(u32::from(net) & mask == u32::from(ip) & mask)
}

/// Does one policy value match one request value (before negation)? `None`: the request value
/// cannot be read as the operator's type.
fn match_one(base: &str, policy: &str, value: &str, ctx: &Ctx) -> Option<bool> {
    let positive = base.replace("Not", "");
    if positive.starts_with("String") {
        let Some(p) = substitute(policy, ctx) else {
            return Some(false);
        };
        return Some(match positive.as_str() {
            "StringEquals" => p == value,
            "StringEqualsIgnoreCase" => p.to_lowercase() == value.to_lowercase(),
            "StringLike" => plain_match(&chars(&p), &chars(value)),
            other => panic!("reference: unknown operator {other}"),
        });
    }
    if positive.starts_with("Numeric") {
        let (v, p) = (parse_num(value)?, parse_num(policy).unwrap());
        return Some(match positive.as_str() {
            "NumericEquals" => v == p,
            "NumericLessThan" => v < p,
            "NumericLessThanEquals" => v <= p,
            "NumericGreaterThan" => v > p,
            "NumericGreaterThanEquals" => v >= p,
            other => panic!("reference: unknown operator {other}"),
        });
    }
    match positive.as_str() {
        "Bool" => Some(parse_bool(value)? == parse_bool(policy).unwrap()),
        "IpAddress" => in_block(policy, value),
        other => panic!("reference: operator {other} is not modelled"),
    }
}

/// Does a condition entry hold? (rules 14-20, and semantics-decisions.md for rule 22)
fn condition_holds(
    operator: &str,
    key: &str,
    policy_values: &[String],
    ctx: &Ctx,
    effect: Effect,
) -> bool {
    let (qualifier, rest) = match operator.split_once(':') {
        Some((q, rest)) => (q, rest),
        None => ("", operator),
    };
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(b) => (b, true),
        None => (rest, false),
    };
    // An empty list is the same as no key (rule 19: "resolves to an empty set").
    let entry = lookup(ctx, key).filter(|(v, _)| !v.is_empty());
    if base == "Null" {
        // "true": the key is absent; "false": it is present (rule 16).
        let present = entry.is_some();
        return policy_values
            .iter()
            .any(|v| parse_bool(v).unwrap() != present);
    }
    let negated = base.contains("Not");
    // A negated operator naming a variable with no value fails in an Allow (unless IfExists
    // meets an absent key): docs/semantics-decisions.md, "A variable with no value under a
    // negated operator".
    let unresolved = policy_values.iter().any(|p| substitute(p, ctx).is_none());
    if effect == Effect::Allow && negated && unresolved && (entry.is_some() || !if_exists) {
        return false;
    }
    let Some((values, is_list)) = entry else {
        return match qualifier {
            "ForAllValues" => true,     // rule 19
            "ForAnyValue" => if_exists, // rule 20; IfExists first (semantics-decisions.md)
            _ => if_exists || negated,  // rules 14, 15
        };
    };
    // One request value: matches any policy value (OR, rule 17), or none of them if negated
    // (NOR, rule 18). An unreadable value makes it false.
    let satisfies = |v: &String| -> bool {
        let mut any = false;
        for p in policy_values {
            match match_one(base, p, v, ctx) {
                None => return false,
                Some(true) => any = true,
                Some(false) => {}
            }
        }
        any != negated
    };
    match qualifier {
        "ForAllValues" => values.iter().all(satisfies),
        "ForAnyValue" => values.iter().any(satisfies),
        // A plain operator on a list does not match (semantics-decisions.md, rule 22).
        _ if *is_list => false,
        _ => satisfies(&values[0]),
    }
}

// ---------------------------------------------------------------- statements

/// How a `Principal` element names the caller.
#[derive(Debug, Default, Clone, Copy)]
struct Named {
    /// By the caller's own user or session ARN (or service name)
    exact: bool,
    /// By the role ARN of the calling role or session, `*`, or `AWS: *`
    other: bool,
    /// By the caller's account
    account: bool,
}

fn role_name_of(arn: &str) -> Option<(&str, &str)> {
    // arn:aws:iam::ACCOUNT:role/NAME (no paths are generated)
    let rest = arn.strip_prefix("arn:aws:iam::")?;
    let (account, res) = rest.split_once(':')?;
    Some((account, res.strip_prefix("role/")?))
}

fn principal_names(clause: &PrincipalClause, caller: &Principal) -> Named {
    let PrincipalClause::Principal(p) = clause else {
        panic!("reference: NotPrincipal is not modelled")
    };
    let mut n = Named::default();
    if p.any {
        n.other = true;
    }
    for e in &p.entries {
        match (e, caller) {
            (PrincipalEntry::AnyAws, _) => n.other = true,
            (PrincipalEntry::Account { account, .. }, Principal::Iam(ip)) => {
                n.account |= *account == ip.account;
            }
            (PrincipalEntry::Arn(a), Principal::Iam(ip)) => {
                if *a == ip.arn && !matches!(ip.kind, IamKind::Role { session: None, .. }) {
                    n.exact = true;
                } else if let IamKind::Role { name, .. } = &ip.kind {
                    if role_name_of(a) == Some((ip.account.as_str(), name.as_str())) {
                        n.other = true;
                    }
                }
            }
            (PrincipalEntry::Service(s), Principal::Service(name)) => {
                n.exact |= s.eq_ignore_ascii_case(name);
            }
            _ => {}
        }
    }
    n
}

struct Req<'a> {
    action: String,
    resource: &'a str,
    caller: &'a Principal,
    ctx: Ctx,
}

/// Does the statement apply? `Some(named)` with how the principal matched (identity-based
/// statements have no principal: everything false).
fn applies(st: &Statement, req: &Req<'_>) -> Option<Named> {
    let action_hit = |raws: Vec<&str>| {
        raws.iter()
            .any(|p| plain_match(&chars(&p.to_ascii_lowercase()), &chars(&req.action)))
    };
    let action_ok = match &st.action {
        ActionClause::Action(l) => action_hit(l.iter().map(|a| a.raw.as_str()).collect()),
        ActionClause::NotAction(l) => !action_hit(l.iter().map(|a| a.raw.as_str()).collect()),
    };
    if !action_ok {
        return None;
    }
    let resource_hit = |raw: &str| match substitute(raw, &req.ctx) {
        Some(p) => resource_match(&chars(&p), &chars(req.resource)),
        None => false, // a variable with no value matches no resource (rule 33)
    };
    let resource_ok = match &st.resource {
        None => true, // trust policies: the role is the resource
        Some(ResourceClause::Resource(l)) => l.iter().any(|r| resource_hit(&r.raw)),
        // An entry whose variable has no value excludes nothing; an Allow then applies to
        // nothing (semantics-decisions.md, rule 33).
        Some(ResourceClause::NotResource(l)) => {
            !l.iter().any(|r| resource_hit(&r.raw))
                && (st.effect == Effect::Deny
                    || l.iter().all(|r| substitute(&r.raw, &req.ctx).is_some()))
        }
    };
    if !resource_ok {
        return None;
    }
    let named = match &st.principal {
        None => Named::default(),
        Some(clause) => {
            let n = principal_names(clause, req.caller);
            if !(n.exact || n.other || n.account) {
                return None;
            }
            n
        }
    };
    st.conditions
        .iter()
        .all(|c| condition_holds(&c.operator.to_string(), &c.key, &c.raw, &req.ctx, st.effect))
        .then_some(named)
}

/// What one set of policies says.
#[derive(Default)]
struct Verdict {
    denies: BTreeSet<Id>,
    allows: BTreeSet<Id>,
    named: Named,
}

fn judge(policies: &[&NamedPolicy], req: &Req<'_>) -> Verdict {
    let mut v = Verdict::default();
    for p in policies {
        for (i, st) in p.document.statements.iter().enumerate() {
            if let Some(n) = applies(st, req) {
                let id = (p.name.clone(), i);
                match st.effect {
                    Effect::Deny => {
                        v.denies.insert(id);
                    }
                    Effect::Allow => {
                        v.allows.insert(id);
                        v.named.exact |= n.exact;
                        v.named.other |= n.other;
                        v.named.account |= n.account;
                    }
                }
            }
        }
    }
    v
}

// ---------------------------------------------------------------- decision

fn account_of_arn(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

/// Decide `req` against the ad hoc pieces.
pub fn evaluate(adhoc: &AdHoc, req: &Request) -> Outcome {
    let caller = &req.principal;
    let iam = match caller {
        Principal::Iam(ip) => Some(ip),
        _ => None,
    };
    let action = req.action.to_ascii_lowercase();
    let service = action.split(':').next().unwrap_or("").to_string();

    // The context: what the request gives, plus aws:username for IAM users.
    let mut ctx: Ctx = req
        .context
        .iter()
        .map(|e| {
            (
                e.name.to_ascii_lowercase(),
                (
                    e.values.iter().map(|v| v.raw().to_string()).collect(),
                    e.multi,
                ),
            )
        })
        .collect();
    if let Some(IamKind::User { name }) = iam.map(|ip| &ip.kind) {
        ctx.entry("aws:username".into())
            .or_insert_with(|| (vec![name.clone()], false));
    }
    let r = Req {
        action: action.clone(),
        resource: &req.resource,
        caller,
        ctx,
    };

    // Which rule joins the resource policy with identity policies (rules 2, 3, 6, 8).
    let is_key = req.resource.starts_with("arn:aws:kms:") && req.resource.contains(":key/");
    let is_role = req.resource.starts_with("arn:aws:iam:") && req.resource.contains(":role/");
    #[derive(PartialEq)]
    enum Rule {
        Union,
        Key,
        Trust,
    }
    let rule = if service == "kms" && is_key {
        Rule::Key
    } else if service == "sts" && is_role {
        Rule::Trust
    } else {
        Rule::Union
    };
    let resource_account = if is_role {
        account_of_arn(&req.resource).map(str::to_string)
    } else {
        adhoc
            .resource_account
            .clone()
            .or_else(|| account_of_arn(&req.resource).map(str::to_string))
    }
    .or_else(|| iam.map(|ip| ip.account.clone()));
    let management = if adhoc.management_account {
        iam.map(|ip| ip.account.clone())
    } else {
        None
    };

    // The policies that take part.
    let identity: Vec<&NamedPolicy> = if iam.is_some() {
        adhoc.identity.iter().collect()
    } else {
        Vec::new()
    };
    let boundary: Option<&NamedPolicy> = adhoc.boundary.as_ref().filter(|_| iam.is_some());
    let session_named = req.session_policy.clone().map(|d| NamedPolicy {
        name: "session-policy".into(),
        document: d,
    });
    // A trust policy governs only sts actions on its role; other resource policies their resource.
    let resource_policy = adhoc
        .resource_policy
        .as_ref()
        .filter(|_| !is_role || rule == Rule::Trust);
    // SCPs limit IAM principals of member accounts (rule 11).
    let scps: &[Vec<NamedPolicy>] = match iam {
        Some(ip) if management.as_deref() != Some(ip.account.as_str()) => &adhoc.scps,
        _ => &[],
    };
    // RCPs limit resources of member accounts, for the services that support them.
    let rcp_service = ["s3", "sts", "kms", "sqs", "secretsmanager"].contains(&service.as_str());
    let rcps: &[Vec<NamedPolicy>] = if rcp_service && resource_account != management {
        &adhoc.rcps
    } else {
        &[]
    };

    let v_identity = judge(&identity, &r);
    let v_boundary = boundary.map(|b| judge(&[b], &r));
    let v_session = session_named.as_ref().map(|s| judge(&[s], &r));
    let v_resource = resource_policy.map(|p| judge(&[p], &r)).unwrap_or_default();
    let v_scps: Vec<Verdict> = scps
        .iter()
        .map(|l| judge(&l.iter().collect::<Vec<_>>(), &r))
        .collect();
    let v_rcps: Vec<Verdict> = rcps
        .iter()
        .map(|l| judge(&l.iter().collect::<Vec<_>>(), &r))
        .collect();
    let all: Vec<&Verdict> = [
        Some(&v_identity),
        v_boundary.as_ref(),
        v_session.as_ref(),
        Some(&v_resource),
    ]
    .into_iter()
    .flatten()
    .chain(v_scps.iter())
    .chain(v_rcps.iter())
    .collect();

    // Rule 1: an explicit Deny anywhere wins.
    let denies: BTreeSet<Id> = all.iter().flat_map(|v| v.denies.iter().cloned()).collect();
    if !denies.is_empty() {
        return Outcome {
            decision: Decision::ExplicitDeny,
            deciding: denies,
        };
    }
    let implicit = Outcome {
        decision: Decision::ImplicitDeny,
        deciding: BTreeSet::new(),
    };
    // Rule 11 (and RCPs): every level needs an Allow.
    if v_scps
        .iter()
        .chain(v_rcps.iter())
        .any(|v| v.allows.is_empty())
    {
        return implicit;
    }
    let grant = v_resource.named;
    let allowed = match iam {
        // Services and anonymous callers have only resource-based policies.
        None => grant.exact || grant.other,
        Some(ip) => {
            let same_account = resource_account.as_deref() == Some(ip.account.as_str());
            // Rule 13: boundary and session policy limit (intersection).
            let limits_ok = v_boundary.as_ref().is_none_or(|v| !v.allows.is_empty())
                && v_session.as_ref().is_none_or(|v| !v.allows.is_empty());
            let identity_path = !v_identity.allows.is_empty() && limits_ok;
            // Rule 9: a grant to the exact user or session ARN is not limited by an implicit
            // deny in a boundary or session policy; a grant to the role ARN (or `*`) is.
            // Rule 7: for trust policies the boundary must allow anyway.
            let direct_path = match rule {
                Rule::Trust => (grant.exact || grant.other) && limits_ok,
                _ => grant.exact || (grant.other && limits_ok),
            };
            match (rule, same_account) {
                // Rule 2: union in one account. An account principal delegates to IAM.
                (Rule::Union, true) => identity_path || direct_path,
                // Rules 3, 6, 8: the key or trust policy must allow, itself or via the account.
                (_, true) => direct_path || (grant.account && identity_path),
                // Rule 4: across accounts both sides must allow.
                (_, false) => (grant.exact || grant.other || grant.account) && identity_path,
            }
        }
    };
    if !allowed {
        return implicit;
    }
    Outcome {
        decision: Decision::Allow,
        deciding: all.iter().flat_map(|v| v.allows.iter().cloned()).collect(),
    }
}
