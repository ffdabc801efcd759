//! `aws_organizations_policy` (SCPs and RCPs, by `type`) and
//! `aws_organizations_policy_attachment` (the level, by `target_id`) -> `organization.json`.
//!
//! The plan rarely holds the organization's shape, so parents, the management account and
//! whether `FullAWSAccess` stays attached (AWS attaches it to every root, OU and account when
//! SCPs are enabled: <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html>)
//! come from `aws_organizations_*` resources of the plan or from `--var`.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::context::Cx;
use super::resolve::Fail;
use crate::import::ImportError;

/// A level's policies: (name, document), SCPs and RCPs.
#[derive(Debug, Default)]
struct Level {
    scps: Vec<Value>,
    rcps: Vec<Value>,
}

/// Builds `organization.json` when the plan has organization policy attachments.
pub(crate) fn import(cx: &mut Cx) -> Result<(), ImportError> {
    let r = cx.r;
    let mut policies: BTreeMap<String, (String, String, Value)> = BTreeMap::new();
    for inst in r
        .plan
        .instances
        .values()
        .filter(|i| !i.data && i.rtype == "aws_organizations_policy")
    {
        let ptype = cx.get(inst, "type", r.string(inst, "type"))?;
        let kind = match ptype.as_deref() {
            Some("SERVICE_CONTROL_POLICY") => "scps",
            Some("RESOURCE_CONTROL_POLICY") => "rcps",
            _ => continue, // tag, backup, AI opt-out policies do not authorize
        };
        let name = cx.get(inst, "name", r.string(inst, "name"))?;
        let doc = cx.get(inst, "content", r.document(inst, "content"))?;
        if let (Some(name), Some(doc)) = (name, doc) {
            policies.insert(inst.address.clone(), (kind.to_string(), name, doc));
        }
    }
    let mut levels: BTreeMap<String, Level> = BTreeMap::new();
    let attachments: Vec<_> = r
        .plan
        .instances
        .values()
        .filter(|i| !i.data && i.rtype == "aws_organizations_policy_attachment")
        .collect();
    if attachments.is_empty() {
        return Ok(());
    }
    for inst in attachments {
        let target = cx.get(inst, "target_id", r.string(inst, "target_id"))?;
        let policy = policy_of(cx, inst, &policies);
        let (Some(target), Some((kind, name, doc))) = (target, policy) else {
            continue;
        };
        let level = levels.entry(target.clone()).or_default();
        let list = if kind == "scps" {
            &mut level.scps
        } else {
            &mut level.rcps
        };
        list.push(json!({"name": name, "document": doc}));
        cx.b.note_org(
            format!(
                "{} `{name}` at `{target}`",
                if kind == "scps" { "SCP" } else { "RCP" }
            ),
            inst.address.clone(),
        );
    }
    build(cx, levels)
}

/// The policy an attachment names, through its `policy_id` reference or known id.
fn policy_of(
    cx: &mut Cx,
    inst: &super::plan::Instance,
    policies: &BTreeMap<String, (String, String, Value)>,
) -> Option<(String, String, Value)> {
    let r = cx.r;
    let refs = r
        .plan
        .expressions_of(inst)
        .and_then(|e| e.get("policy_id"))
        .map(super::address::significant_refs);
    if let Some([super::address::Ref::Resource { local, key, .. }]) = refs.as_deref() {
        let prefix = if inst.module.is_empty() {
            String::new()
        } else {
            format!("{}.", inst.module)
        };
        let k = key.as_ref().map(|k| format!("[{k}]")).unwrap_or_default();
        if let Some(p) = policies.get(&format!("{prefix}{local}{k}")) {
            return Some(p.clone());
        }
    }
    let id = inst.values.get("policy_id").and_then(Value::as_str);
    let known = policies.iter().find(|(addr, _)| {
        r.plan
            .instances
            .get(*addr)
            .and_then(|p| p.values.get("id"))
            .and_then(Value::as_str)
            == id
            && id.is_some()
    });
    match known {
        Some((_, p)) => Some(p.clone()),
        None => {
            cx.missing(
                &inst.address,
                "policy_id",
                "an organizations policy of this plan".into(),
            );
            None
        }
    }
}

