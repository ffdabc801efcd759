//! The classes of ordered and typed condition values: numbers and dates split at the constants
//! written (each constant, and each open interval between and beyond them), IP addresses split
//! by the CIDR blocks written, booleans, and binary values.

use std::net::IpAddr;

use crate::condition::value::{decode_base64, format_date, parse_date, parse_number};

/// One representative per interval of the number line cut at `constants`: below the least,
/// each constant, a point strictly between each two, above the greatest.
pub(crate) fn numbers(constants: &[f64]) -> Vec<String> {
    let mut cs: Vec<f64> = constants
        .iter()
        .copied()
        .filter(|c| c.is_finite())
        .collect();
    cs.sort_by(f64::total_cmp);
    cs.dedup();
    let Some((first, last)) = cs.first().zip(cs.last()) else {
        return vec!["0".into()];
    };
    // The engine reads numbers as `f64`: past 2^53 a step of one is no step at all, so the
    // neighbours fall back to the adjacent `f64` (as does a midpoint that rounds onto an end).
    let below = |c: f64| Some(c - 1.0).filter(|b| *b < c).unwrap_or(c.next_down());
    let above = |c: f64| Some(c + 1.0).filter(|a| *a > c).unwrap_or(c.next_up());
    let mut out: Vec<f64> = vec![below(*first)];
    for (i, c) in cs.iter().enumerate() {
        out.push(*c);
        if let Some(next) = cs.get(i + 1) {
            let mid = c + (next - c) / 2.0;
            let mid = if mid > *c && mid < *next {
                mid
            } else {
                c.next_up()
            };
            if mid < *next {
                out.push(mid);
            }
        }
    }
    out.push(above(*last));
    out.retain(|v| v.is_finite() && parse_number(&v.to_string()) == Some(*v));
    out.dedup();
    out.into_iter().map(|v| v.to_string()).collect()
}

/// As [`numbers`], for dates (epoch milliseconds); below and above by one second.
pub(crate) fn dates(constants: &[i64]) -> Vec<String> {
    let mut cs: Vec<i64> = constants.to_vec();
    cs.sort_unstable();
    cs.dedup();
    let Some((first, last)) = cs.first().zip(cs.last()) else {
        return vec![format_millis(0)];
    };
    let mut out: Vec<i64> = vec![first.saturating_sub(1000)];
    for (i, c) in cs.iter().enumerate() {
        out.push(*c);
        if let Some(next) = cs.get(i + 1) {
            let mid = c + (next - c) / 2;
            if mid > *c && mid < *next {
                out.push(mid);
            }
        }
    }
    out.push(last.saturating_add(1000));
    out.dedup();
    out.into_iter()
        .map(format_millis)
        .filter(|s| parse_date(s).is_some())
        .collect()
}

/// A date as ISO 8601, with milliseconds when it has them.
pub(crate) fn format_millis(ms: i64) -> String {
    let rem = ms.rem_euclid(1000);
    let whole = format_date(ms - rem);
    if rem == 0 {
        whole
    } else {
        format!("{}.{rem:03}Z", whole.trim_end_matches('Z'))
    }
}

/// An address block as a closed interval of one family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Block {
    v6: bool,
    start: u128,
    end: u128,
}

fn block(text: &str) -> Option<Block> {
    let t = text.trim();
    let (addr, prefix) = match t.split_once('/') {
        Some((a, p)) => (a, Some(p.parse::<u32>().ok()?)),
        None => (t, None),
    };
    let addr: IpAddr = addr.parse().ok()?;
    let (v6, bits, value) = match addr {
        IpAddr::V4(a) => (false, 32u32, u128::from(u32::from(a))),
        IpAddr::V6(a) => (true, 128u32, u128::from(a)),
    };
    let prefix = prefix.unwrap_or(bits);
    if prefix > bits {
        return None;
    }
    let host = bits - prefix;
    let mask: u128 = if host >= 128 {
        u128::MAX
    } else {
        (1u128 << host) - 1
    };
    Some(Block {
        v6,
        start: value & !mask,
        end: value | mask,
    })
}

fn address(v6: bool, value: u128) -> String {
    if v6 {
        std::net::Ipv6Addr::from(value).to_string()
    } else {
        u32::try_from(value).map_or_else(
            |_| String::new(),
            |v| std::net::Ipv4Addr::from(v).to_string(),
        )
    }
}

