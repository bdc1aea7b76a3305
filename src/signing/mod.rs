//! Report signing (RFC 9421 HTTP Message Signatures over an RFC 9530 Content-Digest).

pub mod key;

pub use key::{SigningKey, SigningKeyOrigin};
