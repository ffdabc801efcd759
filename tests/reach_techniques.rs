//! Every modelled escalation technique on a minimal inventory built from its own data: the
//! attacker is allowed exactly the technique's requests, and the technique must take it to its
//! target. Then the traps, each of which must close that edge: the needed Allow denied in the
//! same policy, in another policy, by an SCP or by a boundary; a resource constraint that
//! excludes the target; a condition the attacker cannot meet; `NotAction`/`NotResource` shapes
//! that leave the action out; `iam:PassedToService` naming another service; the target's trust
//! policy not trusting the service. And the shapes that must keep it: a condition on a key the
//! attacker controls, `NotAction`/`NotResource` that include the request. Every proved request
//! is allowed again by `Engine::evaluate`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iamsim::catalog::{Catalog, ResourceCheck};
use iamsim::engine::Engine;
use iamsim::inventory::from_files;
use iamsim::reach::{techniques, Graph, Options, Requirement, ResourceRef, TargetKind, Technique};
use iamsim::request::{Principal, Request};
use serde_json::{json, Value};

const ACCOUNT: &str = "111122223333";

fn arn(kind: &str, name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:{kind}/{name}")
}

/// A template filled with the test account and region, names as `victim1`.
fn fill(template: &str) -> String {
    fill_names(template, "victim1")
}

/// A template filled with the test account and region, each name as `*`.
fn pattern(template: &str) -> String {
    fill_names(template, "*")
}

/// A template filled with the test account and region, each name as `name`.
fn fill_names(template: &str, name: &str) -> String {
    let t = template
        .replace("${Partition}", "aws")
        .replace("${Region}", "us-east-1")
        .replace("${Account}", ACCOUNT);
    let mut out = String::new();
    let mut rest = t.as_str();
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        out.push_str(name);
        rest = &rest[i + rest[i..].find('}').unwrap() + 1..];
    }
    out.push_str(rest);
    out
}

/// An ARN of a resource type every runs-as request of `t` takes.
fn runs_as_arn(t: &Technique) -> String {
    let catalog = Catalog::embedded();
    let requests: Vec<_> = t
        .requests
        .iter()
        .filter(|r| r.resource == ResourceRef::RunsAsResource)
        .collect();
    let first = catalog.action(&requests[0].actions[0]).unwrap();
    for rt in first.resource_types() {
        for format in rt.resource_type().arn_formats() {
            let arn = fill(format);
            let all = requests.iter().all(|r| {
                r.actions
                    .iter()
                    .any(|a| matches!(catalog.check_resource(a, &arn), ResourceCheck::Matches(_)))
            });
            if all {
                return arn;
            }
        }
    }
    panic!("{}: no resource type fits every runs-as request", t.id);
}

/// The principals and resources of one technique's world.
struct World {
    attacker: String,
    user_attacker: bool,
    target: String,
    runs_as: Option<String>,
}

impl World {
    fn of(t: &Technique) -> Self {
        let user_attacker = t.target == TargetKind::Group
            || (t.target == TargetKind::SelfPrincipal
                && t.requests
                    .iter()
                    .flat_map(|r| &r.actions)
                    .any(|a| a.contains("User") || a.contains("Group")));
        let attacker = if user_attacker {
            arn("user", "attacker")
        } else {
            arn("role", "attacker")
        };
        let target = match t.target {
            TargetKind::SelfPrincipal | TargetKind::PolicyHolder => attacker.clone(),
            TargetKind::User => arn("user", "victim"),
            TargetKind::Group => arn("group", "grp"),
            _ => arn("role", "target"),
        };
        let runs_as = (t.target == TargetKind::RunsAsRole).then(|| runs_as_arn(t));
        World {
            attacker,
            user_attacker,
            target,
            runs_as,
        }
    }

