//! The in-memory replay store: one process's nonces, bounded, refusing when full.

use std::collections::{BTreeMap, HashSet};
use std::hash::{BuildHasher, Hash, Hasher, RandomState};
use std::sync::Mutex;

use crate::signing::replay::{Nonce, Recorded, ReplayStore, ReplayStoreError};

/// Nonces recorded in this process (for a single server; a fleet shares a Redis store).
///
/// Bounded: it holds at most `capacity` nonces. Entries whose time has passed are dropped
/// first; when every entry is still inside its window, a new nonce is **refused** with
/// [`ReplayStoreError::Full`] (never by forgetting a live nonce, which would let its replay
/// through). Size it for the traffic of the longest window (validity + clock tolerance).
///
/// Nonces are forgotten by the second: each is kept until the end of the second in which its
/// time falls (up to 1 s longer than asked, never shorter).
#[derive(Debug)]
pub struct MemoryReplayStore {
    capacity: usize,
    inner: Mutex<Entries>,
}

#[derive(Debug)]
struct Entries {
    /// The nonces held.
    seen: HashSet<NonceKey, NonceHashing>,
    /// The same nonces by the second (Unix) from which they are forgotten, soonest first.
    by_second: BTreeMap<u64, Vec<Nonce>>,
}

/// A nonce as a key of the set: hashed as one 128-bit integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct NonceKey(Nonce);

impl Hash for NonceKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u128(u128::from_le_bytes(self.0));
    }
}

/// The set's hash: a folded 64 × 64 → 128-bit multiply of the nonce's two halves, each mixed
/// with a random key drawn per store (as `foldhash` and `ahash` do), in place of the standard
/// SipHash-1-3, which cost two fifths of the store's work. Keyed, so a client cannot aim
/// nonces at one bucket without knowing the key; and a nonce only reaches the set after its
/// signature verified, so only a holder of an active key could try.
#[derive(Debug, Clone, Copy)]
struct NonceHashing {
    keys: [u64; 2],
}

impl NonceHashing {
    fn random() -> Self {
        let random = RandomState::new();
        NonceHashing {
            keys: [random.hash_one(0u8), random.hash_one(1u8)],
        }
    }
}

impl BuildHasher for NonceHashing {
    type Hasher = NonceHasher;
    fn build_hasher(&self) -> NonceHasher {
        NonceHasher {
            keys: self.keys,
            hash: 0,
        }
    }
}

/// The hasher of [`NonceHashing`].
struct NonceHasher {
    keys: [u64; 2],
    hash: u64,
}

impl NonceHasher {
    fn mix(&mut self, value: u128) {
        let low = (value as u64) ^ self.keys[0] ^ self.hash;
        let high = ((value >> 64) as u64) ^ self.keys[1];
        // A second folded multiply, by a fixed odd constant (the fractional digits of pi):
        // with one half of the nonce fixed, the first product is the varying half times a
        // constant, whose low bits vary little when that constant has trailing zeros.
        self.hash = folded_multiply(folded_multiply(low, high), 0x243f_6a88_85a3_08d3);
    }
}

impl Hasher for NonceHasher {
    fn finish(&self) -> u64 {
        self.hash
    }
    fn write_u128(&mut self, value: u128) {
        self.mix(value);
    }
    /// Any other input (not used by [`NonceKey`]), 16 bytes at a time.
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(16) {
            let mut block = [0u8; 16];
            block[..chunk.len()].copy_from_slice(chunk);
            self.mix(u128::from_le_bytes(block) ^ ((chunk.len() as u128) << 120));
        }
    }
}

/// The 128-bit product of `a` and `b`, its two halves XORed.
fn folded_multiply(a: u64, b: u64) -> u64 {
    let product = u128::from(a) * u128::from(b);
    (product as u64) ^ ((product >> 64) as u64)
}

/// Room reserved up front (more is allocated as nonces arrive, up to the capacity).
const INITIAL_ROOM: usize = 1 << 16;

