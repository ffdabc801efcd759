//! A reach report as text, JSON (schema version 1), Markdown or Graphviz DOT. Each renders
//! the same [`ReachReport`]; nothing here decides anything.

use std::io::{self, Write};

use super::query::{ReachReport, Reached, Step};
use super::technique::Gains;
use super::transitive::WhoCanPath;

/// The short form of an IAM ARN for people (`role/NAME`, `user/NAME`), else the text itself.
fn short(arn: &str) -> &str {
    match arn.split_once(":iam::") {
        Some((_, rest)) => rest.split_once(':').map_or(arn, |(_, r)| r),
        None => arn,
    }
}

/// What an entry gains, in words.
fn gains(r: &Reached) -> String {
    match (&r.gains, &r.actions) {
        (Gains::ActsAs, Some(actions)) => format!("acts as (for {})", actions.join(", ")),
        (Gains::ActsAs, None) => "acts as".into(),
        (Gains::Becomes, _) => "becomes".into(),
    }
}

/// `N hop(s)`.
fn hops(n: usize) -> String {
    if n == 1 {
        "1 hop".into()
    } else {
        format!("{n} hops")
    }
}

/// One line per request of a step.
fn request_lines(step: &Step) -> Vec<String> {
    step.requests
        .iter()
        .map(|q| {
            let context: Vec<String> = q.context.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let context = if context.is_empty() {
                String::new()
            } else {
                format!(" with {}", context.join(", "))
            };
            format!(
                "{} on {}{context}, allowed by {}",
                q.action,
                q.resource,
                q.decided_by.join(", ")
            )
        })
        .collect()
}

/// The report for people: a summary line, then each principal reached with its path.
pub fn write_text(out: &mut dyn Write, r: &ReachReport) -> io::Result<()> {
    let admin = if r.reaches_admin() {
        "reaches admin"
    } else {
        "no admin"
    };
    let others = r
        .reaches
        .iter()
        .filter(|x| x.principal != r.principal)
        .count();
    writeln!(
        out,
        "{} reaches {others} other principal(s); {admin}",
        r.principal
    )?;
    for x in &r.reaches {
        let mark = if x.admin { " [admin]" } else { "" };
        let who = if x.principal == r.principal {
            "itself"
        } else {
            short(&x.principal)
        };
        writeln!(out, "  {} {who}{mark} ({})", gains(x), hops(x.path.len()))?;
        for (i, step) in x.path.iter().enumerate() {
            writeln!(
                out,
                "    {}. {} -> {} by {}",
                i + 1,
                short(&step.from),
                short(&step.to),
                step.technique
            )?;
            for line in request_lines(step) {
                writeln!(out, "       {line}")?;
            }
        }
    }
    Ok(())
}

/// The JSON contract: `{"schema_version": 1, "principal", "reaches": [...]}` (docs/reach.md).
pub fn write_json(out: &mut dyn Write, r: &ReachReport) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, r)?;
    writeln!(out)
}

/// A Markdown table, one row per principal reached, and the paths below it.
pub fn write_markdown(out: &mut dyn Write, r: &ReachReport) -> io::Result<()> {
    let admin = if r.reaches_admin() {
        "**reaches admin**"
    } else {
        "no admin"
    };
    writeln!(
        out,
        "### `{}`: {} principal(s), {admin}\n",
        r.principal,
        r.reaches.len()
    )?;
    if r.reaches.is_empty() {
        return Ok(());
    }
    writeln!(out, "| principal | gains | admin | hops | path |")?;
    writeln!(out, "| --- | --- | --- | --- | --- |")?;
    for x in &r.reaches {
        let path: Vec<String> = x
            .path
            .iter()
            .map(|s| format!("`{}`", s.technique))
            .collect();
        writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            short(&x.principal),
            gains(x),
            if x.admin { "yes" } else { "no" },
            x.path.len(),
            path.join(" → ")
        )?;
    }
    writeln!(out)?;
    for x in r.reaches.iter().filter(|x| !x.path.is_empty()) {
        writeln!(
            out,
            "<details><summary><code>{}</code></summary>\n",
            short(&x.principal)
        )?;
        for step in &x.path {
            writeln!(
                out,
                "- `{}` → `{}` by `{}`",
                short(&step.from),
                short(&step.to),
                step.technique
            )?;
            for line in request_lines(step) {
                writeln!(out, "  - {line}")?;
            }
        }
        writeln!(out, "\n</details>\n")?;
    }
    Ok(())
}

