//! Resource-based policies: KMS keys (`KeyPolicy`, AWS's default when absent) and aliases, S3
//! bucket policies, ECR repository policies, Lambda permissions, SQS queue policies, SNS topic
//! policies and Secrets Manager resource policies, each written to the resource's ARN.

use serde_json::Value;

use super::context::{at_resource, document, prop, req_string, strings, tags, Cx};
use super::env::{At, Stop};
use super::eval::physical;
use super::eval::Stack;
use crate::import::aws_policies::default_key_policy;
use crate::import::builder::{Dir, Resource};

/// The types [`resource_policy`] reads.
const READS: [&str; 9] = [
    "AWS::KMS::Alias",
    "AWS::S3::BucketPolicy",
    "AWS::ECR::Repository",
    "AWS::SQS::QueuePolicy",
    "AWS::SQS::QueueInlinePolicy",
    "AWS::SNS::TopicPolicy",
    "AWS::SNS::TopicInlinePolicy",
    "AWS::SecretsManager::ResourcePolicy",
    "AWS::KMS::Key",
];

/// Whether [`resource_policy`] reads `rtype`.
pub(crate) fn reads(rtype: &str) -> bool {
    READS.contains(&rtype)
}

/// `AWS::KMS::Key`: its policy and tags.
pub(crate) fn kms_key(cx: &mut Cx, stack: &Stack<'_>, logical: &str) {
    let at = at_resource(logical);
    let arn = physical::arn_of(stack, logical, &at);
    let account = stack.pseudo("AWS::AccountId", &at);
    let (policy, what, pat) = match prop(stack, logical, "KeyPolicy") {
        Some((v, pat)) => (document(stack, v, &pat), "key policy", pat),
        None => (
            stack.pseudo("AWS::Partition", &at).and_then(|p| {
                Ok(default_key_policy(
                    &p,
                    &stack.pseudo("AWS::AccountId", &at)?,
                ))
            }),
            "default key policy",
            at.clone(),
        ),
    };
    let tags = tags(stack, logical);
    let (Ok(arn), Ok(account), Ok(policy), Ok(tags)) = (arn, account, policy, tags) else {
        return;
    };
    let id = arn.rsplit('/').next().unwrap_or(&arn).to_string();
    cx.note(Dir::Resources, &arn, what, stack, &pat);
    cx.b.resources.insert(
        arn,
        Resource {
            name: format!("kms-{id}"),
            account,
            policy: Some(policy),
            tags,
            ..Resource::default()
        },
    );
}

/// Every resource-policy type but keys (read in the first pass).
pub(crate) fn resource_policy(cx: &mut Cx, stack: &Stack<'_>, logical: &str, rtype: &str) {
    match rtype {
        "AWS::KMS::Alias" => alias(cx, stack, logical),
        "AWS::S3::BucketPolicy" => bucket_policy(cx, stack, logical),
        "AWS::ECR::Repository" => repository(cx, stack, logical),
        "AWS::SQS::QueuePolicy" | "AWS::SQS::QueueInlinePolicy" => {
            queue_policy(cx, stack, logical, rtype)
        }
        "AWS::SNS::TopicPolicy" | "AWS::SNS::TopicInlinePolicy" => {
            topic_policy(cx, stack, logical, rtype)
        }
        "AWS::SecretsManager::ResourcePolicy" => secret_policy(cx, stack, logical),
        _ => {}
    }
}

/// The policy of a property, or a problem when absent.
fn policy_prop(stack: &Stack<'_>, logical: &str, name: &str) -> Result<(Value, At), Stop> {
    match prop(stack, logical, name) {
        Some((v, at)) => document(stack, v, &at).map(|d| (d, at)),
        None => Err(stack.fail(
            &at_resource(logical).key("Properties"),
            format!("`{name}` is required"),
        )),
    }
}

