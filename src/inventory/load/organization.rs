//! Converting `organization.json`: the OU tree, and the SCP and RCP levels of each account.

use std::collections::HashMap;

use serde_json::Value;

use super::error::{format_err, LoadError};
use super::fields::{block_public_access, Obj};
use crate::inventory::{NamedPolicy, Organization};
use crate::policy::{parse_document, PolicyKind};
use crate::request::is_account_id;

/// The managed policy AWS attaches at every level when RCPs are enabled; it cannot be detached.
/// <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html>
fn rcp_full_access() -> Result<NamedPolicy, LoadError> {
    let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]});
    Ok(NamedPolicy {
        name: "RCPFullAWSAccess".into(),
        document: parse_document(&doc, "RCPFullAWSAccess", PolicyKind::Rcp)?,
    })
}

/// The `scps` or `rcps` list of a level at `path`, each entry `{"name", "document"}`.
fn org_policies(
    v: Option<&Value>,
    file: &str,
    path: &str,
    kind: PolicyKind,
) -> Result<Vec<NamedPolicy>, LoadError> {
    let Some(v) = v else { return Ok(Vec::new()) };
    let list = v
        .as_array()
        .ok_or_else(|| format_err(file, path, "expected an array of {\"name\", \"document\"}"))?;
    list.iter()
        .enumerate()
        .map(|(i, p)| {
            let here = format!("{path}[{i}]");
            let o = p
                .as_object()
                .ok_or_else(|| format_err(file, &here, "expected {\"name\", \"document\"}"))?;
            for k in o.keys() {
                if k != "name" && k != "document" {
                    return Err(format_err(
                        file,
                        &format!("{here}.{k}"),
                        format!("unknown field `{k}`"),
                    ));
                }
            }
            let name = o
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| format_err(file, &here, "missing `name`"))?;
            let doc = o
                .get("document")
                .ok_or_else(|| format_err(file, &here, "missing `document`"))?;
            Ok(NamedPolicy {
                name: name.into(),
                document: parse_document(doc, &format!("{file} ({here})"), kind)?,
            })
        })
        .collect()
}

/// The SCPs and RCPs attached to one level (the root, an OU or an account).
type Policies = (Vec<NamedPolicy>, Vec<NamedPolicy>);

/// An organization node: its parent and the SCPs and RCPs attached to it.
type Node = (Option<String>, Vec<NamedPolicy>, Vec<NamedPolicy>);

/// Convert `organization.json`: every account's SCP and RCP levels, root first.
pub(super) fn organization(v: &Value, file: &str) -> Result<Organization, LoadError> {
    let o = Obj::new(v, file, &crate::inventory::schema::ORGANIZATION_FIELDS)?;
    let (levels, accounts) = nodes(&o, file)?;
    let mut org = Organization {
        management_account: o.opt_str("management_account")?,
        ..Organization::default()
    };
    let listed = o.map.get("accounts").and_then(Value::as_array);
    for (i, item) in listed.into_iter().flatten().enumerate() {
        let path = format!("accounts[{i}].block_public_access");
        let settings = block_public_access(item.get("block_public_access"), file, &path)?;
        if let (Some(b), Some(id)) = (settings, item.get("id").and_then(Value::as_str)) {
            org.block_public_access.insert(id.to_string(), b);
        }
    }
    for account in accounts {
        let chain = chain(&levels, &account, file)?;
        org.scp_levels.insert(
            account.clone(),
            chain.iter().map(|(s, _)| s.clone()).collect(),
        );
        let mut rcp_levels = Vec::with_capacity(chain.len());
        for (_, r) in &chain {
            let mut level = vec![rcp_full_access()?];
            level.extend(r.iter().cloned());
            rcp_levels.push(level);
        }
        org.rcp_levels.insert(account, rcp_levels);
    }
    Ok(org)
}

/// The policies of one level at `path`, its fields checked against `known`.
fn level(v: &Value, file: &str, path: &str, known: &[String]) -> Result<Policies, LoadError> {
    Obj::new(v, file, known)?;
    Ok((
        org_policies(
            v.get("scps"),
            file,
            &format!("{path}.scps"),
            PolicyKind::Scp,
        )?,
        org_policies(
            v.get("rcps"),
            file,
            &format!("{path}.rcps"),
            PolicyKind::Rcp,
        )?,
    ))
}

/// Every node by id (the root, then `ous`, then `accounts`), and the accounts in file order.
fn nodes(o: &Obj<'_>, file: &str) -> Result<(HashMap<String, Node>, Vec<String>), LoadError> {
    let mut levels: HashMap<String, Node> = HashMap::new();
    let root = o
        .map
        .get("root")
        .ok_or_else(|| format_err(file, "(document)", "missing `root`"))?;
    let (s, r) = level(root, file, "root", &crate::inventory::schema::ROOT_FIELDS)?;
    levels.insert("root".into(), (None, s, r));
    let mut accounts = Vec::new();
    for (key, items) in [
        ("ous", o.map.get("ous")),
        ("accounts", o.map.get("accounts")),
    ] {
        let Some(items) = items else { continue };
        let list = items
            .as_array()
            .ok_or_else(|| format_err(file, key, "expected an array"))?;
        for (i, item) in list.iter().enumerate() {
            let path = format!("{key}[{i}]");
            let known: &[String] = if key == "accounts" {
                &crate::inventory::schema::ACCOUNT_FIELDS
            } else {
                &crate::inventory::schema::OU_FIELDS
            };
            let (s, r) = level(item, file, &path, known)?;
            let id = item
                .get("id")
                .and_then(Value::as_str)
                .ok_or_else(|| format_err(file, &path, "missing `id`"))?;
            let parent = item
                .get("parent")
                .and_then(Value::as_str)
                .ok_or_else(|| format_err(file, &path, "missing `parent`"))?;
            if key == "accounts" {
                if !is_account_id(id) {
                    return Err(format_err(
                        file,
                        &format!("{path}.id"),
                        format!("`{id}` is not a 12-digit account id"),
                    ));
                }
                accounts.push(id.to_string());
            }
            if levels
                .insert(id.into(), (Some(parent.into()), s, r))
                .is_some()
            {
                return Err(format_err(
                    file,
                    &format!("{path}.id"),
                    format!("duplicate id `{id}`"),
                ));
            }
        }
    }
    Ok((levels, accounts))
}

/// The levels from the root down to `account`.
fn chain(
    levels: &HashMap<String, Node>,
    account: &str,
    file: &str,
) -> Result<Vec<Policies>, LoadError> {
    let mut chain = Vec::new();
    let mut cur = Some(account.to_string());
    while let Some(id) = cur {
        if chain.len() > 64 {
            return Err(format_err(
                file,
                "ous",
                format!("the parents of `{account}` form a cycle"),
            ));
        }
        let (parent, s, r) = levels.get(&id).ok_or_else(|| {
            format_err(
                file,
                "accounts",
                format!("parent `{id}` of `{account}` is not defined"),
            )
        })?;
        chain.push((s.clone(), r.clone()));
        cur = parent.clone();
    }
    chain.reverse();
    Ok(chain)
}
