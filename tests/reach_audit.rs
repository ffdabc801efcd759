//! Wrong answers of `iamsim reach` found by an audit (each named after its finding), on small
//! inventories built here: one test per finding, each citing the AWS page that says what the
//! right answer is.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iamsim::engine::Engine;
use iamsim::inventory::from_files;
use iamsim::reach::{Graph, Options, ReachReport};
use serde_json::{json, Value};

const ACCOUNT: &str = "111122223333";

/// `arn:aws:iam::111122223333:KIND/NAME`.
fn iam(kind_name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:{kind_name}")
}

/// A policy document of `statements`.
fn doc(statements: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// A trust policy letting service `service` assume the role under `condition`.
fn service_trust(service: &str, condition: Value) -> Value {
    doc(
        json!([{"Effect": "Allow", "Principal": {"Service": service},
        "Action": "sts:AssumeRole", "Condition": condition}]),
    )
}

/// A role `name` with `trust` and an inline policy allowing everything.
fn admin_role(name: &str, trust: Value) -> (String, Value) {
    (
        format!("roles/{name}.json"),
        json!({"arn": iam(&format!("role/{name}")), "trust_policy": trust,
            "inline_policies": {"a": doc(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))}}),
    )
}

/// An inventory file `path` holding an IAM principal `kind_name` with one inline policy.
fn principal(path: &str, kind_name: &str, statements: Value, extra: Value) -> (String, Value) {
    let mut v = json!({"arn": iam(kind_name), "inline_policies": {"p": doc(statements)}});
    if let (Some(o), Value::Object(more)) = (v.as_object_mut(), extra) {
        o.extend(more);
    }
    (path.to_string(), v)
}

/// A role `ec2admin` allowed everything that EC2 may assume, in an instance profile.
fn ec2_admin_role() -> (String, Value) {
    let (path, mut role) = admin_role("ec2admin", service_trust("ec2.amazonaws.com", json!({})));
    role["instance_profile_arns"] = json!([iam("instance-profile/ec2admin")]);
    (path, role)
}

/// `reach who` over the inventory of `files`, with `options`.
fn reach_with(files: Vec<(String, Value)>, who: &str, options: &Options) -> ReachReport {
    let files: BTreeMap<PathBuf, Value> = files
        .into_iter()
        .map(|(p, v)| (PathBuf::from(p), v))
        .collect();
    let inv = from_files(&files, Path::new("w")).unwrap();
    let engine = Engine::new(&inv).unwrap();
    let g = Graph::build(&inv, &engine, &options.clone());
    g.reach(who).unwrap()
}

/// `reach who` with the default options.
fn reach(files: Vec<(String, Value)>, who: &str) -> ReachReport {
    reach_with(files, who, &Options::default())
}

/// The principals reached as admin, each with its path's techniques.
fn admins(r: &ReachReport) -> Vec<(String, Vec<String>)> {
    r.reaches
        .iter()
        .filter(|x| x.admin)
        .map(|x| {
            let path = x.path.iter().map(|s| s.technique.clone()).collect();
            (x.principal.clone(), path)
        })
        .collect()
}

/// F3: the answer of "may the service assume this role" depends on the `aws:SourceArn` the
/// technique's resource gives (confused-deputy keys,
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html>), so a technique
/// whose resource the trust does not admit (a code interpreter) must not hide one whose
/// resource it does (a runtime). With more permissions, alice must find at least as much.
#[test]
fn f3_service_trust_answer_depends_on_the_source_arn_confused_deputy() {
    let trust = service_trust(
        "bedrock-agentcore.amazonaws.com",
        json!({"StringEquals": {"aws:SourceAccount": ACCOUNT},
            "ArnLike": {"aws:SourceArn": format!("arn:aws:bedrock-agentcore:us-east-1:{ACCOUNT}:runtime/*")}}),
    );
    let files = vec![
        admin_role("agentrole", trust),
        principal(
            "users/alice.json",
            "user/alice",
            json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": iam("role/agentrole")},
                {"Effect": "Allow", "Action": "bedrock-agentcore:*", "Resource": "*"}]),
            json!({}),
        ),
    ];
    let r = reach(files, "user/alice");
    let found = admins(&r);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, iam("role/agentrole"));
    assert!(found[0].1[0].starts_with("agentcore-runtime-"), "{found:?}");
}

