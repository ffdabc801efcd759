//! Values AWS assigns in the names of what the attacker creates (an instance's id, a runtime's
//! random suffix): the attacker cannot choose them, but it can create again until AWS assigns
//! one a name admits. `names.rs` asks here whether a name's part admits one.

/// Whether `value`, the part of a name where a template has the variable `var`, admits a value
/// AWS could assign there ([`ASSIGNED`]); any value does where the attacker chooses it. `wild`
/// stands in `value` where its pattern had a wildcard.
pub(super) fn admitted(var: &str, value: &str, wild: &str) -> bool {
    ASSIGNED
        .iter()
        .find(|(v, _)| *v == var)
        .is_none_or(|(_, how)| how.admits_any(value, wild))
}

/// Template variables whose value AWS assigns, and what it may be. The attacker cannot choose
/// it, but it can create again until AWS assigns one a name admits: a name admits what it
/// creates when the part AWS assigns holds a wildcard and its literal characters are ones
/// AWS could assign there, few enough to be met within [`MAX_TRIES`] creates. `instance/*`,
/// `instance/i-*` and `instance/i-0*` admit an instance (the last once in 16 launches);
/// `instance/app-*` admits none, since EC2 ids are `i-` and hex
/// (<https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html>), and neither do
/// `instance/i-0abc*` or an id spelled in full.
const ASSIGNED: &[(&str, Assigned)] = &[
    // Ids AWS assigns whole, after the fixed prefix the template gives (`instance/i-${InstanceId}`,
    // `sir-`, `lt-`): 8 or 17 lowercase hex digits.
    ("InstanceId", Assigned::Whole(HEX)),
    ("SpotInstanceRequestId", Assigned::Whole(HEX)),
    ("LaunchTemplateId", Assigned::Whole(HEX)),
    // A UUID: an Auto Scaling group's, a launch configuration's, a stack's or stack set's.
    ("Uuid", Assigned::Whole(UUID)),
    // An App Runner service's id: 32 hex digits.
    ("ServiceId", Assigned::Whole(HEX)),
    // An EMR Serverless application's id: lowercase letters and digits.
    ("ApplicationId", Assigned::Whole(BASE36)),
    // `CreateAgentRuntime` takes `agentRuntimeName` (a letter, then letters, digits and `_`)
    // and returns `agentRuntimeId`: the name, a `-` and ten random letters and digits
    // (<https://docs.aws.amazon.com/bedrock-agentcore-control/latest/APIReference/API_CreateAgentRuntime.html>).
    ("RuntimeId", Assigned::Suffix(RANDOM)),
];

/// What AWS may assign: its characters, and how many it picks each from.
#[derive(Debug, Clone, Copy)]
struct Alphabet {
    admits: fn(char) -> bool,
    /// How many characters AWS picks each one from
    size: u32,
    /// Characters that stand where the format puts them, not picked (a UUID's dashes)
    fixed: fn(char) -> bool,
}

/// EC2's ids and App Runner's: lowercase hex digits.
const HEX: Alphabet = Alphabet {
    admits: |c| c.is_ascii_digit() || ('a'..='f').contains(&c),
    size: 16,
    fixed: |_| false,
};

/// A UUID: lowercase hex digits, and dashes where the format puts them.
const UUID: Alphabet = Alphabet {
    admits: |c| c.is_ascii_digit() || ('a'..='f').contains(&c) || c == '-',
    size: 16,
    fixed: |c| c == '-',
};

/// Lowercase letters and digits.
const BASE36: Alphabet = Alphabet {
    admits: |c| c.is_ascii_digit() || c.is_ascii_lowercase(),
    size: 36,
    fixed: |_| false,
};

/// The random end of a runtime's id: letters and digits.
const RANDOM: Alphabet = Alphabet {
    admits: |c| c.is_ascii_alphanumeric(),
    size: 62,
    fixed: |_| false,
};

/// The creates an attacker is taken to afford to get a value AWS assigns at random: a name
/// whose literal characters there AWS picks by chance once in more tries than this admits
/// none (three hex digits: 4,096 launches; two letters or digits of a runtime's: 3,844).
const MAX_TRIES: u32 = 4096;

/// How much of a variable's value AWS assigns.
#[derive(Debug, Clone, Copy)]
enum Assigned {
    /// All of it
    Whole(Alphabet),
    /// What follows the runtime name the caller gives: `-` and the random characters
    Suffix(Alphabet),
}

impl Alphabet {
    /// Whether `part` (a name's part: literal runs, and [`Part::Wild`] where its pattern had
    /// a wildcard) admits a value AWS could assign, within [`MAX_TRIES`]: it has a wildcard,
    /// and its literal characters are ones AWS could assign, few enough to be met by chance.
    fn admits_some(self, part: &[Part<'_>]) -> bool {
        let literal = || part.iter().filter_map(|p| p.literal()).flat_map(str::chars);
        let tries = u32::try_from(literal().filter(|&c| !(self.fixed)(c)).count())
            .ok()
            .and_then(|n| self.size.checked_pow(n));
        part.contains(&Part::Wild)
            && literal().all(self.admits)
            && tries.is_some_and(|t| t <= MAX_TRIES)
    }
}

/// A run of a name: literal text, or what a wildcard matched (`wild`).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Part<'s> {
    Literal(&'s str),
    Wild,
}

impl<'s> Part<'s> {
    fn literal(self) -> Option<&'s str> {
        match self {
            Self::Literal(text) => Some(text),
            Self::Wild => None,
        }
    }
}

