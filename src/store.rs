//! The credential store: immutable snapshots of both layers, read without locks, swapped
//! atomically on rotation or reload.
//!
//! A snapshot holds both layers together, so a request never pairs a new API key with an
//! old service key. The old snapshot's secrets are zeroized when its last reader drops it.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arc_swap::cache::Cache;
use arc_swap::{ArcSwap, ArcSwapOption, Guard};

use crate::config::{ConfigSources, Configuration};
use crate::credentials::Credentials;
use crate::error::ConfigError;
use crate::events::{Level, event, names};
use crate::fork::WriterLock;
use crate::headers::{AuthHeaders, HeaderOptions};
use crate::secret::Fingerprint;
use crate::signing::{SigningKey, SigningState};

/// One immutable set of credentials with everything computed from them.
#[derive(Debug)]
pub struct Snapshot {
    generation: u64,
    credentials: Credentials,
    headers: AuthHeaders,
    signing_key: SigningKey,
    signing_state: SigningState,
}

/// Fingerprints of everything secret in a snapshot (safe to log).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fingerprints {
    /// Of the user name.
    pub user_name: Fingerprint,
    /// Of the service key (layer 1).
    pub service_key: Fingerprint,
    /// Of the API key (layer 2).
    pub api_key: Fingerprint,
    /// Of the HMAC signing key (the first 8 hex digits of the signature `keyid`).
    pub signing_key: Fingerprint,
}

impl fmt::Display for Fingerprints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "user_name {}, service_key {}, api_key {}, signing_key {}",
            self.user_name, self.service_key, self.api_key, self.signing_key
        )
    }
}

impl Snapshot {
    /// Computes header values and the signing key for `credentials`.
    pub fn new(credentials: Credentials, options: HeaderOptions, generation: u64) -> Self {
        let headers = AuthHeaders::new(&credentials, options);
        let signing_key = match credentials.signing_key() {
            Some(bytes) => SigningKey::configured(bytes.duplicate()),
            None => SigningKey::derive(
                credentials.user_name().expose_secret(),
                credentials.service_key().expose_secret(),
                credentials.api_key().expose_secret(),
            ),
        };
        let signing_state = SigningState::new(&signing_key);
        Snapshot {
            generation,
            credentials,
            headers,
            signing_key,
            signing_state,
        }
    }

    /// Increases by one with every swap in the store, starting at 1.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The precomputed header values.
    pub fn headers(&self) -> &AuthHeaders {
        &self.headers
    }

    /// The HMAC key reports are signed with.
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing_key
    }

    /// The signature `keyid`: the first 16 hex digits of SHA-256 of the signing key (it
    /// names the key, not the agent; see [`SigningKey::keyid`]).
    pub fn keyid(&self) -> &str {
        self.signing_key.keyid()
    }

    /// The signer's per-key state (parameters and prepared request targets).
    pub fn signing_state(&self) -> &SigningState {
        &self.signing_state
    }

    /// Fingerprints of every secret in the snapshot.
    pub fn fingerprints(&self) -> Fingerprints {
        let (user_name, service_key, api_key) = self.credentials.fingerprints();
        Fingerprints {
            user_name,
            service_key,
            api_key,
            signing_key: self.signing_key.fingerprint(),
        }
    }
}

/// One key that changed in a rotation or reload, by fingerprint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyChange {
    /// `user_name`, `service_key`, `api_key`, `signing_key` or `url`.
    pub key: &'static str,
    /// Fingerprint before.
    pub from: Fingerprint,
    /// Fingerprint after.
    pub to: Fingerprint,
}

/// What a rotation or reload changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RotationReport {
    /// The generation now current.
    pub generation: u64,
    /// The keys that changed (empty when nothing did).
    pub changes: Vec<KeyChange>,
}

impl RotationReport {
    /// Whether anything changed.
    pub fn changed(&self) -> bool {
        !self.changes.is_empty()
    }

    /// Whether `key` (e.g. `service_key`) changed.
    pub fn key_changed(&self, key: &str) -> bool {
        self.changes.iter().any(|c| c.key == key)
    }
}