    /// The resource request `i` is made on, as the attacker's policy grants it.
    fn resource(&self, t: &Technique, i: usize) -> String {
        match &t.requests[i].resource {
            ResourceRef::TargetRole => arn("role", "target"),
            ResourceRef::TargetUser => arn("user", "victim"),
            ResourceRef::TargetGroup if t.target == TargetKind::SelfPrincipal => {
                arn("group", "mine")
            }
            ResourceRef::TargetGroup => arn("group", "grp"),
            ResourceRef::TargetPolicy if t.target == TargetKind::PolicyHolder => {
                arn("policy", "held")
            }
            ResourceRef::TargetPolicy => arn("policy", "target-perms"),
            ResourceRef::SelfPrincipal => self.attacker.clone(),
            ResourceRef::RunsAsResource => self.runs_as.clone().unwrap(),
            ResourceRef::New(tmpl) if self.shares_action(t, i) => pattern(tmpl),
            ResourceRef::New(_) | ResourceRef::Existing(_) | ResourceRef::Any => "*".into(),
        }
    }

    /// Whether another request of `t` asks request `i`'s action (`ec2:RunInstances` on the
    /// instance, the image, the subnet...): each is then granted on its own resource type, so
    /// that taking one request's Allow away closes the edge.
    fn shares_action(&self, t: &Technique, i: usize) -> bool {
        let a = &t.requests[i].actions[0];
        t.requests
            .iter()
            .enumerate()
            .any(|(j, r)| j != i && &r.actions[0] == a)
    }
}

