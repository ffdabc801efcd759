#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]
//! `iamsim diff`: one fixture pair per kind of change with its exact expected text, the
//! generator's new agent, the CLI's formats and exit codes, and the laws of a diff (proptest).
//! `IAMSIM_BLESS=1 cargo test --test diff` rewrites the expected texts from what diff gives.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use iamsim::diff::{diff, write_json, write_markdown, write_text, Diff, DiffOptions};
use iamsim::inventory::{from_files, load_dir, Inventory};
use iamsim::platform::{generate, AgentSpec, PlatformSpec};
use proptest::prelude::*;
use serde_json::json;

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/diff")
        .join(case)
}

fn text(d: &Diff) -> String {
    let mut out = Vec::new();
    write_text(&mut out, d).unwrap();
    String::from_utf8(out).unwrap()
}

fn run(base: &Inventory, head: &Inventory) -> Diff {
    let fast = diff(base, head, &DiffOptions::default()).unwrap();
    // Pruning is an optimisation: asking every candidate must give the same changes.
    let full = diff(
        base,
        head,
        &DiffOptions {
            full: true,
            threads: 1,
        },
    )
    .unwrap();
    assert_eq!(fast.changes, full.changes);
    fast
}

fn case(name: &str) -> String {
    let base = load_dir(&fixture(name).join("base")).unwrap();
    let head = load_dir(&fixture(name).join("head")).unwrap();
    let got = text(&run(&base, &head));
    if std::env::var_os("IAMSIM_BLESS").is_some() {
        std::fs::write(fixture(name).join("expected.txt"), &got).unwrap();
    }
    let want = std::fs::read_to_string(fixture(name).join("expected.txt")).unwrap();
    assert_eq!(got, want, "{name}");
    got
}

#[test]
fn statement_added() {
    case("statement_added");
}

#[test]
fn wildcard_widened() {
    let got = case("wildcard_widened");
    assert!(got.contains("gained s3:GetObject on arn:aws:s3:::acme-dev-datasets/*"));
}

#[test]
fn condition_loosened() {
    let got = case("condition_loosened");
    // The condition as the policy writes it, with the value tried as an example (#16 item 12).
    assert!(got.contains("when aws:RequestedRegion StringLike us-* (e.g. us-x)"));
}

#[test]
fn deny_removed() {
    case("deny_removed");
}

#[test]
fn boundary_relaxed() {
    let got = case("boundary_relaxed");
    assert!(got.contains("(by acme-dev-boundary statement Ceiling (#0))"));
}

#[test]
fn scp_relaxed() {
    let got = case("scp_relaxed");
    assert!(got.contains("(by DataGuard statement ReadOnly (#0))"));
}

#[test]
fn key_policy_opened_to_another_account() {
    let got = case("key_policy_opened");
    assert!(got.starts_with("account 444455556666 gained kms:Decrypt on arn:aws:kms:"));
}

#[test]
fn trust_policy_source_arn_widened() {
    let got = case("trust_source_arn_widened");
    assert!(got.contains(
        "aws:SourceArn ArnLike arn:aws:bedrock-agentcore:us-east-1:111122223333:* \
         (e.g. arn:aws:bedrock-agentcore:us-east-1:111122223333:x)"
    ));
}

// The changes an ad hoc witness could miss, found by the class representatives (#14 item 4).

#[test]
fn numeric_bound_moved_is_found_between_the_bounds() {
    let got = case("numeric_moved");
    assert!(got.contains("gained s3:GetObject"), "{got}");
    assert!(
        got.contains("aws:MultiFactorAuthAge NumericLessThan 20 (e.g. 1"),
        "{got}"
    );
}

#[test]
fn date_bound_moved_is_found_between_the_dates() {
    let got = case("date_moved");
    assert!(got.contains("gained s3:GetObject"), "{got}");
    assert!(
        got.contains("aws:TokenIssueTime DateLessThan 2024-09-01T00:00:00Z (e.g. 2024-"),
        "{got}"
    );
}

