//! The CloudFormation importer end to end: the CDK app and the hand-written stack of
//! tests/fixtures/import/cloudformation/, and small templates for the `--var` convention.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iamsim::import::cloudformation::{import_templates, CloudFormationOptions};
use iamsim::import::{ImportError, Imported};
use serde_json::{json, Value};

fn fixture(name: &str) -> (String, String) {
    let path = format!("tests/fixtures/import/cloudformation/{name}");
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(&path)).unwrap();
    (path, text)
}

fn import(
    files: &[(String, String)],
    options: &CloudFormationOptions,
) -> Result<Imported, ImportError> {
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(l, t)| (l.as_str(), t.as_str()))
        .collect();
    import_templates(&refs, options)
}

fn cdk_files() -> Vec<(String, String)> {
    vec![
        fixture("cdk.out/SharedStack.template.json"),
        fixture("cdk.out/AppStack.template.json"),
    ]
}

/// The values a user reads from the deployed stacks (`aws cloudformation describe-stack-resources`).
fn cdk_options() -> CloudFormationOptions {
    CloudFormationOptions::default()
        .var("AWS::AccountId", "111122223333")
        .var("AWS::Region", "eu-west-1")
        .var("AgentRole8F9E0D1C", "AppStack-AgentRole8F9E0D1C-Q1W2E3R4T5Y6")
        .var("AppFunction7A8B9C0D", "AppStack-AppFunction7A8B9C0D-ZXCVBNM12345")
        .var("AppFunctionServiceRole1C4B7D0E", "AppStack-AppFunctionServiceRole1C4B-A1S2D3F4G5H6")
        .var("DataBucketE3889A50", "appstack-databuckete3889a50-1a2b3c4d5e6f")
        .var("DataKey6C0F6B8B", "1234abcd-12ab-34cd-56ef-1234567890ab")
        .var(
            "EventsTopic2C3D4E5F",
            "arn:aws:sns:eu-west-1:111122223333:AppStack-EventsTopic2C3D4E5F-PLMOKNIJBUHV",
        )
        .var(
            "JobsQueue5D8E2F1A",
            "https://sqs.eu-west-1.amazonaws.com/111122223333/AppStack-JobsQueue5D8E2F1A-QAZWSXEDCRFV",
        )
        .var("AgentRuntime3C4D5E6F", "app_agent-Ab12Cd34Ef")
}

fn file<'a>(imported: &'a Imported, path: &str) -> &'a Value {
    imported
        .files
        .get(&PathBuf::from(path))
        .unwrap_or_else(|| panic!("no {path} in {:?}", imported.files.keys()))
}

#[test]
fn the_cdk_app_is_one_inventory() {
    let imported = import(&cdk_files(), &cdk_options()).unwrap();
    let names: Vec<String> = imported
        .files
        .keys()
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "managed/app-read-config.json",
            "resources/app_agent-Ab12Cd34Ef.json",
            "resources/ecr-agent-images.json",
            "resources/kms-1234abcd-12ab-34cd-56ef-1234567890ab.json",
            "resources/lambda-AppStack-AppFunction7A8B9C0D-ZXCVBNM12345.json",
            "resources/s3-appstack-databuckete3889a50-1a2b3c4d5e6f.json",
            "resources/sqs-AppStack-JobsQueue5D8E2F1A-QAZWSXEDCRFV.json",
            "roles/AppStack-AgentRole8F9E0D1C-Q1W2E3R4T5Y6.json",
            "roles/AppStack-AppFunctionServiceRole1C4B-A1S2D3F4G5H6.json",
        ]
    );
    let role = file(
        &imported,
        "roles/AppStack-AppFunctionServiceRole1C4B-A1S2D3F4G5H6.json",
    );
    // Fn::ImportValue of SharedStack's export, resolved from its Outputs.
    assert_eq!(
        role["inline_policies"]["AppFunctionServiceRoleDefaultPolicy3F5E6A2B"]["Statement"][1]
            ["Resource"],
        json!("arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
    );
    assert_eq!(
        role["managed_policy_arns"],
        json!(["arn:aws:iam::111122223333:policy/app-read-config"])
    );
    assert_eq!(role["tags"], json!({"app": "reports"}));
    let function = file(
        &imported,
        "resources/lambda-AppStack-AppFunction7A8B9C0D-ZXCVBNM12345.json",
    );
    assert_eq!(
        function["runs_as"],
        json!("arn:aws:iam::111122223333:role/AppStack-AppFunctionServiceRole1C4B-A1S2D3F4G5H6")
    );
    let runtime = file(&imported, "resources/app_agent-Ab12Cd34Ef.json");
    assert_eq!(
        runtime["arn"],
        json!("arn:aws:bedrock-agentcore:eu-west-1:111122223333:runtime/app_agent-Ab12Cd34Ef")
    );
    let key = file(
        &imported,
        "resources/kms-1234abcd-12ab-34cd-56ef-1234567890ab.json",
    );
    assert_eq!(
        key["aliases"],
        json!(["arn:aws:kms:eu-west-1:111122223333:alias/shared/data"])
    );
    // The inventory loads (the ECR policy's statements omit Resource, as AWS's examples do).
    iamsim::inventory::from_files(&imported.files, Path::new("cdk.out")).unwrap();
}

