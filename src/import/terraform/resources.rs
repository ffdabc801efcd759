//! Resources with resource-based policies: KMS keys (and aliases), S3 bucket policies, ECR
//! repository policies, and Lambda permissions turned into function-policy statements.

use serde_json::{json, Map, Value};

use super::address::{significant_refs, Ref};
use super::context::Cx;
use super::plan::Instance;
use super::resolve::{Fail, R};
use crate::import::aws_policies::{default_key_policy, permission_statement};
use crate::import::builder::{Dir, Resource};
use crate::import::ImportError;

/// `aws_kms_key`: the key policy, or AWS's default when the configuration sets none.
pub(crate) fn kms_key(cx: &mut Cx, inst: &Instance) -> Result<(), ImportError> {
    let r = cx.r;
    let arn = cx.get(inst, "arn", r.string(inst, "arn"))?;
    let account = cx.get(inst, "arn", r.account())?;
    let configured = r
        .plan
        .expressions_of(inst)
        .and_then(|e| e.get("policy"))
        .is_some();
    let known = inst
        .values
        .get("policy")
        .is_some_and(|p| p.as_str().is_some_and(|s| !s.is_empty()));
    let (policy, what) = if configured || known {
        (
            cx.get(inst, "policy", r.document(inst, "policy"))?,
            "key policy",
        )
    } else {
        let partition = cx.get(inst, "arn", r.partition())?;
        (
            partition
                .zip(account.clone())
                .map(|(p, a)| default_key_policy(&p, &a)),
            "default key policy",
        )
    };
    let (Some(arn), Some(account), Some(policy)) = (arn, account, policy) else {
        return Ok(());
    };
    let name = format!("kms-{}", arn.rsplit('/').next().unwrap_or(&arn));
    cx.b.note(
        Dir::Resources,
        &arn,
        what,
        format!("{}.policy", inst.address),
    );
    // An alias's `target_key_id` names its key by id or ARN (known, or given with `--var`).
    cx.keys.insert(inst.address.clone(), arn.clone());
    if let Some(id) = inst.values.get("key_id").and_then(Value::as_str) {
        cx.keys.insert(id.to_string(), arn.clone());
    }
    if let Some((_, id)) = arn.rsplit_once(":key/") {
        cx.keys.insert(id.to_string(), arn.clone());
    }
    cx.keys.insert(arn.clone(), arn.clone());
    let tags = super::tags::tags(cx, inst)?;
    cx.b.resources.insert(
        arn,
        Resource {
            name,
            account,
            policy: Some(policy),
            tags,
            ..Resource::default()
        },
    );
    Ok(())
}

/// `aws_kms_alias`: adds the alias ARN to its key, found through `target_key_id`.
pub(crate) fn kms_alias(cx: &mut Cx, inst: &Instance) -> Result<(), ImportError> {
    let r = cx.r;
    let Some(alias_arn) = cx.get(inst, "arn", r.string(inst, "arn"))? else {
        return Ok(());
    };
    // `--var` first, then the reference, then the value (known, or through the resolver).
    let given = r.var(&format!("{}.target_key_id", inst.address)).is_some();
    let by_ref = r
        .plan
        .expressions_of(inst)
        .and_then(|e| e.get("target_key_id"))
        .filter(|_| !given)
        .and_then(|expr| key_by_reference(cx, inst, expr));
    let key = match by_ref {
        Some(Some(k)) => Some(k),
        // The key is in the plan but its ARN is unresolved: that is already listed.
        Some(None) => return Ok(()),
        None => {
            let target = cx.get(inst, "target_key_id", r.string(inst, "target_key_id"))?;
            target.and_then(|t| cx.keys.get(&t).cloned())
        }
    };
    match key.and_then(|k| cx.b.resources.get_mut(&k).map(|res| (k, res))) {
        Some((k, res)) => {
            res.aliases.push(alias_arn.clone());
            cx.b.note(
                Dir::Resources,
                &k,
                format!("alias `{alias_arn}`"),
                inst.address.clone(),
            );
        }
        None => cx.missing(
            &inst.address,
            "target_key_id",
            "a kms key of this plan".into(),
        ),
    }
    Ok(())
}