#[test]
fn wildcard_narrowed_to_several_patterns_loses_the_rest() {
    let got = case("wildcard_narrowed");
    assert!(
        got.contains("lost s3:GetObject on arn:aws:s3:::acme-dev-datasets/*"),
        "{got}"
    );
    assert!(got.contains("\n0 grants gained, 1 lost"), "{got}");
}

#[test]
fn for_any_value_set_widened_is_found_with_the_new_value() {
    let got = case("for_any_value_widened");
    assert!(got.contains("gained iam:TagRole"), "{got}");
    assert!(
        got.contains("ForAnyValue:StringEquals env|team (e.g. "),
        "{got}"
    );
}

#[test]
fn reverse_diffs_lose_what_forward_diffs_gain() {
    let base = load_dir(&fixture("deny_removed").join("base")).unwrap();
    let head = load_dir(&fixture("deny_removed").join("head")).unwrap();
    assert_eq!(
        text(&run(&head, &base)),
        "role acme-dev-agent-research lost s3:DeleteObject on arn:aws:s3:::acme-dev-datasets/* \
         (by acme-dev-agent-research/agent statement DatasetsRW (#0))\n\
         0 grants gained, 1 lost (0 requests gained, 2 lost; 31 asked, one per class)\n"
    );
}

fn platform(spec: &PlatformSpec) -> Inventory {
    from_files(&generate(spec).unwrap(), Path::new("policies")).unwrap()
}

#[test]
fn a_new_agent_from_the_generator() {
    let base_spec = PlatformSpec::reference();
    let mut head_spec = base_spec.clone();
    head_spec
        .agents
        .insert("analytics".into(), AgentSpec::default());
    let d = run(&platform(&base_spec), &platform(&head_spec));
    let got = text(&d);
    if std::env::var_os("IAMSIM_BLESS").is_some() {
        std::fs::write(fixture("agent_added.txt"), &got).unwrap();
    }
    let want = std::fs::read_to_string(fixture("agent_added.txt")).unwrap();
    assert_eq!(got, want);
    assert_eq!(d.lost().count(), 0);
    // Nobody but the new role and the service that assumes it gains anything.
    let who: BTreeSet<&str> = d.changes.iter().map(|c| c.principal.as_str()).collect();
    assert_eq!(
        who,
        BTreeSet::from([
            "role acme-dev-agent-analytics",
            "service bedrock-agentcore.amazonaws.com"
        ])
    );
}

#[test]
fn the_reference_platform_against_itself_is_empty() {
    let inv = platform(&PlatformSpec::reference());
    let d = run(&inv, &inv);
    assert!(d.is_empty());
    assert_eq!(
        text(&d),
        "0 grants gained, 0 lost (0 requests gained, 0 lost; 0 asked, one per class)\n"
    );
}

/// Endpoint policies are outside the request space: a change to one is never silent, it is a gap.
#[test]
fn a_changed_endpoint_is_reported_as_a_gap() {
    let base = platform(&PlatformSpec::reference());
    let mut head = base.clone();
    head.endpoints.push(iamsim::inventory::Endpoint {
        id: "vpce-0123456789abcdef0".into(),
        vpc: None,
        kind: iamsim::inventory::EndpointKind::Gateway,
        policy: None,
        source: "endpoints/s3.json".into(),
    });
    let d = run(&base, &head);
    assert!(
        d.gaps.iter().any(|g| g.contains("VPC endpoints")),
        "{:?}",
        d.gaps
    );
    assert!(run(&base, &base).gaps.is_empty());
}

