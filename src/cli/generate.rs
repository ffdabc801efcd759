//! `iamsim generate`: write the platform's roles and key policies from its spec.

use super::args::GenerateArgs;
use super::{plural, Error, Exit, Streams};
use crate::platform::{self, PlatformSpec};

/// Run `generate`: write the inventory and say how many files it has.
pub fn generate(a: &GenerateArgs, io: &mut Streams<'_>) -> Result<Exit, Error> {
    let spec = PlatformSpec::load(&a.platform)?;
    let files = platform::generate(&spec)?;
    platform::write_inventory(&a.out, &files)?;
    writeln!(
        io.out,
        "wrote {} to {}",
        plural(files.len(), "file"),
        a.out.display()
    )?;
    Ok(Exit::Success)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

    use super::*;

    #[test]
    fn a_missing_spec_is_an_error_naming_it() {
        let a = GenerateArgs {
            platform: "nope.json".into(),
            out: std::env::temp_dir().join("iamsim-cli-generate-never-written"),
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let e = generate(&a, &mut Streams::new(&mut out, &mut err)).unwrap_err();
        assert!(e.to_string().starts_with("nope.json"), "{e}");
        assert!(out.is_empty() && err.is_empty());
    }

    #[test]
    fn writes_the_reference_platform() {
        let dir = std::env::temp_dir().join(format!("iamsim-cli-generate-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let a = GenerateArgs {
            platform: std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("policies/platform.json"),
            out: dir.clone(),
        };
        let mut out = Vec::new();
        let exit = generate(&a, &mut Streams::new(&mut out, &mut Vec::new())).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(exit, Exit::Success);
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.starts_with("wrote ") && out.ends_with(&format!(" files to {}\n", dir.display())),
            "{out}"
        );
    }
}
