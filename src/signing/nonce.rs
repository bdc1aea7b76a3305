//! Signature nonces: 16 random bytes each, drawn from the system RNG in batches.
//!
//! One `getrandom` call fills a per-thread pool of 64 nonces; each nonce is wiped from the
//! pool as it is handed out. A forked child never hands out its parent's pooled nonces: a
//! pool filled in another process image ([`crate::fork::epoch`]) is refilled first.

use std::cell::RefCell;

use ring::rand::{SecureRandom, SystemRandom};

/// Nonce length in bytes.
pub const NONCE_LEN: usize = 16;

/// Nonces drawn per `getrandom` call and handed out one by one (per thread).
const NONCES_PER_FILL: usize = 64;

struct NoncePool {
    bytes: [u8; NONCE_LEN * NONCES_PER_FILL],
    next: usize,
    /// The process image that filled the pool ([`crate::fork::epoch`]).
    epoch: u64,
}

thread_local! {
    static NONCE_POOL: RefCell<NoncePool> = const {
        RefCell::new(NoncePool {
            bytes: [0; NONCE_LEN * NONCES_PER_FILL],
            next: NONCES_PER_FILL,
            epoch: u64::MAX,
        })
    };
}

/// A fresh nonce from the system RNG, drawn in batches (one system call per 64 nonces).
pub fn fresh_nonce(random: &SystemRandom) -> Result<[u8; NONCE_LEN], ring::error::Unspecified> {
    NONCE_POOL.with(|pool| {
        let mut pool = pool.borrow_mut();
        let epoch = crate::fork::epoch();
        if pool.next >= NONCES_PER_FILL || pool.epoch != epoch {
            random.fill(&mut pool.bytes)?;
            pool.next = 0;
            pool.epoch = epoch;
        }
        let start = pool.next * NONCE_LEN;
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&pool.bytes[start..start + NONCE_LEN]);
        pool.bytes[start..start + NONCE_LEN].fill(0);
        pool.next += 1;
        Ok(nonce)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_differ_across_and_within_fills() {
        let random = SystemRandom::new();
        let nonces: Vec<_> = (0..3 * NONCES_PER_FILL)
            .map(|_| fresh_nonce(&random).unwrap())
            .collect();
        let mut unique = nonces.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), nonces.len());
        assert!(nonces.iter().all(|n| n != &[0u8; NONCE_LEN]));
    }

    #[test]
    fn handed_out_nonces_are_wiped_from_the_pool() {
        let random = SystemRandom::new();
        let nonce = fresh_nonce(&random).unwrap();
        NONCE_POOL.with(|pool| {
            let pool = pool.borrow();
            let start = (pool.next - 1) * NONCE_LEN;
            assert_eq!(pool.bytes[start..start + NONCE_LEN], [0u8; NONCE_LEN]);
            assert!(!pool.bytes.windows(NONCE_LEN).any(|w| w == nonce));
        });
    }
}
