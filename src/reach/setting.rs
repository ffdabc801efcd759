//! Where a technique's request is made and with what: its resource for the target, the context
//! the technique sets (placeholders filled, `iam:AssociatedResourceArn`, the confused-deputy keys
//! a service sends), and whether the target has the facts the technique needs.

use super::attack::Attack;
use super::index::{Index, NodeKind};
use super::mini;
use super::names::fill;
use super::plan::Via;
use super::prove::source_arn;
use super::technique::{techniques, Requirement, ResourceRef, Technique, TechniqueRequest};
use super::witness::Place;

impl<'p, 'a> Attack<'p, 'a> {
    /// For a request of technique `ti` passing the role to the resource the technique creates,
    /// that resource's ARN (`chosen`, else the template with the default name), which it
    /// carries as `iam:AssociatedResourceArn`.
    pub(super) fn associated(
        &self,
        ti: usize,
        r: &TechniqueRequest,
        chosen: Option<&str>,
    ) -> Option<String> {
        let template = techniques()
            .get(ti)
            .and_then(Technique::associated_template)
            .filter(|_| Technique::passes_role(r))?;
        if let Some(arn) = chosen {
            return Some(arn.to_string());
        }
        let ix = self.ix;
        let account = ix.account(self.x);
        let partition = ix.partition(self.x);
        Some(fill(template, partition, &ix.region, account))
    }

    /// Where request `r` is made for target `to`.
    pub(super) fn place(
        &self,
        r: &'static TechniqueRequest,
        to: usize,
        via: Via,
    ) -> Option<Place<'p>> {
        let ix: &'p Index<'a> = self.ix;
        let arn_of = |n: usize| ix.nodes.get(n).map(|n| n.arn.as_str());
        Some(match &r.resource {
            ResourceRef::TargetRole | ResourceRef::TargetUser => Place::Fixed(arn_of(to)?),
            ResourceRef::TargetGroup => match via {
                Via::Group(g) => Place::Fixed(ix.inv.groups.get(g)?.arn.as_str()),
                _ => Place::Fixed(arn_of(to)?),
            },
            ResourceRef::TargetPolicy => match via {
                Via::Policy(p) => Place::Fixed(ix.inv.managed_policies.get(p)?.arn.as_str()),
                _ => return None,
            },
            ResourceRef::SelfPrincipal => Place::Fixed(arn_of(self.x)?),
            ResourceRef::RunsAsResource => match via {
                Via::RunsAs(res) => Place::Fixed(ix.inv.resources.get(res)?.arn.as_str()),
                _ => return None,
            },
            ResourceRef::New(t) => Place::New(t),
            ResourceRef::Existing(t) => Place::Existing(self.plan.existing.get(t)?.as_slice()),
            ResourceRef::Any => Place::Fixed("*"),
        })
    }

    /// The ARN of target node `to`.
    pub(super) fn target_role_or(&self, to: usize) -> Option<String> {
        self.ix.nodes.get(to).map(|n| n.arn.clone())
    }

    /// The technique's context for target `to`, placeholders filled, and for a request passing
    /// the role to a resource the technique creates, that resource's ARN (`associated`, see
    /// [`Self::associated`]) as `iam:AssociatedResourceArn`; `None` when the context cannot be
    /// filled (a role in no instance profile).
    pub(super) fn fixed_context(
        &self,
        r: &TechniqueRequest,
        associated: Option<String>,
        to: usize,
    ) -> Option<Vec<(String, String)>> {
        let ix = self.ix;
        let partition = ix.partition(self.x);
        let account = ix.account(self.x);
        let mut out = Vec::with_capacity(r.context.len());
        for (k, v) in &r.context {
            let value = if v.contains("${TargetRoleArn}") {
                v.replace("${TargetRoleArn}", &self.target_role_or(to)?)
            } else if v.contains("${TargetInstanceProfileArn}") {
                let role = ix.nodes.get(to)?.item.and_then(|i| ix.inv.roles.get(i))?;
                v.replace(
                    "${TargetInstanceProfileArn}",
                    role.instance_profile_arns.first()?,
                )
            } else if v.contains("${AttackerLayerVersionArn}") {
                let layer = format!(
                    "arn:{partition}:lambda:{}:{account}:layer:iamsim-reach:1",
                    ix.region
                );
                v.replace("${AttackerLayerVersionArn}", &layer)
            } else {
                v.replace("${Partition}", partition)
            };
            out.push((k.clone(), value));
        }
        if let Some(arn) = associated {
            out.push(("iam:AssociatedResourceArn".into(), arn));
        }
        let x = ix.nodes.get(self.x)?;
        let assumes = r
            .actions
            .iter()
            .any(|a| a.eq_ignore_ascii_case("sts:AssumeRole"));
        if x.kind == NodeKind::Service && assumes {
            // A service assumes a role for a resource of the role's own account, naming it as
            // the confused-deputy keys (https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
            let owner = ix.nodes.get(to)?.account.clone().unwrap_or_default();
            let source = source_arn(&x.arn, std::iter::empty(), partition, &ix.region, &owner);
            out.push(("aws:SourceAccount".into(), owner));
            out.push(("aws:SourceArn".into(), source));
        }
        // The tags of a created resource in this attempt (created_tags.rs).
        if let Some(tagged) = &self.tagged {
            out.extend(tagged.context_for(r));
        }
        Some(out)
    }

    /// Whether the facts technique `t` needs hold for target `to` through `via`.
    pub(super) fn requirement_holds(&self, t: &Technique, to: usize, via: Via) -> bool {
        let ix = self.ix;
        let Some(req) = t.requires else {
            return true;
        };
        let node = ix.nodes.get(to);
        let user = node
            .filter(|n| n.kind == NodeKind::User)
            .and_then(|n| n.item)
            .and_then(|i| ix.inv.users.get(i));
        let role = node
            .filter(|n| n.kind == NodeKind::Role)
            .and_then(|n| n.item)
            .and_then(|i| ix.inv.roles.get(i));
        match req {
            Requirement::FewerThanTwoAccessKeys => user.is_some_and(|u| u.access_keys.len() < 2),
            Requirement::AnAccessKey => user.is_some_and(|u| !u.access_keys.is_empty()),
            Requirement::NoLoginProfile => user.is_some_and(|u| !u.login_profile),
            Requirement::ALoginProfile => user.is_some_and(|u| u.login_profile),
            Requirement::AnInstanceProfile => {
                role.is_some_and(|r| !r.instance_profile_arns.is_empty())
            }
            Requirement::AnAdminPolicyVersion => self.admin_version(via),
        }
    }

    /// Whether another version of the policy `via` names makes the attacker admin.
    pub(super) fn admin_version(&self, via: Via) -> bool {
        let ix = self.ix;
        let Via::Policy(p) = via else { return false };
        let Some(policy) = ix.inv.managed_policies.get(p) else {
            return false;
        };
        let Some(principal) = ix.nodes.get(self.x).and_then(|n| n.principal.clone()) else {
            return false;
        };
        policy.versions.iter().any(|v| {
            mini::with_version(ix, self.x, &policy.arn, &v.policy)
                .is_some_and(|e| mini::allowed_everything(ix, self.x, &e, &principal))
        })
    }
}
