//! Running cases against their compiled inventories, on every core, and judging each outcome.

use serde::Serialize;

use super::case::{Case, RequestBuffer};
use super::format::Expect;
use super::load::Suite;
use super::quantify::run_quantified;
use crate::engine::{Decision, Evaluation, Memo};
use crate::prove::Scope;
use crate::reach::{Graph, Options, PathAnswer};

/// Passed, failed or skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Met every expectation
    Passed,
    /// Missed one
    Failed,
    /// Marked `skip`
    Skipped,
}

/// The result of one case.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Index of the case in [`Suite::cases`]
    pub case: usize,
    /// The engine's answer (absent when skipped)
    pub evaluation: Option<Evaluation>,
    /// The verdict
    pub status: Status,
    /// What did not meet the expectation
    pub problems: Vec<String>,
    /// For a quantified case: the statements that decided one of its requests (an allowing
    /// Allow, a denying Deny); for a single request they are its evaluation's
    pub exercised: Vec<crate::engine::StatementId>,
}

/// Totals of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Cases that passed
    pub passed: usize,
    /// Cases that failed
    pub failed: usize,
    /// Cases skipped
    pub skipped: usize,
}

impl Tally {
    /// Count outcomes
    pub fn of(outcomes: &[Outcome]) -> Self {
        let mut t = Self::default();
        for o in outcomes {
            match o.status {
                Status::Passed => t.passed += 1,
                Status::Failed => t.failed += 1,
                Status::Skipped => t.skipped += 1,
            }
        }
        t
    }

    /// Count a run: its outcomes, and the cases decided as they were read that passed and
    /// were let go ([`Suite::passed_unheld`]).
    pub fn of_run(suite: &Suite, outcomes: &[Outcome]) -> Self {
        let mut t = Self::of(outcomes);
        t.passed += suite.passed_unheld;
        t
    }
}

/// Judge one evaluation against a case's expectations.
pub fn judge(case: &Case, ev: &Evaluation) -> Vec<String> {
    let mut problems = Vec::new();
    if !case.expect.is_met_by(ev.decision) {
        problems.push(format!(
            "expected {}, got {}",
            case.expect.name(),
            ev.decision.name()
        ));
    }
    if let Some(b) = &case.because {
        if ev.decision == Decision::ImplicitDeny {
            problems.push(format!(
                "`because` `{b}`: an implicit deny has no deciding statement (use `blocked_by`)"
            ));
        } else if !ev.deciding.iter().any(|id| id.answers_to(b)) {
            let got: Vec<String> = ev.deciding.iter().map(ToString::to_string).collect();
            problems.push(format!(
                "expected statement `{b}` to decide, but {} did",
                got.join(", ")
            ));
        }
    }
    if let Some(layer) = case.blocked_by {
        if ev.decision.is_allowed() || ev.blocked_by != Some(layer) {
            let got = ev.blocked_by.map(|l| l.name()).unwrap_or("nothing");
            problems.push(format!("expected the {layer} layer to deny, but {got} did"));
        }
    }
    problems
}

/// Judge a transitive case: whether a path allows it, and through the named technique.
pub fn judge_transitive(case: &Case, answer: Option<&PathAnswer>) -> Vec<String> {
    let mut problems = Vec::new();
    match (case.expect, answer) {
        (Expect::Allow, None) => problems
            .push("expected a path to allow it, but nothing does, directly or through any escalation path".into()),
        (Expect::Allow, Some(a)) => {
            if let Some(t) = &case.because {
                if !a.path.iter().any(|s| *s.technique == **t) {
                    problems.push(format!(
                        "expected the path to use technique `{t}`, but {}",
                        a.describe()
                    ));
                }
            }
        }
        (_, Some(a)) => problems.push(format!(
            "expected no path to allow it, but {}",
            a.describe()
        )),
        (_, None) => {}
    }
    problems
}

/// The escalation graph of each engine some transitive case runs against.
fn graphs(suite: &Suite) -> Vec<Option<Graph<'_>>> {
    suite
        .engines
        .iter()
        .zip(&suite.inventories)
        .enumerate()
        .map(|(i, ((_, engine), inv))| {
            let cases = suite.cases.iter().filter(|c| c.transitive && c.engine == i);
            // Each case's principal gets a node even when no policy names it (an account that
            // could assume a role trusting everyone).
            let principals: Vec<String> = cases
                .map(|c| c.request.principal.as_str().to_string())
                .collect();
            let options = Options {
                principals,
                ..Options::default()
            };
            (!options.principals.is_empty()).then(|| Graph::build(inv, engine, &options))
        })
        .collect()
}

/// What one thread reuses from case to case: the request, rewritten in place, and what the
/// engine resolved for the last caller and resource.
#[derive(Default)]
struct Scratch<'s> {
    buf: RequestBuffer,
    memo: Memo<'s>,
}

