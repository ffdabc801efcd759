//! The law of `stream.rs`: a file it reads gives the cases (or the error) that parsing the
//! file whole and expanding it gives; anything else it leaves to the whole-file path.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::*;
use crate::engine::Engine;
use crate::scenario::load::{expand_file, load_inventory_from, parse_text};

/// An inventory compiled, as a suite holds it.
struct Loaded {
    engines: Vec<(PathBuf, Engine)>,
    inventories: Vec<crate::inventory::Inventory>,
}

fn platform() -> Loaded {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let inv = load_inventory_from(std::slice::from_ref(&dir), &BTreeMap::new()).unwrap();
    Loaded {
        engines: vec![(dir, Engine::new(&inv).unwrap())],
        inventories: vec![inv],
    }
}

/// What reading `text` by the stream gives (`None`: left to the whole-file path), and what the
/// whole-file path gives, each as text.
fn both(text: &str, at: &Loaded) -> (Option<String>, String) {
    let at = Target {
        engine: 0,
        engines: &at.engines,
        inventories: &at.inventories,
        no_catalog: false,
    };
    let streamed = match stream(text, "t.json", &at) {
        Streamed::Read {
            cases,
            policies,
            description,
        } => Some(format!("{:?}", cases.map(|c| (c, policies, description)))),
        Streamed::Whole => None,
    };
    let whole = parse_text(text, "t.json")
        .and_then(|f| expand_file("t.json", &f, &at).map(|c| (c, f.policies, f.description)));
    (streamed, format!("{whole:?}"))
}

const ONE: &str = r#"{"name": "n1", "principal": "role/acme-dev-agent-billing",
    "action": "s3:GetObject", "resource": "arn:aws:s3:::acme-dev-artifacts/k", "expect": "deny"}"#;
const TWO: &str = r#"{"name": "n2", "principal": "role/acme-dev-agent-research",
    "actions": ["s3:GetObject", "s3:PutObject"], "resource": "arn:aws:s3:::acme-dev-artifacts/k",
    "expect": "allow", "tags": ["t2"]}"#;

/// The bundled scenario files and those of the invalid-input cases (each against its own
/// inventory, where that loads): every one the stream reads gives the same cases or error.
#[test]
fn the_stream_agrees_with_the_whole_file_path_on_the_bundled_scenarios() {
    let files = crate::scenario::load::parse::repository_scenario_files();
    let mut inventories: BTreeMap<PathBuf, Option<Loaded>> = BTreeMap::new();
    let (mut read, mut compared) = (0, 0);
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let policies = crate::scenario::load::peek_policies(&text).flatten();
        let dir = path
            .parent()
            .unwrap()
            .join(policies.as_deref().unwrap_or("../policies"));
        let at = inventories.entry(dir.clone()).or_insert_with(|| {
            let inv = load_inventory_from(std::slice::from_ref(&dir), &BTreeMap::new()).ok()?;
            let engine = Engine::new(&inv).ok()?;
            Some(Loaded {
                engines: vec![(dir, engine)],
                inventories: vec![inv],
            })
        });
        let Some(at) = at else { continue };
        compared += 1;
        let (streamed, whole) = both(&text, at);
        if let Some(s) = streamed {
            assert_eq!(s, whole, "{}", path.display());
            read += 1;
        }
    }
    // Most bundled files use `for_each`, which the stream leaves to the whole-file path.
    assert!(
        compared > 10 && read >= 3,
        "{read} of {compared} files streamed"
    );
}

