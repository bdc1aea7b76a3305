//! Per-key signing state kept with each credential snapshot, so that signing a report costs
//! little beyond hashing its body.
//!
//! The first five lines of the signature base (`@method` to `content-type`) depend only on
//! the request target, which agents repeat report after report. [`SigningState`] keeps the
//! HMAC state that has absorbed the key and those lines for the last target signed with the
//! snapshot's key; a report to the same target starts from a copy of it and only hashes the
//! `content-digest` and `@signature-params` lines. The `;keyid=...;tag=...` parameters are
//! serialized once per snapshot. Every state is zeroized when its snapshot is dropped (the
//! HMAC states by `sha2`'s `zeroize` feature).

use std::sync::Arc;

use arc_swap::ArcSwapOption;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::signing::base::{self, TAG};
use crate::signing::error::SignError;
use crate::signing::key::SigningKey;
use crate::signing::signer::Message;

/// The signing state of one snapshot's key (see the module documentation).
pub struct SigningState {
    /// `;keyid="<keyid>";tag="contrast-auth/v1"`, or why the keyid cannot be a parameter.
    params_suffix: Result<Zeroizing<String>, SignError>,
    /// The last request target signed with this key.
    last_target: ArcSwapOption<PreparedTarget>,
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
    /// The state for a key whose `keyid` is this.
    pub fn new(keyid: &str) -> Self {
        let params_suffix = base::serialize_params_suffix(keyid, TAG).map(Zeroizing::new);
        SigningState {
            params_suffix,
            last_target: ArcSwapOption::empty(),
        }
    }

    /// `;keyid="...";tag="..."`, the end of this key's `@signature-params`.
    pub fn params_suffix(&self) -> Result<&str, SignError> {
        self.params_suffix
            .as_ref()
            .map(|s| s.as_str())
            .map_err(Clone::clone)
    }

    /// An HMAC state keyed with `key` that has absorbed the base lines of `message`'s target
    /// (a copy of the prepared one when the target is the last one signed with this key).
    /// Checks method, URL, keyid and content type, in that order, when it prepares.
    pub fn prefixed_mac(
        &self,
        key: &SigningKey,
        message: &Message<'_>,
    ) -> Result<Hmac<Sha256>, SignError> {
        if let Some(last) = self.last_target.load().as_ref()
            && last.url == message.url
            && last.method == message.method
            && last.content_type == message.content_type
        {
            return Ok(last.mac.clone());
        }
        base::check_method(message.method)?;
        let url = base::split_url(message.url)?;
        self.params_suffix()?;
        let lines = base::target_lines(message.method, &url, message.content_type)?;
        let mut mac = key.keyed_mac();
        mac.update(lines.as_bytes());
        self.last_target.store(Some(Arc::new(PreparedTarget {
            method: message.method.to_string(),
            url: message.url.to_string(),
            content_type: message.content_type.to_string(),
            mac: mac.clone(),
        })));
        Ok(mac)
    }
}
