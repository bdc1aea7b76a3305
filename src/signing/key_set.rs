//! The verifier's active keys, by keyid: a concurrent map whose updates never stall
//! verification.
//!
//! The map is split in [`SHARDS`] shards, each behind its own read-write lock. Adding,
//! replacing or removing one key takes one shard's write lock for one hash-map operation
//! (O(1)); a verification reads one shard. A bulk replacement builds every new shard outside
//! any lock, then swaps the shards in one by one (each swap is a pointer exchange) and frees
//! the old ones after the lock is released. So no verification ever waits for more than a
//! single map operation, whatever the number of keys.
//!
//! Each entry is a [`VerifierKey`]: the key and, like the signer's
//! [`SigningState`](crate::signing::SigningState), the HMAC states after the key and the first
//! five lines of the signature base of the last request targets verified with it (agents
//! report to a few endpoints, again and again).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use arc_swap::ArcSwapOption;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::signing::base::{self, UrlComponents};
use crate::signing::key::SigningKey;

/// How many request targets each key keeps prepared.
pub const PREPARED_TARGETS: usize = 2;

/// An active key and its prepared request targets.
pub struct VerifierKey {
    key: SigningKey,
    targets: [ArcSwapOption<PreparedTarget>; PREPARED_TARGETS],
    next_slot: AtomicUsize,
}

/// A request target as received, and the HMAC state after the key and its base lines.
struct PreparedTarget {
    method: String,
    authority: String,
    path: String,
    query: Option<String>,
    content_type: String,
    mac: Hmac<Sha256>,
}

/// The covered components that make up the first five lines of the base, as received.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// `@method`.
    pub method: &'a str,
    /// `Host` as received (normalized when the lines are built).
    pub authority: &'a str,
    /// `@path`.
    pub path: &'a str,
    /// `@query`.
    pub query: Option<&'a str>,
    /// `Content-Type` as received.
    pub content_type: &'a str,
}

/// Why the base lines of a target cannot be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetError {
    /// `Host` is malformed (see `normalize`'s error).
    Authority(crate::signing::VerifyError),
    /// A component holds a control character.
    Component,
}

impl VerifierKey {
    fn new(key: SigningKey) -> Self {
        VerifierKey {
            key,
            targets: Default::default(),
            next_slot: AtomicUsize::new(0),
        }
    }

    /// The key.
    pub fn key(&self) -> &SigningKey {
        &self.key
    }

    /// An HMAC state keyed with this key that has absorbed the base lines of `target` (a copy
    /// of a prepared one when the same target was verified with this key lately).
    /// `normalize` turns the received `Host` into `@authority`.
    pub fn target_mac(
        &self,
        target: &Target<'_>,
        normalize: impl FnOnce(&str) -> Result<Cow<'_, str>, crate::signing::VerifyError>,
    ) -> Result<Hmac<Sha256>, TargetError> {
        for slot in &self.targets {
            if let Some(prepared) = slot.load().as_ref()
                && prepared.path == target.path
                && prepared.authority == target.authority
                && prepared.query.as_deref() == target.query
                && prepared.content_type == target.content_type
                && prepared.method == target.method
            {
                return Ok(prepared.mac.clone());
            }
        }
        let authority = normalize(target.authority).map_err(TargetError::Authority)?;
        let url = UrlComponents {
            authority,
            path: Cow::Borrowed(target.path),
            query: target.query.map(Cow::Borrowed),
        };
        let lines = base::target_lines(target.method, &url, target.content_type)
            .map_err(|_| TargetError::Component)?;
        let mut mac = self.key.keyed_mac();
        mac.update(lines.as_bytes());
        let slot = self.next_slot.fetch_add(1, Ordering::Relaxed) % PREPARED_TARGETS;
        self.targets[slot].store(Some(Arc::new(PreparedTarget {
            method: target.method.to_string(),
            authority: target.authority.to_string(),
            path: target.path.to_string(),
            query: target.query.map(str::to_string),
            content_type: target.content_type.to_string(),
            mac: mac.clone(),
        })));
        Ok(mac)
    }
}

/// How many shards the key map has (a power of two).
pub const SHARDS: usize = 256;

type Shard = HashMap<String, Arc<VerifierKey>>;

/// Active keys by keyid (see the module documentation).
pub struct KeySet {
    shards: Box<[RwLock<Shard>]>,
}

