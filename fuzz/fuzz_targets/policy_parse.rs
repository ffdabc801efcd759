//! The policy parser on arbitrary bytes: it must return a document or an error, never panic;
//! every error must be one line naming the file label; and a parsed document must survive
//! printing and parsing again unchanged (`parse(print(doc)) == doc`).
#![no_main]

use iamsim::policy::{parse_document, parse_str, PolicyKind};
use libfuzzer_sys::fuzz_target;

const KINDS: [PolicyKind; 5] = [
    PolicyKind::Identity,
    PolicyKind::Resource,
    PolicyKind::Trust,
    PolicyKind::Scp,
    PolicyKind::Rcp,
];

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let kind = KINDS[usize::from(*first) % KINDS.len()];
    match parse_str(text, "fuzz.json", kind) {
        Ok(doc) => {
            let again = parse_document(&doc.to_json(), "printed", kind);
            assert_eq!(again.as_ref(), Ok(&doc), "round trip of {text}");
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(msg.starts_with("fuzz.json: "), "{msg}");
            assert!(!msg.contains('\n'), "multi-line error: {msg}");
        }
    }
});
