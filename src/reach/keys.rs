//! Which condition keys an attacker controls and which AWS sets. A condition on a key the
//! attacker controls (a tag it puts on its request, the name of what it creates, a parameter
//! of its call) can be met by choosing the value; a key AWS sets takes the value AWS gives that
//! principal's requests and is never chosen to satisfy a policy. docs/reach.md lists both.
//! Keys: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>

use crate::request::{Context, IamKind, Principal};

/// Global keys AWS sets from the caller, its session, its network or the resource: the
/// attacker cannot choose them. The engine fills the principal's and resource's own keys
/// (`aws:PrincipalArn`, `aws:PrincipalTag/*`, `aws:ResourceTag/*`, ...); the rest stay absent,
/// as for a call made with the credentials a technique yields (no MFA, no VPC endpoint, a
/// direct call rather than one a service makes on the caller's behalf).
const AWS_SET: &[&str] = &[
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principalorgpaths",
    "aws:principalorgid",
    "aws:principaltag/",
    "aws:principalisawsservice",
    "aws:principalservicename",
    "aws:principalservicenameslist",
    "aws:principaltype",
    "aws:userid",
    "aws:username",
    "aws:assumedroot",
    "aws:federatedprovider",
    "aws:tokenissuetime",
    "aws:multifactorauthage",
    "aws:multifactorauthpresent",
    "aws:chatbotsourcearn",
    "aws:ec2instancesourcevpc",
    "aws:ec2instancesourceprivateipv4",
    "aws:sourceidentity",
    "aws:sourceip",
    "aws:sourcevpc",
    "aws:sourcevpcarn",
    "aws:sourcevpce",
    "aws:vpcsourceip",
    "aws:vpceaccount",
    "aws:vpceorgid",
    "aws:vpceorgpaths",
    "aws:resourceaccount",
    "aws:resourceorgid",
    "aws:resourceorgpaths",
    "aws:resourcetag/",
    "aws:calledvia",
    "aws:calledviafirst",
    "aws:calledvialast",
    "aws:viaawsservice",
    "aws:currenttime",
    "aws:epochtime",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "ec2:roledelivery",
    "ec2:sourceinstancearn",
    "glue:roleassumedby",
    "glue:credentialissuingservice",
    "lambda:sourcefunctionarn",
    "ssm:sourceinstancearn",
    "identitystore:userid",
    "iam:passedtoservice",
    "iam:associatedresourcearn",
    "kms:calleraccount",
    "kms:viaservice",
    "kms:grantisforawsresource",
];

/// Whether the attacker chooses the value of `key` in its own requests.
///
/// AWS-set: the keys in `AWS_SET` (matched ignoring case, `.../` entries as prefixes), any
/// service's `ResourceTag/...` and `ExistingObjectTag/...` (the state of an existing resource),
/// and the keys of identity providers (`accounts.google.com:aud`, `saml:...`). Everything else
/// (`aws:RequestTag/*`, `aws:TagKeys`, `aws:RequestedRegion`, `aws:SecureTransport`,
/// `aws:Referer`, `aws:UserAgent`, and a service's request parameters such as
/// `ec2:InstanceType` or `iam:PolicyARN`) is the attacker's to choose.
pub fn attacker_controls(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    let aws_set = AWS_SET.iter().any(|k| {
        let k = k.to_ascii_lowercase();
        if k.ends_with('/') {
            lower.starts_with(&k)
        } else {
            lower == k
        }
    });
    let resource_state = lower.contains(":resourcetag/") || lower.contains(":existingobjecttag/");
    let provider = lower.starts_with("saml:") || lower.contains(".com:") || lower.contains(".net:");
    !(aws_set || resource_state || provider)
}

/// Add the keys AWS sets on every request of `caller`'s session that the engine does not fill
/// from the inventory, unless `ctx` has them. A role acts only through a session: temporary
/// credentials from `sts:AssumeRole`, obtained on a path without MFA, so its requests carry
/// `aws:MultiFactorAuthPresent` = `false` (the key is present in requests signed with
/// temporary credentials: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent>).
/// A user's long-term access keys carry no such key, so it stays absent for users.
pub(super) fn session_keys(caller: &Principal, ctx: &mut Context) {
    if let Principal::Iam(p) = caller {
        if matches!(p.kind, IamKind::Role { .. }) {
            ctx.insert_default("aws:MultiFactorAuthPresent", "false");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_sets_identity_network_and_resource_keys() {
        for key in [
            "aws:PrincipalArn",
            "aws:PrincipalTag/team",
            "aws:MultiFactorAuthPresent",
            "aws:TokenIssueTime",
            "aws:SourceIp",
            "aws:ResourceTag/env",
            "s3:ExistingObjectTag/x",
            "ec2:ResourceTag/Name",
            "iam:PassedToService",
            "kms:CallerAccount",
            "accounts.google.com:aud",
            "saml:aud",
        ] {
            assert!(!attacker_controls(key), "{key}");
        }
    }

    #[test]
    fn the_attacker_sets_its_request() {
        for key in [
            "aws:RequestTag/team",
            "aws:TagKeys",
            "aws:RequestedRegion",
            "aws:SecureTransport",
            "iam:PolicyARN",
            "ec2:InstanceType",
            "lambda:Layer",
            "cloudformation:RoleArn",
        ] {
            assert!(attacker_controls(key), "{key}");
        }
    }
}
