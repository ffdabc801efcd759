//! Tags on a request that creates a resource (tag on create). The tags the attacker sends are
//! one set: each `aws:RequestTag/<key>` has its key in `aws:TagKeys` and the other way round,
//! as AWS builds both from the request's tags
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html#access_tags_control-requests>).
//! Many services also authorize the tagging itself, as a second action on the new resource:
//! the request is allowed only if that one is too.

use crate::catalog::after_prefix;
use crate::request::Context;

/// The key of a request tag.
const REQUEST_TAG: &str = "aws:requesttag/";

/// The key listing a request's tag keys.
const TAG_KEYS: &str = "aws:tagkeys";

/// The tags a request carries: from the chosen `aws:RequestTag/<key>` values, then a tag for
/// each chosen `aws:TagKeys` value not among them, valued `fill`. Empty when no tag key was
/// chosen.
pub(super) fn tags_of(chosen: &[(String, String, bool)], fill: &str) -> Vec<(String, String)> {
    let mut tags: Vec<(String, String)> = Vec::new();
    for (k, v, _) in chosen {
        let Some(key) = after_prefix(k, REQUEST_TAG) else {
            continue;
        };
        // Condition keys, tag keys in them included, are matched ignoring case.
        if !tags.iter().any(|(t, _)| t.eq_ignore_ascii_case(key)) {
            tags.push((key.to_string(), v.clone()));
        }
    }
    for (_, v, _) in chosen
        .iter()
        .filter(|(k, _, _)| k.eq_ignore_ascii_case(TAG_KEYS))
    {
        // `aws:TagKeys` compares the tag's key as written, `aws:RequestTag/<key>` ignores its
        // case: a tag spelled as `aws:TagKeys` wants meets both.
        match tags.iter_mut().find(|(t, _)| t.eq_ignore_ascii_case(v)) {
            Some((t, _)) => v.clone_into(t),
            None => tags.push((v.clone(), fill.to_string())),
        }
    }
    tags
}

/// Put `tags` in `ctx` as AWS would: `aws:RequestTag/<key>` for each, `aws:TagKeys` listing
/// their keys.
pub(super) fn put_tags(ctx: &mut Context, tags: &[(String, String)]) {
    if tags.is_empty() {
        return;
    }
    for (k, v) in tags {
        ctx.insert(&format!("aws:RequestTag/{k}"), v.as_str());
    }
    ctx.insert_list("aws:TagKeys", tags.iter().map(|(k, _)| k.as_str()));
}

/// The second authorization a create with tags needs: `action` on the new resource, with
/// `context` added (EC2's `ec2:CreateAction`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TagAuthorization {
    /// The tagging action
    pub(super) action: String,
    /// Keys the service adds to that request
    pub(super) context: Vec<(&'static str, String)>,
}

