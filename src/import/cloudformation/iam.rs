//! IAM resources: `AWS::IAM::Role`, `::User`, `::Group`, `::ManagedPolicy`, `::Policy`,
//! `::RolePolicy` / `::UserPolicy` / `::GroupPolicy` and `::UserToGroupAddition`
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/AWS_IAM.html>).

use serde_json::Value;

use super::context::{at_resource, document, opt_string, prop, req_string, strings, tags, Cx};
use super::env::{At, Stop};
use super::eval::physical;
use super::eval::Stack;
use crate::import::builder::{Dir, Identity};

/// IAM types that carry no policy and no principal of the inventory.
pub(crate) const IGNORED: [&str; 6] = [
    "AWS::IAM::AccessKey",
    "AWS::IAM::OIDCProvider",
    "AWS::IAM::SAMLProvider",
    "AWS::IAM::ServerCertificate",
    "AWS::IAM::VirtualMFADevice",
    "AWS::CDK::Metadata",
];

/// The directory and `by_name` kind of a principal type.
fn kind(rtype: &str) -> (Dir, &'static str) {
    match rtype {
        "AWS::IAM::Role" | "AWS::IAM::RolePolicy" => (Dir::Roles, "role"),
        "AWS::IAM::User" | "AWS::IAM::UserPolicy" => (Dir::Users, "user"),
        _ => (Dir::Groups, "group"),
    }
}

/// Collects results so that every problem is recorded before giving up.
fn all<T>(r: Result<T, Stop>, ok: &mut bool) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(Stop) => {
            *ok = false;
            None
        }
    }
}

/// `AWS::IAM::Role`, `::User`, `::Group`.
pub(crate) fn principal(cx: &mut Cx, stack: &Stack<'_>, logical: &str, rtype: &str) {
    let (dir, k) = kind(rtype);
    let at = at_resource(logical);
    let mut ok = true;
    let name = all(physical::ref_value(stack, logical, &at), &mut ok)
        .and_then(|v| v.as_str().map(str::to_string));
    let arn = all(physical::arn_of(stack, logical, &at), &mut ok);
    let path = all(opt_string(stack, logical, "Path"), &mut ok).flatten();
    let mut id = Identity {
        name: name.clone().unwrap_or_default(),
        path: Some(path.unwrap_or_else(|| "/".into())),
        ..Identity::default()
    };
    let mut notes: Vec<(String, At)> = Vec::new();
    if dir == Dir::Roles {
        match prop(stack, logical, "AssumeRolePolicyDocument") {
            Some((v, pat)) => {
                id.trust_policy = all(document(stack, v, &pat), &mut ok);
                notes.push(("trust policy".into(), pat));
            }
            None => {
                ok = false;
                stack.fail(
                    &at.key("Properties"),
                    "`AssumeRolePolicyDocument` is required",
                );
            }
        }
    }
    if let Some(inline) = all(inline_policies(stack, logical), &mut ok) {
        for (pname, doc, pat) in inline {
            notes.push((format!("inline policy `{pname}`"), pat));
            id.inline.insert(pname, doc);
        }
    }
    id.managed = all(strings(stack, logical, "ManagedPolicyArns"), &mut ok).unwrap_or_default();
    // A `LoginProfile` gives the user a console password (docs/formats.md, read by `reach`).
    id.login_profile = dir == Dir::Users && prop(stack, logical, "LoginProfile").is_some();
    if dir != Dir::Groups {
        id.boundary = all(opt_string(stack, logical, "PermissionsBoundary"), &mut ok).flatten();
        id.tags = all(tags(stack, logical), &mut ok).unwrap_or_default();
    }
    let (true, Some(name), Some(arn)) = (ok, name, arn) else {
        return;
    };
    for m in &id.managed {
        let pat = at.key("Properties").key("ManagedPolicyArns");
        notes.push((format!("managed policy `{m}`"), pat));
    }
    if let Some(b) = &id.boundary {
        notes.push((
            format!("permissions boundary `{b}`"),
            at.key("Properties").key("PermissionsBoundary"),
        ));
    }
    notes.push((k.to_string(), at));
    for (what, pat) in notes {
        cx.note(dir, &arn, what, stack, &pat);
    }
    cx.by_name.insert((k, name), arn.clone());
    let map = match dir {
        Dir::Roles => &mut cx.b.roles,
        Dir::Users => &mut cx.b.users,
        _ => &mut cx.b.groups,
    };
    map.insert(arn, id);
}

