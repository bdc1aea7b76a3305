//! A bounded cache of recently seen nonces, for replay detection.

use std::collections::{HashSet, VecDeque};

/// Nonces seen within the acceptance window. Bounded: when full, the oldest entry is
/// evicted, so size it for the traffic of twice the window (see `VerifierOptions`).
#[derive(Debug)]
pub struct ReplayCache {
    capacity: usize,
    seen: HashSet<u128>,
    order: VecDeque<(u64, u128)>,
}

impl ReplayCache {
    /// A cache holding at most `capacity` nonces.
    pub fn new(capacity: usize) -> Self {
        ReplayCache {
            capacity,
            seen: HashSet::with_capacity(capacity.min(1 << 16)),
            order: VecDeque::with_capacity(capacity.min(1 << 16)),
        }
    }

    /// Records `nonce` (its 16 bytes), valid until `forget_after` (Unix seconds); returns false if it
    /// was already present. Entries whose time has passed at `now` are dropped first.
    pub fn insert(&mut self, nonce: u128, forget_after: u64, now: u64) -> bool {
        while let Some((until, _)) = self.order.front() {
            if *until >= now {
                break;
            }
            if let Some((_, old)) = self.order.pop_front() {
                self.seen.remove(&old);
            }
        }
        if self.seen.contains(&nonce) {
            return false;
        }
        while self.order.len() >= self.capacity.max(1) {
            if let Some((_, old)) = self.order.pop_front() {
                self.seen.remove(&old);
            }
        }
        self.seen.insert(nonce);
        self.order.push_back((forget_after, nonce));
        true
    }

    /// How many nonces are held.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether no nonce is held.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_repeats_forgets_old_and_stays_bounded() {
        let mut c = ReplayCache::new(3);
        assert!(c.insert(1, 100, 0));
        assert!(!c.insert(1, 100, 50));
        assert!(c.insert(2, 100, 50));
        assert!(c.insert(3, 100, 50));
        assert!(c.insert(4, 100, 50)); // evicts 1
        assert_eq!(c.len(), 3);
        assert!(c.insert(1, 100, 50));
        assert!(c.insert(5, 300, 200)); // everything until 100 is forgotten
        assert_eq!(c.len(), 1);
    }
}
