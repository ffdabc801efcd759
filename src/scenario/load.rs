//! Reading scenario files into runnable cases: expansion, resolution against the inventory,
//! and every fail-closed check (unknown principal, unresolvable resource, malformed action).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

use super::case::{Case, CaseRequest, Interner};
use super::expand::{bindings, substitute};
use super::format::{Expect, Scenario, ScenarioFile};
use crate::engine::{Engine, Layer};
use crate::inventory::{load_dir, read_json, LoadError, MAX_FILES};
use crate::pattern::Arn;
use crate::policy::{parse_document, PolicyKind};
use crate::request::{is_account_id, Context, IamKind, Principal};

/// The most expanded cases one run may hold (a documented limit).
pub const MAX_CASES: usize = 5_000_000;

/// A scenario file that cannot be run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The inventory failed to load
    #[error(transparent)]
    Inventory(#[from] LoadError),
    /// The inventory failed to compile
    #[error(transparent)]
    Compile(#[from] crate::engine::CompileError),
    /// A Terraform plan or GAAD dump could not be imported
    #[error(transparent)]
    Import(#[from] crate::import::ImportError),
    /// A problem in a scenario file
    #[error("{}", crate::policy::one_line(&format!("{file}: {message}")))]
    Invalid {
        /// The file
        file: String,
        /// What is wrong (names the scenario)
        message: String,
    },
}

fn invalid(file: &str, message: impl Into<String>) -> ScenarioError {
    ScenarioError::Invalid {
        file: file.into(),
        message: message.into(),
    }
}

/// Loaded scenario files: compiled inventories and the cases that run against them.
#[derive(Debug, Default)]
pub struct Suite {
    /// Compiled inventories, with their directories
    pub engines: Vec<(PathBuf, Engine)>,
    /// Every case, in file order
    pub cases: Vec<Case>,
    /// Descriptions by file
    pub descriptions: Vec<(String, String)>,
}

/// Options for loading a suite.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Use this inventory for every file instead of each file's `policies`
    pub policies: Option<PathBuf>,
    /// Keep only cases with one of these tags (empty: all)
    pub tags: Vec<String>,
    /// Values unknown at plan time, for an inventory read from a Terraform plan (`--var`)
    pub vars: std::collections::BTreeMap<String, String>,
}

/// Every `.json` file under `paths` (files as given, directories recursively), sorted.
pub fn scenario_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ScenarioError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, 0, &mut out).map_err(|e| invalid(&p.display().to_string(), e))?;
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(invalid(
                &p.display().to_string(),
                "no such file or directory",
            ));
        }
    }
    // A file named twice (directly and through its directory) runs once.
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    Ok(out)
}

/// How deep `walk` descends: deeper trees are refused (a symlink loop would never end).
const MAX_DEPTH: usize = 32;

fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "directories nested more than {MAX_DEPTH} deep (a symlink loop?)"
        ));
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("`{}`: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, depth + 1, out)?;
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
            if out.len() > MAX_FILES {
                return Err(format!(
                    "more than {MAX_FILES} scenario files; the limit is {MAX_FILES}"
                ));
            }
        }
    }
    Ok(())
}

