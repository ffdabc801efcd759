//! The access matrix of an inventory: every role and user against every resource it knows (its
//! resources, its roles, the concrete ARNs of `ownership.json`, and any given), for each group
//! of the actions the catalog says act on the resource; each cell holds every action's decision
//! and why (the deciding statements as written, the patterns that matched, the conditions that
//! would allow it). Rendered by `report::html`.

mod groups;
mod statements;

use serde::Serialize;

pub use groups::{actions_on, ActionGroup};
pub use statements::{matched_action, matched_resource, StatementTable, StatementText};

use crate::catalog::Catalog;
use crate::engine::{Decision, Engine, Evaluation, Layer, Trace, TraceEvent};
use crate::inventory::Inventory;
use crate::request::{Context, Principal, Request};

/// A resource of the matrix and why it is there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatrixResource {
    /// The ARN
    pub arn: String,
    /// `resource` (inventory resources/), `role`, `owned` (ownership.json) or `given`
    pub origin: &'static str,
    /// Its first alias (a KMS key's `alias/...` ARN), for people
    pub alias: Option<String>,
}

/// Why an action was allowed or not.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionResult {
    /// `service:Name`
    pub action: String,
    /// Allow, explicit or implicit deny
    pub decision: Decision,
    /// For a deny: the layer that denied
    pub blocked_by: Option<Layer>,
    /// Context keys that conditions read but the request did not give
    pub missing_context: Vec<String>,
    /// The deciding statements: index into [`Matrix::statements`], the layer, and the patterns
    /// that matched (absent for a rule of the service, which has no document)
    pub deciding: Vec<Deciding>,
    /// For an action not allowed: Allow statements that failed only on conditions
    /// (`statement: Operator key [values]`)
    pub allowed_if: Vec<String>,
}

/// One deciding statement of an action.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Deciding {
    /// Index into [`Matrix::statements`]
    pub statement: Option<usize>,
    /// The statement as the engine names it
    pub name: String,
    /// Its layer
    pub layer: Option<Layer>,
    /// The `Action` pattern that matched
    pub action_pattern: Option<String>,
    /// The `Resource` pattern that matched
    pub resource_pattern: Option<String>,
}

/// The colour of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every action of the group allowed
    Allow,
    /// Some allowed, some not
    Partial,
    /// None allowed, and a Deny statement denied one
    ExplicitDeny,
    /// None allowed, nothing denied explicitly
    Deny,
}

/// One principal, one resource, one action group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    /// Index into [`Matrix::principals`]
    pub principal: usize,
    /// Index into [`Matrix::resources`]
    pub resource: usize,
    /// The group
    pub group: ActionGroup,
    /// The colour
    pub verdict: Verdict,
    /// Some action not allowed has an Allow statement that failed only on its conditions
    /// (`allowed_if`): other context values may allow it
    pub conditional: bool,
    /// Every action of the group on the resource
    pub actions: Vec<ActionResult>,
}

/// The whole matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Matrix {
    /// Role and user ARNs, sorted, then the principals given (the page's columns)
    pub principals: Vec<String>,
    /// Resources, in the order described in the module doc (the page's rows)
    pub resources: Vec<MatrixResource>,
    /// Cells, by resource, then principal, then group; a group with no action on the resource
    /// has no cell
    pub cells: Vec<Cell>,
    /// The statements the cells' actions name
    pub statements: Vec<StatementText>,
}

/// What to add to an inventory's own principals and resources, and the context of every request.
#[derive(Debug, Clone, Default)]
pub struct MatrixOptions {
    /// Extra principals: ARNs, service principals
    pub principals: Vec<Principal>,
    /// Extra resources: ARNs
    pub resources: Vec<String>,
    /// The context every request carries
    pub context: Context,
}

/// Compute the matrix of `inv` (compiled as `engine`).
pub fn compute(engine: &Engine, inv: &Inventory, opts: &MatrixOptions) -> Matrix {
    let mut principals: Vec<String> = engine.principal_arns().map(str::to_string).collect();
    principals.sort_unstable();
    principals.dedup();
    let mut callers: Vec<Principal> = principals
        .iter()
        .filter_map(|a| Principal::parse(a).ok())
        .collect();
    for p in &opts.principals {
        if !principals.iter().any(|a| a == p.as_str()) {
            principals.push(p.as_str().to_string());
            callers.push(p.clone());
        }
    }
    let resources = resources_of(inv, &opts.resources);
    let mut table = StatementTable::new(inv);
    let catalog = Catalog::embedded();
    let mut cells = Vec::new();
    for (r, res) in resources.iter().enumerate() {
        let by_group = actions_on(catalog, &res.arn);
        for (p, caller) in callers.iter().enumerate() {
            for (group, actions) in &by_group {
                let actions: Vec<ActionResult> = actions
                    .iter()
                    .map(|a| {
                        let mut req = Request::new(caller.clone(), a.as_str(), res.arn.as_str());
                        req.context = opts.context.clone();
                        let (ev, trace) = engine.explain(&req);
                        result(&mut table, &req, ev, &trace)
                    })
                    .collect();
                cells.push(cell(p, r, *group, actions));
            }
        }
    }
    Matrix {
        principals,
        resources,
        cells,
        statements: table.statements,
    }
}