/// F2: `iam:PutRolePolicy` and `iam:AttachRolePolicy` act on a role, `iam:PutUserPolicy` on a
/// user (Service Authorization Reference,
/// <https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html>),
/// so a user allowed only the role actions, or a role allowed only the user action, cannot
/// rewrite its own permissions with them.
#[test]
fn f2_self_rewrite_applies_only_to_the_principal_type_its_action_takes() {
    let user = principal(
        "users/alice.json",
        "user/alice",
        json!([{"Effect": "Allow", "Action": ["iam:PutRolePolicy", "iam:AttachRolePolicy"], "Resource": "*"}]),
        json!({}),
    );
    assert_eq!(admins(&reach(vec![user], "user/alice")), []);
    let role = principal(
        "roles/r.json",
        "role/r",
        json!([{"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": "*"}]),
        json!({"trust_policy": doc(json!([{"Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]))}),
    );
    assert_eq!(admins(&reach(vec![role], "role/r")), []);
    // The matching type still rewrites itself.
    let user = principal(
        "users/alice.json",
        "user/alice",
        json!([{"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": "*"}]),
        json!({}),
    );
    let found = admins(&reach(vec![user], "user/alice"));
    assert_eq!(
        found,
        [(
            iam("user/alice"),
            vec!["iam-put-user-policy-self".to_string()]
        )]
    );
}

/// F4: a service that assumes a role for a resource names that resource as `aws:SourceArn`
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html>), so the trust is
/// asked with the name the attacker gave what it created: a runtime `app...` (AgentCore) or a
/// function `app-...` (Lambda, <https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html>),
/// which an attacker allowed any name gives it as the trust admits.
#[test]
fn f4_the_trust_sees_the_name_the_attacker_chose_as_source_arn() {
    let runtime = format!("arn:aws:bedrock-agentcore:us-east-1:{ACCOUNT}:runtime/app*");
    let files = vec![
        admin_role(
            "agentrole",
            service_trust(
                "bedrock-agentcore.amazonaws.com",
                json!({"StringEquals": {"aws:SourceAccount": ACCOUNT},
                    "ArnLike": {"aws:SourceArn": runtime}}),
            ),
        ),
        principal(
            "users/alice.json",
            "user/alice",
            json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": iam("role/agentrole")},
                {"Effect": "Allow", "Action": ["bedrock-agentcore:CreateAgentRuntime",
                    "bedrock-agentcore:CreateWorkloadIdentity"], "Resource": "*"},
                {"Effect": "Allow", "Action": ["bedrock-agentcore:CreateAgentRuntimeEndpoint",
                    "bedrock-agentcore:InvokeAgentRuntime"], "Resource": runtime}]),
            json!({}),
        ),
    ];
    let found = admins(&reach(files, "user/alice"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, iam("role/agentrole"));
    // Allowed `app-*` names only, or any name (F15: named then as the trust admits).
    for allowed in ["arn:aws:lambda:*:*:function:app-*", "*"] {
        let files = vec![
            admin_role(
                "exec",
                service_trust(
                    "lambda.amazonaws.com",
                    json!({"ArnLike": {"aws:SourceArn": format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:app-*")}}),
                ),
            ),
            principal(
                "users/alice.json",
                "user/alice",
                json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": iam("role/exec")},
                    {"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:InvokeFunction"],
                        "Resource": allowed}]),
                json!({}),
            ),
        ];
        let found = admins(&reach(files, "user/alice"));
        assert_eq!(found.len(), 1, "{allowed}: {found:?}");
        assert_eq!(found[0].0, iam("role/exec"));
    }
}

/// F1: a user's permissions are her own policies and those of the groups she is in
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html>), so once she adds herself
/// to a group (`iam:AddUserToGroup`) every step her new groups allow is hers: assuming a role
/// the group may assume, or writing her own policy with the group's `iam:PutUserPolicy`.
#[test]
fn f1_a_user_who_joins_a_group_continues_with_its_permissions_id_groups() {
    let join = principal(
        "users/alice.json",
        "user/alice",
        json!([{"Effect": "Allow", "Action": "iam:AddUserToGroup", "Resource": iam("group/ops")}]),
        json!({}),
    );
    let group = |statement: Value| {
        (
            "groups/ops.json".to_string(),
            json!({"arn": iam("group/ops"), "inline_policies": {"p": doc(json!([statement]))}}),
        )
    };
    let target = admin_role(
        "target",
        doc(
            json!([{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")},
            "Action": "sts:AssumeRole"}]),
        ),
    );
    let assume =
        json!({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": iam("role/target")});
    let r = reach(
        vec![join.clone(), group(assume.clone()), target.clone()],
        "user/alice",
    );
    assert_eq!(
        admins(&r),
        [(
            iam("role/target"),
            vec![
                "iam-add-user-to-group".to_string(),
                "sts-assume-role".to_string()
            ]
        )]
    );
    assert_eq!(r.reaches[0].principal, iam("group/ops"));
    assert_eq!(r.reaches[1].path[1].from, iam("user/alice"));
    let r = reach(
        vec![
            join,
            group(
                json!({"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": iam("user/*")}),
            ),
        ],
        "user/alice",
    );
    assert_eq!(
        admins(&r),
        [(
            iam("group/ops"),
            vec![
                "iam-add-user-to-group".to_string(),
                "iam-put-user-policy-self".to_string()
            ]
        )]
    );
}

/// F12: a role whose trust names `"AWS": "*"` can be assumed from any account
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>),
/// also one no policy names: asked about, such an account gets a node and finds the role;
/// a graph not told about it refuses rather than answering with nothing.
#[test]
fn f12_an_account_no_policy_names_reaches_a_role_trusting_everyone() {
    let files = || {
        vec![admin_role(
            "open",
            doc(
                json!([{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]),
            ),
        )]
    };
    let options = Options {
        principals: vec!["444455556666".into()],
        ..Options::default()
    };
    let r = reach_with(files(), "444455556666", &options);
    assert_eq!(r.principal, "arn:aws:iam::444455556666:root");
    assert_eq!(
        admins(&r),
        [(iam("role/open"), vec!["sts-assume-role".to_string()])]
    );
    let inv = from_files(
        &files()
            .into_iter()
            .map(|(p, v)| (PathBuf::from(p), v))
            .collect(),
        Path::new("w"),
    )
    .unwrap();
    let engine = Engine::new(&inv).unwrap();
    let g = Graph::build(&inv, &engine, &Options::default());
    let err = g.reach("444455556666").unwrap_err().to_string();
    assert!(err.contains("444455556666"), "{err}");
}

/// F11: requests made with temporary credentials carry `aws:MultiFactorAuthPresent`, `false`
/// when no MFA was used
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent>),
/// so a role session an attacker obtained by `sts:AssumeRole` meets a `Deny ... Bool
/// aws:MultiFactorAuthPresent false` of the role: role b cannot go on to role c.
#[test]
fn f11_a_role_session_has_no_mfa_so_a_deny_without_mfa_applies() {
    let trusting = |who: &str| {
        doc(
            json!([{"Effect": "Allow", "Principal": {"AWS": iam(who)}, "Action": "sts:AssumeRole"}]),
        )
    };
    let files = || {
        vec![
            principal(
                "users/alice.json",
                "user/alice",
                json!([{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": iam("role/b")}]),
                json!({}),
            ),
            principal(
                "roles/b.json",
                "role/b",
                json!([{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},
                    {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*",
                     "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}]),
                json!({"trust_policy": trusting("user/alice")}),
            ),
            admin_role("c", trusting("role/b")),
        ]
    };
    let r = reach(files(), "user/alice");
    let reached: Vec<&str> = r.reaches.iter().map(|x| x.principal.as_str()).collect();
    assert_eq!(reached, [iam("role/b")]);
    assert!(reach(files(), "role/b").reaches.is_empty());
}

/// F9: requests carry `aws:RequestedRegion`: the region reach creates resources in for a
/// regional service, `us-east-1` for IAM, whose single endpoint is there
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_deny-requested-region.html>).
/// The standard region-lock SCP then blocks nothing inside the allowed regions, and everything
/// outside them.
#[test]
fn f9_requests_carry_the_requested_region_deny_requested_region() {
    let files = || {
        vec![
            admin_role(
                "exec",
                doc(
                    json!([{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole"}]),
                ),
            ),
            principal(
                "users/alice.json",
                "user/alice",
                json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": iam("role/exec")},
                    {"Effect": "Allow", "Action": "lambda:*", "Resource": "*"}]),
                json!({}),
            ),
            (
                "organization.json".to_string(),
                json!({"management_account": "999988887777",
                    "root": {"scps": [
                        {"name": "FullAWSAccess", "document": doc(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))},
                        {"name": "RegionLock", "document": doc(json!([{"Sid": "RegionLock", "Effect": "Deny",
                            "NotAction": ["iam:*", "sts:*", "organizations:*"], "Resource": "*",
                            "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}}]))}],
                        "rcps": []},
                    "ous": [],
                    "accounts": [{"id": ACCOUNT, "parent": "root", "scps": [{"name": "FullAWSAccess",
                        "document": doc(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))}], "rcps": []}]}),
            ),
        ]
    };
    let region = |r: &str| Options {
        region: Some(r.into()),
        ..Options::default()
    };
    let inside = reach_with(files(), "user/alice", &region("eu-west-1"));
    // exec is admin itself (the probes carry the region too), one hop away.
    assert_eq!(
        admins(&inside),
        [(iam("role/exec"), vec!["lambda-create-invoke".to_string()])]
    );
    let outside = reach_with(files(), "user/alice", &region("ap-south-1"));
    assert_eq!(admins(&outside), []);
}

/// F5: the caller of `sts:AssumeRole` chooses the external ID (not a secret,
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html>),
/// the session name (`RoleSessionName`,
/// <https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html>) and the region it
/// calls, so a trust policy's conditions on them are met by choosing the value the trust wants,
/// a policy variable filled from the caller (`${aws:username}`). Keys AWS sets (`aws:SourceIp`)
/// and session tags (which need `sts:TagSession` too) are not chosen.
#[test]
fn f5_trust_conditions_on_keys_the_caller_sets_are_met_third_party_external_id() {
    let alice = || {
        principal(
            "users/alice.json",
            "user/alice",
            json!([{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]),
            json!({}),
        )
    };
    let trusting_alice = |condition: Value| {
        doc(
            json!([{"Effect": "Allow", "Principal": {"AWS": iam("user/alice")},
            "Action": "sts:AssumeRole", "Condition": condition}]),
        )
    };
    let reached = |condition: Value| {
        let r = reach(
            vec![alice(), admin_role("target", trusting_alice(condition))],
            "user/alice",
        );
        admins(&r)
    };
    let assumed = [(iam("role/target"), vec!["sts-assume-role".to_string()])];
    for condition in [
        json!({"StringEquals": {"sts:ExternalId": "partner-123"}}),
        json!({"StringLike": {"sts:RoleSessionName": "${aws:username}"}}),
        json!({"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}),
    ] {
        assert_eq!(reached(condition.clone()), assumed, "{condition}");
    }
    for condition in [
        json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
        json!({"StringEquals": {"aws:RequestTag/team": "ops"}}),
        json!({"StringEquals": {"sts:RoleSessionName": "${aws:PrincipalTag/none}"}}),
    ] {
        assert_eq!(reached(condition.clone()), [], "{condition}");
    }
}

/// F6: a trust policy may name a role session
/// (`arn:aws:sts::111122223333:assumed-role/b/ops-session`, role session principals,
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>),
/// and whoever assumes role b names the session (`RoleSessionName`,
/// <https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html>): alice, who can
/// become b, can become role c as b's session `ops-session`. A session of another role does
/// not let b in.
#[test]
fn f6_a_trust_naming_a_role_session_is_met_by_that_roles_node_sts_session_principals() {
    let files = |session_of: &str| {
        vec![
            principal(
                "users/alice.json",
                "user/alice",
                json!([{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]),
                json!({}),
            ),
            principal(
                "roles/b.json",
                "role/b",
                json!([{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]),
                json!({"trust_policy": doc(json!([{"Effect": "Allow",
                    "Principal": {"AWS": iam("user/alice")}, "Action": "sts:AssumeRole"}]))}),
            ),
            admin_role(
                "c",
                doc(json!([{"Effect": "Allow", "Principal": {"AWS":
                    format!("arn:aws:sts::{ACCOUNT}:assumed-role/{session_of}/ops-session")},
                    "Action": "sts:AssumeRole"}])),
            ),
        ]
    };
    let found = admins(&reach(files("b"), "user/alice"));
    assert_eq!(
        found.first(),
        Some(&(
            iam("role/c"),
            vec!["sts-assume-role".to_string(), "sts-assume-role".to_string()]
        )),
        "{found:?}"
    );
    assert_eq!(admins(&reach(files("other"), "user/alice")), []);
}

/// F10: `iam:PolicyARN` is the ARN of the managed policy an `iam:Attach*Policy` request
/// attaches (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PolicyARN>),
/// so an attacker allowed to attach only a customer-managed policy of the inventory that grants
/// everything becomes admin; one allowed to attach only a policy that does not grant everything
/// does not, even when an admin policy is in the inventory.
#[test]
fn f10_attaching_an_admin_customer_policy_the_policy_arn_condition_allows_ck_policyarn() {
    let policy = |name: &str, action: &str| {
        (
            format!("managed/{name}.json"),
            json!({"arn": iam(&format!("policy/{name}")),
                "document": doc(json!([{"Effect": "Allow", "Action": action, "Resource": "*"}]))}),
        )
    };
    let dev = |allowed: &str| {
        principal(
            "roles/dev.json",
            "role/dev",
            json!([{"Effect": "Allow", "Action": "iam:AttachRolePolicy", "Resource": iam("role/dev"),
                "Condition": {"ArnEquals": {"iam:PolicyARN": iam(&format!("policy/{allowed}"))}}}]),
            json!({"trust_policy": doc(json!([{"Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "sts:AssumeRole"}]))}),
        )
    };
    let files = vec![policy("power", "*"), policy("weak", "s3:*"), dev("power")];
    let found = admins(&reach(files, "role/dev"));
    assert_eq!(
        found,
        [(
            iam("role/dev"),
            vec!["iam-attach-role-policy-self".to_string()]
        )]
    );
    let files = vec![policy("power", "*"), policy("weak", "s3:*"), dev("weak")];
    assert_eq!(admins(&reach(files, "role/dev")), []);
}

/// F13: `ec2:RunInstances` is authorized on the instance and on the image, subnet, network
/// interface, security group and volume it uses
/// (<https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ExamplePolicies_EC2.html#iam-example-runinstances>),
/// so a user allowed it only on `instance/*` cannot launch an instance as a role; allowed it on
/// those resource types too (as AWS's example does), she can.
#[test]
fn f13_run_instances_needs_the_image_subnet_interface_group_and_volume_iam_example_runinstances() {
    let ec2admin = ec2_admin_role();
    let alice = |resources: Value| {
        principal(
            "users/alice.json",
            "user/alice",
            json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": iam("role/ec2admin")},
                {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": resources}]),
            json!({}),
        )
    };
    let only_instance = alice(json!("arn:aws:ec2:*:*:instance/*"));
    let found = admins(&reach(vec![ec2admin.clone(), only_instance], "user/alice"));
    assert_eq!(found, []);
    let every_type = alice(json!([
        "arn:aws:ec2:*:*:instance/*",
        "arn:aws:ec2:*::image/*",
        "arn:aws:ec2:*:*:subnet/*",
        "arn:aws:ec2:*:*:network-interface/*",
        "arn:aws:ec2:*:*:security-group/*",
        "arn:aws:ec2:*:*:volume/*"
    ]));
    let found = admins(&reach(vec![ec2admin, every_type], "user/alice"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, iam("role/ec2admin"));
    assert_eq!(found[0].1, ["ec2-run-instances-passrole"]);
}

/// F7: `iam:PassRole` carries `iam:AssociatedResourceArn`, the ARN of the resource the role is
/// associated with (an EC2 instance when passed to EC2,
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_AssociatedResourceArn>),
/// so PassRole allowed only for instances of the region reach works in lets alice launch one
/// as the role; allowed only for instances of another region, it does not.
#[test]
fn f7_pass_role_carries_the_instance_as_associated_resource_arn_ck_associatedresourcearn() {
    let ec2admin = ec2_admin_role();
    let alice = |region: &str| {
        principal(
            "users/alice.json",
            "user/alice",
            json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*", "Condition": {
                    "StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"},
                    "StringLike": {"iam:AssociatedResourceARN":
                        [format!("arn:aws:ec2:{region}:{ACCOUNT}:instance/*")]}}},
                {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"}]),
            json!({}),
        )
    };
    let found = admins(&reach(
        vec![ec2admin.clone(), alice("us-east-1")],
        "user/alice",
    ));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, iam("role/ec2admin"));
    let found = admins(&reach(vec![ec2admin, alice("eu-west-1")], "user/alice"));
    assert_eq!(found, []);
}

/// F14: a `Resource` naming what the caller may create through a policy variable
/// (`${aws:username}`, `${aws:PrincipalTag/team}`) admits the names the caller's own values
/// make (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>):
/// alice may create and invoke functions named `alice-*` (or `blue-*` by her tag), so she names
/// hers so and passes it the role. The attacker's default name matches neither.
#[test]
fn f14_a_resource_named_by_a_policy_variable_takes_the_callers_values_reference_policies_variables()
{
    for (resource, extra) in [
        ("arn:aws:lambda:*:*:function:${aws:username}-*", json!({})),
        (
            "arn:aws:lambda:*:*:function:${aws:PrincipalTag/team}-*",
            json!({"tags": {"team": "blue"}}),
        ),
    ] {
        let files = vec![
            admin_role("exec", service_trust("lambda.amazonaws.com", json!({}))),
            principal(
                "users/alice.json",
                "user/alice",
                json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": iam("role/exec")},
                    {"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:InvokeFunction"],
                        "Resource": resource}]),
                extra,
            ),
        ];
        let found = admins(&reach(files, "user/alice"));
        assert_eq!(found.len(), 1, "{resource}: {found:?}");
        assert_eq!(found[0].0, iam("role/exec"));
    }
}

/// F14, the tag side: a create allowed only when the request tags the resource with the
/// caller's own tag (ABAC, `aws:RequestTag/team` = `${aws:PrincipalTag/team}`,
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/introduction_attribute-based-access-control.html>)
/// is met by tagging it so, where tagging on create is allowed too (`lambda:TagResource`,
/// <https://docs.aws.amazon.com/lambda/latest/dg/configuration-tags.html>). A request passes
/// tags only when its action takes them (`lambda:CreateFunction` does, `lambda:InvokeFunction`
/// does not: Service Authorization Reference), so the same condition on the invoke is never
/// met, and there is no path.
#[test]
fn f14_a_request_tag_named_by_a_policy_variable_takes_the_callers_values_abac() {
    let abac = json!({"StringEquals": {"aws:RequestTag/team": "${aws:PrincipalTag/team}"}});
    let alice = |invoke_needs_the_tag: bool, may_tag: bool| {
        let create = if may_tag {
            json!(["lambda:CreateFunction", "lambda:TagResource"])
        } else {
            json!("lambda:CreateFunction")
        };
        let invoke = if invoke_needs_the_tag {
            json!({"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*",
                "Condition": abac.clone()})
        } else {
            json!({"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*"})
        };
        principal(
            "users/alice.json",
            "user/alice",
            json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": iam("role/exec")},
                {"Effect": "Allow", "Action": create, "Resource": "*",
                    "Condition": abac.clone()},
                invoke]),
            json!({"tags": {"team": "blue"}}),
        )
    };
    let exec = || admin_role("exec", service_trust("lambda.amazonaws.com", json!({})));
    let found = admins(&reach(vec![exec(), alice(false, true)], "user/alice"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, iam("role/exec"));
    let found = admins(&reach(vec![exec(), alice(true, true)], "user/alice"));
    assert_eq!(found, [], "the invoke carries no tag");
    let found = admins(&reach(vec![exec(), alice(false, false)], "user/alice"));
    assert_eq!(found, [], "tagging on create needs lambda:TagResource");
}

/// F15: what a technique creates is one resource, named once: a create allowed only on
/// `function:app-*` and an invoke only on `function:other-*` name no one function, so there
/// is no path.
#[test]
fn f15_the_requests_of_a_technique_name_one_created_resource() {
    let alice = |invoke: &str| {
        principal(
            "users/alice.json",
            "user/alice",
            json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": iam("role/exec")},
                {"Effect": "Allow", "Action": "lambda:CreateFunction",
                    "Resource": "arn:aws:lambda:*:*:function:app-*"},
                {"Effect": "Allow", "Action": ["lambda:InvokeFunction", "lambda:AddPermission"],
                    "Resource": invoke}]),
            json!({}),
        )
    };
    let exec = || admin_role("exec", service_trust("lambda.amazonaws.com", json!({})));
    let found = admins(&reach(
        vec![exec(), alice("arn:aws:lambda:*:*:function:other-*")],
        "user/alice",
    ));
    assert_eq!(found, [], "no function is both app-* and other-*");
    let found = admins(&reach(
        vec![exec(), alice("arn:aws:lambda:*:*:function:app-x*")],
        "user/alice",
    ));
    assert_eq!(found.len(), 1, "app-x... is both: {found:?}");
}

/// F15, the pass side: `iam:PassRole` names the function the role goes to as
/// `iam:AssociatedResourceArn`, the one the technique creates; a PassRole allowed for
/// `function:app-*` only is met by naming the function so.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_AssociatedResourceArn>
#[test]
fn f15_pass_role_names_the_created_resource_as_its_associated_resource() {
    let alice = |associated: &str| {
        principal(
            "users/alice.json",
            "user/alice",
            json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": iam("role/exec"),
                    "Condition": {"StringLike": {"iam:AssociatedResourceArn": associated}}},
                {"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:InvokeFunction"],
                    "Resource": "arn:aws:lambda:*:*:function:app-*"}]),
            json!({}),
        )
    };
    let exec = || admin_role("exec", service_trust("lambda.amazonaws.com", json!({})));
    let found = admins(&reach(
        vec![exec(), alice("arn:aws:lambda:*:*:function:app-*")],
        "user/alice",
    ));
    assert_eq!(found.len(), 1, "{found:?}");
    let found = admins(&reach(
        vec![exec(), alice("arn:aws:lambda:*:*:function:other-*")],
        "user/alice",
    ));
    assert_eq!(found, [], "the function is app-*, the pass is for other-*");
}

/// F15, existing resources: the function whose role is swapped is the one whose code is
/// replaced, so allowing each on a different function makes no path.
#[test]
fn f15_requests_on_an_existing_resource_use_the_same_one() {
    let function = |name: &str| format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}");
    let files = |code_on: &str| {
        vec![
            admin_role("exec", service_trust("lambda.amazonaws.com", json!({}))),
            (
                "resources/a.json".to_string(),
                json!({"arn": function("a"), "account": ACCOUNT}),
            ),
            (
                "resources/b.json".to_string(),
                json!({"arn": function("b"), "account": ACCOUNT}),
            ),
            principal(
                "users/alice.json",
                "user/alice",
                json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": iam("role/exec")},
                    {"Effect": "Allow", "Action": "lambda:UpdateFunctionConfiguration",
                        "Resource": function("a")},
                    {"Effect": "Allow", "Action": "lambda:UpdateFunctionCode",
                        "Resource": function(code_on)}]),
                json!({}),
            ),
        ]
    };
    let found = admins(&reach(files("b"), "user/alice"));
    assert_eq!(found, [], "the role goes to a, the code to b");
    let found = admins(&reach(files("a"), "user/alice"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, ["lambda-update-code-and-role"]);
}

/// F15, what the attacker cannot name: a function that exists already cannot be created again
/// under its name, and an instance's id is AWS's to assign
/// (<https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html>). A trust that
/// admits only such a name as `aws:SourceArn` is not met; one admitting a pattern is.
#[test]
fn f15_a_name_that_exists_or_that_aws_assigns_is_not_the_attackers() {
    let source = |arn: String| json!({"ArnLike": {"aws:SourceArn": arn}});
    let function = |name: &str| format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}");
    let lambda_alice = principal(
        "users/alice.json",
        "user/alice",
        json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
            {"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:InvokeFunction"],
                "Resource": "*"}]),
        json!({}),
    );
    let exec = admin_role(
        "exec",
        service_trust("lambda.amazonaws.com", source(function("prod"))),
    );
    let prod = (
        "resources/prod.json".to_string(),
        json!({"arn": function("prod"), "account": ACCOUNT}),
    );
    let found = admins(&reach(
        vec![exec.clone(), prod, lambda_alice.clone()],
        "user/alice",
    ));
    assert_eq!(found, [], "function:prod exists");
    let found = admins(&reach(vec![exec, lambda_alice], "user/alice"));
    assert_eq!(
        found.len(),
        1,
        "no function:prod in the inventory: {found:?}"
    );

    let instance = |id: &str| format!("arn:aws:ec2:us-east-1:{ACCOUNT}:instance/{id}");
    let ec2_alice = principal(
        "users/alice.json",
        "user/alice",
        json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
            {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"}]),
        json!({}),
    );
    for (id, paths) in [("i-0abc", 0), ("i-*", 1)] {
        let (path, mut role) = admin_role(
            "ec2admin",
            service_trust("ec2.amazonaws.com", source(instance(id))),
        );
        role["instance_profile_arns"] = json!([iam("instance-profile/ec2admin")]);
        let found = admins(&reach(vec![(path, role), ec2_alice.clone()], "user/alice"));
        assert_eq!(found.len(), paths, "instance/{id}: {found:?}");
    }
}

/// F15, many existing resources: every function is a choice, however many the inventory holds
/// (the one allowed is the last of a hundred).
#[test]
fn f15_every_existing_resource_is_a_choice() {
    let function = |i: usize| format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:f{i:03}");
    let mut files: Vec<(String, Value)> = (0..100)
        .map(|i| {
            (
                format!("resources/f{i:03}.json"),
                json!({"arn": function(i), "account": ACCOUNT}),
            )
        })
        .collect();
    files.push(admin_role(
        "exec",
        service_trust("lambda.amazonaws.com", json!({})),
    ));
    files.push(principal(
        "users/alice.json",
        "user/alice",
        json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": iam("role/exec")},
            {"Effect": "Allow", "Action": ["lambda:UpdateFunctionConfiguration",
                "lambda:UpdateFunctionCode"], "Resource": function(99)}]),
        json!({}),
    ));
    let found = admins(&reach(files, "user/alice"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, ["lambda-update-code-and-role"]);
}

/// An admin role `exec` Lambda may assume for functions named as `source` (a pattern).
fn lambda_exec_for(source: &str) -> (String, Value) {
    let source = format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{source}");
    admin_role(
        "exec",
        service_trust(
            "lambda.amazonaws.com",
            json!({"ArnLike": {"aws:SourceArn": source}}),
        ),
    )
}

/// The permissions boundary `policy/boundary` with `statements`.
fn boundary_policy(statements: Value) -> (String, Value) {
    (
        "managed/boundary.json".to_string(),
        json!({"arn": iam("policy/boundary"), "document": doc(statements)}),
    )
}

/// An organisation whose root has FullAWSAccess and an SCP `Guard` of `statements`, the
/// account directly under it.
fn guarded_organization(statements: Value) -> (String, Value) {
    let full = json!({"name": "FullAWSAccess",
        "document": doc(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))});
    let guard = json!({"name": "Guard", "document": doc(statements)});
    (
        "organization.json".to_string(),
        json!({"management_account": "999988887777",
            "root": {"scps": [full, guard], "rcps": []}, "ous": [],
            "accounts": [{"id": ACCOUNT, "parent": "root", "scps": [full], "rcps": []}]}),
    )
}

/// F15, two patterns that meet: a create allowed on `function:app-*` and an invoke on
/// `function:*-prod` both admit `function:app-prod`, as does a trust admitting `*-prod` as
/// `aws:SourceArn` for a create and invoke allowed on `app-*`.
#[test]
fn f15_a_name_two_patterns_both_admit_is_found() {
    let pattern = |name: &str| format!("arn:aws:lambda:*:*:function:{name}");
    let alice = |create: &str, invoke: &str| {
        principal(
            "users/alice.json",
            "user/alice",
            json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": iam("role/exec")},
                {"Effect": "Allow", "Action": "lambda:CreateFunction", "Resource": pattern(create)},
                {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": pattern(invoke)}]),
            json!({}),
        )
    };
    let open = || admin_role("exec", service_trust("lambda.amazonaws.com", json!({})));
    let found = admins(&reach(vec![open(), alice("app-*", "*-prod")], "user/alice"));
    assert_eq!(found.len(), 1, "{found:?}");
    let found = admins(&reach(
        vec![open(), alice("app-*", "*-dev-x")],
        "user/alice",
    ));
    assert_eq!(found.len(), 1, "app-dev-x: {found:?}");
    let guarded = || lambda_exec_for("*-prod");
    let found = admins(&reach(
        vec![guarded(), alice("app-*", "app-*")],
        "user/alice",
    ));
    assert_eq!(found.len(), 1, "app-prod: {found:?}");
    let found = admins(&reach(
        vec![guarded(), alice("app-*", "other-*")],
        "user/alice",
    ));
    assert_eq!(found, [], "no name is app-*, other-* and *-prod");
}

/// F19, a name where AWS assigns the value: EC2 gives an instance the id `i-` and hex
/// (<https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html>), which the
/// attacker cannot choose. `instance/app-*` admits no instance, nor does a trust admitting
/// `instance/*-prod` as `aws:SourceArn`; `instance/*` and `instance/i-*` admit every one, and
/// `instance/i-0*` one in 16, met by launching again. (Until session 13 any name with a
/// wildcard there was taken: a false path through `app-...-prod`.)
#[test]
fn f19_an_id_aws_assigns_is_met_only_by_a_wildcard() {
    let found_with = |instance: &str, trusted: Option<&str>| {
        let condition = match trusted {
            Some(t) => {
                json!({"ArnLike": {"aws:SourceArn": format!("arn:aws:ec2:us-east-1:{ACCOUNT}:{t}")}})
            }
            None => json!({}),
        };
        let (path, mut role) =
            admin_role("ec2admin", service_trust("ec2.amazonaws.com", condition));
        role["instance_profile_arns"] = json!([iam("instance-profile/ec2admin")]);
        let alice = principal(
            "users/alice.json",
            "user/alice",
            json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
                {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": [
                    format!("arn:aws:ec2:*:*:{instance}"),
                    "arn:aws:ec2:*::image/*",
                    "arn:aws:ec2:*:*:subnet/*",
                    "arn:aws:ec2:*:*:network-interface/*",
                    "arn:aws:ec2:*:*:security-group/*",
                    "arn:aws:ec2:*:*:volume/*"]}]),
            json!({}),
        );
        admins(&reach(vec![(path, role), alice], "user/alice"))
    };
    for (instance, trusted) in [
        ("instance/*", None),
        ("instance/i-*", None),
        // AWS assigns an id starting `0` once in 16 launches, or more: the attacker launches
        // until it gets one (until session 14, taken as no path). A `?` there is a hex digit
        // (until session 14, `x`: no path).
        ("instance/i-0*", None),
        ("instance/i-?0*", None),
        // A wildcard covering the template's `i` or `instance` (found by review: no path).
        ("instance/*-0*", None),
        ("*/i-0*", None),
        ("instance/i-0ab*", None),
        ("instance/*", Some("instance/*")),
        ("instance/i-*", Some("instance/*")),
        ("instance/*", Some("instance/i-*")),
    ] {
        let found = found_with(instance, trusted);
        assert_eq!(found.len(), 1, "{instance} {trusted:?}: {found:?}");
        assert_eq!(found[0].1, ["ec2-run-instances-passrole"]);
    }
    for (instance, trusted) in [
        ("instance/app-*", None),
        // Four hex digits: once in 65,536 launches, past what an attacker is taken to afford.
        ("instance/i-0abc*", None),
        ("instance/i-x*", None),
        ("instance/app-*", Some("instance/*-prod")),
        ("instance/*", Some("instance/*-prod")),
        ("instance/i-*", Some("instance/app-*")),
    ] {
        assert_eq!(found_with(instance, trusted), [], "{instance} {trusted:?}");
    }
    // A Deny on every id (`instance/i-*`) meets the instance the attacker launches: the name
    // tried carries the `i-` AWS gives (found by review: `instance/iamsim-reach` slipped past).
    let (path, mut role) = admin_role("ec2admin", service_trust("ec2.amazonaws.com", json!({})));
    role["instance_profile_arns"] = json!([iam("instance-profile/ec2admin")]);
    let alice = principal(
        "users/alice.json",
        "user/alice",
        json!([{"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"},
            {"Effect": "Deny", "Action": "ec2:RunInstances", "Resource": "arn:aws:ec2:*:*:instance/i-*"}]),
        json!({}),
    );
    let found = admins(&reach(vec![(path, role), alice], "user/alice"));
    assert_eq!(found, [], "every instance id starts with i-");
}

/// F19, a task definition's revision is a number AWS gives in order (1 for a new family, one
/// more per registration), not a random id: RunTask allowed on `task-definition/app-*` is met
/// by registering a family `app-...` (found by review: the revision was taken as assigned).
#[test]
fn f19_a_task_definition_revision_is_the_attackers_to_reach() {
    let (path, role) = admin_role("task", service_trust("ecs-tasks.amazonaws.com", json!({})));
    let alice = principal(
        "users/alice.json",
        "user/alice",
        json!([{"Effect": "Allow", "Action": ["iam:PassRole", "ecs:RegisterTaskDefinition"], "Resource": "*"},
            {"Effect": "Allow", "Action": "ecs:RunTask",
                "Resource": "arn:aws:ecs:*:*:task-definition/app-*"}]),
        json!({}),
    );
    let found = admins(&reach(vec![(path, role), alice], "user/alice"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, ["ecs-register-task-definition-run-task"]);
}

/// F15, every source at once: a create allowed on `function:app-*`, an invoke on
/// `function:*-prod`, a PassRole whose `iam:AssociatedResourceArn` is `function:*-x-*` and a
/// trust admitting `function:*x*` as `aws:SourceArn` all admit `function:app-x-prod`, which no
/// two of them make on their own.
#[test]
fn f15_a_name_every_pattern_admits_is_found() {
    let pattern = |name: &str| format!("arn:aws:lambda:*:*:function:{name}");
    let alice = |associated: &str| {
        principal(
            "users/alice.json",
            "user/alice",
            json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": iam("role/exec"),
                    "Condition": {"StringLike": {"iam:AssociatedResourceArn": pattern(associated)}}},
                {"Effect": "Allow", "Action": "lambda:CreateFunction", "Resource": pattern("app-*")},
                {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": pattern("*-prod")}]),
            json!({}),
        )
    };
    let open = || admin_role("exec", service_trust("lambda.amazonaws.com", json!({})));
    let found = admins(&reach(vec![open(), alice("*-x-*")], "user/alice"));
    assert_eq!(found.len(), 1, "app-x-prod: {found:?}");
    let found = admins(&reach(
        vec![lambda_exec_for("*y*"), alice("*-x-*")],
        "user/alice",
    ));
    assert_eq!(found.len(), 1, "app-x-yprod, say: {found:?}");
    let found = admins(&reach(vec![open(), alice("*-x")], "user/alice"));
    assert_eq!(found, [], "no name ends in both -x and -prod");
    let found = admins(&reach(
        vec![lambda_exec_for("dev-*"), alice("*-x-*")],
        "user/alice",
    ));
    assert_eq!(found, [], "no name starts with both app- and dev-");
    // An invoke allowed on `other-*` and, by another statement, on any function: the name
    // need not be `other-...`.
    let (path, mut user) = alice("*-x-*");
    user["inline_policies"]["p"]["Statement"][2]["Resource"] = json!(pattern("other-*"));
    user["inline_policies"]["q"] = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*"}]});
    let found = admins(&reach(vec![open(), (path, user)], "user/alice"));
    assert_eq!(found.len(), 1, "app-x-...: {found:?}");
    // A PassRole for `other-*` and, by another statement, for any function: `app-prod`.
    let (path, mut user) = alice("other-*");
    user["inline_policies"]["q"] = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": iam("role/exec")}]});
    let found = admins(&reach(vec![open(), (path, user)], "user/alice"));
    assert_eq!(found.len(), 1, "app-prod: {found:?}");
}

/// F15, a guardrail naming what may be created: a Deny on every function but `team-*`
/// (`NotResource`) leaves the attacker the names `team-...`, so the path is there.
#[test]
fn f15_a_deny_on_every_other_name_leaves_the_names_it_spares() {
    let statements = |allowed: &str| {
        json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": iam("role/exec")},
            {"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:InvokeFunction"],
                "Resource": allowed},
            {"Effect": "Deny", "Action": "lambda:*",
                "NotResource": "arn:aws:lambda:*:*:function:team-*"}])
    };
    let open = || admin_role("exec", service_trust("lambda.amazonaws.com", json!({})));
    for (allowed, paths) in [("*", 1), ("arn:aws:lambda:*:*:function:app-*", 0)] {
        let alice = principal(
            "users/alice.json",
            "user/alice",
            statements(allowed),
            json!({}),
        );
        let found = admins(&reach(vec![open(), alice], "user/alice"));
        assert_eq!(found.len(), paths, "allowed on {allowed}: {found:?}");
    }
}

