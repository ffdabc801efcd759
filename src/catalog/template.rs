//! Matching of text against AWS's templates: ARN formats
//! (`arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}`) and condition key
//! names with placeholders (`aws:ResourceTag/${TagKey}`).

/// How a template is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rules {
    /// Condition key names: literal parts compare ignoring ASCII case, and a placeholder matches
    /// any non-empty run of characters (a tag key may hold `/` and `:`).
    Key,
    /// ARN formats: literal parts compare exactly, a placeholder matches a non-empty run without
    /// `:` (it may hold `/`: role paths, log group names, nested parameters, object keys), and
    /// `*` matches any run.
    Arn,
    /// As `Arn`, except that a placeholder ending the format must hold at least one `:`: the
    /// qualifier of a Lambda function (`function:my-fn:PROD`), the `:*` AWS appends to log
    /// group ARNs (`log-group:/my/group:*`), or a Bedrock model id (`amazon.titan-text-lite-v1:0:4k`).
    ArnQualified,
}

/// A piece of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece<'t> {
    Literal(&'t str),
    Placeholder,
    Star,
}

/// Splits off the first piece of `template`, or `None` at its end.
fn next_piece<'t>(template: &'t str, rules: Rules) -> Option<(Piece<'t>, &'t str)> {
    if template.is_empty() {
        return None;
    }
    if let Some(rest) = template.strip_prefix("${") {
        if let Some(close) = rest.find('}') {
            return Some((Piece::Placeholder, rest.get(close + 1..).unwrap_or("")));
        }
    }
    if rules != Rules::Key {
        if let Some(rest) = template.strip_prefix('*') {
            return Some((Piece::Star, rest));
        }
    }
    // A literal runs to the next placeholder (or `*` for ARNs); `${` at 0 without `}` is literal.
    // Bytes: `*`, `$` and `{` are ASCII, so each position found is a char boundary.
    let bytes = template.as_bytes();
    let end = bytes
        .iter()
        .enumerate()
        .skip(1)
        .find(|&(i, &b)| {
            (b == b'*' && rules != Rules::Key) || (b == b'$' && bytes.get(i + 1) == Some(&b'{'))
        })
        .map_or(template.len(), |(i, _)| i);
    let (literal, rest) = template.split_at_checked(end)?;
    Some((Piece::Literal(literal), rest))
}

/// Whether `text` is an instance of `template` under `rules`.
pub(crate) fn matches(template: &str, text: &str, rules: Rules) -> bool {
    let Some((piece, rest)) = next_piece(template, rules) else {
        return text.is_empty();
    };
    match piece {
        Piece::Literal(literal) => {
            let Some((head, tail)) = text.split_at_checked(literal.len()) else {
                return false;
            };
            let same = match rules {
                Rules::Key => head.eq_ignore_ascii_case(literal),
                Rules::Arn | Rules::ArnQualified => head == literal,
            };
            same && matches(rest, tail, rules)
        }
        Piece::Star => ends(text).any(|end| {
            text.get(end..)
                .is_some_and(|tail| matches(rest, tail, rules))
        }),
        Piece::Placeholder => {
            let last = rest.is_empty();
            // A placeholder ending the template takes the whole rest: decide without trying
            // every end (what the loop below would conclude, one call instead of one per char).
            if last {
                return !text.is_empty()
                    && match rules {
                        Rules::Key => true,
                        Rules::Arn => !text.contains(':'),
                        Rules::ArnQualified => text.contains(':'),
                    };
            }
            // Where the run may not hold a colon, no end past the first colon can match.
            let stop_at_colon = match rules {
                Rules::Key => false,
                Rules::Arn => true,
                Rules::ArnQualified => !last,
            };
            // Only ends where the next literal starts are worth trying.
            let next_literal = match next_piece(rest, rules) {
                Some((Piece::Literal(l), _)) => Some(l),
                _ => None,
            };
            if let Some(l) = next_literal {
                return placeholder_then_literal(text, l, rest, rules, stop_at_colon);
            }
            let mut colons = 0usize;
            for end in ends(text) {
                if end > 0 {
                    if stop_at_colon && colons > 0 {
                        return false;
                    }
                    let allowed = match rules {
                        Rules::Key | Rules::Arn => true,
                        Rules::ArnQualified if last => colons >= 1,
                        Rules::ArnQualified => true,
                    };
                    let tail = text.get(end..).unwrap_or("");
                    if allowed
                        && next_literal.is_none_or(|l| tail.starts_with(l))
                        && matches(rest, tail, rules)
                    {
                        return true;
                    }
                }
                if text.get(end..).is_some_and(|t| t.starts_with(':')) {
                    colons += 1;
                }
            }
            false
        }
    }
}

