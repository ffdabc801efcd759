#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]
//! `iamsim lint`: one fixture per rule under tests/fixtures/lint/, the reference platform's
//! findings, the output formats and the exit codes.

use std::path::{Path, PathBuf};
use std::process::Command;

use iamsim::lint::{lint_paths, lint_policy_text, Finding, Report, Rule, Severity};

const DIR: &str = "tests/fixtures/lint";

fn lint(name: &str) -> Report {
    lint_paths(&[Path::new(DIR).join(name)]).unwrap()
}

/// (id, JSON path, line) of every finding, in order.
fn found(report: &Report) -> Vec<(&'static str, &str, usize)> {
    report
        .findings
        .iter()
        .map(|f| (f.rule.id(), f.json_path.as_str(), f.line))
        .collect()
}

fn messages(report: &Report, rule: Rule) -> Vec<&str> {
    report
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| f.message.as_str())
        .collect()
}

#[test]
fn l001_unknown_actions_with_did_you_mean() {
    let r = lint("l001-unknown-action.json");
    assert_eq!(
        found(&r),
        [
            ("IAMSIM-L001", "Statement[0].Action[1]", 9),
            ("IAMSIM-L001", "Statement[1].NotAction", 17),
        ]
    );
    assert_eq!(
        r.findings[0].message,
        "`ecr:BatchGetImages` matches no known action (did you mean `ecr:BatchGetImage`?)"
    );
    assert_eq!(r.findings[0].fix, "replace it with `ecr:BatchGetImage`");
    assert_eq!(r.findings[0].severity(), Severity::Error);
    assert_eq!(
        r.findings[1].message,
        "`s3x:GetObject` matches no known action (did you mean `s3:GetObject`?)"
    );
}

#[test]
fn l002_wildcard_grants_on_every_resource() {
    let r = lint("l002-wildcard-grant.json");
    assert_eq!(
        found(&r),
        [
            ("IAMSIM-L007", "Statement[0]", 4),
            ("IAMSIM-L002", "Statement[0].Action", 7),
            ("IAMSIM-L007", "Statement[1]", 10),
            ("IAMSIM-L002", "Statement[2].Action", 19),
            ("IAMSIM-L008", "Statement[2].Action", 19),
        ]
    );
    assert_eq!(
        messages(&r, Rule::WildcardGrant),
        [
            "statement `AllS3` allows `s3:*` (every `s3` action) on every resource",
            "statement `Admin` allows `*` (every action of every service) on every resource; a Deny narrows it without removing it: statement `DenyIsFine`",
        ]
    );
}

/// #15 item 9: a grant the document's own unconditional Denies take away entirely is not
/// reported; one they take only in part, or under a condition, is, naming the Deny.
#[test]
fn grants_the_same_document_denies_are_not_reported() {
    let r = lint("l002-denied.json");
    assert_eq!(
        found(&r),
        [
            ("IAMSIM-L007", "Statement[0]", 4),
            ("IAMSIM-L002", "Statement[1].Action", 5),
            ("IAMSIM-L002", "Statement[2].Action", 6),
            ("IAMSIM-L007", "Statement[2]", 6),
            ("IAMSIM-L003", "Statement[3].NotAction", 7),
        ]
    );
    let narrowed = |f: &Finding| f.message.split_once("; ").map(|(_, n)| n.to_string());
    assert_eq!(
        narrowed(&r.findings[1]).unwrap(),
        "Denies narrow it without removing it: statement `NoIam`, statement `NoS3OutsideVpc`"
    );
    assert_eq!(
        narrowed(&r.findings[2]).unwrap(),
        "a Deny narrows it without removing it: statement `NoS3OutsideVpc`"
    );
    assert_eq!(
        narrowed(&r.findings[4]).unwrap(),
        "a Deny narrows it without removing it: statement `NoS3OutsideVpc`"
    );
    // The Deny of `iam:*` covers `iam:PassRole`, however it is granted: no L008.
    assert!(r.findings.iter().all(|f| f.rule != Rule::PassRoleWildcard));

    // A resource policy's Deny to everyone removes the NotPrincipal grant it covers.
    assert_eq!(found(&lint("l009-denied.json")), []);
}