/// F15, limits outside the attacker's own policies: a permissions boundary allowing Lambda on
/// `function:team-*` only, and an SCP denying Lambda on every function but `team-*`, each
/// leave the names `team-...`.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html>
#[test]
fn f15_a_boundary_or_scp_naming_what_may_be_created_leaves_those_names() {
    let team = "arn:aws:lambda:*:*:function:team-*";
    let alice = principal(
        "users/alice.json",
        "user/alice",
        json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": iam("role/exec")},
            {"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:InvokeFunction"],
                "Resource": "*"}]),
        json!({"permissions_boundary_arn": iam("policy/boundary")}),
    );
    let boundary = boundary_policy(json!([
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
            {"Effect": "Allow", "Action": "lambda:*", "Resource": team}]));
    let open = || admin_role("exec", service_trust("lambda.amazonaws.com", json!({})));
    let found = admins(&reach(vec![open(), alice.clone(), boundary], "user/alice"));
    assert_eq!(found.len(), 1, "team-... under the boundary: {found:?}");

    let full = json!({"name": "FullAWSAccess",
        "document": doc(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))});
    let guard = json!({"name": "TeamFunctionsOnly", "document": doc(json!([
        {"Effect": "Deny", "Action": "lambda:*", "NotResource": team}]))});
    let organization = (
        "organization.json".to_string(),
        json!({"management_account": "999988887777",
            "root": {"scps": [full], "rcps": []},
            "ous": [{"id": "ou-ab12-workloads", "parent": "root", "scps": [full, guard], "rcps": []}],
            "accounts": [{"id": ACCOUNT, "parent": "ou-ab12-workloads", "scps": [full], "rcps": []}]}),
    );
    let (path, mut user) = alice;
    user["permissions_boundary_arn"] = Value::Null;
    let found = admins(&reach(
        vec![open(), (path, user), organization],
        "user/alice",
    ));
    assert_eq!(found.len(), 1, "team-... under the SCP: {found:?}");
}