/// Puts `doc` as the policy of the resource `arn` (created if new).
fn put(
    cx: &mut Cx,
    stack: &Stack<'_>,
    arn: &str,
    name: String,
    doc: Value,
    what: &str,
    at: &At,
) -> Result<(), Stop> {
    let account = match arn.split(':').nth(4).filter(|a| !a.is_empty()) {
        Some(a) => a.to_string(),
        None => stack.pseudo("AWS::AccountId", at)?,
    };
    cx.note(Dir::Resources, arn, what, stack, at);
    let entry = cx.b.resources.entry(arn.to_string()).or_default();
    entry.name = name;
    entry.account = account;
    entry.policy = Some(doc);
    Ok(())
}

/// `AWS::KMS::Alias`: the alias ARN on its key (`TargetKeyId`: a key id or ARN of the templates).
fn alias(cx: &mut Cx, stack: &Stack<'_>, logical: &str) {
    let at = at_resource(logical);
    let alias_arn = physical::arn_of(stack, logical, &at);
    let target = req_string(stack, logical, "TargetKeyId");
    let key_arn = target.and_then(|t| {
        if t.starts_with("arn:") {
            return Ok(t);
        }
        Ok(format!(
            "arn:{}:kms:{}:{}:key/{t}",
            stack.pseudo("AWS::Partition", &at)?,
            stack.pseudo("AWS::Region", &at)?,
            stack.pseudo("AWS::AccountId", &at)?
        ))
    });
    let (Ok(alias_arn), Ok(key_arn)) = (alias_arn, key_arn) else {
        return;
    };
    let tat = at.key("Properties").key("TargetKeyId");
    match cx.b.resources.get_mut(&key_arn) {
        Some(res) => {
            res.aliases.push(alias_arn.clone());
            cx.note(
                Dir::Resources,
                &key_arn,
                format!("alias `{alias_arn}`"),
                stack,
                &at,
            );
        }
        None => {
            stack.fail_secondary(
                &tat,
                format!("key `{key_arn}` is not a key of the templates"),
            );
        }
    }
}

/// `AWS::S3::BucketPolicy`: `Bucket` (a name) and `PolicyDocument`.
fn bucket_policy(cx: &mut Cx, stack: &Stack<'_>, logical: &str) {
    let bucket = req_string(stack, logical, "Bucket");
    let doc = policy_prop(stack, logical, "PolicyDocument");
    let at = at_resource(logical);
    let partition = stack.pseudo("AWS::Partition", &at);
    let (Ok(bucket), Ok((doc, pat)), Ok(p)) = (bucket, doc, partition) else {
        return;
    };
    let arn = format!("arn:{p}:s3:::{bucket}");
    let _ = put(
        cx,
        stack,
        &arn,
        format!("s3-{bucket}"),
        doc,
        "bucket policy",
        &pat,
    );
}

/// `AWS::ECR::Repository`: `RepositoryPolicyText` when present.
fn repository(cx: &mut Cx, stack: &Stack<'_>, logical: &str) {
    if prop(stack, logical, "RepositoryPolicyText").is_none() {
        return;
    }
    let at = at_resource(logical);
    let arn = physical::arn_of(stack, logical, &at);
    let doc = policy_prop(stack, logical, "RepositoryPolicyText");
    let tags = tags(stack, logical);
    let (Ok(arn), Ok((doc, pat)), Ok(tags)) = (arn, doc, tags) else {
        return;
    };
    let name = arn.rsplit('/').next().unwrap_or(&arn).to_string();
    if put(
        cx,
        stack,
        &arn,
        format!("ecr-{name}"),
        doc,
        "repository policy",
        &pat,
    )
    .is_ok()
    {
        if let Some(r) = cx.b.resources.get_mut(&arn) {
            r.tags = tags;
        }
    }
}

/// A queue URL (`https://sqs.REGION.amazonaws.com/ACCOUNT/NAME`, or the legacy
/// `https://REGION.queue.amazonaws.com/...`) as the queue's ARN.
pub(crate) fn queue_arn(url: &str, partition: &str) -> Option<String> {
    let rest = url.strip_prefix("https://")?;
    let mut parts = rest.split('/');
    let host = parts.next()?;
    let account = parts.next()?;
    let name = parts.next()?;
    let region = match host.strip_prefix("sqs.") {
        Some(h) => h.split('.').next()?,
        None => host.split(".queue.").next().filter(|r| *r != host)?,
    };
    (account.len() == 12 && !name.is_empty() && parts.next().is_none())
        .then(|| format!("arn:{partition}:sqs:{region}:{account}:{name}"))
}

