//! One test per intrinsic, pseudo parameter and `Ref` / `Fn::GetAtt` derivation.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::Stack;
use crate::import::cloudformation::env::{At, Env};
use crate::import::cloudformation::template::Template;

/// A template with a few parameters, conditions, mappings and resources.
fn template() -> Template {
    let v = json!({
        "Parameters": {
            "Env": {"Type": "String", "Default": "dev"},
            "Names": {"Type": "CommaDelimitedList", "Default": "a,b,c"},
            "NoDefault": {"Type": "String"},
            "Ami": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/ami/latest"}
        },
        "Conditions": {
            "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
            "IsDev": {"Fn::Not": [{"Condition": "IsProd"}]},
            "Both": {"Fn::And": [{"Condition": "IsDev"}, {"Fn::Equals": ["x", "x"]}]},
            "Either": {"Fn::Or": [{"Condition": "IsProd"}, {"Fn::Equals": [{"Fn::Select": [1, {"Ref": "Names"}]}, "b"]}]}
        },
        "Mappings": {"M": {"dev": {"Size": "small"}}},
        "Resources": {
            "Named": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": {"Fn::Sub": "${Env}-app"}, "Path": "/p/"}},
            "Generated": {"Type": "AWS::IAM::Role", "Properties": {}},
            "MaybeNamed": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": {"Fn::If": ["IsProd", "p", {"Ref": "AWS::NoValue"}]}}},
            "Key": {"Type": "AWS::KMS::Key", "Properties": {}},
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "jobs"}},
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "t"}},
            "Thing": {"Type": "AWS::Foo::Bar", "Properties": {}},
            "Prod": {"Type": "AWS::S3::Bucket", "Condition": "IsProd", "Properties": {"BucketName": "b"}}
        }
    });
    Template::from_value("t.json", &v).unwrap()
}

fn vars() -> BTreeMap<String, String> {
    BTreeMap::from([
        ("AWS::AccountId".to_string(), "111122223333".to_string()),
        ("AWS::Region".to_string(), "eu-west-1".to_string()),
        ("Key".to_string(), "k-1".to_string()),
        ("Thing.Endpoint".to_string(), "e.example".to_string()),
        ("import:net-Vpc".to_string(), "vpc-1".to_string()),
    ])
}

/// Evaluates `v` in the template; `Err` holds the problem messages.
fn eval_with(v: Value, vars: &BTreeMap<String, String>) -> Result<Option<Value>, Vec<String>> {
    let templates = [template()];
    let params = BTreeMap::new();
    let env = Env::new(&templates, vars, &params);
    let stack = Stack {
        t: &templates[0],
        env: &env,
    };
    let r = stack.eval(&v, &At { path: "X".into() });
    let problems = env.take_problems();
    match r {
        Ok(v) if problems.is_empty() => Ok(v),
        _ => Err(problems.into_iter().map(|p| p.message).collect()),
    }
}

fn eval(v: Value) -> Result<Option<Value>, Vec<String>> {
    eval_with(v, &vars())
}

fn ok(v: Value) -> Value {
    eval(v).unwrap().unwrap()
}

#[test]
fn ref_reads_parameters_pseudo_parameters_and_resources() {
    assert_eq!(ok(json!({"Ref": "Env"})), json!("dev"));
    assert_eq!(ok(json!({"Ref": "Names"})), json!(["a", "b", "c"]));
    assert_eq!(ok(json!({"Ref": "AWS::AccountId"})), json!("111122223333"));
    assert_eq!(ok(json!({"Ref": "AWS::Partition"})), json!("aws"));
    assert_eq!(ok(json!({"Ref": "AWS::URLSuffix"})), json!("amazonaws.com"));
    assert_eq!(ok(json!({"Ref": "Named"})), json!("dev-app"));
    assert_eq!(ok(json!({"Ref": "Key"})), json!("k-1"));
    assert_eq!(
        ok(json!({"Ref": "Queue"})),
        json!("https://sqs.eu-west-1.amazonaws.com/111122223333/jobs")
    );
    assert_eq!(
        ok(json!({"Ref": "Topic"})),
        json!("arn:aws:sns:eu-west-1:111122223333:t")
    );
}

