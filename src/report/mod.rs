//! Reporters: render a run's outcomes (or one explanation) to any `io::Write`, for people
//! (text, Markdown) and for tools (JSON, JUnit XML). The library never prints.

mod aws;
mod coverage;
mod explain;
pub mod html;
mod json;
mod junit;
mod markdown;
mod text;

pub use aws::{default_statement, explain_aws, AwsStatement, Locate, Position};
pub use coverage::coverage_text;
pub use explain::{
    explain_json, explain_text, explain_text_all, Explained, EXPLAIN_SCHEMA_VERSION,
};
pub use json::{check_json, load_error_json};
pub use junit::{check_junit, load_error_junit, xml_escape};
pub use markdown::{check_markdown, load_error_markdown};
pub use text::{check_text, TextOptions};

use crate::scenario::{Case, Outcome, Suite};

/// A short description of who decided: the deciding statements, or the blocking layer.
pub fn decided_by(outcome: &Outcome) -> String {
    let Some(ev) = &outcome.evaluation else {
        return String::new();
    };
    if !ev.deciding.is_empty() {
        let ids: Vec<String> = ev.deciding.iter().map(ToString::to_string).collect();
        return ids.join(", ");
    }
    match ev.blocked_by {
        Some(l) => format!("no Allow in the {l} layer"),
        None => String::new(),
    }
}

pub(crate) fn case_of<'a>(suite: &'a Suite, o: &Outcome) -> Option<&'a Case> {
    suite.cases.get(o.case)
}
