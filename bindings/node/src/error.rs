//! The bridge's one error policy: every failure becomes a JavaScript `Error` whose `code` names
//! its kind (the JavaScript side turns the code into a typed class, `lib/errors.js`); a panic is
//! caught at the boundary and becomes code `PANIC`. Messages come from the core's `Display`,
//! which never holds a secret.

use std::panic::{AssertUnwindSafe, catch_unwind};

use contrast_auth::error::ConfigError;
use contrast_auth::signing::SignError;
use contrast_auth::transport::SendError;

/// A JavaScript error with a stable `code` (one of the constants below).
pub(crate) type Error = napi::Error<&'static str>;

/// What every export returns (named `Result` so napi-derive throws the error).
pub(crate) type Result<T> = std::result::Result<T, Error>;

/// The `code` strings, matched by `lib/errors.js`.
pub(crate) mod code {
    /// The configuration or credentials are unusable.
    pub const CONFIG: &str = "CONFIG";
    /// `api.token` is malformed.
    pub const INVALID_TOKEN: &str = "INVALID_TOKEN";
    /// `api.url` is not `https://`.
    pub const TLS_REQUIRED: &str = "TLS_REQUIRED";
    /// An argument is unusable (CR/LF or NUL in a method, a nonce of the wrong length, ...).
    pub const INVALID_ARGUMENT: &str = "INVALID_ARGUMENT";
    /// A request could not be signed.
    pub const SIGNING: &str = "SIGNING";
    /// The handle was closed.
    pub const CLOSED: &str = "CLOSED";
    /// The server refused the credentials (401, 403, 412).
    pub const CREDENTIALS_REJECTED: &str = "CREDENTIALS_REJECTED";
    /// The server answered an error status (retries ran out, or not retried).
    pub const HTTP_STATUS: &str = "HTTP_STATUS";
    /// The server could not be reached, or the exchange failed or timed out.
    pub const NETWORK: &str = "NETWORK";
    /// The TLS handshake failed.
    pub const TLS: &str = "TLS";
    /// A panic in the native code was caught (a bug).
    pub const PANIC: &str = "PANIC";
    /// A Node-API call failed (e.g. while the environment shuts down).
    pub const NAPI: &str = "NAPI";
}

/// An error with this code and message (prefixed `contrast-auth: `).
pub(crate) fn error(code: &'static str, message: impl std::fmt::Display) -> Error {
    napi::Error::new(code, format!("contrast-auth: {message}"))
}

/// An unusable argument, named.
pub(crate) fn invalid_argument(name: &str, reason: &str) -> Error {
    error(
        code::INVALID_ARGUMENT,
        format_args!("invalid argument `{name}`: {reason}"),
    )
}

/// A failed Node-API call.
pub(crate) fn napi(e: napi::Error) -> Error {
    error(
        code::NAPI,
        format_args!("Node-API call failed: {}", e.reason),
    )
}

/// The code of a configuration error.
pub(crate) fn config_code(e: &ConfigError) -> &'static str {
    match e {
        ConfigError::TlsRequired { .. } => code::TLS_REQUIRED,
        ConfigError::InvalidToken { .. } => code::INVALID_TOKEN,
        _ => code::CONFIG,
    }
}

/// A configuration error as a JavaScript error.
pub(crate) fn config(e: ConfigError) -> Error {
    error(config_code(&e), &e)
}

/// A signing error as a JavaScript error.
pub(crate) fn sign(e: SignError) -> Error {
    error(code::SIGNING, &e)
}

/// The code of a failed report.
pub(crate) fn send_code(e: &SendError) -> &'static str {
    match e {
        SendError::Config(c) => config_code(c),
        SendError::InvalidRequest { .. } => code::INVALID_ARGUMENT,
        SendError::CredentialsRejected { .. } => code::CREDENTIALS_REJECTED,
        SendError::Status { .. } => code::HTTP_STATUS,
        SendError::Tls { .. } => code::TLS,
        SendError::Signing { .. } => code::SIGNING,
        _ => code::NETWORK,
    }
}

/// Runs `body`, turning a panic into an error with code `PANIC` (the payload may name internal
/// state and is not shown). Nothing unwinds into Node.
pub(crate) fn guard<T>(body: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|payload| {
        // Dropping the payload could itself panic: it is forgotten.
        std::mem::forget(payload);
        Err(error(
            code::PANIC,
            "internal error (a panic in the native addon was caught)",
        ))
    })
}
