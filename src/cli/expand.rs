//! `iamsim expand`, and the action-pattern expansion `explain` and `who-can` share.

use super::args::ExpandArgs;
use super::{Error, Exit, Streams};
use crate::catalog::Catalog;
use crate::scenario;

/// Run `expand`: one action per line, in catalog order.
pub fn expand(a: &ExpandArgs, io: &mut Streams<'_>) -> Result<Exit, Error> {
    let catalog = Catalog::embedded();
    let list = catalog.expand(&a.pattern);
    if list.is_empty() {
        let hint = catalog
            .suggest(&a.pattern)
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        return Err(Error::Usage(format!(
            "`{}` matches no action in the catalog{hint}",
            a.pattern
        )));
    }
    for action in list {
        writeln!(io.out, "{action}")?;
    }
    Ok(Exit::Success)
}

/// A concrete action (checked for shape), or (with the catalog) every action a pattern covers.
pub fn expand_actions(action: &str, no_catalog: bool) -> Result<Vec<String>, Error> {
    if !action.contains(['*', '?']) {
        scenario::check_action(action).map_err(Error::Input)?;
        return Ok(vec![action.to_string()]);
    }
    if no_catalog {
        return Err(Error::Usage(format!(
            "action pattern `{action}` needs the catalog to expand (drop --no-catalog)"
        )));
    }
    let list = Catalog::embedded().expand(action);
    if list.is_empty() {
        return Err(Error::Usage(format!(
            "action pattern `{action}` matches no known action"
        )));
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

    use super::*;

    fn run(pattern: &str) -> (Result<Exit, Error>, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let a = ExpandArgs {
            pattern: pattern.into(),
        };
        let r = expand(&a, &mut Streams::new(&mut out, &mut err));
        assert!(err.is_empty());
        (r, String::from_utf8(out).unwrap())
    }

    #[test]
    fn lists_the_actions_a_pattern_covers() {
        let (r, out) = run("s3:GetObjectT*");
        assert_eq!(r.unwrap(), Exit::Success);
        assert_eq!(out, "s3:GetObjectTagging\ns3:GetObjectTorrent\n");
    }

    #[test]
    fn a_pattern_matching_nothing_is_an_error() {
        let (r, out) = run("nope:*");
        assert_eq!(
            r.unwrap_err().to_string(),
            "`nope:*` matches no action in the catalog"
        );
        assert_eq!(out, "");
    }

    #[test]
    fn expand_actions_needs_the_catalog_for_patterns() {
        assert_eq!(
            expand_actions("s3:GetObject", true).unwrap(),
            ["s3:GetObject"]
        );
        assert_eq!(
            expand_actions("s3:GetObjectT*", true)
                .unwrap_err()
                .to_string(),
            "action pattern `s3:GetObjectT*` needs the catalog to expand (drop --no-catalog)"
        );
        assert_eq!(
            expand_actions("nope:Get*", false).unwrap_err().to_string(),
            "action pattern `nope:Get*` matches no known action"
        );
    }
}
