//! The one result type of the C ABI and its static messages.

use std::ffi::c_char;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::ConfigError;

/// The result of every fallible C function. `CONTRAST_RESULT_OK` (0) is success.
///
/// Values are explicit and never reused: a retired value stays reserved (listed as a
/// comment here). Compare against the named constants, never against message text.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum contrast_result {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullArgument = 1,
    /// A string argument was not valid UTF-8.
    InvalidUtf8 = 2,
    /// An argument was unusable: empty, CR/LF or another control character, a colon in the
    /// user name, a malformed URL, an index out of range, nothing to rotate.
    InvalidArgument = 3,
    /// The caller's buffer cannot hold the value and its NUL; `*out_len` holds the length
    /// needed (without the NUL) and nothing else was written. Also the answer to a size
    /// probe (`buf == NULL` with `len == 0`).
    BufferTooSmall = 4,
    /// The configuration could not be loaded: a required key is missing, a file is
    /// unreadable or malformed, a setting is invalid.
    Config = 5,
    /// The URL is not `https://`: credentials are only ever sent over TLS.
    TlsRequired = 6,
    /// The server refused the credentials (HTTP 401, 403 or 412).
    CredentialsRejected = 7,
    /// The server could not be reached (connection, DNS, timeout, proxy).
    Network = 8,
    /// A panic was caught inside the library (a bug; the handle stays usable).
    Panic = 9,
    /// The agent token is not standard base64 of the expected JSON object.
    InvalidToken = 10,
    /// The TLS handshake failed (untrusted certificate, protocol error).
    Tls = 11,
    /// The server answered with an error status other than a credential rejection.
    HttpStatus = 12,
    /// The request could not be signed (e.g. an unsupported method or URL).
    Signing = 13,
    /// No header of that name is in the list.
    NotFound = 14,
}

impl contrast_result {
    /// The static, NUL-terminated message for this result.
    pub(crate) fn message(self) -> &'static str {
        match self {
            contrast_result::Ok => "success\0",
            contrast_result::NullArgument => "a required pointer argument was NULL\0",
            contrast_result::InvalidUtf8 => "a string argument is not valid UTF-8\0",
            contrast_result::InvalidArgument => {
                "an argument is unusable (empty, CR/LF or control character, malformed)\0"
            }
            contrast_result::BufferTooSmall => {
                "the buffer is too small; *out_len holds the length needed without the NUL\0"
            }
            contrast_result::Config => "the configuration could not be loaded\0",
            contrast_result::TlsRequired => "the URL must use https:// (TLS is required)\0",
            contrast_result::CredentialsRejected => {
                "the server rejected the credentials (HTTP 401, 403 or 412)\0"
            }
            contrast_result::Network => "the server could not be reached\0",
            contrast_result::Panic => "a panic was caught inside contrast-auth (a bug)\0",
            contrast_result::InvalidToken => {
                "the agent token is not standard base64 of the expected JSON object\0"
            }
            contrast_result::Tls => "the TLS handshake failed\0",
            contrast_result::HttpStatus => "the server answered with an error status\0",
            contrast_result::Signing => "the request could not be signed\0",
            contrast_result::NotFound => "no header of that name\0",
        }
    }

    /// The result whose value is `code`, if any.
    pub(crate) fn from_code(code: u32) -> Option<Self> {
        use contrast_result as R;
        const ALL: [contrast_result; 15] = [
            R::Ok,
            R::NullArgument,
            R::InvalidUtf8,
            R::InvalidArgument,
            R::BufferTooSmall,
            R::Config,
            R::TlsRequired,
            R::CredentialsRejected,
            R::Network,
            R::Panic,
            R::InvalidToken,
            R::Tls,
            R::HttpStatus,
            R::Signing,
            R::NotFound,
        ];
        ALL.into_iter().find(|r| *r as u32 == code)
    }
}

const UNKNOWN_RESULT: &str = "unknown contrast_result value\0";

/// A static, NUL-terminated English message for `result`. Never NULL, never freed by the
/// caller, valid for the life of the process; safe for any integer (unknown values get a
/// message saying so). Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn contrast_result_message(result: u32) -> *const c_char {
    // The panic boundary of this export is written out: `boundary::guard_value` is built on
    // this module (its failures carry a `contrast_result`), so this module cannot use it.
    catch_unwind(AssertUnwindSafe(|| {
        let message = contrast_result::from_code(result).map_or(UNKNOWN_RESULT, |r| r.message());
        message.as_ptr().cast()
    }))
    .unwrap_or(UNKNOWN_RESULT.as_ptr().cast())
}

/// The result a configuration error maps to.
pub(crate) fn config_result(error: &ConfigError) -> contrast_result {
    match error {
        ConfigError::TlsRequired { .. } => contrast_result::TlsRequired,
        ConfigError::InvalidToken { .. } => contrast_result::InvalidToken,
        ConfigError::Empty { .. }
        | ConfigError::InvalidCharacter { .. }
        | ConfigError::ColonInUserName { .. }
        | ConfigError::InvalidUrl { .. }
        | ConfigError::InvalidArgument { .. } => contrast_result::InvalidArgument,
        _ => contrast_result::Config,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn message(code: u32) -> String {
        // SAFETY: contrast_result_message returns a static NUL-terminated string.
        unsafe { CStr::from_ptr(contrast_result_message(code)) }
            .to_str()
            .expect("messages are UTF-8")
            .to_string()
    }

    #[test]
    fn every_code_has_its_own_message_and_unknown_codes_are_safe() {
        let mut seen = std::collections::HashSet::new();
        for code in 0..15u32 {
            let r = contrast_result::from_code(code).expect("codes 0..=14 are assigned");
            assert_eq!(r as u32, code);
            assert!(seen.insert(message(code)), "duplicate message for {code}");
        }
        for code in [15, 99, 0x7fff_ffff, u32::MAX] {
            assert!(contrast_result::from_code(code).is_none());
            assert_eq!(message(code), "unknown contrast_result value");
        }
        assert!(message(4).contains("out_len"));
    }

    #[test]
    fn config_errors_map_to_specific_results() {
        let tls = ConfigError::TlsRequired {
            scheme: "http".into(),
            origin: "argument".into(),
        };
        assert_eq!(config_result(&tls), contrast_result::TlsRequired);
        let missing = ConfigError::Missing {
            key: "api.api_key",
            searched: String::new(),
        };
        assert_eq!(config_result(&missing), contrast_result::Config);
    }
}