/// Quote a DOT identifier.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A Graphviz digraph of every path: admin principals filled red, acts-as edges dashed.
pub fn write_dot(out: &mut dyn Write, r: &ReachReport) -> io::Result<()> {
    writeln!(out, "digraph reach {{")?;
    writeln!(out, "  rankdir=LR;")?;
    writeln!(out, "  node [shape=box, fontname=\"Helvetica\"];")?;
    let mut nodes: Vec<(&str, bool)> = vec![(r.principal.as_str(), false)];
    let mut edges: Vec<(String, String, String, bool)> = Vec::new();
    for x in &r.reaches {
        if let Some(n) = nodes.iter_mut().find(|(p, _)| *p == x.principal) {
            n.1 |= x.admin;
        } else {
            nodes.push((&x.principal, x.admin));
        }
        for (i, step) in x.path.iter().enumerate() {
            let bounded = i + 1 == x.path.len() && x.gains == Gains::ActsAs;
            let e = (
                step.from.clone(),
                step.to.clone(),
                step.technique.clone(),
                bounded,
            );
            if !edges.contains(&e) {
                edges.push(e);
            }
        }
    }
    for (p, admin) in &nodes {
        let style = if *admin {
            ", style=filled, fillcolor=\"#f4b6b6\""
        } else if *p == r.principal {
            ", style=bold"
        } else {
            ""
        };
        writeln!(out, "  {} [label={}{style}];", quoted(p), quoted(short(p)))?;
    }
    for (from, to, technique, bounded) in &edges {
        let style = if *bounded { ", style=dashed" } else { "" };
        writeln!(
            out,
            "  {} -> {} [label={}{style}];",
            quoted(from),
            quoted(to),
            quoted(technique)
        )?;
    }
    writeln!(out, "}}")
}

/// `who-can --transitive` for people: `ALLOW` for a principal allowed itself, `PATH` with the
/// steps for one allowed through a path.
pub fn write_who_can_text(
    out: &mut dyn Write,
    action: &str,
    list: &[WhoCanPath],
) -> io::Result<()> {
    for w in list {
        let by = w.decided_by.join(", ");
        if w.path.is_empty() {
            writeln!(out, "ALLOW {action} {} ({}) via {by}", w.principal, w.kind)?;
            continue;
        }
        let mut steps = short(&w.principal).to_string();
        for s in &w.path {
            steps.push_str(&format!(" -[{}]-> {}", s.technique, short(&s.to)));
        }
        writeln!(
            out,
            "PATH  {action} {} ({}, {} as {}): {steps}; allowed by {by}",
            w.principal,
            w.kind,
            hops(w.hops),
            short(&w.acting_as)
        )?;
    }
    Ok(())
}

/// `who-can --transitive --format json`: `{"schema_version": 1, "action", "resource", "principals"}`,
/// and `warnings` when the run has some.
pub fn write_who_can_json(
    out: &mut dyn Write,
    action: &str,
    resource: &str,
    list: &[WhoCanPath],
    warnings: &[String],
) -> io::Result<()> {
    let mut doc = serde_json::json!({
        "schema_version": 1, "action": action, "resource": resource, "principals": list,
    });
    // The run's warnings (catalog checks), present only when there are some.
    if let (false, Some(o)) = (warnings.is_empty(), doc.as_object_mut()) {
        o.insert("warnings".into(), serde_json::json!(warnings));
    }
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// `who-can --transitive --format markdown`: one row per principal.
pub fn write_who_can_markdown(
    out: &mut dyn Write,
    action: &str,
    resource: &str,
    list: &[WhoCanPath],
) -> io::Result<()> {
    writeln!(
        out,
        "### Who can `{action}` on `{resource}`: {} principal(s)\n",
        list.len()
    )?;
    if list.is_empty() {
        return Ok(());
    }
    writeln!(out, "| principal | kind | hops | as | path | allowed by |")?;
    writeln!(out, "| --- | --- | --- | --- | --- | --- |")?;
    for w in list {
        let path: Vec<String> = w
            .path
            .iter()
            .map(|s| format!("`{}`", s.technique))
            .collect();
        writeln!(
            out,
            "| `{}` | {} | {} | `{}` | {} | {} |",
            short(&w.principal),
            w.kind,
            w.hops,
            short(&w.acting_as),
            path.join(" → "),
            w.decided_by.join(", ")
        )?;
    }
    Ok(())
}

/// `who-can --transitive --format dot`: every path, ending at the request.
pub fn write_who_can_dot(
    out: &mut dyn Write,
    action: &str,
    resource: &str,
    list: &[WhoCanPath],
) -> io::Result<()> {
    writeln!(out, "digraph who_can {{")?;
    writeln!(out, "  rankdir=LR;")?;
    writeln!(out, "  node [shape=box, fontname=\"Helvetica\"];")?;
    let target = format!("{action} on {resource}");
    writeln!(out, "  {} [shape=ellipse, style=bold];", quoted(&target))?;
    let mut lines: Vec<String> = Vec::new();
    for w in list {
        for s in &w.path {
            lines.push(format!(
                "  {} -> {} [label={}];",
                quoted(&s.from),
                quoted(&s.to),
                quoted(&s.technique)
            ));
        }
        lines.push(format!(
            "  {} -> {};",
            quoted(&w.acting_as),
            quoted(&target)
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for l in lines {
        if seen.insert(l.clone()) {
            writeln!(out, "{l}")?;
        }
    }
    writeln!(out, "}}")
}
