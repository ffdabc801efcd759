//! The escalation-technique catalog (`data/escalation-techniques.json`, compiled in): each way
//! one principal gains another's permissions, as the requests the attacker must be allowed and
//! what it gains. Format and modelling rules: docs/reach.md.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The catalog text compiled into the binary.
pub const EMBEDDED_TECHNIQUES: &str = include_str!("../../data/escalation-techniques.json");

/// What the attacker gains over the target principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Gains {
    /// Its credentials: it can do everything the target can
    Becomes,
    /// Only some of its actions, through a service acting with the target's role
    ActsAs,
}

impl Gains {
    /// The JSON spelling: `becomes` or `acts-as`
    pub fn name(self) -> &'static str {
        match self {
            Self::Becomes => "becomes",
            Self::ActsAs => "acts-as",
        }
    }
}

/// Which principals a technique reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TargetKind {
    /// A role the attacker assumes (`sts:AssumeRole`)
    AssumedRole,
    /// A role the attacker passes to a service that then runs the attacker's code as it
    PassedRole,
    /// The role an existing resource runs as (`runs_as` in the inventory)
    RunsAsRole,
    /// The attacker itself, its permissions rewritten
    #[serde(rename = "self")]
    SelfPrincipal,
    /// Another IAM user (new credentials for it)
    User,
    /// A group the attacker (a user) joins
    Group,
    /// The attacker, through a managed policy it holds
    PolicyHolder,
}

/// A fact about the target a technique needs (docs/formats.md, the facts for reach).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Requirement {
    /// The user has fewer than two access keys (AWS's limit), so one more can be created
    FewerThanTwoAccessKeys,
    /// The user has an access key to delete
    AnAccessKey,
    /// The user has no console password yet
    NoLoginProfile,
    /// The user has a console password to reset
    ALoginProfile,
    /// The role is in an instance profile
    AnInstanceProfile,
    /// The policy has another version that makes its holder admin
    AnAdminPolicyVersion,
}

/// The resource a technique's request is made on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceRef {
    /// The target role's ARN
    TargetRole,
    /// The target user's ARN
    TargetUser,
    /// The target group's ARN (for a self technique: a group the attacker is in)
    TargetGroup,
    /// A customer-managed policy the target (or the attacker) holds
    TargetPolicy,
    /// The attacker's own ARN
    SelfPrincipal,
    /// The existing resource that runs as the target role
    RunsAsResource,
    /// A resource the attacker creates: an ARN template whose `${...}` names it chooses
    New(String),
    /// Any existing resource of the inventory matching the ARN template
    Existing(String),
    /// `*`
    Any,
}

/// One request of a technique: any of `actions` on `resource` with `context`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TechniqueRequest {
    /// The action, then its alternatives (any one suffices)
    pub actions: Vec<String>,
    /// Where it is made
    pub resource: ResourceRef,
    /// Context keys the technique sets (placeholders such as `${TargetRoleArn}` filled per edge)
    pub context: Vec<(String, String)>,
}

/// One escalation technique.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Technique {
    /// Stable id, e.g. `agentcore-code-interpreter-create`
    pub id: String,
    /// One line on what the attacker does
    pub name: String,
    /// Becomes or acts as
    pub gains: Gains,
    /// Which principals it reaches
    pub target: TargetKind,
    /// For a passed role: the service principal the role must trust
    pub service: Option<String>,
    /// The attacker writes the gained principal's permissions, so it gains admin
    pub admin: bool,
    /// A fact the target must have
    pub requires: Option<Requirement>,
    /// Why iamsim does not compute this technique's edges (it is listed for completeness)
    pub not_modelled: Option<String>,
    /// The requests the attacker must be allowed, all of them
    pub requests: Vec<TechniqueRequest>,
    /// For acts-as: the actions gained (`*` for all of the target's)
    pub acts_as_actions: Vec<String>,
    /// Where it is documented
    pub sources: Vec<String>,
}

impl Technique {
    /// For a passed-role technique: the ARN template of the resource the role is associated
    /// with, which `iam:PassRole` requests carry as `iam:AssociatedResourceArn`: the first
    /// resource the technique creates in its service (an EC2 instance for `ec2.amazonaws.com`).
    /// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_AssociatedResourceArn>
    pub fn associated_template(&self) -> Option<&str> {
        if self.target != TargetKind::PassedRole {
            return None;
        }
        let label = service_namespace(self.service.as_deref()?);
        self.requests.iter().find_map(|r| match &r.resource {
            ResourceRef::New(t) if t.split(':').nth(2) == Some(label) => Some(t.as_str()),
            _ => None,
        })
    }

    /// Whether request `r` passes a role (`iam:PassRole`), so it carries
    /// `iam:AssociatedResourceArn` when the technique creates the resource (see
    /// [`Self::associated_template`]).
    pub fn passes_role(r: &TechniqueRequest) -> bool {
        r.actions
            .iter()
            .any(|a| a.eq_ignore_ascii_case("iam:PassRole"))
    }
}

