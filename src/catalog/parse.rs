//! Parsing of the catalog text (format in docs/catalog.md): one record a line, fields separated
//! by tabs, borrowed from the text without copying.

use super::error::{CatalogError, CatalogErrorKind};
use super::key_type::ConditionKeyType;
use super::model::{cmp_ignore_case, ActionData, KeyData, ResourceData, ResourceRef, ServiceData};
use super::version::CatalogVersion;
use std::cmp::Ordering;

/// Everything a catalog text holds.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub(crate) version: CatalogVersion,
    pub(crate) global_keys: Vec<KeyData>,
    pub(crate) services: Vec<ServiceData>,
}

/// Parses a whole catalog text.
pub(crate) fn parse(text: &'static str) -> Result<Parsed, CatalogError> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, "iamsim-catalog\t1")) => {}
        _ => return Err(CatalogError::new(1, CatalogErrorKind::Header)),
    }
    let mut source = None;
    let mut generated = None;
    let mut global_keys = Vec::new();
    let mut services: Vec<ServiceData> = Vec::new();
    for (index, line) in lines {
        let number = index + 1;
        let fail = |kind| CatalogError::new(number, kind);
        let fields: Vec<&'static str> = line.split('\t').collect();
        let tag = fields.first().copied().unwrap_or("");
        let wrong_count = || fail(CatalogErrorKind::FieldCount(tag.to_owned()));
        match (tag, fields.as_slice()) {
            ("source", [_, package, version, updated]) => {
                source = Some((*package, *version, *updated))
            }
            ("generated", [_, date]) => generated = Some(*date),
            ("g", [_, name, kind]) => global_keys.push(key(name, kind).map_err(fail)?),
            ("s", [_, prefix]) => {
                if let Some(last) = services.last() {
                    if cmp_ignore_case(last.prefix, prefix) != Ordering::Less {
                        return Err(fail(CatalogErrorKind::Order((*prefix).to_owned())));
                    }
                }
                services.push(ServiceData {
                    prefix,
                    keys: Vec::new(),
                    resources: Vec::new(),
                    actions: Vec::new(),
                    resource_refs: Vec::new(),
                    key_refs: Vec::new(),
                });
            }
            ("k" | "r" | "a", _) => {
                let service = services
                    .last_mut()
                    .ok_or_else(|| fail(CatalogErrorKind::OutsideService(tag.to_owned())))?;
                service_record(service, fields.as_slice()).map_err(|kind| match kind {
                    Some(kind) => fail(kind),
                    None => wrong_count(),
                })?;
            }
            ("source" | "generated" | "g" | "s", _) => return Err(wrong_count()),
            _ => return Err(fail(CatalogErrorKind::UnknownRecord(tag.to_owned()))),
        }
    }
    let end = text.lines().count();
    let (package, version, updated_at) =
        source.ok_or(CatalogError::new(end, CatalogErrorKind::Missing("source")))?;
    let generated = generated.ok_or(CatalogError::new(
        end,
        CatalogErrorKind::Missing("generated"),
    ))?;
    Ok(Parsed {
        version: CatalogVersion::new(package, version, updated_at, generated),
        global_keys,
        services,
    })
}

