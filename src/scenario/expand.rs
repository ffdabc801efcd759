//! `for_each` expansion: every combination of the named lists, filtered by `where`, with
//! `${name}` substituted in the scenario's strings.

use indexmap::IndexMap;

/// The most combinations one scenario may expand to (a documented limit).
pub const MAX_EXPANSION: usize = 100_000;

/// One term of a `where` filter.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    left: String,
    right: String,
    equal: bool,
}

fn parse_where(text: &str, vars: &IndexMap<String, Vec<String>>) -> Result<Vec<Term>, String> {
    text.split("&&")
        .map(|t| {
            let t = t.trim();
            let (left, right, equal) = if let Some((l, r)) = t.split_once("!=") {
                (l, r, false)
            } else if let Some((l, r)) = t.split_once("==") {
                (l, r, true)
            } else {
                return Err(format!("`where` term `{t}` must be `x != y` or `x == y`"));
            };
            let (left, right) = (left.trim().to_string(), right.trim().to_string());
            for v in [&left, &right] {
                if !vars.contains_key(v) {
                    return Err(format!(
                        "`where` names `{v}`, which `for_each` does not define"
                    ));
                }
            }
            Ok(Term { left, right, equal })
        })
        .collect()
}

/// Every binding of the variables that passes the filter, in order.
pub fn bindings(
    vars: &IndexMap<String, Vec<String>>,
    where_clause: Option<&str>,
) -> Result<Vec<IndexMap<String, String>>, String> {
    let mut total: usize = 1;
    for (name, values) in vars {
        if values.is_empty() {
            return Err(format!("`for_each.{name}` is empty"));
        }
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!(
                "`for_each` variable `{name}` must be letters, digits and `_`"
            ));
        }
        total = total.saturating_mul(values.len());
    }
    if total > MAX_EXPANSION {
        return Err(format!(
            "`for_each` expands to {total} combinations; the limit is {MAX_EXPANSION}"
        ));
    }
    let terms = match where_clause {
        Some(w) => parse_where(w, vars)?,
        None => Vec::new(),
    };
    let mut out = vec![IndexMap::new()];
    for (name, values) in vars {
        let mut next = Vec::with_capacity(out.len() * values.len());
        for b in &out {
            for v in values {
                let mut b2: IndexMap<String, String> = b.clone();
                b2.insert(name.clone(), v.clone());
                next.push(b2);
            }
        }
        out = next;
    }
    out.retain(|b| {
        terms
            .iter()
            .all(|t| (b.get(&t.left) == b.get(&t.right)) == t.equal)
    });
    Ok(out)
}

/// Replace `${name}` for every bound variable; any `${` left over is an error.
pub fn substitute(text: &str, binding: &IndexMap<String, String>) -> Result<String, String> {
    let mut out = text.to_string();
    for (k, v) in binding {
        out = out.replace(&format!("${{{k}}}"), v);
    }
    if let Some(pos) = out.find("${") {
        let var: String = out
            .get(pos..)
            .unwrap_or("")
            .chars()
            .take_while(|c| *c != '}')
            .collect();
        return Err(format!(
            "`{var}}}` in `{text}` is not a `for_each` variable"
        ));
    }
    Ok(out)
}

/// A scenario string split once at its `${name}` references, so that each binding fills it in
/// one pass (instead of one search and copy per variable, which dominated a large expansion).
#[derive(Debug, Clone)]
pub struct Template<'t> {
    text: &'t str,
    /// Literal text and variable positions (in the binding's order), in order
    parts: Vec<Part<'t>>,
}

#[derive(Debug, Clone, Copy)]
enum Part<'t> {
    Text(&'t str),
    Var(usize),
}