/// `AWS::SQS::QueuePolicy` (`Queues`: URLs) and `::QueueInlinePolicy` (`Queue`: a URL).
fn queue_policy(cx: &mut Cx, stack: &Stack<'_>, logical: &str, rtype: &str) {
    let (prop_name, urls) = if rtype == "AWS::SQS::QueuePolicy" {
        ("Queues", strings(stack, logical, "Queues"))
    } else {
        (
            "Queue",
            req_string(stack, logical, "Queue").map(|u| vec![u]),
        )
    };
    let doc = policy_prop(stack, logical, "PolicyDocument");
    let at = at_resource(logical);
    let partition = stack.pseudo("AWS::Partition", &at);
    let (Ok(urls), Ok((doc, pat)), Ok(p)) = (urls, doc, partition) else {
        return;
    };
    for (i, url) in urls.iter().enumerate() {
        let uat = at.key("Properties").key(prop_name).index(i);
        match queue_arn(url, &p) {
            Some(arn) => {
                let name = arn.rsplit(':').next().unwrap_or(&arn).to_string();
                let _ = put(
                    cx,
                    stack,
                    &arn,
                    format!("sqs-{name}"),
                    doc.clone(),
                    "queue policy",
                    &pat,
                );
            }
            None => {
                stack.fail(&uat, format!("`{url}` is not a queue URL"));
            }
        }
    }
}

/// `AWS::SNS::TopicPolicy` (`Topics`: ARNs) and `::TopicInlinePolicy` (`TopicArn`).
fn topic_policy(cx: &mut Cx, stack: &Stack<'_>, logical: &str, rtype: &str) {
    let arns = if rtype == "AWS::SNS::TopicPolicy" {
        strings(stack, logical, "Topics")
    } else {
        req_string(stack, logical, "TopicArn").map(|a| vec![a])
    };
    let doc = policy_prop(stack, logical, "PolicyDocument");
    let (Ok(arns), Ok((doc, pat))) = (arns, doc) else {
        return;
    };
    for arn in arns {
        let name = arn.rsplit(':').next().unwrap_or(&arn).to_string();
        let _ = put(
            cx,
            stack,
            &arn,
            format!("sns-{name}"),
            doc.clone(),
            "topic policy",
            &pat,
        );
    }
}

/// `AWS::SecretsManager::ResourcePolicy`: `SecretId` (the secret's ARN) and `ResourcePolicy`.
fn secret_policy(cx: &mut Cx, stack: &Stack<'_>, logical: &str) {
    let secret = req_string(stack, logical, "SecretId");
    let doc = policy_prop(stack, logical, "ResourcePolicy");
    let (Ok(secret), Ok((doc, pat))) = (secret, doc) else {
        return;
    };
    if !secret.starts_with("arn:") {
        let at = at_resource(logical).key("Properties").key("SecretId");
        stack.fail(
            &at,
            format!("secret `{secret}` is named, not given by ARN: a secret's ARN ends in a random suffix; use its ARN"),
        );
        return;
    }
    let name = secret.rsplit(':').next().unwrap_or(&secret).to_string();
    let _ = put(
        cx,
        stack,
        &secret,
        format!("secret-{name}"),
        doc,
        "secret policy",
        &pat,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_urls_become_arns() {
        assert_eq!(
            queue_arn(
                "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs",
                "aws"
            )
            .as_deref(),
            Some("arn:aws:sqs:eu-west-1:111122223333:jobs")
        );
        assert_eq!(
            queue_arn(
                "https://eu-west-1.queue.amazonaws.com/111122223333/jobs",
                "aws"
            )
            .as_deref(),
            Some("arn:aws:sqs:eu-west-1:111122223333:jobs")
        );
        assert_eq!(queue_arn("jobs", "aws"), None);
    }
}
