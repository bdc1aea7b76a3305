//! Running totals of a handle's report client, read without locks.

use crate::ffi::auth::contrast_auth;
use crate::ffi::boundary::{arg_ref, guard, out_ptr};
use crate::ffi::result::contrast_result;

/// Running totals of a handle's reports (`contrast_auth_counters`). Each field only grows.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct contrast_counters {
    /// Reports the server acknowledged (2xx).
    pub acknowledged: u64,
    /// Reports that ended in an error.
    pub failed: u64,
    /// Requests made, retries included.
    pub requests: u64,
    /// Requests that were retries.
    pub retries: u64,
    /// Credential reloads after the server refused a key.
    pub reloads: u64,
    /// New connections, each with a TLS handshake (reused keep-alive connections excluded).
    pub handshakes: u64,
    /// Responses refusing the credentials (401, 403, 412), whether or not a reload helped.
    pub rejections: u64,
    /// Failures on a reused keep-alive connection (closed by the server while idle) that were
    /// sent again at once on a fresh connection, not counted as attempts.
    pub reconnects: u64,
}

/// Writes the handle's running totals to `*out` (all 0 before the first
/// `contrast_auth_send`). Reads atomic counters, takes no lock, so it is cheap to call from
/// a metrics thread while other threads send; each field is exact, the fields are not one
/// snapshot. On failure `*out` is untouched. Thread-safe.
///
/// # Safety
/// `auth` is NULL or a live handle; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn contrast_auth_counters(
    auth: *const contrast_auth,
    out: *mut contrast_counters,
) -> contrast_result {
    guard(|| {
        // SAFETY: NULL or a live handle per the contract above.
        let auth = unsafe { arg_ref(auth, "auth") }?;
        let out = out_ptr(out, "out")?;
        let value = auth
            .client_if_built()
            .map_or_else(contrast_counters::default, |client| {
                let c = client.counters();
                contrast_counters {
                    acknowledged: c.acknowledged,
                    failed: c.failed,
                    requests: c.requests,
                    retries: c.retries,
                    reloads: c.reloads,
                    handshakes: c.handshakes,
                    rejections: c.rejections,
                    reconnects: c.reconnects,
                }
            });
        // SAFETY: non-NULL and writable per the contract above.
        unsafe { out.as_ptr().write(value) };
        Ok(())
    })
}
