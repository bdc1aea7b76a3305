//! Typed errors. No error ever carries a secret value: only key names, sources,
//! fingerprints and reasons.

use std::fmt;
use std::path::PathBuf;

/// What is wrong with a configuration value or source.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// A required key was set nowhere. `searched` lists where it was looked for.
    Missing {
        /// The configuration key, e.g. `api.api_key`.
        key: &'static str,
        /// Where it was looked for.
        searched: String,
    },
    /// A key was set to an empty (or all-whitespace) value.
    Empty {
        /// The configuration key.
        key: &'static str,
        /// Where the value came from.
        origin: String,
    },
    /// A value holds a character that cannot go into an HTTP header (CR, LF, other controls).
    InvalidCharacter {
        /// The configuration key.
        key: &'static str,
        /// Which character, e.g. `CR`, `LF`, `control character U+0000`.
        character: String,
        /// Where the value came from.
        origin: String,
    },
    /// The user name contains `:`, which would make the `Authorization` value ambiguous.
    ColonInUserName {
        /// Where the value came from.
        origin: String,
    },
    /// Several required keys were set nowhere (each is named; `searched` lists where).
    MissingKeys {
        /// The configuration keys, in documentation order.
        keys: Vec<&'static str>,
        /// Where they were looked for.
        searched: String,
    },
    /// `api.url` is not `https://`: the credentials only travel over TLS.
    TlsRequired {
        /// The scheme that was given (e.g. `http`), empty when longer than
        /// [`MAX_SHOWN_SCHEME`] (a secret pasted into the URL must not reach a message).
        scheme: String,
        /// Where the URL came from (e.g. `environment CONTRAST__API__URL`).
        origin: String,
    },
    /// `api.url` is not a valid URL.
    InvalidUrl {
        /// Why.
        reason: String,
        /// Where the URL came from.
        origin: String,
    },
    /// `api.token` is malformed.
    InvalidToken {
        /// What is wrong with it.
        error: TokenError,
        /// Where the token came from (e.g. `environment CONTRAST__API__TOKEN`).
        origin: String,
    },
    /// A typed setting (boolean, number, path) could not be parsed or is out of range.
    InvalidSetting {
        /// The configuration key.
        key: &'static str,
        /// Why (never the value when the key is a secret).
        reason: String,
    },
    /// A file named by a key (CA bundle, client certificate, private key) cannot be read.
    UnreadableFile {
        /// The key naming the file, e.g. `api.certificate.ca_file`.
        key: &'static str,
        /// The file.
        path: PathBuf,
        /// Where the key was set, when known.
        origin: Option<String>,
        /// Why (the kind of I/O error).
        reason: String,
    },
    /// A configuration file could not be read or parsed.
    File {
        /// The file.
        path: PathBuf,
        /// Why (location and kind only, never content).
        reason: String,
    },
    /// A value was passed that the caller may not set this way (unknown key, bad argument).
    InvalidArgument {
        /// Which argument.
        name: &'static str,
        /// Why.
        reason: String,
    },
}

/// What is wrong with an `api.token`. Never includes the token's content.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenError {
    /// Not strict, padded, standard base64.
    Base64 {
        /// Why (position and kind of the first bad byte).
        reason: String,
    },
    /// The decoded bytes are not UTF-8 JSON, or not a JSON object of strings.
    Json {
        /// Why (line, column and category only).
        reason: String,
    },
    /// A required field is absent.
    MissingField(&'static str),
    /// A field that the token format does not have.
    UnknownField(String),
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenError::Base64 { reason } => write!(f, "not valid standard base64: {reason}"),
            TokenError::Json { reason } => write!(f, "not a JSON object of strings: {reason}"),
            TokenError::MissingField(field) => write!(f, "the field `{field}` is missing"),
            TokenError::UnknownField(field) => write!(
                f,
                "unexpected field `{field}` (a token has exactly url, api_key, service_key, user_name)"
            ),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Missing { key, searched } => {
                write!(f, "`{key}` is not set (looked in: {searched})")
            }
            ConfigError::MissingKeys { keys, searched } => {
                let names: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
                write!(
                    f,
                    "{} are not set (looked in: {searched})",
                    names.join(", ")
                )
            }
            ConfigError::Empty { key, origin } => write!(f, "`{key}` is empty ({origin})"),
            ConfigError::InvalidCharacter {
                key,
                character,
                origin,
            } => write!(
                f,
                "`{key}` contains a {character}, which is not allowed in an HTTP header value ({origin})"
            ),
            ConfigError::ColonInUserName { origin } => write!(
                f,
                "`api.user_name` contains `:`, which cannot appear in user_name:service_key ({origin})"
            ),
            ConfigError::TlsRequired { scheme, origin } => write!(
                f,
                "`api.url` must use https (TLS is required for credentials), got{} ({origin})",
                shown_scheme(scheme)
            ),
            ConfigError::InvalidUrl { reason, origin } => {
                write!(f, "`api.url` is not a valid URL ({origin}): {reason}")
            }
            ConfigError::InvalidToken { error, origin } => {
                write!(f, "`api.token` is malformed ({origin}): {error}")
            }
            ConfigError::UnreadableFile {
                key,
                path,
                origin,
                reason,
            } => {
                write!(
                    f,
                    "`{key}` names {}, which cannot be read: {reason}",
                    path.display()
                )?;
                match origin {
                    Some(origin) => write!(f, " (set in {origin})"),
                    None => Ok(()),
                }
            }
            ConfigError::InvalidSetting { key, reason } => {
                write!(f, "`{key}` is invalid: {reason}")
            }
            ConfigError::File { path, reason } => {
                write!(f, "configuration file {}: {reason}", path.display())
            }
            ConfigError::InvalidArgument { name, reason } => {
                write!(f, "invalid argument `{name}`: {reason}")
            }
        }
    }
}

impl std::error::Error for ConfigError {}

impl From<TokenError> for ConfigError {
    /// A token passed directly as an argument (the loader names other sources itself).
    fn from(error: TokenError) -> Self {
        ConfigError::InvalidToken {
            error,
            origin: crate::setting::Origin::Argument.to_string(),
        }
    }
}

/// The longest URL scheme an error message repeats (`http`, `ftp`, `wss`, ...): a longer
/// one may be a secret pasted into the URL slot by mistake.
pub const MAX_SHOWN_SCHEME: usize = 8;

/// `scheme` if short enough to show, else empty (see [`MAX_SHOWN_SCHEME`]).
pub(crate) fn bounded_scheme(scheme: &str) -> String {
    if scheme.len() <= MAX_SHOWN_SCHEME {
        scheme.to_string()
    } else {
        String::new()
    }
}

/// ` `scheme://`` for a message, or ` another scheme` when it is not shown.
pub(crate) fn shown_scheme(scheme: &str) -> String {
    match bounded_scheme(scheme) {
        s if s.is_empty() => " another scheme".to_string(),
        s => format!(" `{s}://`"),
    }
}