fn run_one<'s>(
    suite: &'s Suite,
    graphs: &[Option<Graph<'_>>],
    scopes: &[Option<Scope<'_>>],
    i: usize,
    case: &Case,
    scratch: &mut Scratch<'s>,
) -> Outcome {
    if case.skip.is_some() {
        return Outcome {
            case: i,
            evaluation: None,
            status: Status::Skipped,
            problems: Vec::new(),
            exercised: Vec::new(),
        };
    }
    let Some((_, engine)) = suite.engines.get(case.engine) else {
        return Outcome {
            case: i,
            evaluation: None,
            status: Status::Failed,
            problems: vec!["no inventory".into()],
            exercised: Vec::new(),
        };
    };
    if let Some(q) = &case.quantified {
        let Some(Some(scope)) = scopes.get(case.engine) else {
            return Outcome {
                case: i,
                evaluation: None,
                status: Status::Failed,
                problems: vec!["no inventory for a quantified case".into()],
                exercised: Vec::new(),
            };
        };
        let (evaluation, problems, exercised) = run_quantified(scope, case, q);
        let status = if problems.is_empty() {
            Status::Passed
        } else {
            Status::Failed
        };
        return Outcome {
            case: i,
            evaluation,
            status,
            problems,
            exercised,
        };
    }
    let (req, caller) = scratch.buf.request(&case.request);
    let ev = engine.evaluate_memo_for(req, caller, &mut scratch.memo);
    let problems = match graphs.get(case.engine).and_then(Option::as_ref) {
        Some(graph) if case.transitive => {
            match graph.can(case.request.principal.as_str(), req, None) {
                Ok(answer) => judge_transitive(case, answer.as_ref()),
                Err(e) => vec![e.to_string()],
            }
        }
        _ if case.transitive => vec!["internal: no escalation graph for a transitive case".into()],
        _ => judge(case, &ev),
    };
    let status = if problems.is_empty() {
        Status::Passed
    } else {
        Status::Failed
    };
    Outcome {
        case: i,
        // A transitive case's answer is a path (in `problems` when it fails), not this decision.
        evaluation: (!case.transitive).then_some(ev),
        status,
        problems,
        exercised: Vec::new(),
    }
}

/// Run every case, split across the machine's cores; outcomes come back in case order.
pub fn run_suite(suite: &Suite) -> Vec<Outcome> {
    // Quantified cases read the inventories: index each once.
    let quantified = suite.cases.iter().any(|c| c.quantified.is_some());
    let scopes: Vec<Option<Scope<'_>>> = suite
        .engines
        .iter()
        .zip(
            suite
                .inventories
                .iter()
                .map(Some)
                .chain(std::iter::repeat(None)),
        )
        .map(|((_, e), inv)| inv.filter(|_| quantified).map(|inv| Scope::new(inv, e)))
        .collect();
    let scopes = &scopes;
    let threads = crate::par::cores().min(8);
    let n = suite.cases.len();
    let graphs = graphs(suite);
    let graphs = graphs.as_slice();
    if threads <= 1 || n < 2_000 {
        let mut scratch = Scratch::default();
        return suite
            .cases
            .iter()
            .enumerate()
            .map(|(i, c)| run_one(suite, graphs, scopes, i, c, &mut scratch))
            .collect();
    }
    let chunk = n.div_ceil(threads);
    // Each thread writes its outcomes in place, into one list allocated once: per-thread lists
    // joined afterwards held every outcome twice. A slot starts out failed, so a case no
    // thread reached can never pass.
    let mut outcomes: Vec<Outcome> = (0..n).map(unreached).collect();
    let panicked: Vec<usize> = std::thread::scope(|s| {
        let handles: Vec<_> = outcomes
            .chunks_mut(chunk)
            .enumerate()
            .map(|(k, slots)| {
                let start = k * chunk;
                s.spawn(move || {
                    let mut scratch = Scratch::default();
                    let cases = suite.cases.range(start, start + slots.len());
                    for ((j, c), slot) in cases.enumerate().zip(slots.iter_mut()) {
                        *slot = run_one(suite, graphs, scopes, start + j, c, &mut scratch);
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .enumerate()
            .filter_map(|(k, h)| h.join().is_err().then_some(k))
            .collect()
    });
    // A thread that panicked still accounts for every case it held: each fails, so the run can
    // never pass with cases missing.
    for k in panicked {
        for o in outcomes.iter_mut().skip(k * chunk).take(chunk) {
            *o = unreached(o.case);
            o.problems
                .push("internal: the thread running this case failed".into());
        }
    }
    outcomes
}

/// The outcome of case `case` before it runs: failed, with no evaluation.
fn unreached(case: usize) -> Outcome {
    Outcome {
        case,
        evaluation: None,
        status: Status::Failed,
        problems: Vec::new(),
        exercised: Vec::new(),
    }
}
