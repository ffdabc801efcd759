//! The law of `stream.rs`: a file it reads gives the cases (or the error) that parsing the
//! file whole and expanding it gives; anything else it leaves to the whole-file path.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::*;
use crate::engine::Engine;
use crate::scenario::load::{expand_file, load_inventory_from, parse_text};

/// An inventory compiled, as a suite holds it.
pub(in crate::scenario::load) struct Loaded {
    pub(in crate::scenario::load) engines: Vec<(PathBuf, Engine)>,
    pub(in crate::scenario::load) inventories: Vec<crate::inventory::Inventory>,
}

fn platform() -> Loaded {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let inv = load_inventory_from(std::slice::from_ref(&dir), &BTreeMap::new()).unwrap();
    Loaded {
        engines: vec![(dir, Engine::new(&inv).unwrap())],
        inventories: vec![inv],
    }
}

/// A file as read, as text (`None`: left to the whole-file path).
pub(in crate::scenario::load) fn shown(s: Streamed) -> Option<String> {
    match s {
        Streamed::Read {
            cases,
            policies,
            description,
        } => Some(format!("{:?}", cases.map(|c| (c, policies, description)))),
        Streamed::Whole => None,
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
        decide: None,
    };
    let streamed = shown(stream(text, "t.json", &at));
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
pub(in crate::scenario::load) static PLATFORM: std::sync::LazyLock<Loaded> =
    std::sync::LazyLock::new(platform);

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
        let read = serde_json::from_value::<Field>(serde_json::Value::String(f.clone()));
        assert!(read.is_ok(), "`{f}` is not a field the stream reads");
    }
}

/// A scenario of the plain shape is read without the typed parse (`plain.rs`), and what it
/// reads must be what the typed parse reads: field order, escapes, `null`, a field outside the
/// shape before, among or after the plain ones, an unknown field, a variable, a resource whose
/// answer depends on the action's service (the marks of `Resolver::resource_shared`).
#[test]
fn plain_scenarios_are_read_as_the_typed_parse_reads_them() {
    let at = platform();
    let p = r#""principal": "role/acme-dev-agent-billing""#;
    let key = "arn:aws:kms:us-east-1:111122223333:key/not-in-the-inventory";
    let one = |fields: &str| format!(r#"{{"scenarios": [{fields}]}}"#);
    let read = [
        one(&format!(
            r#"{{"expect": "deny", "resource": "*", "action": "s3:GetObject", {p}, "name": "a"}}"#
        )),
        one(&format!(
            r#"{{"name": "a \"q\" \u00e9", {p}, "action": "s3:GetObject",
            "resource": "arn:aws:s3:::acme-dev-artifacts/\u006b", "expect": "implicit-deny",
            "description": "d"}}"#
        )),
        one(&format!(
            r#"{{"name": "a", "description": null, {p}, "action": "s3:GetObject", "resource": "*", "expect": "explicit-deny"}}"#
        )),
        one(&format!(
            r#"{{"name": "a", {p}, "context": {{"aws:SourceVpc": "vpc-1"}}, "action": "s3:GetObject", "resource": "*", "expect": "deny"}}"#
        )),
        one(&format!(
            r#"{{"because": "x", "name": "a", {p}, "action": "s3:GetObject", "resource": "*", "expect": "deny"}}"#
        )),
        one(&format!(
            r#"{{"name": "a", {p}, "action": "s3:GetObject", "resource": "*", "expect": "deny", "skip": "later", "tags": ["t"]}}"#
        )),
        one(&format!(
            r#"{{"name": "a", {p}, "action": null, "resource": "*", "expect": "deny"}}"#
        )),
        one(&format!(
            r#"{{"name": "a", {p}, "resource": "*", "expect": "deny"}}"#
        )),
        one(&format!(
            r#"{{"name": "costs $5", {p}, "action": "s3:GetObject", "resource": "*", "expect": "deny"}}"#
        )),
        one(&format!(
            r#"{{"name": "a ${{x}}", {p}, "action": "s3:GetObject", "resource": "*", "expect": "deny"}}"#
        )),
        one(
            r#"{"name": "a", "principal": "role/acme-dev-agent-research", "action": "sts:AssumeRole", "resource": "role/acme-dev-gateway", "expect": "deny"}"#,
        ),
        one(&format!(
            r#"{{"name": "a", {p}, "action": "s3:GetObject", "resource": "{key}", "expect": "deny"}},
            {{"name": "b", {p}, "action": "kms:Decrypt", "resource": "{key}", "expect": "deny"}}"#
        )),
        one(&format!(
            r#"{{"name": "a", {p}, "action": "s3:Get*", "resource": "*", "expect": "deny"}}"#
        )),
        one(&format!(
            r#"{{"name": "a", {p}, "action": "s3:GetObject", "resource": "not an arn", "expect": "deny"}}"#
        )),
    ];
    for text in &read {
        let (streamed, whole) = both(text, &at);
        assert_eq!(streamed.as_ref(), Some(&whole), "{text}");
    }
    // The KMS key outside the inventory passes for S3 and is refused for KMS.
    let whole = both(&read[11], &at).1;
    assert!(
        whole.starts_with("Err(") && whole.contains("`b`") && whole.contains("KMS key"),
        "{whole}"
    );
    let left = [
        one(&format!(
            r#"{{"name": "a", "name": "b", {p}, "action": "s3:GetObject", "resource": "*", "expect": "deny"}}"#
        )),
        one(&format!(
            r#"{{"name": "a", "skip": "s", "name": "b", {p}, "action": "s3:GetObject", "resource": "*", "expect": "deny"}}"#
        )),
        one(&format!(
            r#"{{"name": "a", {p}, "action": "s3:GetObject", "resource": "*", "expect": "deny", "skip": "s", "skip": "t"}}"#
        )),
        one(&format!(
            r#"{{"nme": "a", {p}, "action": "s3:GetObject", "resource": "*", "expect": "deny"}}"#
        )),
        one(&format!(
            r#"{{"name": "a", {p}, "action": "s3:GetObject", "resource": "*", "expect": "maybe"}}"#
        )),
        one(&format!(
            r#"{{"name": 7, {p}, "action": "s3:GetObject", "resource": "*", "expect": "deny"}}"#
        )),
        one(&format!(
            r#"{{"name": "a", {p}, "action": "s3:GetObject", "resource": "*", "expect": "deny", "context": {{"k": 1, "k": 2}}}}"#
        )),
    ];
    for text in &left {
        let (streamed, whole) = both(text, &at);
        assert_eq!(
            streamed, None,
            "{text} was read by the stream; whole: {whole}"
        );
        assert!(whole.starts_with("Err("), "{text}: {whole}");
    }
}

