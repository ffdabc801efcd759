//! SARIF 2.1.0 output for GitHub code scanning and other SARIF viewers: one run, the rules in
//! `tool.driver.rules`, one result per finding with its file (as given: pass repository-relative
//! paths) and start line.
//! <https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning>

use std::io::{self, Write};

use serde_json::{json, Value};

use super::rule::{Rule, Severity};
use super::source::Report;

/// The SARIF schema the output follows.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Write the report as a SARIF 2.1.0 log.
pub fn write_sarif(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let rules: Vec<Value> = Rule::ALL.iter().map(|r| rule(*r)).collect();
    let suppressed = report
        .suppressed
        .iter()
        .map(|s| (&s.finding, Some(&s.reason)));
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| (f, None))
        .chain(suppressed)
        .map(|(f, reason)| {
            let mut r = json!({
                "ruleId": f.rule.id(),
                "ruleIndex": Rule::ALL.iter().position(|r| *r == f.rule),
                "level": level(f.severity()),
                "message": {"text": format!("{} (fix: {})", f.message, f.fix)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.file},
                        "region": {"startLine": f.line},
                    },
                    "logicalLocations": [{"fullyQualifiedName": f.json_path, "kind": "element"}],
                }],
                "partialFingerprints": {"iamsimFingerprint/v1": f.fingerprint},
            });
            // A suppressed finding is kept, marked as such with its reason (SARIF 3.35).
            if let (Some(reason), Some(map)) = (reason, r.as_object_mut()) {
                map.insert(
                    "suppressions".into(),
                    json!([{"kind": "external", "justification": reason}]),
                );
            }
            r
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "iamsim",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn rule(r: Rule) -> Value {
    // GitHub ranks security results by `security-severity` (over 9.0 is critical, 7.0 high,
    // 4.0 medium): only the rules about over-broad grants carry one.
    let security = match r {
        Rule::PassRoleWildcard => Some("8.0"),
        Rule::WildcardGrant => Some("7.0"),
        Rule::AllowNotElement => Some("5.0"),
        Rule::AllowNotPrincipal => Some("7.0"),
        _ => None,
    };
    let mut properties =
        json!({"tags": [if security.is_some() { "security" } else { "correctness" }]});
    if let (Some(s), Some(map)) = (security, properties.as_object_mut()) {
        map.insert("security-severity".into(), json!(s));
    }
    json!({
        "id": r.id(),
        "name": r.name(),
        "shortDescription": {"text": r.summary()},
        "defaultConfiguration": {"level": level(r.severity())},
        "properties": properties,
    })
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}
