//! Reading a spec from a file or JSON text, and validating one: the entry points over the
//! spec types (`spec.rs`), the strict decoder (`decode.rs`) and the rules (`validate.rs`).

use std::path::Path;

use super::decode;
use super::error::{PlatformError, PlatformErrorKind};
use super::spec::PlatformSpec;
use super::validate;

impl PlatformSpec {
    /// Reads and validates the spec at `path`
    pub fn load(path: impl AsRef<Path>) -> Result<Self, PlatformError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| PlatformError::new(path, "", PlatformErrorKind::Io(e)))?;
        Self::from_json(&text, path)
    }

    /// Parses and validates a spec; `file` names it in errors
    ///
    /// Stricter than `serde_json::from_str`: duplicate keys are errors, and every error
    /// carries the JSON path of the offending value.
    pub fn from_json(text: &str, file: impl AsRef<Path>) -> Result<Self, PlatformError> {
        let file = file.as_ref();
        let value = decode::parse_strict(text, file)?;
        let spec = decode::spec(&value, file)?;
        spec.validate(file)?;
        Ok(spec)
    }

    /// Checks every naming and ARN rule; `file` names the spec in errors
    pub fn validate(&self, file: impl AsRef<Path>) -> Result<(), PlatformError> {
        validate::spec(self, file.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_is_valid() {
        PlatformSpec::reference().validate("reference").unwrap();
    }

    #[test]
    fn reference_round_trips_through_serde_and_from_json() {
        let reference = PlatformSpec::reference();
        let text = serde_json::to_string_pretty(&reference).unwrap();
        assert_eq!(
            serde_json::from_str::<PlatformSpec>(&text).unwrap(),
            reference
        );
        assert_eq!(PlatformSpec::from_json(&text, "p.json").unwrap(), reference);
    }
}
