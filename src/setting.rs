//! The vocabulary every configuration module shares: the names of the keys, the environment
//! variable of a key, and where a value came from ([`Origin`]). The ground floor of
//! configuration: it depends on nothing else in the crate but [`crate::secret`], and every
//! module that reads, validates, reports or assembles configuration builds on it.

use std::fmt;
use std::path::PathBuf;

use crate::secret::Secret;

/// The configuration keys this crate reads, exactly as the agents spell them.
pub mod keys {
    /// The API base URL, including `/Contrast`; https only.
    pub const URL: &str = "api.url";
    /// The agent user name (layer 1).
    pub const USER_NAME: &str = "api.user_name";
    /// The agent user's service key (layer 1).
    pub const SERVICE_KEY: &str = "api.service_key";
    /// The organization API key (layer 2).
    pub const API_KEY: &str = "api.api_key";
    /// The agent token: base64 JSON of url, api_key, service_key, user_name.
    pub const TOKEN: &str = "api.token";
    /// A dedicated report-signing key: standard base64 of at least 32 random bytes.
    pub const SIGNING_KEY: &str = "api.signing_key";
    /// Whether to use the proxy.
    pub const PROXY_ENABLE: &str = "api.proxy.enable";
    /// The proxy URL, `http://[user:pass@]host:port`.
    pub const PROXY_URL: &str = "api.proxy.url";
    /// The proxy host, when the proxy is given as parts instead of `api.proxy.url`.
    pub const PROXY_HOST: &str = "api.proxy.host";
    /// The proxy port (with `api.proxy.host`).
    pub const PROXY_PORT: &str = "api.proxy.port";
    /// The proxy scheme, `http` (default) or `https` (with `api.proxy.host`).
    pub const PROXY_SCHEME: &str = "api.proxy.scheme";
    /// The proxy user name (a secret; with `api.proxy.host`).
    pub const PROXY_USER: &str = "api.proxy.user";
    /// The proxy password (a secret; with `api.proxy.host`).
    pub const PROXY_PASS: &str = "api.proxy.pass";
    /// The proxy authentication scheme: `Basic` (default with a user); NTLM and Digest are refused.
    pub const PROXY_AUTH_TYPE: &str = "api.proxy.auth_type";
    /// Whether the certificate settings below apply.
    pub const CERTIFICATE_ENABLE: &str = "api.certificate.enable";
    /// A PEM bundle of CA certificates to trust (on-premises servers).
    pub const CERTIFICATE_CA_FILE: &str = "api.certificate.ca_file";
    /// A PEM client certificate chain for mutual TLS.
    pub const CERTIFICATE_CERT_FILE: &str = "api.certificate.cert_file";
    /// The PEM private key for `cert_file`.
    pub const CERTIFICATE_KEY_FILE: &str = "api.certificate.key_file";
    /// Disables certificate verification (dangerous; honoured only when set explicitly).
    pub const CERTIFICATE_IGNORE_ERRORS: &str = "api.certificate.ignore_cert_errors";
    /// Connect and read timeout in milliseconds.
    pub const TIMEOUT_MS: &str = "api.timeout_ms";

    /// The proxy parts, in documentation order (any of them excludes `api.proxy.url`).
    pub const PROXY_PARTS: [&str; 6] = [
        PROXY_HOST,
        PROXY_PORT,
        PROXY_SCHEME,
        PROXY_USER,
        PROXY_PASS,
        PROXY_AUTH_TYPE,
    ];

    /// The configuration file path as a host setting (`contrast.config.path`, the JVM form of
    /// `CONTRAST_CONFIG_PATH`). Not a file key: it names the file. Shown in provenance.
    pub const CONFIG_PATH: &str = "config.path";

    /// Every key, in documentation order.
    pub const ALL: [&str; 20] = [
        URL,
        USER_NAME,
        SERVICE_KEY,
        API_KEY,
        TOKEN,
        SIGNING_KEY,
        PROXY_ENABLE,
        PROXY_URL,
        PROXY_HOST,
        PROXY_PORT,
        PROXY_SCHEME,
        PROXY_USER,
        PROXY_PASS,
        PROXY_AUTH_TYPE,
        CERTIFICATE_ENABLE,
        CERTIFICATE_CA_FILE,
        CERTIFICATE_CERT_FILE,
        CERTIFICATE_KEY_FILE,
        CERTIFICATE_IGNORE_ERRORS,
        TIMEOUT_MS,
    ];
}

/// The environment variable for a key: `CONTRAST__` + the key upper-cased, `.` → `__`.
pub fn environment_variable(key: &str) -> String {
    format!("CONTRAST__{}", key.to_ascii_uppercase().replace('.', "__"))
}

/// Where a configuration value came from. Printing it never prints the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Set by the host program (e.g. the JVM system property `contrast.api.api_key`).
    Host(String),
    /// An environment variable.
    Environment(String),
    /// A YAML configuration file.
    File(PathBuf),
    /// Inside `api.token`, which itself came from the inner origin.
    Token(Box<Origin>),
    /// Passed directly as an argument (e.g. `contrast_auth_new`).
    Argument,
    /// Set by a key rotation.
    Rotation,
    /// The built-in default.
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Host(name) => write!(f, "host setting {name}"),
            Origin::Environment(name) => write!(f, "environment {name}"),
            Origin::File(path) => write!(f, "{}", path.display()),
            Origin::Token(inner) => write!(f, "api.token in {inner}"),
            Origin::Argument => f.write_str("argument"),
            Origin::Rotation => f.write_str("rotation"),
            Origin::Default => f.write_str("default"),
        }
    }
}

/// A raw value found in a source, before validation.
pub(crate) struct RawValue {
    /// The value as found (a secret until proven otherwise).
    pub(crate) value: Secret,
    /// Where it was found.
    pub(crate) origin: Origin,
}
