//! The authentication headers every report carries, computed once per credential snapshot.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};

use crate::credentials::Credentials;
use crate::secret::Secret;

/// The `Authorization` header name.
pub const AUTHORIZATION: &str = "Authorization";
/// The `API-Key` header name.
pub const API_KEY: &str = "API-Key";
/// The `Accept` header name.
pub const ACCEPT: &str = "Accept";
/// The `User-Agent` header name.
pub const USER_AGENT: &str = "User-Agent";
/// The `User-Agent` value: this library and its version.
pub const USER_AGENT_VALUE: &str = concat!("contrast-auth/", env!("CARGO_PKG_VERSION"));

/// The base64 alphabet for the `Authorization` value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Base64Alphabet {
    /// Standard padded base64 (RFC 4648 §4), as the Java agent sends it.
    #[default]
    Standard,
    /// URL-safe padded base64 (RFC 4648 §5), as the Python agent sends it.
    UrlSafe,
}

/// The media type asked for in `Accept`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Accept {
    /// `application/json`.
    #[default]
    Json,
    /// `application/xml`.
    Xml,
}

impl Accept {
    /// The header value.
    pub fn as_str(self) -> &'static str {
        match self {
            Accept::Json => "application/json",
            Accept::Xml => "application/xml",
        }
    }
}

/// How header values are formed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HeaderOptions {
    /// The alphabet of the `Authorization` value.
    pub alphabet: Base64Alphabet,
    /// The `Accept` value.
    pub accept: Accept,
}

/// `base64(user_name:service_key)`, without a `Basic ` prefix, in a buffer sized exactly.
pub fn authorization_value(user_name: &str, service_key: &str, alphabet: Base64Alphabet) -> Secret {
    let plain_len = user_name.len() + 1 + service_key.len();
    let mut plain = zeroize::Zeroizing::new(Vec::with_capacity(plain_len));
    plain.extend_from_slice(user_name.as_bytes());
    plain.push(b':');
    plain.extend_from_slice(service_key.as_bytes());
    let encoded_len =
        base64::encoded_len(plain_len, true).expect("header value length fits in usize");
    let mut out = String::with_capacity(encoded_len);
    match alphabet {
        Base64Alphabet::Standard => STANDARD.encode_string(plain.as_slice(), &mut out),
        Base64Alphabet::UrlSafe => URL_SAFE.encode_string(plain.as_slice(), &mut out),
    }
    Secret::new(out)
}

/// The header values of one credential snapshot. Reading them allocates nothing.
#[derive(Debug)]
pub struct AuthHeaders {
    authorization: Secret,
    api_key: Secret,
    accept: Accept,
}

impl AuthHeaders {
    /// Computes the values for `credentials`.
    pub fn new(credentials: &Credentials, options: HeaderOptions) -> Self {
        AuthHeaders {
            authorization: authorization_value(
                credentials.user_name().expose_secret(),
                credentials.service_key().expose_secret(),
                options.alphabet,
            ),
            api_key: credentials.api_key().duplicate(),
            accept: options.accept,
        }
    }

    /// The `Authorization` value (a secret).
    pub fn authorization(&self) -> &Secret {
        &self.authorization
    }

    /// The `API-Key` value (a secret).
    pub fn api_key(&self) -> &Secret {
        &self.api_key
    }

    /// The `Accept` value.
    pub fn accept(&self) -> &'static str {
        self.accept.as_str()
    }

    /// The `User-Agent` value.
    pub fn user_agent(&self) -> &'static str {
        USER_AGENT_VALUE
    }
}
