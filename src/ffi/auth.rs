//! `contrast_auth`: the handle C callers hold, with its constructors, header reads,
//! rotation, reload and fingerprints.

use std::ffi::c_char;
use std::sync::Arc;
use std::sync::atomic::{AtomicPtr, Ordering};

use crate::config::ConfigSources;
use crate::credentials::Credentials;
use crate::error::ConfigError;
use crate::ffi::boundary::{
    Failure, StringOut, arg_opt_str, arg_ref, arg_str, guard, guard_value, last_error, out_ptr,
};
use crate::ffi::headers::contrast_headers;
use crate::ffi::result::contrast_result;
use crate::fork::WriterLock;
use crate::headers::{AuthHeaders, HeaderOptions};
use crate::secret::{Fingerprint, Secret};
use crate::signing::Signer;
use crate::store::{CredentialStore, RotationReport};
use crate::transport::{Client, SendError, TransportSettings};

/// Credentials for one Contrast server: both layers, rotated atomically, read lock-free.
///
/// Opaque: create it with `contrast_auth_new`, `contrast_auth_from_token`,
/// `contrast_auth_from_environment`, `contrast_auth_from_environment_with_trust` or
/// `contrast_auth_from_environment_with_options`; release it with `contrast_auth_free`. One
/// handle may be used from any number of threads at once, rotation and reload included; only
/// `contrast_auth_free` must not race with any other call on the same handle.
pub struct contrast_auth {
    pub(crate) store: Arc<CredentialStore>,
    pub(crate) signer: Signer,
    /// What the first `contrast_auth_send` builds the client from.
    transport: TransportSettings,
    /// Serializes building the client. Fork-safe: a build in progress in another thread of
    /// the parent when a pre-fork server forks does not block the child's first send.
    building: WriterLock,
    /// The report client (one connection pool per handle), built on first use: a `Box` set
    /// once, freed with the handle. An atomic pointer rather than a `OnceLock`, whose state a
    /// fork in the middle of its initialization would leave "running" in the child forever.
    client: AtomicPtr<Result<Client, SendError>>,
}

impl Drop for contrast_auth {
    fn drop(&mut self) {
        let built = *self.client.get_mut();
        if !built.is_null() {
            // SAFETY: set once from `Box::into_raw` in `client` and never freed elsewhere;
            // `&mut self` means no other reference to it is left.
            drop(unsafe { Box::from_raw(built) });
        }
    }
}

impl contrast_auth {
    pub(crate) fn new(store: CredentialStore, transport: TransportSettings) -> Self {
        contrast_auth {
            store: Arc::new(store),
            signer: Signer::default(),
            transport,
            building: WriterLock::new(),
            client: AtomicPtr::new(std::ptr::null_mut()),
        }
    }

    /// The client if built.
    fn built(&self) -> Option<&Result<Client, SendError>> {
        let built = self.client.load(Ordering::Acquire);
        // SAFETY: non-NULL only once set from `Box::into_raw` (released by that store), and
        // freed only when the handle is dropped, which outlives `&self`.
        (!built.is_null()).then(|| unsafe { &*built })
    }

    /// The report client, built from the handle's transport settings on first use (a
    /// failure, e.g. an unreadable CA file, is kept and reported by every send).
    pub(crate) fn client(&self) -> Result<&Client, &SendError> {
        if let Some(built) = self.built() {
            return built.as_ref();
        }
        let _building = self.building.lock();
        if let Some(built) = self.built() {
            return built.as_ref();
        }
        let client = Client::new(self.store.clone(), self.transport.duplicate());
        let built = Box::into_raw(Box::new(client));
        self.client.store(built, Ordering::Release);
        // SAFETY: made by `Box::into_raw` just above and freed only when the handle is
        // dropped, which outlives `&self`.
        unsafe { &*built }.as_ref()
    }

    /// The report client if a send already built it (counters read it without building).
    pub(crate) fn client_if_built(&self) -> Option<&Client> {
        self.built().and_then(|built| built.as_ref().ok())
    }