#[test]
fn a_var_may_name_its_template() {
    let mut options = cdk_options();
    options.vars.remove("AWS::Region");
    options
        .vars
        .insert("SharedStack/AWS::Region".into(), "eu-west-1".into());
    options
        .vars
        .insert("AppStack/AWS::Region".into(), "eu-west-1".into());
    let prefixed = import(&cdk_files(), &options).unwrap();
    assert_eq!(prefixed, import(&cdk_files(), &cdk_options()).unwrap());
    options.vars.remove("AppStack/AWS::Region");
    let err = import(&cdk_files(), &options).unwrap_err().to_string();
    assert!(
        err.contains("`AWS::Region` is known only at deploy time"),
        "{err}"
    );
    assert!(err.contains("AppStack.template.json"), "{err}");
    assert!(!err.contains("SharedStack.template.json"), "{err}");
}

fn platform_options(env: &str, agents: &str) -> CloudFormationOptions {
    CloudFormationOptions::default()
        .var("Env", env)
        .var("Agents", agents)
        .var("TrustedAccount", "444455556666")
        .var("AWS::AccountId", "111122223333")
        .var("AWS::Region", "eu-west-1")
        .var("DataKey", "0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6")
        .var("LogKey", "9f8e7d6c-5b4a-3210-fedc-ba9876543210")
        .var(
            "PlatformSecret",
            "arn:aws:secretsmanager:eu-west-1:111122223333:secret:x-a1B2c3",
        )
        .var("Runtime", "rt-1")
        .var("Gateway", "gw-1")
        .var("Bastion", "i-0123456789abcdef0")
        .var("import:network-S3EndpointId", "vpce-0a1b2c3d4e5f67890")
}

#[test]
fn conditions_follow_the_parameters() {
    let files = vec![fixture("agent-platform.yaml")];
    let prod = import(&files, &platform_options("prod", "support,billing")).unwrap();
    let role = file(&prod, "roles/prod-agent-support.json");
    assert_eq!(
        role["permissions_boundary_arn"],
        json!("arn:aws:iam::111122223333:policy/boundaries/prod-agent-boundary")
    );
    let statements = &role["inline_policies"]["invoke-models"]["Statement"];
    assert_eq!(statements[1]["Sid"], json!("ProdNoDelete"));
    assert_eq!(
        statements[0]["Resource"],
        json!("arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-5-sonnet*")
    );
    // dev, first agent not billing: no boundary (Fn::If with AWS::NoValue), no prod statement.
    let dev = import(&files, &platform_options("dev", "support,billing")).unwrap();
    let role = file(&dev, "roles/dev-agent-support.json");
    assert_eq!(role["permissions_boundary_arn"], Value::Null);
    let sids: Vec<&Value> = role["inline_policies"]["invoke-models"]["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["Sid"])
        .collect();
    assert_eq!(sids, [&json!("InvokeModels"), &json!("ReadArtifacts")]);
    let bastion = file(&dev, "roles/dev-bastion.json");
    assert_eq!(
        bastion["instance_profile_arns"],
        json!(["arn:aws:iam::111122223333:instance-profile/dev-bastion"])
    );
    assert_eq!(file(&dev, "users/alice.json")["login_profile"], json!(true));
    let instance = file(&dev, "resources/i-0123456789abcdef0.json");
    assert_eq!(
        instance["runs_as"],
        json!("arn:aws:iam::111122223333:role/dev-bastion")
    );
}

#[test]
fn a_parameters_file_gives_values_and_var_wins() {
    let files = vec![fixture("agent-platform.yaml")];
    let mut options = platform_options("dev", "billing");
    options.vars.remove("Env");
    options.vars.remove("TrustedAccount");
    let (label, text) = fixture("agent-platform.parameters.json");
    options.read_parameters(&label, &text).unwrap();
    let from_file = import(&files, &options).unwrap();
    assert!(from_file
        .files
        .contains_key(&PathBuf::from("roles/dev-agent-billing.json")));
    options.vars.insert("Env".into(), "prod".into());
    let overridden = import(&files, &options).unwrap();
    assert!(overridden
        .files
        .contains_key(&PathBuf::from("roles/prod-agent-billing.json")));
    let mut bad = CloudFormationOptions::default();
    let err = bad
        .read_parameters("p.json", r#"[{"ParameterKey": "A"}]"#)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "`p.json` at `[0]`: needs a string `ParameterKey` and `ParameterValue`"
    );
}

/// A role without `RoleName` in each of two templates, and a key.
fn twin_templates() -> Vec<(String, String)> {
    let t = |key: bool| {
        let mut resources = json!({
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}}
        });
        if key {
            resources["Key"] = json!({"Type": "AWS::KMS::Key"});
        }
        json!({"Resources": resources}).to_string()
    };
    vec![
        ("out/A.template.json".into(), t(true)),
        ("out/B.template.json".into(), t(false)),
    ]
}