/// Files the stream reads, including ones whose expansion fails (the same first error).
#[test]
fn the_stream_reads_plain_files_as_the_whole_file_path_does() {
    let at = platform();
    let bad = ONE.replace("acme-dev-agent-billing", "nobody");
    let texts = [
        format!(r#"{{"scenarios": [{ONE}, {TWO}]}}"#),
        format!(
            r#"{{"$schema": "s", "description": "d", "policies": "../p", "tags": ["f"],
            "context": {{"aws:SourceVpc": "vpc-1"}}, "scenarios": [{ONE}, {TWO}]}}"#
        ),
        format!(r#"{{"scenarios": [{ONE}], "description": "after", "policies": null}}"#),
        format!(r#"{{"scenarios": [{bad}, {TWO}]}}"#),
        format!(r#"{{"scenarios": [{ONE}, {ONE}]}}"#),
        format!(r#"{{"context": {{"aws:SourceIp": "not an ip"}}, "scenarios": [{ONE}]}}"#),
        r#"{"scenarios": []}"#.to_string(),
    ];
    for text in &texts {
        let (streamed, whole) = both(text, &at);
        assert_eq!(streamed.as_ref(), Some(&whole), "{text}");
    }
    // An expansion error is reported, not the cases.
    assert!(both(&texts[3], &at).1.contains("nobody"));
}

/// What the stream leaves to the whole-file path: JSON and type errors, repeated and unknown
/// fields, `context` or `tags` after `scenarios`, and scenarios that need the JSON tree.
#[test]
fn the_stream_leaves_the_out_of_the_ordinary_to_the_whole_file_path() {
    let at = platform();
    let bad = ONE.replace("acme-dev-agent-billing", "nobody");
    let texts = [
        format!(r#"{{"scenarios": [{ONE}], "tags": ["late"]}}"#),
        format!(r#"{{"scenarios": [{ONE}], "context": {{"aws:SourceVpc": "v"}}}}"#),
        format!(r#"{{"scenarios": [{ONE}], "scenarios": [{TWO}]}}"#),
        format!(r#"{{"policies": "a", "policies": "b", "scenarios": [{ONE}]}}"#),
        format!(r#"{{"scenario": [{ONE}]}}"#),
        r#"{"description": "no scenarios"}"#.to_string(),
        // A JSON error after a scenario that fails to expand: the JSON error is reported.
        format!(r#"{{"scenarios": [{bad}, {{"name": 3}}]}}"#),
        format!(r#"{{"scenarios": [{ONE}, {TWO},]}}"#),
        format!(r#"{{"scenarios": [{ONE}]}} trailing"#),
        format!(r#"[{ONE}]"#),
        format!(
            r#"{{"scenarios": [{ONE}, {{"name": "q", "principal": "role/acme-dev-agent-billing",
            "action": "s3:GetObject", "resource": "*", "expect": "deny", "for_all_context": true}}]}}"#
        ),
        r#"{"scenarios": [{"name": "f ${r}", "principal": "role/${r}", "action": "s3:GetObject",
            "resource": "*", "expect": "deny", "for_each": {"r": ["acme-dev-agent-billing"]}}]}"#
            .to_string(),
    ];
    for text in &texts {
        let (streamed, whole) = both(text, &at);
        assert_eq!(
            streamed, None,
            "{text} was read by the stream; whole: {whole}"
        );
    }
    let whole = both(&texts[6], &at).1;
    assert!(whole.contains("scenarios[1]: invalid type"), "{whole}");
}

/// One random scenario: a known or unknown principal, one action or two, a name that may
/// repeat another's, tags or none.
fn scenario() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    (
        0..4usize,
        prop::sample::select(vec![
            "role/acme-dev-agent-billing",
            "role/acme-dev-agent-research",
            "role/acme-dev-gateway",
            "role/nobody",
        ]),
        prop::sample::select(vec![
            r#""action": "s3:GetObject""#,
            r#""actions": ["kms:Decrypt", "s3:PutObject"]"#,
            r#""action": "s3:NoSuchAction""#,
        ]),
        prop::sample::select(vec![
            "arn:aws:s3:::acme-dev-artifacts/k",
            "*",
            "arn:aws:s3:::acme-dev-datasets/x",
        ]),
        prop::sample::select(vec!["allow", "deny"]),
        any::<bool>(),
    )
        .prop_map(|(n, p, a, r, e, tagged)| {
            let tags = if tagged { r#", "tags": ["t"]"# } else { "" };
            format!(
                r#"{{"name": "s{n}", "principal": "{p}", {a}, "resource": "{r}", "expect": "{e}"{tags}}}"#
            )
        })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Random plain files, their file-level fields before or after `scenarios`: whatever the
    /// stream reads, it reads as the whole-file path does; and a file whose `context` and
    /// `tags` come first is always read by it.
    #[test]
    fn the_stream_reads_random_files_as_the_whole_file_path_does(
        scenarios in proptest::collection::vec(scenario(), 0..6),
        head_first in proptest::prelude::any::<bool>(),
        tagged in proptest::prelude::any::<bool>(),
    ) {
        let head = if tagged {
            r#""tags": ["f"], "context": {"aws:SourceVpc": "vpc-1"}"#
        } else {
            r#""description": "d""#
        };
        let list = format!(r#""scenarios": [{}]"#, scenarios.join(", "));
        let text = if head_first {
            format!("{{{head}, {list}}}")
        } else {
            format!("{{{list}, {head}}}")
        };
        let (streamed, whole) = both(&text, &PLATFORM);
        if let Some(s) = &streamed {
            proptest::prop_assert_eq!(s, &whole);
        }
        proptest::prop_assert!(streamed.is_some() || (tagged && !head_first), "{}", text);
    }
}

/// The reference platform, compiled once for the property test.
static PLATFORM: std::sync::LazyLock<Loaded> = std::sync::LazyLock::new(platform);

/// serde_json reads a struct from an array, field by field; a scenario file written so is
/// refused by both paths, with the whole-file path's message.
#[test]
fn positional_arrays_are_refused_on_either_path() {
    let at = platform();
    let scenario = r#"["n", null, "role/acme-dev-agent-billing", "s3:GetObject", null, "*", null,
        null, "deny"]"#;
    let texts = [
        format!(r#"{{"scenarios": [{scenario}]}}"#),
        format!(r#"{{"scenarios": [{ONE}, {scenario}]}}"#),
        format!(r#"[null, null, null, null, [], [{ONE}]]"#),
    ];
    let messages = [
        "scenarios[0]: expected an object, found an array",
        "scenarios[1]: expected an object, found an array",
        "expected an object with `scenarios`",
    ];
    for (text, message) in texts.iter().zip(messages) {
        let (streamed, whole) = both(text, &at);
        assert_eq!(streamed, None, "{text}");
        assert!(
            whole.starts_with("Err(") && whole.contains(message),
            "{text}: {whole}"
        );
    }
}

/// The stream knows every file-level field the typed file has: one it did not know would send
/// every file using it to the whole-file path, silently slower.
#[test]
fn the_stream_knows_every_file_level_field() {
    let fields = crate::inventory::schema::fields::<crate::scenario::format::ScenarioFile>();
    assert!(fields.len() >= 6, "{fields:?}");
    for f in &fields {
        let read = serde_json::from_value::<Field>(Value::String(f.clone()));
        assert!(read.is_ok(), "`{f}` is not a field the stream reads");
    }
}