    /// Loads the configuration from `sources` into a new handle with its transport settings.
    pub(crate) fn load(sources: ConfigSources) -> Result<Self, ConfigError> {
        let (store, configuration) = CredentialStore::load(sources, HeaderOptions::default())?;
        let transport = TransportSettings::from_configuration(&configuration);
        drop(configuration);
        Ok(contrast_auth::new(store, transport))
    }

    /// Moves the handle to the heap and writes it to `out`.
    pub(crate) fn publish(self, out: std::ptr::NonNull<*mut contrast_auth>) {
        // SAFETY: `out` was checked non-NULL and is writable per every constructor's contract.
        unsafe { out.as_ptr().write(Box::into_raw(Box::new(self))) };
    }
}

/// Bit set in `*changed` by `contrast_auth_reload` when the user name changed.
pub const CONTRAST_KEY_USER_NAME: u32 = 1;
/// Bit set in `*changed` when the service key (layer 1) changed.
pub const CONTRAST_KEY_SERVICE_KEY: u32 = 2;
/// Bit set in `*changed` when the API key (layer 2) changed.
pub const CONTRAST_KEY_API_KEY: u32 = 4;
/// Bit set in `*changed` when the signing key changed.
pub const CONTRAST_KEY_SIGNING_KEY: u32 = 8;
/// Bit set in `*changed` when the server URL changed.
pub const CONTRAST_KEY_URL: u32 = 16;

/// Length of a fingerprint in hex digits (each field of `contrast_fingerprints` holds this
/// many characters and a NUL).
pub const CONTRAST_FINGERPRINT_LEN: usize = 8;

/// Fingerprints (first 8 hex digits of SHA-256) of every secret in the current credentials:
/// safe to log, they tell which key is in use without revealing it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct contrast_fingerprints {
    /// Of the user name, NUL-terminated.
    pub user_name: [c_char; 9],
    /// Of the service key (layer 1), NUL-terminated.
    pub service_key: [c_char; 9],
    /// Of the API key (layer 2), NUL-terminated.
    pub api_key: [c_char; 9],
    /// Of the HMAC signing key (the suffix of the signature `keyid`), NUL-terminated.
    pub signing_key: [c_char; 9],
    /// The generation these belong to: 1 at creation, +1 with every change.
    pub generation: u64,
}

fn fingerprint_field(fingerprint: Fingerprint) -> [c_char; 9] {
    let mut out = [0 as c_char; 9];
    for (slot, byte) in out.iter_mut().zip(fingerprint.to_hex().bytes()) {
        *slot = byte as c_char;
    }
    out
}

fn change_mask(report: &RotationReport) -> u32 {
    report
        .changes
        .iter()
        .map(|c| match c.key {
            "user_name" => CONTRAST_KEY_USER_NAME,
            "service_key" => CONTRAST_KEY_SERVICE_KEY,
            "api_key" => CONTRAST_KEY_API_KEY,
            "signing_key" => CONTRAST_KEY_SIGNING_KEY,
            _ => CONTRAST_KEY_URL,
        })
        .fold(0, |mask, bit| mask | bit)
}

/// Creates a handle from explicit values: `url` (`https://` only, including the
/// `/Contrast` base), the agent `user_name`, its `service_key` (layer 1) and the
/// organization `api_key` (layer 2). Values are trimmed of spaces and tabs; empty values,
/// CR/LF or other control characters, and a colon in the user name are INVALID_ARGUMENT;
/// an `http://` URL is TLS_REQUIRED.
///
/// On success `*out` is a new handle owned by the caller (release it with
/// `contrast_auth_free`); on failure `*out` is untouched. The strings are only read during
/// the call. Thread-safe.
///
/// # Safety
/// Each string is NULL or NUL-terminated; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn contrast_auth_new(
    url: *const c_char,
    user_name: *const c_char,
    service_key: *const c_char,
    api_key: *const c_char,
    out: *mut *mut contrast_auth,
) -> contrast_result {
    guard(|| {
        // SAFETY: each is NULL or NUL-terminated per the contract above.
        let (url, user_name, service_key, api_key) = unsafe {
            (
                arg_str(url, "url")?,
                arg_str(user_name, "user_name")?,
                arg_str(service_key, "service_key")?,
                arg_str(api_key, "api_key")?,
            )
        };
        let out = out_ptr(out, "out")?;
        let credentials = Credentials::new(url, user_name, service_key, api_key)?;
        let store = CredentialStore::new(credentials, HeaderOptions::default());
        contrast_auth::new(store, TransportSettings::default()).publish(out);
        Ok(())
    })
}

