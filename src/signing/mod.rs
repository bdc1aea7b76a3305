//! Report signing: an RFC 9530 `Content-Digest` of the body as sent and an RFC 9421
//! HTTP Message Signature (HMAC-SHA256) keyed by both credential layers, plus the
//! matching verifier for servers. The wire format is fixed in `docs/wire-format.md`.

pub mod base;
pub mod digest;
pub mod error;
pub mod key;
pub mod key_set;
pub mod memory_store;
pub mod message;
pub mod nonce;
pub mod prepared;
#[cfg(feature = "redis")]
pub mod redis_store;
pub mod replay;
mod signature_fields;
pub mod signer;
pub mod verifier;

pub use base::{
    COMPONENTS, Components, LABEL, PREVIOUS_LABEL, SignatureParams, TAG, base_from_lines,
    signature_base,
};
pub use digest::{CONTENT_DIGEST, content_digest};
pub use error::{SignError, VerifyError};
pub use key::{SigningKey, SigningKeyOrigin};
pub use key_set::KeySet;
pub use memory_store::MemoryReplayStore;
pub use message::Message;
pub use prepared::SigningState;
#[cfg(feature = "redis")]
pub use redis_store::{RedisReplayStore, RedisStoreOptions, ReplayStoreUrl};
pub use replay::{Nonce, Recorded, ReplayStore, ReplayStoreError};
pub use signer::{SIGNATURE, SIGNATURE_INPUT, SignatureHeaders, Signer, SignerOptions, keyid};
pub use verifier::{ReceivedRequest, Verified, Verifier, VerifierOptions};
