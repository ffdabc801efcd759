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
            let mut w = [0u8; 8];
            for (d, s) in w.iter_mut().zip(rest) {
                *d = *s;
            }
            self.add(u64::from_le_bytes(w));
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