impl MemoryReplayStore {
    /// A store holding at most `capacity` nonces (at least 1).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        let room = capacity.min(INITIAL_ROOM);
        MemoryReplayStore {
            capacity,
            inner: Mutex::new(Entries {
                seen: HashSet::with_capacity_and_hasher(room, NonceHashing::random()),
                by_second: BTreeMap::new(),
            }),
        }
    }

    /// The most nonces it holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many nonces are held (expired ones included until the next [`ReplayStore::record`]).
    pub fn len(&self) -> usize {
        self.lock().seen.len()
    }

    /// Whether no nonce is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes its tables have allocated (both indexes, slack included).
    pub fn allocated_bytes(&self) -> usize {
        let entries = self.lock();
        // hashbrown: one bucket and one control byte per slot, slots a power of two with at
        // most 7/8 of them usable; `capacity()` is the usable part. The per-second lists: their
        // vectors (the B-tree nodes, one entry a second, are left out).
        let slots = (entries.seen.capacity() * 8 / 7).next_power_of_two();
        slots * (std::mem::size_of::<NonceKey>() + 1)
            + entries
                .by_second
                .values()
                .map(|v| v.capacity() * std::mem::size_of::<Nonce>())
                .sum::<usize>()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl ReplayStore for MemoryReplayStore {
    fn record(
        &self,
        nonce: &Nonce,
        until_ms: u64,
        now_ms: u64,
    ) -> Result<Recorded, ReplayStoreError> {
        let mut entries = self.lock();
        let Entries { seen, by_second } = &mut *entries;
        // Forget the seconds that have passed (a nonce of second s is kept until s * 1000 ms).
        while let Some(entry) = by_second.first_entry() {
            if entry.key().saturating_mul(1000) > now_ms {
                break;
            }
            for old in entry.remove() {
                seen.remove(&NonceKey(old));
            }
        }
        if seen.len() >= self.capacity {
            return if seen.contains(&NonceKey(*nonce)) {
                Ok(Recorded::Replayed)
            } else {
                Err(ReplayStoreError::Full)
            };
        }
        // One lookup: inserted, or already there.
        if !seen.insert(NonceKey(*nonce)) {
            return Ok(Recorded::Replayed);
        }
        // Kept at least 1 ms, until the end of the second its time falls in.
        let keep_until = until_ms.max(now_ms.saturating_add(1));
        let second = keep_until.div_ceil(1000);
        // Usually the newest second already has a list (nonces arrive in time order).
        match by_second.last_entry() {
            Some(mut newest) if *newest.key() == second => newest.get_mut().push(*nonce),
            _ => by_second.entry(second).or_default().push(*nonce),
        }
        Ok(Recorded::Fresh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(i: u8) -> Nonce {
        [i; 16]
    }

    #[test]
    fn fresh_then_replayed_then_forgotten_after_its_time() {
        let s = MemoryReplayStore::new(8);
        assert_eq!(s.record(&n(1), 1_000, 0), Ok(Recorded::Fresh));
        assert_eq!(s.record(&n(1), 1_000, 999), Ok(Recorded::Replayed));
        // `until` is exclusive: at 1,000 ms the nonce is forgotten.
        assert_eq!(s.record(&n(1), 2_000, 1_000), Ok(Recorded::Fresh));
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn a_full_store_refuses_instead_of_forgetting_a_live_nonce() {
        let s = MemoryReplayStore::new(3);
        for i in 1..=3 {
            assert_eq!(s.record(&n(i), 10_000, 0), Ok(Recorded::Fresh));
        }
        assert_eq!(s.record(&n(4), 10_000, 5), Err(ReplayStoreError::Full));
        // The oldest live nonce is still known: its replay is refused.
        assert_eq!(s.record(&n(1), 10_000, 5), Ok(Recorded::Replayed));
        assert_eq!(s.len(), 3);
    }

    #[test]
    fn expired_entries_are_dropped_before_refusing() {
        let s = MemoryReplayStore::new(2);
        assert_eq!(s.record(&n(2), 9_000, 0), Ok(Recorded::Fresh));
        assert_eq!(s.record(&n(1), 2_000, 0), Ok(Recorded::Fresh));
        assert_eq!(s.record(&n(3), 9_000, 1_999), Err(ReplayStoreError::Full));
        // Entries kept for different lengths: the soonest is dropped when its time passes,
        // whatever order they came in.
        assert_eq!(s.record(&n(3), 9_000, 2_000), Ok(Recorded::Fresh));
        assert_eq!(s.record(&n(2), 9_000, 2_000), Ok(Recorded::Replayed));
    }

    #[test]
    fn nonces_are_kept_to_the_end_of_their_second_never_less() {
        let s = MemoryReplayStore::new(4);
        // A time already past: kept at least 1 ms, here to the end of that second.
        assert_eq!(s.record(&n(1), 10, 50), Ok(Recorded::Fresh));
        assert_eq!(s.record(&n(1), 10, 51), Ok(Recorded::Replayed));
        assert_eq!(s.record(&n(1), 10, 999), Ok(Recorded::Replayed));
        assert_eq!(s.record(&n(1), 10, 1_000), Ok(Recorded::Fresh));
        // 1,500 ms: kept through 1,999 ms.
        assert_eq!(s.record(&n(2), 1_500, 1_000), Ok(Recorded::Fresh));
        assert_eq!(s.record(&n(2), 1_500, 1_999), Ok(Recorded::Replayed));
        assert_eq!(s.record(&n(2), 3_000, 2_000), Ok(Recorded::Fresh));
    }

    /// Nonces alike in one half (as a client choosing them could make them) still spread
    /// over the buckets; the hash depends on the store's key.
    #[test]
    fn the_nonce_hash_spreads_nonces_alike_in_one_half() {
        // Many keys: with a single multiply, about one key in a few hundred spread such
        // nonces over too few buckets (this test failed now and then).
        for _ in 0..256 {
            let hashing = NonceHashing::random();
            for fixed_half in [0..8, 8..16] {
                let buckets: HashSet<u64> = (0..4096u32)
                    .map(|i| {
                        let mut nonce = [7u8; 16];
                        let varied = if fixed_half.start == 0 { 8..12 } else { 0..4 };
                        nonce[varied].copy_from_slice(&i.to_le_bytes());
                        hashing.hash_one(NonceKey(nonce)) & 4095
                    })
                    .collect();
                // 4,096 random values into 4,096 buckets fill about 63% of them (2,589, with
                // a standard deviation of about 20).
                assert!(
                    buckets.len() > 2_450,
                    "{} buckets with keys {:?}",
                    buckets.len(),
                    hashing.keys
                );
            }
        }
        let hashing = NonceHashing::random();
        let other = NonceHashing::random();
        assert_eq!(
            hashing.hash_one(NonceKey(n(1))),
            hashing.hash_one(NonceKey(n(1)))
        );
        assert_ne!(
            hashing.hash_one(NonceKey(n(1))),
            other.hash_one(NonceKey(n(1)))
        );
    }

    #[test]
    fn concurrent_records_of_one_nonce_give_one_fresh() {
        let s = std::sync::Arc::new(MemoryReplayStore::new(64));
        let fresh: usize = (0..8)
            .map(|_| {
                let s = s.clone();
                std::thread::spawn(move || s.record(&n(9), 10_000, 0) == Ok(Recorded::Fresh))
            })
            .map(|t| usize::from(t.join().unwrap()))
            .sum();
        assert_eq!(fresh, 1);
    }
}