/// `value`'s runs: `wild` as [`Part::Wild`], and the literal text between.
fn parts<'s>(value: &'s str, wild: &str) -> Vec<Part<'s>> {
    let mut out = Vec::new();
    for (i, piece) in value.split(wild).enumerate() {
        if i > 0 {
            out.push(Part::Wild);
        }
        if !piece.is_empty() {
            out.push(Part::Literal(piece));
        }
    }
    out
}

impl Assigned {
    /// Whether a name holding `value` here admits a value AWS could assign ([`ASSIGNED`]).
    fn admits_any(self, value: &str, wild: &str) -> bool {
        let parts = parts(value, wild);
        match self {
            Self::Whole(alphabet) => alphabet.admits_some(&parts),
            Self::Suffix(alphabet) => admits_suffixed(&parts, alphabet),
        }
    }
}

/// Whether `parts` admit a runtime's id: a name the caller can give (a letter, then letters,
/// digits and `_`), `-`, and a random part `random` admits. The `-` is a literal one, or one a
/// wildcard matches (which may match the name's end and the random part's start too).
fn admits_suffixed(parts: &[Part<'_>], random: Alphabet) -> bool {
    let name_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let name_ok = |left: &[Part<'_>]| {
        let starts = match left.first() {
            Some(Part::Literal(text)) => text.starts_with(|c: char| c.is_ascii_alphabetic()),
            Some(Part::Wild) => true,
            None => false,
        };
        starts
            && left
                .iter()
                .filter_map(|p| p.literal())
                .all(|t| t.chars().all(name_char))
    };
    parts.iter().enumerate().any(|(i, part)| {
        let (before, after) = (parts.get(..i).unwrap_or_default(), parts.get(i + 1..));
        let after = after.unwrap_or_default();
        match *part {
            // The `-` inside what this wildcard matched.
            Part::Wild => {
                let left: Vec<Part<'_>> = before.iter().copied().chain([Part::Wild]).collect();
                let right: Vec<Part<'_>> = [Part::Wild]
                    .into_iter()
                    .chain(after.iter().copied())
                    .collect();
                name_ok(&left) && random.admits_some(&right)
            }
            // A literal `-` of this run.
            Part::Literal(text) => text.match_indices('-').any(|(j, _)| {
                let (head, tail) = (
                    text.get(..j).unwrap_or_default(),
                    text.get(j + 1..).unwrap_or_default(),
                );
                let left: Vec<Part<'_>> = before
                    .iter()
                    .copied()
                    .chain(Some(Part::Literal(head)).filter(|_| !head.is_empty()))
                    .collect();
                let right: Vec<Part<'_>> = Some(Part::Literal(tail))
                    .filter(|_| !tail.is_empty())
                    .into_iter()
                    .chain(after.iter().copied())
                    .collect();
                name_ok(&left) && random.admits_some(&right)
            }),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What each kind of assigned value admits: a wildcard, and literal characters AWS could
    /// assign there (hex for EC2); before a runtime's random part, a name the caller can give
    /// (a letter, then letters, digits and `_`) and a `-`.
    #[test]
    fn an_assigned_value_is_admitted_from_what_aws_could_assign() {
        let (hex, suffix) = (Assigned::Whole(HEX), Assigned::Suffix(RANDOM));
        let (uuid, base36) = (Assigned::Whole(UUID), Assigned::Whole(BASE36));
        for (how, value, admits) in [
            // A UUID is hex: no Auto Scaling group's id starts `xyz` or `g` (found by review:
            // one alphabet for every `${Id}` let them pass); its dashes cost nothing.
            (uuid, "xyz*", false),
            (uuid, "g*", false),
            (uuid, "0a*", true),
            (uuid, "0ab-*", true),
            (uuid, "0abc-*", false),
            (base36, "ab*", true),
            (base36, "abc*", false),
            (base36, "A*", false),
            (hex, "*", true),
            (hex, "**", true),
            (hex, "0*", true),
            (hex, "0ab*", true),
            (hex, "*0", true),
            (hex, "0abc*", false),
            (hex, "app-*", false),
            (hex, "*-prod", false),
            (hex, "", false),
            (hex, "0", false),
            (suffix, "*", true),
            (suffix, "app*", true),
            (suffix, "team_1-*", true),
            (suffix, "app**", true),
            (suffix, "app-x*", true),
            (suffix, "app-xY*", true),
            (suffix, "*-x*", true),
            (suffix, "app-xyz*", false),
            (suffix, "*-prod", false),
            (suffix, "app", false),
            (suffix, "app-", false),
            (suffix, "app-xy", false),
            (suffix, "my-agent*", false),
            (suffix, "1app*", false),
            (suffix, "-*", false),
            (suffix, "app-_*", false),
        ] {
            assert_eq!(how.admits_any(value, "*"), admits, "{how:?} {value}");
        }
    }
}