/// F15, a created resource only one request names: `agentcore-runtime-create-invoke` creates a
/// workload identity of its own name once. A boundary allowing AgentCore only on `team-*` names
/// is met by naming it and the runtime `team-...`. F19: a runtime's id is its name, `-` and ten
/// characters AWS picks (`CreateAgentRuntime` returns `agentRuntimeId`), so a boundary allowing
/// only `runtime/*-prod` admits no runtime the attacker creates and invokes (until session 13,
/// the invoke named the runtime apart from its id: a false path).
#[test]
fn f15_a_boundary_limits_a_resource_one_request_names() {
    let agentcore = "arn:aws:bedrock-agentcore:*:*";
    let alice = principal(
        "users/alice.json",
        "user/alice",
        json!([{"Effect": "Allow", "Action": ["iam:PassRole", "bedrock-agentcore:*"], "Resource": "*"}]),
        json!({"permissions_boundary_arn": iam("policy/boundary")}),
    );
    let boundary = |names: &str| {
        boundary_policy(json!([
                {"Effect": "Allow", "Action": ["iam:PassRole", "bedrock-agentcore:CreateAgentRuntime"],
                    "Resource": "*"},
                {"Effect": "Allow", "Action": "bedrock-agentcore:*", "Resource": [
                    format!("{agentcore}:runtime/{names}"),
                    format!("{agentcore}:workload-identity-directory/default/workload-identity/{names}")]}]))
    };
    let exec = || {
        admin_role(
            "exec",
            service_trust("bedrock-agentcore.amazonaws.com", json!({})),
        )
    };
    let found = admins(&reach(
        vec![exec(), alice.clone(), boundary("team*")],
        "user/alice",
    ));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, ["agentcore-runtime-create-invoke"]);
    let found = admins(&reach(
        vec![exec(), alice.clone(), boundary("*-prod")],
        "user/alice",
    ));
    assert_eq!(found, [], "no runtime id ends in -prod");
    // A runtime name has no `-`: in `app-x...` the `x` is AWS's first random character, met
    // once in 62 creates of a runtime named `app` (a path); `app-xyz...` once in 238,328,
    // past the creates an attacker is taken to afford (`names.rs`, `MAX_TRIES`).
    for (names, paths) in [("app-x*", 1), ("app-xyz*", 0), ("my-agent*", 0)] {
        let found = admins(&reach(
            vec![exec(), alice.clone(), boundary(names)],
            "user/alice",
        ));
        assert_eq!(found.len(), paths, "runtime/{names}: {found:?}");
    }
    // The endpoint created on any runtime, the invoke only on `*-prod`: one runtime both.
    let split = boundary_policy(json!([
        {"Effect": "Allow", "Action": ["iam:PassRole", "bedrock-agentcore:CreateAgentRuntime",
            "bedrock-agentcore:CreateAgentRuntimeEndpoint", "bedrock-agentcore:CreateWorkloadIdentity"],
            "Resource": "*"},
        {"Effect": "Allow", "Action": "bedrock-agentcore:InvokeAgentRuntime",
            "Resource": format!("{agentcore}:runtime/*-prod")}]));
    let found = admins(&reach(vec![exec(), alice, split], "user/alice"));
    assert_eq!(
        found,
        [],
        "the invoked runtime is the one created: {found:?}"
    );
}