/// Load scenario files (or directories) into a suite.
pub fn load_suite(paths: &[PathBuf], opts: &LoadOptions) -> Result<Suite, ScenarioError> {
    let files = scenario_files(paths)?;
    if files.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(invalid(&shown.join(" "), "no scenario files found"));
    }
    let mut suite = Suite::default();
    let mut by_dir: HashMap<PathBuf, usize> = HashMap::new();
    // Read every file and compile each inventory once (in order), then expand the files in
    // parallel: expansion and resolution dominate the load of a large suite.
    let mut parsed = Vec::with_capacity(files.len());
    for path in files {
        let label = path.display().to_string();
        let value = read_json(&path)?;
        let file = parse_file(value, &label)?;
        let dir = match &opts.policies {
            Some(p) => p.clone(),
            None => {
                let rel = file.policies.as_deref().unwrap_or("../policies");
                path.parent().unwrap_or(Path::new(".")).join(rel)
            }
        };
        let key = std::fs::canonicalize(&dir).unwrap_or(dir.clone());
        let engine = match by_dir.get(&key) {
            Some(i) => *i,
            None => {
                let inv = load_inventory_with(&dir, &opts.vars)?;
                suite.engines.push((dir.clone(), Engine::new(&inv)?));
                by_dir.insert(key, suite.engines.len() - 1);
                suite.engines.len() - 1
            }
        };
        if let Some(d) = &file.description {
            suite.descriptions.push((label.clone(), d.clone()));
        }
        parsed.push((label, file, engine));
    }
    let engines = &suite.engines;
    // Scenario files are few and large: one is worth a thread.
    let expanded = crate::par::par_map(
        &parsed,
        1,
        |(label, file, engine)| expand_file(label, file, *engine, engines),
        || Err(invalid("(scenarios)", "internal: expansion thread failed")),
    );
    for cases in expanded {
        suite.cases.extend(cases?);
        if suite.cases.len() > MAX_CASES {
            return Err(invalid(
                "(scenarios)",
                format!("more than {MAX_CASES} cases in one run"),
            ));
        }
    }
    if !opts.tags.is_empty() {
        suite
            .cases
            .retain(|c| c.tags.iter().any(|t| opts.tags.contains(t)));
        if suite.cases.is_empty() {
            let tags: Vec<String> = opts.tags.iter().map(|t| format!("`{t}`")).collect();
            return Err(invalid(
                "--tag",
                format!("no case has the tag {}", tags.join(" or ")),
            ));
        }
    }
    Ok(suite)
}

/// Expand one scenario file into cases against its compiled inventory.
fn expand_file(
    label: &str,
    file: &ScenarioFile,
    engine: usize,
    engines: &[(PathBuf, Engine)],
) -> Result<Vec<Case>, ScenarioError> {
    let Some((_, eng)) = engines.get(engine) else {
        return Err(invalid(label, "internal: engine index"));
    };
    let mut base = Context::new();
    if let Some(c) = &file.context {
        base.extend_from_json(c)
            .map_err(|e| invalid(label, format!("context: {e}")))?;
    }
    let base = Arc::new(base);
    let mut cases = Vec::new();
    let mut names = std::collections::HashSet::new();
    let mut resolver = Resolver::new(eng, label);
    for (i, sc) in file.scenarios.iter().enumerate() {
        expand_scenario(
            sc,
            i,
            file,
            &base,
            engine,
            &mut resolver,
            &mut names,
            &mut cases,
        )?;
        if cases.len() > MAX_CASES {
            return Err(invalid(
                label,
                format!("more than {MAX_CASES} cases in one run"),
            ));
        }
    }
    if cases.is_empty() {
        return Err(invalid(label, "the file expands to no case"));
    }
    Ok(cases)
}

/// The domains AWS service principals live in.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services>
const SERVICE_DOMAINS: &[&str] = &[".amazonaws.com", ".amazonaws.com.cn", ".amazon.com"];

/// Resolves the principals and resources of one file, and holds what its cases share.
struct Resolver<'a> {
    engine: &'a Engine,
    file: &'a str,
    /// The file name every case of the file shares
    label: Arc<str>,
    cache: HashMap<String, Arc<Principal>>,
    strings: Interner,
}

impl<'a> Resolver<'a> {
    fn new(engine: &'a Engine, file: &'a str) -> Self {
        Self {
            engine,
            file,
            label: file.into(),
            cache: HashMap::new(),
            strings: Interner::default(),
        }
    }

