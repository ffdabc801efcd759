//! The decision procedure: for each action class, each resource class the catalog accepts for
//! it, and each combination of the classes of the context keys the statements it reaches read,
//! one representative request is decided by the real engine. The expectation holds for every
//! request of the question exactly when it holds for every representative; a representative
//! that breaks it is the counterexample.

use indexmap::IndexMap;

use super::actions::{candidates, classes};
use super::keys::{dimension, Dimension, KeyValue};
use super::matching::{action_matches, resource_may_match};
use super::partition::intersects;
use super::resources::{representatives, Domain, ResourceInput};
use super::scope::Scope;
use super::{Answer, Counterexample, Keys, Limits, Question, Verdict};
use crate::engine::{is_derived_key, Decision};
use crate::inventory::NamedPolicy;
use crate::policy::{Effect, Statement};
use crate::request::{Context, Principal, Request};

/// A copy of `ctx` without the keys `drop` names.
fn without(ctx: &Context, drop: &dyn Fn(&str) -> bool) -> Context {
    let mut out = Context::new();
    for e in ctx.iter() {
        if drop(&e.name.to_ascii_lowercase()) {
            continue;
        }
        if e.multi {
            out.insert_list(&e.name, e.values.iter().map(|v| v.raw().to_string()));
        } else if let Some(v) = e.values.first() {
            out.insert(&e.name, v.raw().to_string());
        }
    }
    out
}

/// `over` layered on `under` (the keys of `over` win).
fn layered(under: &Context, over: &Context) -> Context {
    let mut out = without(under, &|k| over.get_lower(k).is_some());
    for e in over.iter() {
        if e.multi {
            out.insert_list(&e.name, e.values.iter().map(|v| v.raw().to_string()));
        } else if let Some(v) = e.values.first() {
            out.insert(&e.name, v.raw().to_string());
        }
    }
    out
}

/// A condition with its statement's effect.
type Reader<'c> = (&'c crate::condition::Condition, Effect);

/// One run of the procedure.
struct Run<'q, 's, 'a> {
    q: &'q Question,
    scope: &'s Scope<'a>,
    limits: &'q Limits,
    /// The policies that may apply whatever the resource: identity, boundary, organization
    fixed_policies: Vec<&'a NamedPolicy>,
    /// The question's context without the keys it quantifies
    base: Context,
    requests: usize,
    resource_classes: usize,
    unknown: Vec<String>,
    found: Option<Counterexample>,
    exercised: std::collections::HashSet<crate::engine::StatementId>,
}

impl Run<'_, '_, '_> {
    fn quantified(&self, lower: &str) -> bool {
        !is_derived_key(lower)
            && match &self.q.keys {
                Keys::None => false,
                Keys::All => true,
                Keys::Only(list) => list.iter().any(|k| k.eq_ignore_ascii_case(lower)),
            }
    }

    fn blocked(&self, lower: &str) -> Option<String> {
        self.quantified(lower).then(|| {
            format!("a policy variable reads `{lower}`, which the question quantifies: the two cannot be split apart")
        })
    }

    fn stop(&self) -> bool {
        self.found.is_some() || self.requests >= self.limits.max_requests
    }

    /// Every context class of one (action, resource) pair, decided.
    fn contexts(&mut self, action: &str, resource: &str) {
        let lower = action.to_ascii_lowercase();
        let mut base = Request::new(self.q.principal.clone(), action, resource);
        base.context = self.base.clone();
        base.resource_account = self.q.resource_account.clone();
        let derived = self.scope.engine.derived_keys(&base);
        let fixed = layered(&derived, &self.base);
        let mut policies = self.fixed_policies.clone();
        policies.extend(self.scope.governor(resource, &lower));
        let mut readers: IndexMap<String, (String, Vec<Reader<'_>>)> = IndexMap::new();
        for p in &policies {
            for st in &p.document.statements {
                if !action_matches(&st.action, &lower)
                    || !resource_may_match(st.resource.as_ref(), resource)
                {
                    continue;
                }
                for c in &st.conditions {
                    let k = c.key_lower();
                    if derived.get_lower(k).is_some() || !self.quantified(k) {
                        continue;
                    }
                    readers
                        .entry(k.to_string())
                        .or_insert_with(|| (c.key.clone(), Vec::new()))
                        .1
                        .push((c, st.effect));
                }
            }
        }
        let dims: Result<Vec<Dimension>, String> = {
            let blocked = |k: &str| self.blocked(k);
            readers
                .values()
                .map(|(key, conds)| dimension(key, conds, action, &fixed, &blocked, self.limits))
                .collect()
        };
        let dims = match dims {
            Ok(d) => d,
            Err(why) => {
                self.unknown.push(format!("{action} on {resource}: {why}"));
                return;
            }
        };
        let total = dims
            .iter()
            .try_fold(1usize, |acc, d| acc.checked_mul(d.values.len()))
            .unwrap_or(usize::MAX);
        if total > self.limits.max_contexts {
            self.unknown.push(format!(
                "{action} on {resource}: {total} combinations of context values (limit {})",
                self.limits.max_contexts
            ));
            return;
        }
        let mut digits = vec![0usize; dims.len()];
        loop {
            self.decide(&base, &dims, &digits);
            if self.stop() || !advance(&mut digits, &dims) {
                break;
            }
        }
    }

    /// Decide the request with the values `digits` picks.
    fn decide(&mut self, base: &Request, dims: &[Dimension], digits: &[usize]) {
        let mut req = base.clone();
        let mut absent = Vec::new();
        for (d, i) in dims.iter().zip(digits) {
            match d.values.get(*i) {
                Some(KeyValue::One(v)) => req.context.insert(&d.key, v.clone()),
                Some(KeyValue::Many(list)) => req.context.insert_list(&d.key, list.iter().cloned()),
                _ => absent.push(d.key.clone()),
            }
        }
        let ev = self.scope.engine.evaluate(&req);
        self.requests += 1;
        if matches!(ev.decision, Decision::Allow | Decision::ExplicitDeny) {
            self.exercised.extend(ev.deciding.iter().cloned());
        }
        if !self.q.expect.is_met_by(ev.decision) {
            self.found = Some(Counterexample::new(req, absent, ev));
        }
    }
}

