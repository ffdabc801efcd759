//! Policy variables: `${aws:username}`, `${aws:PrincipalTag/team}`, `${*}`, `${?}`, `${$}` and
//! `${key, 'default'}`. Only policies with `"Version": "2012-10-17"` have them; elsewhere the
//! text is literal. A variable with no value makes its pattern match nothing. The grammar is
//! `crate::policy::condition::template`; this file substitutes values.
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>

use super::context::Lookup;
use crate::pattern::wildcard::{tokenize, Dialect, Token, Wildcard};
pub use crate::policy::condition::template::{Part, Template, VariableError};

/// Substitution of a [`Template`]'s variables from a request's context (an extension of the
/// policy grammar's type, so the grammar layer needs no request type).
pub trait Resolve {
    /// The value with variables substituted; `None` if one has no value and no default.
    fn resolve<L: Lookup + ?Sized>(&self, ctx: &L) -> Option<String>;
    /// A wildcard pattern with variables substituted (their values and `${*}` are literal).
    fn resolve_pattern<L: Lookup + ?Sized>(&self, ctx: &L, dialect: Dialect) -> Option<Wildcard>;
}

impl Resolve for Template {
    fn resolve<L: Lookup + ?Sized>(&self, ctx: &L) -> Option<String> {
        let mut out = String::new();
        for part in self.parts() {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Escaped(c) => out.push(*c),
                Part::Var { .. } => out.push_str(&lookup(part, ctx)?),
            }
        }
        Some(out)
    }

    fn resolve_pattern<L: Lookup + ?Sized>(&self, ctx: &L, dialect: Dialect) -> Option<Wildcard> {
        let mut tokens: Vec<Token> = Vec::new();
        let mut source = String::new();
        for part in self.parts() {
            match part {
                Part::Text(t) => {
                    tokens.extend(tokenize(t, dialect));
                    source.push_str(t);
                }
                Part::Escaped(c) => {
                    tokens.push(Token::Lit(*c));
                    source.push(*c);
                }
                Part::Var { .. } => {
                    let v = lookup(part, ctx)?;
                    tokens.extend(v.chars().map(Token::Lit));
                    source.push_str(&v);
                }
            }
        }
        Wildcard::from_tokens(&source, tokens, dialect).ok()
    }
}

fn lookup<L: Lookup + ?Sized>(part: &Part, ctx: &L) -> Option<String> {
    let Part::Var { lower, default, .. } = part else {
        return None;
    };
    match ctx.lookup(lower) {
        // Only single-valued keys can fill a variable.
        Some(e) if !e.multi && e.values.len() == 1 => e.values.first().map(|v| v.raw().to_string()),
        _ => default.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Context;

    #[test]
    fn substitutes_values_defaults_and_escapes() {
        let mut ctx = Context::new();
        ctx.insert("aws:username", "carol");
        let t = Template::parse("home/${aws:username}/${*}")
            .unwrap()
            .unwrap();
        assert_eq!(t.resolve(&ctx).as_deref(), Some("home/carol/*"));
        let d = Template::parse("${aws:PrincipalTag/team, 'none'}")
            .unwrap()
            .unwrap();
        assert_eq!(d.resolve(&ctx).as_deref(), Some("none"));
        let missing = Template::parse("${aws:userid}").unwrap().unwrap();
        assert_eq!(missing.resolve(&ctx), None);
    }

    #[test]
    fn escaped_star_is_literal_in_patterns() {
        let ctx = Context::new();
        let t = Template::parse("a${*}b*").unwrap().unwrap();
        let w = t.resolve_pattern(&ctx, Dialect::Plain).unwrap();
        assert!(w.is_match("a*bxyz"));
        assert!(!w.is_match("axbxyz"));
    }
}