/// One address per realisable combination of membership in the `blocks` (CIDR or bare
/// addresses, as written): membership changes only at a block's start or just past its end,
/// so those points and each family's first address reach every combination.
pub(crate) fn addresses(blocks: &[String]) -> Vec<String> {
    let parsed: Vec<Block> = blocks.iter().filter_map(|b| block(b)).collect();
    let mut candidates: Vec<(bool, u128)> = vec![(false, 0), (true, 0)];
    for b in &parsed {
        let max = if b.v6 {
            u128::MAX
        } else {
            u128::from(u32::MAX)
        };
        candidates.push((b.v6, b.start));
        if b.end < max {
            candidates.push((b.v6, b.end + 1));
        }
    }
    let mut seen: Vec<Vec<bool>> = Vec::new();
    let mut out = Vec::new();
    for (v6, value) in candidates {
        let member: Vec<bool> = parsed
            .iter()
            .map(|b| b.v6 == v6 && b.start <= value && value <= b.end)
            .collect();
        if !seen.contains(&member) {
            seen.push(member);
            out.push(address(v6, value));
        }
    }
    out
}

/// The binary values written (as written), and one other value.
pub(crate) fn binaries(values: &[String]) -> Vec<String> {
    let decoded: Vec<Vec<u8>> = values.iter().filter_map(|v| decode_base64(v)).collect();
    let mut out: Vec<String> = Vec::new();
    let mut seen: Vec<Vec<u8>> = Vec::new();
    for v in values {
        if let Some(d) = decode_base64(v) {
            if !seen.contains(&d) {
                seen.push(d);
                out.push(v.clone());
            }
        }
    }
    if let Some(other) = ["AA==", "AQ==", "Ag==", "Aw==", "BA=="]
        .iter()
        .find(|o| decode_base64(o).is_some_and(|d| !decoded.contains(&d)))
    {
        out.push((*other).to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_cover_each_interval_and_boundary() {
        assert_eq!(numbers(&[10.0]), ["9", "10", "11"]);
        assert_eq!(numbers(&[20.0, 10.0, 10.0]), ["9", "10", "15", "20", "21"]);
        assert_eq!(numbers(&[1.0, 2.0]), ["0", "1", "1.5", "2", "3"]);
        assert_eq!(numbers(&[]), ["0"]);
    }

    #[test]
    fn numbers_past_two_to_the_53_keep_a_point_below_and_between() {
        // An audit's case: `NumericLessThan 100000000000000000` lost its "below" class.
        let big = 1e17;
        let got: Vec<f64> = numbers(&[big])
            .iter()
            .filter_map(|v| parse_number(v))
            .collect();
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(got.first().is_some_and(|b| *b < big), "{got:?}");
        assert!(got.last().is_some_and(|a| *a > big), "{got:?}");
        // Two adjacent constants up there have no point between them, and need none.
        let next = big.next_up();
        let got: Vec<f64> = numbers(&[big, next])
            .iter()
            .filter_map(|v| parse_number(v))
            .collect();
        assert_eq!(got.len(), 4, "{got:?}");
    }

    #[test]
    fn dates_cover_each_interval_and_boundary() {
        let d = parse_date("2025-01-01T00:00:00Z").unwrap();
        assert_eq!(
            dates(&[d]),
            [
                "2024-12-31T23:59:59Z",
                "2025-01-01T00:00:00Z",
                "2025-01-01T00:00:01Z"
            ]
        );
        assert_eq!(
            dates(&[0, 1]),
            [
                "1969-12-31T23:59:59Z",
                "1970-01-01T00:00:00Z",
                "1970-01-01T00:00:00.001Z",
                "1970-01-01T00:00:01.001Z"
            ]
        );
        assert_eq!(format_millis(1500), "1970-01-01T00:00:01.500Z");
        assert_eq!(parse_date(&format_millis(1500)), Some(1500));
    }

    #[test]
    fn nested_blocks_get_an_address_in_each_ring() {
        let got = addresses(&["10.0.0.0/8".into(), "10.1.0.0/16".into()]);
        assert_eq!(got, ["0.0.0.0", "10.0.0.0", "10.1.0.0"]);
        // A block covering the whole family leaves only the other family outside.
        assert_eq!(addresses(&["0.0.0.0/0".into()]), ["0.0.0.0", "::"]);
        let v6 = addresses(&["2001:db8::/32".into()]);
        assert!(v6.contains(&"2001:db8::".to_string()));
    }

    #[test]
    fn binaries_add_one_other_value() {
        assert_eq!(binaries(&["AA==".into()]), ["AA==", "AQ=="]);
    }
}
