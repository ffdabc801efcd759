//! The law of `scan.rs`: a text the scanner reads is JSON serde_json reads too, and gives the
//! cases (or the error), `policies` and `description` the serde stream gives; and the files of
//! its subset (any whitespace, any field order) are all read by it.

use proptest::prelude::*;

use super::*;
use crate::scenario::load::stream::stream;
use crate::scenario::load::stream::tests::{shown, PLATFORM};

/// The reading of `text` by the scanner (`None`: left to serde) and by the serde stream, each
/// as text.
fn both(text: &str) -> (Option<String>, Option<String>) {
    let at = Target {
        engine: 0,
        engines: &PLATFORM.engines,
        inventories: &PLATFORM.inventories,
        no_catalog: false,
        decide: None,
    };
    (
        scan(text, "t.json", &at).and_then(shown),
        shown(stream(text, "t.json", &at)),
    )
}

/// A scenario of the subset, its fields in the order given.
fn plain(name: &str, principal: &str, expect: &str) -> String {
    format!(
        r#"{{"name": "{name}", "principal": "{principal}", "action": "s3:GetObject",
        "resource": "arn:aws:s3:::acme-dev-artifacts/k", "expect": "{expect}"}}"#
    )
}

#[test]
fn the_scanner_reads_its_subset_as_the_serde_stream_does() {
    let ok = plain("a", "role/acme-dev-agent-billing", "deny");
    let other = plain("b", "role/acme-dev-agent-research", "allow");
    let nobody = plain("c", "role/nobody", "deny");
    let texts = [
        format!(r#"{{"scenarios": [{ok}, {other}]}}"#),
        format!(
            "\r\n\t{{ \"$schema\" : \"s\" ,\"description\":\"d é\",\n\"policies\": \"../policies\",\"scenarios\":[\n{ok}\n] }}\n"
        ),
        format!(r#"{{"scenarios": [{ok}], "policies": "after", "description": "after"}}"#),
        // An expansion error: the first one is reported, the rest still scanned.
        format!(r#"{{"scenarios": [{ok}, {nobody}, {other}]}}"#),
        format!(r#"{{"scenarios": [{ok}, {ok}]}}"#),
        // A variable goes to the general expansion, within the scanned file.
        format!(r#"{{"scenarios": [{}]}}"#, plain("a ${x}", "role/acme-dev-agent-billing", "deny")),
        r#"{"scenarios": [{"expect": "implicit-deny", "description": "d", "resource": "*",
            "action": "s3:GetObject", "principal": "role/acme-dev-agent-billing", "name": "n"}]}"#
            .to_string(),
    ];
    for text in &texts {
        let (scanned, serde) = both(text);
        assert!(scanned.is_some(), "not scanned: {text}");
        assert_eq!(scanned, serde, "{text}");
    }
    assert!(both(&texts[3])
        .0
        .is_some_and(|s| s.starts_with("Err(") && s.contains("nobody")));
}

#[test]
fn the_scanner_leaves_everything_else_to_serde() {
    let ok = plain("a", "role/acme-dev-agent-billing", "deny");
    let texts = [
        // Escapes, `null`, other types and fields.
        format!(
            r#"{{"scenarios": [{}]}}"#,
            plain(r"a\u0031", "role/acme-dev-agent-billing", "deny")
        ),
        format!(r#"{{"description": null, "scenarios": [{ok}]}}"#),
        format!(
            r#"{{"scenarios": [{}]}}"#,
            ok.replace(
                r#""expect": "deny""#,
                r#""expect": "deny", "description": null"#
            )
        ),
        format!(
            r#"{{"scenarios": [{}]}}"#,
            ok.replace(r#""expect": "deny""#, r#""expect": "deny", "skip": "s""#)
        ),
        format!(
            r#"{{"scenarios": [{}]}}"#,
            ok.replace(r#""expect": "deny""#, r#""expect": "maybe""#)
        ),
        format!(
            r#"{{"scenarios": [{}]}}"#,
            ok.replace(r#""name": "a", "#, "")
        ),
        format!(
            r#"{{"scenarios": [{}]}}"#,
            ok.replace(r#""name": "a""#, r#""name": "a", "name": "b""#)
        ),
        format!(r#"{{"context": {{"aws:SourceVpc": "v"}}, "scenarios": [{ok}]}}"#),
        format!(r#"{{"tags": ["t"], "scenarios": [{ok}]}}"#),
        format!(r#"{{"policies": "a", "policies": "b", "scenarios": [{ok}]}}"#),
        // No scenario, or none at all.
        r#"{"scenarios": []}"#.to_string(),
        r#"{"description": "d"}"#.to_string(),
        "{}".to_string(),
        // Not JSON.
        format!(r#"{{"scenarios": [{ok},]}}"#),
        format!(r#"{{"scenarios": [{ok}]}} x"#),
        format!(r#"{{"scenarios": [{ok}],}}"#),
        format!("{{\"scenarios\": [{}]}}", ok.replace("\"a\"", "\"a\u{1}\"")),
        format!(r#"{{"scenarios": [{ok}]"#),
        format!("{{\"scenarios\": [{ok}]}}\u{a0}"),
    ];
    for text in &texts {
        assert_eq!(both(text).0, None, "scanned: {text}");
    }
}

/// `string_end` against a byte-by-byte search, at every offset, told of the text's `$` and
/// control characters or not (as if it held any).
#[test]
fn string_ends_are_found_as_byte_by_byte() {
    let texts: [&[u8]; 9] = [
        b"abcdefghijklmnopqrstuvwxyz\"tail",
        b"abcdefgh\\\"",
        b"0123456\x1f89\"",
        b"\x7f\x80\xc3\xa9\xff\xfe\"",
        b"a $ b and ${x} after eight bytes\"",
        b"$\"",
        b"no end at all, not even after sixteen bytes",
        b"a line\nthen more\"\n",
        b"\"\n  \"a tab\tin it\"",
    ];
    for t in texts {
        let own = Controls::of(t);
        for from in 0..t.len() {
            let slow = t
                .iter()
                .skip(from)
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                .map(|i| from + i)
                .filter(|&i| t.get(i) == Some(&b'"'))
                .map(|i| (i, t.get(from..i).is_some_and(|s| s.contains(&b'$'))));
            for controls in [own, Controls::Any] {
                let got = string_end(t, from, true, controls);
                assert_eq!(got, slow, "{t:?} from {from}, {controls:?}");
                let no_dollar = slow.map(|(i, _)| (i, false));
                let got = string_end(t, from, false, controls);
                assert_eq!(got, no_dollar, "{t:?} from {from}, {controls:?}");
            }
        }
    }
}

#[test]
fn controls_are_told_apart() {
    assert_eq!(Controls::of(b"{\"a\": \"b\"}"), Controls::None);
    assert_eq!(Controls::of(b"{\n\"a\": \"b\"\n}"), Controls::LineFeeds);
    assert_eq!(Controls::of(b"{\r\n\"a\": \"b\"}"), Controls::Any);
    assert_eq!(Controls::of(b"\t"), Controls::Any);
    assert_eq!(Controls::of(b"\x1f\n"), Controls::Any);
}

/// The quoted keys are those of the plain shape, in its order.
#[test]
fn quoted_keys_are_the_plain_ones() {
    assert_eq!(PLAIN[EXPECT], "expect");
    let quoted: Vec<String> = PLAIN.iter().map(|k| format!("\"{k}\"")).collect();
    let ours: Vec<&[u8]> = QUOTED.to_vec();
    assert_eq!(
        ours,
        quoted.iter().map(|q| q.as_bytes()).collect::<Vec<_>>()
    );
    // `starts_with_key` knows each by its place, and no other.
    for (k, q) in quoted.iter().enumerate() {
        for j in 0..=PLAIN.len() {
            assert_eq!(
                super::starts_with_key(q.as_bytes(), j),
                j == k,
                "{q} as {j}"
            );
        }
    }
}

/// JSON whitespace, any amount.
fn ws() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["", " ", "\n", "\t", "\r\n  ", "  "]).prop_map(str::to_string)
}

/// A text: mostly plain, sometimes with an escape, a `$`, a control character or non-ASCII.
fn text() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "s1",
        "s2",
        "s2",
        r"s\u0031",
        r#"q\"q"#,
        "costs $5",
        "é",
        "bel\u{7}l",
    ])
}

/// One scenario's fields, shuffled, joined with random whitespace: the plain ones, maybe a
/// description (text or `null`), maybe a field outside the subset or a repeated one.
fn scenario() -> impl Strategy<Value = Vec<String>> {
    let principal = prop::sample::select(vec![
        "role/acme-dev-agent-billing",
        "arn:aws:iam::111122223333:role/acme-dev-agent-research",
        "role/nobody",
    ]);
    let action = prop::sample::select(vec!["s3:GetObject", "kms:Decrypt", "s3:Get*"]);
    let resource = prop::sample::select(vec![
        "*",
        "arn:aws:kms:us-east-1:111122223333:alias/acme-dev-data",
        "arn:aws:s3:::acme-dev-artifacts/k",
    ]);
    // The two common words, and texts that begin like them (read as words only when whole).
    let expect = prop::sample::select(vec![
        "allow",
        "deny",
        "explicit-deny",
        "maybe",
        "allowed",
        "Deny",
        "deny ",
    ]);
    let extra = prop::sample::select(vec![
        "",
        "",
        r#""description": "d""#,
        r#""description": null"#,
        r#""skip": "s""#,
        r#""name": "again""#,
    ]);
    (text(), principal, action, resource, expect, extra).prop_flat_map(|(n, p, a, r, e, x)| {
        let mut fields = vec![
            format!(r#""name": "{n}""#),
            format!(r#""principal": "{p}""#),
            format!(r#""action": "{a}""#),
            format!(r#""resource": "{r}""#),
            format!(r#""expect": "{e}""#),
        ];
        if !x.is_empty() {
            fields.push(x.to_string());
        }
        Just(fields).prop_shuffle()
    })
}

/// `items` joined by `,` inside `open` and `close`, whitespace from `gaps` around each token.
fn joined(open: char, items: &[String], close: char, gaps: &[String]) -> String {
    let mut gap = gaps.iter().cycle();
    let mut out = String::from(open);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(gap.next().map_or("", String::as_str));
        out.push_str(item);
        out.push_str(gap.next().map_or("", String::as_str));
    }
    out.push(close);
    out
}

/// A random file: shuffled scenarios, a file-level field before or after them.
fn file() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(scenario(), 0..4),
        prop::sample::select(vec![
            "",
            r#""description": "d""#,
            r#""policies": "../policies""#,
            r#""$schema": "x", "description": "é""#,
            r#""tags": ["t"]"#,
        ]),
        any::<bool>(),
        prop::collection::vec(ws(), 1..12),
    )
        .prop_map(|(scenarios, head, first, gaps)| {
            let objects: Vec<String> = scenarios
                .iter()
                .map(|fields| joined('{', fields, '}', &gaps))
                .collect();
            let list = format!(r#""scenarios":{}"#, joined('[', &objects, ']', &gaps));
            let mut top = vec![list];
            if !head.is_empty() {
                top.insert(if first { 0 } else { 1 }, head.to_string());
            }
            joined('{', &top, '}', &gaps)
        })
}

/// A file of the subset: no escape, `null`, field outside the subset, repeated field or
/// expectation it does not know.
fn of_the_subset(text: &str) -> bool {
    !text.contains('\\')
        && !text.contains('\u{7}')
        && !text.contains("null")
        && !text.contains("skip")
        && !text.contains("again")
        && !["maybe", "\"allowed\"", "\"Deny\"", "\"deny \""]
            .iter()
            .any(|bad| text.contains(bad))
        && !text.contains("tags")
        && !text.contains(r#"":[]"#)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Random files: what the scanner reads is valid JSON, read as the serde stream reads it;
    /// and every file of its subset is read by it.
    #[test]
    fn the_scanner_reads_random_files_as_the_serde_stream_does(text in file()) {
        let (scanned, serde) = both(&text);
        if scanned.is_some() {
            prop_assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok(), "{}", text);
            prop_assert_eq!(&scanned, &serde, "{}", text);
        }
        prop_assert_eq!(scanned.is_some(), of_the_subset(&text), "{}", text);
    }

    /// A file of the subset with one byte deleted, inserted or replaced: whatever the scanner
    /// still reads is JSON, read as the serde stream reads it.
    #[test]
    fn the_scanner_reads_no_broken_json(
        text in file(),
        at in any::<prop::sample::Index>(),
        edit in 0..3u8,
        byte in prop::sample::select(b"{}[],:\" \\x\x01".to_vec()),
    ) {
        let mut bytes = text.into_bytes();
        let i = at.index(bytes.len() + 1);
        match edit {
            0 if i < bytes.len() => { bytes.remove(i); }
            1 => bytes.insert(i, byte),
            _ if i < bytes.len() => { if let Some(b) = bytes.get_mut(i) { *b = byte; } }
            _ => {}
        }
        let Ok(text) = String::from_utf8(bytes) else { return Ok(()) };
        let (scanned, serde) = both(&text);
        if scanned.is_some() {
            prop_assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok(), "{}", text);
            prop_assert_eq!(&scanned, &serde, "{}", text);
        }
    }
}
