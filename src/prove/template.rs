//! Policy variables in the patterns a proof splits by. A variable whose key is fixed for the
//! question (the caller's own keys, a key the question gives or leaves absent) is substituted,
//! so the pattern is one glob; a variable that reads a quantified key ties two dimensions
//! together and cannot be split exactly: the answer is then `unknown`, with that reason.

use super::glob::{Glob, Tok};
use crate::condition::variables::{Part, Template};
use crate::condition::Lookup;
use crate::pattern::wildcard::{tokenize, Dialect};

/// How a templated value is matched once substituted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A `Resource` pattern
    Resource,
    /// A `StringLike` value
    Like,
    /// A `StringEquals` value (`fold`: ignoring case)
    Exact {
        /// `...IgnoreCase`
        fold: bool,
    },
    /// An `ArnLike`/`ArnEquals` value
    Arn,
}

/// The glob of `t` with its variables substituted from `ctx`: `Ok(None)` when a variable has no
/// value (the pattern then matches nothing), `Err(reason)` when `blocked` refuses a key the
/// template reads.
pub(crate) fn resolve<L: Lookup + ?Sized>(
    t: &Template,
    kind: Kind,
    ctx: &L,
    blocked: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Glob>, String> {
    let mut text = String::new();
    let mut toks: Vec<Tok> = Vec::new();
    let dialect = match kind {
        Kind::Resource => Dialect::Resource,
        _ => Dialect::Plain,
    };
    for part in t.parts() {
        match part {
            Part::Text(s) => {
                text.push_str(s);
                toks.extend(
                    Glob::from_tokens(&tokenize(s, dialect), dialect)
                        .toks()
                        .iter()
                        .copied(),
                );
            }
            Part::Escaped(c) => {
                text.push(*c);
                toks.push(Tok::Lit(*c));
            }
            Part::Var { lower, default, .. } => {
                if let Some(why) = blocked(lower) {
                    return Err(why);
                }
                let value = match ctx.lookup(lower) {
                    Some(e) if !e.multi && e.values.len() == 1 => {
                        e.values.first().map(|v| v.raw().to_string())
                    }
                    _ => default.clone(),
                };
                let Some(v) = value else { return Ok(None) };
                text.push_str(&v);
                toks.extend(v.chars().map(Tok::Lit));
            }
        }
    }
    Ok(match kind {
        Kind::Resource | Kind::Like => Some(Glob::new(toks)),
        Kind::Exact { fold: false } => Some(Glob::literal(&text)),
        Kind::Exact { fold: true } => Some(Glob::folded(&text.to_lowercase())),
        Kind::Arn => Glob::arn_value(&text),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Context;

    fn t(s: &str) -> Template {
        Template::parse(s).unwrap().unwrap()
    }

    #[test]
    fn fixed_variables_are_substituted_and_quantified_ones_refused() {
        let mut ctx = Context::new();
        ctx.insert("aws:username", "carol");
        let none = |_: &str| None;
        let g = resolve(
            &t("arn:aws:s3:::b/${aws:username}/*"),
            Kind::Resource,
            &ctx,
            &none,
        )
        .unwrap()
        .unwrap();
        assert!(g.is_match("arn:aws:s3:::b/carol/x"));
        assert!(!g.is_match("arn:aws:s3:::b/dave/x"));
        let missing = resolve(&t("${aws:PrincipalTag/team}"), Kind::Like, &ctx, &none).unwrap();
        assert!(missing.is_none());
        let refuse = |k: &str| (k == "aws:sourceip").then(|| format!("{k} is quantified"));
        let e = resolve(&t("x/${aws:SourceIp}"), Kind::Like, &ctx, &refuse).unwrap_err();
        assert_eq!(e, "aws:sourceip is quantified");
        let star = resolve(&t("a${*}b"), Kind::Like, &ctx, &none)
            .unwrap()
            .unwrap();
        assert!(star.is_match("a*b") && !star.is_match("axb"));
    }
}
