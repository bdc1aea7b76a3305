//! Replay stores: where a verifier records the nonces it accepted, so that a second request
//! carrying the same nonce is refused. One atomic operation, "record this nonce until this
//! time unless it is already recorded", keyed by the nonce alone (never scoped by keyid: a
//! replay must be refused whichever key or label carries it).
//!
//! A store that cannot answer makes verification fail closed with
//! [`VerifyError::ReplayStore`](crate::signing::VerifyError::ReplayStore), never an acceptance.
//! The in-memory store is [`MemoryReplayStore`](crate::signing::MemoryReplayStore); a fleet of
//! nodes shares a Redis or Redis Cluster store (`RedisReplayStore`, cargo feature `redis`).

use std::fmt;

/// A nonce as carried by a signature: its 16 bytes.
pub type Nonce = [u8; 16];

/// What a store answered for one nonce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// The nonce was not known: it is now recorded until the given time.
    Fresh,
    /// The nonce is already recorded: the request is a replay.
    Replayed,
}

/// Why a replay store could not answer. Verification fails closed on every one of them: the
/// request is not accepted, and the caller should ask the client to retry later (the test
/// server answers 503 with `Retry-After`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplayStoreError {
    /// The in-memory store holds its capacity of nonces that are still inside their window.
    Full,
    /// The store cannot be reached (connection refused, reset, or no connection available).
    Unreachable,
    /// The store did not answer within the configured timeout.
    Timeout,
    /// Redis is out of memory (`OOM` under `maxmemory-policy noeviction`).
    OutOfMemory,
    /// Redis Cluster cannot serve the slot (`CLUSTERDOWN`, `MASTERDOWN`, `TRYAGAIN`, e.g.
    /// during a failover).
    ClusterDown,
    /// Redis Cluster kept redirecting (`MOVED` / `ASK`) past the retry limit.
    Moved,
    /// Fewer replicas than requested acknowledged the write (`WAIT`) within its timeout.
    NotReplicated,
    /// Any other error answer (e.g. `READONLY`, `NOPERM`, an unexpected reply).
    Refused,
}

impl ReplayStoreError {
    /// A stable machine-readable name (`full`, `unreachable`, `timeout`, `out_of_memory`,
    /// `cluster_down`, `moved`, `not_replicated`, `refused`).
    pub fn name(&self) -> &'static str {
        match self {
            ReplayStoreError::Full => "full",
            ReplayStoreError::Unreachable => "unreachable",
            ReplayStoreError::Timeout => "timeout",
            ReplayStoreError::OutOfMemory => "out_of_memory",
            ReplayStoreError::ClusterDown => "cluster_down",
            ReplayStoreError::Moved => "moved",
            ReplayStoreError::NotReplicated => "not_replicated",
            ReplayStoreError::Refused => "refused",
        }
    }
}

impl fmt::Display for ReplayStoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ReplayStoreError::Full => {
                "the replay store is full of nonces still inside their window"
            }
            ReplayStoreError::Unreachable => "the replay store cannot be reached",
            ReplayStoreError::Timeout => "the replay store did not answer in time",
            ReplayStoreError::OutOfMemory => "the replay store is out of memory (noeviction)",
            ReplayStoreError::ClusterDown => {
                "the replay store's cluster cannot serve the nonce's slot"
            }
            ReplayStoreError::Moved => "the replay store's cluster kept redirecting the request",
            ReplayStoreError::NotReplicated => {
                "too few replicas of the replay store acknowledged the nonce"
            }
            ReplayStoreError::Refused => "the replay store refused the command",
        })
    }
}

impl std::error::Error for ReplayStoreError {}

/// Where accepted nonces are recorded. Implementations are shared by every request thread.
pub trait ReplayStore: Send + Sync + fmt::Debug {
    /// Records `nonce` until `until_ms` (Unix milliseconds, exclusive) unless it is already
    /// recorded. `now_ms` is the verifier's clock (Unix milliseconds); the time to keep it is
    /// `until_ms - now_ms`, at least 1 ms. Atomic: of two concurrent calls with one nonce, at
    /// most one answers [`Recorded::Fresh`].
    fn record(
        &self,
        nonce: &Nonce,
        until_ms: u64,
        now_ms: u64,
    ) -> Result<Recorded, ReplayStoreError>;
}

impl<S: ReplayStore + ?Sized> ReplayStore for std::sync::Arc<S> {
    fn record(
        &self,
        nonce: &Nonce,
        until_ms: u64,
        now_ms: u64,
    ) -> Result<Recorded, ReplayStoreError> {
        (**self).record(nonce, until_ms, now_ms)
    }
}

/// How long a nonce is kept: `until_ms - now_ms`, never less than 1 ms (never zero or negative).
pub fn time_to_keep_ms(until_ms: u64, now_ms: u64) -> u64 {
    until_ms.saturating_sub(now_ms).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_to_keep_is_at_least_one_millisecond() {
        assert_eq!(time_to_keep_ms(10_000, 4_000), 6_000);
        assert_eq!(time_to_keep_ms(4_001, 4_000), 1);
        assert_eq!(time_to_keep_ms(4_000, 4_000), 1);
        assert_eq!(time_to_keep_ms(0, u64::MAX), 1);
    }

    #[test]
    fn errors_have_distinct_names() {
        let all = [
            ReplayStoreError::Full,
            ReplayStoreError::Unreachable,
            ReplayStoreError::Timeout,
            ReplayStoreError::OutOfMemory,
            ReplayStoreError::ClusterDown,
            ReplayStoreError::Moved,
            ReplayStoreError::NotReplicated,
            ReplayStoreError::Refused,
        ];
        let names: std::collections::HashSet<_> = all.iter().map(|e| e.name()).collect();
        assert_eq!(names.len(), all.len());
    }
}
