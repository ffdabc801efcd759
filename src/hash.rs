//! A fast, non-cryptographic hasher for the engine's and the request context's lookup tables
//! (the Fx hash of rustc).
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
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(K);
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

/// The last 1 to 7 bytes of a text as one word, read in at most two loads (copying them into
/// a zeroed word one at a time was a call to `memcpy` per hash). Texts of equal length and
/// different bytes give different words, so nothing is lost against the copy.
#[inline(always)]
fn tail_word(rest: &[u8]) -> u64 {
    let n = rest.len();
    let word = if let (Some(lo), Some(hi)) = (rest.first_chunk::<4>(), rest.last_chunk::<4>()) {
        // 4 to 7 bytes: two overlapping reads cover them all.
        u64::from(u32::from_le_bytes(*lo)) | (u64::from(u32::from_le_bytes(*hi)) << 32)
    } else {
        // 1 to 3 bytes: the first, middle and last cover them all.
        let at = |i: usize| u64::from(rest.get(i).copied().unwrap_or(0));
        at(0) | (at(n / 2) << 8) | (at(n.saturating_sub(1)) << 16)
    };
    // The length tells apart texts the overlapping reads would give the same word.
    word ^ ((n as u64) << 59)
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

    /// Each length's tails map to distinct words: every text of 1 to 7 bytes over three
    /// letters, and each byte value in each place.
    #[test]
    fn tails_of_one_length_give_distinct_words() {
        for n in 1..=7u32 {
            let mut seen = std::collections::HashSet::new();
            for i in 0..3usize.pow(n) {
                let text: Vec<u8> = (0..n).map(|k| b"abc"[i / 3usize.pow(k) % 3]).collect();
                assert!(seen.insert(tail_word(&text)), "{text:?}");
            }
            for place in 0..n as usize {
                let mut words = std::collections::HashSet::new();
                for b in 0..=255u8 {
                    let mut text = vec![b'x'; n as usize];
                    text[place] = b;
                    assert!(words.insert(tail_word(&text)), "{n} {place} {b}");
                }
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
