//! Importers end to end: Terraform plans and GAAD dumps in tests/fixtures/import/.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use std::path::PathBuf;

use iamsim::import::gaad::import_gaad;
use iamsim::import::terraform::{import_plan_str, TerraformOptions};
use iamsim::import::{detect, InputKind};
use serde_json::{json, Value};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn agents_options() -> TerraformOptions {
    TerraformOptions::default()
        .var("account_id", "111122223333")
        .var("full_aws_access", "true")
        .var("management_account", "999988887777")
        .var("parent.ou-ab12-workloads", "root")
        .var("parent.111122223333", "ou-ab12-workloads")
}

fn file<'a>(files: &'a std::collections::BTreeMap<PathBuf, Value>, path: &str) -> &'a Value {
    files
        .get(&PathBuf::from(path))
        .unwrap_or_else(|| panic!("no {path}"))
}

fn allow_all() -> Value {
    json!({"name": "FullAWSAccess", "document": {"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}})
}

#[test]
fn plan_lists_exactly_the_expected_files() {
    let imported = import_plan_str(
        &fixture("plan-agents.json"),
        "plan-agents.json",
        &agents_options(),
    )
    .unwrap();
    let names: Vec<String> = imported
        .files
        .keys()
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "managed/acme-dev-readonly.json",
            "organization.json",
            "resources/lambda-acme-dev-prompt-registry-live.json",
            "roles/acme-dev-agent-billing.json",
            "roles/acme-dev-agent-research.json",
        ]
    );
}

/// for_each module, unknown role ARN and ECR ARN resolved from names, role joined through
/// `aws_iam_role.this.id` in the same module instance, managed policy attached through a module
/// output, and the policy-document data source rebuilt with source/override merge.
#[test]
fn plan_agent_role_is_rebuilt_from_references() {
    let imported = import_plan_str(
        &fixture("plan-agents.json"),
        "plan-agents.json",
        &agents_options(),
    )
    .unwrap();
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "bedrock-agentcore.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    assert_eq!(
        file(&imported.files, "roles/acme-dev-agent-research.json"),
        &json!({
            "arn": "arn:aws:iam::111122223333:role/acme-dev-agent-research",
            "path": "/",
            "trust_policy": trust,
            "inline_policies": {"agent": {"Version": "2012-10-17", "Statement": [
                {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:PutLogEvents", "logs:CreateLogStream"],
                 "Resource": "arn:aws:logs:us-east-1:111122223333:log-group:/aws/bedrock-agentcore/acme-dev-agent-research*"},
                {"Sid": "EcrAuth", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
                {"Sid": "EcrPull", "Effect": "Allow", "Action": ["ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
                 "Resource": "arn:aws:ecr:us-east-1:111122223333:repository/acme-dev-research"},
                {"Sid": "Artifacts", "Effect": "Allow", "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::acme-dev-artifacts/${aws:PrincipalTag/agent}/*",
                 "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}}
            ]}},
            "managed_policy_arns": ["arn:aws:iam::111122223333:policy/acme-dev-readonly"],
            "permissions_boundary_arn": null,
            "tags": {"agent": "research"}
        })
    );
    let billing = file(&imported.files, "roles/acme-dev-agent-billing.json");
    assert_eq!(billing["managed_policy_arns"], json!([]));
    assert_eq!(
        billing.pointer("/inline_policies/agent/Statement/2/Resource"),
        Some(&json!(
            "arn:aws:ecr:us-east-1:111122223333:repository/acme-dev-billing"
        ))
    );
}

#[test]
fn plan_lambda_permission_becomes_a_function_policy_statement() {
    let imported = import_plan_str(
        &fixture("plan-agents.json"),
        "plan-agents.json",
        &agents_options(),
    )
    .unwrap();
    let arn = "arn:aws:lambda:us-east-1:111122223333:function:acme-dev-prompt-registry:live";
    assert_eq!(
        file(
            &imported.files,
            "resources/lambda-acme-dev-prompt-registry-live.json"
        ),
        &json!({"arn": arn, "aliases": [], "account": "111122223333", "tags": {},
            "policy": {"Version": "2012-10-17", "Id": "default", "Statement": [{
                "Sid": "AllowAgentCoreGateway", "Effect": "Allow",
                "Principal": {"Service": "bedrock-agentcore.amazonaws.com"},
                "Action": "lambda:InvokeFunction", "Resource": arn,
                "Condition": {
                    "ArnLike": {"AWS:SourceArn": "arn:aws:bedrock-agentcore:us-east-1:111122223333:gateway/*"},
                    "StringEquals": {"AWS:SourceAccount": "111122223333"}}}]}})
    );
}

#[test]
fn plan_scp_attachment_places_the_policy_at_its_level() {
    let imported = import_plan_str(
        &fixture("plan-agents.json"),
        "plan-agents.json",
        &agents_options(),
    )
    .unwrap();
    let deny = json!({"name": "DenyLeaveOrganization", "document": {"Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]}});
    assert_eq!(
        file(&imported.files, "organization.json"),
        &json!({
            "management_account": "999988887777",
            "root": {"scps": [allow_all()], "rcps": []},
            "ous": [{"id": "ou-ab12-workloads", "parent": "root", "scps": [allow_all(), deny], "rcps": []}],
            "accounts": [{"id": "111122223333", "parent": "ou-ab12-workloads", "scps": [allow_all()], "rcps": []}]
        })
    );
}

#[test]
fn plan_report_names_every_source_address() {
    let imported = import_plan_str(
        &fixture("plan-agents.json"),
        "plan-agents.json",
        &agents_options(),
    )
    .unwrap();
    assert_eq!(
        imported.report.to_string(),
        "managed/acme-dev-readonly.json: managed policy <- aws_iam_policy.readonly.policy
organization.json: SCP `DenyLeaveOrganization` at `ou-ab12-workloads` <- aws_organizations_policy_attachment.workloads
resources/lambda-acme-dev-prompt-registry-live.json: function policy statement <- aws_lambda_permission.gateway
roles/acme-dev-agent-billing.json: inline policy `agent` <- module.agent[\"billing\"].aws_iam_role_policy.this.policy
roles/acme-dev-agent-billing.json: role <- module.agent[\"billing\"].aws_iam_role.this
roles/acme-dev-agent-billing.json: trust policy <- module.agent[\"billing\"].aws_iam_role.this.assume_role_policy
roles/acme-dev-agent-research.json: inline policy `agent` <- module.agent[\"research\"].aws_iam_role_policy.this.policy
roles/acme-dev-agent-research.json: managed policy `arn:aws:iam::111122223333:policy/acme-dev-readonly` <- aws_iam_role_policy_attachment.research_readonly
roles/acme-dev-agent-research.json: role <- module.agent[\"research\"].aws_iam_role.this
roles/acme-dev-agent-research.json: trust policy <- module.agent[\"research\"].aws_iam_role.this.assume_role_policy
"
    );
}

#[test]
fn plan_without_account_or_organization_values_lists_them_all() {
    let err = import_plan_str(
        &fixture("plan-agents.json"),
        "plan-agents.json",
        &TerraformOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "`plan-agents.json`: 11 unresolved value(s): \
         `aws_iam_policy.readonly` arn (needs `account_id`); \
         `aws_iam_role_policy_attachment.research_readonly` policy_arn (needs `account_id`); \
         `aws_lambda_permission.gateway` function_name (needs `account_id`); \
         `module.agent[\"billing\"].aws_iam_role.this` arn (needs `account_id`); \
         `module.agent[\"billing\"].aws_iam_role_policy.this` policy (needs `account_id`); \
         `module.agent[\"research\"].aws_iam_role.this` arn (needs `account_id`); \
         `module.agent[\"research\"].aws_iam_role_policy.this` policy (needs `account_id`); \
         `organization` FullAWSAccess (needs `full_aws_access`); \
         `organization` account (needs `account_id`); \
         `organization` management_account (needs `management_account`); \
         `organization ou-ab12-workloads` parent (needs `parent.ou-ab12-workloads`); \
         give them with `--var KEY=VALUE`"
    );
}

#[test]
fn plan_with_unknown_names_fails_with_one_listing() {
    let err = import_plan_str(
        &fixture("plan-unresolved.json"),
        "plan-unresolved.json",
        &TerraformOptions::default()
            .var("account_id", "111122223333")
            .var("region", "us-east-1"),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "`plan-unresolved.json`: 5 unresolved value(s): \
         `aws_iam_role.app` arn (needs `aws_iam_role.app.name`); \
         `aws_iam_role.app` name (needs `aws_iam_role.app.name`); \
         `aws_iam_role_policy.app` policy (needs `aws_kms_key.data.key_id`); \
         `aws_iam_role_policy.app` role (needs `aws_iam_role.app.name`); \
         `aws_kms_key.data` arn (needs `aws_kms_key.data.key_id`); \
         give them with `--var KEY=VALUE`"
    );
}

#[test]
fn plan_unknowns_given_with_var_resolve() {
    let options = TerraformOptions::default()
        .var("account_id", "111122223333")
        .var("region", "us-east-1")
        .var("aws_iam_role.app.name", "app-20240101")
        .var(
            "aws_kms_key.data.key_id",
            "1234abcd-12ab-34cd-56ef-1234567890ab",
        );
    let imported = import_plan_str(
        &fixture("plan-unresolved.json"),
        "plan-unresolved.json",
        &options,
    )
    .unwrap();
    let key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    assert_eq!(
        file(&imported.files, "roles/app-20240101.json")["inline_policies"]["app"],
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "Decrypt", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": key}]})
    );
    assert_eq!(
        file(
            &imported.files,
            "resources/kms-1234abcd-12ab-34cd-56ef-1234567890ab.json"
        )["policy"],
        json!({"Version": "2012-10-17", "Id": "key-default-1", "Statement": [{"Sid": "Enable IAM User Permissions",
            "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]})
    );
}

#[test]
fn plan_var_naming_nothing_is_an_error() {
    let options = TerraformOptions::default().var("aws_iam_role.nope.name", "x");
    let err = import_plan_str(
        &fixture("plan-unresolved.json"),
        "plan-unresolved.json",
        &options,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown `--var` key `aws_iam_role.nope.name`: not one of `account_id`, `region`, `partition`, \
         `management_account`, `full_aws_access` or `parent.<id>`, and no resource in the plan has this address"
    );
}

#[test]
fn plan_major_version_2_is_rejected() {
    let err = import_plan_str(
        r#"{"format_version": "2.0", "planned_values": {}}"#,
        "p.json",
        &TerraformOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "`p.json` has terraform json `format_version` `2.0`; only 1.x is supported"
    );
}

#[test]
fn detect_tells_plans_and_gaad_apart() {
    let plan: Value = serde_json::from_str(&fixture("plan-agents.json")).unwrap();
    let gaad: Value = serde_json::from_str(&fixture("gaad-page2.json")).unwrap();
    assert_eq!(detect(&plan), InputKind::TerraformPlan);
    assert_eq!(detect(&gaad), InputKind::Gaad);
}

fn gaad() -> iamsim::import::Imported {
    import_gaad(&[
        ("gaad-page1.json", fixture("gaad-page1.json")),
        ("gaad-page2.json", fixture("gaad-page2.json")),
    ])
    .unwrap()
}

#[test]
fn gaad_pages_merge_into_one_inventory() {
    let names: Vec<String> = gaad()
        .files
        .keys()
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "groups/devs.json",
            "managed/ReadOnlyAccess.json",
            "managed/app-extra.json",
            "managed/boundary.json",
            "roles/app.json",
            "roles/ops.json",
            "users/alice.json",
        ]
    );
}

#[test]
fn gaad_objects_and_url_encoded_strings_read_alike() {
    let files = gaad().files;
    assert_eq!(
        file(&files, "roles/app.json"),
        &json!({"arn": "arn:aws:iam::111122223333:role/service/app", "path": "/service/",
            "trust_policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "inline_policies": {"s3-read": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-dev-artifacts/*"}]}},
            "managed_policy_arns": ["arn:aws:iam::111122223333:policy/app-extra"],
            "permissions_boundary_arn": null, "tags": {},
            "instance_profile_arns": ["arn:aws:iam::111122223333:instance-profile/app"]})
    );
    assert_eq!(
        file(&files, "roles/ops.json"),
        &json!({"arn": "arn:aws:iam::111122223333:role/ops", "path": "/",
            "trust_policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}]},
            "inline_policies": {}, "managed_policy_arns": [],
            "permissions_boundary_arn": "arn:aws:iam::111122223333:policy/boundary", "tags": {"team": "ops"}})
    );
    assert_eq!(
        file(&files, "managed/app-extra.json"),
        &json!({"arn": "arn:aws:iam::111122223333:policy/app-extra", "document": {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:111122223333:jobs"}]},
            "versions": [{"version_id": "v1", "document": {"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]}}]})
    );
}

#[test]
fn gaad_users_and_groups() {
    let files = gaad().files;
    assert_eq!(
        file(&files, "users/alice.json"),
        &json!({"arn": "arn:aws:iam::111122223333:user/alice", "path": "/",
            "inline_policies": {"own-keys": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Action": "iam:CreateAccessKey", "Resource": "arn:aws:iam::111122223333:user/${aws:username}"}]}},
            "managed_policy_arns": [], "groups": ["devs"],
            "permissions_boundary_arn": "arn:aws:iam::111122223333:policy/boundary", "tags": {"team": "data"}})
    );
    assert_eq!(
        file(&files, "groups/devs.json"),
        &json!({"arn": "arn:aws:iam::111122223333:group/devs", "path": "/", "inline_policies": {},
            "managed_policy_arns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]})
    );
}

#[test]
fn gaad_missing_boundary_policy_is_named() {
    // The first page made the last: a whole dump that references a policy it does not hold.
    let page =
        fixture("gaad-page1.json").replace("\"IsTruncated\": true", "\"IsTruncated\": false");
    let err = import_gaad(&[("gaad-page1.json", page)]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`gaad-page1.json` at `RoleDetailList[0].AttachedManagedPolicies[0].PolicyArn`: managed policy \
         `arn:aws:iam::111122223333:policy/app-extra` is referenced but not in the dump"
    );
}

#[test]
fn gaad_without_its_last_page_is_an_error() {
    let err = import_gaad(&[("gaad-page1.json", fixture("gaad-page1.json"))]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`gaad-page1.json` at `IsTruncated`: every page given says more follow (`IsTruncated` \
         true or a `NextToken`), so the dump's last page is missing: give every page"
    );
    let cli_page = r#"{"RoleDetailList": [], "NextToken": "eyJNYXJrZXIiOiBudWxsfQ=="}"#;
    assert!(import_gaad(&[("p.json", cli_page)])
        .unwrap_err()
        .to_string()
        .contains("the dump's last page is missing"));
}

#[test]
fn gaad_report_points_at_json_paths() {
    let report = gaad().report.to_string();
    assert!(report.contains(
        "managed/app-extra.json: managed policy (default version v2) <- gaad-page2.json: Policies[0].PolicyVersionList[1].Document\n"
    ));
    assert!(report.contains("roles/ops.json: trust policy <- gaad-page2.json: RoleDetailList[0].AssumeRolePolicyDocument\n"));
}

/// As real Terraform plans it: the region is a root variable (`variables`, and the provider's
/// `region = var.region`), the account is given; the document is read at apply (the role ARN is unknown),
/// its unknown resource sits beside a template over `var.account_id`, and a `dynamic`
/// statement (absent from `configuration`) comes first, so value and configuration blocks are
/// matched by Sid.
#[test]
fn plan_root_variables_templates_and_dynamic_statements_resolve() {
    let plan = json!({
        "format_version": "1.2",
        "variables": {"account_id": {"value": "111122223333"}, "region": {"value": "us-east-1"}},
        "resource_changes": [
            {"address": "aws_iam_role.gw", "mode": "managed", "type": "aws_iam_role", "name": "gw",
             "change": {"actions": ["create"], "before": null,
                        "after": {"name": "gw", "path": "/", "assume_role_policy": "{\"Statement\":[]}"},
                        "after_unknown": {"arn": true, "id": true}}},
            {"address": "aws_iam_role_policy.gw", "mode": "managed", "type": "aws_iam_role_policy", "name": "gw",
             "change": {"actions": ["create"], "before": null, "after": {"name": "p"},
                        "after_unknown": {"policy": true, "role": true}}},
            {"address": "data.aws_iam_policy_document.p", "mode": "data", "type": "aws_iam_policy_document", "name": "p",
             "change": {"actions": ["read"], "before": null,
                        "after": {"statement": [
                            {"sid": "Dynamic", "actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::b/*"]},
                            {"sid": "Pass", "actions": ["iam:PassRole"],
                             "resources": ["arn:aws:iam::111122223333:role/x-*", null]}]},
                        "after_unknown": {"json": true, "statement": [
                            {"actions": [false], "resources": [false]},
                            {"actions": [false], "resources": [false, true]}]}}}
        ],
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "expressions": {"region": {"references": ["var.region"]}}}},
            "root_module": {"resources": [
                {"address": "aws_iam_role.gw", "mode": "managed", "type": "aws_iam_role", "name": "gw",
                 "expressions": {"name": {"constant_value": "gw"}}},
                {"address": "aws_iam_role_policy.gw", "mode": "managed", "type": "aws_iam_role_policy", "name": "gw",
                 "expressions": {"role": {"references": ["aws_iam_role.gw.id", "aws_iam_role.gw"]},
                                 "policy": {"references": ["data.aws_iam_policy_document.p.json", "data.aws_iam_policy_document.p"]}}},
                {"address": "data.aws_iam_policy_document.p", "mode": "data", "type": "aws_iam_policy_document", "name": "p",
                 "expressions": {"statement": [
                     {"sid": {"constant_value": "Pass"}, "actions": {"constant_value": ["iam:PassRole"]},
                      "resources": {"references": ["var.account_id", "aws_iam_role.gw.arn", "aws_iam_role.gw"]}}]}}
            ]}
        }
    });
    let options = TerraformOptions::default().var("account_id", "111122223333");
    let imported = import_plan_str(&plan.to_string(), "plan.json", &options).unwrap();
    let role = file(&imported.files, "roles/gw.json");
    assert_eq!(role["arn"], json!("arn:aws:iam::111122223333:role/gw"));
    assert_eq!(
        role["inline_policies"]["p"]["Statement"][1],
        json!({"Sid": "Pass", "Effect": "Allow", "Action": "iam:PassRole",
               "Resource": ["arn:aws:iam::111122223333:role/x-*", "arn:aws:iam::111122223333:role/gw"]})
    );
}

/// A plan with one KMS key whose `tags_all` is unknown, under a provider with or without
/// `default_tags`.
fn key_plan(default_tags: bool, tags: Value) -> String {
    let mut provider =
        json!({"name": "aws", "expressions": {"region": {"constant_value": "us-east-1"}}});
    if default_tags {
        provider["expressions"]["default_tags"] =
            json!([{"tags": {"constant_value": {"team": "platform"}}}]);
    }
    json!({
        "format_version": "1.2",
        "resource_changes": [
            {"address": "aws_kms_key.k", "mode": "managed", "type": "aws_kms_key", "name": "k",
             "change": {"actions": ["create"], "before": null, "after": {"tags": tags},
                        "after_unknown": {"arn": true, "key_id": true, "policy": true, "tags_all": true}}}
        ],
        "configuration": {"provider_config": {"aws": provider},
                          "root_module": {"resources": [{"address": "aws_kms_key.k", "mode": "managed",
                                                         "type": "aws_kms_key", "name": "k", "expressions": {}}]}}
    })
    .to_string()
}

/// `tags_all` unknown: `tags` is what AWS applies without `default_tags`; with them, the
/// merged tags must be given (`--var ADDRESS.tags_all=<JSON>`), never guessed.
#[test]
fn plan_unknown_tags_all_falls_back_to_tags_only_without_default_tags() {
    let options = TerraformOptions::default()
        .var("account_id", "111122223333")
        .var(
            "aws_kms_key.k.key_id",
            "1234abcd-12ab-34cd-56ef-1234567890ab",
        );
    let path = "resources/kms-1234abcd-12ab-34cd-56ef-1234567890ab.json";
    let imported = import_plan_str(
        &key_plan(false, json!({"env": "dev"})),
        "plan.json",
        &options,
    )
    .unwrap();
    assert_eq!(file(&imported.files, path)["tags"], json!({"env": "dev"}));
    let err = import_plan_str(
        &key_plan(true, json!({"env": "dev"})),
        "plan.json",
        &options,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("`aws_kms_key.k` tags_all (unknown until apply, and the provider's `default_tags` may add to `tags`: give the tags as a JSON object as `aws_kms_key.k.tags_all`)"),
        "{err}"
    );
    let given = options.var(
        "aws_kms_key.k.tags_all",
        r#"{"env":"dev","team":"platform"}"#,
    );
    let imported =
        import_plan_str(&key_plan(true, json!({"env": "dev"})), "plan.json", &given).unwrap();
    assert_eq!(
        file(&imported.files, path)["tags"],
        json!({"env": "dev", "team": "platform"})
    );
}

/// A statement whose `condition` blocks are all unknown (a `dynamic "condition"` over values
/// known after apply) would lose its conditions: the import names the document instead.
#[test]
fn plan_unknown_condition_blocks_fail_naming_the_document() {
    let plan = json!({
        "format_version": "1.2",
        "resource_changes": [
            {"address": "aws_iam_policy.p", "mode": "managed", "type": "aws_iam_policy", "name": "p",
             "change": {"actions": ["create"], "before": null, "after": {"name": "p", "path": "/"},
                        "after_unknown": {"arn": true, "id": true, "policy": true}}},
            {"address": "data.aws_iam_policy_document.d", "mode": "data", "type": "aws_iam_policy_document", "name": "d",
             "change": {"actions": ["read"], "before": null,
                        "after": {"statement": [{"sid": "Put", "actions": ["s3:PutObject"], "resources": ["*"]}]},
                        "after_unknown": {"json": true, "statement": [{"condition": true}]}}}
        ],
        "configuration": {"root_module": {"resources": [
            {"address": "aws_iam_policy.p", "mode": "managed", "type": "aws_iam_policy", "name": "p",
             "expressions": {"policy": {"references": ["data.aws_iam_policy_document.d.json", "data.aws_iam_policy_document.d"]}}}
        ]}}
    });
    let options = TerraformOptions::default()
        .var("account_id", "111122223333")
        .var("partition", "aws");
    let err = import_plan_str(&plan.to_string(), "plan.json", &options)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "`plan.json`: 1 unresolved value(s): `data.aws_iam_policy_document.d` statement[0].condition \
         (known only after apply, from a `dynamic` block over unknown values: give the whole policy \
         document as `data.aws_iam_policy_document.d.json`); give them with `--var KEY=VALUE`"
    );
}

/// Compute that runs as a role: a Lambda function (`role`), an AgentCore runtime (`role_arn`,
/// its generated ARN given with --var) and an instance profile; a runtime whose ARN is unknown
/// at plan time is left out rather than failing the import.
#[test]
fn plan_compute_runs_as_its_role() {
    let role = "arn:aws:iam::111122223333:role/fn-role";
    let change = |address: &str, rtype: &str, after: Value, unknown: Value| {
        json!({"address": address, "mode": "managed", "type": rtype, "name": address.rsplit('.').next().unwrap(),
            "change": {"actions": ["create"], "after": after, "after_unknown": unknown}})
    };
    let plan = json!({"format_version": "1.2", "resource_changes": [
        change("aws_iam_role.fn", "aws_iam_role", json!({"name": "fn-role", "path": "/", "arn": role,
            "assume_role_policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"}), json!({})),
        change("aws_lambda_function.f", "aws_lambda_function", json!({"function_name": "f",
            "arn": "arn:aws:lambda:us-east-1:111122223333:function:f", "role": role}), json!({})),
        change("aws_iam_instance_profile.p", "aws_iam_instance_profile", json!({"name": "p", "role": "fn-role",
            "arn": "arn:aws:iam::111122223333:instance-profile/p"}), json!({})),
        change("aws_bedrockagentcore_agent_runtime.known", "aws_bedrockagentcore_agent_runtime",
            json!({"agent_runtime_name": "known", "role_arn": role}), json!({"agent_runtime_arn": true})),
        change("aws_bedrockagentcore_agent_runtime.unknown", "aws_bedrockagentcore_agent_runtime",
            json!({"agent_runtime_name": "unknown", "role_arn": role}), json!({"agent_runtime_arn": true})),
    ]});
    let runtime = "arn:aws:bedrock-agentcore:us-east-1:111122223333:runtime/known-a1b2c3d4e5";
    let imported = import_plan_str(
        &plan.to_string(),
        "plan.json",
        &TerraformOptions::default().var(
            "aws_bedrockagentcore_agent_runtime.known.agent_runtime_arn",
            runtime,
        ),
    )
    .unwrap();
    let names: Vec<String> = imported
        .files
        .keys()
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "resources/f.json",
            "resources/known-a1b2c3d4e5.json",
            "roles/fn-role.json"
        ]
    );
    assert_eq!(file(&imported.files, "resources/f.json")["runs_as"], role);
    assert_eq!(
        file(&imported.files, "resources/known-a1b2c3d4e5.json")["runs_as"],
        role
    );
    assert_eq!(
        file(&imported.files, "roles/fn-role.json")["instance_profile_arns"],
        json!(["arn:aws:iam::111122223333:instance-profile/p"])
    );
    let inv = iamsim::inventory::from_files(&imported.files, std::path::Path::new("i")).unwrap();
    assert_eq!(inv.resources.len(), 2);
}