/// Which scenarios take the plain path: only the six plain fields, each a string (or a `null`
/// description) and an `expect` that names an expectation.
#[test]
fn only_the_plain_shape_takes_the_plain_path() {
    use crate::scenario::load::plain::{Element, ElementSeed};
    use serde::de::DeserializeSeed;
    let plain = |text: &str| {
        let mut de = serde_json::Deserializer::from_str(text);
        match ElementSeed.deserialize(&mut de) {
            Ok(Element::Plain(_)) => Some(true),
            Ok(Element::General(_)) => Some(false),
            Err(_) => None,
        }
    };
    let base = r#""name": "a", "principal": "p", "action": "s3:GetObject", "resource": "*""#;
    assert_eq!(
        plain(&format!(r#"{{{base}, "expect": "deny"}}"#)),
        Some(true)
    );
    assert_eq!(
        plain(&format!(
            r#"{{{base}, "expect": "deny", "description": null}}"#
        )),
        Some(true)
    );
    assert_eq!(
        plain(&format!(
            r#"{{{base}, "expect": "deny", "transitive": false}}"#
        )),
        Some(false)
    );
    assert_eq!(plain(&format!(r#"{{{base}}}"#)), None);
    assert_eq!(plain(&format!(r#"{{{base}, "expect": "maybe"}}"#)), None);
    assert_eq!(plain(&format!(r#"[{base}]"#)), None);
}

/// One random scenario as a list of fields in random order: the plain ones, maybe a
/// description (text or `null`), maybe a field outside the plain shape, maybe an unknown or
/// repeated field, texts with escapes or a `$`.
fn shuffled_scenario() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let name = prop::sample::select(vec![r#""s1""#, r#""s2""#, r#""s\u0031""#, r#""$x""#]);
    let principal = prop::sample::select(vec![
        r#""role/acme-dev-agent-billing""#,
        r#""arn:aws:iam::111122223333:role/acme-dev-agent-research""#,
        r#""role/nobody""#,
    ]);
    let action = prop::sample::select(vec![
        r#""s3:GetObject""#,
        r#""kms:Decrypt""#,
        r#""kms:\u0044ecrypt""#,
        r#""s3:Get*""#,
    ]);
    let resource = prop::sample::select(vec![
        r#""*""#,
        r#""arn:aws:kms:us-east-1:111122223333:key/nowhere""#,
        r#""arn:aws:kms:us-east-1:111122223333:alias/acme-dev-data""#,
        r#""arn:aws:s3:::acme-dev-artifacts/k""#,
    ]);
    let expect = prop::sample::select(vec![r#""allow""#, r#""deny""#, r#""explicit-deny""#]);
    let extra = prop::sample::select(vec![
        "",
        r#""description": "d""#,
        r#""description": null"#,
        r#""tags": ["t"]"#,
        r#""context": {"aws:SourceVpc": "vpc-1"}"#,
        r#""skip": "s""#,
        r#""because": "b""#,
        r#""nme": "typo""#,
        r#""name": "again""#,
    ]);
    (name, principal, action, resource, expect, extra)
        .prop_flat_map(|(n, p, a, r, e, x)| {
            let mut fields = vec![
                format!(r#""name": {n}"#),
                format!(r#""principal": {p}"#),
                format!(r#""action": {a}"#),
                format!(r#""resource": {r}"#),
                format!(r#""expect": {e}"#),
            ];
            if !x.is_empty() {
                fields.push(x.to_string());
            }
            Just(fields).prop_shuffle()
        })
        .prop_map(|fields| format!("{{{}}}", fields.join(", ")))
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// Random files of shuffled scenarios: what the stream reads, it reads as the whole-file
    /// path does.
    #[test]
    fn the_stream_reads_shuffled_scenarios_as_the_whole_file_path_does(
        scenarios in proptest::collection::vec(shuffled_scenario(), 1..6),
    ) {
        let text = format!(r#"{{"scenarios": [{}]}}"#, scenarios.join(", "));
        let (streamed, whole) = both(&text, &PLATFORM);
        if let Some(s) = &streamed {
            proptest::prop_assert_eq!(s, &whole);
        }
        let odd = text.contains("\"nme\"") || text.contains("\"again\"");
        proptest::prop_assert!(streamed.is_some() || odd, "{}", text);
    }
}
