//! Parsing of the catalog text (format in docs/catalog.md): one record a line, fields separated
//! by tabs, borrowed from the text without copying.

use super::error::{CatalogError, CatalogErrorKind};
use super::key_type::ConditionKeyType;
use super::model::{
    cmp_ignore_case, ActionData, FormatShape, KeyData, ResourceData, ResourceRef, ServiceData,
    ServiceText,
};
use super::version::CatalogVersion;
use std::cmp::Ordering;

/// A catalog text split into its preamble and its services; the services are not parsed yet.
#[derive(Debug)]
pub(crate) struct Indexed {
    pub(crate) version: CatalogVersion,
    pub(crate) global_keys: Vec<KeyData>,
    /// INVARIANT: sorted by `cmp_ignore_case` of the prefix, no two equal.
    pub(crate) services: Vec<ServiceText>,
}

/// Reads the preamble (header, `source`, `generated`, global keys, service index) and cuts the
/// rest of the text into the services' sections by the lengths the index gives, without
/// reading them: the first use of the catalog costs the preamble only (about 12 KB).
pub(crate) fn index(text: &'static str) -> Result<Indexed, CatalogError> {
    let mut source = None;
    let mut generated = None;
    let mut global_keys = Vec::new();
    let mut lengths: Vec<(&'static str, usize, usize)> = Vec::new();
    let mut offset = 0;
    let mut number = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with("s\t") {
            break;
        }
        number += 1;
        offset += line.len();
        let line = line.strip_suffix('\n').unwrap_or(line);
        let fail = |kind| CatalogError::new(number, kind);
        let mut buffer = [""; MAX_FIELDS];
        match split_fields(line, &mut buffer) {
            ["iamsim-catalog", "1"] if number == 1 => {}
            _ if number == 1 => return Err(fail(CatalogErrorKind::Header)),
            ["source", package, version, updated] => source = Some((*package, *version, *updated)),
            ["generated", date] => generated = Some(*date),
            ["g", name, kind] => global_keys.push(key(name, kind).map_err(fail)?),
            ["i", prefix, len] => {
                let len = len
                    .parse()
                    .map_err(|_| fail(CatalogErrorKind::Reference((*len).to_owned())))?;
                lengths.push((prefix, len, number));
            }
            [tag @ ("source" | "generated" | "g" | "i"), ..] => {
                return Err(fail(CatalogErrorKind::FieldCount((*tag).to_owned())))
            }
            [tag @ ("k" | "r" | "a"), ..] => {
                return Err(fail(CatalogErrorKind::OutsideService((*tag).to_owned())))
            }
            fields => {
                let tag = fields.first().copied().unwrap_or("");
                return Err(fail(CatalogErrorKind::UnknownRecord(tag.to_owned())));
            }
        }
    }
    if number == 0 {
        return Err(CatalogError::new(1, CatalogErrorKind::Header));
    }
    let (package, version, updated_at) = source.ok_or(CatalogError::new(
        number,
        CatalogErrorKind::Missing("source"),
    ))?;
    let generated = generated.ok_or(CatalogError::new(
        number,
        CatalogErrorKind::Missing("generated"),
    ))?;
    let services = sections(text, lengths, offset)?;
    Ok(Indexed {
        version: CatalogVersion::new(package, version, updated_at, generated),
        global_keys,
        services,
    })
}