/// The ARN namespace of the resources of service principal `service`
/// (`ec2.amazonaws.com` -> `ec2`, `bedrock-agentcore.amazonaws.com` -> `bedrock-agentcore`).
pub fn service_namespace(service: &str) -> &str {
    service
        .strip_suffix(".amazonaws.com")
        .unwrap_or(service)
        .rsplit('.')
        .next()
        .unwrap_or(service)
}

/// Why the technique catalog is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("escalation techniques: {path}: {message}")]
pub struct TechniqueError {
    /// The JSON path
    pub path: String,
    /// What is wrong
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    schema_version: u32,
    #[allow(dead_code, reason = "documentation for readers of the file")]
    description: String,
    techniques: Vec<RawTechnique>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTechnique {
    id: String,
    name: String,
    gains: Gains,
    target: TargetKind,
    service: Option<String>,
    requires_trust: bool,
    #[serde(default)]
    admin: bool,
    requires: Option<Requirement>,
    not_modelled: Option<String>,
    requests: Vec<RawRequest>,
    #[serde(default)]
    acts_as_actions: Vec<String>,
    #[allow(dead_code, reason = "documentation for readers of the file")]
    precondition: String,
    #[allow(dead_code, reason = "documentation for readers of the file")]
    notes: String,
    sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequest {
    action: String,
    resource: String,
    #[serde(default)]
    alternatives: Vec<String>,
    #[serde(default)]
    context: indexmap::IndexMap<String, String>,
}

/// The embedded catalog, parsed once.
pub fn techniques() -> &'static [Technique] {
    static PARSED: OnceLock<Vec<Technique>> = OnceLock::new();
    PARSED.get_or_init(|| {
        #[expect(
            clippy::expect_used,
            reason = "the catalog is part of the build and the `embedded_catalog_is_valid` test \
                      parses it, so a failure here is a build defect, not bad input"
        )]
        parse_techniques(EMBEDDED_TECHNIQUES).expect("the embedded technique catalog parses")
    })
}

/// The technique with id `id`.
pub fn technique(id: &str) -> Option<&'static Technique> {
    techniques().iter().find(|t| t.id == id)
}

/// Parse and check a catalog in the format of `data/escalation-techniques.json`.
pub fn parse_techniques(text: &str) -> Result<Vec<Technique>, TechniqueError> {
    let err = |path: String, message: String| TechniqueError { path, message };
    let value = crate::json::from_str(text).map_err(|e| err("(document)".into(), e.to_string()))?;
    let raw: RawCatalog =
        serde_json::from_value(value).map_err(|e| err("(document)".into(), e.to_string()))?;
    if raw.schema_version != 1 {
        return Err(err(
            "schema_version".into(),
            format!("unsupported version {}", raw.schema_version),
        ));
    }
    let mut out: Vec<Technique> = Vec::with_capacity(raw.techniques.len());
    for (i, t) in raw.techniques.into_iter().enumerate() {
        let at = format!("techniques[{i}]");
        if out.iter().any(|o| o.id == t.id) {
            return Err(err(
                format!("{at}.id"),
                format!("`{}` is listed twice", t.id),
            ));
        }
        let technique = convert(t).map_err(|(p, m)| err(format!("{at}.{p}"), m))?;
        out.push(technique);
    }
    Ok(out)
}

/// Check one technique and convert it; errors are (path inside it, message).
fn convert(t: RawTechnique) -> Result<Technique, (String, String)> {
    let fail = |p: &str, m: String| Err((p.to_string(), m));
    let id_ok = !t.id.is_empty()
        && t.id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !id_ok {
        return fail("id", format!("`{}` is not a lowercase id", t.id));
    }
    if t.sources.is_empty() || t.sources.iter().any(|s| !s.starts_with("https://")) {
        return fail("sources", "every technique cites https:// sources".into());
    }
    if t.requests.is_empty() {
        return fail("requests", "a technique needs at least one request".into());
    }
    if (t.gains == Gains::ActsAs) == t.acts_as_actions.is_empty() {
        return fail(
            "acts_as_actions",
            "acts-as techniques (and only they) list the actions gained".into(),
        );
    }
    if (t.target == TargetKind::PassedRole) != (t.service.is_some() && t.requires_trust) {
        return fail(
            "service",
            "a passed-role technique (and only it) names the service the role must trust".into(),
        );
    }
    let mut requests = Vec::with_capacity(t.requests.len());
    for (i, r) in t.requests.into_iter().enumerate() {
        let resource = resource_ref(&r.resource, t.target)
            .map_err(|m| (format!("requests[{i}].resource"), m))?;
        let mut actions = vec![r.action];
        actions.extend(r.alternatives);
        requests.push(TechniqueRequest {
            actions,
            resource,
            context: r.context.into_iter().collect(),
        });
    }
    Ok(Technique {
        id: t.id,
        name: t.name,
        gains: t.gains,
        target: t.target,
        service: t.service,
        admin: t.admin,
        requires: t.requires,
        not_modelled: t.not_modelled,
        requests,
        acts_as_actions: t.acts_as_actions,
        sources: t.sources,
    })
}