#[test]
fn ref_failures_name_the_var_to_pass() {
    assert_eq!(
        eval(json!({"Ref": "NoDefault"})),
        Err(vec![
            "parameter `NoDefault` has no default: give `--var NoDefault=VALUE`".into()
        ])
    );
    assert_eq!(
        eval(json!({"Ref": "Ami"})),
        Err(vec!["parameter `Ami` is read from the SSM parameter `/ami/latest` at deploy time: give `--var Ami=VALUE`".into()])
    );
    assert_eq!(
        eval(json!({"Ref": "AWS::StackName"})),
        Err(vec![
            "`AWS::StackName` is known only at deploy time: give `--var AWS::StackName=VALUE`"
                .into()
        ])
    );
    assert_eq!(
        eval(json!({"Ref": "Generated"})),
        Err(vec!["`Generated` (AWS::IAM::Role) has a name CloudFormation generates at deploy time: give `--var Generated=VALUE` (the role's name)".into()])
    );
    assert_eq!(
        eval(json!({"Ref": "MaybeNamed"})),
        Err(vec!["`MaybeNamed` (AWS::IAM::Role) has a name CloudFormation generates at deploy time: give `--var MaybeNamed=VALUE` (the role's name)".into()])
    );
    assert_eq!(
        eval(json!({"Ref": "Prod"})),
        Err(vec![
            "`Prod` is not created (its condition `IsProd` is false)".into()
        ])
    );
    assert_eq!(
        eval(json!({"Ref": "Nope"})),
        Err(vec![
            "`Ref` to `Nope`, which is neither a parameter nor a resource of the template".into()
        ])
    );
}

#[test]
fn passing_the_named_var_resolves_it() {
    let mut v = vars();
    v.insert("Generated".into(), "stack-Generated-ABC".into());
    v.insert("NoDefault".into(), "given".into());
    assert_eq!(
        eval_with(json!({"Fn::GetAtt": ["Generated", "Arn"]}), &v).unwrap(),
        Some(json!("arn:aws:iam::111122223333:role/stack-Generated-ABC"))
    );
    assert_eq!(
        eval_with(json!({"Ref": "NoDefault"}), &v).unwrap(),
        Some(json!("given"))
    );
}

#[test]
fn get_att_derives_arns_and_takes_attributes_by_var() {
    assert_eq!(
        ok(json!({"Fn::GetAtt": ["Named", "Arn"]})),
        json!("arn:aws:iam::111122223333:role/p/dev-app")
    );
    assert_eq!(
        ok(json!({"Fn::GetAtt": "Key.Arn"})),
        json!("arn:aws:kms:eu-west-1:111122223333:key/k-1")
    );
    assert_eq!(ok(json!({"Fn::GetAtt": ["Key", "KeyId"]})), json!("k-1"));
    assert_eq!(
        ok(json!({"Fn::GetAtt": ["Queue", "Arn"]})),
        json!("arn:aws:sqs:eu-west-1:111122223333:jobs")
    );
    assert_eq!(
        ok(json!({"Fn::GetAtt": ["Queue", "QueueName"]})),
        json!("jobs")
    );
    assert_eq!(
        ok(json!({"Fn::GetAtt": ["Thing", "Endpoint"]})),
        json!("e.example")
    );
    assert_eq!(
        eval(json!({"Fn::GetAtt": ["Named", "RoleId"]})),
        Err(vec!["`Fn::GetAtt` `Named.RoleId` (AWS::IAM::Role) is known only at deploy time: give `--var Named.RoleId=VALUE`".into()])
    );
}

#[test]
fn sub_in_both_forms() {
    assert_eq!(
        ok(
            json!({"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Named}-${!Literal}"})
        ),
        json!("arn:aws:iam::111122223333:role/dev-app-${Literal}")
    );
    assert_eq!(
        ok(json!({"Fn::Sub": ["${A}/${Named.Arn}", {"A": {"Ref": "Env"}}]})),
        json!("dev/arn:aws:iam::111122223333:role/p/dev-app")
    );
}

#[test]
fn join_select_split() {
    assert_eq!(
        ok(json!({"Fn::Join": [":", ["a", {"Ref": "Env"}, {"Ref": "AWS::NoValue"}, 3]]})),
        json!("a:dev:3")
    );
    assert_eq!(
        ok(json!({"Fn::Join": ["-", {"Ref": "Names"}]})),
        json!("a-b-c")
    );
    assert_eq!(
        ok(json!({"Fn::Select": ["1", {"Ref": "Names"}]})),
        json!("b")
    );
    assert_eq!(ok(json!({"Fn::Split": ["/", "a/b"]})), json!(["a", "b"]));
    assert_eq!(
        ok(json!({"Fn::Select": [2, {"Fn::Split": [":", {"Fn::GetAtt": ["Named", "Arn"]}]}]})),
        json!("iam")
    );
    assert_eq!(
        eval(json!({"Fn::Select": [5, ["a"]]})),
        Err(vec!["index 5 is past the end of a list of 1".into()])
    );
}

