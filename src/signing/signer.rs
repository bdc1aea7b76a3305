//! The signer: `Content-Digest`, `Signature-Input` and `Signature` for an outgoing report.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};

use crate::signing::base::{self, Components, LABEL, PREVIOUS_LABEL, SignatureParams, TAG};
use crate::signing::digest::content_digest;
use crate::signing::error::SignError;
use crate::store::{CredentialStore, Snapshot};

/// The `Signature-Input` header name.
pub const SIGNATURE_INPUT: &str = "Signature-Input";
/// The `Signature` header name.
pub const SIGNATURE: &str = "Signature";

/// An outgoing request to sign.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    /// The method, e.g. `POST`.
    pub method: &'a str,
    /// The absolute `https://` URL the request goes to (path and query as sent).
    pub url: &'a str,
    /// The `Content-Type` header value.
    pub content_type: &'a str,
    /// The body as sent (after gzip when compressed).
    pub body: &'a [u8],
}

/// The three header values to add to the request.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// The `keyid` of a snapshot: `<user_name>/<fingerprint of the HMAC key>`.
pub fn keyid(snapshot: &Snapshot) -> String {
    let user = snapshot.credentials().user_name().expose_secret();
    format!("{user}/{}", snapshot.signing_key().fingerprint())
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
        let nonce = fresh_nonce(&self.random).map_err(|_| SignError::InvalidParameter {
            part: "nonce",
            reason: "the system random generator failed",
        })?;
        self.sign_with_nonce(message, current, previous, created, nonce)
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
        check_method(message.method)?;
        let (authority, path, query) = base::split_url(message.url)?;
        let digest = content_digest(message.body);
        let components = Components {
            method: message.method,
            authority: &authority,
            path: &path,
            query: query.as_deref(),
            content_type: message.content_type,
            content_digest: &digest,
        };
        let nonce = URL_SAFE_NO_PAD.encode(nonce);
        let expires = created.saturating_add(self.options.validity.as_secs());
        let mut input = String::with_capacity(512);
        let mut signature = String::with_capacity(128);
        // A previous snapshot with the same key (e.g. only the URL changed) adds nothing.
        let previous = previous.filter(|p| keyid(p) != keyid(current));
        for (label, snapshot) in [(LABEL, Some(current)), (PREVIOUS_LABEL, previous)] {
            let Some(snapshot) = snapshot else { continue };
            let params = SignatureParams {
                created,
                expires,
                nonce: nonce.clone(),
                keyid: keyid(snapshot),
                tag: TAG.to_string(),
            }
            .serialize()?;
            let base = base::signature_base(&components, &params)?;
            let key = hmac::Key::new(hmac::HMAC_SHA256, snapshot.signing_key().expose_secret());
            let tag = hmac::sign(&key, base.as_bytes());
            if !input.is_empty() {
                input.push_str(", ");
                signature.push_str(", ");
            }
            input.push_str(label);
            input.push('=');
            input.push_str(&params);
            signature.push_str(label);
            signature.push_str("=:");
            STANDARD.encode_string(tag.as_ref(), &mut signature);
            signature.push(':');
        }
        Ok(SignatureHeaders {
            content_digest: digest,
            signature_input: input,
            signature,
        })
    }
}

/// Nonces drawn per `getrandom` call and handed out one by one (per thread).
const NONCES_PER_FILL: usize = 64;

struct NoncePool {
    bytes: [u8; 16 * NONCES_PER_FILL],
    next: usize,
    /// The process that filled the pool: a forked child refills, so parent and child never
    /// hand out the same nonces.
    pid: u32,
}

thread_local! {
    static NONCE_POOL: std::cell::RefCell<NoncePool> = const {
        std::cell::RefCell::new(NoncePool { bytes: [0; 16 * NONCES_PER_FILL], next: NONCES_PER_FILL, pid: 0 })
    };
}

/// A fresh 16-byte nonce from the system RNG, drawn in batches (one system call per 64
/// nonces); each nonce is wiped from the pool as it is handed out.
fn fresh_nonce(random: &SystemRandom) -> Result<[u8; 16], ring::error::Unspecified> {
    NONCE_POOL.with(|pool| {
        let mut pool = pool.borrow_mut();
        let pid = std::process::id();
        if pool.next >= NONCES_PER_FILL || pool.pid != pid {
            random.fill(&mut pool.bytes)?;
            pool.next = 0;
            pool.pid = pid;
        }
        let start = pool.next * 16;
        let mut nonce = [0u8; 16];
        nonce.copy_from_slice(&pool.bytes[start..start + 16]);
        pool.bytes[start..start + 16].fill(0);
        pool.next += 1;
        Ok(nonce)
    })
}

/// A method is an HTTP token (RFC 9110 §5.6.2).
fn check_method(method: &str) -> Result<(), SignError> {
    let is_tchar = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if method.is_empty() || !method.bytes().all(is_tchar) {
        return Err(SignError::InvalidComponent {
            component: "@method",
            reason: "is not an HTTP method token",
        });
    }
    Ok(())
}
