//! The `iamsim` binary end to end. Data-driven: each `tests/cli/cases/*.json` names the
//! arguments, the working directory (relative to `tests/cli/`, default `tests/cli/` itself, whose
//! fixture trees hold small `policies/` and `scenarios/`), the expected exit status and the
//! expected standard output and error (exact, or `*_contains` / `*_lacks` lists; `stdout_json`:
//! one JSON document; `stdin`: text on standard input). `${TMP}` in
//! arguments and file paths is a fresh directory per case; in outputs it stands for that directory.
//!
//! `IAMSIM_BLESS=1 cargo test --test cli` rewrites the exact expectations (`status`, `stdout`,
//! `stderr`, `files.*.contents`) that a case already has from what the binary printed.
//! `IAMSIM_CLI_CASE=substr` runs only the cases whose file name contains `substr`.
//!
//! A case with `known_bug` documents a bug: it must still fail (so a fix is noticed and the
//! marker removed). Checks that need code (JUnit well-formedness, `generate` reproducing
//! `policies/` byte for byte) are the plain tests at the bottom.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::print_stderr,
    reason = "tests"
)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

/// One case file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// What the case shows
    description: String,
    /// Arguments after `iamsim`
    args: Vec<String>,
    /// Working directory, relative to tests/cli/
    #[serde(default)]
    cwd: Option<String>,
    /// Extra environment (NO_COLOR is removed unless given here)
    #[serde(default)]
    env: IndexMap<String, String>,
    /// Standard input (none: empty)
    #[serde(default)]
    stdin: Option<String>,
    /// Expected exit status
    status: i32,
    #[serde(default)]
    stdout: Option<String>,
    #[serde(default)]
    stdout_contains: Vec<String>,
    #[serde(default)]
    stdout_lacks: Vec<String>,
    /// Standard output must be exactly one JSON document
    #[serde(default)]
    stdout_json: bool,
    #[serde(default)]
    stderr: Option<String>,
    #[serde(default)]
    stderr_contains: Vec<String>,
    #[serde(default)]
    stderr_lacks: Vec<String>,
    /// Files the command must (not) write, by path (`${TMP}/...` or relative to cwd)
    #[serde(default)]
    files: IndexMap<String, FileExpect>,
    /// A bug this case documents: the expectations describe the fixed behaviour
    #[serde(default)]
    known_bug: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileExpect {
    #[serde(default = "yes")]
    exists: bool,
    #[serde(default)]
    contents: Option<String>,
    #[serde(default)]
    contains: Vec<String>,
    #[serde(default)]
    lacks: Vec<String>,
}