#[test]
fn if_and_conditions() {
    let v = json!({"Fn::If": ["IsProd", "p", "d"]});
    assert_eq!(ok(v), json!("d"));
    assert_eq!(ok(json!({"Fn::If": ["IsDev", "d", "p"]})), json!("d"));
    assert_eq!(ok(json!({"Fn::If": ["Both", 1, 2]})), json!(1));
    assert_eq!(ok(json!({"Fn::If": ["Either", 1, 2]})), json!(1));
    // The branch not taken is not evaluated: its unresolvable Ref is no problem.
    assert_eq!(
        ok(json!({"Fn::If": ["IsDev", "d", {"Ref": "NoDefault"}]})),
        json!("d")
    );
}

#[test]
fn no_value_removes_the_property_or_item() {
    assert_eq!(
        ok(
            json!({"A": {"Fn::If": ["IsProd", "x", {"Ref": "AWS::NoValue"}]}, "B": [1, {"Ref": "AWS::NoValue"}, 2]})
        ),
        json!({"B": [1, 2]})
    );
    assert_eq!(eval(json!({"Ref": "AWS::NoValue"})), Ok(None));
}

#[test]
fn find_in_map_and_import_value() {
    assert_eq!(
        ok(json!({"Fn::FindInMap": ["M", {"Ref": "Env"}, "Size"]})),
        json!("small")
    );
    assert_eq!(ok(json!({"Fn::ImportValue": "net-Vpc"})), json!("vpc-1"));
    assert_eq!(
        eval(json!({"Fn::ImportValue": "other"})),
        Err(vec!["export `other` is not an output of the templates given: give `--var import:other=VALUE`".into()])
    );
}

#[test]
fn unknown_intrinsics_fail_with_every_path() {
    let r = eval(
        json!({"A": {"Fn::GetAZs": ""}, "B": [{"Fn::Base64": "x"}], "C": {"Fn::Equals": [1, 1]}}),
    );
    assert_eq!(
        r,
        Err(vec![
            "intrinsic function `Fn::Base64` is not supported".into(),
            "intrinsic function `Fn::Equals` is a condition function, allowed only in `Conditions` and `Fn::If`".into(),
            "intrinsic function `Fn::GetAZs` is not supported".into(),
        ])
    );
}

#[test]
fn problems_carry_the_json_path() {
    let templates = [template()];
    let (v, p) = (vars(), BTreeMap::new());
    let env = Env::new(&templates, &v, &p);
    let stack = Stack {
        t: &templates[0],
        env: &env,
    };
    let doc = json!({"Statement": [{"Resource": {"Fn::Join": ["", [{"Ref": "NoDefault"}]]}}]});
    assert!(stack
        .eval(
            &doc,
            &At {
                path: "Resources.R.Properties.P".into()
            }
        )
        .is_err());
    let paths: Vec<String> = env.take_problems().into_iter().map(|p| p.path).collect();
    assert_eq!(
        paths,
        ["Resources.R.Properties.P.Statement[0].Resource.Fn::Join[1][0].Ref"]
    );
}

#[test]
fn dynamic_references_are_given_by_var() {
    assert_eq!(
        eval(json!("arn:aws:s3:::{{resolve:ssm:/buckets/data}}/*")),
        Err(vec!["dynamic reference `{{resolve:ssm:/buckets/data}}` is resolved at deploy time: give `--var resolve:ssm:/buckets/data=VALUE`".into()])
    );
    assert!(eval(json!({"Fn::Sub": "${AWS::Region}-{{resolve:ssm:/x}}"})).is_err());
    let mut v = vars();
    v.insert("resolve:ssm:/buckets/data".into(), "data-1".into());
    assert_eq!(
        eval_with(json!("arn:aws:s3:::{{resolve:ssm:/buckets/data}}/*"), &v).unwrap(),
        Some(json!("arn:aws:s3:::data-1/*"))
    );
}

#[test]
fn partition_follows_the_region() {
    let mut v = vars();
    v.insert("AWS::Region".into(), "cn-north-1".into());
    assert_eq!(
        eval_with(
            json!({"Fn::Sub": "${AWS::Partition} ${AWS::URLSuffix}"}),
            &v
        )
        .unwrap(),
        Some(json!("aws-cn amazonaws.com.cn"))
    );
}