    fn principal(&mut self, text: &str, scenario: &str) -> Result<Arc<Principal>, ScenarioError> {
        if let Some(p) = self.cache.get(text) {
            return Ok(p.clone());
        }
        let err = |m: String| invalid(self.file, format!("scenario `{scenario}`: {m}"));
        let arn = if text.starts_with("role/") || text.starts_with("user/") {
            match self.engine.short_name(text) {
                [one] => one.clone(),
                [] => return Err(err(format!("principal `{text}` is not in the inventory"))),
                many => {
                    return Err(err(format!(
                        "principal `{text}` is ambiguous: {}",
                        many.join(", ")
                    )))
                }
            }
        } else {
            text.to_string()
        };
        let p = Principal::parse(&arn).map_err(|e| err(e.to_string()))?;
        // A misspelt service principal would match no policy and so deny quietly: accept only
        // AWS's service-principal domains.
        if let Principal::Service(name) = &p {
            if !SERVICE_DOMAINS.iter().any(|d| name.ends_with(d)) {
                return Err(err(format!(
                    "`{text}` is not an AWS service principal (they end in {})",
                    SERVICE_DOMAINS.join(", ")
                )));
            }
        }
        if let Principal::Iam(ip) = &p {
            match ip.kind {
                IamKind::Root => {}
                IamKind::FederatedUser { .. } => {
                    return Err(err(format!("federated-user principal `{text}` is not supported (its permissions depend on the session policy of GetFederationToken)")))
                }
                _ if !self.engine.knows_principal(&p) => {
                    return Err(err(format!("principal `{text}` is not in the inventory: its identity policies are unknown, so no answer would be trustworthy")))
                }
                _ => {}
            }
        }
        let p = Arc::new(p);
        self.cache.insert(text.to_string(), p.clone());
        Ok(p)
    }

    fn resource(&self, text: &str, action: &str, scenario: &str) -> Result<String, ScenarioError> {
        let err = |m: String| invalid(self.file, format!("scenario `{scenario}`: {m}"));
        if text == "*" {
            return Ok(text.into());
        }
        let arn = if text.starts_with("role/") {
            match self.engine.short_name(text) {
                [one] => one.clone(),
                [] => return Err(err(format!("resource `{text}` is not in the inventory"))),
                many => {
                    return Err(err(format!(
                        "resource `{text}` is ambiguous: {}",
                        many.join(", ")
                    )))
                }
            }
        } else {
            text.to_string()
        };
        let parsed = Arn::parse(&arn).ok_or_else(|| {
            err(format!(
                "resource `{text}` is not an ARN, `role/NAME` or `*`"
            ))
        })?;
        let service = action.split(':').next().unwrap_or("").to_ascii_lowercase();
        let must_know = match parsed.service {
            "kms" if parsed.resource.starts_with("alias/") => Some("KMS alias"),
            "kms" if service == "kms" && parsed.resource.starts_with("key/") => {
                Some("KMS key (its key policy decides)")
            }
            "iam" if service == "sts" && parsed.resource.starts_with("role/") => {
                Some("role (its trust policy decides)")
            }
            _ => None,
        };
        if let Some(what) = must_know {
            if !self.engine.knows_resource(&arn) {
                return Err(err(format!("{what} `{arn}` is not in the inventory")));
            }
        }
        Ok(arn)
    }
}

