//! Sending reports to the Contrast server through the C ABI.

use std::ffi::c_char;

use crate::ffi::auth::contrast_auth;
use crate::ffi::boundary::{Failure, arg_bytes, arg_ref, arg_str, guard, out_ptr};
use crate::ffi::result::{config_result, contrast_result};
use crate::transport::SendError;

/// What the server said to an accepted report (written by `contrast_auth_send`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct contrast_send_outcome {
    /// The HTTP status of the acknowledgement (2xx).
    pub status: u16,
    /// Requests made, retries included (at least 1).
    pub attempts: u32,
    /// The credential generation that was accepted.
    pub generation: u64,
    /// Whether a rejection made the library reload the credentials before it succeeded.
    pub reloaded: bool,
}

/// The result a transport error maps to.
fn send_result(error: &SendError) -> contrast_result {
    match error {
        SendError::Config(e) => config_result(e),
        SendError::InvalidRequest { .. } => contrast_result::InvalidArgument,
        SendError::CredentialsRejected { .. } => contrast_result::CredentialsRejected,
        SendError::Status { .. } => contrast_result::HttpStatus,
        SendError::Network { .. } | SendError::Timeout { .. } => contrast_result::Network,
        SendError::Tls { .. } => contrast_result::Tls,
        SendError::Signing { .. } => contrast_result::Signing,
    }
}

impl From<&SendError> for Failure {
    fn from(error: &SendError) -> Self {
        // SendError carries fingerprints, statuses and reasons, never a key.
        Failure::new(send_result(error), error.to_string())
    }
}

/// Sends one report over HTTPS and blocks until the server acknowledges it (2xx) or the
/// library gives up: `method` (e.g. `POST`), `path` joined to the handle's `api.url`
/// (starts with `/`, may carry a query), `content_type`, and `body_len` bytes of `body`
/// (NULL only when `body_len` is 0). The request carries both credential layers from one
/// snapshot and is signed. Network errors, 408, 429 and 5xx are retried with backoff; on
/// 401/403/412 the credentials are reloaded once and the report retried only if a key
/// changed.
///
/// Results: OK (then `*out` describes the acknowledgement), CREDENTIALS_REJECTED (401, 403
/// or 412: a wrong, rotated or revoked key of either layer), HTTP_STATUS (another error
/// status), NETWORK (unreachable, timed out), TLS (handshake failed, e.g. an untrusted
/// certificate), INVALID_ARGUMENT (bad method or path), CONFIG (unusable certificate or
/// proxy settings). `contrast_last_error` tells the status, attempts and fingerprints.
/// On failure `*out` is untouched.
///
/// Thread-safe: many threads may send on one handle at once (they share one connection
/// pool), also while another rotates the keys.
///
/// # Safety
/// `auth` is NULL or a live handle; strings are NULL or NUL-terminated; `body` is NULL or
/// has `body_len` readable bytes; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn contrast_auth_send(
    auth: *const contrast_auth,
    method: *const c_char,
    path: *const c_char,
    content_type: *const c_char,
    body: *const u8,
    body_len: usize,
    out: *mut contrast_send_outcome,
) -> contrast_result {
    guard(|| {
        // SAFETY: NULL or a live handle per the contract above.
        let auth = unsafe { arg_ref(auth, "auth") }?;
        // SAFETY: strings NULL or NUL-terminated, body NULL or readable, per the contract.
        let (method, path, content_type, body) = unsafe {
            (
                arg_str(method, "method")?,
                arg_str(path, "path")?,
                arg_str(content_type, "content_type")?,
                arg_bytes(body, body_len, "body")?,
            )
        };
        let out = out_ptr(out, "out")?;
        let client = auth.client().map_err(Failure::from)?;
        let sent = client
            .send(method, path, content_type, body)
            .map_err(|e| Failure::from(&e))?;
        let outcome = contrast_send_outcome {
            status: sent.status,
            attempts: sent.attempts,
            generation: sent.generation,
            reloaded: sent.reloaded,
        };
        // SAFETY: `out` is non-NULL and writable per the contract above.
        unsafe { out.as_ptr().write(outcome) };
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Fingerprint;
    use crate::store::Fingerprints;

    #[test]
    fn transport_errors_map_to_specific_results() {
        let f = Fingerprint::of(b"x");
        let rejected = SendError::CredentialsRejected {
            status: 401,
            fingerprints: Fingerprints {
                user_name: f,
                service_key: f,
                api_key: f,
                signing_key: f,
            },
            hint: "h",
            attempts: 1,
        };
        assert_eq!(send_result(&rejected), contrast_result::CredentialsRejected);
        let network = SendError::Network {
            reason: "refused".into(),
            attempts: 5,
        };
        assert_eq!(send_result(&network), contrast_result::Network);
        let tls = SendError::Tls {
            reason: "unknown issuer".into(),
        };
        assert_eq!(send_result(&tls), contrast_result::Tls);
        let tls_required = SendError::Config(crate::error::ConfigError::TlsRequired {
            scheme: "http".into(),
            origin: "argument".into(),
        });
        assert_eq!(send_result(&tls_required), contrast_result::TlsRequired);
    }
}
