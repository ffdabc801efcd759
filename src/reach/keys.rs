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

/// Services with a single endpoint, and the region it is in (in the `aws` partition): their
/// requests are made to that region whatever region the caller works in. IAM, CloudFront,
/// Route 53 and Support: `us-east-1`; Amazon Q Developer in chat applications (`chatbot`) and
/// Device Farm: `us-west-2`
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_deny-requested-region.html>).
const SINGLE_ENDPOINT: &[(&str, &str)] = &[
    ("iam", "us-east-1"),
    ("cloudfront", "us-east-1"),
    ("route53", "us-east-1"),
    ("support", "us-east-1"),
    ("chatbot", "us-west-2"),
    ("devicefarm", "us-west-2"),
];

/// The `aws:RequestedRegion` of one request: the region it is sent to, and whether the
/// service's single endpoint fixes it (else the attacker picks the region, and a value it
/// chose to meet an Allow's condition wins).
#[derive(Debug, Clone, Copy)]
pub(super) struct RequestedRegion<'r> {
    value: &'r str,
    fixed: bool,
}

impl<'r> RequestedRegion<'r> {
    /// The region a request for `action` goes to when the attacker works in `region` of
    /// `partition`: a single-endpoint service's own (IAM's is `us-gov-west-1` in GovCloud and
    /// `cn-north-1` in China), else `region`.
    pub(super) fn of(action: &str, region: &'r str, partition: &str) -> Self {
        let service = action.split(':').next().unwrap_or_default();
        let own = SINGLE_ENDPOINT
            .iter()
            .find(|(s, _)| s.eq_ignore_ascii_case(service))
            .map(|(_, r)| *r);
        let value = match (own, partition) {
            (Some(r), "aws") => Some(r),
            (Some(_), "aws-us-gov") if service.eq_ignore_ascii_case("iam") => Some("us-gov-west-1"),
            (Some(_), "aws-cn") if service.eq_ignore_ascii_case("iam") => Some("cn-north-1"),
            _ => None,
        };
        match value {
            Some(value) => Self { value, fixed: true },
            None => Self {
                value: region,
                fixed: false,
            },
        }
    }

    /// Put the key in `ctx`: `late` false before the attacker's choices are added (they may
    /// replace it), `late` true after them (a single endpoint's region replaces any choice).
    pub(super) fn apply(self, ctx: &mut Context, late: bool) {
        if self.fixed == late {
            self.set(ctx);
        }
    }

    /// Put the key in `ctx`, replacing any value there (a request with no choices to make).
    pub(super) fn set(self, ctx: &mut Context) {
        ctx.insert("aws:RequestedRegion", self.value);
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

    #[test]
    fn iam_goes_to_its_single_endpoint_other_services_to_the_region() {
        let r = |a: &str, p: &str| RequestedRegion::of(a, "eu-west-1", p);
        assert_eq!(r("iam:PassRole", "aws").value, "us-east-1");
        assert_eq!(r("iam:PassRole", "aws-us-gov").value, "us-gov-west-1");
        assert_eq!(r("lambda:CreateFunction", "aws").value, "eu-west-1");
        assert_eq!(r("sts:AssumeRole", "aws").value, "eu-west-1");
        assert!(r("iam:PassRole", "aws").fixed && !r("s3:GetObject", "aws").fixed);
    }
}
