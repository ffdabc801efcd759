//! One attacker's questions to the engine: whether a technique takes it to a target, each
//! request proved (prove.rs) and each fact checked, with what it asked before remembered so
//! two techniques asking the same thing ask the engine once.

use super::choice::{add, combinations, is_existing, shared_templates, template_of, Own, Sources};
use super::index::Index;
use super::mini;
use super::plan::{depends_on_target, rewrites_trust, Plan, Via};
use super::prove::{prove, service_assumes, source_arn, ProvedRequest};
use super::tagged::Tagged;
use super::technique::{techniques, ResourceRef, TargetKind, Technique, TechniqueRequest};
use super::witness::{may_allow, Place};
use std::rc::Rc;

use crate::engine::Engine;
use crate::hash::FastMap;
use crate::request::Request;

/// One attacker's search, with what it has asked the engine already.
pub(super) struct Attack<'p, 'a> {
    pub(super) ix: &'p Index<'a>,
    pub(super) plan: &'p Plan,
    pub(super) x: usize,
    /// The engine deciding the attacker's requests (a member node's own, member.rs)
    pub(super) engine: &'p Engine,
    /// (request class, target or `usize::MAX`, via, the number of the shared choice it was
    /// asked with or 0) ->
    /// the resource it was allowed on (with the attacker's chosen name), `None` when denied
    asked: FastMap<(usize, usize, Via, usize), Option<String>>,
    /// The shared choices asked with, numbered from 1 (the last part of `asked`'s keys)
    choices: FastMap<String, usize>,
    /// Action (as the catalog writes it) -> whether an identity Allow of the attacker covers it
    covered: FastMap<&'static str, bool>,
    /// (role node, service, `aws:SourceArn` sent) -> the service may assume it for this
    /// attacker. The source ARN is part of the key: it depends on the technique (a runtime, a
    /// code interpreter), and the trust policy may admit one and not the other.
    trusts: FastMap<(usize, &'static str, String), bool>,
    /// A request with the attacker as principal, reused for every question
    req: Option<Request>,
    /// What the engine knows of the attacker, for policy variables in its choices
    facts: Option<crate::request::Context>,
    /// (technique, template) -> the attacker's own choices for it (`Attack::own_choices`)
    own: FastMap<(usize, &'static str), Rc<Own>>,
    /// The tags the resource being created carries in this attempt (created_tags.rs): the
    /// requests are then asked afresh, not from what was asked without them
    pub(super) tagged: Option<Tagged>,
}

/// What `engine` knows of the principal of `req` (`aws:username`, its tags).
fn facts_of(engine: &Engine, req: &Option<Request>) -> crate::request::Context {
    match req {
        Some(req) => engine.derived_keys(req),
        None => crate::request::Context::new(),
    }
}

impl<'p, 'a> Attack<'p, 'a> {
    /// The search from node `x`.
    pub fn new(ix: &'p Index<'a>, plan: &'p Plan, x: usize) -> Self {
        Self {
            ix,
            plan,
            x,
            engine: ix.engine_of(x),
            asked: FastMap::default(),
            covered: FastMap::default(),
            trusts: FastMap::default(),
            facts: None,
            own: FastMap::default(),
            choices: FastMap::default(),
            tagged: None,
            req: ix
                .nodes
                .get(x)
                .and_then(|n| n.principal.clone())
                .map(|p| Request::new(p, "", "")),
        }
    }

    /// Try technique `ti` against `to` through `via`: the proved requests (one per request of
    /// the technique) when every request is allowed and every needed fact holds, the resources
    /// its requests share chosen once for all of them (choice.rs), each choice in turn. With
    /// `collect` false, answers may come from what was asked before (the requests then hold
    /// only their resource).
    pub fn attempt(
        &mut self,
        ti: usize,
        to: usize,
        via: Via,
        collect: bool,
    ) -> Option<Vec<ProvedRequest>> {
        let t = techniques().get(ti)?;
        if !self.requirement_holds(t, to, via) {
            return None;
        }
        let shared = shared_templates(t);
        if shared.is_empty() {
            return self.attempt_with(t, ti, to, via, collect, &[]).ok();
        }
        let mut lists: Vec<(&str, Vec<String>)> = Vec::with_capacity(shared.len());
        for tmpl in shared {
            // Names one pattern admits first, then names a pattern of each source admits.
            let own = self.own_choices(t, ti, tmpl);
            let (trusted, trusted_joint) = self.sources().trusted(t, tmpl, to, &own);
            let mut choices = own.singles.clone();
            add(&mut choices, trusted);
            add(&mut choices, own.joint.clone());
            add(&mut choices, trusted_joint);
            lists.push((tmpl, choices));
        }
        for combo in combinations(&lists) {
            // An existing resource is worth trying only where the requests on it that do not
            // depend on the target are allowed (asked once per resource, then remembered).
            let viable = combo
                .iter()
                .all(|(tmpl, arn)| !is_existing(t, tmpl) || self.allowed_on(t, ti, tmpl, arn, to));
            if !viable {
                continue;
            }
            let plain = self.attempt_with(t, ti, to, via, collect, &combo);
            if plain.is_err() {
                if let Some(proved) = self.attempt_tagged(t, (ti, to, via, collect), &combo) {
                    return Some(proved);
                }
            }
            match plain {
                Ok(proved) => return Some(proved),
                // Denied whatever the shared choice: no other choice helps.
                Err(false) => return None,
                Err(true) => {}
            }
        }
        None
    }

    /// What the engine knows of the attacker (`aws:username`, its tags), worked out once.
    pub(super) fn facts(&mut self) -> &crate::request::Context {
        self.facts
            .get_or_insert_with(|| facts_of(self.engine, &self.req))
    }

    /// Whether every request of technique `ti` on template `tmpl` that does not depend on the
    /// target is allowed on `arn`.
    fn allowed_on(
        &mut self,
        t: &'static Technique,
        ti: usize,
        tmpl: &str,
        arn: &str,
        to: usize,
    ) -> bool {
        t.requests.iter().enumerate().all(|(i, r)| {
            let may = |a: &String| may_allow(self.ix, self.x, &a.to_ascii_lowercase(), arn);
            template_of(&r.resource) != Some(tmpl)
                || depends_on_target(r)
                || r.actions.iter().any(may)
                    && self
                        .ask(
                            ti,
                            i,
                            r,
                            to,
                            Via::Nothing,
                            self.engine,
                            (false, true),
                            Some(arn),
                        )
                        .is_some()
        })
    }

    /// Where the attacker's shared choices come from (what the engine knows of it worked out
    /// on the first call).
    fn sources(&mut self) -> Sources<'_, 'a> {
        let facts = self
            .facts
            .get_or_insert_with(|| facts_of(self.engine, &self.req));
        Sources {
            ix: self.ix,
            x: self.x,
            facts,
            existing: &self.plan.existing,
        }
    }

    /// The attacker's own choices for template `tmpl` of technique `ti` (see
    /// [`Sources::own`]), worked out once.
    fn own_choices(&mut self, t: &'static Technique, ti: usize, tmpl: &'static str) -> Rc<Own> {
        if let Some(known) = self.own.get(&(ti, tmpl)) {
            return known.clone();
        }
        let choices = Rc::new(self.sources().own(t, tmpl));
        self.own.insert((ti, tmpl), Rc::clone(&choices));
        choices
    }

    /// [`Self::attempt`] with the shared templates chosen as `combo` (template, ARN): the
    /// proved requests, or whether the denial depended on that choice.
    pub(super) fn attempt_with(
        &mut self,
        t: &'static Technique,
        ti: usize,
        to: usize,
        via: Via,
        collect: bool,
        combo: &[(&str, String)],
    ) -> Result<Vec<ProvedRequest>, bool> {
        let rewrites = rewrites_trust(t);
        let mut rewritten: Option<Engine> = None;
        let mut proved = Vec::new();
        for (i, r) in t.requests.iter().enumerate() {
            let assume = rewrites
                && r.actions
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case("sts:AssumeRole"));
            let engine = if assume {
                if rewritten.is_none() {
                    let role = self.ix.nodes.get(to).and_then(|n| n.item).ok_or(false)?;
                    let engine = mini::trust_rewritten(self.ix, self.x, role).ok_or(false)?;
                    rewritten = Some(engine);
                }
                rewritten.as_ref().ok_or(false)?
            } else {
                self.engine
            };
            let chosen = self.choice_for(t, r, combo);
            let asked = self.ask(ti, i, r, to, via, engine, (collect, !assume), chosen);
            proved.push(asked.ok_or(chosen.is_some())?);
        }
        if t.target == TargetKind::PassedRole && !self.service_trusts(t, to, &proved) {
            return Err(!combo.is_empty());
        }
        Ok(proved)
    }

    /// The shared choice request `r` of `t` is asked with: its resource's, or for a PassRole
    /// naming the resource the technique creates, that resource's.
    fn choice_for<'c>(
        &self,
        t: &Technique,
        r: &TechniqueRequest,
        combo: &'c [(&str, String)],
    ) -> Option<&'c str> {
        let of = |tmpl: &str| {
            combo
                .iter()
                .find(|(c, _)| *c == tmpl)
                .map(|(_, arn)| arn.as_str())
        };
        match template_of(&r.resource) {
            Some(tmpl) => of(tmpl),
            // A PassRole depends on the choice only if some condition reads it.
            None if Technique::passes_role(r) && self.ix.reads_associated() => {
                t.associated_template().and_then(of)
            }
            None => None,
        }
    }

    /// Ask request `i` of technique `ti`, with the technique's shared choice for it if it has
    /// one (`chosen`: its resource's ARN, or for a PassRole the associated resource's): `None`
    /// when denied, else the proof (only its resource when allowed as asked before).
    #[allow(clippy::too_many_arguments, reason = "one request's coordinates")]
    pub(super) fn ask(
        &mut self,
        ti: usize,
        i: usize,
        r: &'static TechniqueRequest,
        to: usize,
        via: Via,
        engine: &Engine,
        (detail, cacheable): (bool, bool),
        chosen: Option<&str>,
    ) -> Option<ProvedRequest> {
        let class = self
            .plan
            .classes
            .get(ti)
            .and_then(|c| c.get(i))
            .copied()
            .unwrap_or(usize::MAX);
        let depends = self.plan.depends.get(class).copied().unwrap_or(true);
        // Requests on the attacker alone, or on a target role alone (iam:PassRole), recur across
        // techniques; one on a runs-as resource or policy is asked once.
        // The choice by number (0: none), keeping the key small: an attacker asks many.
        let choice = match chosen {
            None => 0,
            // Looked up before inserting: most asks repeat a choice, and need no copy of it.
            Some(arn) => match self.choices.get(arn) {
                Some(&n) => n,
                None => {
                    let next = self.choices.len() + 1;
                    self.choices.insert(arn.to_string(), next);
                    next
                }
            },
        };
        let key = match (depends, via) {
            (false, _) => Some((class, usize::MAX, Via::Nothing, choice)),
            (true, Via::Nothing) => Some((class, to, via, choice)),
            (true, _) => None,
        };
        let fresh = detail || !cacheable || key.is_none() || self.tagged.is_some();
        if let (false, Some(key)) = (fresh, &key) {
            if let Some(known) = self.asked.get(key) {
                return known.as_deref().map(ProvedRequest::at);
            }
        }
        let answer = match template_of(&r.resource).and(chosen) {
            // The resource is the shared choice, whatever the request's own statements admit.
            Some(arn) => {
                let associated = self.associated(ti, r, None);
                self.prove_request(r, Place::Fixed(arn), associated, to, engine, detail)
            }
            None => {
                let associated = self.associated(ti, r, chosen);
                match self.place(r, to, via) {
                    Some(place) => self.prove_request(r, place, associated, to, engine, detail),
                    None => None,
                }
            }
        };
        if let (false, Some(key)) = (fresh, key) {
            self.asked
                .insert(key, answer.as_ref().map(|p| p.resource.clone()));
        }
        answer
    }

    /// Ask the engine one request of a technique at `place` for this target.
    fn prove_request(
        &mut self,
        r: &'static TechniqueRequest,
        place: Place<'_>,
        associated: Option<String>,
        to: usize,
        engine: &Engine,
        detail: bool,
    ) -> Option<ProvedRequest> {
        let fixed = self.fixed_context(r, associated, to)?;
        // Without an identity Allow for the action, only a resource-based policy could allow
        // it: a trust policy for `sts:`, else a policy on a resource of the inventory.
        if !r.actions.iter().any(|a| self.covers(a)) {
            let sts = r.actions.iter().any(|a| a.starts_with("sts:"));
            let may_have_policy = match &place {
                Place::Fixed(arn) => self.ix.has_policy(arn, sts),
                Place::Existing(arns) => arns.iter().any(|a| self.ix.has_policy(a, sts)),
                Place::New(_) => false,
            };
            if !may_have_policy {
                return None;
            }
        }
        self.policy_choices(fixed)
            .into_iter()
            .find_map(|fixed| self.prove_with(r, &place, &fixed, engine, detail))
    }

    /// `fixed` and, when it names the policy to attach (`iam:PolicyARN`, AdministratorAccess in
    /// the catalog), `fixed` naming each managed policy of the inventory that makes its holder
    /// admin instead: the attacker attaches whichever one its `iam:PolicyARN` conditions allow
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PolicyARN>).
    fn policy_choices(&self, fixed: Vec<(String, String)>) -> Vec<Vec<(String, String)>> {
        let names_policy = |k: &str| k.eq_ignore_ascii_case("iam:PolicyARN");
        if !fixed.iter().any(|(k, _)| names_policy(k)) {
            return vec![fixed];
        }
        let mut out = vec![fixed.clone()];
        for arn in self.ix.admin_policies() {
            let other: Vec<(String, String)> = fixed
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        if names_policy(k) {
                            arn.clone()
                        } else {
                            v.clone()
                        },
                    )
                })
                .collect();
            if !out.contains(&other) {
                out.push(other);
            }
        }
        out
    }

    /// Ask the engine request `r` at `place` with the technique's context `fixed`: as the
    /// attacker, then (for `sts:` on a role) as the sessions of it the trust policy names.
    fn prove_with(
        &mut self,
        r: &'static TechniqueRequest,
        place: &Place<'_>,
        fixed: &[(String, String)],
        engine: &Engine,
        detail: bool,
    ) -> Option<ProvedRequest> {
        let mut req = self.req.take()?;
        let found = prove(
            self.ix, engine, self.x, &mut req, &r.actions, place, fixed, detail,
        );
        self.req = Some(req);
        if found.is_some() {
            return found;
        }
        let Place::Fixed(arn) = place else {
            return None;
        };
        let assumes = r.actions.iter().any(|a| a.starts_with("sts:"));
        let sessions = self.session_principals(arn);
        for mut req in sessions.into_iter().filter(|_| assumes) {
            let found = prove(
                self.ix, engine, self.x, &mut req, &r.actions, place, fixed, detail,
            );
            if found.is_some() {
                return found;
            }
        }
        None
    }

    /// Requests by the sessions of the attacker (a role) that the trust policy of the role at
    /// `arn` names: whoever assumes the attacker's role chooses the session name
    /// (`RoleSessionName`), so the attacker can be that session.
    fn session_principals(&self, arn: &str) -> Vec<Request> {
        let ix = self.ix;
        let Some(target) = ix
            .role_by_arn(arn)
            .and_then(|n| ix.nodes.get(n))
            .and_then(|n| n.item)
        else {
            return Vec::new();
        };
        let Some(role) = ix
            .nodes
            .get(self.x)
            .and_then(|n| n.item)
            .and_then(|i| ix.inv.roles.get(i))
        else {
            return Vec::new();
        };
        let partition = ix.partition(self.x);
        ix.sessions_trusted(self.x)
            .into_iter()
            .filter(|(r, _)| *r == target)
            .filter_map(|(_, session)| {
                let arn = format!(
                    "arn:{partition}:sts::{}:assumed-role/{}/{session}",
                    role.account, role.name
                );
                crate::request::Principal::parse(&arn).ok()
            })
            .map(|p| Request::new(p, "", ""))
            .collect()
    }

    /// Whether an identity Allow of the attacker covers `action`.
    pub(super) fn covers(&mut self, action: &'static str) -> bool {
        if let Some(c) = self.covered.get(action) {
            return *c;
        }
        let lower = action.to_ascii_lowercase();
        let c = self
            .ix
            .allows
            .get(self.x)
            .is_some_and(|s| s.iter().any(|st| super::witness::covers(st, &lower)));
        self.covered.insert(action, c);
        c
    }

    /// Whether technique `t`'s service may assume role `to` for the attacker's resource: the
    /// resource `proved` (the technique's requests as allowed, in order) created or used, with
    /// the name the attacker chose there, is what the service sends as `aws:SourceArn`.
    fn service_trusts(
        &mut self,
        t: &'static Technique,
        to: usize,
        proved: &[ProvedRequest],
    ) -> bool {
        let ix = self.ix;
        let service = t.service.as_deref().unwrap_or_default();
        let partition = ix.partition(self.x).to_string();
        let account = ix.account(self.x);
        let instances = t.requests.iter().zip(proved).filter_map(|(r, p)| {
            matches!(r.resource, ResourceRef::New(_) | ResourceRef::Existing(_))
                .then_some(p.resource.as_str())
        });
        let source = source_arn(service, instances, &partition, &ix.region, account);
        let key = (to, service, source);
        if let Some(v) = self.trusts.get(&key) {
            return *v;
        }
        let ok = service_assumes(ix, to, service, account, &key.2).is_some();
        self.trusts.insert(key, ok);
        ok
    }
}