/// Cuts the text after the preamble (from byte `offset`) into the services' sections, by the
/// (prefix, length, index line) entries of the index.
fn sections(
    text: &'static str,
    lengths: Vec<(&'static str, usize, usize)>,
    mut offset: usize,
) -> Result<Vec<ServiceText>, CatalogError> {
    let mut services: Vec<ServiceText> = Vec::with_capacity(lengths.len());
    for (prefix, len, line) in lengths {
        let fail = |kind| CatalogError::new(line, kind);
        if let Some(last) = services.last() {
            if cmp_ignore_case(last.prefix, prefix) != Ordering::Less {
                return Err(fail(CatalogErrorKind::Order(prefix.to_owned())));
            }
        }
        // The section must be exactly the `s` line of this service and its records.
        let section = offset
            .checked_add(len)
            .and_then(|end| text.get(offset..end))
            .ok_or_else(|| fail(CatalogErrorKind::Index(prefix.to_owned())))?;
        let body = section
            .strip_prefix("s\t")
            .and_then(|rest| rest.strip_prefix(prefix))
            .and_then(|rest| rest.strip_prefix('\n'))
            .filter(|body| body.is_empty() || body.ends_with('\n'))
            .ok_or_else(|| fail(CatalogErrorKind::Index(prefix.to_owned())))?;
        services.push(ServiceText {
            prefix,
            body,
            offset: offset + (len - body.len()),
        });
        offset += len;
    }
    if offset != text.len() {
        let kind = CatalogErrorKind::Index("the end of the text".to_owned());
        return Err(CatalogError::new(line_number(text, offset), kind));
    }
    Ok(services)
}

/// Parses the records of one service; `text` is the whole catalog text, to number lines.
pub(crate) fn parse_service(
    service: &ServiceText,
    text: &str,
) -> Result<ServiceData, CatalogError> {
    let mut data = ServiceData {
        prefix: service.prefix,
        keys: Vec::new(),
        resources: Vec::new(),
        actions: Vec::new(),
        resource_refs: Vec::new(),
        key_refs: Vec::new(),
    };
    for (index, line) in service.body.lines().enumerate() {
        let mut buffer = [""; MAX_FIELDS];
        let fields = split_fields(line, &mut buffer);
        let tag = fields.first().copied().unwrap_or("");
        let kind = match service_record(&mut data, fields) {
            Ok(()) => continue,
            Err(Some(kind)) => kind,
            Err(None) if matches!(tag, "k" | "r" | "a") => {
                CatalogErrorKind::FieldCount(tag.to_owned())
            }
            Err(None) => CatalogErrorKind::UnknownRecord(tag.to_owned()),
        };
        return Err(CatalogError::new(
            line_number(text, service.offset) + index,
            kind,
        ));
    }
    Ok(data)
}

/// The 1-based number of the line starting at byte `offset` (only computed for errors).
fn line_number(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(0, |head| head.matches('\n').count())
        + 1
}

/// More fields than any record has, so that an extra field is seen as a wrong count.
const MAX_FIELDS: usize = 5;

/// Splits `line` at tabs into `buffer` (no allocation); a line with more than `MAX_FIELDS`
/// fields keeps its first `MAX_FIELDS`, which no record pattern accepts.
fn split_fields<'b>(
    line: &'static str,
    buffer: &'b mut [&'static str; MAX_FIELDS],
) -> &'b [&'static str] {
    let mut count = 0;
    for (slot, field) in buffer.iter_mut().zip(line.split('\t')) {
        *slot = field;
        count += 1;
    }
    buffer.get(..count).unwrap_or(&[])
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
                shapes: formats.split(' ').map(FormatShape::of).collect(),
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

    /// A catalog text with `preamble` after the head, then `sections` with a correct index.
    fn text(preamble: &str, sections: &[&str]) -> &'static str {
        let index: String = sections
            .iter()
            .map(|section| {
                let prefix = section.lines().next().unwrap().trim_start_matches("s\t");
                format!("i\t{prefix}\t{}\n", section.len())
            })
            .collect();
        Box::leak(format!("{HEAD}{preamble}{index}{}", sections.concat()).into_boxed_str())
    }

    fn parse(text: &'static str) -> Result<(Indexed, Vec<ServiceData>), CatalogError> {
        let indexed = index(text)?;
        let services = indexed
            .services
            .iter()
            .map(|service| parse_service(service, text))
            .collect::<Result<_, _>>()?;
        Ok((indexed, services))
    }

    fn parse_err(text: &'static str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn parses_a_small_service() {
        let text = text(
            "g\taws:SourceIp\tIPAddress\n",
            &["s\tecr\nk\tecr:ResourceTag/${TagKey}\tString\n\
               r\trepository\tarn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}\t0\n\
               a\tBatchGetImage\t0*\t\na\tGetAuthorizationToken\t\t\n"],
        );
        let (parsed, services) = parse(text).unwrap();
        assert_eq!(parsed.global_keys[0].name, "aws:SourceIp");
        assert_eq!(parsed.version.version(), "1.0");
        let ecr = &services[0];
        assert_eq!(ecr.prefix, "ecr");
        let action = ecr.action("batchgetimage").unwrap();
        assert_eq!(action.name, "BatchGetImage");
        let refs = ecr.resource_refs_at(&action.resources);
        assert_eq!((refs[0].index, refs[0].required), (0, true));
        let key = ecr.keys_at(&ecr.resources[0].keys).next().unwrap();
        assert_eq!(key.name, "ecr:ResourceTag/${TagKey}");
    }

    #[test]
    fn indexes_empty_services() {
        let (indexed, services) = parse(text("", &["s\ta\n", "s\tb\n"])).unwrap();
        assert_eq!(indexed.services.len(), 2);
        assert_eq!(services[1].prefix, "b");
        assert!(services[0].actions.is_empty());
    }

    #[test]
    fn rejects_a_missing_header() {
        assert_eq!(
            parse_err("s\tecr\n"),
            "catalog line 1: expected the header `iamsim-catalog\\t1`"
        );
    }

    #[test]
    fn rejects_a_bad_reference() {
        assert_eq!(
            parse_err(text("", &["s\tecr\na\tX\t0*\t\n"])),
            "catalog line 6: bad reference `0`"
        );
    }

    #[test]
    fn rejects_unsorted_actions() {
        assert_eq!(
            parse_err(text(
                "",
                &["s\tecr\na\tPutImage\t\t\na\tBatchGetImage\t\t\n"]
            )),
            "catalog line 7: `BatchGetImage` is out of order or repeated"
        );
    }

    #[test]
    fn rejects_unsorted_services() {
        assert_eq!(
            parse_err(text("", &["s\tecr\n", "s\tacm\n"])),
            "catalog line 5: `acm` is out of order or repeated"
        );
    }

    #[test]
    fn rejects_an_index_that_does_not_fit() {
        let good = text("", &["s\tacm\n", "s\tecr\n"]);
        let bad: &'static str = Box::leak(good.replace("i\tacm\t6", "i\tacm\t5").into_boxed_str());
        assert_eq!(
            parse_err(bad),
            "catalog line 4: service index entry `acm` does not match the text"
        );
        let extra: &'static str = Box::leak(format!("{good}a\tX\t\t\n").into_boxed_str());
        assert_eq!(
            parse_err(extra),
            "catalog line 8: service index entry `the end of the text` does not match the text"
        );
    }

    #[test]
    fn numbers_lines_inside_later_services() {
        assert_eq!(
            parse_err(text("", &["s\tacm\na\tA\t\t\n", "s\tecr\na\tB\t\t\nz\n"])),
            "catalog line 10: unknown record `z`"
        );
    }

    #[test]
    fn rejects_an_unknown_key_type() {
        assert_eq!(
            parse_err(text("g\taws:X\tText\n", &[])),
            "catalog line 4: unknown condition key type `Text`"
        );
    }

    #[test]
    fn rejects_records_outside_a_service() {
        assert_eq!(
            parse_err(text("a\tX\t\t\n", &[])),
            "catalog line 4: record `a` comes before any service"
        );
    }

    #[test]
    fn rejects_a_wrong_field_count() {
        assert_eq!(
            parse_err(text("", &["s\tecr\na\tX\t\n"])),
            "catalog line 6: record `a` has the wrong number of fields"
        );
    }

    #[test]
    fn rejects_an_unknown_record() {
        assert_eq!(
            parse_err(text("x\ty\n", &[])),
            "catalog line 4: unknown record `x`"
        );
    }
}
