//! The import in progress: the resolver, the inventory being built, and unresolved values.

use std::collections::BTreeMap;

use crate::import::builder::Builder;
use crate::import::{ImportError, Imported, Unresolved};

use super::plan::Instance;
use super::resolve::{Fail, Resolver, R};

/// State shared by the extractors of one plan.
#[derive(Debug)]
pub(crate) struct Cx<'a> {
    pub label: &'a str,
    pub r: &'a Resolver<'a>,
    pub b: Builder,
    /// Role, user and group ARNs by `(kind, name)`: attachments name their principal.
    pub by_name: BTreeMap<(&'static str, String), String>,
    /// KMS key ARNs by Terraform address, and by key id / ARN.
    pub keys: BTreeMap<String, String>,
    unresolved: Vec<Unresolved>,
}

impl<'a> Cx<'a> {
    pub fn new(label: &'a str, r: &'a Resolver<'a>) -> Self {
        Cx {
            label,
            r,
            b: Builder::default(),
            by_name: BTreeMap::new(),
            keys: BTreeMap::new(),
            unresolved: Vec::new(),
        }
    }

    /// The value, or `None` after recording why it is unknown; a bad value is an error.
    pub fn ok<T>(
        &mut self,
        address: &str,
        attribute: &str,
        r: R<T>,
    ) -> Result<Option<T>, ImportError> {
        match r {
            Ok(v) => Ok(Some(v)),
            Err(Fail::Needs(needs)) => {
                self.unresolved.push(Unresolved {
                    address: address.to_string(),
                    attribute: attribute.to_string(),
                    needs,
                    why: None,
                });
                Ok(None)
            }
            // Reported where the value is unknown (the document), not where it is used.
            Err(Fail::AfterApply {
                address,
                attribute,
                why,
                needs,
            }) => {
                self.unresolved.push(Unresolved {
                    address,
                    attribute,
                    needs,
                    why: Some(why),
                });
                Ok(None)
            }
            Err(Fail::Bad { path, message }) => Err(ImportError::Malformed {
                file: self.label.to_string(),
                path,
                message,
            }),
        }
    }

    /// [`Cx::ok`] for an instance attribute.
    pub fn get<T>(
        &mut self,
        inst: &Instance,
        attribute: &str,
        r: R<T>,
    ) -> Result<Option<T>, ImportError> {
        self.ok(&inst.address, attribute, r)
    }

    /// Records something missing that is not a `--var` key.
    pub fn missing(&mut self, address: &str, attribute: &str, needs: String) {
        self.unresolved.push(Unresolved {
            address: address.to_string(),
            attribute: attribute.to_string(),
            needs,
            why: None,
        });
    }

    /// Records something unknown with why and what to give (`needs`, a `--var` key).
    pub fn missing_why(&mut self, address: &str, attribute: &str, needs: String, why: &str) {
        self.unresolved.push(Unresolved {
            address: address.to_string(),
            attribute: attribute.to_string(),
            needs,
            why: Some(why.to_string()),
        });
    }

    /// The files, or every unresolved value at once.
    pub fn finish(mut self) -> Result<Imported, ImportError> {
        if !self.unresolved.is_empty() {
            self.unresolved
                .sort_by(|a, b| (&a.address, &a.attribute).cmp(&(&b.address, &b.attribute)));
            self.unresolved.dedup();
            return Err(ImportError::Unresolved {
                file: self.label.to_string(),
                items: self.unresolved,
            });
        }
        let (files, report) = self.b.finish();
        Ok(Imported { files, report })
    }
}