/// The key ARN an alias's `target_key_id` expression names by reference, when the key is in
/// the plan: `aws_kms_key.k.key_id` (or `.arn`), `aws_kms_key.k["x"].key_id`, and, in an alias
/// made with `for_each` or `count`, `aws_kms_key.k[each.key].key_id` or
/// `aws_kms_key.k[count.index].arn`, which the plan records as the bare references
/// `aws_kms_key.k` and `each.key` (or `count.index`): the key instance with the alias's own key.
/// `Some(None)`: the key is in the plan but its ARN is unresolved (and listed as such).
fn key_by_reference(cx: &Cx, inst: &Instance, expr: &Value) -> Option<Option<String>> {
    let refs = significant_refs(expr);
    let (mut keys, mut others) = (Vec::new(), Vec::new());
    for r in &refs {
        match r {
            Ref::Resource { local, key, .. } if local.starts_with("aws_kms_key.") => {
                keys.push((local, key))
            }
            other => others.push(other),
        }
    }
    let own_key = || {
        inst.index
            .as_ref()
            .map(|i| format!("[{}]", super::address::key_text(i)))
    };
    let (local, index) = match (keys.as_slice(), others.as_slice()) {
        ([(local, key)], []) => (
            local,
            key.as_ref().map(|k| format!("[{k}]")).or_else(own_key),
        ),
        ([(local, None)], [Ref::Other(o)]) if o == "each.key" || o == "count.index" => {
            (local, Some(own_key()?))
        }
        _ => return None,
    };
    let scope_module = if inst.module.is_empty() {
        String::new()
    } else {
        format!("{}.", inst.module)
    };
    let plain = format!("{scope_module}{local}");
    let indexed = index.map(|k| format!("{plain}{k}"));
    if let Some(arn) = cx
        .keys
        .get(&plain)
        .or_else(|| indexed.as_ref().and_then(|a| cx.keys.get(a)))
    {
        return Some(Some(arn.clone()));
    }
    let instances = &cx.r.plan.instances;
    (instances.contains_key(&plain) || indexed.is_some_and(|a| instances.contains_key(&a)))
        .then_some(None)
}

/// `aws_s3_bucket_policy` and `aws_ecr_repository_policy`: the policy of a named resource.
pub(crate) fn resource_policy(cx: &mut Cx, inst: &Instance) -> Result<(), ImportError> {
    let r = cx.r;
    let s3 = inst.rtype == "aws_s3_bucket_policy";
    let attr = if s3 { "bucket" } else { "repository" };
    let name = cx.get(inst, attr, r.string(inst, attr))?;
    let doc = cx.get(inst, "policy", r.document(inst, "policy"))?;
    let account = cx.get(inst, attr, r.account())?;
    let arn = match &name {
        Some(n) if s3 => cx.get(
            inst,
            attr,
            r.partition().map(|p| format!("arn:{p}:s3:::{n}")),
        )?,
        Some(n) => {
            let arn = r.partition().and_then(|p| {
                Ok(format!(
                    "arn:{p}:ecr:{}:{}:repository/{n}",
                    r.region()?,
                    r.account()?
                ))
            });
            cx.get(inst, attr, arn)?
        }
        None => None,
    };
    let (Some(name), Some(doc), Some(account), Some(arn)) = (name, doc, account, arn) else {
        return Ok(());
    };
    let prefix = if s3 { "s3" } else { "ecr" };
    cx.b.note(
        Dir::Resources,
        &arn,
        if s3 {
            "bucket policy"
        } else {
            "repository policy"
        },
        format!("{}.policy", inst.address),
    );
    let entry = cx.b.resources.entry(arn).or_default();
    entry.name = format!("{prefix}-{name}");
    entry.account = account;
    entry.policy = Some(doc);
    Ok(())
}

/// `aws_lambda_permission`: one statement of the function's resource-based policy, as Lambda's
/// `AddPermission` writes it (<https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html>,
/// <https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html>).
pub(crate) fn lambda_permission(cx: &mut Cx, inst: &Instance) -> Result<(), ImportError> {
    let r = cx.r;
    let function = cx.get(inst, "function_name", r.string(inst, "function_name"))?;
    let qualifier = non_empty(cx, inst, "qualifier")?;
    let principal = cx.get(inst, "principal", r.string(inst, "principal"))?;
    let action = cx.get(inst, "action", r.string(inst, "action"))?;
    let sid = non_empty(cx, inst, "statement_id")?;
    let conditions = permission_conditions(cx, inst)?;
    let (Some(function), Some(principal), Some(action)) = (function, principal, action) else {
        return Ok(());
    };
    let Some(arn) = cx.get(
        inst,
        "function_name",
        function_arn(cx, &function, qualifier.as_deref()),
    )?
    else {
        return Ok(());
    };
    let partition = cx
        .get(inst, "principal", r.partition())?
        .unwrap_or_default();
    let principal_json = permission_principal(cx, inst, &principal, &partition)?;
    let stmt = permission_statement(sid.as_deref(), principal_json, &action, &arn, &conditions);
    add_function_statement(cx, inst, arn, qualifier, stmt);
    Ok(())
}

