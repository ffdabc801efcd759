//! Which session tags a role's trust lets a caller pass. A session tag "overrides the role tag
//! with the same key" (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>),
//! so `prove` varies `aws:PrincipalTag/<key>` of a role whose trust allows `sts:TagSession`,
//! unless the trust rules the key out: a `ForAllValues:` condition on `aws:TagKeys` holds for a
//! set of keys only if it holds for each, so a key it refuses can never be passed
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>).
//! Other conditions are taken as met (any caller, any other tag, any value): a key is ruled
//! out only where no request to tag a session with it could pass.

use crate::condition::eval::evaluate;
use crate::policy::condition::{BaseOperator, Condition, Family, Qualifier};
use crate::policy::{Effect, Statement};
use crate::request::Context;

/// Whether a session may carry the tag `key` (any case), tagged under one of `taggers` (the
/// Allow statements of the role's trust that cover `sts:TagSession`).
pub(crate) fn may_pass(taggers: &[&Statement], key: &str) -> bool {
    taggers.iter().any(|st| {
        st.conditions
            .iter()
            .filter(|c| c.key.eq_ignore_ascii_case("aws:TagKeys"))
            .all(|c| admits(c, key))
    })
}

/// Whether `c`, a condition on `aws:TagKeys`, lets a set of keys holding `key` pass. Only a
/// `ForAllValues:` string condition can refuse it, and then only if it refuses every spelling
/// of `key`: tag keys are not case-sensitive but keep the case they are passed in
/// (`Department` and `department` are one key,
/// <https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html>). So the spellings
/// tried are `key` and those the condition names, and a case-sensitive negated operator
/// (`StringNotEquals`, `StringNotLike`) never refuses a key with a letter: a spelling it does
/// not name passes. One with a wildcard pattern or a variable is taken as admitting it (its
/// case-sensitive match could hold for a spelling not tried).
fn admits(c: &Condition, key: &str) -> bool {
    let base = c.operator.base;
    let decidable = c.operator.qualifier == Some(Qualifier::ForAllValues)
        && base.family() == Family::String
        && !c.raw.iter().any(|v| v.contains(['*', '?', '$']));
    let other_spellings = matches!(
        base,
        BaseOperator::StringNotEquals | BaseOperator::StringNotLike
    ) && key.chars().any(char::is_alphabetic);
    if !decidable || other_spellings {
        return true;
    }
    let named = c.raw.iter().filter(|v| v.eq_ignore_ascii_case(key));
    std::iter::once(key)
        .chain(named.map(String::as_str))
        .any(|spelling| {
            let mut ctx = Context::new();
            ctx.insert_list("aws:TagKeys", [spelling]);
            evaluate(c, &ctx, Effect::Allow).is_ok()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{parse_document, PolicyKind};

    fn trust(condition: serde_json::Value) -> crate::policy::Document {
        let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": ["sts:AssumeRole", "sts:TagSession"], "Condition": condition}]});
        parse_document(&doc, "trust", PolicyKind::Trust).unwrap()
    }

    /// The trust's `aws:TagKeys` conditions: a `ForAllValues:` list rules out the keys it does
    /// not name (in any case); anything else leaves every key open.
    #[test]
    fn a_key_the_trust_refuses_is_never_passed() {
        let all = |op: &str, keys: &[&str]| serde_json::json!({format!("ForAllValues:{op}"): {"aws:TagKeys": keys}});
        for (condition, key, passes) in [
            (serde_json::json!({}), "team", true),
            (all("StringEquals", &["project"]), "team", false),
            (all("StringEquals", &["project"]), "project", true),
            (all("StringEquals", &["Project"]), "project", true),
            (all("StringEqualsIgnoreCase", &["PROJECT"]), "project", true),
            // `Team` is the key `team`, and `StringNotEquals` compares case-sensitively (found
            // by review: a false proof through a session tagged `Team=admin`).
            (all("StringNotEquals", &["team"]), "team", true),
            (all("StringNotLike", &["team"]), "team", true),
            (all("StringNotEqualsIfExists", &["team"]), "team", true),
            (all("StringNotEqualsIgnoreCase", &["team"]), "team", false),
            (all("StringNotEqualsIgnoreCase", &["team"]), "project", true),
            (all("StringNotEquals", &["42"]), "42", false),
            (all("StringLike", &["proj*"]), "team", true),
            (
                serde_json::json!({"ForAnyValue:StringEquals": {"aws:TagKeys": ["project"]}}),
                "team",
                true,
            ),
            (
                serde_json::json!({"StringEquals": {"aws:RequestTag/team": "x"}}),
                "team",
                true,
            ),
        ] {
            let doc = trust(condition.clone());
            let taggers: Vec<&Statement> = doc.statements.iter().map(AsRef::as_ref).collect();
            assert_eq!(may_pass(&taggers, key), passes, "{condition} {key}");
        }
        assert!(!may_pass(&[], "team"), "no statement allows sts:TagSession");
    }

    /// End to end: a role tagged `team=dev`, allowed a read only as `team=admin`, is proved
    /// never to read when its trust lets sessions pass only `project` (until session 14, a
    /// session tagged `team=admin` was the counterexample); a trust that lets any key pass
    /// gives that counterexample.
    #[test]
    fn prove_varies_only_the_principal_tags_a_session_may_pass() {
        use crate::engine::Engine;
        use crate::inventory::{named, AdHoc};
        use crate::prove::{prove, Expect, Keys, Limits, Question, Scope, Verdict};
        use crate::request::Principal;
        let role = "arn:aws:iam::111122223333:role/app";
        let identity = serde_json::json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/team": "admin"}}}]});
        let all = |op: &str, keys: &[&str]| serde_json::json!({format!("ForAllValues:{op}"): {"aws:TagKeys": keys}});
        for (condition, proved) in [
            (all("StringEquals", &["project"]), true),
            (all("StringNotEqualsIgnoreCase", &["team"]), true),
            (serde_json::json!({}), false),
            (all("StringNotEquals", &["team"]), false),
        ] {
            let mut ad = AdHoc {
                principal: Some(Principal::parse(role).unwrap()),
                identity: vec![named(
                    "p",
                    parse_document(&identity, "p", PolicyKind::Identity).unwrap(),
                )],
                ..AdHoc::default()
            };
            ad.tags.insert("team".into(), "dev".into());
            let mut inv = ad.build();
            for r in &mut inv.roles {
                r.trust_policy = Some(named("trust", trust(condition.clone())));
            }
            let engine = Engine::new(&inv).unwrap();
            let scope = Scope::new(&inv, &engine);
            let q = Question {
                principal: Principal::parse(role).unwrap(),
                actions: vec!["s3:GetObject".into()],
                resources: vec!["arn:aws:s3:::data/*".into()],
                exclude: Vec::new(),
                patterns: true,
                context: Context::new(),
                keys: Keys::All,
                expect: Expect::Deny,
                resource_account: None,
            };
            let a = prove(&scope, &q, &Limits::default());
            match (&a.verdict, proved) {
                (Verdict::Proved, true) => {}
                (Verdict::Counterexample(c), false) => {
                    let tag = c.request.context.get_lower("aws:principaltag/team");
                    assert!(tag.is_some(), "{c:?}");
                }
                _ => panic!("{condition}: {a:?}"),
            }
        }
    }
}
