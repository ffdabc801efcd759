//! The scenario-file reader on arbitrary bytes: JSON syntax, the file format (`parse_file`),
//! context objects (`Context::from_json`), and the whole loading pipeline (`load_suite`:
//! `for_each` expansion, `where`, principal and resource resolution) against a small fixed
//! inventory. Each must fail with a one-line error naming the file, never panic.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use iamsim::request::Context;
use iamsim::scenario::{load_suite, parse_file, LoadOptions};
use libfuzzer_sys::fuzz_target;

fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("iamsim-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        return;
    };
    let _ = Context::from_json(&value);
    if parse_file(value, "fuzz.json").is_err() {
        return;
    }
    let file = scratch().join("s.json");
    std::fs::write(&file, data).unwrap();
    let opts = LoadOptions {
        policies: vec![
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/cases/invalid/_base/policies")
        ],
        tags: Vec::new(),
        ..LoadOptions::default()
    };
    if let Err(e) = load_suite(&[file.clone()], &opts) {
        let msg = e.to_string();
        assert!(!msg.contains('\n'), "multi-line error: {msg}");
    }
});