/// Creates a handle from an agent token (`api.token`: standard base64 of a JSON object with
/// exactly `url`, `api_key`, `service_key` and `user_name`). A malformed token is
/// INVALID_TOKEN; its values are checked as in `contrast_auth_new`.
///
/// On success `*out` is a new handle owned by the caller; on failure it is untouched.
/// Thread-safe.
///
/// # Safety
/// `token` is NULL or NUL-terminated; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn contrast_auth_from_token(
    token: *const c_char,
    out: *mut *mut contrast_auth,
) -> contrast_result {
    guard(|| {
        // SAFETY: NULL or NUL-terminated per the contract above.
        let token = unsafe { arg_str(token, "token") }?;
        let out = out_ptr(out, "out")?;
        let credentials = Credentials::from_token(token)?;
        let store = CredentialStore::new(credentials, HeaderOptions::default());
        contrast_auth::new(store, TransportSettings::default()).publish(out);
        Ok(())
    })
}

/// Creates a handle from the process configuration, as every Contrast agent reads it:
/// `CONTRAST__API__*` environment variables, then `contrast_security.yaml` (the path in
/// `CONTRAST_CONFIG_PATH`, the working directory, `/etc/contrast/`), with `api.token`
/// filling in what is not set. A missing key or unreadable file is CONFIG. The transport
/// settings (`api.certificate.*`, `api.proxy.*`, `api.timeout_ms`) are used by
/// `contrast_auth_send`; handles from explicit values or a token use the defaults (system
/// trust store, no proxy).
///
/// The environment is read once, here; `contrast_auth_reload` re-reads the YAML file.
/// On success `*out` is a new handle owned by the caller; on failure it is untouched.
/// Thread-safe (but do not modify the environment concurrently).
///
/// # Safety
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn contrast_auth_from_environment(
    out: *mut *mut contrast_auth,
) -> contrast_result {
    guard(|| {
        let out = out_ptr(out, "out")?;
        contrast_auth::load(ConfigSources::from_process())?.publish(out);
        Ok(())
    })
}

