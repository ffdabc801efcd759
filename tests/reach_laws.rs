//! Laws of the escalation graph on random small inventories (three roles, a user, a runtime and
//! a function running as roles, statements drawn from the techniques' actions): adding an
//! Allow never removes a path or an admin, adding a Deny never adds one, and every request of
//! every path is allowed by `Engine::evaluate`.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use iamsim::engine::Engine;
use iamsim::inventory::from_files;
use iamsim::reach::{Graph, Options};
use iamsim::request::{Principal, Request};
use proptest::prelude::*;
use serde_json::{json, Value};

const ROLES: [&str; 3] = ["a", "b", "c"];
const RUNTIME: &str = "arn:aws:bedrock-agentcore:us-east-1:111122223333:runtime/rc";
const FUNCTION: &str = "arn:aws:lambda:us-east-1:111122223333:function:fb";

fn role(n: &str) -> String {
    format!("arn:aws:iam::111122223333:role/{n}")
}

const USER: &str = "arn:aws:iam::111122223333:user/u";

fn actions() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "sts:AssumeRole",
        "iam:PassRole",
        "bedrock-agentcore:InvokeAgentRuntimeCommand",
        "bedrock-agentcore:CreateCodeInterpreter",
        "bedrock-agentcore:StartCodeInterpreterSession",
        "bedrock-agentcore:InvokeCodeInterpreter",
        "bedrock-agentcore:*",
        "iam:PutRolePolicy",
        "iam:UpdateAssumeRolePolicy",
        "iam:CreateAccessKey",
        "lambda:UpdateFunctionCode",
        "iam:*",
        "*",
    ])
}

fn resources() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "*".to_string(),
        role("a"),
        role("b"),
        role("c"),
        RUNTIME.to_string(),
        FUNCTION.to_string(),
        "arn:aws:bedrock-agentcore:us-east-1:111122223333:*".to_string(),
        USER.to_string(),
    ])
}

fn conditions() -> impl Strategy<Value = Option<Value>> {
    prop::sample::select(vec![
        None,
        Some(json!({"StringEquals": {"iam:PassedToService": "bedrock-agentcore.amazonaws.com"}})),
        Some(json!({"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}})),
        Some(json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}})),
        Some(json!({"StringEquals": {"aws:RequestTag/team": "red"}})),
    ])
}

fn statement(effect: &'static str) -> impl Strategy<Value = Value> {
    (actions(), resources(), conditions()).prop_map(move |(a, r, c)| {
        let mut s = json!({"Effect": effect, "Action": a, "Resource": r});
        if let Some(c) = c {
            s["Condition"] = c;
        }
        s
    })
}

fn trust() -> impl Strategy<Value = Vec<Value>> {
    prop::sample::subsequence(
        vec![
            json!({"Service": "bedrock-agentcore.amazonaws.com"}),
            json!({"Service": "lambda.amazonaws.com"}),
            json!({"AWS": role("a")}),
            json!({"AWS": "arn:aws:iam::111122223333:root"}),
        ],
        0..=2,
    )
}

/// Per principal (a, b, c, u): its Allow statements; per role its trusted principals.
#[derive(Debug, Clone)]
struct World {
    allows: Vec<Vec<Value>>,
    trusts: Vec<Vec<Value>>,
}

fn world() -> impl Strategy<Value = World> {
    (
        prop::collection::vec(prop::collection::vec(statement("Allow"), 0..4), 4),
        prop::collection::vec(trust(), 3),
    )
        .prop_map(|(allows, trusts)| World { allows, trusts })
}