/// `service:Action` without wildcards.
pub fn check_action(action: &str) -> Result<(), String> {
    let ok = action.split_once(':').is_some_and(|(s, a)| {
        !s.is_empty()
            && !a.is_empty()
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && a.chars().all(|c| c.is_ascii_alphanumeric())
    });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "action `{action}` is not of the form `service:Action` (no wildcards)"
        ))
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call site; a struct would only rename the arguments"
)]
fn expand_scenario(
    sc: &Scenario,
    index: usize,
    file: &ScenarioFile,
    base: &Arc<Context>,
    engine: usize,
    resolver: &mut Resolver<'_>,
    names: &mut std::collections::HashSet<u64>,
    out: &mut Vec<Case>,
) -> Result<(), ScenarioError> {
    let label = resolver.file.to_string();
    let here = format!("scenarios[{index}] `{}`", sc.name);
    let err = |m: String| invalid(&label, format!("{here}: {m}"));
    let actions: Vec<String> = match (&sc.action, &sc.actions) {
        (Some(a), None) => vec![a.clone()],
        (None, Some(l)) if !l.is_empty() => l.clone(),
        (None, Some(_)) => return Err(err("`actions` is empty".into())),
        (Some(_), Some(_)) => return Err(err("give `action` or `actions`, not both".into())),
        (None, None) => return Err(err("missing `action`".into())),
    };
    let resources: Vec<String> = match (&sc.resource, &sc.resources) {
        (Some(r), None) => vec![r.clone()],
        (None, Some(l)) if !l.is_empty() => l.clone(),
        (None, Some(_)) => return Err(err("`resources` is empty".into())),
        (Some(_), Some(_)) => return Err(err("give `resource` or `resources`, not both".into())),
        (None, None) => return Err(err("missing `resource`".into())),
    };
    let blocked_by = match &sc.blocked_by {
        Some(b) => Some(Layer::from_name(b).ok_or_else(|| {
            err(format!("unknown `blocked_by` `{b}` (expected scp, rcp, boundary, session, key-policy, trust-policy, identity or resource)"))
        })?),
        None => None,
    };
    if blocked_by.is_some() && sc.expect == Expect::Allow {
        return Err(err("`blocked_by` goes with a deny expectation".into()));
    }
    let session_policy = match &sc.session_policy {
        Some(v) => Some(
            parse_document(v, &label, PolicyKind::Identity).map_err(|e| {
                let path = match e.json_path() {
                    "(document)" => String::new(),
                    p => format!(".{p}"),
                };
                err(format!("session_policy{path}: {}", e.kind()))
            })?,
        ),
        None => None,
    };
    if let Some(a) = &sc.resource_account {
        if !is_account_id(a) {
            return Err(err(format!(
                "`resource_account` `{a}` is not a 12-digit account id"
            )));
        }
    }
    // Cases share their scenario's context, or the file's when the scenario adds none.
    let ctx = match &sc.context {
        Some(c) => {
            let mut ctx = Context::clone(base);
            ctx.extend_from_json(c)
                .map_err(|e| err(format!("context: {e}")))?;
            Arc::new(ctx)
        }
        None => base.clone(),
    };
    let binds = match &sc.for_each {
        Some(vars) => bindings(vars, sc.where_clause.as_deref()).map_err(err)?,
        None if sc.where_clause.is_some() => return Err(err("`where` needs `for_each`".into())),
        None => vec![indexmap::IndexMap::new()],
    };
    // Count before building: `actions` x `resources` x bindings can be far larger than memory.
    let count = binds
        .len()
        .saturating_mul(actions.len())
        .saturating_mul(resources.len());
    if out.len().saturating_add(count) > MAX_CASES {
        return Err(err(format!(
            "expands to {count} cases, which with the {} before it passes the limit of {MAX_CASES} cases in one run",
            out.len()
        )));
    }
    let mut tags = file.tags.clone();
    tags.extend(sc.tags.iter().cloned());
    let tags: Arc<[String]> = tags.into();
    let session_policy = session_policy.map(Arc::new);
    let resource_account: Option<Arc<str>> = sc.resource_account.as_deref().map(Arc::from);
    let skip: Option<Arc<str>> = sc.skip.as_deref().map(Arc::from);
    let several = actions.len() * resources.len() > 1;
    for b in &binds {
        let name = substitute(&sc.name, b).map_err(err)?;
        let principal_text = substitute(&sc.principal, b).map_err(err)?;
        let principal = resolver.principal(&principal_text, &name)?;
        if session_policy.is_some() && !is_role_session(&principal) {
            return Err(err(format!(
                "`session_policy` applies only to role sessions, not to `{principal_text}`"
            )));
        }
        for a in &actions {
            let action = substitute(a, b).map_err(err)?;
            check_action(&action).map_err(&err)?;
            let action = resolver.strings.get(&action);
            for r in &resources {
                let resource_text = substitute(r, b).map_err(err)?;
                let resource = resolver.resource(&resource_text, &action, &name)?;
                let resource = resolver.strings.get(&resource);
                let case_name = if several {
                    format!("{name} [{action} {resource_text}]")
                } else {
                    name.clone()
                };
                // Names are remembered by hash (a large suite would otherwise hold every name
                // twice); a repeated hash is confirmed against the names themselves.
                let hash = {
                    use std::hash::{Hash, Hasher};
                    let mut h = std::collections::hash_map::DefaultHasher::new();
                    case_name.hash(&mut h);
                    h.finish()
                };
                if !names.insert(hash) && out.iter().any(|c| c.name == case_name) {
                    return Err(err(format!(
                        "duplicate case name `{case_name}` (names must be unique after expansion)"
                    )));
                }
                let because = match &sc.because {
                    Some(s) => Some(resolver.strings.get(&substitute(s, b).map_err(err)?)),
                    None => None,
                };
                out.push(Case {
                    file: resolver.label.clone(),
                    name: case_name,
                    engine,
                    request: CaseRequest {
                        principal: principal.clone(),
                        action: action.clone(),
                        resource,
                        context: ctx.clone(),
                        resource_account: resource_account.clone(),
                        session_policy: session_policy.clone(),
                    },
                    expect: sc.expect,
                    because,
                    blocked_by,
                    skip: skip.clone(),
                    tags: tags.clone(),
                });
            }
        }
    }
    Ok(())
}