fn yes() -> bool {
    true
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cli_dir() -> PathBuf {
    root().join("tests/cli")
}

/// A fresh, empty, uniquely named directory under the system temp dir.
fn temp_dir(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("iamsim-cli-{}-{n}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What a run printed.
#[derive(Debug)]
struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

/// Run the binary in `cwd` with `args` and extra environment.
fn iamsim(cwd: &Path, args: &[String], env: &IndexMap<String, String>) -> Run {
    iamsim_with_stdin(cwd, args, env, "")
}

/// [`iamsim`] with `stdin` on standard input.
fn iamsim_with_stdin(
    cwd: &Path,
    args: &[String],
    env: &IndexMap<String, String>,
    stdin: &str,
) -> Run {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_iamsim"));
    cmd.current_dir(cwd).args(args).env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    // A command that does not read its input may exit first: a closed pipe is no failure.
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    let out = child.wait_with_output().unwrap();
    Run {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// Compare one stream; push problems.
fn stream(
    what: &str,
    got: &str,
    exact: Option<&String>,
    contains: &[String],
    lacks: &[String],
    problems: &mut Vec<String>,
) {
    if let Some(want) = exact {
        if got != want {
            problems.push(format!(
                "{what} differs\n--- expected\n{want}\n--- got\n{got}\n---"
            ));
        }
    }
    for c in contains {
        if !got.contains(c.as_str()) {
            problems.push(format!("{what} lacks {c:?}\n--- got\n{got}\n---"));
        }
    }
    for c in lacks {
        if got.contains(c.as_str()) {
            problems.push(format!("{what} contains {c:?}\n--- got\n{got}\n---"));
        }
    }
}

/// Run one case file; returns its problems (empty: passed) and, when blessing, the new JSON.
fn run_case(path: &Path, bless: bool) -> (Vec<String>, Option<Value>) {
    let text = std::fs::read_to_string(path).unwrap();
    let raw: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{}: invalid JSON: {e}", path.display()));
    let case: Case =
        serde_json::from_value(raw.clone()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        !case.description.is_empty(),
        "{}: empty description",
        path.display()
    );
    let stem = path.file_stem().unwrap().to_string_lossy().to_string();
    let tmp = temp_dir(&stem);
    let tmp_text = tmp.display().to_string();
    let cwd = cli_dir().join(case.cwd.as_deref().unwrap_or("."));
    let args: Vec<String> = case
        .args
        .iter()
        .map(|a| a.replace("${TMP}", &tmp_text))
        .collect();
    let run = iamsim_with_stdin(&cwd, &args, &case.env, case.stdin.as_deref().unwrap_or(""));
    let norm = |s: &str| s.replace(&tmp_text, "${TMP}");
    let stdout = norm(&run.stdout);
    let stderr = norm(&run.stderr);

    let mut problems = Vec::new();
    if run.status != case.status {
        problems.push(format!(
            "exit status {} (expected {})\n--- stdout\n{stdout}--- stderr\n{stderr}---",
            run.status, case.status
        ));
    }
    stream(
        "stdout",
        &stdout,
        case.stdout.as_ref(),
        &case.stdout_contains,
        &case.stdout_lacks,
        &mut problems,
    );
    stream(
        "stderr",
        &stderr,
        case.stderr.as_ref(),
        &case.stderr_contains,
        &case.stderr_lacks,
        &mut problems,
    );
    if case.stdout_json {
        if let Err(e) = serde_json::from_str::<Value>(&stdout) {
            problems.push(format!("stdout is not one JSON document: {e}"));
        }
    }
    let mut written = IndexMap::new();
    for (name, want) in &case.files {
        let p = cwd.join(name.replace("${TMP}", &tmp_text));
        let got = std::fs::read_to_string(&p).ok().map(|s| norm(&s));
        match (&got, want.exists) {
            (None, true) => problems.push(format!("{name} was not written")),
            (Some(_), false) => problems.push(format!("{name} was written")),
            _ => {}
        }
        if let Some(body) = &got {
            let label = format!("file {name}");
            stream(
                &label,
                body,
                want.contents.as_ref(),
                &want.contains,
                &want.lacks,
                &mut problems,
            );
            written.insert(name.clone(), body.clone());
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);

    if case.known_bug.is_some() {
        // The expectations describe the fixed behaviour: the bug is still there when they fail.
        return if problems.is_empty() {
            (
                vec![format!(
                    "passes now: remove `known_bug` ({})",
                    case.known_bug.unwrap_or_default()
                )],
                None,
            )
        } else {
            // Shown with --nocapture, to see that the bug (not a typo in the case) fails it.
            eprintln!(
                "known bug still there: {}\n{}",
                path.display(),
                problems.join("\n")
            );
            (Vec::new(), None)
        };
    }
    if !bless || problems.is_empty() {
        return (problems, None);
    }
    let mut new = raw;
    let obj = new.as_object_mut().unwrap();
    obj.insert("status".into(), run.status.into());
    if obj.contains_key("stdout") {
        obj.insert("stdout".into(), stdout.into());
    }
    if obj.contains_key("stderr") {
        obj.insert("stderr".into(), stderr.into());
    }
    if let Some(files) = obj.get_mut("files").and_then(Value::as_object_mut) {
        for (name, spec) in files.iter_mut() {
            if let (Some(s), Some(body)) = (spec.as_object_mut(), written.get(name)) {
                if s.contains_key("contents") {
                    s.insert("contents".into(), body.clone().into());
                }
            }
        }
    }
    (Vec::new(), Some(new))
}

fn case_files() -> Vec<PathBuf> {
    let filter = std::env::var("IAMSIM_CLI_CASE").unwrap_or_default();
    let mut files: Vec<PathBuf> = std::fs::read_dir(cli_dir().join("cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains(&filter))
        .collect();
    files.sort();
    files
}

#[test]
fn cases() {
    let bless = std::env::var("IAMSIM_BLESS").is_ok_and(|v| v == "1");
    let files = case_files();
    assert!(!files.is_empty(), "no case files under tests/cli/cases");
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = files.get(i) else { break };
                let (problems, blessed) = run_case(path, bless);
                if let Some(v) = blessed {
                    let text = serde_json::to_string_pretty(&v).unwrap() + "\n";
                    std::fs::write(path, text).unwrap();
                    eprintln!("blessed {}", path.display());
                }
                if !problems.is_empty() {
                    let name = path.file_name().unwrap().to_string_lossy().to_string();
                    failures
                        .lock()
                        .unwrap()
                        .push(format!("== {name}\n{}", problems.join("\n")));
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} CLI cases failed (IAMSIM_BLESS=1 rewrites exact expectations):\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

// ---- checks that need code

/// Run the binary from the repository root with plain arguments.
fn at_root(args: &[&str]) -> Run {
    let args: Vec<String> = args.iter().map(ToString::to_string).collect();
    iamsim(&root(), &args, &IndexMap::new())
}

/// One XML element as the tiny parser sees it.
#[derive(Debug)]
struct Element {
    name: String,
    attrs: IndexMap<String, String>,
    /// Index of the parent element, if any
    parent: Option<usize>,
}

/// A deliberately small XML reader for what iamsim writes: a declaration, elements with quoted
/// attributes, text, and the five predefined entities. Panics on anything not well-formed.
fn parse_xml(xml: &str) -> Vec<Element> {
    let body = xml
        .strip_prefix(r#"<?xml version="1.0" encoding="UTF-8"?>"#)
        .expect("XML declaration first");
    let mut elements: Vec<Element> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut rest = body;
    while let Some(lt) = rest.find('<') {
        check_text(&rest[..lt]);
        let gt = rest[lt..].find('>').expect("unclosed tag") + lt;
        let tag = &rest[lt + 1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack.pop().expect("close tag without an open one");
            assert_eq!(elements[open].name, name, "mismatched close tag");
            continue;
        }
        let (tag, self_closing) = match tag.strip_suffix('/') {
            Some(t) => (t, true),
            None => (tag, false),
        };
        let (name, mut attrs_text) = tag.split_once(' ').unwrap_or((tag, ""));
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()),
            "bad element name {name:?}"
        );
        let mut attrs = IndexMap::new();
        loop {
            attrs_text = attrs_text.trim_start();
            if attrs_text.is_empty() {
                break;
            }
            let (key, after) = attrs_text.split_once("=\"").expect("attribute without =\"");
            let end = after.find('"').expect("unterminated attribute");
            let value = &after[..end];
            check_text(value);
            assert!(
                attrs.insert(key.to_string(), value.to_string()).is_none(),
                "duplicate attribute {key}"
            );
            attrs_text = &after[end + 1..];
        }
        elements.push(Element {
            name: name.to_string(),
            attrs,
            parent: stack.last().copied(),
        });
        if !self_closing {
            stack.push(elements.len() - 1);
        }
    }
    check_text(rest);
    assert!(rest.trim().is_empty(), "text after the root element");
    assert!(stack.is_empty(), "unclosed elements");
    assert_eq!(
        elements.iter().filter(|e| e.parent.is_none()).count(),
        1,
        "exactly one root element"
    );
    elements
}

/// Character data: no raw `<`, every `&` starts a predefined entity.
fn check_text(text: &str) {
    assert!(!text.contains('<'), "raw < in {text:?}");
    for (i, _) in text.match_indices('&') {
        let tail = &text[i..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                .iter()
                .any(|e| tail.starts_with(e)),
            "bare & in {text:?}"
        );
    }
}

/// The elements named `name` whose parent is `parent`.
fn children<'a>(els: &'a [Element], parent: usize, name: &str) -> Vec<(usize, &'a Element)> {
    els.iter()
        .enumerate()
        .filter(|(_, e)| e.parent == Some(parent) && e.name == name)
        .collect()
}

fn count_attr(e: &Element, key: &str) -> usize {
    e.attrs[key].parse().unwrap()
}

/// Every count attribute of `testsuites` and each `testsuite` matches its children.
fn assert_junit_consistent(els: &[Element]) -> (usize, usize, usize, usize) {
    assert_eq!(els[0].name, "testsuites");
    let (mut tests, mut failures, mut errors, mut skipped) = (0, 0, 0, 0);
    for (si, suite) in children(els, 0, "testsuite") {
        let cases = children(els, si, "testcase");
        let count = |what: &str| {
            cases
                .iter()
                .filter(|(ci, _)| !children(els, *ci, what).is_empty())
                .count()
        };
        let (f, e, s) = (count("failure"), count("error"), count("skipped"));
        assert_eq!(
            count_attr(suite, "tests"),
            cases.len(),
            "tests of {suite:?}"
        );
        assert_eq!(count_attr(suite, "failures"), f, "failures of {suite:?}");
        assert_eq!(count_attr(suite, "errors"), e, "errors of {suite:?}");
        assert_eq!(count_attr(suite, "skipped"), s, "skipped of {suite:?}");
        tests += cases.len();
        failures += f;
        errors += e;
        skipped += s;
    }
    let root = &els[0];
    assert_eq!(count_attr(root, "tests"), tests);
    assert_eq!(count_attr(root, "failures"), failures);
    assert_eq!(count_attr(root, "errors"), errors);
    assert_eq!(count_attr(root, "skipped"), skipped);
    (tests, failures, errors, skipped)
}

#[test]
fn junit_failing_run_is_well_formed() {
    let run = at_root(&[
        "check",
        "tests/cli/failing/scenarios",
        "tests/cli/tiny/scenarios",
        "--format",
        "junit",
    ]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let els = parse_xml(&run.stdout);
    assert_eq!(assert_junit_consistent(&els), (7, 2, 0, 1));
    let suites: Vec<&str> = children(&els, 0, "testsuite")
        .iter()
        .map(|(_, s)| s.attrs["name"].as_str())
        .collect();
    assert_eq!(
        suites,
        [
            "tests/cli/failing/scenarios/fail.json",
            "tests/cli/tiny/scenarios/pass.json"
        ]
    );
    let failure = els.iter().find(|e| e.name == "failure").unwrap();
    assert_eq!(failure.attrs["type"], "UnexpectedDecision");
    assert_eq!(
        failure.attrs["message"],
        "expected allow, got implicit-deny"
    );
    let escaped = els
        .iter()
        .find(|e| e.name == "testcase" && e.attrs["name"].contains("reports"))
        .unwrap();
    assert_eq!(
        escaped.attrs["name"],
        "app writes &lt;reports&gt; &amp; more"
    );
}

#[test]
fn junit_load_error_is_well_formed() {
    let run = at_root(&[
        "check",
        "tests/cli/bad/duplicate-names.json",
        "--format",
        "junit",
    ]);
    assert_eq!(run.status, 2);
    let els = parse_xml(&run.stdout);
    assert_eq!(assert_junit_consistent(&els), (1, 0, 1, 0));
    let error = els.iter().find(|e| e.name == "error").unwrap();
    assert_eq!(error.attrs["type"], "LoadError");
    assert_eq!(
        error.attrs["message"],
        "tests/cli/bad/duplicate-names.json: scenarios[1] `app reads a`: duplicate case name `app reads a` (names must be unique after expansion)"
    );
    assert_eq!(run.stderr, format!("error: {}\n", error.attrs["message"]));
}

#[test]
fn xml_reader_rejects_what_it_should() {
    let decl = r#"<?xml version="1.0" encoding="UTF-8"?>"#;
    for bad in [
        "<a><b></a></b>",
        "<a>x & y</a>",
        "<a x=\"1\" x=\"2\"/>",
        "<a/><b/>",
        "<a>",
    ] {
        let xml = format!("{decl}{bad}");
        assert!(
            std::panic::catch_unwind(|| parse_xml(&xml)).is_err(),
            "accepted {bad}"
        );
    }
    assert_eq!(parse_xml(&format!("{decl}<a k=\"&lt;\"><b/></a>")).len(), 2);
}

/// Every file under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<PathBuf> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[test]
fn generate_reproduces_the_committed_policies_byte_for_byte() {
    let tmp = temp_dir("generate");
    let out = tmp.join("policies");
    let run = at_root(&["generate", "--out", out.to_str().unwrap()]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let generated = tree(&out);
    let mut committed = tree(&root().join("policies"));
    // The spec itself is an input, not an output.
    committed.retain(|p| p != Path::new("platform.json"));
    assert_eq!(generated, committed);
    assert_eq!(
        run.stdout,
        format!("wrote {} files to {}\n", generated.len(), out.display())
    );
    for rel in &generated {
        let want = std::fs::read(root().join("policies").join(rel)).unwrap();
        let got = std::fs::read(out.join(rel)).unwrap();
        assert!(
            got == want,
            "{} differs from policies/{}",
            rel.display(),
            rel.display()
        );
    }
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn import_refuses_a_directory_that_is_not_empty() {
    let tmp = temp_dir("import-twice");
    let out = tmp.join("imp");
    let args = [
        "import",
        "terraform",
        "tests/cli/plan/plan.json",
        "--out",
        out.to_str().unwrap(),
    ];
    let first = at_root(&args);
    assert_eq!(first.status, 0, "{}", first.stderr);
    assert_eq!(first.stdout, format!("wrote 1 file to {}\n", out.display()));
    let role = std::fs::read_to_string(out.join("roles/app.json")).unwrap();
    assert!(role.contains(r#""Sid": "ReadReports""#), "{role}");
    let second = at_root(&args);
    assert_eq!(second.status, 2);
    assert_eq!(
        second.stderr,
        format!(
            "error: cannot write `{}`: directory is not empty\n",
            out.display()
        )
    );
    assert_eq!(
        std::fs::read_to_string(out.join("roles/app.json")).unwrap(),
        role
    );
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn imported_plan_runs_the_same_as_the_plan_itself() {
    let tmp = temp_dir("plan-roundtrip");
    let out = tmp.join("imp");
    let imported = at_root(&[
        "import",
        "terraform",
        "tests/cli/plan/plan.json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(imported.status, 0, "{}", imported.stderr);
    let via_dir = at_root(&[
        "check",
        "--policies",
        out.to_str().unwrap(),
        "tests/cli/plan/scenarios",
        "--format",
        "json",
    ]);
    let via_plan = at_root(&[
        "check",
        "--policies",
        "tests/cli/plan/plan.json",
        "tests/cli/plan/scenarios",
        "--format",
        "json",
    ]);
    assert_eq!(via_dir.status, 0, "{}", via_dir.stderr);
    assert_eq!(via_dir.stdout, via_plan.stdout);
    assert!(
        via_plan.stdout.contains(r#""passed": 2,"#),
        "{}",
        via_plan.stdout
    );
    let _ = std::fs::remove_dir_all(&tmp);
}

// ---- `explain --format aws` against AWS's response shape

/// The decisions AWS's simulator returns (`PolicyEvaluationDecisionType`).
const AWS_DECISIONS: &[&str] = &["allowed", "explicitDeny", "implicitDeny"];

/// Check `v` is an object whose keys are among `allowed` and include `required`.
fn object_with<'a>(
    v: &'a Value,
    what: &str,
    required: &[&str],
    allowed: &[&str],
) -> &'a serde_json::Map<String, Value> {
    let o = v
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not an object: {v}"));
    for k in o.keys() {
        assert!(
            allowed.contains(&k.as_str()),
            "{what} has `{k}`, which AWS does not return"
        );
    }
    for k in required {
        assert!(o.contains_key(*k), "{what} lacks the required `{k}`");
    }
    o
}

/// AWS's `Statement`: <https://docs.aws.amazon.com/IAM/latest/APIReference/API_Statement.html>,
/// its positions <https://docs.aws.amazon.com/IAM/latest/APIReference/API_Position.html>.
fn check_statement(v: &Value) {
    let o = object_with(
        v,
        "Statement",
        &[],
        &[
            "SourcePolicyId",
            "SourcePolicyType",
            "StartPosition",
            "EndPosition",
        ],
    );
    assert!(o.get("SourcePolicyId").is_none_or(Value::is_string));
    if let Some(t) = o.get("SourcePolicyType") {
        let types = [
            "user",
            "group",
            "role",
            "aws-managed",
            "user-managed",
            "resource",
            "none",
        ];
        assert!(types.contains(&t.as_str().unwrap()), "SourcePolicyType {t}");
    }
    for p in ["StartPosition", "EndPosition"] {
        if let Some(pos) = o.get(p) {
            let pos = object_with(pos, p, &["Line", "Column"], &["Line", "Column"]);
            assert!(pos["Line"].as_u64().unwrap() >= 1 && pos["Column"].as_u64().unwrap() >= 1);
        }
    }
}

/// `MatchedStatements`, `MissingContextValues`, `EvalDecisionDetails` and
/// `PermissionsBoundaryDecisionDetail`, shared by both result types.
fn check_common(o: &serde_json::Map<String, Value>) {
    for s in o
        .get("MatchedStatements")
        .map_or(&[][..], |v| v.as_array().unwrap())
    {
        check_statement(s);
    }
    if let Some(m) = o.get("MissingContextValues") {
        assert!(m.as_array().unwrap().iter().all(Value::is_string));
    }
    if let Some(d) = o.get("EvalDecisionDetails") {
        for v in d.as_object().unwrap().values() {
            assert!(AWS_DECISIONS.contains(&v.as_str().unwrap()));
        }
    }
    if let Some(b) = o.get("PermissionsBoundaryDecisionDetail") {
        let b = object_with(
            b,
            "PermissionsBoundaryDecisionDetail",
            &[],
            &["AllowedByPermissionsBoundary"],
        );
        assert!(b.values().all(Value::is_boolean));
    }
}

/// AWS's `SimulatePolicyResponse`
/// (<https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html>,
/// "Response Elements"), its `EvaluationResult`
/// (<https://docs.aws.amazon.com/IAM/latest/APIReference/API_EvaluationResult.html>) and
/// `ResourceSpecificResult`
/// (<https://docs.aws.amazon.com/IAM/latest/APIReference/API_ResourceSpecificResult.html>):
/// every field name and nesting, nothing else.
fn check_aws_response(text: &str) -> Value {
    let v: Value = serde_json::from_str(text).unwrap();
    let top = object_with(
        &v,
        "SimulatePolicyResponse",
        &["EvaluationResults", "IsTruncated"],
        &["EvaluationResults", "IsTruncated", "Marker"],
    );
    assert!(top["IsTruncated"].is_boolean());
    for r in top["EvaluationResults"].as_array().unwrap() {
        let o = object_with(
            r,
            "EvaluationResult",
            &["EvalActionName", "EvalDecision"],
            &[
                "EvalActionName",
                "EvalResourceName",
                "EvalDecision",
                "MatchedStatements",
                "MissingContextValues",
                "OrganizationsDecisionDetail",
                "PermissionsBoundaryDecisionDetail",
                "EvalDecisionDetails",
                "ResourceSpecificResults",
            ],
        );
        assert!(AWS_DECISIONS.contains(&o["EvalDecision"].as_str().unwrap()));
        check_common(o);
        if let Some(org) = o.get("OrganizationsDecisionDetail") {
            object_with(
                org,
                "OrganizationsDecisionDetail",
                &[],
                &["AllowedByOrganizations"],
            );
        }
        for rs in o
            .get("ResourceSpecificResults")
            .map_or(&[][..], |v| v.as_array().unwrap())
        {
            let rs = object_with(
                rs,
                "ResourceSpecificResult",
                &["EvalResourceName", "EvalResourceDecision"],
                &[
                    "EvalResourceName",
                    "EvalResourceDecision",
                    "MatchedStatements",
                    "MissingContextValues",
                    "EvalDecisionDetails",
                    "PermissionsBoundaryDecisionDetail",
                ],
            );
            assert!(AWS_DECISIONS.contains(&rs["EvalResourceDecision"].as_str().unwrap()));
            check_common(rs);
        }
    }
    v
}

#[test]
fn format_aws_is_exactly_the_simulate_policy_response() {
    let cli = cli_dir();
    let run = |args: &[&str]| {
        let args: Vec<String> = args.iter().map(ToString::to_string).collect();
        let r = iamsim(&cli, &args, &IndexMap::new());
        assert_eq!(r.status, 0, "{}", r.stderr);
        check_aws_response(&r.stdout)
    };
    // An inventory, several actions and resources: one result per action, one
    // ResourceSpecificResult per resource, missing keys per resource.
    let v = run(&[
        "explain",
        "--policies",
        "tiny/policies",
        "--principal",
        "role/app",
        "--action",
        "s3:GetObject",
        "--action",
        "kms:Decrypt",
        "--resource",
        "arn:aws:s3:::acme-reports/q3.csv",
        "--resource",
        "arn:aws:kms:us-east-1:111122223333:alias/data",
        "--no-catalog",
        "--format",
        "aws",
    ]);
    let results = v["EvaluationResults"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(
        results[0]["ResourceSpecificResults"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let kms = &results[1]["ResourceSpecificResults"][1];
    assert_eq!(kms["MissingContextValues"][0], "aws:RequestedRegion");
    assert_eq!(
        results[1]["MissingContextValues"].as_array().unwrap().len(),
        0
    );
    // Ad hoc, resource `*`: no per-resource results, the missing keys at the top.
    let inline = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}"#;
    let v = run(&[
        "explain",
        "--policy",
        inline,
        "--action",
        "s3:GetObject",
        "--format",
        "aws",
    ]);
    let r = &v["EvaluationResults"][0];
    assert!(r.get("ResourceSpecificResults").is_none());
    assert_eq!(r["MissingContextValues"][0], "aws:SecureTransport");
    assert_eq!(r["MatchedStatements"].as_array().unwrap().len(), 0);
}
