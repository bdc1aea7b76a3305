//! The signer: `Content-Digest`, `Signature-Input` and `Signature` for an outgoing report.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::SystemRandom;

use hmac::Mac;

use crate::events::{Level, event, names};
use crate::signing::base::{self, LABEL, PREVIOUS_LABEL};
use crate::signing::digest::{content_digest, push_base64_32};
use crate::signing::error::SignError;
use crate::signing::key::{KEYID_LEN, TAG_LEN};
pub use crate::signing::message::Message;
use crate::signing::nonce;
use crate::store::{CredentialStore, Snapshot};

/// The `Signature-Input` header name.
pub const SIGNATURE_INPUT: &str = "Signature-Input";
/// The `Signature` header name.
pub const SIGNATURE: &str = "Signature";

/// The three header values to add to the request (`Signature-Input` holds the keyid, so
/// the user name: wrap it in `Zeroizing` where it is dropped after use).
#[derive(Debug, Clone, PartialEq, Eq, zeroize::Zeroize)]
pub struct SignatureHeaders {
    /// `Content-Digest` value.
    pub content_digest: String,
    /// `Signature-Input` value.
    pub signature_input: String,
    /// `Signature` value.
    pub signature: String,
}

impl SignatureHeaders {
    /// (name, value) pairs, in the order they are sent.
    pub fn pairs(&self) -> [(&'static str, &str); 3] {
        [
            (crate::signing::digest::CONTENT_DIGEST, &self.content_digest),
            (SIGNATURE_INPUT, &self.signature_input),
            (SIGNATURE, &self.signature),
        ]
    }
}

/// How signatures are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignerOptions {
    /// `expires` = `created` + this (default 300 s).
    pub validity: Duration,
    /// For how long after a rotation a second signature with the previous key is added
    /// (default 300 s; zero disables it).
    pub previous_grace: Duration,
}

impl Default for SignerOptions {
    fn default() -> Self {
        SignerOptions {
            validity: Duration::from_secs(300),
            previous_grace: Duration::from_secs(300),
        }
    }
}

/// Signs requests with a snapshot's key (and the previous snapshot's during rotation).
#[derive(Debug)]
pub struct Signer {
    options: SignerOptions,
    random: SystemRandom,
}

impl Default for Signer {
    fn default() -> Self {
        Signer::new(SignerOptions::default())
    }
}

/// The `keyid` of a snapshot: the first 16 hex digits of SHA-256 of its HMAC key (a copy
/// of [`Snapshot::keyid`], for verifiers' key lists).
pub fn keyid(snapshot: &Snapshot) -> String {
    snapshot.keyid().to_string()
}

impl Signer {
    /// A signer with these options.
    pub fn new(options: SignerOptions) -> Self {
        Signer {
            options,
            random: SystemRandom::new(),
        }
    }

    /// The options.
    pub fn options(&self) -> SignerOptions {
        self.options
    }

    /// Signs with a fresh random 16-byte nonce.
    pub fn sign(
        &self,
        message: &Message<'_>,
        current: &Snapshot,
        previous: Option<&Snapshot>,
        created: u64,
    ) -> Result<SignatureHeaders, SignError> {
        let nonce = nonce::fresh_nonce(&self.random).map_err(|_| SignError::InvalidParameter {
            part: "nonce",
            reason: "the system random generator failed",
        })?;
        let signed = self.sign_with_nonce(message, current, previous, created, nonce)?;
        event!(
            Level::Trace,
            names::SIGNING_SIGNED,
            "signed {} {} at {created} with signing key {}{}",
            message.method,
            message.url,
            current.fingerprints().signing_key,
            if signed.signature.contains(", ") {
                " and the previous key"
            } else {
                ""
            }
        );
        Ok(signed)
    }

    /// Signs with the current snapshot of `store`, adding `contrast-prev` with the
    /// previous snapshot while the rotation grace period lasts.
    pub fn sign_from_store(
        &self,
        message: &Message<'_>,
        store: &CredentialStore,
        created: u64,
    ) -> Result<SignatureHeaders, SignError> {
        let current = store.load_snapshot();
        let previous = if self.options.previous_grace.is_zero() {
            None
        } else {
            store.previous(self.options.previous_grace)
        };
        self.sign(message, &current, previous.as_deref(), created)
    }

    /// Signs deterministically (for test vectors): the given `created` and nonce.
    pub fn sign_with_nonce(
        &self,
        message: &Message<'_>,
        current: &Snapshot,
        previous: Option<&Snapshot>,
        created: u64,
        nonce: [u8; 16],
    ) -> Result<SignatureHeaders, SignError> {
        let digest = content_digest(message.body);
        let mut nonce_buf = [0u8; 22];
        let nonce_len = URL_SAFE_NO_PAD
            .encode_slice(nonce, &mut nonce_buf)
            .expect("16 bytes are 22 base64url characters");
        let nonce = std::str::from_utf8(&nonce_buf[..nonce_len]).expect("base64 is ASCII");
        let expires = created.saturating_add(self.options.validity.as_secs());
        // A previous snapshot with the same key (e.g. only the URL changed) adds nothing.
        let previous = previous.filter(|p| p.keyid() != current.keyid());
        // Sized up front, so the headers are written without reallocating.
        let signatures = 1 + usize::from(previous.is_some());
        let mut input = String::with_capacity(signatures * (INPUT_MEMBER_LEN + KEYID_LEN));
        let mut signature = String::with_capacity(signatures * SIGNATURE_MEMBER_LEN);
        for (label, snapshot) in [(LABEL, Some(current)), (PREVIOUS_LABEL, previous)] {
            let Some(snapshot) = snapshot else { continue };
            let state = snapshot.signing_state();
            // The HMAC state after the key and the base lines of the target (checked there).
            let mut mac = state.prefixed_mac(snapshot.signing_key(), message)?;
            let params =
                base::serialize_params_with_suffix(created, expires, nonce, state.params_suffix())?;
            for part in base::final_lines(&digest, &params) {
                mac.update(part.as_bytes());
            }
            let tag: [u8; TAG_LEN] = mac.finalize().into_bytes().into();
            if !input.is_empty() {
                input.push_str(", ");
                signature.push_str(", ");
            }
            input.push_str(label);
            input.push('=');
            input.push_str(&params);
            signature.push_str(label);
            signature.push_str("=:");
            push_base64_32(&mut signature, &tag);
            signature.push(':');
        }
        Ok(SignatureHeaders {
            content_digest: digest,
            signature_input: input,
            signature,
        })
    }
}

/// Upper bound of one `Signature-Input` member and its `, ` separator, without the keyid:
/// label (13), `=`, inner list (73), parameters with 20-digit times (83), nonce (22), tag (16).
const INPUT_MEMBER_LEN: usize = 216;
/// Upper bound of one `Signature` member and its separator: label, `=:`, 44, `:`, `, `.
const SIGNATURE_MEMBER_LEN: usize = 64;