/// Parse a JSON value as a scenario file without running it (for tools and tests). Errors name
/// the scenario (`scenarios[2] `name``) when one is at fault.
pub fn parse_file(value: Value, label: &str) -> Result<ScenarioFile, ScenarioError> {
    let Value::Object(top) = &value else {
        return Err(invalid(
            label,
            "expected an object with `scenarios` (see docs/formats.md)",
        ));
    };
    check_fields(&value).map_err(|m| invalid(label, m))?;
    // serde's messages name no position in a Value: check each scenario on its own first, so
    // the message can say which one is wrong.
    if let Some(Value::Array(list)) = top.get("scenarios") {
        for (i, sc) in list.iter().enumerate() {
            if !sc.is_object() {
                return Err(invalid(
                    label,
                    format!(
                        "scenarios[{i}]: expected an object, found {}",
                        match sc {
                            Value::Null => "null",
                            Value::Bool(_) => "a boolean",
                            Value::Number(_) => "a number",
                            Value::String(_) => "a string",
                            _ => "an array",
                        }
                    ),
                ));
            }
            if let Err(e) = Scenario::deserialize(sc) {
                let name = sc
                    .get("name")
                    .and_then(Value::as_str)
                    .map(|n| format!(" `{n}`"))
                    .unwrap_or_default();
                return Err(invalid(label, format!("scenarios[{i}]{name}: {e}")));
            }
        }
    }
    serde_json::from_value(value).map_err(|e| invalid(label, e.to_string()))
}

const FILE_FIELDS: &[&str] = &["description", "policies", "context", "tags", "scenarios"];
const SCENARIO_FIELDS: &[&str] = &[
    "name",
    "description",
    "principal",
    "action",
    "actions",
    "resource",
    "resources",
    "context",
    "expect",
    "because",
    "blocked_by",
    "session_policy",
    "resource_account",
    "skip",
    "tags",
    "for_each",
    "where",
];

/// Unknown fields, named with their JSON path and a "did you mean" (serde's own message has neither).
fn check_fields(value: &Value) -> Result<(), String> {
    let unknown = |path: String, key: &str, known: &[&str]| {
        let hint = match crate::policy::closest(key, known.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("expected one of {}", known.join(", ")),
        };
        Err(format!("{path}unknown field `{key}` ({hint})"))
    };
    let Some(top) = value.as_object() else {
        return Ok(());
    };
    for k in top.keys() {
        if !FILE_FIELDS.contains(&k.as_str()) {
            return unknown(String::new(), k, FILE_FIELDS);
        }
    }
    if let Some(list) = top.get("scenarios").and_then(Value::as_array) {
        for (i, sc) in list.iter().enumerate() {
            let Some(obj) = sc.as_object() else { continue };
            for k in obj.keys() {
                if !SCENARIO_FIELDS.contains(&k.as_str()) {
                    let name = obj
                        .get("name")
                        .and_then(Value::as_str)
                        .map(|n| format!(" `{n}`"))
                        .unwrap_or_default();
                    return unknown(format!("scenarios[{i}]{name}: "), k, SCENARIO_FIELDS);
                }
            }
        }
    }
    Ok(())
}

