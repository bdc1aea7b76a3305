//! Signature nonces for the JNI hot path: 16 bytes from the system CSPRNG, read in batches so
//! a signature costs no `getrandom` system call (one call per 256 nonces, per thread).

use std::cell::RefCell;

use ring::rand::{SecureRandom, SystemRandom};

const NONCE_LEN: usize = 16;
const BATCH: usize = 256 * NONCE_LEN;

struct NoncePool {
    bytes: [u8; BATCH],
    next: usize,
}

thread_local! {
    static POOL: RefCell<NoncePool> = const {
        RefCell::new(NoncePool { bytes: [0; BATCH], next: BATCH })
    };
}

/// A fresh random nonce; every byte comes from the system CSPRNG and is used once.
pub(crate) fn next() -> Result<[u8; NONCE_LEN], ring::error::Unspecified> {
    POOL.with(|pool| {
        let mut pool = pool.borrow_mut();
        if pool.next == BATCH {
            SystemRandom::new().fill(&mut pool.bytes)?;
            pool.next = 0;
        }
        let start = pool.next;
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&pool.bytes[start..start + NONCE_LEN]);
        // Used bytes are cleared so a nonce never stays in memory for a later reader.
        pool.bytes[start..start + NONCE_LEN].fill(0);
        pool.next = start + NONCE_LEN;
        Ok(nonce)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn nonces_differ_across_a_refill() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..600 {
            assert!(seen.insert(super::next().expect("system random")));
        }
    }
}
