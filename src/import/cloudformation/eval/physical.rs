//! What `Ref` and `Fn::GetAtt` return for a resource, as each type's page of the template
//! reference documents ("Return values",
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html>).
//! A name the template sets is read from its property; one CloudFormation generates is given as
//! `--var LOGICAL_ID=PHYSICAL_ID`, and the ARN follows from it. Any attribute may be given
//! directly as `--var LOGICAL_ID.ATTRIBUTE=VALUE`.

use serde_json::Value;

use super::Stack;
use crate::import::cloudformation::env::{At, Stop};

/// What `Ref` returns for a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Returns {
    /// The name (or id) that is the last part of the ARN.
    Name,
    /// The ARN.
    Arn,
    /// The queue URL (`AWS::SQS::Queue`).
    Url,
}

/// A resource type whose `Ref` and ARN the importer knows.
#[derive(Debug)]
struct Kind {
    rtype: &'static str,
    /// The property that names it; `None`: always generated.
    name_prop: Option<&'static str>,
    returns: Returns,
    /// The ARN with `{p}`, `{r}`, `{a}`, `{path}` and `{n}` (the name); empty: not derivable.
    arn: &'static str,
    /// Attributes that return the ARN.
    arn_attrs: &'static [&'static str],
    /// Attributes that return the name.
    name_attrs: &'static [&'static str],
    /// What the physical id is, for messages.
    what: &'static str,
}

const fn k(
    rtype: &'static str,
    name_prop: Option<&'static str>,
    returns: Returns,
    arn: &'static str,
    arn_attrs: &'static [&'static str],
    name_attrs: &'static [&'static str],
    what: &'static str,
) -> Kind {
    Kind {
        rtype,
        name_prop,
        returns,
        arn,
        arn_attrs,
        name_attrs,
        what,
    }
}

use Returns::{Arn as A, Name as N, Url as U};

/// The types whose `Ref` / `Fn::GetAtt` are derived.
#[rustfmt::skip]
const KINDS: &[Kind] = &[
    k("AWS::IAM::Role", Some("RoleName"), N, "arn:{p}:iam::{a}:role{path}{n}", &["Arn"], &[], "the role's name"),
    k("AWS::IAM::User", Some("UserName"), N, "arn:{p}:iam::{a}:user{path}{n}", &["Arn"], &[], "the user's name"),
    k("AWS::IAM::Group", Some("GroupName"), N, "arn:{p}:iam::{a}:group{path}{n}", &["Arn"], &[], "the group's name"),
    k("AWS::IAM::InstanceProfile", Some("InstanceProfileName"), N, "arn:{p}:iam::{a}:instance-profile{path}{n}", &["Arn"], &[], "the instance profile's name"),
    k("AWS::IAM::ManagedPolicy", Some("ManagedPolicyName"), A, "arn:{p}:iam::{a}:policy{path}{n}", &["PolicyArn"], &[], "the policy's ARN"),
    k("AWS::KMS::Key", None, N, "arn:{p}:kms:{r}:{a}:key/{n}", &["Arn"], &["KeyId"], "the key id"),
    k("AWS::KMS::Alias", Some("AliasName"), N, "arn:{p}:kms:{r}:{a}:{n}", &[], &[], "the alias name"),
    k("AWS::S3::Bucket", Some("BucketName"), N, "arn:{p}:s3:::{n}", &["Arn"], &[], "the bucket's name"),
    k("AWS::SQS::Queue", Some("QueueName"), U, "arn:{p}:sqs:{r}:{a}:{n}", &["Arn"], &["QueueName"], "the queue's URL"),
    k("AWS::SNS::Topic", Some("TopicName"), A, "arn:{p}:sns:{r}:{a}:{n}", &["TopicArn"], &["TopicName"], "the topic's ARN"),
    k("AWS::Lambda::Function", Some("FunctionName"), N, "arn:{p}:lambda:{r}:{a}:function:{n}", &["Arn"], &[], "the function's name"),
    k("AWS::ECR::Repository", Some("RepositoryName"), N, "arn:{p}:ecr:{r}:{a}:repository/{n}", &["Arn"], &[], "the repository's name"),
    k("AWS::DynamoDB::Table", Some("TableName"), N, "arn:{p}:dynamodb:{r}:{a}:table/{n}", &["Arn"], &[], "the table's name"),
    k("AWS::Logs::LogGroup", Some("LogGroupName"), N, "arn:{p}:logs:{r}:{a}:log-group:{n}:*", &["Arn"], &[], "the log group's name"),
    k("AWS::Kinesis::Stream", Some("Name"), N, "arn:{p}:kinesis:{r}:{a}:stream/{n}", &["Arn"], &[], "the stream's name"),
    k("AWS::Events::EventBus", Some("Name"), N, "arn:{p}:events:{r}:{a}:event-bus/{n}", &["Arn"], &["Name"], "the event bus's name"),
    k("AWS::StepFunctions::StateMachine", Some("StateMachineName"), A, "arn:{p}:states:{r}:{a}:stateMachine:{n}", &["Arn"], &["Name"], "the state machine's ARN"),
    k("AWS::CodeBuild::Project", Some("Name"), N, "arn:{p}:codebuild:{r}:{a}:project/{n}", &["Arn"], &[], "the project's name"),
    k("AWS::Glue::Job", Some("Name"), N, "arn:{p}:glue:{r}:{a}:job/{n}", &[], &[], "the job's name"),
    k("AWS::SecretsManager::Secret", None, A, "", &["Id"], &[], "the secret's ARN"),
    k("AWS::EC2::Instance", None, N, "arn:{p}:ec2:{r}:{a}:instance/{n}", &[], &["InstanceId"], "the instance id"),
    k("AWS::ECS::TaskDefinition", None, A, "", &["TaskDefinitionArn"], &[], "the task definition's ARN"),
    k("AWS::BedrockAgentCore::Runtime", None, N, "arn:{p}:bedrock-agentcore:{r}:{a}:runtime/{n}", &["AgentRuntimeArn"], &["AgentRuntimeId"], "the runtime id"),
    k("AWS::BedrockAgentCore::Gateway", None, N, "arn:{p}:bedrock-agentcore:{r}:{a}:gateway/{n}", &["GatewayArn"], &["GatewayIdentifier"], "the gateway id"),
    k("AWS::BedrockAgentCore::CodeInterpreterCustom", None, N, "arn:{p}:bedrock-agentcore:{r}:{a}:code-interpreter-custom/{n}", &["CodeInterpreterArn"], &["CodeInterpreterId"], "the code interpreter id"),
    k("AWS::BedrockAgentCore::BrowserCustom", None, N, "arn:{p}:bedrock-agentcore:{r}:{a}:browser-custom/{n}", &["BrowserArn"], &["BrowserId"], "the browser id"),
];

