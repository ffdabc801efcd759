//! `iamsim reach PRINCIPAL`: everything a principal can become or act as, through any number
//! of escalation steps (docs/reach.md), in text, JSON, Markdown or DOT.

use super::args::{GraphFormat, ReachArgs};
use super::{Error, Exit, Streams};
use crate::engine::Engine;
use crate::reach::{self, Graph, Options};
use crate::scenario;

/// Run `reach`: exit 0 once the question could be answered.
pub fn reach(a: &ReachArgs, io: &mut Streams<'_>) -> Result<Exit, Error> {
    check_region(a.region.as_deref())?;
    let inventory = scenario::load_inventory(&a.policies)?;
    let engine = Engine::new(&inventory)?;
    // The queried principal gets a node even when no policy names it (an account that could
    // assume a role trusting everyone).
    let options = Options {
        region: a.region.clone(),
        principals: vec![a.principal.clone()],
    };
    let graph = Graph::build(&inventory, &engine, &options);
    let report = graph
        .reach(&a.principal)
        .map_err(|e| Error::Input(e.to_string()))?;
    let out = &mut *io.out;
    match a.format {
        GraphFormat::Text => reach::write_text(out, &report)?,
        GraphFormat::Json => reach::write_json(out, &report)?,
        GraphFormat::Markdown => reach::write_markdown(out, &report)?,
        GraphFormat::Dot => reach::write_dot(out, &report)?,
    }
    out.flush()?;
    // The process is about to exit: let the OS reclaim the graph and the inventory.
    std::mem::forget(graph);
    std::mem::forget(engine);
    std::mem::forget(inventory);
    Ok(Exit::Success)
}

/// Refuse a `--region` that is no AWS region name: a typo (`us-east1`) or another case
/// (`US-EAST-1`) would otherwise change the answers silently, since resources, `aws:SourceArn`
/// and region conditions are built from it. Region names are lowercase
/// (<https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html>).
fn check_region(region: Option<&str>) -> Result<(), Error> {
    match region {
        Some(r) if !crate::platform::is_region(r) => Err(Error::Input(format!(
            "`{r}` is not an AWS region: expected lowercase words and a number joined by \
             hyphens, as `us-east-1`, `us-gov-west-1` or `cn-north-1`"
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

    use super::*;
    use std::path::Path;

    fn args(principal: &str, format: GraphFormat) -> ReachArgs {
        ReachArgs {
            principal: principal.into(),
            policies: Path::new(env!("CARGO_MANIFEST_DIR")).join("policies"),
            format,
            region: None,
        }
    }

    fn run(a: &ReachArgs) -> (Result<Exit, Error>, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let r = reach(a, &mut Streams::new(&mut out, &mut err));
        assert!(err.is_empty());
        (r, String::from_utf8(out).unwrap())
    }

    #[test]
    fn text_names_each_principal_and_its_path() {
        let (r, out) = run(&args("role/acme-dev-agent-support", GraphFormat::Text));
        assert_eq!(r.unwrap(), Exit::Success);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[0],
            "arn:aws:iam::111122223333:role/acme-dev-agent-support reaches 4 other principal(s); no admin"
        );
        assert_eq!(lines[1], "  becomes role/acme-dev-agent-billing (1 hop)");
        assert_eq!(
            lines[2],
            "    1. role/acme-dev-agent-support -> role/acme-dev-agent-billing by agentcore-runtime-invoke-command-existing"
        );
        assert_eq!(
            lines[3],
            "       bedrock-agentcore:InvokeAgentRuntimeCommand on arn:aws:bedrock-agentcore:us-east-1:111122223333:runtime/acme-dev-agent-billing, allowed by acme-dev-agent-support/agent/AgentCoreActions"
        );
    }

    #[test]
    fn json_is_the_contract_shape() {
        let (_, out) = run(&args("role/acme-dev-agent-support", GraphFormat::Json));
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["schema_version"], 1);
        assert_eq!(
            v["principal"],
            "arn:aws:iam::111122223333:role/acme-dev-agent-support"
        );
        let first = &v["reaches"][0];
        let keys: Vec<&str> = first
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["principal", "admin", "gains", "path"]);
        assert_eq!(first["gains"], "becomes");
        let step = &first["path"][0];
        let keys: Vec<&str> = step
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["from", "to", "technique", "requests"]);
        let request = &step["requests"][0];
        let keys: Vec<&str> = request
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["action", "resource", "decided_by"]);
    }

    #[test]
    fn markdown_and_dot_render_the_same_paths() {
        let (_, md) = run(&args("role/acme-dev-agent-support", GraphFormat::Markdown));
        assert!(md.starts_with("### `arn:aws:iam::111122223333:role/acme-dev-agent-support`: 4 principal(s), no admin"), "{md}");
        assert!(
            md.contains("| `role/acme-dev-gateway` | becomes | no | 1 |"),
            "{md}"
        );
        let (_, dot) = run(&args("role/acme-dev-agent-support", GraphFormat::Dot));
        assert!(dot.starts_with("digraph reach {"), "{dot}");
        assert!(dot.contains("\"arn:aws:iam::111122223333:role/acme-dev-agent-support\" -> \"arn:aws:iam::111122223333:role/acme-dev-agent-billing\" [label=\"agentcore-runtime-invoke-command-existing\"];"), "{dot}");
    }

    /// An account no policy names still gets a node (audit F12): the answer is its own, not
    /// a refusal and not an empty answer for a principal the graph does not hold.
    #[test]
    fn an_account_no_policy_names_is_asked_about() {
        let (r, out) = run(&args("444455556666", GraphFormat::Text));
        assert_eq!(r.unwrap(), Exit::Success);
        assert!(
            out.starts_with("arn:aws:iam::444455556666:root reaches "),
            "{out}"
        );
    }

    /// Audit C1: a region of the wrong shape or case is refused (exit 2), a real one accepted.
    #[test]
    fn a_region_that_is_no_aws_region_is_refused() {
        for bad in ["us-east1", "US-EAST-1", "useast-1", "us-east-"] {
            let mut a = args("role/acme-dev-agent-support", GraphFormat::Text);
            a.region = Some(bad.into());
            let err = run(&a).0.unwrap_err().to_string();
            assert!(
                err.starts_with(&format!("`{bad}` is not an AWS region")),
                "{err}"
            );
        }
        for good in ["us-east-1", "us-gov-west-1", "cn-north-1", "eu-central-2"] {
            let mut a = args("role/acme-dev-agent-support", GraphFormat::Text);
            a.region = Some(good.into());
            assert_eq!(run(&a).0.unwrap(), Exit::Success, "{good}");
        }
    }

    #[test]
    fn an_unknown_principal_is_an_input_error() {
        let (r, _) = run(&args("role/nobody", GraphFormat::Text));
        assert_eq!(
            r.unwrap_err().to_string(),
            "`role/nobody` is not in the inventory"
        );
        let (r, _) = run(&args("nobody", GraphFormat::Text));
        assert_eq!(
            r.unwrap_err().to_string(),
            "`nobody` is not a principal (an IAM role or user ARN, role/NAME, user/NAME, a service principal, an account id, or anonymous)"
        );
        let (r, _) = run(&args(
            "arn:aws:iam::111122223333:role/nobody",
            GraphFormat::Text,
        ));
        assert_eq!(
            r.unwrap_err().to_string(),
            "`arn:aws:iam::111122223333:role/nobody` is not in the inventory"
        );
    }
}