/// In an inventory, the Denies that count are those of each principal holding the document:
/// its other identity policies, its groups' policies and its boundary.
#[test]
fn grants_a_principals_other_policies_deny_are_not_reported() {
    let r = lint("denied-inventory");
    let base = "tests/fixtures/lint/denied-inventory";
    let got: Vec<(String, &str, &str)> = r
        .findings
        .iter()
        .map(|f| (f.file.clone(), f.rule.id(), f.json_path.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                format!("{base}/managed/boundary.json"),
                "IAMSIM-L002",
                "document.Statement[1].Action[0]"
            ),
            (
                format!("{base}/managed/s3-admin.json"),
                "IAMSIM-L002",
                "document.Statement[0].Action"
            ),
        ]
    );
    // `s3-admin` is covered for role `guarded` but not for role `open`: it stays, naming the Deny.
    assert!(r.findings[1].message.ends_with(&format!(
        "; a Deny narrows it without removing it: statement `NoS3` of {base}/managed/deny-s3-for-guarded.json (document)"
    )));
}

#[test]
fn l002_does_not_apply_to_key_policies_or_scps() {
    let r = lint("inventory");
    assert!(r.findings.iter().all(|f| f.rule != Rule::WildcardGrant));
}

#[test]
fn l003_allow_with_not_action_or_not_resource() {
    let r = lint("l003-allow-not.json");
    assert_eq!(
        found(&r),
        [
            ("IAMSIM-L003", "Statement[0].NotAction", 7),
            ("IAMSIM-L003", "Statement[1].NotResource", 14),
        ]
    );
    assert!(r.findings[0]
        .message
        .starts_with("statement `AllButIam` uses `Allow` with `NotAction`"));
}

#[test]
fn l004_operator_family_must_fit_the_key_type() {
    let r = lint("l004-operator-type.json");
    assert_eq!(
        found(&r),
        [
            (
                "IAMSIM-L004",
                "Statement[0].Condition.NumericEquals.s3:prefix",
                10
            ),
            (
                "IAMSIM-L004",
                "Statement[0].Condition.StringEquals.aws:SecureTransport",
                11
            ),
        ]
    );
    assert_eq!(
        r.findings[0].message,
        "`NumericEquals` does not fit `s3:prefix`, a String key"
    );
    assert!(r.findings[1]
        .fix
        .starts_with("use the Bool operator such as `Bool`"));
}

#[test]
fn l005_unknown_condition_keys() {
    let r = lint("l005-unknown-key.json");
    assert_eq!(
        found(&r),
        [
            (
                "IAMSIM-L005",
                "Statement[0].Condition.StringLike.s3:prefx",
                10
            ),
            (
                "IAMSIM-L005",
                "Statement[1].Condition.StringEquals.ec2:Region",
                20
            ),
            (
                "IAMSIM-L005",
                "Statement[2].Condition.StringNotEquals.s3:nosuchkey",
                29
            ),
        ]
    );
    assert!(r.findings[1]
        .message
        .starts_with("condition key `ec2:Region` is not a global key and no action of statement `Decrypt` defines it"));
}

#[test]
fn l006_variables_need_version_2012() {
    let r = lint("l006-variables.json");
    assert_eq!(
        found(&r),
        [
            ("IAMSIM-L006", "Statement[0].Resource[1]", 9),
            (
                "IAMSIM-L006",
                "Statement[0].Condition.StringEquals.aws:PrincipalTag/team",
                12
            ),
        ]
    );
    assert_eq!(
        r.findings[0].fix,
        "add `\"Version\": \"2012-10-17\"` to the policy"
    );
    let r = lint("l006-variables-2008.json");
    assert_eq!(found(&r), [("IAMSIM-L006", "Statement.Resource", 6)]);
    assert!(r.findings[0].message.contains("`Version: 2008-10-17`"));
}

#[test]
fn l007_redundant_statements() {
    let r = lint("l007-redundant.json");
    assert_eq!(
        found(&r),
        [
            ("IAMSIM-L007", "Statement[0]", 4),
            ("IAMSIM-L007", "Statement[2]", 16),
        ]
    );
    assert_eq!(
        r.findings[0].message,
        "statement `GetOne` is redundant: statement `GetAll` has the same effect and already covers its actions and resources"
    );
    assert_eq!(r.findings[0].severity(), Severity::Info);
    // Of two equal statements only the later is reported.
    let r = lint("l007-duplicates.json");
    assert_eq!(found(&r), [("IAMSIM-L007", "Statement[1]", 5)]);
}

#[test]
fn l008_passrole_on_every_role() {
    let r = lint("l008-passrole.json");
    assert_eq!(
        found(&r),
        [
            ("IAMSIM-L008", "Statement[0].Action[1]", 7),
            ("IAMSIM-L007", "Statement[1]", 10),
        ]
    );
    assert!(r.findings[0]
        .message
        .starts_with("statement `PassAnything` allows `iam:PassRole` on every role"));
}

