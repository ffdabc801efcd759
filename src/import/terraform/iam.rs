//! IAM resources: roles, users, groups, managed policies, inline policies, attachments and
//! group memberships (<https://registry.terraform.io/providers/hashicorp/aws/latest/docs>).

use super::context::Cx;
use super::plan::Instance;
use super::resolve::Scope;
use crate::import::builder::{Dir, Identity};
use crate::import::ImportError;

/// The inventory directory and `by_name` kind of a principal resource type.
fn kind(rtype: &str) -> (Dir, &'static str) {
    match rtype {
        "aws_iam_role" => (Dir::Roles, "role"),
        "aws_iam_user" => (Dir::Users, "user"),
        _ => (Dir::Groups, "group"),
    }
}

/// `aws_iam_role`, `aws_iam_user`, `aws_iam_group`.
pub(crate) fn identity(cx: &mut Cx, inst: &Instance) -> Result<(), ImportError> {
    let r = cx.r;
    let (dir, k) = kind(&inst.rtype);
    let name = cx.get(inst, "name", r.string(inst, "name"))?;
    let arn = cx.get(inst, "arn", r.string(inst, "arn"))?;
    let path = cx.get(inst, "path", r.opt_string(inst, "path"))?.flatten();
    let mut id = Identity {
        name: name.clone().unwrap_or_default(),
        path,
        ..Identity::default()
    };
    let mut notes = Vec::new();
    if dir == Dir::Roles {
        id.trust_policy = cx.get(
            inst,
            "assume_role_policy",
            r.document(inst, "assume_role_policy"),
        )?;
        notes.push(("trust policy".to_string(), "assume_role_policy".to_string()));
        inline_blocks(cx, inst, &mut id, &mut notes)?;
        // managed_policy_arns is computed unless configured (exclusive management).
        if r.plan
            .expressions_of(inst)
            .and_then(|e| e.get("managed_policy_arns"))
            .is_some()
        {
            let node = r.node(inst, "managed_policy_arns");
            if let Some(arns) = cx.get(
                inst,
                "managed_policy_arns",
                r.strings(&Scope::of(inst), &node),
            )? {
                for a in &arns {
                    notes.push((
                        format!("managed policy `{a}`"),
                        "managed_policy_arns".into(),
                    ));
                }
                id.managed = arns;
            }
        }
    }
    if dir != Dir::Groups {
        id.boundary = cx
            .get(
                inst,
                "permissions_boundary",
                r.opt_string(inst, "permissions_boundary"),
            )?
            .flatten();
        if let Some(b) = &id.boundary {
            notes.push((
                format!("permissions boundary `{b}`"),
                "permissions_boundary".into(),
            ));
        }
        id.tags = super::tags::tags(cx, inst)?;
    }
    let (Some(name), Some(arn)) = (name, arn) else {
        return Ok(());
    };
    for (what, attr) in notes {
        cx.b.note(dir, &arn, what, format!("{}.{attr}", inst.address));
    }
    cx.b.note(dir, &arn, k, inst.address.clone());
    cx.by_name.insert((k, name), arn.clone());
    let map = match dir {
        Dir::Roles => &mut cx.b.roles,
        Dir::Users => &mut cx.b.users,
        _ => &mut cx.b.groups,
    };
    map.insert(arn, id);
    Ok(())
}

/// `inline_policy` blocks of `aws_iam_role` (an empty block only removes unmanaged policies).
fn inline_blocks(
    cx: &mut Cx,
    inst: &Instance,
    id: &mut Identity,
    notes: &mut Vec<(String, String)>,
) -> Result<(), ImportError> {
    let r = cx.r;
    let node = r.node(inst, "inline_policy");
    if r.plan
        .expressions_of(inst)
        .and_then(|e| e.get("inline_policy"))
        .is_none()
    {
        return Ok(());
    }
    let aligned = node.expr_len() == node.len();
    let scope = Scope::of(inst);
    for i in 0..node.len() {
        let block = node.item(i, aligned.then_some(i));
        let attr = format!("inline_policy[{i}]");
        let name = cx
            .get(inst, &attr, r.leaf(&scope, &block.field("name")))?
            .flatten();
        let doc = cx
            .get(inst, &attr, r.leaf_document(&scope, &block.field("policy")))?
            .flatten();
        if let (Some(name), Some(doc)) = (name, doc) {
            notes.push((format!("inline policy `{name}`"), attr));
            id.inline.insert(name, doc);
        }
    }
    Ok(())
}

/// `aws_iam_policy`.
pub(crate) fn managed_policy(cx: &mut Cx, inst: &Instance) -> Result<(), ImportError> {
    let r = cx.r;
    let name = cx.get(inst, "name", r.string(inst, "name"))?;
    let arn = cx.get(inst, "arn", r.string(inst, "arn"))?;
    let doc = cx.get(inst, "policy", r.document(inst, "policy"))?;
    if let (Some(name), Some(arn), Some(doc)) = (name, arn, doc) {
        cx.b.note(
            Dir::Managed,
            &arn,
            "managed policy",
            format!("{}.policy", inst.address),
        );
        cx.b.managed.insert(arn, (name, doc));
    }
    Ok(())
}

/// The principal attribute of an attachment-like resource type.
fn principal_attr(rtype: &str) -> (&'static str, &'static str) {
    if rtype.starts_with("aws_iam_role") {
        ("role", "role")
    } else if rtype.starts_with("aws_iam_user") {
        ("user", "user")
    } else {
        ("group", "group")
    }
}