/// Resolve a principal as scenario files write it (`role/NAME`, ARNs, service principals),
/// failing closed on principals the inventory does not hold.
pub fn resolve_principal(engine: &Engine, text: &str) -> Result<Principal, String> {
    let mut r = Resolver::new(engine, "");
    r.principal(text, text)
        .map(Arc::unwrap_or_clone)
        .map_err(|e| strip_prefix(e.to_string()))
}

/// Resolve a resource as scenario files write it (`role/NAME`, ARNs, `*`), failing closed on
/// KMS keys, aliases and roles the inventory does not hold.
pub fn resolve_resource(engine: &Engine, text: &str, action: &str) -> Result<String, String> {
    let r = Resolver::new(engine, "");
    r.resource(text, action, text)
        .map_err(|e| strip_prefix(e.to_string()))
}

fn strip_prefix(s: String) -> String {
    match s.split_once("`: ") {
        Some((_, rest)) if s.starts_with(": scenario `") => rest.to_string(),
        _ => s,
    }
}

/// Load an inventory from a `policies/` directory, or from a file detected by content: a
/// Terraform plan (`terraform show -json`) or an AWS CLI authorization dump.
pub fn load_inventory(path: &Path) -> Result<crate::inventory::Inventory, ScenarioError> {
    load_inventory_with(path, &Default::default())
}

/// [`load_inventory`], with values unknown at plan time (`--var KEY=VALUE`) for a Terraform plan.
pub fn load_inventory_with(
    path: &Path,
    vars: &std::collections::BTreeMap<String, String>,
) -> Result<crate::inventory::Inventory, ScenarioError> {
    if path.is_dir() || !path.exists() {
        return Ok(load_dir(path)?);
    }
    let label = path.display().to_string();
    let value = read_json(path)?;
    let imported = match crate::import::detect(&value) {
        crate::import::InputKind::TerraformPlan => crate::import::terraform::import_plan(
                &value,
                &label,
                &crate::import::terraform::TerraformOptions { vars: vars.clone() },
            )?,
        crate::import::InputKind::Gaad => {
            let text = std::fs::read_to_string(path).map_err(|e| invalid(&label, e.to_string()))?;
            crate::import::gaad::import_gaad(&[(label.as_str(), text.as_str())])?
        }
        crate::import::InputKind::Other => {
            return Err(invalid(&label, "not a policies/ directory, a Terraform plan JSON or a get-account-authorization-details dump"))
        }
    };
    Ok(crate::inventory::from_files(&imported.files, path)?)
}

/// Session policies exist only for role sessions (AssumeRole*) here; federated users are refused.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session>
pub fn is_role_session(p: &Principal) -> bool {
    matches!(p, Principal::Iam(ip) if matches!(ip.kind, IamKind::Role { .. }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `check_fields` keeps its own list of field names (to name the path and suggest a
    /// spelling); it must agree with what the serde types accept.
    #[test]
    fn the_field_lists_match_the_serde_types() {
        let mut sc = serde_json::Map::new();
        for f in SCENARIO_FIELDS {
            let v = match *f {
                "expect" => serde_json::json!("allow"),
                "tags" => serde_json::json!([]),
                "for_each" | "context" | "session_policy" => serde_json::json!({}),
                "actions" | "resources" => serde_json::json!(["x"]),
                _ => serde_json::json!("x"),
            };
            sc.insert((*f).to_string(), v);
        }
        let mut file = serde_json::Map::new();
        for f in FILE_FIELDS {
            let v = match *f {
                "tags" => serde_json::json!([]),
                "context" => serde_json::json!({}),
                "scenarios" => serde_json::json!([Value::Object(sc.clone())]),
                _ => serde_json::json!("x"),
            };
            file.insert((*f).to_string(), v);
        }
        let parsed = parse_file(Value::Object(file), "t.json");
        assert!(parsed.is_ok(), "{parsed:?}");
        let err =
            parse_file(serde_json::json!({"scenarios": [{"nme": "x"}]}), "t.json").unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.json: scenarios[0]: unknown field `nme` (did you mean `name`?)"
        );
    }
}
