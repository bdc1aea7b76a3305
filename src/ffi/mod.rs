//! The C ABI (feature `capi`): thin exports over the core, declared in
//! `include/contrast_auth.h`.
//!
//! Every export catches panics ([`contrast_result::Panic`]), checks every pointer
//! ([`contrast_result::NullArgument`]), rejects invalid UTF-8, writes its outputs only on
//! success, and may be called from many threads at once on one handle. No logic lives
//! here: arguments are converted, the core is called, errors are mapped.
//!
//! Conventions (also in `docs/c-api.md`):
//! - A `contrast_auth *` is created by a `contrast_auth_new*`/`_from_*` function and released
//!   exactly once by `contrast_auth_free` (NULL is fine).
//! - Strings going in are NUL-terminated UTF-8 and only borrowed for the call.
//! - Header values coming out are copied into caller buffers (`buf`, `len`, `*out_len`),
//!   or returned in a library-allocated `contrast_headers` released by
//!   `contrast_headers_free`, which zeroizes the values first.

// C names (`contrast_auth`, `contrast_result`) are the ABI.
#![allow(non_camel_case_types)]
// A bridge never unwraps: every failure becomes a contrast_result.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
#![deny(clippy::undocumented_unsafe_blocks)]

mod auth;
mod boundary;
mod counters;
mod headers;
mod log;
mod options;
mod result;
mod send;
mod sign;
mod trust;
mod version;

pub use auth::*;
pub use counters::*;
pub use headers::*;
pub use log::*;
pub use options::*;
pub use result::*;
pub use send::*;
pub use sign::*;
pub use trust::*;
pub use version::*;

#[cfg(test)]
mod tests;

// The header promises that handles and header lists may be used from many threads at once.
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<auth::contrast_auth>();
    shareable::<headers::contrast_headers>();
};
