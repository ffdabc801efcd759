//! The scenario file format, field by field. Unknown fields are errors (fail closed).
//! See docs/formats.md and docs/scenarios.md for examples.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

/// A scenario file: shared settings and a list of scenarios.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// The JSON Schema the file follows (`schemas/scenario.schema.json`, for editors; not read)
    #[serde(default, rename = "$schema")]
    pub schema: Option<String>,
    /// What the file guards (shown in reports)
    #[serde(default)]
    pub description: Option<String>,
    /// The inventory directory, relative to the file (default `../policies`)
    #[serde(default)]
    pub policies: Option<String>,
    /// Context keys every scenario gets (a scenario's own `context` overrides them)
    #[serde(default, deserialize_with = "crate::json::strict_option")]
    pub context: Option<Value>,
    /// Tags every scenario gets
    #[serde(default)]
    pub tags: Vec<String>,
    /// The scenarios
    #[serde(deserialize_with = "crate::json::objects")]
    pub scenarios: Vec<Scenario>,
}

/// One scenario: a principal, one or more actions and resources, and the expected decision.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Unique name (after `for_each` expansion, `${var}` are substituted)
    pub name: String,
    /// Free text
    #[serde(default)]
    pub description: Option<String>,
    /// ARN, `role/NAME`, `user/NAME`, assumed-role ARN, service principal, or `anonymous`
    pub principal: String,
    /// One action (`service:Action`)
    #[serde(default)]
    pub action: Option<String>,
    /// Several actions: each must meet `expect`
    #[serde(default)]
    pub actions: Option<Vec<String>>,
    /// One resource: ARN, KMS alias ARN, `role/NAME`, or `*`
    #[serde(default)]
    pub resource: Option<String>,
    /// Several resources: each must meet `expect`
    #[serde(default)]
    pub resources: Option<Vec<String>>,
    /// Context keys for this scenario
    #[serde(default, deserialize_with = "crate::json::strict_option")]
    pub context: Option<Value>,
    /// The expected decision
    #[schemars(with = "ExpectName")]
    pub expect: Expect,
    /// The statement that must decide: a Sid, `policy#index` or `policy/Sid`
    #[serde(default)]
    pub because: Option<String>,
    /// The layer that must deny: `scp`, `rcp`, `vpce`, `boundary`, `session`, `key-policy`,
    /// `trust-policy`, `identity`, `resource`, `service`
    #[serde(default)]
    pub blocked_by: Option<String>,
    /// A session policy in force for the caller
    #[serde(default, deserialize_with = "crate::json::strict_option")]
    pub session_policy: Option<Value>,
    /// The resource's account, when neither its ARN nor the inventory says (contradicting either
    /// is an error)
    #[serde(default)]
    pub resource_account: Option<String>,
    /// The VPC endpoint the request goes through (`vpce-...`): sets `aws:SourceVpce` and drops
    /// `aws:SourceIp`, which requests through an endpoint do not carry
    #[serde(default)]
    pub vpce: Option<String>,
    /// Skip this scenario, with the reason
    #[serde(default)]
    pub skip: Option<String>,
    /// Tags, for `--tag`
    #[serde(default)]
    pub tags: Vec<String>,
    /// Template variables: each name -> a list of values, or names from the inventory
    /// (`{"roles": "acme-dev-agent-*"}`); the scenario expands to every combination
    #[serde(default)]
    pub for_each: Option<IndexMap<String, ForEachValues>>,
    /// A filter on `for_each` combinations: `x != y`, `x == y`, joined by `&&`
    #[serde(default, rename = "where")]
    pub where_clause: Option<String>,
    /// Decide through escalation paths (docs/reach.md): `allow` means the principal or one it
    /// can become or act as is allowed, `deny` that no path allows it; `because` then names a
    /// technique the allowing path must use
    #[serde(default)]
    pub transitive: bool,
    /// The expectation must hold for every value of every context key (`true`) or of these
    /// keys, absent included (docs/prove.md)
    #[serde(default)]
    pub for_all_context: Option<ForAllContext>,
    /// `actions` and `resource(s)` are patterns standing for every catalog action and every
    /// resource they match (docs/prove.md)
    #[serde(default)]
    pub quantify: bool,
    /// The principal acts on no other owner's resources (`ownership.json`), for any action,
    /// resource or context: `true`, or `{"except": [owner, ...]}` to leave known exceptions out
    #[serde(default)]
    pub tenancy: Option<TenancyField>,
}

/// The `tenancy` field of a scenario.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum TenancyField {
    /// `true` (`false` means no tenancy claim)
    On(bool),
    /// Every owner but these
    Except {
        /// Owners whose resources the principal may act on (documented exceptions)
        except: Vec<String>,
    },
}

/// The keys `for_all_context` ranges over.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum ForAllContext {
    /// `true`: every key the policies read; `false`: none
    All(bool),
    /// These keys
    Keys(Vec<String>),
}

/// The values of a `for_each` variable.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum ForEachValues {
    /// Literal values
    List(Vec<String>),
    /// Names from the inventory, so that a new role is covered the moment it exists
    Inventory(InventoryNames),
}

/// Names from the inventory matching a wildcard pattern (`*`, `?`); exactly one field.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InventoryNames {
    /// Role names
    #[serde(default)]
    pub roles: Option<String>,
    /// User names
    #[serde(default)]
    pub users: Option<String>,
    /// Agent keys of the platform (the owners the inventory's `ownership.json` lists)
    #[serde(default)]
    pub agents: Option<String>,
}

/// What a scenario expects (the same type as a proof's expectation).
pub use crate::prove::Expect;

/// The names `expect` takes, for the schema: [`Expect`]'s serde names (a test keeps them equal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ExpectName {
    /// Allowed
    Allow,
    /// Denied, either way
    Deny,
    /// Denied by a Deny statement
    ExplicitDeny,
    /// Denied because nothing allows it
    ImplicitDeny,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every name of the schema's `expect` is one `Expect` reads, and the other way round.
    #[test]
    fn expect_names_are_expects() {
        let schema = schemars::schema_for!(ExpectName);
        let names: Vec<String> = serde_json::to_value(&schema)
            .ok()
            .and_then(|v| v.get("oneOf").cloned())
            .and_then(|v| serde_json::from_value::<Vec<Value>>(v).ok())
            .unwrap_or_default()
            .iter()
            .filter_map(|v| v.get("const").and_then(Value::as_str).map(str::to_string))
            .collect();
        assert_eq!(names.len(), 4, "{schema:?}");
        for n in names {
            assert!(
                serde_json::from_value::<Expect>(Value::String(n.clone())).is_ok(),
                "{n}"
            );
        }
        for e in ["allow", "deny", "explicit-deny", "implicit-deny", "allowed"] {
            let both = (
                serde_json::from_value::<Expect>(e.into()).is_ok(),
                serde_json::from_value::<ExpectName>(e.into()).is_ok(),
            );
            assert!(both.0 == both.1, "{e}");
        }
    }
}