/// Adds a `k`, `r` or `a` record to `service`; `Err(None)` means a wrong field count.
fn service_record(
    service: &mut ServiceData,
    fields: &[&'static str],
) -> Result<(), Option<CatalogErrorKind>> {
    match fields {
        ["k", name, kind] => {
            if service.keys.len() > usize::from(u16::MAX) {
                return Err(Some(CatalogErrorKind::TooMany(service.prefix.to_owned())));
            }
            service.keys.push(key(name, kind)?);
        }
        ["r", name, formats, keys] => {
            if service.resources.len() > usize::from(u16::MAX) {
                return Err(Some(CatalogErrorKind::TooMany(service.prefix.to_owned())));
            }
            let keys = key_refs(service, keys)?;
            service.resources.push(ResourceData {
                name,
                formats,
                keys,
            });
        }
        ["a", name, resources, keys] => {
            if let Some(last) = service.actions.last() {
                if cmp_ignore_case(last.name, name) != Ordering::Less {
                    return Err(Some(CatalogErrorKind::Order((*name).to_owned())));
                }
            }
            let start = service.resource_refs.len();
            for reference in list(resources) {
                let (index, required) = match reference.strip_suffix('*') {
                    Some(index) => (index, true),
                    None => (reference, false),
                };
                let index = index_into(index, service.resources.len())?;
                service.resource_refs.push(ResourceRef { index, required });
            }
            let resources = start..service.resource_refs.len();
            let keys = key_refs(service, keys)?;
            service.actions.push(ActionData {
                name,
                resources,
                keys,
            });
        }
        _ => return Err(None),
    }
    Ok(())
}

/// A condition key record's name and type.
fn key(name: &'static str, kind: &str) -> Result<KeyData, CatalogErrorKind> {
    let kind =
        ConditionKeyType::parse(kind).ok_or_else(|| CatalogErrorKind::KeyType(kind.to_owned()))?;
    Ok(KeyData { name, kind })
}

/// Appends a comma-separated list of key indices to the pool and returns its range.
fn key_refs(
    service: &mut ServiceData,
    field: &str,
) -> Result<std::ops::Range<usize>, CatalogErrorKind> {
    let start = service.key_refs.len();
    for reference in list(field) {
        let index = index_into(reference, service.keys.len())?;
        service.key_refs.push(index);
    }
    Ok(start..service.key_refs.len())
}

/// The items of a comma-separated field; an empty field is an empty list.
fn list(field: &str) -> impl Iterator<Item = &str> {
    field.split(',').filter(|item| !item.is_empty())
}

/// Parses an index that must be below `len`.
fn index_into(text: &str, len: usize) -> Result<u16, CatalogErrorKind> {
    text.parse::<u16>()
        .ok()
        .filter(|&index| usize::from(index) < len)
        .ok_or_else(|| CatalogErrorKind::Reference(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "iamsim-catalog\t1\nsource\tpkg\t1.0\t2026-01-01\ngenerated\t2026-01-02\n";

    fn parse_err(body: &'static str) -> String {
        let text: &'static str = Box::leak(format!("{HEAD}{body}").into_boxed_str());
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn parses_a_small_service() {
        let text = "iamsim-catalog\t1\nsource\tpkg\t1.0\t2026-01-01\ngenerated\t2026-01-02\n\
                    g\taws:SourceIp\tIPAddress\ns\tecr\nk\tecr:ResourceTag/${TagKey}\tString\n\
                    r\trepository\tarn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}\t0\n\
                    a\tBatchGetImage\t0*\t\na\tGetAuthorizationToken\t\t\n";
        let parsed = parse(text).unwrap();
        assert_eq!(parsed.global_keys[0].name, "aws:SourceIp");
        let ecr = &parsed.services[0];
        assert_eq!(ecr.prefix, "ecr");
        let action = ecr.action("batchgetimage").unwrap();
        assert_eq!(action.name, "BatchGetImage");
        let refs = ecr.resource_refs_at(&action.resources);
        assert_eq!((refs[0].index, refs[0].required), (0, true));
        assert_eq!(
            ecr.keys_at(&ecr.resources[0].keys).next().unwrap().name,
            "ecr:ResourceTag/${TagKey}"
        );
        assert_eq!(parsed.version.version(), "1.0");
    }

    #[test]
    fn rejects_a_missing_header() {
        assert_eq!(
            parse("s\tecr\n").unwrap_err().to_string(),
            "catalog line 1: expected the header `iamsim-catalog\\t1`"
        );
    }

    #[test]
    fn rejects_a_bad_reference() {
        assert_eq!(
            parse_err("s\tecr\na\tX\t0*\t\n"),
            "catalog line 5: bad reference `0`"
        );
    }

    #[test]
    fn rejects_unsorted_actions() {
        assert_eq!(
            parse_err("s\tecr\na\tPutImage\t\t\na\tBatchGetImage\t\t\n"),
            "catalog line 6: `BatchGetImage` is out of order or repeated"
        );
    }

    #[test]
    fn rejects_an_unknown_key_type() {
        assert_eq!(
            parse_err("g\taws:X\tText\n"),
            "catalog line 4: unknown condition key type `Text`"
        );
    }

    #[test]
    fn rejects_records_outside_a_service() {
        assert_eq!(
            parse_err("a\tX\t\t\n"),
            "catalog line 4: record `a` comes before any service"
        );
    }

    #[test]
    fn rejects_a_wrong_field_count() {
        assert_eq!(
            parse_err("s\tecr\na\tX\t\n"),
            "catalog line 5: record `a` has the wrong number of fields"
        );
    }

    #[test]
    fn rejects_an_unknown_record() {
        assert_eq!(parse_err("x\ty\n"), "catalog line 4: unknown record `x`");
    }
}
