//! Expansion of IAM action patterns (`logs:Describe*`) into the catalog's actions.

use super::Catalog;

impl Catalog {
    /// The actions matching the IAM action pattern `pattern`, in AWS's casing, ordered by service
    /// prefix, then by action name ignoring case.
    ///
    /// As in a policy's `Action` element, `*` matches any run of characters (including none),
    /// `?` matches one character, and case is ignored
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html>).
    /// `*` alone matches every action, `ecr:*` every action of a service. A pattern that matches
    /// nothing (a typo, or a pattern without `:` other than `*`) gives an empty list.
    pub fn expand(&self, pattern: &str) -> Vec<String> {
        let mut found = Vec::new();
        match pattern.split_once(':') {
            // The common case: a literal service prefix, so only that service is searched.
            Some((prefix, action)) if !has_wildcard(prefix) => {
                if let Some(service) = self.service(prefix) {
                    found.extend(
                        service
                            .actions()
                            .filter(|info| wildcard_match(action, info.name()))
                            .map(|info| info.to_string()),
                    );
                }
            }
            _ => {
                let mut name = String::new();
                for service in self.services() {
                    for info in service.actions() {
                        name.clear();
                        name.push_str(info.service());
                        name.push(':');
                        name.push_str(info.name());
                        if wildcard_match(pattern, &name) {
                            found.push(name.clone());
                        }
                    }
                }
            }
        }
        found
    }
}

impl Catalog {
    /// Whether `pattern` matches at least one action: `!expand(pattern).is_empty()` without
    /// building the list (policy checks ask this of every statement's actions).
    pub fn matches_any(&self, pattern: &str) -> bool {
        match pattern.split_once(':') {
            Some((prefix, action)) if !has_wildcard(prefix) => self
                .service(prefix)
                .is_some_and(|s| s.actions().any(|info| wildcard_match(action, info.name()))),
            _ => {
                let mut name = String::new();
                self.services().any(|service| {
                    service.actions().any(|info| {
                        name.clear();
                        name.push_str(info.service());
                        name.push(':');
                        name.push_str(info.name());
                        wildcard_match(pattern, &name)
                    })
                })
            }
        }
    }
}

fn has_wildcard(text: &str) -> bool {
    text.contains(['*', '?'])
}

/// Whether `text` matches `pattern` (`*`, `?`), ignoring ASCII case. The classic linear
/// backtracking: on a mismatch, let the last `*` swallow one more character.
fn wildcard_match(pattern: &str, text: &str) -> bool {
    // Bytes, not chars: catalog names are ASCII, so `?` meets one character either way.
    let (pattern, text) = (pattern.as_bytes(), text.as_bytes());
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match (pattern.get(p), text.get(t)) {
            (Some(b'*'), _) => {
                star = Some((p, t));
                p += 1;
            }
            (Some(&pc), Some(&tc)) if pc == b'?' || pc.eq_ignore_ascii_case(&tc) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern
        .get(p..)
        .is_some_and(|rest| rest.iter().all(|&c| c == b'*'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_match_follows_iam_rules() {
        assert!(wildcard_match("Describe*", "DescribeLogGroups"));
        assert!(wildcard_match("describe*", "DescribeLogGroups"));
        assert!(wildcard_match("Get?bject", "GetObject"));
        assert!(!wildcard_match("Describe*", "CreateLogGroup"));
        assert!(wildcard_match("*Log*", "CreateLogGroup"));
        assert!(wildcard_match("**", ""));
        assert!(!wildcard_match("?", ""));
    }

    #[test]
    fn matches_any_agrees_with_expand() {
        let catalog = Catalog::embedded();
        for p in [
            "logs:Describe*",
            "ecr:BatchGetImage",
            "s3:GetObjcet",
            "*",
            "*:Get*",
            "nope",
            "x*:y",
        ] {
            assert_eq!(catalog.matches_any(p), !catalog.expand(p).is_empty(), "{p}");
        }
    }

    #[test]
    fn expands_a_prefix_pattern() {
        let found = Catalog::embedded().expand("logs:Describe*");
        assert!(found.contains(&"logs:DescribeLogGroups".to_owned()));
        assert!(!found.contains(&"logs:CreateLogGroup".to_owned()));
        assert!(found.iter().all(|name| name.starts_with("logs:Describe")));
    }

    #[test]
    fn expansion_ignores_case_and_returns_aws_casing() {
        assert_eq!(
            Catalog::embedded().expand("ECR:batchgetimag?"),
            ["ecr:BatchGetImage"]
        );
    }

    #[test]
    fn service_star_is_the_whole_service() {
        let catalog = Catalog::embedded();
        let count = catalog.service_actions("kms").unwrap().count();
        assert_eq!(catalog.expand("kms:*").len(), count);
    }

    #[test]
    fn star_alone_is_every_action_in_order() {
        let catalog = Catalog::embedded();
        let all = catalog.expand("*");
        let count: usize = catalog.services().map(|s| s.actions().count()).sum();
        assert_eq!(all.len(), count);
        assert_eq!(
            all.first().map(String::as_str),
            Some("a2c:GetContainerizationJobDetails")
        );
    }

    #[test]
    fn wildcards_in_the_service_part_search_every_service() {
        let found = Catalog::embedded().expand("ecr*:BatchGetImage");
        assert_eq!(found, ["ecr:BatchGetImage"]);
    }

    #[test]
    fn typos_and_bare_names_expand_to_nothing() {
        let catalog = Catalog::embedded();
        assert!(catalog.expand("ecr:BatchGetImages*").is_empty());
        assert!(catalog.expand("BatchGetImage").is_empty());
        assert!(catalog.expand("nosuch:*").is_empty());
    }
}
