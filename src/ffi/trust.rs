//! Extra trust anchors from the host: `contrast_auth_from_environment_with_trust`, for hosts
//! that keep their own trust store (as the JVM does) and hand its certificates over as DER.

use crate::config::ConfigSources;
use crate::ffi::auth::contrast_auth;
use crate::ffi::boundary::{Failure, arg_bytes, guard, out_ptr};
use crate::ffi::result::contrast_result;
use crate::host_tls::TrustAnchors;

/// A borrowed byte string: `len` bytes at `data` (one DER certificate). Only read during
/// the call it is passed to.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct contrast_bytes {
    /// The first byte (NULL only when `len` is 0, which is refused for a certificate).
    pub data: *const u8,
    /// How many bytes.
    pub len: usize,
}

/// Like `contrast_auth_from_environment`, and the handle's reports also trust
/// `trust_anchor_count` extra CA certificates, each DER X.509 (e.g. the host's own trust
/// store). They are trusted together with `api.certificate.ca_file` when that is set; with
/// neither, the system trust store is used as before. `api.certificate.ignore_cert_errors`
/// keeps its meaning.
///
/// `trust_anchors` points to `trust_anchor_count` entries (it may be NULL when the count is
/// 0). Every certificate is checked and copied during the call, so the caller may free them
/// as soon as it returns. An entry that is NULL or empty is NULL_ARGUMENT / INVALID_ARGUMENT,
/// and one that is not a DER certificate is INVALID_ARGUMENT (the detail names its index);
/// configuration errors are as for `contrast_auth_from_environment`.
///
/// On success `*out` is a new handle owned by the caller (release it with
/// `contrast_auth_free`); on failure it is untouched. Thread-safe (but do not modify the
/// environment concurrently).
///
/// # Safety
/// `trust_anchors` is NULL or points to `trust_anchor_count` readable `contrast_bytes`, each
/// of whose `data` has `len` readable bytes; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn contrast_auth_from_environment_with_trust(
    trust_anchors: *const contrast_bytes,
    trust_anchor_count: usize,
    out: *mut *mut contrast_auth,
) -> contrast_result {
    guard(|| {
        let out = out_ptr(out, "out")?;
        // SAFETY: forwarded from the contract above.
        let anchors = unsafe { trust_anchors_arg(trust_anchors, trust_anchor_count) }?;
        contrast_auth::load(ConfigSources::from_process().trust_anchors(anchors))?.publish(out);
        Ok(())
    })
}

/// Checks and copies `count` DER certificates at `entries` (NULL only with a count of 0);
/// an entry that is NULL, empty or not a certificate is refused, naming its index.
///
/// # Safety
/// `entries` is NULL or points to `count` readable `contrast_bytes`, each of whose `data` has
/// `len` readable bytes.
pub(crate) unsafe fn trust_anchors_arg(
    entries: *const contrast_bytes,
    count: usize,
) -> Result<TrustAnchors, Failure> {
    let entries: &[contrast_bytes] = if count == 0 {
        &[]
    } else if entries.is_null() {
        return Err(Failure::null("trust_anchors"));
    } else {
        // SAFETY: non-NULL and `count` readable entries per this function's contract.
        unsafe { std::slice::from_raw_parts(entries, count) }
    };
    let mut anchors = TrustAnchors::new();
    for (index, entry) in entries.iter().enumerate() {
        if entry.data.is_null() {
            return Err(Failure::new(
                contrast_result::NullArgument,
                format!("trust anchor {index}: `data` is NULL"),
            ));
        }
        // SAFETY: `data` is non-NULL with `len` readable bytes per this function's contract.
        let der = unsafe { arg_bytes(entry.data, entry.len, "trust_anchors") }?;
        anchors.add(der, index)?;
    }
    Ok(anchors)
}