/// The inventory's resources, its roles, the wildcard-free ARNs of its ownership, then `given`,
/// each once.
fn resources_of(inv: &Inventory, given: &[String]) -> Vec<MatrixResource> {
    let mut out: Vec<MatrixResource> = Vec::new();
    let mut add = |arn: &str, origin: &'static str, alias: Option<&String>| {
        if !out.iter().any(|r| r.arn == arn) {
            out.push(MatrixResource {
                arn: arn.to_string(),
                origin,
                alias: alias.cloned(),
            });
        }
    };
    for r in &inv.resources {
        add(&r.arn, "resource", r.aliases.first());
    }
    for r in &inv.roles {
        add(&r.arn, "role", None);
    }
    for o in &inv.ownership {
        for arn in o.resources.iter().filter(|a| !a.contains(['*', '?'])) {
            add(arn, "owned", None);
        }
    }
    for arn in given {
        add(arn, "given", None);
    }
    out
}

/// One action's answer, its deciding statements looked up in the inventory.
fn result(
    table: &mut StatementTable<'_>,
    req: &Request,
    ev: Evaluation,
    trace: &Trace,
) -> ActionResult {
    let deciding = ev
        .deciding
        .iter()
        .map(|id| {
            let layer = trace.events.iter().find_map(|e| match e {
                TraceEvent::Applied {
                    layer, statement, ..
                } if statement == id => Some(*layer),
                _ => None,
            });
            let found = table.lookup(id);
            Deciding {
                statement: found.map(|(n, _)| n),
                name: id.to_string(),
                layer,
                action_pattern: found.and_then(|(_, st)| matched_action(st, &req.action)),
                resource_pattern: found.and_then(|(_, st)| matched_resource(st, &req.resource)),
            }
        })
        .collect();
    let allowed_if = trace.allowed_if(ev.decision.is_allowed());
    ActionResult {
        action: req.action.clone(),
        decision: ev.decision,
        blocked_by: ev.blocked_by,
        missing_context: ev.missing_context,
        deciding,
        allowed_if,
    }
}

/// A cell and its colour.
fn cell(principal: usize, resource: usize, group: ActionGroup, actions: Vec<ActionResult>) -> Cell {
    let allowed = actions.iter().filter(|a| a.decision.is_allowed()).count();
    let explicit = actions.iter().any(|a| a.decision == Decision::ExplicitDeny);
    let verdict = if allowed == actions.len() {
        Verdict::Allow
    } else if allowed > 0 {
        Verdict::Partial
    } else if explicit {
        Verdict::ExplicitDeny
    } else {
        Verdict::Deny
    };
    let conditional = actions
        .iter()
        .any(|a| !a.decision.is_allowed() && !a.allowed_if.is_empty());
    Cell {
        principal,
        resource,
        group,
        verdict,
        conditional,
        actions,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

    use super::*;
    use std::path::Path;

    fn reference() -> (Inventory, Engine) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
        let inv = crate::scenario::load_inventory(&dir).unwrap();
        let engine = Engine::new(&inv).unwrap();
        (inv, engine)
    }

    fn find<'m>(m: &'m Matrix, who: &str, arn: &str, g: ActionGroup) -> &'m Cell {
        m.cells
            .iter()
            .find(|c| {
                m.principals[c.principal].ends_with(who)
                    && m.resources[c.resource].arn == arn
                    && c.group == g
            })
            .unwrap()
    }

    #[test]
    fn the_reference_platform_pulls_its_own_image_only() {
        let (inv, engine) = reference();
        let m = compute(&engine, &inv, &MatrixOptions::default());
        assert!(m
            .principals
            .iter()
            .any(|p| p.ends_with("role/acme-dev-gateway")));
        let own = "arn:aws:ecr:us-east-1:111122223333:repository/acme-dev-research";
        let c = find(&m, "role/acme-dev-agent-research", own, ActionGroup::Read);
        assert_eq!(c.verdict, Verdict::Partial);
        let pull = c
            .actions
            .iter()
            .find(|a| a.action == "ecr:BatchGetImage")
            .unwrap();
        assert_eq!(pull.decision, Decision::Allow);
        let d = &pull.deciding[0];
        assert_eq!(d.layer, Some(Layer::Identity));
        let st = &m.statements[d.statement.unwrap()];
        assert_eq!(st.id.sid.as_deref(), Some("EcrPull"));
        assert!(
            d.action_pattern.is_some() && d.resource_pattern.is_some(),
            "{d:?}"
        );
        let other = find(&m, "role/acme-dev-agent-support", own, ActionGroup::Read);
        assert_eq!(other.verdict, Verdict::Deny);
    }

    #[test]
    fn given_resources_and_principals_are_added_once() {
        let (inv, engine) = reference();
        let opts = MatrixOptions {
            principals: vec![Principal::parse("bedrock-agentcore.amazonaws.com").unwrap()],
            resources: vec![inv.roles[0].arn.clone()],
            context: Context::new(),
        };
        let m = compute(&engine, &inv, &opts);
        assert_eq!(
            m.principals.last().unwrap(),
            "bedrock-agentcore.amazonaws.com"
        );
        assert_eq!(
            m.resources
                .iter()
                .filter(|r| r.arn == inv.roles[0].arn)
                .count(),
            1
        );
        // The service assumes a role only with aws:SourceAccount and aws:SourceArn.
        let c = find(
            &m,
            "bedrock-agentcore.amazonaws.com",
            &inv.roles[0].arn,
            ActionGroup::Write,
        );
        assert!(c.conditional, "{c:?}");
    }
}
