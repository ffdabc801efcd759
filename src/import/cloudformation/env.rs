//! What the templates cannot know themselves: `--var` values, the parameters file, and the
//! problems found so far. One convention for every value known only at deploy time:
//! `--var NAME=VALUE` (a parameter), `--var AWS::AccountId=...` (a pseudo parameter),
//! `--var LOGICAL_ID=PHYSICAL_ID` (a generated name or id), `--var LOGICAL_ID.ATTRIBUTE=VALUE`
//! (an attribute), `--var import:EXPORT=VALUE` (`Fn::ImportValue`); any key may be prefixed with
//! a template's stem (`AppStack/AppRole=...`) to apply to that template only.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use super::template::Template;

/// A place in a template and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Problem {
    /// A consequence of another problem (a principal not found because its own name failed):
    /// shown only when there is no other problem.
    pub secondary: bool,
    pub message: String,
    pub file: String,
    pub path: String,
}

/// Where a value is being evaluated: the template and JSON path (`Resources.R.Properties.X`).
#[derive(Debug, Clone)]
pub(crate) struct At {
    pub path: String,
}

impl At {
    /// `path.key`
    pub fn key(&self, key: &str) -> At {
        At {
            path: format!("{}.{key}", self.path),
        }
    }

    /// `path[i]`
    pub fn index(&self, i: usize) -> At {
        At {
            path: format!("{}[{i}]", self.path),
        }
    }
}

/// Marks an evaluation that failed; the reason is already recorded as a [`Problem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stop;

/// Everything shared by the templates of one import.
#[derive(Debug)]
pub(crate) struct Env<'a> {
    pub templates: &'a [Template],
    vars: &'a BTreeMap<String, String>,
    parameters: &'a BTreeMap<String, String>,
    problems: RefCell<Vec<Problem>>,
    depth: Cell<u32>,
    /// While set, problems are not recorded (a speculative evaluation).
    quiet: Cell<bool>,
}

/// The deepest chain of references followed (a valid template has no cycle).
const MAX_DEPTH: u32 = 64;

impl<'a> Env<'a> {
    pub fn new(
        templates: &'a [Template],
        vars: &'a BTreeMap<String, String>,
        parameters: &'a BTreeMap<String, String>,
    ) -> Self {
        Env {
            templates,
            vars,
            parameters,
            problems: RefCell::new(Vec::new()),
            depth: Cell::new(0),
            quiet: Cell::new(false),
        }
    }

    /// `--var STEM/KEY`, else `--var KEY`.
    pub fn var(&self, t: &Template, key: &str) -> Option<&'a str> {
        self.vars
            .get(&format!("{}/{key}", t.stem))
            .or_else(|| self.vars.get(key))
            .map(String::as_str)
    }

    /// A parameter's value from the parameters file.
    pub fn parameter_file(&self, name: &str) -> Option<&'a str> {
        self.parameters.get(name).map(String::as_str)
    }

    /// The `--var` key to name in a message about `key` of `t`: prefixed with the stem when
    /// another template has the same logical id (so the unprefixed key would be ambiguous).
    pub fn key_for(&self, t: &Template, logical: &str, key: &str) -> String {
        let shared = self
            .templates
            .iter()
            .filter(|o| o.resource(logical).is_some())
            .count()
            > 1;
        if shared {
            format!("{}/{key}", t.stem)
        } else {
            key.to_string()
        }
    }

    /// Records a problem at `at` of `t`, and returns the marker.
    pub fn fail(&self, t: &Template, at: &At, message: impl Into<String>) -> Stop {
        self.record(t, at, message.into(), false)
    }

    /// Records a problem that may only follow from another (see [`Problem::secondary`]).
    pub fn fail_secondary(&self, t: &Template, at: &At, message: impl Into<String>) -> Stop {
        self.record(t, at, message.into(), true)
    }

    fn record(&self, t: &Template, at: &At, message: String, secondary: bool) -> Stop {
        if !self.quiet.get() {
            self.problems.borrow_mut().push(Problem {
                secondary,
                message,
                file: t.label.clone(),
                path: at.path.clone(),
            });
        }
        Stop
    }

    /// Runs `f` without recording its problems (to look for a value that may be elsewhere).
    pub fn quietly<T>(&self, f: impl FnOnce() -> T) -> T {
        let was = self.quiet.replace(true);
        let r = f();
        self.quiet.set(was);
        r
    }

    /// Runs `f` one reference deeper, failing at `at` past [`MAX_DEPTH`].
    pub fn deeper<T>(
        &self,
        t: &Template,
        at: &At,
        f: impl FnOnce() -> Result<T, Stop>,
    ) -> Result<T, Stop> {
        let d = self.depth.get();
        if d >= MAX_DEPTH {
            return Err(self.fail(t, at, "references nest too deep (a cycle?)"));
        }
        self.depth.set(d + 1);
        let r = f();
        self.depth.set(d);
        r
    }

    /// The problems, sorted, without repeats; secondary ones only when alone.
    pub fn take_problems(&self) -> Vec<Problem> {
        let mut p = self.problems.take();
        if p.iter().any(|x| !x.secondary) {
            p.retain(|x| !x.secondary);
        }
        p.sort();
        p.dedup();
        p
    }
}