/// A placeholder (not the last piece) followed by literal `literal` and then `rest`, which starts
/// with that literal: the run may end only where the literal starts (found by search, not tried
/// at every char), is non-empty, and with `stop_at_colon` ends at the first `:` at the latest.
fn placeholder_then_literal(
    text: &str,
    literal: &str,
    rest: &str,
    rules: Rules,
    stop_at_colon: bool,
) -> bool {
    let limit = if stop_at_colon {
        text.find(':').unwrap_or(text.len())
    } else {
        text.len()
    };
    let step = literal.chars().next().map_or(1, char::len_utf8);
    let mut from = text.chars().next().map_or(1, char::len_utf8);
    while from <= limit {
        let Some(found) = text.get(from..).and_then(|t| t.find(literal)) else {
            return false;
        };
        let end = from + found;
        if end > limit {
            return false;
        }
        if matches(rest, text.get(end..).unwrap_or(""), rules) {
            return true;
        }
        from = end + step;
    }
    false
}

/// The number of literal bytes of an ARN format: how specific it is.
pub(crate) fn literal_len(template: &str) -> usize {
    let mut len = 0;
    let mut rest = template;
    while let Some((piece, tail)) = next_piece(rest, Rules::Arn) {
        if let Piece::Literal(literal) = piece {
            len += literal.len();
        }
        rest = tail;
    }
    len
}

/// Every char boundary of `text`, from 0 to its length.
fn ends(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPO: &str = "arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}";

    #[test]
    fn placeholders_match_runs_without_colons() {
        assert!(matches(
            REPO,
            "arn:aws:ecr:us-east-1:111122223333:repository/acme-dev-research",
            Rules::Arn
        ));
        assert!(matches(
            REPO,
            "arn:aws:ecr:us-east-1:111122223333:repository/team/app",
            Rules::Arn
        ));
        assert!(!matches(
            REPO,
            "arn:aws:ecr:us-east-1:111122223333:repository/a:b",
            Rules::Arn
        ));
        assert!(!matches(
            REPO,
            "arn:aws:ecr:us-east-1:111122223333:repository/",
            Rules::Arn
        ));
    }

    #[test]
    fn arn_literals_are_case_sensitive() {
        assert!(!matches(
            REPO,
            "arn:aws:ECR:us-east-1:111122223333:repository/x",
            Rules::Arn
        ));
    }

    #[test]
    fn qualified_needs_a_colon_in_the_last_placeholder() {
        let function = "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}";
        let arn = "arn:aws:lambda:us-east-1:111122223333:function:f:PROD";
        assert!(!matches(function, arn, Rules::Arn));
        assert!(matches(function, arn, Rules::ArnQualified));
        assert!(matches(function, &format!("{arn}:x"), Rules::ArnQualified));
        assert!(!matches(
            function,
            "arn:aws:lambda:us-east-1:111122223333:function:f",
            Rules::ArnQualified
        ));
    }

    #[test]
    fn star_matches_any_run() {
        let cert = "arn:${Partition}:dms:${Region}:${Account}:cert:*";
        assert!(matches(
            cert,
            "arn:aws:dms:us-east-1:111122223333:cert:ABC:DEF",
            Rules::Arn
        ));
    }

    #[test]
    fn key_placeholders_match_any_suffix_ignoring_case() {
        assert!(matches(
            "aws:ResourceTag/${TagKey}",
            "AWS:resourcetag/team:a/b",
            Rules::Key
        ));
        assert!(!matches(
            "aws:ResourceTag/${TagKey}",
            "aws:ResourceTag/",
            Rules::Key
        ));
        assert!(matches(
            "codebuild:environment.environmentVariables/${name}.value",
            "codebuild:environment.environmentVariables/TOKEN.value",
            Rules::Key
        ));
    }

    #[test]
    fn literal_len_counts_text_outside_placeholders() {
        assert_eq!(literal_len("arn:${Partition}:s3:::${BucketName}"), 10);
        assert_eq!(
            literal_len("arn:${Partition}:s3:::${BucketName}/${ObjectName}"),
            11
        );
        assert_eq!(literal_len("a*b"), 2);
    }
}
