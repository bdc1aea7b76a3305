//! Signing and verification errors: one distinct, typed variant per reason, never a secret.

use std::fmt;

use crate::signing::replay::ReplayStoreError;

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignError {
    /// A covered component (method, URL, path, content type, ...) is unusable.
    InvalidComponent {
        /// Which component, e.g. `@method`, `content-type`, `url`.
        component: &'static str,
        /// Why.
        reason: &'static str,
    },
    /// A signature parameter cannot be made (e.g. the system random generator failed for `nonce`).
    InvalidParameter {
        /// Which parameter.
        part: &'static str,
        /// Why.
        reason: &'static str,
    },
}

impl SignError {
    /// A stable machine-readable name (`invalid_component`, `invalid_parameter`).
    pub fn name(&self) -> &'static str {
        match self {
            SignError::InvalidComponent { .. } => "invalid_component",
            SignError::InvalidParameter { .. } => "invalid_parameter",
        }
    }
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignError::InvalidComponent { component, reason } => {
                write!(f, "cannot sign: `{component}` {reason}")
            }
            SignError::InvalidParameter { part, reason } => {
                write!(f, "cannot sign: parameter `{part}`: {reason}")
            }
        }
    }
}

impl std::error::Error for SignError {}

/// Why a received request's signature was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// A signature header is absent (`Signature-Input`, `Signature` or `Content-Digest`).
    MissingHeader(&'static str),
    /// A header or parameter is malformed; names the part.
    Malformed {
        /// Which part, e.g. `Signature-Input`, `nonce`, `created`.
        part: &'static str,
        /// Why.
        reason: &'static str,
    },
    /// A required component is not covered by the signature.
    MissingComponent(&'static str),
    /// The signature names an algorithm (`alg`): never taken from the wire.
    AlgNotAllowed,
    /// The `keyid` is not one of the active keys.
    UnknownKey,
    /// `expires` has passed.
    Expired,
    /// `created` is further in the future than the clock tolerance allows.
    FromTheFuture,
    /// The nonce was seen before within the window.
    Replayed,
    /// The body does not match `Content-Digest`.
    DigestMismatch,
    /// The HMAC does not match.
    SignatureMismatch,
    /// Verifier options are out of range.
    InvalidOptions(&'static str),
    /// The signature is valid but the replay store could not record its nonce (full,
    /// unreachable, too slow, out of memory, cluster down): fail closed, never an acceptance.
    /// Not the client's fault: it should retry later with a fresh signature (a server answers
    /// 503 with `Retry-After`).
    ReplayStore(ReplayStoreError),
}

impl VerifyError {
    /// A stable machine-readable name (used by the shared test vectors).
    pub fn name(&self) -> &'static str {
        match self {
            VerifyError::MissingHeader(_) => "missing_header",
            VerifyError::Malformed { .. } => "malformed",
            VerifyError::MissingComponent(_) => "missing_component",
            VerifyError::AlgNotAllowed => "alg_not_allowed",
            VerifyError::UnknownKey => "unknown_key",
            VerifyError::Expired => "expired",
            VerifyError::FromTheFuture => "from_the_future",
            VerifyError::Replayed => "replayed",
            VerifyError::DigestMismatch => "digest_mismatch",
            VerifyError::SignatureMismatch => "signature_mismatch",
            VerifyError::InvalidOptions(_) => "invalid_options",
            VerifyError::ReplayStore(_) => "replay_store",
        }
    }

    /// Whether the request may succeed later unchanged but for a fresh signature (the replay
    /// store could not answer): a server answers 503, not 401.
    pub fn is_temporary(&self) -> bool {
        matches!(self, VerifyError::ReplayStore(_))
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::MissingHeader(h) => write!(f, "the {h} header is missing"),
            VerifyError::Malformed { part, reason } => write!(f, "malformed {part}: {reason}"),
            VerifyError::MissingComponent(c) => write!(f, "the signature does not cover {c}"),
            VerifyError::AlgNotAllowed => {
                f.write_str("an `alg` parameter is not accepted from the wire")
            }
            VerifyError::UnknownKey => f.write_str("the keyid is not an active key"),
            VerifyError::Expired => f.write_str("the signature has expired"),
            VerifyError::FromTheFuture => {
                f.write_str("the signature was created in the future (beyond the clock tolerance)")
            }
            VerifyError::Replayed => f.write_str("the nonce was already used (replay)"),
            VerifyError::DigestMismatch => f.write_str("the body does not match Content-Digest"),
            VerifyError::SignatureMismatch => f.write_str("the signature does not match"),
            VerifyError::InvalidOptions(why) => write!(f, "invalid verifier options: {why}"),
            VerifyError::ReplayStore(e) => {
                write!(f, "replay store unavailable ({}): {e}", e.name())
            }
        }
    }
}

impl std::error::Error for VerifyError {}