/// A role allowed `s3:GetObject` through endpoints `vpce-1*`, and endpoint `vpce-1` denying
/// everything on both sides: a request through `vpce-10` is gained. The class of `vpce-1*` must
/// be split at the endpoint's id, as `prove` splits it, or its one request (`vpce-1`) would be
/// denied by the endpoint on both sides and the change missed.
#[test]
fn a_source_vpce_class_is_split_at_the_inventory_endpoints() {
    fn inventory(allowed: &str) -> Inventory {
        let mut files = std::collections::BTreeMap::new();
        files.insert(
            PathBuf::from("roles/r.json"),
            json!({"arn": "arn:aws:iam::111122223333:role/r", "inline_policies": {"p": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": allowed, "Resource": "*",
                    "Condition": {"StringLike": {"aws:SourceVpce": "vpce-1*"}}}]}}}),
        );
        files.insert(
            PathBuf::from("endpoints/e.json"),
            json!({"id": "vpce-1", "type": "Gateway", "policy": {"Version": "2012-10-17",
                "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}]}}),
        );
        from_files(&files, Path::new("gen")).unwrap()
    }
    let d = run(&inventory("s3:ListBucket"), &inventory("s3:GetObject"));
    assert!(
        d.changes
            .iter()
            .any(|c| c.action.eq_ignore_ascii_case("s3:GetObject")),
        "{}",
        text(&d)
    );
}

#[test]
fn json_is_versioned_and_markdown_is_a_table() {
    let base = load_dir(&fixture("statement_added").join("base")).unwrap();
    let head = load_dir(&fixture("statement_added").join("head")).unwrap();
    let d = run(&base, &head);
    let mut out = Vec::new();
    write_json(&mut out, &d).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["gained"], 2);
    assert_eq!(v["grants"]["gained"], 1);
    assert_eq!(v["changes"][0]["direction"], "gained");
    assert_eq!(
        v["changes"][0]["resource"],
        "arn:aws:s3:::acme-dev-datasets/:x"
    );
    assert_eq!(
        v["changes"][0]["pattern"],
        "arn:aws:s3:::acme-dev-datasets/*"
    );
    assert_eq!(
        v["summary"][0]["text"],
        "role acme-dev-agent-research gained s3:GetObject on arn:aws:s3:::acme-dev-datasets/* \
         (by acme-dev-agent-research/agent statement ExtraS3ReadAccess (#1))"
    );
    let mut md = Vec::new();
    write_markdown(&mut md, &d).unwrap();
    let md = String::from_utf8(md).unwrap();
    assert!(md.starts_with("### iamsim diff: 1 grant gained, 0 lost\n\n| principal | change |"));
    assert!(md.contains(
        "| role acme-dev-agent-research | ➕ gained | `s3:GetObject` | `arn:aws:s3:::acme-dev-datasets/*` |"
    ));
}

fn cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_iamsim"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn fail_on_gained_sets_the_exit_code() {
    let dir = fixture("statement_added");
    let (base, head) = (dir.join("base"), dir.join("head"));
    let (b, h) = (base.to_str().unwrap(), head.to_str().unwrap());
    assert_eq!(cli(&["diff", b, h]).0, 0);
    assert_eq!(cli(&["diff", b, h, "--fail-on", "gained"]).0, 1);
    assert_eq!(cli(&["diff", h, b, "--fail-on", "gained"]).0, 0);
    assert_eq!(cli(&["diff", b, b, "--fail-on", "gained"]).0, 0);
    let (code, _, err) = cli(&["diff", b, "/nonexistent/iamsim", "--fail-on", "gained"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("error: "), "{err}");
    let (code, out, _) = cli(&["diff", b, h, "--format", "json"]);
    assert_eq!(code, 0);
    assert!(out.contains("\"schema_version\": 1"));
}

// ---- laws ----

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:Get*",
    "s3:PutObject",
    "s3:*",
    "kms:Decrypt",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/a*",
    "arn:aws:s3:::b/ab",
    "arn:aws:s3:::c/*",
];

fn statement() -> impl Strategy<Value = serde_json::Value> {
    (
        any::<bool>(),
        prop::sample::subsequence(ACTIONS, 1..3),
        prop::sample::subsequence(RESOURCES, 1..3),
        0..3usize,
    )
        .prop_map(|(deny, actions, resources, cond)| {
            let mut st = json!({
                "Effect": if deny { "Deny" } else { "Allow" },
                "Action": actions,
                "Resource": resources,
            });
            match cond {
                1 => {
                    st["Condition"] = json!({"StringEquals": {"aws:RequestedRegion": "us-east-1"}})
                }
                2 => st["Condition"] = json!({"StringLike": {"aws:RequestedRegion": "us-*"}}),
                _ => {}
            }
            st
        })
}