/// The next combination (odometer order); false after the last.
fn advance(digits: &mut [usize], dims: &[Dimension]) -> bool {
    for (d, dim) in digits.iter_mut().zip(dims) {
        *d += 1;
        if *d < dim.values.len() {
            return true;
        }
        *d = 0;
    }
    false
}

/// Answer `q` over the inventory of `scope`.
pub fn prove(scope: &Scope<'_>, q: &Question, limits: &Limits) -> Answer {
    let domain = Domain::new(&q.resources, &q.exclude, !q.patterns);
    let mut fixed_policies = scope.principal_policies(&q.principal);
    fixed_policies.extend(scope.org_policies());
    let governing: Vec<&NamedPolicy> = scope
        .governing_policies(domain.services.as_deref())
        .filter(|(globs, _, _)| {
            globs.iter().any(|g| {
                domain
                    .include
                    .iter()
                    .any(|d| intersects(&g.glob, d, limits.max_states))
            })
        })
        .map(|(_, p, _)| p)
        .collect();
    let mut run = Run {
        q,
        scope,
        limits,
        fixed_policies,
        base: Context::new(),
        requests: 0,
        resource_classes: 0,
        unknown: Vec::new(),
        found: None,
        exercised: std::collections::HashSet::new(),
    };
    let base = without(&q.context, &|k| run.quantified(k));
    run.base = base;
    let stmts: Vec<&Statement> = run
        .fixed_policies
        .iter()
        .chain(&governing)
        .flat_map(|p| p.document.statements.iter().map(|s| &**s))
        .collect();
    let mut keys: Vec<String> = Vec::new();
    for st in &stmts {
        for c in &st.conditions {
            if !keys.iter().any(|k| k == c.key_lower()) {
                keys.push(c.key_lower().to_string());
            }
        }
    }
    let actions = candidates(&q.actions, !q.patterns, domain.services.as_deref());
    let groups = classes(&actions, &stmts, &keys);
    let partition = match &q.principal {
        Principal::Iam(ip) => Some(ip.partition.clone()),
        _ => None,
    };
    // Principal-level facts for the policy variables of resource patterns.
    let probe = {
        let mut r = Request::new(q.principal.clone(), "sts:GetCallerIdentity", "*");
        r.resource_account = q.resource_account.clone();
        layered(&scope.engine.derived_keys(&r), &run.base)
    };
    for group in &groups {
        let Some(action) = group.first() else {
            continue;
        };
        let lower = action.to_ascii_lowercase();
        let reach: Vec<&Statement> = stmts
            .iter()
            .copied()
            .filter(|st| action_matches(&st.action, &lower))
            .collect();
        let reps = {
            let blocked = |k: &str| run.blocked(k);
            let input = ResourceInput {
                scope,
                action,
                stmts: &reach,
                partition: partition.as_deref(),
                fixed: &probe,
                blocked: &blocked,
            };
            representatives(&domain, &input, limits)
        };
        match reps {
            Ok(reps) => {
                run.resource_classes += reps.len();
                for r in reps {
                    run.contexts(action, &r);
                    if run.stop() {
                        break;
                    }
                }
            }
            Err(why) => run.unknown.push(why),
        }
        if run.stop() {
            break;
        }
    }
    if run.found.is_none() && run.requests >= limits.max_requests {
        run.unknown.push(format!(
            "stopped after {} requests (limit {})",
            run.requests, limits.max_requests
        ));
    }
    let verdict = match (run.found, run.unknown.is_empty()) {
        (Some(c), _) => Verdict::Counterexample(Box::new(c)),
        (None, true) => Verdict::Proved,
        (None, false) => Verdict::Unknown(run.unknown),
    };
    let mut exercised: Vec<_> = run.exercised.into_iter().collect();
    exercised.sort_by(|a, b| (&a.policy, a.index).cmp(&(&b.policy, b.index)));
    Answer {
        verdict,
        requests: run.requests,
        action_classes: groups.len(),
        actions: actions.len(),
        resource_classes: run.resource_classes,
        exercised,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Decision;
    use crate::engine::Engine;
    use crate::inventory::{from_files, Inventory};
    use crate::platform::{generate, PlatformSpec};
    use crate::prove::Expect;

    fn reference() -> Inventory {
        let files = generate(&PlatformSpec::reference()).unwrap();
        from_files(&files, std::path::Path::new("policies")).unwrap()
    }

    fn ask(
        inv: &Inventory,
        principal: &str,
        actions: &[&str],
        resources: &[&str],
        expect: Expect,
    ) -> Answer {
        let engine = Engine::new(inv).unwrap();
        let scope = Scope::new(inv, &engine);
        let q = Question {
            principal: Principal::parse(principal).unwrap(),
            actions: actions.iter().map(|s| s.to_string()).collect(),
            resources: resources.iter().map(|s| s.to_string()).collect(),
            exclude: Vec::new(),
            patterns: true,
            context: Context::new(),
            keys: Keys::All,
            expect,
            resource_account: None,
        };
        prove(&scope, &q, &Limits::default())
    }

    const ROLE: &str = "arn:aws:iam::111122223333:role/acme-dev-agent-";

    #[test]
    fn an_agent_cannot_touch_another_agents_repository() {
        let inv = reference();
        let a = ask(
            &inv,
            &format!("{ROLE}research"),
            &["ecr:*"],
            &["arn:aws:ecr:us-east-1:111122223333:repository/acme-dev-support*"],
            Expect::Deny,
        );
        assert_eq!(a.verdict, Verdict::Proved, "{a:?}");
        assert!(a.requests > 0 && a.action_classes < a.actions, "{a:?}");
    }

    #[test]
    fn the_prefix_leak_is_a_counterexample() {
        let inv = reference();
        let a = ask(
            &inv,
            &format!("{ROLE}research"),
            &["logs:*"],
            &["arn:aws:logs:us-east-1:111122223333:log-group:/aws/bedrock-agentcore/acme-dev-research-v2*"],
            Expect::Deny,
        );
        let Verdict::Counterexample(c) = &a.verdict else {
            panic!("{a:?}")
        };
        assert!(c.resource.contains("acme-dev-research-v2"), "{c:?}");
        assert_eq!(engine_decision(&inv, c), Decision::Allow);
    }

    fn engine_decision(inv: &Inventory, c: &Counterexample) -> Decision {
        Engine::new(inv).unwrap().evaluate(&c.request).decision
    }

    #[test]
    fn a_trust_policy_is_not_allowed_for_every_context() {
        let inv = reference();
        let a = ask(
            &inv,
            "bedrock-agentcore.amazonaws.com",
            &["sts:AssumeRole"],
            &[&format!("{ROLE}support")],
            Expect::Allow,
        );
        let Verdict::Counterexample(c) = &a.verdict else {
            panic!("{a:?}")
        };
        assert_ne!(c.evaluation.decision, Decision::Allow);
        assert!(!c.absent.is_empty() || !c.context.is_empty(), "{c:?}");
    }

    #[test]
    fn an_agent_pulls_its_own_images_in_every_context() {
        let inv = reference();
        let a = ask(
            &inv,
            &format!("{ROLE}support"),
            &["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            &["arn:aws:ecr:us-east-1:111122223333:repository/acme-dev-support"],
            Expect::Allow,
        );
        assert_eq!(a.verdict, Verdict::Proved, "{a:?}");
        assert_eq!((a.requests, a.action_classes), (1, 1), "{a:?}");
    }

    /// One caller allowed `s3:*` on `*` when `cond` holds (and denied when `deny` holds).
    fn adhoc(allow_cond: serde_json::Value, deny_cond: Option<serde_json::Value>) -> Inventory {
        use crate::inventory::{named, AdHoc};
        use crate::policy::{parse_document, PolicyKind};
        let mut stmts = vec![
            serde_json::json!({"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": allow_cond}),
        ];
        if let Some(d) = deny_cond {
            stmts.push(
                serde_json::json!({"Effect": "Deny", "Action": "s3:*", "Resource": "*",
                "Condition": d}),
            );
        }
        let doc = serde_json::json!({"Version": "2012-10-17", "Statement": stmts});
        AdHoc {
            principal: Some(Principal::parse(&format!("{ROLE}x")).unwrap()),
            identity: vec![named(
                "p",
                parse_document(&doc, "p", PolicyKind::Identity).unwrap(),
            )],
            ..AdHoc::default()
        }
        .build()
    }

    fn allowed_everywhere(inv: &Inventory) -> Answer {
        ask(
            inv,
            &format!("{ROLE}x"),
            &["s3:GetObject"],
            &["arn:aws:s3:::b/*"],
            Expect::Allow,
        )
    }

    fn counter(a: &Answer) -> &Counterexample {
        match &a.verdict {
            Verdict::Counterexample(c) => c,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn if_exists_holds_when_the_key_is_absent() {
        let inv = adhoc(
            serde_json::json!({"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}),
            None,
        );
        let c = counter(&allowed_everywhere(&inv)).clone();
        // Absent passes; another value is the counterexample.
        assert_eq!(
            c.context.get("aws:SourceVpc"),
            Some(&serde_json::json!("x")),
            "{c:?}"
        );
    }

    #[test]
    fn a_negated_operator_holds_when_the_key_is_absent() {
        let inv = adhoc(
            serde_json::json!({"StringNotEquals": {"aws:SourceVpc": "vpc-1"}}),
            None,
        );
        let c = counter(&allowed_everywhere(&inv)).clone();
        assert_eq!(
            c.context.get("aws:SourceVpc"),
            Some(&serde_json::json!("vpc-1")),
            "{c:?}"
        );
        // A Deny on `Null: true` makes the absent key the counterexample.
        let inv = adhoc(
            serde_json::json!({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}),
            Some(serde_json::json!({"Null": {"aws:SourceVpc": "true"}})),
        );
        let c = counter(&allowed_everywhere(&inv)).clone();
        assert!(
            c.absent.iter().any(|k| k == "aws:SourceVpc")
                || c.context.contains_key("aws:MultiFactorAuthAge"),
            "{c:?}"
        );
    }

    #[test]
    fn numeric_boundaries_are_tried() {
        let inv = adhoc(
            serde_json::json!({"NumericLessThanEquals": {"aws:MultiFactorAuthAge": "10"}}),
            Some(serde_json::json!({"NumericLessThan": {"aws:MultiFactorAuthAge": "10"}})),
        );
        // Allowed exactly at 10: a proof of "allowed for every value" fails, and the only
        // allowed class is the boundary itself.
        let deny = ask(
            &inv,
            &format!("{ROLE}x"),
            &["s3:GetObject"],
            &["arn:aws:s3:::b/k"],
            Expect::Deny,
        );
        let c = counter(&deny);
        assert_eq!(
            c.context.get("aws:MultiFactorAuthAge"),
            Some(&serde_json::json!("10")),
            "{c:?}"
        );
    }

    #[test]
    fn a_variable_over_a_quantified_key_is_unknown() {
        let inv = adhoc(
            serde_json::json!({"StringEquals": {"aws:SourceVpc": "${aws:SourceVpce}"}}),
            None,
        );
        let a = ask(
            &inv,
            &format!("{ROLE}x"),
            &["s3:GetObject"],
            &["arn:aws:s3:::b/k"],
            Expect::Deny,
        );
        match &a.verdict {
            Verdict::Unknown(why) => assert!(why[0].contains("aws:sourcevpce"), "{why:?}"),
            other => panic!("{other:?}"),
        }
    }
}