/// `Policies`: `[{PolicyName, PolicyDocument}]`, evaluated (`Fn::If` may remove some).
fn inline_policies(stack: &Stack<'_>, logical: &str) -> Result<Vec<(String, Value, At)>, Stop> {
    let Some((v, at)) = prop(stack, logical, "Policies") else {
        return Ok(Vec::new());
    };
    let Some(Value::Array(items)) = stack.eval(v, &at)? else {
        return Err(stack.fail(&at, "`Policies` is a list of {PolicyName, PolicyDocument}"));
    };
    let mut out = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let iat = at.index(i);
        let name = item.get("PolicyName").and_then(Value::as_str);
        let doc = item.get("PolicyDocument");
        let (Some(name), Some(doc)) = (name, doc) else {
            stack.fail(&iat, "a policy is {PolicyName, PolicyDocument}");
            ok = false;
            continue;
        };
        match crate::import::document::decode(doc) {
            Ok(d) => out.push((name.to_string(), d, iat.key("PolicyDocument"))),
            Err(m) => {
                stack.fail(&iat.key("PolicyDocument"), m);
                ok = false;
            }
        }
    }
    if ok {
        Ok(out)
    } else {
        Err(Stop)
    }
}

/// `AWS::IAM::ManagedPolicy`: the policy (its attachments are read in the second pass).
pub(crate) fn managed_policy(cx: &mut Cx, stack: &Stack<'_>, logical: &str) {
    let at = at_resource(logical);
    let arn = physical::arn_of(stack, logical, &at);
    let doc = match prop(stack, logical, "PolicyDocument") {
        Some((v, pat)) => document(stack, v, &pat).map(|d| (d, pat)),
        None => Err(stack.fail(&at.key("Properties"), "`PolicyDocument` is required")),
    };
    let (Ok(arn), Ok((doc, pat))) = (arn, doc) else {
        return;
    };
    let name = arn.rsplit('/').next().unwrap_or(&arn).to_string();
    cx.note(Dir::Managed, &arn, "managed policy", stack, &pat);
    cx.b.managed.insert(arn, (name, doc));
}

/// The principals named by `Roles`, `Users` and `Groups` of a policy resource:
/// (kind, name, ARN, path of the name), or a problem for a name not among the templates.
fn named_principals(
    cx: &Cx,
    stack: &Stack<'_>,
    logical: &str,
) -> Result<Vec<(&'static str, String, At)>, Stop> {
    let mut out = Vec::new();
    let mut ok = true;
    for (propname, k) in [("Roles", "role"), ("Users", "user"), ("Groups", "group")] {
        let Some((v, at)) = prop(stack, logical, propname) else {
            continue;
        };
        let Some(names) = all(stack.strings(v, &at), &mut ok) else {
            continue;
        };
        for (i, n) in names.into_iter().enumerate() {
            if !cx.by_name.contains_key(&(k, n.clone())) {
                stack.fail_secondary(
                    &at.index(i),
                    format!("{k} `{n}` is not a {k} of the templates (import it with them)"),
                );
                ok = false;
                continue;
            }
            out.push((k, n, at.index(i)));
        }
    }
    if ok {
        Ok(out)
    } else {
        Err(Stop)
    }
}

/// The identity of a principal by kind and name.
fn identity<'c>(cx: &'c mut Cx, k: &str, name: &str) -> Option<(String, &'c mut Identity)> {
    let arn = cx
        .by_name
        .get(&(principal_kind(k), name.to_string()))?
        .clone();
    let map = match k {
        "role" => &mut cx.b.roles,
        "user" => &mut cx.b.users,
        _ => &mut cx.b.groups,
    };
    map.get_mut(&arn).map(|i| (arn, i))
}

/// The static kind string for `k`.
fn principal_kind(k: &str) -> &'static str {
    match k {
        "role" => "role",
        "user" => "user",
        _ => "group",
    }
}

/// `AWS::IAM::Policy`: an inline policy of each role, user and group it names.
pub(crate) fn policy(cx: &mut Cx, stack: &Stack<'_>, logical: &str) {
    let name = req_string(stack, logical, "PolicyName");
    let doc = match prop(stack, logical, "PolicyDocument") {
        Some((v, pat)) => document(stack, v, &pat),
        None => Err(stack.fail(
            &at_resource(logical).key("Properties"),
            "`PolicyDocument` is required",
        )),
    };
    let principals = named_principals(cx, stack, logical);
    let (Ok(name), Ok(doc), Ok(principals)) = (name, doc, principals) else {
        return;
    };
    for (k, pname, at) in principals {
        if let Some((arn, id)) = identity(cx, k, &pname) {
            id.inline.insert(name.clone(), doc.clone());
            cx.note(
                dir_of(k),
                &arn,
                format!("inline policy `{name}`"),
                stack,
                &at,
            );
        }
    }
}

