//! The names the attacker gives what it creates: each pattern a policy admits it under (an
//! Allow's `Resource`, a condition on `iam:AssociatedResourceArn` or `aws:SourceArn`) becomes
//! one ARN, its wildcards in the partition, region and account the attacker's own and
//! elsewhere [`CHOSEN`]; two patterns from different sources (two requests' statements, a
//! request's and a condition's) also give the shortest ARN both admit (`function:app-*` and
//! `function:*-prod`: `function:app-prod`). A name is kept only if it has the template's shape
//! and the attacker could create it ([`Namer::creatable`]); the engine then decides every
//! request made with it.

use std::sync::Arc;

use super::assigned;
use super::combine::first_choices;
use super::index::Index;
use crate::condition::variables::{Resolve, Template};
use crate::pattern::{common_match, common_match_within, Dialect, Wildcard};
use crate::policy::condition::operator::Family;
use crate::policy::condition::Condition;
use crate::policy::{variables_as, Effect, ResourceClause, ResourcePattern, Statement};
use crate::request::Context;

/// The name given to whatever the attacker creates or chooses freely.
pub(super) const CHOSEN: &str = "iamsim-reach";

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

/// `template` with `${Partition}`, `${Region}` and `${Account}` filled.
pub(super) fn located(template: &str, partition: &str, region: &str, account: &str) -> String {
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
    Wildcard::new(
        &shape_text(template, partition, region, account),
        Dialect::Resource,
    )
    .ok()
}

/// [`shape`], as the pattern's text.
fn shape_text(template: &str, partition: &str, region: &str, account: &str) -> String {
    variables_as(&located(template, partition, region, account), '*')
}

/// `raw` with its policy variables filled from `facts` (what the engine knows of the caller:
/// `aws:username`, `aws:PrincipalTag/*`, ...); `None` when one has no value there.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>
pub(super) fn filled(raw: &str, facts: &Context) -> Option<String> {
    if !raw.contains("${") {
        return Some(raw.to_string());
    }
    match Template::parse(raw) {
        Ok(Some(t)) => t.resolve(facts),
        Ok(None) => Some(raw.to_string()),
        Err(_) => None,
    }
}

/// Where the attacker creates: its partition, region and account.
pub(super) type At<'s> = (&'s str, &'s str, &'s str);

/// A `new:` template, located where the attacker creates: the ARNs it may give.
pub(super) struct Namer<'i, 'a> {
    ix: &'i Index<'a>,
    located: String,
    shape: Wildcard,
    shape_text: String,
}

impl<'i, 'a> Namer<'i, 'a> {
    /// For `template` created at `at`; `None` when its shape does not compile.
    pub(super) fn new(ix: &'i Index<'a>, template: &str, (p, r, a): At<'_>) -> Option<Self> {
        Some(Self {
            ix,
            located: located(template, p, r, a),
            shape: shape(template, p, r, a)?,
            shape_text: shape_text(template, p, r, a),
        })
    }

    /// The ARNs `patterns` admit, one each, that the attacker could create.
    pub(super) fn names(&self, patterns: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        // One budget for every pattern (see `joint`).
        let mut budget = JOINT_POSITIONS;
        for p in patterns {
            // A `?` holds a letter, or where AWS assigns hex (`instance/i-?*`), a digit.
            let direct = |one: &str| p.replace('*', CHOSEN).replace('?', one);
            // Where the template fixes what a wildcard leaves open (`instance/*` of
            // `instance/i-${InstanceId}`), the name both admit, each wildcard holding
            // `CHOSEN`: `instance/i-iamsim-reach`.
            let direct = ["x", "0"]
                .into_iter()
                .map(direct)
                .find(|arn| self.fits(arn));
            // Else the pattern met with the shape holding `CHOSEN` (`instance/*-0*`: the
            // pattern's wildcard covers the template's `i`), then both holding it.
            let shape = chosen(&self.shape_text);
            let arn = direct.or_else(|| {
                [p.clone(), chosen(p)].iter().find_map(|p| {
                    common_match_within(&[p.as_str(), shape.as_str()], &mut budget)
                        .filter(|arn| self.fits(arn))
                })
            });
            if let Some(arn) = arn.filter(|arn| !out.contains(arn)) {
                out.push(arn);
            }
        }
        out
    }