/// The entry of a principal named by an attachment, or `None` after recording it as missing.
fn principal<'c>(
    cx: &'c mut Cx,
    inst: &Instance,
    k: &'static str,
    name: &str,
) -> Option<&'c mut Identity> {
    let Some(arn) = cx.by_name.get(&(k, name.to_string())).cloned() else {
        cx.missing(
            &inst.address,
            k,
            format!("a {k} named `{name}` in the plan"),
        );
        return None;
    };
    let map = match k {
        "role" => &mut cx.b.roles,
        "user" => &mut cx.b.users,
        _ => &mut cx.b.groups,
    };
    map.get_mut(&arn)
}

/// The ARN of a principal by kind and name, if in the plan.
fn arn_of(cx: &Cx, k: &'static str, name: &str) -> Option<String> {
    cx.by_name.get(&(k, name.to_string())).cloned()
}

/// The directory of a principal kind.
fn dir_of(k: &str) -> Dir {
    match k {
        "role" => Dir::Roles,
        "user" => Dir::Users,
        _ => Dir::Groups,
    }
}

/// `aws_iam_role_policy`, `aws_iam_user_policy`, `aws_iam_group_policy`.
pub(crate) fn inline_policy(cx: &mut Cx, inst: &Instance) -> Result<(), ImportError> {
    let r = cx.r;
    let (attr, k) = principal_attr(&inst.rtype);
    let owner = cx.get(inst, attr, r.string(inst, attr))?;
    let name = cx.get(inst, "name", r.string(inst, "name"))?;
    let doc = cx.get(inst, "policy", r.document(inst, "policy"))?;
    let (Some(owner), Some(name), Some(doc)) = (owner, name, doc) else {
        return Ok(());
    };
    if let Some(identity) = principal(cx, inst, k, &owner) {
        identity.inline.insert(name.clone(), doc);
    }
    if let Some(arn) = arn_of(cx, k, &owner) {
        cx.b.note(
            dir_of(k),
            &arn,
            format!("inline policy `{name}`"),
            format!("{}.policy", inst.address),
        );
    }
    Ok(())
}

/// `aws_iam_{role,user,group}_policy_attachment`.
pub(crate) fn attachment(cx: &mut Cx, inst: &Instance) -> Result<(), ImportError> {
    let r = cx.r;
    let (attr, k) = principal_attr(&inst.rtype);
    let owner = cx.get(inst, attr, r.string(inst, attr))?;
    let policy = cx.get(inst, "policy_arn", r.string(inst, "policy_arn"))?;
    if let (Some(owner), Some(policy)) = (owner, policy) {
        attach(cx, inst, k, &owner, &policy);
    }
    Ok(())
}

/// Adds a managed policy ARN to a principal, once.
fn attach(cx: &mut Cx, inst: &Instance, k: &'static str, owner: &str, policy: &str) {
    if let Some(identity) = principal(cx, inst, k, owner) {
        if !identity.managed.iter().any(|p| p == policy) {
            identity.managed.push(policy.to_string());
        }
    }
    if let Some(arn) = arn_of(cx, k, owner) {
        cx.b.note(
            dir_of(k),
            &arn,
            format!("managed policy `{policy}`"),
            inst.address.clone(),
        );
    }
}

/// `aws_iam_policy_attachment`: one policy to lists of users, roles and groups.
pub(crate) fn shared_attachment(cx: &mut Cx, inst: &Instance) -> Result<(), ImportError> {
    let r = cx.r;
    let Some(policy) = cx.get(inst, "policy_arn", r.string(inst, "policy_arn"))? else {
        return Ok(());
    };
    for (attr, k) in [("users", "user"), ("roles", "role"), ("groups", "group")] {
        let node = r.node(inst, attr);
        for owner in cx
            .get(inst, attr, r.strings(&Scope::of(inst), &node))?
            .unwrap_or_default()
        {
            attach(cx, inst, k, &owner, &policy);
        }
    }
    Ok(())
}

/// `aws_iam_user_group_membership` (user, groups) and `aws_iam_group_membership` (group, users).
pub(crate) fn membership(cx: &mut Cx, inst: &Instance) -> Result<(), ImportError> {
    let r = cx.r;
    let scope = Scope::of(inst);
    let pairs: Vec<(String, String)> = if inst.rtype == "aws_iam_user_group_membership" {
        let user = cx.get(inst, "user", r.string(inst, "user"))?;
        let groups = cx
            .get(inst, "groups", r.strings(&scope, &r.node(inst, "groups")))?
            .unwrap_or_default();
        user.map(|u| groups.into_iter().map(|g| (u.clone(), g)).collect())
            .unwrap_or_default()
    } else {
        let group = cx.get(inst, "group", r.string(inst, "group"))?;
        let users = cx
            .get(inst, "users", r.strings(&scope, &r.node(inst, "users")))?
            .unwrap_or_default();
        group
            .map(|g| users.into_iter().map(|u| (u, g.clone())).collect())
            .unwrap_or_default()
    };
    for (user, group) in pairs {
        if arn_of(cx, "group", &group).is_none() {
            cx.missing(
                &inst.address,
                "group",
                format!("a group named `{group}` in the plan"),
            );
            continue;
        }
        if let Some(identity) = principal(cx, inst, "user", &user) {
            if !identity.groups.contains(&group) {
                identity.groups.push(group.clone());
            }
        }
        if let Some(arn) = arn_of(cx, "user", &user) {
            cx.b.note(
                Dir::Users,
                &arn,
                format!("group `{group}`"),
                inst.address.clone(),
            );
        }
    }
    Ok(())
}