impl fmt::Display for RotationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.changes.is_empty() {
            return write!(f, "no key changed (generation {})", self.generation);
        }
        write!(f, "generation {}:", self.generation)?;
        for (i, c) in self.changes.iter().enumerate() {
            let sep = if i == 0 { " " } else { ", " };
            write!(f, "{sep}{} {} -> {}", c.key, c.from, c.to)?;
        }
        Ok(())
    }
}

struct RetiredSnapshot {
    snapshot: Arc<Snapshot>,
    retired_at: Instant,
}

/// Holds the current snapshot (and the one before it, for a rotation grace period).
///
/// Readers never block: [`CredentialStore::load`] is a lock-free atomic load. Writers
/// (rotate, replace, reload) are serialized among themselves.
pub struct CredentialStore {
    current: ArcSwap<Snapshot>,
    previous: ArcSwapOption<RetiredSnapshot>,
    options: HeaderOptions,
    sources: Option<ConfigSources>,
    /// Serializes writers; a fork while a parent thread held it does not block the child's.
    writer: WriterLock,
}

impl fmt::Debug for CredentialStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialStore")
            .field("current", &self.current.load().fingerprints())
            .field("reloadable", &self.sources.is_some())
            .finish()
    }
}

impl CredentialStore {
    /// A store for credentials given directly; [`CredentialStore::reload`] changes nothing.
    pub fn new(credentials: Credentials, options: HeaderOptions) -> Self {
        CredentialStore {
            current: ArcSwap::from_pointee(Snapshot::new(credentials, options, 1)),
            previous: ArcSwapOption::empty(),
            options,
            sources: None,
            writer: WriterLock::new(),
        }
    }

    /// Loads configuration from `sources` and keeps them for [`CredentialStore::reload`].
    /// Returns the full configuration too (transport settings, provenance).
    pub fn load(
        sources: ConfigSources,
        options: HeaderOptions,
    ) -> Result<(Self, Configuration), ConfigError> {
        let configuration = sources.load()?;
        let mut store = CredentialStore::new(configuration.credentials.duplicate(), options);
        store.sources = Some(sources);
        Ok((store, configuration))
    }

    /// The current snapshot, lock-free and allocation-free. Hold the guard briefly.
    pub fn load_snapshot(&self) -> Guard<Arc<Snapshot>> {
        self.current.load()
    }

    /// A per-thread reader for hot paths: each read is one atomic load and a pointer
    /// comparison, and it follows rotations. Not `Sync`: give each thread its own.
    pub fn reader(&self) -> SnapshotReader<'_> {
        SnapshotReader {
            cache: Cache::new(&self.current),
        }
    }

    /// The current snapshot as an owned `Arc` (for holding across a request).
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// The snapshot replaced by the last change, if that change is younger than `grace`.
    pub fn previous(&self, grace: Duration) -> Option<Arc<Snapshot>> {
        let retired = self.previous.load();
        let retired = retired.as_ref()?;
        (retired.retired_at.elapsed() <= grace).then(|| retired.snapshot.clone())
    }

    /// Whether [`CredentialStore::reload`] has sources to read.
    pub fn is_reloadable(&self) -> bool {
        self.sources.is_some()
    }

    /// Replaces one or both layers (`None` keeps that layer); both change atomically.
    /// Logs `credentials.rotated` (INFO) with the changed fingerprints.
    pub fn rotate(
        &self,
        service_key: Option<&str>,
        api_key: Option<&str>,
    ) -> Result<RotationReport, ConfigError> {
        let report = {
            let _writer = self.writer.lock();
            let next = self
                .current
                .load()
                .credentials()
                .rotated(service_key, api_key)?;
            self.swap_locked(next)
        };
        event!(
            Level::Info,
            names::CREDENTIALS_ROTATED,
            "credentials rotated: {report}"
        );
        Ok(report)
    }

    /// Replaces all credentials at once. Logs `credentials.rotated` (INFO).
    pub fn replace(&self, credentials: Credentials) -> RotationReport {
        let report = {
            let _writer = self.writer.lock();
            self.swap_locked(credentials)
        };
        event!(
            Level::Info,
            names::CREDENTIALS_ROTATED,
            "credentials replaced: {report}"
        );
        report
    }

    /// Re-reads the configured sources; swaps only if a key changed, and says which.
    /// Logs `credentials.reloaded` (INFO when a key changed, DEBUG when none did) or
    /// `credentials.reload_failed` (WARN).
    pub fn reload(&self) -> Result<RotationReport, ConfigError> {
        let result = self.reload_locked();
        match &result {
            Ok(report) if report.changed() => event!(
                Level::Info,
                names::CREDENTIALS_RELOADED,
                "credentials reloaded: {report}"
            ),
            Ok(report) => event!(
                Level::Debug,
                names::CREDENTIALS_RELOADED,
                "credentials reloaded: {report}"
            ),
            Err(error) => event!(
                Level::Warn,
                names::CREDENTIALS_RELOAD_FAILED,
                "reloading the configuration failed; the credentials in use stay: {error}"
            ),
        }
        result
    }

    fn reload_locked(&self) -> Result<RotationReport, ConfigError> {
        let _writer = self.writer.lock();
        let Some(sources) = &self.sources else {
            return Ok(RotationReport {
                generation: self.current.load().generation(),
                changes: Vec::new(),
            });
        };
        let configuration = sources.load()?;
        let current = self.current.load();
        let candidate = Snapshot::new(configuration.credentials, self.options, 0);
        if changes(&current, &candidate).is_empty() {
            return Ok(RotationReport {
                generation: current.generation(),
                changes: Vec::new(),
            });
        }
        drop(current);
        Ok(self.swap_locked(candidate.credentials))
    }

    fn swap_locked(&self, credentials: Credentials) -> RotationReport {
        let old = self.current.load_full();
        let next = Arc::new(Snapshot::new(
            credentials,
            self.options,
            old.generation() + 1,
        ));
        let report = RotationReport {
            generation: next.generation(),
            changes: changes(&old, &next),
        };
        self.current.store(next);
        self.previous.store(Some(Arc::new(RetiredSnapshot {
            snapshot: old,
            retired_at: Instant::now(),
        })));
        report
    }
}

