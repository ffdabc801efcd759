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