/// The IAM types whose ARN holds their `Path`.
fn has_path(rtype: &str) -> bool {
    rtype.starts_with("AWS::IAM::")
}

fn kind(rtype: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.rtype == rtype)
}

/// Fails when the resource's `Condition` is false (it is not created).
fn exists(stack: &Stack<'_>, logical: &str, at: &At) -> Result<(), Stop> {
    let Some(res) = stack.t.resource(logical) else {
        return Err(stack.fail(at, format!("`{logical}` is not a resource of the template")));
    };
    if let Some(c) = &res.condition {
        let here = At {
            path: format!("Resources.{logical}.Condition"),
        };
        if !stack.condition(c, &here)? {
            return Err(stack.fail(
                at,
                format!("`{logical}` is not created (its condition `{c}` is false)"),
            ));
        }
    }
    Ok(())
}

/// The physical id: `--var LOGICAL=...`, else the naming property.
fn physical(stack: &Stack<'_>, logical: &str, at: &At) -> Result<(String, bool), Stop> {
    exists(stack, logical, at)?;
    if let Some(v) = stack.env.var(stack.t, logical) {
        return Ok((v.to_string(), true));
    }
    let res = stack.t.resource(logical).ok_or(Stop)?;
    let kind = kind(&res.rtype);
    if let Some(prop) = kind.and_then(|k| k.name_prop) {
        if let Some(v) = res.properties.get(prop) {
            let here = At {
                path: format!("Resources.{logical}.Properties.{prop}"),
            };
            // `Fn::If` may leave the name to CloudFormation (`AWS::NoValue`).
            if stack.eval(v, &here)?.is_some() {
                return Ok((stack.string(v, &here)?, false));
            }
        }
    }
    let key = stack.env.key_for(stack.t, logical, logical);
    let what = kind.map_or("its physical id", |k| k.what);
    Err(stack.fail(
        at,
        format!(
            "`{logical}` ({}) has a name CloudFormation generates at deploy time: give \
             `--var {key}=VALUE` ({what})",
            res.rtype
        ),
    ))
}

