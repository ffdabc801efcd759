//! Typed condition values: numbers, dates, booleans, binary and CIDR blocks, parsed once.
//! The same parsers read request values (when a request is prepared) and policy values (at load).

use std::net::IpAddr;

/// Parse an IAM number (integer or decimal).
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric>
pub fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim();
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    let ok = !body.is_empty()
        && body.chars().all(|c| c.is_ascii_digit() || c == '.')
        && body.chars().filter(|c| *c == '.').count() <= 1
        && body != ".";
    if !ok {
        return None;
    }
    t.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Parse a date: ISO 8601 (`2020-01-01`, `2020-01-01T12:00:00Z`, with fractions and offsets) or
/// epoch seconds. Returns milliseconds since the epoch, UTC.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date>
pub fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse::<i64>().ok()?.checked_mul(1000);
    }
    let (date, time) = match s.split_once(['T', 't']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut dp = date.split('-');
    let year: i64 = digits(dp.next()?, 4)?;
    let month: i64 = digits(dp.next()?, 2)?;
    let day: i64 = digits(dp.next()?, 2)?;
    if dp.next().is_some() || !(1..=12).contains(&month) || day < 1 || day > days_in(year, month) {
        return None;
    }
    let mut millis = days_from_civil(year, month, day) * 86_400_000;
    if let Some(time) = time {
        let (clock, offset_ms) = split_offset(time)?;
        let mut tp = clock.split(':');
        let h: i64 = digits(tp.next()?, 2)?;
        let m: i64 = digits(tp.next()?, 2)?;
        let (sec, frac_ms) = match tp.next() {
            None => (0, 0),
            Some(sec) => match sec.split_once('.') {
                None => (digits(sec, 2)?, 0),
                Some((whole, frac)) => (digits(whole, 2)?, fraction_ms(frac)?),
            },
        };
        if tp.next().is_some() || h > 23 || m > 59 || sec > 60 {
            return None;
        }
        millis += ((h * 60 + m) * 60 + sec) * 1000 + frac_ms - offset_ms;
    }
    Some(millis)
}

fn digits(s: &str, n: usize) -> Option<i64> {
    (s.len() == n && s.chars().all(|c| c.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn fraction_ms(frac: &str) -> Option<i64> {
    if frac.is_empty() || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let padded: String = frac.chars().chain("000".chars()).take(3).collect();
    padded.parse().ok()
}

/// Split `12:00:00+02:00` into the clock and the offset in milliseconds (`Z` = 0).
fn split_offset(time: &str) -> Option<(&str, i64)> {
    if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    if let Some(pos) = time.rfind(['+', '-']) {
        let (clock, off) = time.split_at(pos);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let off = off.get(1..)?;
        let (h, m) = match off.split_once(':') {
            Some((h, m)) => (digits(h, 2)?, digits(m, 2)?),
            None if off.len() == 4 => (digits(off.get(..2)?, 2)?, digits(off.get(2..)?, 2)?),
            None => (digits(off, 2)?, 0),
        };
        return Some((clock, sign * (h * 60 + m) * 60_000));
    }
    // No zone: AWS reads dates as UTC.
    Some((time, 0))
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Render epoch milliseconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_date(millis: i64) -> String {
    let secs = millis.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Parse `true`/`false` (case-insensitive, as AWS compares them).
pub fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// An IPv4 or IPv6 block. A bare address is a /32 or /128.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress>
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parse `203.0.113.0/24`, `2001:db8::/32` or a bare address.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) if !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) => p.parse().ok()?,
            Some(_) => return None,
            None => max,
        };
        (prefix <= max).then_some(Self { addr, prefix })
    }

    /// The prefix length (32 or 128 for a bare address)
    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    /// Whether the block is IPv4
    pub fn is_ipv4(&self) -> bool {
        self.addr.is_ipv4()
    }

    /// Is `ip` inside the block? Families never mix.
    pub fn contains(&self, ip: &IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                masked(u128::from(u32::from(net)), 32, self.prefix)
                    == masked(u128::from(u32::from(*ip)), 32, self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                masked(u128::from(net), 128, self.prefix)
                    == masked(u128::from(*ip), 128, self.prefix)
            }
            _ => false,
        }
    }
}

fn masked(v: u128, bits: u32, prefix: u8) -> u128 {
    let host_bits = bits - u32::from(prefix);
    if host_bits >= 128 {
        0
    } else {
        v >> host_bits
    }
}

/// Decode standard base64 (with or without padding).
pub fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let s = s.trim().trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    (bits < 6).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_iso_and_epoch_forms() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("1970-01-02T00:00:00Z"), Some(86_400_000));
        assert_eq!(parse_date("86400"), Some(86_400_000));
        assert_eq!(
            parse_date("2020-01-01T02:00:00+02:00"),
            parse_date("2020-01-01T00:00:00Z")
        );
        assert_eq!(
            parse_date("2020-01-01T00:00:00.5Z"),
            parse_date("2020-01-01").map(|d| d + 500)
        );
        assert_eq!(parse_date("2019-02-29"), None);
        assert_eq!(parse_date("2020-13-01"), None);
        assert_eq!(parse_date("yesterday"), None);
        assert_eq!(
            format_date(parse_date("2024-02-29T13:14:15Z").unwrap()),
            "2024-02-29T13:14:15Z"
        );
    }

    #[test]
    fn numbers_and_bools() {
        assert_eq!(parse_number("10"), Some(10.0));
        assert_eq!(parse_number("-1.5"), Some(-1.5));
        assert_eq!(parse_number("1e5"), None);
        assert_eq!(parse_number("ten"), None);
        assert_eq!(parse_bool("TRUE"), Some(true));
        assert_eq!(parse_bool("yes"), None);
    }

    #[test]
    fn cidr_blocks() {
        let c = Cidr::parse("203.0.113.0/24").unwrap();
        assert!(c.contains(&"203.0.113.9".parse().unwrap()));
        assert!(!c.contains(&"203.0.114.9".parse().unwrap()));
        let bare = Cidr::parse("10.0.0.1").unwrap();
        assert!(bare.contains(&"10.0.0.1".parse().unwrap()));
        assert!(!bare.contains(&"10.0.0.2".parse().unwrap()));
        let v6 = Cidr::parse("2001:db8::/32").unwrap();
        assert!(v6.contains(&"2001:db8::1".parse().unwrap()));
        assert!(Cidr::parse("0.0.0.0/0")
            .unwrap()
            .contains(&"1.2.3.4".parse().unwrap()));
        assert!(Cidr::parse("10.0.0.0/33").is_none());
        assert!(Cidr::parse("10.0.0/8").is_none());
    }

    #[test]
    fn base64() {
        assert_eq!(decode_base64("aGVsbG8="), Some(b"hello".to_vec()));
        assert_eq!(decode_base64("aGVsbG8"), Some(b"hello".to_vec()));
        assert_eq!(decode_base64("a$"), None);
    }
}