/// An optional string attribute, `None` when absent or empty.
fn non_empty(cx: &mut Cx, inst: &Instance, attr: &str) -> Result<Option<String>, ImportError> {
    let r = cx.r;
    Ok(cx
        .get(inst, attr, r.opt_string(inst, attr))?
        .flatten()
        .filter(|s| !s.is_empty()))
}

/// The permission's conditions, as (operator, key, value), in the order `AddPermission` adds them.
fn permission_conditions(
    cx: &mut Cx,
    inst: &Instance,
) -> Result<Vec<(&'static str, &'static str, String)>, ImportError> {
    let mut conditions = Vec::new();
    for (attr, op, key) in [
        ("source_arn", "ArnLike", "AWS:SourceArn"),
        ("source_account", "StringEquals", "AWS:SourceAccount"),
        ("principal_org_id", "StringEquals", "aws:PrincipalOrgID"),
        (
            "event_source_token",
            "StringEquals",
            "lambda:EventSourceToken",
        ),
        (
            "function_url_auth_type",
            "StringEquals",
            "lambda:FunctionUrlAuthType",
        ),
    ] {
        if let Some(v) = non_empty(cx, inst, attr)? {
            conditions.push((op, key, v));
        }
    }
    Ok(conditions)
}

/// The statement's `Principal`: `*`, an account (as its root), an ARN or a service principal.
fn permission_principal(
    cx: &Cx,
    inst: &Instance,
    principal: &str,
    partition: &str,
) -> Result<Value, ImportError> {
    Ok(match principal {
        "*" => json!("*"),
        p if p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()) => {
            json!({"AWS": format!("arn:{partition}:iam::{p}:root")})
        }
        p if p.starts_with("arn:") => json!({"AWS": p}),
        p if p.contains('.') => json!({"Service": p}),
        p => {
            return Err(ImportError::Malformed {
                file: cx.label.to_string(),
                path: format!("{}.principal", inst.address),
                message: format!("`{p}` is not a service principal, account id, arn or `*`"),
            })
        }
    })
}

/// Appends `stmt` to the policy of function `arn` (qualified by `qualifier`), creating it.
fn add_function_statement(
    cx: &mut Cx,
    inst: &Instance,
    arn: String,
    qualifier: Option<String>,
    stmt: Map<String, Value>,
) {
    let account = arn.split(':').nth(4).unwrap_or("").to_string();
    let fname = arn.split(':').nth(6).unwrap_or("").to_string();
    cx.b.note(
        Dir::Resources,
        &arn,
        "function policy statement",
        inst.address.clone(),
    );
    let entry = cx.b.resources.entry(arn).or_default();
    entry.name = format!(
        "lambda-{fname}{}",
        qualifier.map(|q| format!("-{q}")).unwrap_or_default()
    );
    entry.account = account;
    let policy = entry
        .policy
        .get_or_insert_with(|| json!({"Version": "2012-10-17", "Id": "default", "Statement": []}));
    if let Some(Value::Array(stmts)) = policy.get_mut("Statement") {
        stmts.push(Value::Object(stmt));
    }
}

/// The function ARN from a name (`f`, `f:alias`), a partial ARN (`123456789012:function:f`)
/// or an ARN, with the qualifier appended.
fn function_arn(cx: &Cx, function: &str, qualifier: Option<&str>) -> R<String> {
    let r = cx.r;
    let parts: Vec<&str> = function.split(':').collect();
    let (base, inline_qualifier) = match parts.as_slice() {
        ["arn", p, "lambda", region, account, "function", name, rest @ ..] => (
            format!("arn:{p}:lambda:{region}:{account}:function:{name}"),
            rest.first().copied(),
        ),
        [account, "function", name, rest @ ..] => (
            format!(
                "arn:{}:lambda:{}:{account}:function:{name}",
                r.partition()?,
                r.region()?
            ),
            rest.first().copied(),
        ),
        [name, rest @ ..] => (
            format!(
                "arn:{}:lambda:{}:{}:function:{name}",
                r.partition()?,
                r.region()?,
                r.account()?
            ),
            rest.first().copied(),
        ),
        [] => return Err(Fail::Needs("function_name".into())),
    };
    Ok(match qualifier.or(inline_qualifier) {
        Some(q) => format!("{base}:{q}"),
        None => base,
    })
}