/// Read a request's `resource`, checking it makes sense for the technique's target.
fn resource_ref(text: &str, target: TargetKind) -> Result<ResourceRef, String> {
    use TargetKind::*;
    let r = match text {
        "target-role" => ResourceRef::TargetRole,
        "target-user" => ResourceRef::TargetUser,
        "target-group" => ResourceRef::TargetGroup,
        "target-policy" => ResourceRef::TargetPolicy,
        "self" => ResourceRef::SelfPrincipal,
        "runs-as-resource" => ResourceRef::RunsAsResource,
        "*" => ResourceRef::Any,
        _ => match text.split_once(':') {
            Some(("new", t)) if t.starts_with("arn:") => ResourceRef::New(t.into()),
            Some(("existing", t)) if t.starts_with("arn:") => ResourceRef::Existing(t.into()),
            _ => return Err(format!("`{text}` is not a resource reference")),
        },
    };
    let fits = match &r {
        ResourceRef::TargetRole => matches!(target, AssumedRole | PassedRole | RunsAsRole),
        ResourceRef::TargetUser => target == User,
        ResourceRef::TargetGroup => matches!(target, Group | SelfPrincipal),
        ResourceRef::TargetPolicy => matches!(target, PolicyHolder | AssumedRole),
        ResourceRef::SelfPrincipal => target == SelfPrincipal,
        ResourceRef::RunsAsResource => target == RunsAsRole,
        _ => true,
    };
    if fits {
        Ok(r)
    } else {
        Err(format!("`{text}` does not fit a {target:?} technique"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Catalog, ResourceCheck};

    /// A template with every `${...}` filled: the platform's partition, region and account,
    /// and a name for anything the attacker (or AWS) chooses.
    fn instance(template: &str) -> String {
        template
            .replace("${Partition}", "aws")
            .replace("${Region}", "us-east-1")
            .replace("${Account}", "111122223333")
            .split("${")
            .enumerate()
            .map(|(i, part)| match (i, part.split_once('}')) {
                (0, _) | (_, None) => part.to_string(),
                (_, Some((_, rest))) => format!("iamsim1{rest}"),
            })
            .collect()
    }

    #[test]
    fn embedded_catalog_is_valid() {
        let all = techniques();
        assert!(all.len() >= 90, "{}", all.len());
        for id in [
            "sts-assume-role",
            "agentcore-code-interpreter-create",
            "agentcore-runtime-invoke-command-existing",
            "agentcore-gateway-create",
            "iam-put-role-policy-self",
        ] {
            assert!(technique(id).is_some(), "{id}");
        }
    }

    /// Every action a technique names is one AWS has, and every resource template is an ARN
    /// of a resource type the action takes (Service Authorization Reference, via the catalog).
    #[test]
    fn every_action_and_template_is_in_the_aws_catalog() {
        let catalog = Catalog::embedded();
        let mut problems = Vec::new();
        for t in techniques() {
            for r in &t.requests {
                for a in &r.actions {
                    if catalog.action(a).is_none() {
                        problems.push(format!("{}: unknown action {a}", t.id));
                        continue;
                    }
                    let arn = match &r.resource {
                        ResourceRef::New(tmpl) | ResourceRef::Existing(tmpl) => instance(tmpl),
                        _ => continue,
                    };
                    let check = catalog.check_resource(a, &arn);
                    if !matches!(check, ResourceCheck::Matches(_)) {
                        problems.push(format!("{}: {a} does not take {arn}: {check:?}", t.id));
                    }
                }
            }
            for r in &t.requests {
                for (key, _) in &r.context {
                    let known = r
                        .actions
                        .iter()
                        .any(|a| catalog.condition_key_known(a, key));
                    if !known {
                        problems.push(format!(
                            "{}: {key} is no condition key of {:?}",
                            t.id, r.actions
                        ));
                    }
                }
                let on_existing = r.resource == ResourceRef::RunsAsResource;
                for a in r.actions.iter().filter(|_| on_existing) {
                    if catalog.action(a).is_some_and(|x| !x.has_resource_types()) {
                        problems.push(format!(
                            "{}: {a} takes no resource, so no runs-as resource",
                            t.id
                        ));
                    }
                }
            }
            for a in t.acts_as_actions.iter().filter(|a| *a != "*") {
                if catalog.action(a).is_none() {
                    problems.push(format!("{}: unknown acts-as action {a}", t.id));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn a_bad_catalog_names_the_path() {
        let text = r#"{"schema_version": 1, "description": "", "techniques": [
            {"id": "x", "name": "", "gains": "becomes", "target": "user", "service": null,
             "requires_trust": false, "requests": [{"action": "iam:CreateAccessKey",
             "resource": "target-role"}], "precondition": "", "notes": "",
             "sources": ["https://example.com"]}]}"#;
        assert_eq!(
            parse_techniques(text).unwrap_err().to_string(),
            "escalation techniques: techniques[0].requests[0].resource: `target-role` does not fit a User technique"
        );
        let dup = text.replace(
            "\"gains\": \"becomes\",",
            "\"gains\": \"becomes\", \"gains\": \"acts-as\",",
        );
        assert!(parse_techniques(&dup).is_err());
    }
}
