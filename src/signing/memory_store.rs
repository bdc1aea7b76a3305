//! The in-memory replay store: one process's nonces, bounded, refusing when full.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Mutex;

use crate::signing::replay::{Nonce, Recorded, ReplayStore, ReplayStoreError};

/// Nonces recorded in this process (for a single server; a fleet shares a Redis store).
///
/// Bounded: it holds at most `capacity` nonces. Entries whose time has passed are dropped
/// first; when every entry is still inside its window, a new nonce is **refused** with
/// [`ReplayStoreError::Full`] (never by forgetting a live nonce, which would let its replay
/// through). Size it for the traffic of the longest window (validity + clock tolerance).
#[derive(Debug)]
pub struct MemoryReplayStore {
    capacity: usize,
    inner: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    /// Nonce → until (Unix ms, exclusive).
    until: HashMap<Nonce, u64>,
    /// The same entries by time, soonest first (exactly one per entry of `until`).
    by_time: BinaryHeap<Reverse<(u64, Nonce)>>,
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
                until: HashMap::with_capacity(room),
                by_time: BinaryHeap::with_capacity(room),
            }),
        }
    }

    /// The most nonces it holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many nonces are held (expired ones included until the next [`ReplayStore::record`]).
    pub fn len(&self) -> usize {
        self.lock().until.len()
    }

    /// Whether no nonce is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes its tables have allocated (both indexes, slack included).
    pub fn allocated_bytes(&self) -> usize {
        let entries = self.lock();
        // hashbrown: one bucket (key + value) and one control byte per slot, slots a power of
        // two with at most 7/8 of them usable; `capacity()` is the usable part.
        let slots = (entries.until.capacity() * 8 / 7).next_power_of_two();
        slots * (std::mem::size_of::<(Nonce, u64)>() + 1)
            + entries.by_time.capacity() * std::mem::size_of::<Reverse<(u64, Nonce)>>()
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
        let Entries { until, by_time } = &mut *entries;
        while let Some(Reverse((time, _))) = by_time.peek() {
            if *time > now_ms {
                break;
            }
            if let Some(Reverse((_, old))) = by_time.pop() {
                until.remove(&old);
            }
        }
        if until.contains_key(nonce) {
            return Ok(Recorded::Replayed);
        }
        if until.len() >= self.capacity {
            return Err(ReplayStoreError::Full);
        }
        let keep_until = until_ms.max(now_ms.saturating_add(1));
        until.insert(*nonce, keep_until);
        by_time.push(Reverse((keep_until, *nonce)));
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
        assert_eq!(s.record(&n(1), 100, 0), Ok(Recorded::Fresh));
        assert_eq!(s.record(&n(2), 5_000, 0), Ok(Recorded::Fresh));
        assert_eq!(s.record(&n(3), 5_000, 50), Err(ReplayStoreError::Full));
        // Entries kept for different lengths: the soonest is dropped when its time passes,
        // whatever order they came in.
        assert_eq!(s.record(&n(3), 5_000, 100), Ok(Recorded::Fresh));
        assert_eq!(s.record(&n(2), 5_000, 100), Ok(Recorded::Replayed));
    }

    #[test]
    fn a_time_already_past_still_keeps_the_nonce_one_millisecond() {
        let s = MemoryReplayStore::new(2);
        assert_eq!(s.record(&n(1), 10, 50), Ok(Recorded::Fresh));
        assert_eq!(s.record(&n(1), 10, 50), Ok(Recorded::Replayed));
        assert_eq!(s.record(&n(1), 10, 51), Ok(Recorded::Fresh));
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
