//! Per-key signing state kept with each credential snapshot, so that signing a report costs
//! little beyond hashing its body.
//!
//! The first five lines of the signature base (`@method` to `content-type`) depend only on
//! the request target, which agents repeat report after report (a few endpoints, each again
//! and again). [`SigningState`] keeps, for the last [`PREPARED_TARGETS`] targets signed with
//! the snapshot's key, the HMAC state that has absorbed the key and those lines; a report to
//! one of them starts from a copy and only hashes the `content-digest` and
//! `@signature-params` lines. The `;keyid=...;tag=...` parameters are built once per
//! snapshot. Every state is zeroized when its snapshot is dropped (the
//! HMAC states by `sha2`'s `zeroize` feature).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::signing::base::{self, TAG};
use crate::signing::error::SignError;
use crate::signing::key::SigningKey;
use crate::signing::message::Message;
use arc_swap::ArcSwapOption;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How many request targets each key keeps prepared (agents report to a few endpoints).
pub const PREPARED_TARGETS: usize = 4;

/// The signing state of one snapshot's key (see the module documentation).
pub struct SigningState {
    /// `;keyid="<keyid>";tag="contrast-auth/v1"` (the keyid names the key, not the agent).
    params_suffix: String,
    /// The last request targets signed with this key, replaced round robin.
    targets: [ArcSwapOption<PreparedTarget>; PREPARED_TARGETS],
    /// The slot the next newly prepared target goes to.
    next_slot: AtomicUsize,
}

impl std::fmt::Debug for SigningState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningState").finish_non_exhaustive()
    }
}

/// A request target and the HMAC state after the key and the target's base lines.
struct PreparedTarget {
    method: String,
    url: String,
    content_type: String,
    mac: Hmac<Sha256>,
}

impl SigningState {
    /// The state for `key`.
    pub fn new(key: &SigningKey) -> Self {
        let params_suffix = base::serialize_params_suffix(key.keyid(), TAG)
            .expect("a keyid of hex digits and the tag are valid RFC 8941 strings");
        SigningState {
            params_suffix,
            targets: Default::default(),
            next_slot: AtomicUsize::new(0),
        }
    }

    /// `;keyid="...";tag="..."`, the end of this key's `@signature-params`.
    pub fn params_suffix(&self) -> &str {
        &self.params_suffix
    }

    /// An HMAC state keyed with `key` that has absorbed the base lines of `message`'s target
    /// (a copy of the prepared one when the target is one of the last few signed with this
    /// key). Checks method, URL and content type, in that order, when it prepares.
    pub fn prefixed_mac(
        &self,
        key: &SigningKey,
        message: &Message<'_>,
    ) -> Result<Hmac<Sha256>, SignError> {
        for slot in &self.targets {
            if let Some(prepared) = slot.load().as_ref()
                && prepared.url == message.url
                && prepared.method == message.method
                && prepared.content_type == message.content_type
            {
                return Ok(prepared.mac.clone());
            }
        }
        base::check_method(message.method)?;
        let url = base::split_url(message.url)?;
        let lines = base::target_lines(message.method, &url, message.content_type)?;
        let mut mac = key.keyed_mac();
        mac.update(lines.as_bytes());
        let slot = self.next_slot.fetch_add(1, Ordering::Relaxed) % PREPARED_TARGETS;
        self.targets[slot].store(Some(Arc::new(PreparedTarget {
            method: message.method.to_string(),
            url: message.url.to_string(),
            content_type: message.content_type.to_string(),
            mac: mac.clone(),
        })));
        Ok(mac)
    }
}
