//! Reading one JSON file: the size limit, UTF-8, strict parsing with line and column.

use std::path::Path;

use serde_json::Value;

use super::error::{io_message, LoadError};

/// The largest file read, in bytes (a documented limit).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The largest scenario file read, in bytes (a documented limit): a suite may keep 100,000
/// literal cases (about 20 MB) in one file, so scenario files are not held to
/// [`MAX_FILE_BYTES`]; 1 GiB is about the case limit (`scenario::MAX_CASES`) written out.
pub const MAX_SCENARIO_FILE_BYTES: u64 = 1024 * 1024 * 1024;

/// Read a JSON file with the size limit, reporting syntax errors with line and column.
pub fn read_json(path: &Path) -> Result<Value, LoadError> {
    read_json_within(path, MAX_FILE_BYTES)
}

/// [`read_json`] with another size limit (scenario files: [`MAX_SCENARIO_FILE_BYTES`]).
pub fn read_json_within(path: &Path, limit: u64) -> Result<Value, LoadError> {
    parse_json(&read_text_within(path, limit)?, &path.display().to_string())
}

/// Read a text file with the size limit; errors name the file and say why in words.
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    read_text_within(path, MAX_FILE_BYTES)
}

/// [`read_text`] with another size limit.
pub fn read_text_within(path: &Path, limit: u64) -> Result<String, LoadError> {
    use std::io::Read;
    // The file's name is spelled out only for an error (an organisation has 100,000 files).
    let io = |e: std::io::Error| LoadError::Io {
        file: path.display().to_string(),
        message: io_message(&e),
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    let too_big = |len: u64| LoadError::Io {
        file: path.display().to_string(),
        message: format!("file is {len} bytes; the limit is {limit}"),
    };
    if len > limit {
        return Err(too_big(len));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0).saturating_add(1));
    // A file that grew since its size was read is still held to the limit.
    let read = file
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if read as u64 > limit {
        return Err(too_big(read as u64));
    }
    String::from_utf8(bytes).map_err(|e| LoadError::Io {
        file: path.display().to_string(),
        message: format!("not valid UTF-8 (byte {})", e.utf8_error().valid_up_to()),
    })
}

/// Parse JSON text, reporting syntax errors with line and column. An object that repeats a key
/// is an error (serde_json alone would keep the last value silently).
pub fn parse_json(text: &str, file: &str) -> Result<Value, LoadError> {
    crate::json::from_str(text).map_err(|e| LoadError::Json {
        file: file.into(),
        line: e.line(),
        column: e.column(),
        message: e
            .to_string()
            .split(" at line")
            .next()
            .unwrap_or_default()
            .to_string(),
    })
}