/// F16, a guardrail on what the attacker puts in its request: an SCP denying
/// `lambda:CreateFunction` where `lambda:VpcIds` is `Null` (functions must be in a VPC) is met
/// by creating the function in a VPC, and a boundary allowing only creates in a VPC likewise.
/// Tags are not lifted so: tagging on create needs `lambda:TagResource` too
/// (<https://docs.aws.amazon.com/lambda/latest/dg/configuration-tags.html>), and session tags on
/// `sts:AssumeRole` need `sts:TagSession`.
/// <https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html>
#[test]
fn f16_a_guardrail_on_the_keys_the_attacker_sets_is_met_by_setting_them() {
    let alice = |create_condition: Value| {
        principal(
            "users/alice.json",
            "user/alice",
            json!([{"Effect": "Allow", "Action": ["iam:PassRole", "lambda:InvokeFunction"], "Resource": "*"},
                {"Effect": "Allow", "Action": "lambda:CreateFunction", "Resource": "*",
                    "Condition": create_condition}]),
            json!({}),
        )
    };
    let organization = |key: &str| {
        guarded_organization(json!([
            {"Effect": "Deny", "Action": "lambda:CreateFunction", "Resource": "*",
                "Condition": {"Null": {key: "true"}}}]))
    };
    let exec = || admin_role("exec", service_trust("lambda.amazonaws.com", json!({})));
    let found = admins(&reach(
        vec![exec(), alice(json!({})), organization("lambda:VpcIds")],
        "user/alice",
    ));
    assert_eq!(found.len(), 1, "in a VPC: {found:?}");
    // Allowed to create only outside a VPC: the SCP leaves no way.
    let outside = json!({"Null": {"lambda:VpcIds": "true"}});
    let found = admins(&reach(
        vec![exec(), alice(outside), organization("lambda:VpcIds")],
        "user/alice",
    ));
    assert_eq!(found, [], "{found:?}");
    // A tag is not given: alice may not `lambda:TagResource`.
    let found = admins(&reach(
        vec![
            exec(),
            alice(json!({})),
            organization("aws:RequestTag/team"),
        ],
        "user/alice",
    ));
    assert_eq!(
        found,
        [],
        "tagging on create needs lambda:TagResource: {found:?}"
    );
    // A boundary allowing creates in a VPC only.
    let (path, mut user) = alice(json!({}));
    user["permissions_boundary_arn"] = json!(iam("policy/boundary"));
    let boundary = boundary_policy(json!([
            {"Effect": "Allow", "Action": ["iam:PassRole", "lambda:InvokeFunction"], "Resource": "*"},
            {"Effect": "Allow", "Action": "lambda:CreateFunction", "Resource": "*",
                "Condition": {"Null": {"lambda:VpcIds": "false"}}}]));
    let found = admins(&reach(vec![exec(), (path, user), boundary], "user/alice"));
    assert_eq!(found.len(), 1, "in a VPC under the boundary: {found:?}");
}