    /// A pattern every name of the template's shape meets: what a request allowed on any
    /// name (`Resource` `*`, a `NotResource`, a PassRole with no condition on the key) admits.
    pub(super) fn any(&self) -> String {
        self.shape_text.clone()
    }

    /// For each choice of one pattern per group (each group the patterns under which one
    /// source admits a name: a request's Allow statements, the PassRole's conditions, the
    /// trust's), the shortest ARN all the chosen patterns admit that the attacker could
    /// create; where that one leaves a value AWS assigns empty or literal, the shortest with
    /// [`CHOSEN`] in each wildcard (`stack/app-*` and `stack/*-prod/*`:
    /// `stack/app-iamsim-reach-prod/iamsim-reach`). At most [`MAX_PICKS`] choices, the first
    /// patterns of each group first; empty groups (no source) are left out.
    pub(super) fn joint(&self, groups: &[&[String]]) -> Vec<String> {
        let ours = |p: &&String| common_match(p, &self.shape_text).is_some();
        let groups: Vec<Vec<&String>> = groups
            .iter()
            .filter(|g| !g.is_empty())
            .map(|g| g.iter().filter(ours).collect())
            .collect();
        // A source none of whose patterns has the template's shape admits no name.
        if groups.len() < 2 || groups.iter().any(Vec::is_empty) {
            return Vec::new();
        }
        let mut out = Vec::new();
        // One budget for every pick: adversarial patterns cost at most this, in all.
        let mut budget = JOINT_POSITIONS;
        for pick in first_choices(&groups, MAX_PICKS) {
            let mut patterns: Vec<&str> = pick.iter().map(|p| p.as_str()).collect();
            patterns.push(&self.shape_text);
            let arn = common_match_within(&patterns, &mut budget)
                .filter(|arn| self.fits(arn))
                .or_else(|| {
                    let wide: Vec<String> = pick.iter().map(|p| chosen(p)).collect();
                    let wide: Vec<&str> = wide.iter().map(String::as_str).collect();
                    common_match_within(&wide, &mut budget).filter(|arn| self.fits(arn))
                });
            if let Some(arn) = arn.filter(|arn| !out.contains(arn)) {
                out.push(arn);
            }
        }
        out
    }

    /// Of the template's shape, and creatable.
    fn fits(&self, arn: &str) -> bool {
        self.shape.is_match(arn) && self.creatable(arn)
    }

    /// Whether the attacker can create `arn`: no resource of the inventory has that ARN
    /// already, and where AWS assigns a value, the name admits one the attacker could get by
    /// creating again ([`assigned::admitted`]).
    pub(super) fn creatable(&self, arn: &str) -> bool {
        let assigned_ok = bind(&self.located, arn).is_some_and(|vars| {
            vars.iter()
                .all(|(name, value)| assigned::admitted(name, value, CHOSEN))
        });
        assigned_ok && !self.ix.resource_exists(arn)
    }
}

/// `pattern` with [`CHOSEN`] inside each wildcard: the names it admits that hold `CHOSEN` there.
fn chosen(pattern: &str) -> String {
    pattern.replace('*', &format!("*{CHOSEN}*"))
}

/// More choices of one pattern per group than this are not tried by [`Namer::joint`].
const MAX_PICKS: usize = 256;

/// The positions all of one [`Namer::joint`]'s searches may visit together (see
/// [`crate::pattern::common_match_within`]): about half a second on this project's machine.
const JOINT_POSITIONS: usize = 1 << 21;

/// The `Resource` patterns of `st`, located at `at` (see [`locate`]); a policy variable takes
/// the attacker's own value from `facts`: a name it can choose (`function:${aws:username}-*`).
pub(super) fn resource_patterns(st: &Statement, facts: &Context, at: At<'_>) -> Vec<String> {
    match &st.resource {
        Some(ResourceClause::Resource(ps)) => located_patterns(ps, facts, at),
        _ => Vec::new(),
    }
}

