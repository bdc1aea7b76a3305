//! contrast-auth: the client side of Contrast agent authentication, once, for every agent.
//!
//! Data flows one way: [`config`] → [`credentials`] → a [`store`] of immutable snapshots →
//! [`headers`] and [`signing`] → transport. The core modules know nothing of FFI, JNI or
//! HTTP. In the repository, `docs/configuration.md` is the configuration reference,
//! `docs/c-api.md` the C API conventions, and `ARCHITECTURE.md` the map of the modules.

#![warn(missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod config;
pub mod credentials;
pub mod diagnostics;
pub mod error;
pub mod events;
pub mod fork;
pub mod headers;
pub mod host_tls;
pub mod secret;
pub mod setting;
pub mod signing;
pub mod store;
pub mod token;
pub mod validation;
pub mod zeroizing_alloc;

/// Every heap block this process frees is zeroed first (feature `zeroizing-allocator`, on
/// in the shipped C/JNI library; see [`zeroizing_alloc`]).
#[cfg(feature = "zeroizing-allocator")]
#[global_allocator]
static GLOBAL_ALLOCATOR: zeroizing_alloc::ZeroizingAllocator =
    zeroizing_alloc::ZeroizingAllocator::new();

// Transport: sending reports (uses the core).
pub mod transport;

#[cfg(feature = "test-server")]
pub mod test_server;

// Bindings: thin layers over the core and transport.
#[cfg(feature = "capi")]
pub mod ffi;
#[cfg(feature = "jni")]
mod jni;

pub use config::{ConfigSources, Configuration, Origin, Provenance};
pub use credentials::{ApiUrl, Credentials};
pub use diagnostics::ConfigWarning;
pub use error::{ConfigError, TokenError};
pub use events::{Level, Record, Sink};
pub use headers::{Accept, AuthHeaders, Base64Alphabet, HeaderOptions};
pub use secret::{Fingerprint, Secret, SecretBytes};
pub use store::{CredentialStore, KeyChange, RotationReport, Snapshot, SnapshotReader};