fn doc(statements: &[Value]) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn files(w: &World, extra: Option<(usize, &Value)>) -> BTreeMap<PathBuf, Value> {
    let mut f = BTreeMap::new();
    for (i, name) in ROLES.iter().enumerate() {
        let mut statements = w.allows[i].clone();
        if let Some((who, s)) = extra.filter(|(who, _)| *who == i) {
            let _ = who;
            statements.push(s.clone());
        }
        let mut file = json!({"arn": role(name)});
        if !statements.is_empty() {
            file["inline_policies"] = json!({"p": doc(&statements)});
        }
        if !w.trusts[i].is_empty() {
            let st: Vec<Value> = w.trusts[i]
                .iter()
                .map(|p| json!({"Effect": "Allow", "Principal": p, "Action": "sts:AssumeRole"}))
                .collect();
            file["trust_policy"] = doc(&st);
        }
        f.insert(PathBuf::from(format!("roles/{name}.json")), file);
    }
    let mut statements = w.allows[3].clone();
    if let Some((_, s)) = extra.filter(|(who, _)| *who == 3) {
        statements.push(s.clone());
    }
    let mut user = json!({"arn": USER});
    if !statements.is_empty() {
        user["inline_policies"] = json!({"p": doc(&statements)});
    }
    f.insert(PathBuf::from("users/u.json"), user);
    f.insert(
        PathBuf::from("resources/rc.json"),
        json!({"arn": RUNTIME, "runs_as": role("c")}),
    );
    f.insert(
        PathBuf::from("resources/fb.json"),
        json!({"arn": FUNCTION, "runs_as": role("b")}),
    );
    f
}

const PRINCIPALS: [&str; 4] = [
    "arn:aws:iam::111122223333:role/a",
    "arn:aws:iam::111122223333:role/b",
    "arn:aws:iam::111122223333:role/c",
    USER,
];

/// Per principal: (principals reached, principals reached as admin).
type Reach = Vec<(BTreeSet<String>, BTreeSet<String>)>;

/// What each principal reaches; also checks that every request of every path is allowed.
fn reach(f: &BTreeMap<PathBuf, Value>) -> Reach {
    let inv = from_files(f, Path::new("w")).unwrap();
    let engine = Engine::new(&inv).unwrap();
    let g = Graph::build(&inv, &engine, &Options::default());
    PRINCIPALS
        .iter()
        .map(|p| {
            let r = g.reach(p).unwrap();
            for x in &r.reaches {
                for step in &x.path {
                    let rewritten = step.technique.contains("update-trust")
                        || step.technique == "iam-update-assume-role-policy";
                    for q in &step.requests {
                        if rewritten && q.action == "sts:AssumeRole" {
                            continue;
                        }
                        let mut req = Request::new(
                            Principal::parse(&step.from).unwrap(),
                            &q.action,
                            &q.resource,
                        );
                        for (k, v) in &q.context {
                            req.context.insert(k, v.as_str());
                        }
                        assert!(
                            engine.evaluate(&req).decision.is_allowed(),
                            "{} -> {} by {}: {} on {} is not allowed",
                            step.from,
                            step.to,
                            step.technique,
                            q.action,
                            q.resource
                        );
                    }
                }
            }
            let all = r.reaches.iter().map(|x| x.principal.clone()).collect();
            let admin = r
                .reaches
                .iter()
                .filter(|x| x.admin)
                .map(|x| x.principal.clone())
                .collect();
            (all, admin)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn adding_an_allow_never_removes_a_path(w in world(), who in 0usize..4, s in statement("Allow")) {
        let before = reach(&files(&w, None));
        let after = reach(&files(&w, Some((who, &s))));
        for (i, (b, a)) in before.iter().zip(&after).enumerate() {
            prop_assert!(b.0.is_subset(&a.0), "{}: lost {:?}", PRINCIPALS[i], b.0.difference(&a.0).collect::<Vec<_>>());
            prop_assert!(b.1.is_subset(&a.1), "{}: lost admin {:?}", PRINCIPALS[i], b.1.difference(&a.1).collect::<Vec<_>>());
        }
    }

    #[test]
    fn adding_a_deny_never_adds_a_path(w in world(), who in 0usize..4, s in statement("Deny")) {
        let before = reach(&files(&w, None));
        let after = reach(&files(&w, Some((who, &s))));
        for (i, (b, a)) in before.iter().zip(&after).enumerate() {
            prop_assert!(a.0.is_subset(&b.0), "{}: gained {:?}", PRINCIPALS[i], a.0.difference(&b.0).collect::<Vec<_>>());
            prop_assert!(a.1.is_subset(&b.1), "{}: gained admin {:?}", PRINCIPALS[i], a.1.difference(&b.1).collect::<Vec<_>>());
        }
    }
}
