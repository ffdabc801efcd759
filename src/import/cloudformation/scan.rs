//! Fail closed on what the importer does not read: a resource type known to carry a policy or
//! create a principal, or any resource whose properties hold a policy document (an object with
//! `Statement`, or a JSON string of one), is a problem naming its logical id and the path.
//! Other resources (buckets, queues, functions' code, ...) grant nothing and are skipped.

use serde_json::Value;

use super::context::at_resource;
use super::env::At;
use super::eval::Stack;

/// Types that carry a resource-based or identity policy, or make a principal, which the importer
/// does not model (each from its page of the template reference).
const UNSUPPORTED: [&str; 40] = [
    "AWS::IAM::ServiceLinkedRole",
    "AWS::KMS::ReplicaKey",
    "AWS::S3::AccessPoint",
    "AWS::S3::MultiRegionAccessPointPolicy",
    "AWS::S3Express::BucketPolicy",
    "AWS::S3Express::AccessPoint",
    "AWS::S3ObjectLambda::AccessPointPolicy",
    "AWS::S3Tables::TablePolicy",
    "AWS::S3Tables::TableBucketPolicy",
    "AWS::OpenSearchService::Domain",
    "AWS::Elasticsearch::Domain",
    "AWS::OpenSearchServerless::AccessPolicy",
    "AWS::EFS::FileSystem",
    "AWS::Backup::BackupVault",
    "AWS::Events::EventBusPolicy",
    "AWS::Events::EventBus",
    "AWS::Logs::ResourcePolicy",
    "AWS::Logs::Destination",
    "AWS::ApiGateway::RestApi",
    "AWS::CodeArtifact::Domain",
    "AWS::CodeArtifact::Repository",
    "AWS::ECR::RegistryPolicy",
    "AWS::ECR::PublicRepository",
    "AWS::Lambda::LayerVersionPermission",
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::GlobalTable",
    "AWS::Kinesis::ResourcePolicy",
    "AWS::Organizations::Policy",
    "AWS::Organizations::ResourcePolicy",
    "AWS::SSO::PermissionSet",
    "AWS::EC2::VPCEndpoint",
    "AWS::VpcLattice::AuthPolicy",
    "AWS::VpcLattice::ResourcePolicy",
    "AWS::IoT::Policy",
    "AWS::Glue::ResourcePolicy",
    "AWS::SSM::ResourcePolicy",
    "AWS::XRay::ResourcePolicy",
    "AWS::CloudTrail::ResourcePolicy",
    "AWS::MSK::ClusterPolicy",
    "AWS::CloudFormation::Stack",
];

/// Properties of an otherwise unsupported type that, when absent, leave it granting nothing.
fn policy_properties(rtype: &str) -> Option<&'static [&'static str]> {
    Some(match rtype {
        "AWS::OpenSearchService::Domain" | "AWS::Elasticsearch::Domain" => &["AccessPolicies"],
        "AWS::EFS::FileSystem" => &["FileSystemPolicy"],
        "AWS::Backup::BackupVault" => &["AccessPolicy"],
        "AWS::Events::EventBus" => &["Policy"],
        "AWS::ApiGateway::RestApi" => &["Policy"],
        "AWS::CodeArtifact::Domain" | "AWS::CodeArtifact::Repository" => {
            &["PermissionsPolicyDocument"]
        }
        "AWS::ECR::PublicRepository" => &["RepositoryPolicyText"],
        "AWS::DynamoDB::Table" => &["ResourcePolicy"],
        "AWS::DynamoDB::GlobalTable" => &["Replicas"],
        "AWS::EC2::VPCEndpoint" => &["PolicyDocument"],
        "AWS::S3::AccessPoint" | "AWS::S3Express::AccessPoint" => &["Policy"],
        _ => return None,
    })
}

/// What makes a resource no reader takes a problem: (path, message); empty when it grants
/// nothing.
pub(crate) fn problems(rtype: &str, properties: &Value, at: &At) -> Vec<(At, String)> {
    if rtype.starts_with("AWS::Serverless::") {
        return vec![(
            at.key("Type"),
            format!("`{rtype}` is a SAM type: import the processed template"),
        )];
    }
    if UNSUPPORTED.contains(&rtype) {
        return match policy_properties(rtype) {
            Some(props) => props
                .iter()
                .filter(|p| properties.get(**p).is_some())
                .map(|p| {
                    (
                        at.key("Properties").key(p),
                        format!("`{rtype}` `{p}` is not read by the importer"),
                    )
                })
                .collect(),
            None => vec![(
                at.key("Type"),
                format!(
                    "`{rtype}` grants access or makes principals, and is not read by the importer"
                ),
            )],
        };
    }
    let mut found = Vec::new();
    documents(properties, &at.key("Properties"), &mut found);
    found
        .into_iter()
        .map(|p| {
            (
                p,
                format!("`{rtype}` holds a policy document the importer does not read"),
            )
        })
        .collect()
}

/// Records the problems of a resource no reader takes.
pub(crate) fn unread(stack: &Stack<'_>, logical: &str, rtype: &str) {
    let Some(res) = stack.t.resource(logical) else {
        return;
    };
    // An IAM type no reader takes (a new one) may make a principal or grant: not skipped.
    if rtype.starts_with("AWS::IAM::") && !UNSUPPORTED.contains(&rtype) {
        stack.fail(
            &at_resource(logical).key("Type"),
            format!("`{rtype}` is an IAM type the importer does not read"),
        );
        return;
    }
    for (at, message) in problems(rtype, &res.properties, &at_resource(logical)) {
        stack.fail(&at, message);
    }
}

/// The paths of policy documents inside `v`: objects with `Statement`, or JSON strings of one.
fn documents(v: &Value, at: &At, found: &mut Vec<At>) {
    match v {
        Value::Object(m) => {
            if m.contains_key("Statement") {
                found.push(at.clone());
                return;
            }
            for (k, x) in m {
                documents(x, &at.key(k), found);
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                documents(x, &at.index(i), found);
            }
        }
        Value::String(s)
            if s.contains("\"Statement\"")
                && crate::json::from_str(s).is_ok_and(|d| d.get("Statement").is_some()) =>
        {
            found.push(at.clone());
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_documents_as_objects_and_strings() {
        let props = json!({
            "A": {"Statement": []},
            "B": [{"x": "{\"Statement\": []}"}],
            "C": {"Fn::Join": ["", ["{\"Statement\"", "..."]]}
        });
        let mut found = Vec::new();
        documents(&props, &At { path: "P".into() }, &mut found);
        let paths: Vec<_> = found.into_iter().map(|a| a.path).collect();
        assert_eq!(paths, ["P.A", "P.B[0].x"]);
    }
}