/// What `Ref` returns for resource `logical`.
pub(crate) fn ref_value(stack: &Stack<'_>, logical: &str, at: &At) -> Result<Value, Stop> {
    let (id, given) = physical(stack, logical, at)?;
    let rtype = stack
        .t
        .resource(logical)
        .map(|r| r.rtype.as_str())
        .unwrap_or_default();
    let Some(kind) = kind(rtype) else {
        return Ok(Value::String(id));
    };
    Ok(Value::String(match (kind.returns, given) {
        (Returns::Arn, false) => arn(stack, logical, kind, &id, at)?,
        (Returns::Url, false) => format!(
            "https://sqs.{}.{}/{}/{id}",
            stack.pseudo("AWS::Region", at)?,
            stack.pseudo("AWS::URLSuffix", at)?,
            stack.pseudo("AWS::AccountId", at)?
        ),
        _ => id,
    }))
}

/// The name within the ARN, from the physical id.
fn name_part(kind: &Kind, id: &str, given: bool) -> String {
    match (kind.returns, given) {
        (Returns::Arn | Returns::Url, true) => {
            id.rsplit(['/', ':']).next().unwrap_or(id).to_string()
        }
        _ => id.to_string(),
    }
}

/// The ARN of a resource of `kind` named `name`.
fn arn(stack: &Stack<'_>, logical: &str, kind: &Kind, name: &str, at: &At) -> Result<String, Stop> {
    let mut out = kind.arn.to_string();
    if out.contains("{p}") {
        out = out.replace("{p}", &stack.pseudo("AWS::Partition", at)?);
    }
    if out.contains("{r}") {
        out = out.replace("{r}", &stack.pseudo("AWS::Region", at)?);
    }
    if out.contains("{a}") {
        out = out.replace("{a}", &stack.pseudo("AWS::AccountId", at)?);
    }
    if out.contains("{path}") && has_path(kind.rtype) {
        let path = match stack
            .t
            .resource(logical)
            .and_then(|r| r.properties.get("Path"))
        {
            Some(p) => stack.string(
                p,
                &At {
                    path: format!("Resources.{logical}.Properties.Path"),
                },
            )?,
            None => "/".to_string(),
        };
        out = out.replace("{path}", &path);
    }
    Ok(out.replace("{n}", name))
}

/// What `Fn::GetAtt [logical, attr]` returns.
pub(crate) fn get_att(
    stack: &Stack<'_>,
    logical: &str,
    attr: &str,
    at: &At,
) -> Result<Value, Stop> {
    let key = format!("{logical}.{attr}");
    if let Some(v) = stack.env.var(stack.t, &key) {
        exists(stack, logical, at)?;
        return Ok(Value::String(v.to_string()));
    }
    let rtype = stack
        .t
        .resource(logical)
        .map(|r| r.rtype.clone())
        .unwrap_or_default();
    let known = kind(&rtype).filter(|k| {
        (k.arn_attrs.contains(&attr) && (!k.arn.is_empty() || k.returns == Returns::Arn))
            || k.name_attrs.contains(&attr)
            || (k.returns == Returns::Url && attr == "QueueUrl")
    });
    let Some(kind) = known else {
        exists(stack, logical, at)?;
        let key = stack.env.key_for(stack.t, logical, &key);
        return Err(stack.fail(
            at,
            format!(
                "`Fn::GetAtt` `{logical}.{attr}` ({rtype}) is known only at deploy time: give \
                 `--var {key}=VALUE`"
            ),
        ));
    };
    let (id, given) = physical(stack, logical, at)?;
    if kind.returns == Returns::Url && attr == "QueueUrl" {
        return ref_value(stack, logical, at);
    }
    let name = name_part(kind, &id, given);
    if kind.name_attrs.contains(&attr) {
        return Ok(Value::String(name));
    }
    if kind.returns == Returns::Arn && given {
        return Ok(Value::String(id));
    }
    arn(stack, logical, kind, &name, at).map(Value::String)
}

/// The ARN of resource `logical` (its `Arn`-like attribute, else derived from its name), for
/// the importers.
pub(crate) fn arn_of(stack: &Stack<'_>, logical: &str, at: &At) -> Result<String, Stop> {
    let rtype = stack
        .t
        .resource(logical)
        .map(|r| r.rtype.clone())
        .unwrap_or_default();
    let found = match kind(&rtype) {
        Some(kind) if kind.arn_attrs.is_empty() && !kind.arn.is_empty() => {
            let (id, given) = physical(stack, logical, at)?;
            return arn(stack, logical, kind, &name_part(kind, &id, given), at);
        }
        Some(kind) => get_att(stack, logical, kind.arn_attrs.first().unwrap_or(&"Arn"), at)?,
        None => get_att(stack, logical, "Arn", at)?,
    };
    match found {
        Value::String(s) => Ok(s),
        other => Err(stack.fail(
            at,
            format!("the ARN of `{logical}` is not a string: {other}"),
        )),
    }
}