#[test]
fn clean_policy_has_no_findings() {
    let r = lint("clean.json");
    assert_eq!(found(&r), []);
    assert_eq!(r.documents, 1);
}

#[test]
fn resource_policies_get_only_the_rules_that_fit() {
    let r = lint("bucket-policy.json");
    assert_eq!(found(&r), [("IAMSIM-L001", "Statement[1].Action", 15)]);
}

#[test]
fn inventories_lint_every_document_with_its_path() {
    let r = lint("inventory");
    assert_eq!(r.documents, 6);
    let base = "tests/fixtures/lint/inventory";
    let got: Vec<(String, &str, &str, usize)> = r
        .findings
        .iter()
        .map(|f| (f.file.clone(), f.rule.id(), f.json_path.as_str(), f.line))
        .collect();
    assert_eq!(
        got,
        [
            (
                format!("{base}/roles/app.json"),
                "IAMSIM-L008",
                "inline_policies.deploy.Statement[0].Action",
                21
            ),
            (
                format!("{base}/managed/boundary.json"),
                "IAMSIM-L001",
                "document.Statement[0].Action[1]",
                6
            ),
            (
                format!("{base}/resources/kms-app.json"),
                "IAMSIM-L004",
                "policy.Statement[1].Condition.NumericLessThan.kms:EncryptionContext:aws:logs:arn",
                19
            ),
            (
                format!("{base}/organization.json"),
                "IAMSIM-L001",
                "ous[0].scps[0].document.Statement[0].Action",
                14
            ),
        ]
    );
}

/// AWS's NotPrincipal page: "Using it with `"Effect":"Allow"` is not supported"; a Deny with
/// NotPrincipal is the documented shape and is not reported.
#[test]
fn l009_allow_with_not_principal_only() {
    let r = lint("l009-allow-notprincipal.json");
    assert_eq!(found(&r), [("IAMSIM-L009", "Statement[0].NotPrincipal", 7)]);
    assert_eq!(r.findings[0].severity(), Severity::Warning);
    assert!(messages(&r, Rule::AllowNotPrincipal)[0].contains("anonymous callers included"));
}

/// Actions of discontinued services (data/catalog/retired-services.tsv) are their own finding,
/// without a did-you-mean; an unknown prefix that is not on the list stays L001.
#[test]
fn l010_actions_of_retired_services() {
    let r = lint("l010-retired-service.json");
    assert_eq!(
        found(&r),
        [
            ("IAMSIM-L010", "Statement[0].Action[0]", 8),
            ("IAMSIM-L010", "Statement[0].Action[1]", 9),
            ("IAMSIM-L010", "Statement[0].Action[2]", 10),
            ("IAMSIM-L001", "Statement[1].Action", 18),
        ]
    );
    assert_eq!(r.findings[0].severity(), Severity::Warning);
    assert_eq!(
        r.findings[0].message,
        "`deepracer:ListModels` is an action of AWS DeepRacer (`deepracer`), a retired service: it matches no action AWS lists now"
    );
    assert_eq!(
        r.findings[1].fix,
        "remove it: AWS has discontinued AWS IoT 1-Click (https://docs.aws.amazon.com/iot-1-click/latest/developerguide/1click-programming.html)"
    );
    assert!(r
        .findings
        .iter()
        .all(|f| !f.message.contains("did you mean") || f.rule == Rule::UnknownAction));
}

#[test]
fn policy_text_can_be_linted_without_a_file() {
    let text = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}}"#;
    let r = lint_policy_text("inline", text).unwrap();
    assert_eq!(found(&r), [("IAMSIM-L008", "Statement.Action", 1)]);
}

/// The reference platform: only the placeholder `bedrock:*` and `bedrock-agentcore:*` grants
/// of each agent role (docs/platform.md, Production profile) are findings.
#[test]
fn reference_platform_findings_are_its_placeholder_grants() {
    let r = lint_paths(&[PathBuf::from("policies")]).unwrap();
    assert_eq!(r.documents, 17);
    let mut expected = Vec::new();
    for agent in ["billing", "research-v2", "research", "support"] {
        for (i, sid, action) in [
            (0, "BedrockInvoke", "bedrock:*"),
            (1, "AgentCoreActions", "bedrock-agentcore:*"),
        ] {
            expected.push(Finding {
                rule: Rule::WildcardGrant,
                file: format!("policies/roles/acme-dev-agent-{agent}.json"),
                json_path: format!("inline_policies.agent.Statement[{i}].Action"),
                line: 31 + 6 * i,
                message: format!(
                    "statement `{sid}` allows `{action}` (every `{}` action) on every resource (the platform's placeholder grant)",
                    action.trim_end_matches(":*")
                ),
                fix: "set the spec's `production` profile (`bedrock_model_arns`, `agentcore_resource_arns`) and run `iamsim generate`: see docs/platform.md, Production profile".into(),
                sid: Some(sid.into()),
                fingerprint: format!(
                    "IAMSIM-L002|policies/roles/acme-dev-agent-{agent}.json|inline_policies.agent|{sid}|Action|{action}"
                ),
            });
        }
    }
    assert_eq!(r.findings, expected);
    assert!(!r.fails(Severity::Error));
    assert!(r.fails(Severity::Warning));
}