#[test]
fn a_logical_id_in_two_templates_is_named_with_its_stem() {
    let options = CloudFormationOptions::default()
        .var("AWS::AccountId", "111122223333")
        .var("AWS::Region", "eu-west-1");
    let err = import(&twin_templates(), &options).unwrap_err().to_string();
    assert!(
        err.contains("give `--var A/Role=VALUE` (the role's name)"),
        "{err}"
    );
    assert!(
        err.contains("give `--var B/Role=VALUE` (the role's name)"),
        "{err}"
    );
    assert!(err.contains("give `--var Key=VALUE` (the key id)"), "{err}");
    let options = options
        .var("A/Role", "a-role")
        .var("B/Role", "b-role")
        .var("Key", "k-1");
    let imported = import(&twin_templates(), &options).unwrap();
    let names: Vec<String> = imported
        .files
        .keys()
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "resources/kms-k-1.json",
            "roles/a-role.json",
            "roles/b-role.json"
        ]
    );
    // AWS's default key policy when the template sets none.
    assert_eq!(
        file(&imported, "resources/kms-k-1.json")["policy"]["Statement"][0]["Principal"],
        json!({"AWS": "arn:aws:iam::111122223333:root"})
    );
}

#[test]
fn json_and_yaml_forms_import_alike() {
    let yaml = "Parameters:\n  Env: {Type: String, Default: dev}\nResources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: !Sub '${Env}-r'\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: {AWS: !Join ['', ['arn:', !Ref 'AWS::Partition', ':iam::', !Ref 'AWS::AccountId', ':root']]}\n            Action: sts:AssumeRole\n            Condition: {StringEquals: {'aws:PrincipalTag/env': !Select [0, !Split [',', !Ref Env]]}}\n";
    let json_text = json!({
        "Parameters": {"Env": {"Type": "String", "Default": "dev"}},
        "Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
            "RoleName": {"Fn::Sub": "${Env}-r"},
            "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow",
                "Principal": {"AWS": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"}, ":root"]]}},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:PrincipalTag/env": {"Fn::Select": [0, {"Fn::Split": [",", {"Ref": "Env"}]}]}}}}]}}}}
    })
    .to_string();
    let options = CloudFormationOptions::default()
        .var("AWS::AccountId", "111122223333")
        .var("AWS::Partition", "aws");
    let a = import(&[("t.yaml".into(), yaml.into())], &options).unwrap();
    let b = import(&[("t.json".into(), json_text)], &options).unwrap();
    assert_eq!(a.files, b.files);
    assert_eq!(
        file(&a, "roles/dev-r.json")["trust_policy"]["Statement"][0]["Condition"],
        json!({"StringEquals": {"aws:PrincipalTag/env": "dev"}})
    );
}

#[test]
fn an_iam_policy_naming_a_role_outside_the_templates_fails() {
    let t = json!({"Resources": {"P": {"Type": "AWS::IAM::Policy", "Properties": {
        "PolicyName": "p", "Roles": ["existing-role"],
        "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}}}}});
    let err = import(
        &[("t.json".into(), t.to_string())],
        &CloudFormationOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "1 template problem(s), nothing imported: role `existing-role` is not a role of the \
         templates (import it with them) (at `t.json` `Resources.P.Properties.Roles[0]`)"
    );
}

#[test]
fn unknown_var_keys_are_refused() {
    let options = CloudFormationOptions {
        vars: BTreeMap::from([("Nope".to_string(), "x".to_string())]),
        ..Default::default()
    };
    let err = import(&twin_templates(), &options).unwrap_err();
    assert!(matches!(err, ImportError::BadVar { .. }), "{err}");
}

#[test]
fn an_iam_type_no_reader_takes_fails_closed() {
    let t = json!({"Resources": {"X": {"Type": "AWS::IAM::RoleFutureThing", "Properties": {}}}});
    let err = import(
        &[("t.json".into(), t.to_string())],
        &CloudFormationOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "1 template problem(s), nothing imported: `AWS::IAM::RoleFutureThing` is an IAM type the \
         importer does not read (at `t.json` `Resources.X.Type`)"
    );
}