fn doc(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// What a trap changes in the world.
#[derive(Debug, Clone)]
enum Change {
    None,
    /// Replace the Allow of request `i` with these statements
    Allow(usize, Vec<Value>),
    /// Add this statement to the attacker's policy
    SamePolicy(Value),
    /// Add a second inline policy
    OtherPolicy(Value),
    /// An SCP denying this action
    Scp(String),
    /// A boundary leaving out this action
    Boundary(String),
    /// The target role trusts another service
    TrustOther,
}

/// The inventory files of technique `t`'s world with `change` applied.
fn files(t: &Technique, w: &World, change: &Change) -> BTreeMap<PathBuf, Value> {
    let mut statements: Vec<Value> = (0..t.requests.len())
        .map(|i| {
            json!({"Sid": format!("R{i}"), "Effect": "Allow",
                   "Action": t.requests[i].actions[0], "Resource": w.resource(t, i)})
        })
        .collect();
    let mut inline = serde_json::Map::new();
    match change {
        Change::Allow(i, replacement) => {
            statements.remove(*i);
            statements.extend(replacement.iter().cloned());
        }
        Change::SamePolicy(s) => statements.push(s.clone()),
        Change::OtherPolicy(s) => {
            inline.insert("other".into(), doc(vec![s.clone()]));
        }
        _ => {}
    }
    inline.insert("attack".into(), doc(statements));
    let mut f: BTreeMap<PathBuf, Value> = BTreeMap::new();
    let mut put = |p: &str, v: Value| {
        f.insert(PathBuf::from(p), v);
    };
    let boundary = match change {
        Change::Boundary(a) => {
            put(
                "managed/boundary.json",
                json!({"arn": arn("policy", "boundary"),
                "document": doc(vec![json!({"Effect": "Allow", "NotAction": a, "Resource": "*"})])}),
            );
            Some(arn("policy", "boundary"))
        }
        _ => None,
    };
    let held = t.target == TargetKind::PolicyHolder;
    let mut held_policy = json!({"arn": arn("policy", "held"),
        "document": doc(vec![json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})])});
    if t.requires == Some(Requirement::AnAdminPolicyVersion) {
        held_policy["versions"] = json!([{"version_id": "v1",
            "document": doc(vec![json!({"Effect": "Allow", "Action": "*", "Resource": "*"})])}]);
    }
    put("managed/held.json", held_policy);
    put(
        "managed/target-perms.json",
        json!({"arn": arn("policy", "target-perms"),
        "document": doc(vec![json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})])}),
    );
    let managed: Vec<String> = if held {
        vec![arn("policy", "held")]
    } else {
        Vec::new()
    };
    if w.user_attacker {
        let groups: Vec<&str> = if t.target == TargetKind::SelfPrincipal {
            vec!["mine"]
        } else {
            vec![]
        };
        put(
            "users/attacker.json",
            json!({"arn": w.attacker, "inline_policies": inline,
            "managed_policy_arns": managed, "groups": groups, "permissions_boundary_arn": boundary}),
        );
    } else {
        put(
            "roles/attacker.json",
            json!({"arn": w.attacker, "inline_policies": inline,
            "managed_policy_arns": managed, "permissions_boundary_arn": boundary,
            "trust_policy": doc(vec![json!({"Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})])}),
        );
    }
    put("groups/mine.json", json!({"arn": arn("group", "mine")}));
    put(
        "groups/grp.json",
        json!({"arn": arn("group", "grp"), "inline_policies": {"g":
        doc(vec![json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})])}}),
    );
    let victim = match t.requires {
        Some(Requirement::AnAccessKey) => json!({"arn": arn("user", "victim"),
            "access_keys": [{"id": "AKIA1"}, {"id": "AKIA2"}]}),
        Some(Requirement::ALoginProfile) => {
            json!({"arn": arn("user", "victim"), "login_profile": true})
        }
        _ => json!({"arn": arn("user", "victim")}),
    };
    put("users/victim.json", victim);
    let rewrites = t
        .requests
        .iter()
        .any(|r| r.actions[0] == "iam:UpdateAssumeRolePolicy");
    let principal = match (t.target, &t.service, change) {
        (_, _, Change::TrustOther) => json!({"Service": "iamsim-other.amazonaws.com"}),
        (TargetKind::PassedRole, Some(s), _) => json!({"Service": s}),
        (TargetKind::AssumedRole, _, _) if !rewrites => json!({"AWS": w.attacker}),
        _ => json!({"Service": "ec2.amazonaws.com"}),
    };
    let mut target = json!({"arn": arn("role", "target"),
        "trust_policy": doc(vec![json!({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})]),
        "managed_policy_arns": [arn("policy", "target-perms")]});
    if t.requires == Some(Requirement::AnInstanceProfile) {
        target["instance_profile_arns"] = json!([arn("instance-profile", "target")]);
    }
    put("roles/target.json", target);
    if let Some(r) = &w.runs_as {
        put(
            "resources/runs-as.json",
            json!({"arn": r, "account": ACCOUNT, "runs_as": arn("role", "target")}),
        );
    }
    let mut existing: Vec<String> = Vec::new();
    for r in &t.requests {
        if let ResourceRef::Existing(tmpl) = &r.resource {
            let a = fill(tmpl);
            if !existing.contains(&a) && w.runs_as.as_deref() != Some(a.as_str()) {
                existing.push(a);
            }
        }
    }
    for (i, a) in existing.into_iter().enumerate() {
        put(
            &format!("resources/existing-{i}.json"),
            json!({"arn": a, "account": ACCOUNT}),
        );
    }
    if let Change::Scp(a) = change {
        let full = json!({"name": "FullAWSAccess", "document": doc(vec![json!({"Effect": "Allow", "Action": "*", "Resource": "*"})])});
        let deny = json!({"name": "deny", "document": doc(vec![json!({"Effect": "Deny", "Action": a, "Resource": "*"})])});
        put(
            "organization.json",
            json!({"management_account": "999988887777",
            "root": {"scps": [full.clone(), deny], "rcps": []}, "ous": [],
            "accounts": [{"id": ACCOUNT, "parent": "root", "scps": [full], "rcps": []}]}),
        );
    }
    f
}

/// Whether `t` takes the attacker to its target in the world with `change`; every request it
/// proves is allowed again by the engine.
fn works(t: &Technique, w: &World, change: &Change) -> bool {
    let inv = from_files(&files(t, w, change), Path::new("t"))
        .unwrap_or_else(|e| panic!("{}: {change:?}: {e}", t.id));
    let engine = Engine::new(&inv).unwrap();
    let g = Graph::build(&inv, &engine, &Options::default());
    let Some(proved) = g.edge_by(&w.attacker, &t.id, &w.target) else {
        return false;
    };
    let rewrites = t
        .requests
        .iter()
        .any(|r| r.actions[0] == "iam:UpdateAssumeRolePolicy");
    for p in &proved {
        if rewrites && p.action == "sts:AssumeRole" {
            continue; // decided against the rewritten trust policy
        }
        let mut req = Request::new(
            Principal::parse(&w.attacker).unwrap(),
            &p.action,
            &p.resource,
        );
        for (k, v) in &p.context {
            req.context.insert(k, v.as_str());
        }
        assert!(
            engine.evaluate(&req).decision.is_allowed(),
            "{}: proved {} on {} is not allowed",
            t.id,
            p.action,
            p.resource
        );
    }
    true
}

/// The modelled techniques.
fn modelled() -> impl Iterator<Item = &'static Technique> {
    techniques().iter().filter(|t| t.not_modelled.is_none())
}

#[test]
fn every_technique_works_on_its_minimal_inventory() {
    let failed: Vec<&str> = modelled()
        .filter(|t| !works(t, &World::of(t), &Change::None))
        .map(|t| t.id.as_str())
        .collect();
    assert!(
        failed.is_empty(),
        "techniques that found no edge: {failed:?}"
    );
}

/// Traps that must close the edge, per request, and shapes that must keep it.
/// The action a service authorizes besides a create that carries tags, on the resource the
/// request names, as its documentation says (Lambda's functions, EC2, SageMaker's creates, IAM
/// roles and users), restated from src/reach/tagging.rs so that a change there shows here.
fn tagging_action(action: &str) -> Option<&'static str> {
    match action {
        "lambda:CreateFunction" => Some("lambda:TagResource"),
        "iam:CreateRole" => Some("iam:TagRole"),
        "iam:CreateUser" => Some("iam:TagUser"),
        a if a.starts_with("ec2:") => Some("ec2:CreateTags"),
        a if a.starts_with("sagemaker:Create") => Some("sagemaker:AddTags"),
        _ => None,
    }
}

#[test]
fn every_trap_closes_the_edge_and_every_harmless_shape_keeps_it() {
    let mut wrong = Vec::new();
    for t in modelled() {
        let w = World::of(t);
        for (i, r) in t.requests.iter().enumerate() {
            let a = r.actions[0].clone();
            let res = w.resource(t, i);
            let sid = format!("R{i}");
            let allow = |extra: Value| {
                let mut s = json!({"Sid": sid, "Effect": "Allow", "Action": a, "Resource": res});
                if let (Some(o), Some(e)) = (s.as_object_mut(), extra.as_object()) {
                    for (k, v) in e {
                        o.insert(k.clone(), v.clone());
                    }
                }
                s
            };
            let deny = json!({"Effect": "Deny", "Action": a, "Resource": "*"});
            let mut closes = vec![
                ("deny in the same policy", Change::SamePolicy(deny.clone())),
                ("deny in another policy", Change::OtherPolicy(deny)),
                ("an SCP denies it", Change::Scp(a.clone())),
                ("a boundary leaves it out", Change::Boundary(a.clone())),
            ];
            // Same account, a trust policy naming the attacker allows sts:AssumeRole without an
            // identity Allow (docs/aws-rules.md), so only denies close that request.
            let identity_needed = a != "sts:AssumeRole";
            let mut keeps = Vec::new();
            if identity_needed {
                closes.push((
                    "a condition on a key AWS sets",
                    Change::Allow(
                        i,
                        vec![allow(
                            json!({"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}),
                        )],
                    ),
                ));
                closes.push((
                    "NotAction naming the action (and its alternatives)",
                    Change::Allow(
                        i,
                        vec![json!({"Effect": "Allow", "NotAction": r.actions, "Resource": res})],
                    ),
                ));
                // The attacker tags its request as it likes, but only an action that takes tags
                // passes any (aws:RequestTag: "when tag key-value pairs are passed in the
                // request"; the catalog lists the key among such an action's own), and where
                // the service authorizes tag on create as an action of its own, only with that
                // one allowed too (src/reach/tagging.rs).
                let red = json!({"StringEquals": {"aws:RequestTag/team": "red"}});
                let tagged = (
                    "a condition on a tag the attacker sets",
                    Change::Allow(i, vec![allow(json!({"Condition": red}))]),
                );
                let catalog = iamsim::catalog::Catalog::embedded();
                let takes_tags = catalog.action_takes_key(&a, "aws:RequestTag/team") != Some(false);
                match tagging_action(&a).filter(|_| takes_tags) {
                    Some(tagging) => {
                        closes.push(tagged);
                        keeps.push((
                            "a condition on a tag the attacker sets, its tagging allowed",
                            Change::Allow(
                                i,
                                vec![
                                    allow(json!({"Condition": red})),
                                    json!({"Effect": "Allow", "Action": tagging, "Resource": "*", "Condition": red}),
                                ],
                            ),
                        ));
                    }
                    None if takes_tags => keeps.push(tagged),
                    None => closes.push(tagged),
                }
                keeps.push((
                    "NotAction naming another action",
                    Change::Allow(i, vec![json!({"Effect": "Allow", "NotAction": "iamsim:Other", "Resource": res})]),
                ));
                // The attacker names what it creates, so a pattern's `-other` variant still
                // admits a name of its own: no resource constraint excludes it.
                let created = res.contains('*');
                if res != "*" {
                    let other = format!("{}-other", res);
                    if !created {
                        closes.push((
                            "a resource constraint excluding the target",
                            Change::Allow(
                                i,
                                vec![json!({"Effect": "Allow", "Action": a, "Resource": other})],
                            ),
                        ));
                    }
                    closes.push((
                        "NotResource naming the target",
                        Change::Allow(
                            i,
                            vec![json!({"Effect": "Allow", "Action": a, "NotResource": res})],
                        ),
                    ));
                    keeps.push((
                        "NotResource naming another resource",
                        Change::Allow(
                            i,
                            vec![json!({"Effect": "Allow", "Action": a, "NotResource": other})],
                        ),
                    ));
                }
            }
            if a == "iam:PassRole" {
                if let Some((_, passed)) =
                    r.context.iter().find(|(k, _)| k == "iam:PassedToService")
                {
                    closes.push((
                        "iam:PassedToService naming another service",
                        Change::Allow(i, vec![allow(json!({"Condition": {"StringEquals": {"iam:PassedToService": "iamsim-other.amazonaws.com"}}}))]),
                    ));
                    keeps.push((
                        "iam:PassedToService naming the service",
                        Change::Allow(i, vec![allow(json!({"Condition": {"StringEquals": {"iam:PassedToService": passed}}}))]),
                    ));
                }
            }
            for (why, change) in closes {
                if works(t, &w, &change) {
                    wrong.push(format!("{} request {i} ({a}): {why} left the edge", t.id));
                }
            }
            for (why, change) in keeps {
                if !works(t, &w, &change) {
                    wrong.push(format!("{} request {i} ({a}): {why} closed the edge", t.id));
                }
            }
        }
        if t.target == TargetKind::PassedRole && !works(t, &w, &Change::TrustOther) {
            continue;
        }
        if t.target == TargetKind::PassedRole {
            wrong.push(format!(
                "{}: the target trusting another service left the edge",
                t.id
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} problems:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
