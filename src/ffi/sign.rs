//! Signing reports (RFC 9421 with an RFC 9530 `Content-Digest`) through the C ABI.

use std::ffi::c_char;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::ffi::auth::contrast_auth;
use crate::ffi::boundary::{Failure, arg_bytes, arg_ref, arg_str, guard, out_ptr};
use crate::ffi::headers::contrast_headers;
use crate::ffi::result::contrast_result;
use zeroize::Zeroizing;

use crate::signing::{Message, SignError, SignatureHeaders};

/// Length in bytes of the nonce given to `contrast_auth_sign_with_nonce`.
pub const CONTRAST_NONCE_LEN: usize = 16;

impl From<SignError> for Failure {
    fn from(error: SignError) -> Self {
        // SignError names the component and the reason, never a value.
        Failure::new(contrast_result::Signing, error.to_string())
    }
}

fn headers_list(signed: &SignatureHeaders) -> contrast_headers {
    let mut list = contrast_headers::with_capacity(3);
    list.push(c"Content-Digest", &signed.content_digest);
    list.push(c"Signature-Input", &signed.signature_input);
    list.push(c"Signature", &signed.signature);
    list
}

/// Checks and converts the arguments common to both signing functions.
///
/// # Safety
/// As for `contrast_auth_sign`.
unsafe fn message<'a>(
    method: *const c_char,
    url: *const c_char,
    content_type: *const c_char,
    body: *const u8,
    body_len: usize,
) -> Result<Message<'a>, Failure> {
    // SAFETY: forwarded from the caller's contract.
    unsafe {
        Ok(Message {
            method: arg_str(method, "method")?,
            url: arg_str(url, "url")?,
            content_type: arg_str(content_type, "content_type")?,
            body: arg_bytes(body, body_len, "body")?,
        })
    }
}

/// Signs a report: sets `*out` to a new list of `Content-Digest`, `Signature-Input` and
/// `Signature` (in that order) for `method` (e.g. `POST`), the absolute `https://` `url`
/// the request goes to, its `content_type` and its `body_len` bytes of `body` as sent
/// (after compression). `created` is now and the nonce is 16 random bytes; for 5 minutes
/// after a rotation a second signature (`contrast-prev`) with the previous key is added.
/// `body` may be NULL only when `body_len` is 0.
///
/// The caller owns the list and releases it with `contrast_headers_free`. On failure (e.g.
/// SIGNING for an unsupported method or URL) `*out` is untouched. Thread-safe.
///
/// # Safety
/// `auth` is NULL or a live handle; strings are NULL or NUL-terminated; `body` is NULL or
/// has `body_len` readable bytes; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn contrast_auth_sign(
    auth: *const contrast_auth,
    method: *const c_char,
    url: *const c_char,
    content_type: *const c_char,
    body: *const u8,
    body_len: usize,
    out: *mut *mut contrast_headers,
) -> contrast_result {
    guard(|| {
        // SAFETY: NULL or a live handle per the contract above.
        let auth = unsafe { arg_ref(auth, "auth") }?;
        // SAFETY: forwarded from the contract above.
        let message = unsafe { message(method, url, content_type, body, body_len) }?;
        let out = out_ptr(out, "out")?;
        let created = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        // The keyid in Signature-Input holds the user name: wiped when dropped.
        let signed = Zeroizing::new(
            auth.signer
                .sign_from_store(&message, &auth.store, created)?,
        );
        // SAFETY: `out` is non-NULL and writable per the contract above.
        unsafe { out.as_ptr().write(headers_list(&signed).into_raw()) };
        Ok(())
    })
}

/// Like `contrast_auth_sign`, but deterministic, for test vectors and reproducible checks:
/// the signature is `created` (Unix seconds) and `nonce` points to exactly
/// `CONTRAST_NONCE_LEN` (16) bytes. Never reuse a nonce in production: use
/// `contrast_auth_sign`. Thread-safe.
///
/// # Safety
/// As for `contrast_auth_sign`; `nonce` is NULL or has 16 readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn contrast_auth_sign_with_nonce(
    auth: *const contrast_auth,
    method: *const c_char,
    url: *const c_char,
    content_type: *const c_char,
    body: *const u8,
    body_len: usize,
    created: u64,
    nonce: *const u8,
    out: *mut *mut contrast_headers,
) -> contrast_result {
    guard(|| {
        // SAFETY: NULL or a live handle per the contract above.
        let auth = unsafe { arg_ref(auth, "auth") }?;
        // SAFETY: forwarded from the contract above.
        let message = unsafe { message(method, url, content_type, body, body_len) }?;
        if nonce.is_null() {
            return Err(Failure::null("nonce"));
        }
        let mut nonce_bytes = [0u8; CONTRAST_NONCE_LEN];
        // SAFETY: non-NULL with 16 readable bytes per the contract above.
        nonce_bytes
            .copy_from_slice(unsafe { std::slice::from_raw_parts(nonce, CONTRAST_NONCE_LEN) });
        let out = out_ptr(out, "out")?;
        let grace = auth.signer.options().previous_grace;
        let current = auth.store.load_snapshot();
        let previous = if grace.is_zero() {
            None
        } else {
            auth.store.previous(grace)
        };
        let signed = Zeroizing::new(auth.signer.sign_with_nonce(
            &message,
            &current,
            previous.as_deref(),
            created,
            nonce_bytes,
        )?);
        // SAFETY: `out` is non-NULL and writable per the contract above.
        unsafe { out.as_ptr().write(headers_list(&signed).into_raw()) };
        Ok(())
    })
}