impl Default for KeySet {
    fn default() -> Self {
        KeySet {
            shards: (0..SHARDS).map(|_| RwLock::new(Shard::new())).collect(),
        }
    }
}

impl std::fmt::Debug for KeySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeySet").field("len", &self.len()).finish()
    }
}

/// FNV-1a of the keyid, to pick its shard (keyids are hex digits of a hash already).
fn shard_of(keyid: &str) -> usize {
    let mut hash: u32 = 0x811c_9dc5;
    for b in keyid.bytes() {
        hash = (hash ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    hash as usize & (SHARDS - 1)
}

impl KeySet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    fn read(&self, keyid: &str) -> RwLockReadGuard<'_, Shard> {
        self.shards[shard_of(keyid)]
            .read()
            .unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self, keyid: &str) -> RwLockWriteGuard<'_, Shard> {
        self.shards[shard_of(keyid)]
            .write()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the key named `keyid`, if active (under its shard's read lock).
    pub fn with_key<T>(&self, keyid: &str, f: impl FnOnce(&SigningKey) -> T) -> Option<T> {
        self.read(keyid).get(keyid).map(|entry| f(&entry.key))
    }

    /// The entry of the key named `keyid`, if active.
    pub fn get(&self, keyid: &str) -> Option<Arc<VerifierKey>> {
        self.read(keyid).get(keyid).cloned()
    }

    /// Whether `keyid` is active.
    pub fn contains(&self, keyid: &str) -> bool {
        self.read(keyid).contains_key(keyid)
    }

    /// Adds or replaces one key under `keyid`; returns the key it replaced. O(1).
    pub fn insert(&self, keyid: String, key: SigningKey) -> Option<Arc<VerifierKey>> {
        let entry = Arc::new(VerifierKey::new(key));
        // The old entry is dropped (zeroized) by the caller, after the lock is released.
        self.write(&keyid).insert(keyid, entry)
    }

    /// Removes one key; returns it. O(1).
    pub fn remove(&self, keyid: &str) -> Option<Arc<VerifierKey>> {
        self.write(keyid).remove(keyid)
    }

    /// Replaces every key: the new shards are built before any lock is taken, then swapped
    /// in one at a time; the old ones are freed outside the locks.
    pub fn replace_all(&self, keys: impl IntoIterator<Item = (String, SigningKey)>) {
        let mut fresh: Vec<Shard> = (0..SHARDS).map(|_| Shard::new()).collect();
        for (keyid, key) in keys {
            fresh[shard_of(&keyid)].insert(keyid, Arc::new(VerifierKey::new(key)));
        }
        for (slot, new) in self.shards.iter().zip(fresh) {
            let old = std::mem::replace(&mut *slot.write().unwrap_or_else(|p| p.into_inner()), new);
            drop(old);
        }
    }

    /// How many keys are active.
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.read().unwrap_or_else(|p| p.into_inner()).len())
            .sum()
    }

    /// Whether no key is active.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every active keyid (for diagnostics).
    pub fn keyids(&self) -> Vec<String> {
        self.shards
            .iter()
            .flat_map(|s| {
                s.read()
                    .unwrap_or_else(|p| p.into_inner())
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(i: u8) -> (String, SigningKey) {
        let k = SigningKey::from_bytes(&[i; 32]);
        (k.keyid().to_string(), k)
    }

    #[test]
    fn insert_replace_remove_and_bulk_replace() {
        let set = KeySet::new();
        let (id1, k1) = key(1);
        let (id2, k2) = key(2);
        assert!(set.insert(id1.clone(), k1).is_none());
        assert!(set.insert(id2.clone(), k2).is_none());
        assert_eq!(set.len(), 2);
        assert!(set.insert(id1.clone(), key(1).1).is_some());
        assert_eq!(
            set.with_key(&id1, |k| k.keyid().to_string()),
            Some(id1.clone())
        );
        assert!(set.remove(&id2).is_some());
        assert!(!set.contains(&id2));
        set.replace_all((3..13).map(key));
        assert_eq!(set.len(), 10);
        assert!(!set.contains(&id1));
        assert!(set.contains(&key(7).0));
    }

    #[test]
    fn shards_spread_keyids() {
        let used: std::collections::HashSet<usize> =
            (0..=255u8).map(|i| shard_of(&key(i).0)).collect();
        assert!(used.len() > SHARDS / 2, "{} shards used", used.len());
    }
}