fn iamsim(args: &[&str]) -> (i32, String, String) {
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
fn exit_codes_follow_fail_on() {
    let f = |n: &str| format!("{DIR}/{n}");
    assert_eq!(iamsim(&["lint", &f("clean.json")]).0, 0);
    assert_eq!(iamsim(&["lint", &f("l001-unknown-action.json")]).0, 1);
    assert_eq!(iamsim(&["lint", &f("l003-allow-not.json")]).0, 0);
    assert_eq!(
        iamsim(&["lint", &f("l003-allow-not.json"), "--fail-on", "warning"]).0,
        1
    );
    assert_eq!(
        iamsim(&["lint", &f("l007-duplicates.json"), "--fail-on", "warning"]).0,
        0
    );
    assert_eq!(
        iamsim(&["lint", &f("l007-duplicates.json"), "--fail-on", "info"]).0,
        1
    );
    assert_eq!(iamsim(&["lint", "policies"]).0, 0);
}

#[test]
fn bad_input_exits_2_with_the_file_and_path() {
    let (code, out, err) = iamsim(&["lint", &format!("{DIR}/bad.json")]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert_eq!(
        err,
        "error: tests/fixtures/lint/bad.json: Statement[0]: missing `Resource`\n"
    );
    let (code, _, err) = iamsim(&["lint", &format!("{DIR}/missing.json")]);
    assert_eq!(code, 2);
    assert!(err.starts_with("error: tests/fixtures/lint/missing.json: "));
}

#[test]
fn text_output_has_location_fix_and_a_closing_count() {
    let (_, out, _) = iamsim(&["lint", &format!("{DIR}/l007-duplicates.json")]);
    assert_eq!(
        out,
        "tests/fixtures/lint/l007-duplicates.json:5: info[IAMSIM-L007] Statement[1]: statement `B` is redundant: statement `A` has the same effect and already covers its actions and resources\n    fix: remove statement `B`, or merge it into `A`\n0 errors, 0 warnings, 1 info in 1 policy document\n"
    );
}

#[test]
fn json_output_is_versioned() {
    let (_, out, _) = iamsim(&[
        "lint",
        &format!("{DIR}/l008-passrole.json"),
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["documents"], 1);
    assert_eq!(
        v["summary"],
        serde_json::json!({"error": 1, "warning": 0, "info": 1})
    );
    let f = &v["findings"][0];
    assert_eq!(f["id"], "IAMSIM-L008");
    assert_eq!(f["rule"], "passrole-wildcard");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["file"], "tests/fixtures/lint/l008-passrole.json");
    assert_eq!(f["line"], 7);
    assert_eq!(f["json_path"], "Statement[0].Action[1]");
}

#[test]
fn sarif_output_has_what_code_scanning_requires() {
    let (code, out, _) = iamsim(&["lint", "policies", "--format", "sarif"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "iamsim");
    let ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, Rule::ALL.iter().map(|r| r.id()).collect::<Vec<_>>());
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 8);
    let r = &results[0];
    assert_eq!(r["ruleId"], "IAMSIM-L002");
    assert_eq!(r["ruleIndex"], 1);
    assert_eq!(r["level"], "warning");
    assert!(r["message"]["text"]
        .as_str()
        .unwrap()
        .starts_with("statement `BedrockInvoke` allows `bedrock:*`"));
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "policies/roles/acme-dev-agent-billing.json"
    );
    assert_eq!(loc["region"]["startLine"], 31);
}

#[test]
fn a_directory_without_documents_is_an_error() {
    let dir = std::env::temp_dir().join(format!("iamsim-lint-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let e = lint_paths(std::slice::from_ref(&dir)).unwrap_err();
    assert!(e.to_string().ends_with(": no policy documents found"));
    std::fs::remove_dir_all(&dir).unwrap();
}