/// Places levels in the tree: root (`r-...`), OUs (`ou-...`), accounts (12 digits); the plan's
/// own account is always listed, so the SCPs above it apply.
fn build(cx: &mut Cx, mut levels: BTreeMap<String, Level>) -> Result<(), ImportError> {
    let r = cx.r;
    let full = match r.var("full_aws_access") {
        Some("true") => true,
        Some("false") => false,
        _ => {
            cx.missing("organization", "FullAWSAccess", "full_aws_access".into());
            false
        }
    };
    let management = cx.ok(
        "organization",
        "management_account",
        var_or_data(cx, "management_account"),
    )?;
    if let Some(account) = cx.ok("organization", "account", r.account())? {
        levels.entry(account).or_default();
    }
    let full_access = json!({"name": "FullAWSAccess", "document": {
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}});
    let mut root = Level::default();
    let (mut ous, mut accounts) = (Vec::new(), Vec::new());
    let ids: Vec<String> = levels.keys().cloned().collect();
    let mut pending: Vec<String> = ids.clone();
    let mut done = std::collections::BTreeSet::new();
    while let Some(id) = pending.pop() {
        if !done.insert(id.clone()) {
            continue;
        }
        let mut level = levels.remove(&id).unwrap_or_default();
        if full {
            level.scps.insert(0, full_access.clone());
        }
        if id.starts_with("r-") {
            root = level;
            continue;
        }
        let parent = match cx.ok(&format!("organization {id}"), "parent", parent_of(cx, &id))? {
            Some(p) => p,
            None => continue,
        };
        if parent.starts_with("ou-") {
            pending.push(parent.clone());
        }
        let parent_json = if parent.starts_with("r-") {
            "root".to_string()
        } else {
            parent
        };
        let entry =
            json!({"id": id, "parent": parent_json, "scps": level.scps, "rcps": level.rcps});
        if id.starts_with("ou-") {
            ous.push(entry);
        } else {
            accounts.push(entry);
        }
    }
    if full && root.scps.is_empty() {
        root.scps.push(full_access);
    }
    ous.sort_by(|a, b| {
        a.get("id")
            .map(Value::to_string)
            .cmp(&b.get("id").map(Value::to_string))
    });
    accounts.sort_by(|a, b| {
        a.get("id")
            .map(Value::to_string)
            .cmp(&b.get("id").map(Value::to_string))
    });
    cx.b.organization = Some(json!({
        "management_account": management.unwrap_or_default(),
        "root": {"scps": root.scps, "rcps": root.rcps},
        "ous": ous,
        "accounts": accounts,
    }));
    Ok(())
}

/// A plain `--var`, or the organization data source's value.
fn var_or_data(cx: &Cx, key: &str) -> Result<String, Fail> {
    if let Some(v) = cx.r.var(key) {
        return Ok(v.to_string());
    }
    cx.r.plan
        .instances
        .values()
        .filter(|i| i.data && i.rtype == "aws_organizations_organization")
        .find_map(|i| i.values.get("master_account_id").and_then(Value::as_str))
        .map(str::to_string)
        .ok_or_else(|| Fail::Needs(key.to_string()))
}

/// The parent of an OU or account: `--var parent.<id>`, or the plan's OU/account resource.
fn parent_of(cx: &Cx, id: &str) -> Result<String, Fail> {
    if let Some(v) = cx.r.var(&format!("parent.{id}")) {
        return Ok(if v == "root" {
            "r-root".to_string()
        } else {
            v.to_string()
        });
    }
    cx.r.plan
        .instances
        .values()
        .filter(|i| {
            matches!(
                i.rtype.as_str(),
                "aws_organizations_organizational_unit" | "aws_organizations_account"
            )
        })
        .filter(|i| i.values.get("id").and_then(Value::as_str) == Some(id))
        .find_map(|i| i.values.get("parent_id").and_then(Value::as_str))
        .map(str::to_string)
        .ok_or_else(|| Fail::Needs(format!("parent.{id}")))
}