/// The `NotResource` patterns of `st` (a Deny: the names it spares), as [`resource_patterns`].
pub(super) fn spared_patterns(st: &Statement, facts: &Context, at: At<'_>) -> Vec<String> {
    match &st.resource {
        Some(ResourceClause::NotResource(ps)) => located_patterns(ps, facts, at),
        _ => Vec::new(),
    }
}

fn located_patterns(ps: &[ResourcePattern], facts: &Context, at: At<'_>) -> Vec<String> {
    ps.iter()
        .filter_map(|p| filled(&p.raw, facts))
        .filter_map(|raw| locate(&raw, at))
        .collect()
}

/// The values the conditions of the Allow `statements` on `key` (an ARN key:
/// `iam:AssociatedResourceArn`, `aws:SourceArn`) admit, as patterns located at `at`; negated
/// operators admit no name of their own.
pub(super) fn condition_patterns<'s>(
    statements: impl Iterator<Item = &'s Arc<Statement>>,
    key: &str,
    facts: &Context,
    at: At<'_>,
) -> Vec<String> {
    let mut out = Vec::new();
    for st in statements.filter(|st| st.effect == Effect::Allow) {
        for c in st.conditions.iter().filter(|c| admits_names(c, key)) {
            for p in c.raw.iter().filter_map(|v| filled(v, facts)) {
                if let Some(p) = locate(&p, at).filter(|p| !out.contains(p)) {
                    out.push(p);
                }
            }
        }
    }
    out
}

/// Whether the Allow `st` admits names only through a condition on `key` whose values are all
/// ARN patterns [`condition_patterns`] reads; a statement that does not (no such condition, or
/// a value `*`) leaves every name open.
pub(super) fn names_by_condition(st: &Statement, key: &str, facts: &Context, at: At<'_>) -> bool {
    st.conditions.iter().any(|c| {
        admits_names(c, key)
            && c.raw
                .iter()
                .filter_map(|v| filled(v, facts))
                .all(|p| locate(&p, at).is_some())
    })
}

/// Whether the `Resource` of `st` admits any name of a template: a `*` (or another pattern
/// that is not an ARN) among its patterns, or a `NotResource`.
pub(super) fn leaves_names_open(st: &Statement, facts: &Context, at: At<'_>) -> bool {
    match &st.resource {
        Some(ResourceClause::Resource(ps)) => ps
            .iter()
            .filter_map(|p| filled(&p.raw, facts))
            .any(|raw| locate(&raw, at).is_none()),
        _ => true,
    }
}

/// Whether condition `c` admits values of `key` by pattern: a positive string or ARN operator.
fn admits_names(c: &Condition, key: &str) -> bool {
    c.key.eq_ignore_ascii_case(key)
        && !c.operator.base.is_negated()
        && matches!(c.operator.base.family(), Family::String | Family::Arn)
}

/// `pattern` (an ARN) with wildcards in its partition, region and account replaced by the
/// attacker's own (`at`); `None` for patterns with policy variables (the caller fills them
/// first) and for what is not an ARN.
fn locate(pattern: &str, (partition, region, account): At<'_>) -> Option<String> {
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
    Some(parts.join(":"))
}

/// The values of `template`'s variables in `arn` (its partition, region and account filled
/// first); `None` when `arn` is not of its form. A variable takes the shortest value that lets
/// the rest match.
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
    fn patterns_are_located_in_the_attackers_account() {
        let at = ("aws", "eu-west-1", "111122223333");
        assert_eq!(
            locate("arn:aws:lambda:*:*:function:team-*", at).as_deref(),
            Some("arn:aws:lambda:eu-west-1:111122223333:function:team-*")
        );
        assert_eq!(locate("arn:aws:iam::*:user/${aws:username}", at), None);
        assert_eq!(locate("*", at), None);
    }

    #[test]
    fn bind_finds_each_variable() {
        let t = "arn:aws:autoscaling:r:1:autoScalingGroup:${Id}:autoScalingGroupName/${Name}";
        let arn = "arn:aws:autoscaling:r:1:autoScalingGroup:abc:autoScalingGroupName/app";
        assert_eq!(bind(t, arn), Some(vec![("Id", "abc"), ("Name", "app")]));
        assert_eq!(bind(t, "arn:aws:autoscaling:r:1:other"), None);
    }
}
