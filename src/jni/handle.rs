//! The native object behind a Java `ContrastAuth`'s handle (a `jlong` made by
//! `Arc::into_raw`), and the serial numbers of the live ones (for the tests of `close()` and
//! the `Cleaner` backstop).

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use jni::sys::jlong;

use super::error::BridgeError;
use crate::signing::Signer;
use crate::store::CredentialStore;
use crate::transport::{Client, TransportSettings};

/// What a Java `ContrastAuth` owns: the credential store, its transport client and a signer.
pub(super) struct Bridge {
    pub(super) serial: i64,
    pub(super) store: Arc<CredentialStore>,
    pub(super) client: Client,
    pub(super) signer: Signer,
}

/// The serial numbers of the bridges alive now, so tests can see the Java owner's `close()`
/// and `Cleaner` release a particular instance.
static LIVE_BRIDGES: Mutex<BTreeSet<i64>> = Mutex::new(BTreeSet::new());
static NEXT_SERIAL: AtomicI64 = AtomicI64::new(1);

pub(super) fn live_bridges() -> std::sync::MutexGuard<'static, BTreeSet<i64>> {
    LIVE_BRIDGES.lock().unwrap_or_else(|p| p.into_inner())
}

impl Drop for Bridge {
    fn drop(&mut self) {
        live_bridges().remove(&self.serial);
    }
}

impl Bridge {
    pub(super) fn new(
        store: CredentialStore,
        settings: TransportSettings,
    ) -> Result<Bridge, BridgeError> {
        let store = Arc::new(store);
        let client = Client::new(Arc::clone(&store), settings)?;
        let serial = NEXT_SERIAL.fetch_add(1, Ordering::Relaxed);
        live_bridges().insert(serial);
        Ok(Bridge {
            serial,
            store,
            client,
            signer: Signer::default(),
        })
    }

    pub(super) fn into_handle(self) -> jlong {
        Arc::into_raw(Arc::new(self)) as jlong
    }
}

/// Borrows the bridge behind `handle`.
///
/// The Java owner holds its read lock for the whole call and destroys the handle only under
/// the write lock, so the `Arc` outlives the returned reference.
pub(super) fn bridge<'a>(handle: jlong) -> Result<&'a Bridge, BridgeError> {
    if handle == 0 {
        return Err(BridgeError::Closed);
    }
    // SAFETY: a non-zero handle was made by `Bridge::into_handle` (`Arc::into_raw`) and is
    // not destroyed while a call is using it (see above), so it points to a live `Bridge`.
    Ok(unsafe { &*(handle as *const Bridge) })
}
