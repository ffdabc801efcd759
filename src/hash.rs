//! A fast, non-cryptographic hasher for the engine's and the request context's lookup tables:
//! the Fx hash of rustc, a word at a time, with each word mixed in by a folded multiply (as
//! rustc-hash 2 and wyhash do) instead of Fx's rotate and multiply.
//! Keys are ARNs, names and service prefixes from the inventory; SipHash's protection against
//! chosen collisions buys nothing for a local tool and cost a quarter of each evaluation.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Multiplier from rustc's FxHasher.
const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// The Fx hash state.
#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

impl FxHasher {
    /// A folded multiply: the 128-bit product's high half folded onto its low half, so every
    /// bit of the word reaches every bit of the hash. rustc's Fx step (rotate, xor, multiply)
    /// carries a difference only upwards: texts that differ in a word's high bytes, such as the
    /// case names `case 1234` and `case 1243`, collided by the thousand in 100,000, and the name
    /// set's check of a repeated hash (`scenario/load/names.rs`) went quadratic.
    #[inline]
    fn add(&mut self, word: u64) {
        let full = u128::from(self.hash ^ word) * u128::from(K);
        self.hash = (full as u64) ^ ((full >> 64) as u64);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            self.add(tail_word(rest));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// The last 1 to 7 bytes of a text as one word, zero-padded, read in at most two loads (copying
/// them into a zeroed word one at a time was a call to `memcpy` per hash).
#[inline(always)]
fn tail_word(rest: &[u8]) -> u64 {
    let n = rest.len();
    if let (Some(lo), Some(hi)) = (rest.first_chunk::<4>(), rest.last_chunk::<4>()) {
        // 4 to 7 bytes: the first four, and the last four less those the first hold.
        let above = u64::from(u32::from_le_bytes(*hi)) >> (8 * (8 - n));
        u64::from(u32::from_le_bytes(*lo)) | (above << 32)
    } else {
        let at = |i: usize| u64::from(rest.get(i).copied().unwrap_or(0));
        at(0) | (at(1) << 8) | (at(2) << 16)
    }
}

/// The Fx hash of `value`, for tables keyed by a hash computed once (a name set, a pair seen
/// by several files).
pub fn fx_hash<T: std::hash::Hash + ?Sized>(value: &T) -> u64 {
    let mut h = FxHasher::default();
    value.hash(&mut h);
    h.finish()
}

/// The Fx hash's builder, for sets and maps of other shapes.
pub type FastBuild = BuildHasherDefault<FxHasher>;

/// A `HashMap` with the Fx hash.
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// An `IndexMap` with the Fx hash.
pub type FastIndexMap<K, V> = indexmap::IndexMap<K, V, BuildHasherDefault<FxHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    /// A tail is its bytes zero-padded, little-endian: every length, each byte in each place.
    #[test]
    fn tails_are_their_bytes_zero_padded() {
        for n in 1..=7usize {
            for place in 0..n {
                for b in [0u8, 1, 0x7f, 0x80, 0xff] {
                    let mut text: Vec<u8> = (1..=n as u8).map(|k| k * 17).collect();
                    text[place] = b;
                    let mut padded = [0u8; 8];
                    padded[..n].copy_from_slice(&text);
                    assert_eq!(tail_word(&text), u64::from_le_bytes(padded), "{text:?}");
                }
            }
        }
    }

    /// Names numbered in their last bytes (`case 0` to `case 199999`, and the same with the
    /// number in the middle) all hash apart: the Fx step alone gave thousands of collisions.
    #[test]
    fn numbered_names_hash_apart() {
        for shape in [
            |i: u32| format!("case {i}"),
            |i: u32| format!("a{i:08}b"),
            |i: u32| format!("request {i}"),
        ] {
            let mut seen = std::collections::HashSet::new();
            for i in 0..200_000 {
                assert!(seen.insert(fx_hash(shape(i).as_str())), "{}", shape(i));
            }
        }
    }

    #[test]
    fn maps_work_with_string_keys() {
        let mut m: FastMap<String, u32> = FastMap::default();
        m.insert("arn:aws:iam::111122223333:role/a".into(), 1);
        m.insert("arn:aws:iam::111122223333:role/b".into(), 2);
        assert_eq!(m.get("arn:aws:iam::111122223333:role/a"), Some(&1));
        assert_eq!(m.get("arn:aws:iam::111122223333:role/b"), Some(&2));
        assert_eq!(m.get("arn:aws:iam::111122223333:role/c"), None);
    }
}