impl<'t> Template<'t> {
    /// Split `text` at references to `vars` (the binding's names, in order). `None` when the
    /// text names something else, which [`substitute`] reports as an error.
    pub fn new(text: &'t str, vars: &[&str]) -> Option<Self> {
        let mut parts = Vec::new();
        if !text.contains("${") {
            // No allocation for the common case: the text is the only part.
            return Some(Self { text, parts });
        }
        let mut rest = text;
        while let Some(pos) = rest.find("${") {
            let (head, tail) = rest.split_at_checked(pos)?;
            let close = tail.find('}')?;
            let name = tail.get(2..close)?;
            let index = vars.iter().position(|v| *v == name)?;
            if !head.is_empty() {
                parts.push(Part::Text(head));
            }
            parts.push(Part::Var(index));
            rest = tail.get(close + 1..)?;
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest));
        }
        Some(Self { text, parts })
    }

    /// Whether the text names no variable (every binding gives the same string).
    pub fn is_constant(&self) -> bool {
        self.parts.iter().all(|p| matches!(p, Part::Text(_)))
    }

    /// The text with `binding`'s values filled in: what [`substitute`] gives.
    pub fn fill(&self, binding: &IndexMap<String, String>) -> Result<String, String> {
        if self.parts.is_empty() {
            return Ok(self.text.to_string());
        }
        let mut out = String::with_capacity(self.text.len() + 16);
        for p in &self.parts {
            match *p {
                Part::Text(t) => out.push_str(t),
                Part::Var(i) => match binding.get_index(i) {
                    // A value that holds `${` is substituted again by `substitute`: let it decide.
                    Some((_, v)) if !v.contains("${") => out.push_str(v),
                    _ => return substitute(self.text, binding),
                },
            }
        }
        Ok(out)
    }
}

/// A template for `text`, or [`substitute`]'s error for it.
pub fn template<'t>(
    text: &'t str,
    vars: &[&str],
    binding: &IndexMap<String, String>,
) -> Result<Template<'t>, String> {
    match Template::new(text, vars) {
        Some(t) => Ok(t),
        None => substitute(text, binding).map(|_| Template {
            text,
            parts: vec![Part::Text(text)],
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_and_filters() {
        let mut vars = IndexMap::new();
        vars.insert("x".to_string(), vec!["a".to_string(), "b".to_string()]);
        vars.insert("y".to_string(), vec!["a".to_string(), "b".to_string()]);
        let b = bindings(&vars, Some("x != y")).unwrap();
        assert_eq!(b.len(), 2);
        assert_eq!(substitute("${x}-${y}", &b[0]).unwrap(), "a-b");
        assert!(substitute("${z}", &b[0]).unwrap_err().contains("`${z}`"));
        assert!(bindings(&vars, Some("x ~ y")).is_err());
        assert!(bindings(&vars, Some("x != q")).unwrap_err().contains("`q`"));
    }

    #[test]
    fn templates_fill_as_substitute_does() {
        let mut vars = IndexMap::new();
        vars.insert("x".to_string(), vec!["a".to_string(), "${y}".to_string()]);
        vars.insert("y".to_string(), vec!["b".to_string()]);
        let names = ["x", "y"];
        for b in bindings(&vars, None).unwrap() {
            for text in [
                "${x}-${y}",
                "plain",
                "${y}${y}",
                "${x",
                "pre ${x} post",
                "${z}",
            ] {
                let t = template(text, &names, &b);
                match substitute(text, &b) {
                    Ok(want) => assert_eq!(t.unwrap().fill(&b).unwrap(), want, "{text}"),
                    Err(e) => {
                        let got = t.and_then(|t| t.fill(&b));
                        assert_eq!(got.unwrap_err(), e, "{text}");
                    }
                }
            }
        }
        assert!(Template::new("plain", &names).unwrap().is_constant());
        assert!(!Template::new("${x}", &names).unwrap().is_constant());
    }

    #[test]
    fn refuses_huge_expansions() {
        let mut vars = IndexMap::new();
        for n in ["a", "b", "c"] {
            vars.insert(n.to_string(), (0..100).map(|i| i.to_string()).collect());
        }
        assert!(bindings(&vars, None)
            .unwrap_err()
            .contains("1000000 combinations"));
    }
}