fn inventory() -> impl Strategy<Value = Inventory> {
    prop::collection::vec(prop::collection::vec(statement(), 0..4), 1..3).prop_map(|roles| {
        let mut files = std::collections::BTreeMap::new();
        for (i, sts) in roles.into_iter().enumerate() {
            let mut inline = serde_json::Map::new();
            if !sts.is_empty() {
                inline.insert(
                    "p".into(),
                    json!({"Version": "2012-10-17", "Statement": sts}),
                );
            }
            files.insert(
                PathBuf::from(format!("roles/r{i}.json")),
                json!({"arn": format!("arn:aws:iam::111122223333:role/r{i}"), "inline_policies": inline}),
            );
        }
        from_files(&files, Path::new("gen")).unwrap()
    })
}

/// One role allowed everything, in an account whose SCP holds `scp` (the same number of
/// statements on both sides, so only statement contents differ).
fn org_inventory(scp: &[serde_json::Value]) -> Inventory {
    let mut files = std::collections::BTreeMap::new();
    files.insert(
        PathBuf::from("roles/r.json"),
        json!({"arn": "arn:aws:iam::111122223333:role/r", "inline_policies": {"p": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["s3:*", "kms:*"], "Resource": "*"}]}}}),
    );
    let full = json!({"name": "FullAWSAccess", "document": {"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}});
    files.insert(
        PathBuf::from("organization.json"),
        json!({"management_account": "999988887777",
            "root": {"scps": [full], "rcps": []}, "ous": [],
            "accounts": [{"id": "111122223333", "parent": "root", "rcps": [],
                "scps": [{"name": "Guard", "document": {"Version": "2012-10-17", "Statement": scp}}]}]}),
    );
    from_files(&files, Path::new("gen")).unwrap()
}

fn requests<'a>(
    it: impl Iterator<Item = &'a iamsim::diff::Change>,
) -> BTreeSet<(String, String, String)> {
    it.map(|c| (c.principal.clone(), c.action.clone(), c.resource.clone()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn diff_of_an_inventory_with_itself_is_empty(x in inventory()) {
        prop_assert!(diff(&x, &x, &DiffOptions::default()).unwrap().is_empty());
    }

    #[test]
    fn gained_forward_is_lost_backward(a in inventory(), b in inventory()) {
        let forward = diff(&a, &b, &DiffOptions::default()).unwrap();
        let backward = diff(&b, &a, &DiffOptions::default()).unwrap();
        prop_assert_eq!(requests(forward.gained()), requests(backward.lost()));
        prop_assert_eq!(requests(forward.lost()), requests(backward.gained()));
        let full = diff(&a, &b, &DiffOptions { full: true, threads: 1 }).unwrap();
        prop_assert_eq!(forward.changes, full.changes);
    }

    /// Changed SCP statements (an `Action` list alone, or with the rest) prune only requests
    /// neither version decides differently: the pruned diff equals asking everything.
    #[test]
    fn pruning_changed_scp_statements_loses_nothing(
        sts in prop::collection::vec((statement(), statement(), any::<bool>()), 1..3),
    ) {
        let base: Vec<serde_json::Value> = sts.iter().map(|(x, _, _)| x.clone()).collect();
        // Half the time, only the action list changes.
        let head: Vec<serde_json::Value> = sts
            .iter()
            .map(|(x, y, only_actions)| {
                if *only_actions {
                    let mut z = x.clone();
                    z["Action"] = y["Action"].clone();
                    z
                } else {
                    y.clone()
                }
            })
            .collect();
        let (a, b) = (org_inventory(&base), org_inventory(&head));
        let fast = diff(&a, &b, &DiffOptions::default()).unwrap();
        let full = diff(&a, &b, &DiffOptions { full: true, threads: 1 }).unwrap();
        prop_assert_eq!(fast.changes, full.changes);
    }
}
