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
use super::session_tags::may_pass;
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

/// `aws:SourceVpce`, lowercased.
const SOURCE_VPCE: &str = "aws:sourcevpce";

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
    /// The inventory's VPC endpoint ids when the question quantifies `aws:SourceVpce` (none
    /// otherwise): the key is split at each of them
    endpoint_ids: Vec<String>,
    /// The statements under which the caller's sessions may carry tags of their own
    /// (`Scope::session_taggers`): a principal tag they let pass (`session_tags.rs`) varies
    /// like a request's key, absent meaning the role's tag
    session_tags: Vec<&'a Statement>,
}

impl Run<'_, '_, '_> {
    fn quantified(&self, lower: &str) -> bool {
        (!is_derived_key(lower) || self.session_tag(lower))
            && match &self.q.keys {
                Keys::None => false,
                Keys::All => true,
                Keys::Only(list) => list.iter().any(|k| k.eq_ignore_ascii_case(lower)),
            }
    }

    /// Whether `lower` is a principal tag a session of the caller may set.
    fn session_tag(&self, lower: &str) -> bool {
        lower
            .strip_prefix("aws:principaltag/")
            .is_some_and(|key| may_pass(&self.session_tags, key))
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
        let (derived, held) = self.scope.engine.derived_facts(&base);
        let fixed = layered(&derived, &self.base);
        let mut policies = self.fixed_policies.clone();
        policies.extend(self.scope.governor(resource, &lower));
        let mut readers: IndexMap<String, (String, Vec<Reader<'_>>)> = IndexMap::new();
        let mut unknown_tag: Option<String> = None;
        for p in &policies {
            for st in &p.document.statements {
                if !action_matches(&st.action, &lower)
                    || !resource_may_match(st.resource.as_ref(), resource)
                {
                    continue;
                }
                for c in &st.conditions {
                    let k = c.key_lower();
                    if !held && resource != "*" {
                        // A resource the inventory does not hold has tags it cannot know (a
                        // request on `*` names no resource, so it has none).
                        if let Some(tag) = resource_tag_read(c) {
                            unknown_tag.get_or_insert(tag);
                        }
                    }
                    // A session tag replaces the role's (which stays when none is passed).
                    let fact = derived.get_lower(k).is_some() && !self.session_tag(k);
                    if fact || !self.quantified(k) {
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
        if let Some(key) = unknown_tag {
            self.unknown.push(format!(
                "{action} on {resource}: a condition reads `{key}`, and the inventory does not hold the resource, so its tags are unknown"
            ));
            return;
        }
        // A request through one of the inventory's VPC endpoints must also be allowed by its
        // policy, which the engine finds by the request's `aws:SourceVpce`
        // (<https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html>): that
        // key is split at each endpoint's id too, whether or not a condition reads it.
        let endpoint_ids = &self.endpoint_ids;
        if !endpoint_ids.is_empty() && derived.get_lower(SOURCE_VPCE).is_none() {
            readers
                .entry(SOURCE_VPCE.into())
                .or_insert_with(|| ("aws:SourceVpce".into(), Vec::new()));
        }
        let dims: Result<Vec<Dimension>, String> = {
            let blocked = |k: &str| self.blocked(k);
            readers
                .iter()
                .map(|(lower, (key, conds))| {
                    let literals = if lower == SOURCE_VPCE {
                        &endpoint_ids[..]
                    } else {
                        &[]
                    };
                    dimension(key, conds, literals, action, &fixed, &blocked, self.limits)
                })
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

/// The resource tag condition `c` reads, by its key or a variable in its values
/// (`"${aws:ResourceTag/team}"`), if any.
fn resource_tag_read(c: &crate::condition::Condition) -> Option<String> {
    use crate::condition::PolicyValue;
    let tag = |k: &str| k.to_ascii_lowercase().starts_with("aws:resourcetag/");
    if tag(c.key_lower()) {
        return Some(c.key.clone());
    }
    c.values().iter().find_map(|v| match v {
        PolicyValue::StrTemplate(t)
        | PolicyValue::LikeTemplate(t)
        | PolicyValue::ArnTemplate(t) => t.keys().find(|k| tag(k)).map(str::to_string),
        _ => None,
    })
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
    // Endpoint policies apply to requests made through their endpoint (`Run::endpoint_ids`, set below).
    fixed_policies.extend(
        scope
            .inventory
            .endpoints
            .iter()
            .filter_map(|e| e.policy.as_ref()),
    );
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
        endpoint_ids: Vec::new(),
        session_tags: scope.session_taggers(&q.principal),
    };
    let base = without(&q.context, &|k| run.quantified(k));
    run.base = base;
    if run.quantified(SOURCE_VPCE) {
        run.endpoint_ids = scope
            .inventory
            .endpoints
            .iter()
            .map(|e| e.id.clone())
            .collect();
    }
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
#[path = "search_tests.rs"]
mod tests;