/// A cached view of a store's current snapshot (see [`CredentialStore::reader`]).
pub struct SnapshotReader<'a> {
    cache: Cache<&'a ArcSwap<Snapshot>, Arc<Snapshot>>,
}

impl SnapshotReader<'_> {
    /// The current snapshot: allocation-free, lock-free, and as fresh as a full load.
    pub fn load(&mut self) -> &Arc<Snapshot> {
        self.cache.load()
    }
}

impl fmt::Debug for SnapshotReader<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SnapshotReader")
    }
}

fn changes(old: &Snapshot, new: &Snapshot) -> Vec<KeyChange> {
    let (a, b) = (old.fingerprints(), new.fingerprints());
    let mut out = Vec::new();
    for (key, from, to) in [
        ("user_name", a.user_name, b.user_name),
        ("service_key", a.service_key, b.service_key),
        ("api_key", a.api_key, b.api_key),
        ("signing_key", a.signing_key, b.signing_key),
    ] {
        if from != to {
            out.push(KeyChange { key, from, to });
        }
    }
    let (old_url, new_url) = (
        old.credentials().url().as_str(),
        new.credentials().url().as_str(),
    );
    if old_url != new_url {
        out.push(KeyChange {
            key: "url",
            from: Fingerprint::of(old_url.as_bytes()),
            to: Fingerprint::of(new_url.as_bytes()),
        });
    }
    out
}

#[cfg(all(test, unix))]
mod fork_tests {
    use super::*;

    /// A pre-fork server's master rotating (or reloading) in one thread while another forks:
    /// the child's writers must not wait for the parent's thread, which does not exist there.
    #[test]
    fn a_rotation_in_progress_at_fork_does_not_block_the_childs() {
        let creds =
            Credentials::new("https://h.example/Contrast", "agent", "service", "api").unwrap();
        let store = CredentialStore::new(creds, HeaderOptions::default());
        let child = crate::fork::fork_while_held(&store.writer, || {
            store.rotate(Some("rotated-service"), None).is_ok()
                && store.snapshot().credentials().service_key().expose_secret() == "rotated-service"
        });
        assert_eq!(
            child,
            Ok(()),
            "the child's rotation did not complete (Err: its wait status; SIGALRM = {})",
            libc::SIGALRM
        );
        assert!(store.rotate(Some("parent-service"), None).is_ok());
    }
}
