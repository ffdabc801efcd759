//! Whole-decision rows (`tests/cases/engine/*.json`, format in docs/formats.md) turned into an
//! ad hoc inventory and a request: shared by the case corpus and the differential driver.

use serde_json::Value;

use super::{named, AdHoc, BlockPublicAccess, Endpoint, EndpointKind, NamedPolicy};
use crate::policy::{parse_document, parse_resource_policy, PolicyKind};
use crate::request::{Context, Principal, Request};

/// One policy document of the row, named `name`.
fn doc(v: &Value, kind: PolicyKind, name: &str) -> Result<NamedPolicy, String> {
    parse_document(v, name, kind)
        .map(|d| named(name, d))
        .map_err(|e| e.to_string())
}

/// Read one engine row: its principal, policies, organization levels and request.
pub fn from_engine_row(row: &Value) -> Result<(AdHoc, Request), String> {
    let p = row.get("principal").ok_or("row has no `principal`")?;
    let arn = p
        .get("arn")
        .and_then(Value::as_str)
        .ok_or("row has no `principal.arn`")?;
    let principal = Principal::parse(arn).map_err(|e| e.to_string())?;
    let mut adhoc = AdHoc {
        principal: Some(principal.clone()),
        ..AdHoc::default()
    };
    caller(p, &mut adhoc)?;
    let session = match p.get("session_policy") {
        Some(s) => Some(doc(s, PolicyKind::Identity, "session-policy")?.document),
        None => None,
    };
    let resource_arn = row
        .get("resource")
        .and_then(|r| r.get("arn"))
        .and_then(Value::as_str)
        .unwrap_or("*")
        .to_string();
    if let Some(r) = row.get("resource") {
        resource(r, &resource_arn, &mut adhoc)?;
    }
    adhoc.resource_arn = Some(resource_arn.clone());
    adhoc.scps = org_levels(row, "scps", PolicyKind::Scp)?;
    adhoc.rcps = org_levels(row, "rcps", PolicyKind::Rcp)?;
    adhoc.account_block_public_access = row
        .get("account_block_public_access")
        .map(block_public_access)
        .transpose()?;
    adhoc.management_account = row
        .get("management_account")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let action = row
        .get("action")
        .and_then(Value::as_str)
        .ok_or("row has no `action`")?;
    let mut req = Request::new(principal, action, resource_arn);
    req.session_policy = session;
    if let Some(c) = row.get("context") {
        req.context = Context::from_json(c)?;
    }
    if let Some(v) = row.get("vpce") {
        let ep = endpoint(v)?;
        if !req.context.contains("aws:SourceVpce") {
            req.context.insert("aws:SourceVpce", ep.id.clone());
        }
        adhoc.endpoint = Some(ep);
    }
    Ok((adhoc, req))
}

/// The row's VPC endpoint (`vpce`: `id`, `type`, `vpc`, `policy`), which the request goes through.
fn endpoint(v: &Value) -> Result<Endpoint, String> {
    let field = |k: &str| v.get(k).and_then(Value::as_str);
    let id = field("id").ok_or("`vpce` has no `id`")?;
    let kind = match field("type") {
        None | Some("interface") => EndpointKind::Interface,
        Some("gateway") => EndpointKind::Gateway,
        Some(other) => return Err(format!("`vpce.type` `{other}`: interface or gateway")),
    };
    let policy = match v.get("policy") {
        Some(p) => Some(doc(p, PolicyKind::Resource, "endpoint-policy")?),
        None => None,
    };
    Ok(Endpoint {
        id: id.into(),
        vpc: field("vpc").map(str::to_string),
        kind,
        policy,
        source: "vpce".into(),
    })
}

/// The caller's identity policies, permissions boundary and tags (`principal` of the row).
fn caller(p: &Value, adhoc: &mut AdHoc) -> Result<(), String> {
    if let Some(ids) = p.get("identity").and_then(Value::as_array) {
        for (i, d) in ids.iter().enumerate() {
            adhoc
                .identity
                .push(doc(d, PolicyKind::Identity, &format!("identity{i}"))?);
        }
    }
    if let Some(b) = p.get("boundary") {
        adhoc.boundary = Some(doc(b, PolicyKind::Identity, "boundary")?);
    }
    if let Some(t) = p.get("tags").and_then(Value::as_object) {
        for (k, v) in t {
            let v = v
                .as_str()
                .ok_or_else(|| format!("tag `{k}` must be a string"))?;
            adhoc.tags.insert(k.clone(), v.to_string());
        }
    }
    Ok(())
}

/// The resource's account and policy (a trust policy when the resource is a role).
fn resource(r: &Value, resource_arn: &str, adhoc: &mut AdHoc) -> Result<(), String> {
    adhoc.resource_account = r.get("account").and_then(Value::as_str).map(str::to_string);
    if let Some(list) = r.get("aliases").and_then(Value::as_array) {
        for a in list {
            let a = a.as_str().ok_or("`resource.aliases` lists alias ARNs")?;
            adhoc.resource_aliases.push(a.to_string());
        }
    }
    adhoc.block_public_access = r
        .get("block_public_access")
        .map(block_public_access)
        .transpose()?;
    if let Some(pol) = r.get("policy") {
        let is_role = resource_arn.starts_with("arn:aws:iam:") && resource_arn.contains(":role/");
        let name = "resource-policy";
        adhoc.resource_policy = Some(if is_role {
            doc(pol, PolicyKind::Trust, name)?
        } else {
            parse_resource_policy(pol, name, resource_arn)
                .map(|d| named(name, d))
                .map_err(|e| e.to_string())?
        });
    }
    Ok(())
}

/// The SCP or RCP levels of the row's `field`, root first (absent: none).
fn org_levels(row: &Value, field: &str, kind: PolicyKind) -> Result<Vec<Vec<NamedPolicy>>, String> {
    let Some(levels) = row.get(field).and_then(Value::as_array) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (li, level) in levels.iter().enumerate() {
        let docs = level
            .as_array()
            .ok_or_else(|| format!("`{field}` levels are arrays"))?;
        let mut parsed = Vec::new();
        for (di, d) in docs.iter().enumerate() {
            parsed.push(doc(d, kind, &format!("{field}[{li}][{di}]"))?);
        }
        out.push(parsed);
    }
    Ok(out)
}

/// S3 Block Public Access settings as AWS spells them (`{"RestrictPublicBuckets": true}`).
fn block_public_access(v: &Value) -> Result<BlockPublicAccess, String> {
    let o = v
        .as_object()
        .ok_or("block_public_access must be an object")?;
    let mut out = BlockPublicAccess::default();
    for (k, v) in o {
        let b = v
            .as_bool()
            .ok_or_else(|| format!("block_public_access.{k} must be a boolean"))?;
        match k.as_str() {
            "BlockPublicAcls" => out.block_public_acls = b,
            "IgnorePublicAcls" => out.ignore_public_acls = b,
            "BlockPublicPolicy" => out.block_public_policy = b,
            "RestrictPublicBuckets" => out.restrict_public_buckets = b,
            _ => return Err(format!("unknown block_public_access setting `{k}`")),
        }
    }
    Ok(out)
}