/// Copies the current `Authorization` header value (base64 of `user_name:service_key`, no
/// `Basic ` prefix) into `buf` with a NUL, and sets `*out_len` to its length without the
/// NUL. If `len` is not more than that length, returns BUFFER_TOO_SMALL and writes only
/// `*out_len` = the length needed (without the NUL): retry with `*out_len + 1` bytes.
/// To ask for the size first (like `snprintf`), pass `buf == NULL` and `len == 0`: the
/// result is BUFFER_TOO_SMALL with `*out_len` set. NULL `buf` with `len > 0` is
/// NULL_ARGUMENT.
///
/// The value is a secret: wipe `buf` when done. Thread-safe, also during rotation.
///
/// # Safety
/// `auth` is NULL or a live handle; `buf` is NULL or has `len` writable bytes; `out_len` is
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn contrast_auth_authorization(
    auth: *const contrast_auth,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> contrast_result {
    // SAFETY: the caller's contract above is the helper's contract.
    unsafe { copy_header(auth, buf, len, out_len, AuthHeaders::authorization) }
}

/// Copies the current `API-Key` header value into `buf`, exactly like
/// `contrast_auth_authorization` (same buffer rules, same BUFFER_TOO_SMALL behaviour, same
/// `buf == NULL, len == 0` size probe).
///
/// The value is a secret: wipe `buf` when done. Thread-safe, also during rotation.
///
/// # Safety
/// As for `contrast_auth_authorization`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn contrast_auth_api_key(
    auth: *const contrast_auth,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> contrast_result {
    // SAFETY: the caller's contract above is the helper's contract.
    unsafe { copy_header(auth, buf, len, out_len, AuthHeaders::api_key) }
}

/// Copies one header value of the current snapshot into `buf` (shared by
/// `contrast_auth_authorization` and `contrast_auth_api_key`).
///
/// # Safety
/// `auth` is NULL or a live handle; `buf` is NULL or has `len` writable bytes; `out_len` is
/// NULL or writable.
unsafe fn copy_header(
    auth: *const contrast_auth,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    pick: fn(&AuthHeaders) -> &Secret,
) -> contrast_result {
    guard(|| {
        // SAFETY: NULL or a live handle per this function's contract.
        let auth = unsafe { arg_ref(auth, "auth") }?;
        let out = StringOut::new(buf, len, out_len)?;
        let snapshot = auth.store.load_snapshot();
        // SAFETY: `buf`/`len`/`out_len` are caller-owned and writable per the contract.
        unsafe { out.write(pick(snapshot.headers()).expose_secret()) }
    })
}

/// Sets `*out` to a new list of every header a request carries, all taken from one
/// snapshot (so `Authorization` and `API-Key` always belong together, even during a
/// rotation): `Authorization`, `API-Key`, `Accept`, `User-Agent`, in that order.
///
/// The caller owns the list and releases it with `contrast_headers_free` (which zeroizes
/// the values). On failure `*out` is untouched. Thread-safe.
///
/// # Safety
/// `auth` is NULL or a live handle; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn contrast_auth_headers(
    auth: *const contrast_auth,
    out: *mut *mut contrast_headers,
) -> contrast_result {
    guard(|| {
        // SAFETY: NULL or a live handle per the contract above.
        let auth = unsafe { arg_ref(auth, "auth") }?;
        let out = out_ptr(out, "out")?;
        let snapshot = auth.store.load_snapshot();
        let headers = snapshot.headers();
        let mut list = contrast_headers::with_capacity(4);
        list.push(c"Authorization", headers.authorization().expose_secret());
        list.push(c"API-Key", headers.api_key().expose_secret());
        list.push(c"Accept", headers.accept());
        list.push(c"User-Agent", headers.user_agent());
        // SAFETY: `out` is non-NULL and writable per the contract above.
        unsafe { out.as_ptr().write(list.into_raw()) };
        Ok(())
    })
}

/// Replaces the service key (layer 1), the API key (layer 2), or both: NULL keeps that
/// layer, but at least one must be given (both NULL is INVALID_ARGUMENT). Both change in
/// one atomic step: a concurrent reader sees either the old pair or the new pair, never a
/// mix. Values are checked as in `contrast_auth_new`; on failure nothing changes.
///
/// Thread-safe: may run while other threads read or rotate the same handle (the handle is
/// not modified in the Rust sense; the `*mut` only documents that its state changes).
///
/// # Safety
/// `auth` is NULL or a live handle; each key is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn contrast_auth_rotate(
    auth: *mut contrast_auth,
    service_key: *const c_char,
    api_key: *const c_char,
) -> contrast_result {
    guard(|| {
        // SAFETY: NULL or a live handle; only shared access is taken (other threads may
        // read it concurrently).
        let auth = unsafe { arg_ref(auth.cast_const(), "auth") }?;
        // SAFETY: each is NULL or NUL-terminated per the contract above.
        let (service_key, api_key) = unsafe {
            (
                arg_opt_str(service_key, "service_key")?,
                arg_opt_str(api_key, "api_key")?,
            )
        };
        if service_key.is_none() && api_key.is_none() {
            return Err(Failure::new(
                contrast_result::InvalidArgument,
                "nothing to rotate: both service_key and api_key are NULL",
            ));
        }
        auth.store.rotate(service_key, api_key)?;
        Ok(())
    })
}

/// Re-reads the configuration a handle from `contrast_auth_from_environment` was loaded
/// from (the YAML file; the environment as read at creation) and switches to it if a key
/// changed. `*changed` receives the `CONTRAST_KEY_*` bits of what changed (0 when nothing
/// did, and always 0 for handles made from explicit values or a token). On failure the
/// credentials in use stay as they were and `*changed` is untouched. Thread-safe.
///
/// # Safety
/// `auth` is NULL or a live handle; `changed` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn contrast_auth_reload(
    auth: *const contrast_auth,
    changed: *mut u32,
) -> contrast_result {
    guard(|| {
        // SAFETY: NULL or a live handle per the contract above.
        let auth = unsafe { arg_ref(auth, "auth") }?;
        let changed = out_ptr(changed, "changed")?;
        let report = auth.store.reload()?;
        // SAFETY: non-NULL and writable per the contract above.
        unsafe { changed.as_ptr().write(change_mask(&report)) };
        Ok(())
    })
}