/// F16, no session tag without `sts:TagSession`: an identity Deny on `sts:AssumeRole` without
/// an `aws:RequestTag/project` (or an `sts:SourceIdentity`) is not met, as passing either needs
/// an action the technique does not ask.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>
#[test]
fn f16_a_deny_wanting_session_tags_is_not_met_without_tag_session() {
    for key in ["aws:RequestTag/project", "sts:SourceIdentity"] {
        let alice = principal(
            "users/alice.json",
            "user/alice",
            json!([{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},
                {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*",
                    "Condition": {"Null": {key: "true"}}}]),
            json!({}),
        );
        let trust = doc(json!([{"Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "sts:AssumeRole"}]));
        let found = admins(&reach(
            vec![admin_role("target", trust.clone()), alice],
            "user/alice",
        ));
        assert_eq!(found, [], "{key}: {found:?}");
        // Nor a boundary allowing the assume only with one.
        let alice = principal(
            "users/alice.json",
            "user/alice",
            json!([{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]),
            json!({"permissions_boundary_arn": iam("policy/boundary")}),
        );
        let boundary = boundary_policy(json!([{"Effect": "Allow", "Action": "sts:AssumeRole",
            "Resource": "*", "Condition": {"StringEquals": {key: "x"}}}]));
        let found = admins(&reach(
            vec![admin_role("target", trust), alice, boundary],
            "user/alice",
        ));
        assert_eq!(found, [], "{key} under the boundary: {found:?}");
    }
}

/// F15, a `*` among other patterns: a create allowed on a layer pattern and `*` admits any
/// function, so with an invoke on `*-prod` and a boundary on `app-*` the name `app-prod` is
/// still found.
#[test]
fn f15_a_star_among_patterns_leaves_the_name_free() {
    let alice = principal(
        "users/alice.json",
        "user/alice",
        json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
            {"Effect": "Allow", "Action": "lambda:CreateFunction",
                "Resource": ["arn:aws:lambda:*:*:layer:*", "*"]},
            {"Effect": "Allow", "Action": "lambda:InvokeFunction",
                "Resource": "arn:aws:lambda:*:*:function:*-prod"}]),
        json!({"permissions_boundary_arn": iam("policy/boundary")}),
    );
    let boundary = boundary_policy(json!([
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
            {"Effect": "Allow", "Action": "lambda:*", "Resource": "arn:aws:lambda:*:*:function:app-*"}]));
    let exec = admin_role("exec", service_trust("lambda.amazonaws.com", json!({})));
    let found = admins(&reach(vec![exec, alice, boundary], "user/alice"));
    assert_eq!(found.len(), 1, "app-prod: {found:?}");
}

/// F17, tag on create: an SCP denying `lambda:CreateFunction` without an `aws:RequestTag/team`
/// (a tag policy's usual guardrail) is met by tagging the function, when the attacker may tag
/// on create (`lambda:TagResource`, "to ... perform a tag on create":
/// <https://docs.aws.amazon.com/lambda/latest/dg/configuration-tags.html>); without it, f16
/// finds no path.
#[test]
fn f17_an_scp_requiring_a_tag_on_create_is_met_by_tagging() {
    let alice = principal(
        "users/alice.json",
        "user/alice",
        json!([{"Effect": "Allow", "Resource": "*", "Action": ["iam:PassRole",
            "lambda:InvokeFunction", "lambda:CreateFunction", "lambda:TagResource"]}]),
        json!({}),
    );
    let organization = guarded_organization(json!([
        {"Effect": "Deny", "Action": "lambda:CreateFunction", "Resource": "*",
            "Condition": {"Null": {"aws:RequestTag/team": "true"}}}]));
    let exec = admin_role("exec", service_trust("lambda.amazonaws.com", json!({})));
    let found = admins(&reach(vec![exec, alice, organization], "user/alice"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, iam("role/exec"));
}

/// F17, tags are one set: a request tagged `team` lists `team` in `aws:TagKeys`
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html#access_tags_control-requests>),
/// so an SCP allowing only the tag key `env` denies the create that an identity Allow wants
/// tagged `team`, and there is no path; allowing `team` too leaves one.
#[test]
fn f17_a_tag_chosen_for_an_allow_is_listed_in_the_tag_keys() {
    let alice = principal(
        "users/alice.json",
        "user/alice",
        json!([{"Effect": "Allow", "Action": ["iam:PassRole", "lambda:InvokeFunction"], "Resource": "*"},
            {"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:TagResource"],
                "Resource": "*", "Condition": {"StringEquals": {"aws:RequestTag/team": "red"}}}]),
        json!({}),
    );
    let organization = |keys: Value| {
        guarded_organization(json!([
            {"Effect": "Deny", "Action": "lambda:CreateFunction", "Resource": "*",
                "Condition": {"ForAnyValue:StringNotEquals": {"aws:TagKeys": keys}}}]))
    };
    let exec = || admin_role("exec", service_trust("lambda.amazonaws.com", json!({})));
    let found = admins(&reach(
        vec![exec(), alice.clone(), organization(json!(["env"]))],
        "user/alice",
    ));
    assert_eq!(found, [], "the tag key team is refused: {found:?}");
    let found = admins(&reach(
        vec![exec(), alice, organization(json!(["env", "team"]))],
        "user/alice",
    ));
    assert_eq!(found.len(), 1, "{found:?}");
}

/// An admin role Lambda may assume, and alice with `statements`.
fn lambda_case(statements: Value) -> Vec<(String, Value)> {
    vec![
        admin_role("exec", service_trust("lambda.amazonaws.com", json!({}))),
        principal("users/alice.json", "user/alice", statements, json!({})),
    ]
}

/// F17: a tag condition that a request without tags meets (`ForAllValues:` on `aws:TagKeys`,
/// a negated operator on `aws:RequestTag/*`) asks for no tag, so no tagging authorization:
/// a create in `vpc-1` without tags is allowed.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>
#[test]
fn f17_a_tag_condition_met_without_tags_asks_no_tag() {
    for tag_condition in [
        json!({"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}),
        json!({"StringNotEquals": {"aws:RequestTag/env": "prod"}}),
    ] {
        let mut condition = tag_condition.clone();
        condition["ForAnyValue:StringEquals"] = json!({"lambda:VpcIds": ["vpc-1"]});
        let files = lambda_case(json!([
            {"Effect": "Allow", "Action": ["iam:PassRole", "lambda:InvokeFunction"], "Resource": "*"},
            {"Effect": "Allow", "Action": "lambda:CreateFunction", "Resource": "*",
                "Condition": condition}]));
        let found = admins(&reach(files, "user/alice"));
        assert_eq!(found.len(), 1, "{tag_condition}: {found:?}");
    }
}

/// F17: two Denies on one tag, one wanting it present and one wanting it `red` or `blue`,
/// are both met by tagging it `red`, whatever their order.
#[test]
fn f17_two_denies_on_one_tag_are_met_by_one_value() {
    let present = json!({"Effect": "Deny", "Action": "lambda:CreateFunction", "Resource": "*",
        "Condition": {"Null": {"aws:RequestTag/team": "true"}}});
    let listed = json!({"Effect": "Deny", "Action": "lambda:CreateFunction", "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:RequestTag/team": ["red", "blue"]}}});
    for statements in [
        json!([present.clone(), listed.clone()]),
        json!([listed, present]),
    ] {
        let mut files = lambda_case(json!([{"Effect": "Allow", "Resource": "*", "Action": [
            "iam:PassRole", "lambda:InvokeFunction", "lambda:CreateFunction", "lambda:TagResource"]}]));
        files.push(guarded_organization(statements));
        let found = admins(&reach(files, "user/alice"));
        assert_eq!(found.len(), 1, "{found:?}");
    }
}

/// F17: condition key names, tag keys in them included, match ignoring case, so an Allow
/// wanting `aws:RequestTag/Team` = `red` and an SCP allowing only the tag key `team` are met
/// by one tag.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html>
#[test]
fn f17_tag_keys_match_ignoring_case() {
    let mut files = lambda_case(json!([
        {"Effect": "Allow", "Action": ["iam:PassRole", "lambda:InvokeFunction"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:TagResource"], "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestTag/Team": "red"}}}]));
    files.push(guarded_organization(json!([{"Effect": "Deny",
        "Action": "lambda:CreateFunction", "Resource": "*",
        "Condition": {"ForAllValues:StringNotEquals": {"aws:TagKeys": ["team"]}}}])));
    let found = admins(&reach(files, "user/alice"));
    assert_eq!(found.len(), 1, "{found:?}");
}

/// F17: a Deny escaped either by a tag or by a VPC is escaped by the VPC when the attacker may
/// not tag.
#[test]
fn f17_a_deny_escaped_by_a_tag_or_another_key_takes_the_other() {
    let mut files = lambda_case(json!([{"Effect": "Allow", "Resource": "*", "Action": [
        "iam:PassRole", "lambda:InvokeFunction", "lambda:CreateFunction"]}]));
    files.push(guarded_organization(json!([{"Effect": "Deny",
        "Action": "lambda:CreateFunction", "Resource": "*",
        "Condition": {"Null": {"aws:RequestTag/team": "true", "lambda:VpcIds": "true"}}}])));
    let found = admins(&reach(files, "user/alice"));
    assert_eq!(found.len(), 1, "{found:?}");
}

/// F17: the tagging request carries the tags, not the create's other parameters: an SCP
/// denying `lambda:TagResource` outside a VPC denies it, since a `TagResource` names no VPC
/// (Service Authorization Reference: its keys are the tag keys), and there is no path.
#[test]
fn f17_the_tagging_request_carries_the_tags_only() {
    let mut files = lambda_case(json!([{"Effect": "Allow", "Resource": "*", "Action": [
        "iam:PassRole", "lambda:InvokeFunction", "lambda:CreateFunction", "lambda:TagResource"]}]));
    files.push(guarded_organization(json!([
        {"Effect": "Deny", "Action": "lambda:CreateFunction", "Resource": "*",
            "Condition": {"Null": {"aws:RequestTag/team": "true"}}},
        {"Effect": "Deny", "Action": ["lambda:CreateFunction", "lambda:TagResource"], "Resource": "*",
            "Condition": {"Null": {"lambda:VpcIds": "true"}}}])));
    let found = admins(&reach(files, "user/alice"));
    assert_eq!(found, [], "{found:?}");
}

/// F16, session tags from an identity Allow: an Allow on `sts:AssumeRole` wanting
/// `aws:RequestTag/project` is not met without `sts:TagSession`, which the technique does not
/// ask. <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>
#[test]
fn f16_an_identity_allow_wanting_session_tags_is_not_met_without_tag_session() {
    let alice = principal(
        "users/alice.json",
        "user/alice",
        json!([{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestTag/project": "x"}}}]),
        json!({}),
    );
    let trust = doc(json!([{"Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "sts:AssumeRole"}]));
    let found = admins(&reach(
        vec![admin_role("target", trust), alice],
        "user/alice",
    ));
    assert_eq!(found, [], "{found:?}");
}

/// F18, tags on what the attacker creates (ABAC): an invoke allowed only on functions whose
/// `team` tag is the caller's own (`aws:ResourceTag/team` = `${aws:PrincipalTag/team}`) is met
/// by tagging the function so when creating it, where tagging on create is allowed
/// (`lambda:TagResource`); without it there is no path.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/introduction_attribute-based-access-control.html>
#[test]
fn f18_a_created_resource_is_tagged_as_later_requests_want() {
    let abac = json!({"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}});
    let alice = |may_tag: bool| {
        let create = if may_tag {
            json!(["lambda:CreateFunction", "lambda:TagResource"])
        } else {
            json!("lambda:CreateFunction")
        };
        principal(
            "users/alice.json",
            "user/alice",
            json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": iam("role/exec")},
                {"Effect": "Allow", "Action": create, "Resource": "*",
                    "Condition": {"StringEquals": {"aws:RequestTag/team": "${aws:PrincipalTag/team}"}}},
                {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*",
                    "Condition": abac.clone()}]),
            json!({"tags": {"team": "blue"}}),
        )
    };
    let exec = || admin_role("exec", service_trust("lambda.amazonaws.com", json!({})));
    let found = admins(&reach(vec![exec(), alice(true)], "user/alice"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, ["lambda-create-invoke"]);
    let found = admins(&reach(vec![exec(), alice(false)], "user/alice"));
    assert_eq!(
        found,
        [],
        "tagging on create needs lambda:TagResource: {found:?}"
    );
}

/// F17, tags chosen for one statement and lifted for another, each a missed path once (found
/// by a review): an Allow's tag condition met by absence (`...IfExists`, `ForAllValues:`, a
/// negated operator) with an SCP wanting the tag present; an Allow's placeholder or first value
/// with an SCP naming another; tag keys wanted by two statements; a Deny escaped by a tag or a
/// VPC with another Deny refusing every VPC but one. Alice may tag (`lambda:TagResource`); in
/// each, AWS allows a create with the right tags, so there is a path.
#[test]
fn f17_tags_meet_the_allow_and_the_guardrails_together() {
    let deny = |condition: Value| json!({"Effect": "Deny", "Action": "lambda:CreateFunction", "Resource": "*", "Condition": condition});
    let cases = [
        (
            json!({"Null": {"aws:RequestTag/team": "false", "lambda:VpcIds": "false"}}),
            vec![deny(
                json!({"StringNotEquals": {"aws:RequestTag/team": ["red"]}}),
            )],
        ),
        (
            json!({"StringEquals": {"aws:RequestTag/team": ["red", "blue"]}}),
            vec![deny(
                json!({"StringNotEquals": {"aws:RequestTag/team": ["blue"]}}),
            )],
        ),
        (
            json!({"StringEqualsIfExists": {"aws:RequestTag/team": "red"}}),
            vec![deny(json!({"Null": {"aws:RequestTag/team": "true"}}))],
        ),
        (
            json!({"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}),
            vec![deny(json!({"Null": {"aws:TagKeys": "true"}}))],
        ),
        (
            json!({"StringNotEquals": {"aws:RequestTag/env": "prod"}}),
            vec![deny(json!({"Null": {"aws:RequestTag/env": "true"}}))],
        ),
        (
            json!({"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}),
            vec![deny(
                json!({"ForAllValues:StringNotEquals": {"aws:TagKeys": ["cost"]}}),
            )],
        ),
        (
            json!({}),
            vec![
                deny(json!({"ForAllValues:StringNotEquals": {"aws:TagKeys": ["cost"]}})),
                deny(json!({"ForAllValues:StringNotEquals": {"aws:TagKeys": ["team"]}})),
            ],
        ),
        (
            json!({}),
            vec![
                deny(json!({"Null": {"aws:RequestTag/team": "true", "lambda:VpcIds": "true"}})),
                deny(json!({"ForAnyValue:StringNotEquals": {"lambda:VpcIds": ["vpc-approved"]}})),
            ],
        ),
    ];
    for (allow, guards) in cases {
        let mut files = lambda_case(json!([
            {"Effect": "Allow", "Action": ["iam:PassRole", "lambda:InvokeFunction", "lambda:TagResource"], "Resource": "*"},
            {"Effect": "Allow", "Action": "lambda:CreateFunction", "Resource": "*", "Condition": allow}]));
        files.push(guarded_organization(json!(guards)));
        let found = admins(&reach(files, "user/alice"));
        assert_eq!(found.len(), 1, "{allow} under {guards:?}: {found:?}");
    }
}

/// F17, a boundary with several ways through: one covering Allow wanting a tag (which alice
/// may not give, lacking `lambda:TagResource`) and one wanting a VPC; or one wanting a tag
/// (which she may give) and one on a key AWS sets that she does not meet
/// (`aws:PrincipalTag/admin`). Each level is passed through each of its covering Allows in
/// turn, so both have a path.
#[test]
fn f17_a_boundary_is_passed_through_any_of_its_allows() {
    let cases = [
        (
            json!(["iam:PassRole", "lambda:InvokeFunction"]),
            json!([
                {"Effect": "Allow", "Action": "lambda:CreateFunction", "Resource": "*",
                    "Condition": {"StringEquals": {"aws:RequestTag/team": "red"}}},
                {"Effect": "Allow", "Action": "lambda:CreateFunction", "Resource": "*",
                    "Condition": {"Null": {"lambda:VpcIds": "false"}}}]),
        ),
        (
            json!([
                "iam:PassRole",
                "lambda:InvokeFunction",
                "lambda:TagResource"
            ]),
            json!([
                {"Effect": "Allow", "Action": "lambda:*", "Resource": "*",
                    "Condition": {"StringEquals": {"aws:PrincipalTag/admin": "yes"}}},
                {"Effect": "Allow", "Action": "lambda:CreateFunction", "Resource": "*",
                    "Condition": {"StringEquals": {"aws:RequestTag/team": "red"}}}]),
        ),
    ];
    for (others, creates) in cases {
        let mut files = lambda_case(json!([{"Effect": "Allow", "Resource": "*",
            "Action": ["iam:PassRole", "lambda:InvokeFunction", "lambda:CreateFunction", "lambda:TagResource"]}]));
        if let Some((_, alice)) = files.get_mut(1) {
            alice["permissions_boundary_arn"] = json!(iam("policy/boundary"));
        }
        let mut statements = vec![json!({"Effect": "Allow", "Action": others, "Resource": "*"})];
        statements.extend(creates.as_array().cloned().unwrap_or_default());
        files.push(boundary_policy(json!(statements)));
        let found = admins(&reach(files, "user/alice"));
        assert_eq!(found.len(), 1, "{creates}: {found:?}");
    }
}

/// F19, an Auto Scaling group's id is a UUID, hex (found by review: one alphabet for every
/// `${Id}` let `autoScalingGroup:xyz*` admit the group the attacker creates); `0a*` admits one
/// group in 256.
#[test]
fn f19_an_auto_scaling_group_id_is_hex() {
    let found_with = |id: &str| {
        let (path, mut role) =
            admin_role("ec2admin", service_trust("ec2.amazonaws.com", json!({})));
        role["instance_profile_arns"] = json!([iam("instance-profile/ec2admin")]);
        let alice = principal(
            "users/alice.json",
            "user/alice",
            json!([{"Effect": "Allow", "Action": ["iam:PassRole", "ec2:CreateLaunchTemplate"], "Resource": "*"},
                {"Effect": "Allow", "Action": "autoscaling:CreateAutoScalingGroup",
                    "Resource": format!("arn:aws:autoscaling:*:*:autoScalingGroup:{id}:autoScalingGroupName/*")}]),
            json!({}),
        );
        admins(&reach(vec![(path, role), alice], "user/alice"))
    };
    for (id, paths) in [("*", 1), ("0a*", 1), ("xyz*", 0), ("g*", 0)] {
        let found = found_with(id);
        assert_eq!(found.len(), paths, "autoScalingGroup:{id}: {found:?}");
    }
}