/// The tagging a service authorizes besides `action` (`service:Action`, any case) when the
/// request carries tags, on the request's own resource (what the create makes); `None` when
/// the service asks nothing more, or iamsim does not know what it asks or on what resource
/// (the create's own authorization is then taken as enough: an over-approximation, never a
/// missed path). Sources by service:
/// - Lambda: <https://docs.aws.amazon.com/lambda/latest/dg/configuration-tags.html>
///   (`lambda:TagResource` "to ... perform a tag on create"): `CreateFunction`, whose request
///   names the function (an event source mapping's create names `*`);
/// - EC2: <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/supported-iam-actions-tagging.html>
///   (`ec2:CreateTags`, with `ec2:CreateAction` naming the create). The catalog lists EC2's
///   request tags under resource types, not per action, so reach never sends tags on an EC2
///   create (docs/reach.md);
/// - SageMaker: <https://docs.aws.amazon.com/sagemaker/latest/dg/security_iam_id-based-policy-examples.html#grant-tagging-permissions>
///   (`sagemaker:AddTags`, which `sagemaker:TaggingAction` may name the create in);
/// - IAM users: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_iam-new-user-tag.html>
///   (`iam:CreateUser` with `iam:TagUser`); roles likewise `iam:TagRole` (the error AWS gives a
///   `CreateRole` with tags without it). Instance profiles and policies are not documented.
///
/// ECS documents `ecs:TagResource` with `ecs:CreateAction`
/// (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/supported-iam-actions-tagging.html>),
/// but on the task a `RunTask` starts, which the request does not name: the create alone here.
/// Not documented, so the create alone: Glue (which recommends `glue:TagResource` "as a best
/// practice"), Auto Scaling, CodeBuild, Systems Manager, Batch, App Runner, EMR Serverless,
/// Managed Flink, CloudFormation and Bedrock AgentCore.
pub(super) fn tag_authorization(action: &str) -> Option<TagAuthorization> {
    let (service, name) = action.split_once(':')?;
    let service = service.to_ascii_lowercase();
    let lower = name.to_ascii_lowercase();
    let simple = |a: &str| {
        Some(TagAuthorization {
            action: a.to_string(),
            context: Vec::new(),
        })
    };
    match service.as_str() {
        "lambda" if lower == "createfunction" => simple("lambda:TagResource"),
        "ec2" => Some(TagAuthorization {
            action: "ec2:CreateTags".to_string(),
            context: vec![("ec2:CreateAction", name.to_string())],
        }),
        "sagemaker" if lower.starts_with("create") => Some(TagAuthorization {
            action: "sagemaker:AddTags".to_string(),
            context: vec![("sagemaker:TaggingAction", name.to_string())],
        }),
        "iam" => match lower.as_str() {
            "createrole" => simple("iam:TagRole"),
            "createuser" => simple("iam:TagUser"),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chosen(entries: &[(&str, &str, bool)]) -> Vec<(String, String, bool)> {
        entries
            .iter()
            .map(|(k, v, l)| (k.to_string(), v.to_string(), *l))
            .collect()
    }

    #[test]
    fn request_tags_and_tag_keys_make_one_set_of_tags() {
        let tags = tags_of(
            &chosen(&[
                ("aws:RequestTag/team", "red", false),
                ("aws:TagKeys", "Team", true),
                ("aws:TagKeys", "env", true),
                ("lambda:VpcIds", "vpc-1", true),
            ]),
            "x",
        );
        let want = [("Team", "red"), ("env", "x")];
        assert_eq!(
            tags,
            want.map(|(k, v)| (k.to_string(), v.to_string())).to_vec()
        );
        let mut ctx = Context::new();
        put_tags(&mut ctx, &tags);
        let mut expected = Context::new();
        expected.insert("aws:RequestTag/Team", "red");
        expected.insert("aws:RequestTag/env", "x");
        expected.insert_list("aws:TagKeys", ["Team", "env"]);
        assert_eq!(ctx, expected);
        assert!(tags_of(&chosen(&[("lambda:VpcIds", "v", true)]), "x").is_empty());
    }

    #[test]
    fn each_known_service_names_its_tagging_action() {
        let action = |a: &str| tag_authorization(a).map(|t| t.action);
        assert_eq!(
            action("lambda:CreateFunction").as_deref(),
            Some("lambda:TagResource")
        );
        assert_eq!(action("iam:CreateRole").as_deref(), Some("iam:TagRole"));
        assert_eq!(action("iam:PassRole"), None);
        assert_eq!(action("glue:CreateJob"), None);
        assert_eq!(action("ecs:RunTask"), None);
        assert_eq!(action("lambda:CreateEventSourceMapping"), None);
        assert_eq!(
            action("sagemaker:CreateTrainingJob").as_deref(),
            Some("sagemaker:AddTags")
        );
        let ec2 = tag_authorization("ec2:RunInstances");
        assert_eq!(
            ec2.map(|t| t.context),
            Some(vec![("ec2:CreateAction", "RunInstances".to_string())])
        );
    }
}
