//! The Node.js addon of contrast-auth (`@contrast/auth`): a thin napi-rs bridge over the
//! library's core and transport, as `src/jni/` is for the JVM. It converts arguments and
//! results and maps errors, nothing more; the JavaScript package (`lib/`) adds the typed error
//! classes, argument type checks, the logger routing and the platform loader.
//!
//! - [`auth`]: `NativeAuth`, the handle (creation, headers, signing, rotation, reload).
//! - [`send`]: `send` as async work on libuv's thread pool.
//! - [`log`]: log records to JavaScript through a weak thread-safe function.
//! - [`counters`]: the transport's counters, one line per field.
//! - [`error`]: error codes and the panic boundary.

#![deny(clippy::unwrap_used)]
// napi-derive registers the exports only outside `cfg(test)`: unit-test builds see them unused.
#![cfg_attr(test, allow(dead_code))]

mod auth;
mod counters;
mod error;
mod log;
mod send;

use napi_derive::napi;

/// The library's version (the loader refuses a binary whose version differs from the package's).
#[napi(js_name = "nativeVersion")]
pub fn native_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