/// The directory of a principal kind.
fn dir_of(k: &str) -> Dir {
    match k {
        "role" => Dir::Roles,
        "user" => Dir::Users,
        _ => Dir::Groups,
    }
}

/// `AWS::IAM::RolePolicy`, `::UserPolicy`, `::GroupPolicy`: one inline policy.
pub(crate) fn principal_policy(cx: &mut Cx, stack: &Stack<'_>, logical: &str, rtype: &str) {
    let (_, k) = kind(rtype);
    let owner_prop = match k {
        "role" => "RoleName",
        "user" => "UserName",
        _ => "GroupName",
    };
    let owner = req_string(stack, logical, owner_prop);
    let name = req_string(stack, logical, "PolicyName");
    let doc = match prop(stack, logical, "PolicyDocument") {
        Some((v, pat)) => document(stack, v, &pat),
        None => Err(stack.fail(
            &at_resource(logical).key("Properties"),
            "`PolicyDocument` is required",
        )),
    };
    let (Ok(owner), Ok(name), Ok(doc)) = (owner, name, doc) else {
        return;
    };
    let props = at_resource(logical).key("Properties");
    let at = props.key(owner_prop);
    let doc_at = props.key("PolicyDocument");
    match identity(cx, k, &owner) {
        Some((arn, id)) => {
            id.inline.insert(name.clone(), doc);
            cx.note(
                dir_of(k),
                &arn,
                format!("inline policy `{name}`"),
                stack,
                &doc_at,
            );
        }
        None => {
            stack.fail_secondary(
                &at,
                format!("{k} `{owner}` is not a {k} of the templates (import it with them)"),
            );
        }
    }
}

/// `AWS::IAM::ManagedPolicy`'s `Roles`, `Users`, `Groups`: attachments.
pub(crate) fn managed_attachments(cx: &mut Cx, stack: &Stack<'_>, logical: &str) {
    let arn = physical::arn_of(stack, logical, &at_resource(logical));
    let principals = named_principals(cx, stack, logical);
    let (Ok(arn), Ok(principals)) = (arn, principals) else {
        return;
    };
    for (k, pname, at) in principals {
        if let Some((parn, id)) = identity(cx, k, &pname) {
            if !id.managed.contains(&arn) {
                id.managed.push(arn.clone());
            }
            cx.note(
                dir_of(k),
                &parn,
                format!("managed policy `{arn}`"),
                stack,
                &at,
            );
        }
    }
}

/// `AWS::IAM::User`'s `Groups`: memberships (groups must be of the templates).
pub(crate) fn user_groups(cx: &mut Cx, stack: &Stack<'_>, logical: &str) {
    let Some((v, at)) = prop(stack, logical, "Groups") else {
        return;
    };
    let user = physical::ref_value(stack, logical, &at_resource(logical));
    let (Ok(groups), Ok(Value::String(user))) = (stack.strings(v, &at), user) else {
        return;
    };
    for (i, g) in groups.iter().enumerate() {
        add_to_group(cx, stack, &user, g, &at.index(i));
    }
}

/// Adds `user` to `group`, both of the templates.
fn add_to_group(cx: &mut Cx, stack: &Stack<'_>, user: &str, group: &str, at: &At) {
    if !cx.by_name.contains_key(&("group", group.to_string())) {
        stack.fail_secondary(
            at,
            format!("group `{group}` is not a group of the templates (import it with them)"),
        );
        return;
    }
    match identity(cx, "user", user) {
        Some((arn, id)) => {
            if !id.groups.iter().any(|g| g == group) {
                id.groups.push(group.to_string());
            }
            cx.note(Dir::Users, &arn, format!("group `{group}`"), stack, at);
        }
        None => {
            stack.fail_secondary(
                at,
                format!("user `{user}` is not a user of the templates (import it with them)"),
            );
        }
    }
}

/// `AWS::IAM::UserToGroupAddition`: `Users` into `GroupName`.
pub(crate) fn group_addition(cx: &mut Cx, stack: &Stack<'_>, logical: &str) {
    let group = req_string(stack, logical, "GroupName");
    let users = strings(stack, logical, "Users");
    let (Ok(group), Ok(users)) = (group, users) else {
        return;
    };
    let at = at_resource(logical).key("Properties").key("Users");
    for (i, u) in users.iter().enumerate() {
        add_to_group(cx, stack, u, &group, &at.index(i));
    }
}