/// Writes the fingerprints of the current credentials (and their generation) to `*out`.
/// Fingerprints are not secret and may be logged. Thread-safe.
///
/// # Safety
/// `auth` is NULL or a live handle; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn contrast_auth_fingerprints(
    auth: *const contrast_auth,
    out: *mut contrast_fingerprints,
) -> contrast_result {
    guard(|| {
        // SAFETY: NULL or a live handle per the contract above.
        let auth = unsafe { arg_ref(auth, "auth") }?;
        let out = out_ptr(out, "out")?;
        let snapshot = auth.store.load_snapshot();
        let f = snapshot.fingerprints();
        let value = contrast_fingerprints {
            user_name: fingerprint_field(f.user_name),
            service_key: fingerprint_field(f.service_key),
            api_key: fingerprint_field(f.api_key),
            signing_key: fingerprint_field(f.signing_key),
            generation: snapshot.generation(),
        };
        // SAFETY: non-NULL and writable per the contract above.
        unsafe { out.as_ptr().write(value) };
        Ok(())
    })
}

/// Releases a handle and zeroizes its credentials (once no request still holds them).
/// NULL is fine. Call it exactly once, after every other call on the handle has returned.
///
/// # Safety
/// `auth` is NULL or a live handle not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn contrast_auth_free(auth: *mut contrast_auth) {
    guard_value((), || {
        if !auth.is_null() {
            // SAFETY: made by `Box::into_raw` in a constructor and released exactly once per
            // the contract above.
            drop(unsafe { Box::from_raw(auth) });
        }
    })
}

/// Copies a description of the last failure on the calling thread (which argument, which
/// key, why: never a secret) into `buf`, with the buffer rules of
/// `contrast_auth_authorization` (including the `buf == NULL, len == 0` size probe, which
/// keeps the detail); "" when no call on this thread has failed yet. Each
/// thread has its own. Thread-safe.
///
/// # Safety
/// `buf` is NULL or has `len` writable bytes; `out_len` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn contrast_last_error(
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> contrast_result {
    // Read before `guard` can record a failure of this very call.
    let detail = last_error();
    let result = guard(|| {
        let out = StringOut::new(buf, len, out_len)?;
        // SAFETY: caller-owned and writable per the contract above.
        unsafe { out.write(&detail) }
    });
    if result != contrast_result::Ok {
        // Keep the detail being asked for, not this call's own failure.
        crate::ffi::boundary::restore_last_error(&detail);
    }
    result
}

/// Used by tests: a `CStr` view of a fingerprint field.
#[cfg(test)]
pub(crate) fn field_str(field: &[c_char; 9]) -> &str {
    // SAFETY: fields are NUL-terminated ASCII written by `fingerprint_field`.
    unsafe { std::ffi::CStr::from_ptr(field.as_ptr()) }
        .to_str()
        .expect("hex digits")
}

#[cfg(all(test, unix))]
mod fork_tests {
    use super::*;

    /// A pre-fork server's master whose first send (building the handle's client) is under
    /// way in one thread while another forks: the child's first send builds its own client
    /// instead of waiting for a thread it does not have.
    #[test]
    fn a_client_build_in_progress_at_fork_does_not_block_the_childs() {
        let creds =
            Credentials::new("https://h.example/Contrast", "agent", "service", "api").unwrap();
        let store = CredentialStore::new(creds, HeaderOptions::default());
        let auth = contrast_auth::new(store, TransportSettings::default());
        let child = crate::fork::fork_while_held(&auth.building, || {
            auth.client().is_ok() && auth.client_if_built().is_some()
        });
        assert_eq!(
            child,
            Ok(()),
            "the child's first send did not get a client (Err: its wait status; SIGALRM = {})",
            libc::SIGALRM
        );
        // The parent builds its own once the other build is done, and keeps it.
        let first = auth.client().map(|c| c as *const Client).unwrap();
        assert_eq!(auth.client().map(|c| c as *const Client).unwrap(), first);
    }
}
