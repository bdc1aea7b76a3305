//! The proxy as the Java and .NET agents accept it: either `api.proxy.url`, or the parts
//! `api.proxy.host`, `port`, `scheme`, `user`, `pass` and `auth_type` (never both).

use std::collections::HashMap;
use std::fmt::Write as _;

use zeroize::Zeroizing;

use crate::error::ConfigError;
use crate::secret::Secret;
use crate::setting::{Origin, RawValue, keys};
use crate::validation::{parse_bool, validate_value};

/// The proxy to reach the server through. Its URL may hold credentials: a secret.
#[derive(Debug)]
pub struct ProxySettings {
    url: Secret,
    display: String,
    has_credentials: bool,
}

impl ProxySettings {
    /// A copy (explicit, as for every value that holds a secret).
    pub fn duplicate(&self) -> Self {
        ProxySettings {
            url: self.url.duplicate(),
            display: self.display.clone(),
            has_credentials: self.has_credentials,
        }
    }

    /// Parses an `http://` or `https://` proxy URL, optionally with `user:password@`.
    pub fn parse(value: &str) -> Result<Self, ConfigError> {
        Self::parse_as(value, keys::PROXY_URL)
    }

    /// [`ProxySettings::parse`], naming `key` in errors (the URL may be built from parts).
    fn parse_as(value: &str, key: &'static str) -> Result<Self, ConfigError> {
        let checked = validate_value(key, value, &Origin::Argument)?;
        // The URL parser is given no password (its copies would be freed unwiped).
        let (has_userinfo, public) = crate::secret::without_userinfo(checked.expose_secret());
        let parsed = url::Url::parse(&public).map_err(|e| ConfigError::InvalidSetting {
            key,
            reason: format!("not a valid URL ({e})"),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(ConfigError::InvalidSetting {
                key,
                reason: format!(
                    "unsupported proxy scheme{} (use http or https)",
                    crate::error::shown_scheme(parsed.scheme())
                ),
            });
        }
        let host = parsed.host_str().unwrap_or_default();
        if host.is_empty() {
            return Err(ConfigError::InvalidSetting {
                key,
                reason: "no host".into(),
            });
        }
        let port = parsed.port_or_known_default().unwrap_or(80);
        let has_credentials = has_userinfo;
        let display = format!(
            "{}://{}{host}:{port}",
            parsed.scheme(),
            if has_credentials { "[REDACTED]@" } else { "" }
        );
        // The parsed URL's own buffer holds the credentials too: wipe it.
        drop(Zeroizing::new(String::from(parsed)));
        Ok(ProxySettings {
            url: checked,
            display,
            has_credentials,
        })
    }

    /// The full proxy URL, credentials included.
    pub fn url(&self) -> &Secret {
        &self.url
    }

    /// The proxy URL with any credentials replaced by `[REDACTED]` (safe to log).
    pub fn redacted(&self) -> &str {
        &self.display
    }

    /// Whether the URL carries a user name or password.
    pub fn has_credentials(&self) -> bool {
        self.has_credentials
    }
}

/// The proxy settings from the values found, or `None` when no proxy is configured or
/// `api.proxy.enable` is false.
pub(super) fn resolve(
    found: &HashMap<&'static str, RawValue>,
    describe_search: &dyn Fn(&str) -> String,
) -> Result<Option<ProxySettings>, ConfigError> {
    let parts: Vec<&'static str> = keys::PROXY_PARTS
        .into_iter()
        .filter(|key| found.contains_key(key))
        .collect();
    let url = found.get(keys::PROXY_URL);
    if url.is_some() && !parts.is_empty() {
        return Err(ConfigError::InvalidSetting {
            key: keys::PROXY_URL,
            reason: format!(
                "is set together with {}: give the proxy either as {} or as its parts, not both",
                parts.join(", "),
                keys::PROXY_URL
            ),
        });
    }
    let enable = found
        .get(keys::PROXY_ENABLE)
        .map(|raw| parse_bool(keys::PROXY_ENABLE, raw.value.expose_secret()))
        .transpose()?;
    if enable == Some(false) {
        return Ok(None);
    }
    if let Some(raw) = url {
        return ProxySettings::parse(raw.value.expose_secret()).map(Some);
    }
    if parts.is_empty() {
        if enable == Some(true) {
            return Err(ConfigError::Missing {
                key: keys::PROXY_URL,
                searched: format!(
                    "{} is true and neither {} nor {} is set; {}",
                    keys::PROXY_ENABLE,
                    keys::PROXY_URL,
                    keys::PROXY_HOST,
                    describe_search(keys::PROXY_URL)
                ),
            });
        }
        return Ok(None);
    }
    from_parts(found, describe_search, &parts).map(Some)
}

/// Builds the proxy from its parts: host and port required, scheme `http` by default, Basic
/// credentials from user and pass (both or neither).
fn from_parts(
    found: &HashMap<&'static str, RawValue>,
    describe_search: &dyn Fn(&str) -> String,
    parts: &[&'static str],
) -> Result<ProxySettings, ConfigError> {
    let value = |key: &'static str| -> Result<Option<Secret>, ConfigError> {
        found
            .get(key)
            .map(|raw| validate_value(key, raw.value.expose_secret(), &raw.origin))
            .transpose()
    };
    let required = |key: &'static str| -> Result<Secret, ConfigError> {
        value(key)?.ok_or_else(|| ConfigError::Missing {
            key,
            searched: format!("{} is set; {}", parts.join(", "), describe_search(key)),
        })
    };
    let invalid = |key: &'static str, reason: String| ConfigError::InvalidSetting { key, reason };

    // The authentication type first: an unsupported scheme is the clearest error.
    let basic = match value(keys::PROXY_AUTH_TYPE)? {
        None => None,
        Some(kind) => match kind.expose_secret().to_ascii_lowercase().as_str() {
            "basic" => Some(()),
            "ntlm" => {
                return Err(invalid(
                    keys::PROXY_AUTH_TYPE,
                    "NTLM proxy authentication is not supported (only Basic is)".into(),
                ));
            }
            "digest" => {
                return Err(invalid(
                    keys::PROXY_AUTH_TYPE,
                    "Digest proxy authentication is not supported (only Basic is)".into(),
                ));
            }
            _ => {
                return Err(invalid(
                    keys::PROXY_AUTH_TYPE,
                    "unknown proxy authentication type (only Basic is supported)".into(),
                ));
            }
        },
    };

    let host = required(keys::PROXY_HOST)?;
    let host = host_for_url(host.expose_secret())
        .ok_or_else(|| invalid(keys::PROXY_HOST, "is not a host name or IP address".into()))?;
    let port = required(keys::PROXY_PORT)?;
    let port: u16 = port
        .expose_secret()
        .parse()
        .ok()
        .filter(|p| *p != 0)
        .ok_or_else(|| invalid(keys::PROXY_PORT, "expected a port number 1-65535".into()))?;
    let scheme = match value(keys::PROXY_SCHEME)? {
        None => "http".to_string(),
        Some(s) => match s.expose_secret().to_ascii_lowercase().as_str() {
            scheme @ ("http" | "https") => scheme.to_string(),
            _ => {
                return Err(invalid(
                    keys::PROXY_SCHEME,
                    "unsupported proxy scheme (use http or https)".into(),
                ));
            }
        },
    };

    let user = value(keys::PROXY_USER)?;
    let pass = value(keys::PROXY_PASS)?;
    let credentials = match (user, pass) {
        (Some(user), Some(pass)) => Some((user, pass)),
        (None, None) => None,
        (Some(_), None) => {
            return Err(invalid(
                keys::PROXY_USER,
                format!("is set without {}", keys::PROXY_PASS),
            ));
        }
        (None, Some(_)) => {
            return Err(invalid(
                keys::PROXY_PASS,
                format!("is set without {}", keys::PROXY_USER),
            ));
        }
    };
    if basic.is_some() && credentials.is_none() {
        return Err(invalid(
            keys::PROXY_AUTH_TYPE,
            format!(
                "is Basic but {} and {} are not set",
                keys::PROXY_USER,
                keys::PROXY_PASS
            ),
        ));
    }

    let mut url = Zeroizing::new(String::with_capacity(64));
    let _ = write!(url, "{scheme}://");
    if let Some((user, pass)) = &credentials {
        if user.expose_secret().contains(':') {
            return Err(invalid(
                keys::PROXY_USER,
                "contains `:`, which cannot appear in a Basic user name".into(),
            ));
        }
        percent_encode(user.expose_secret(), &mut url);
        url.push(':');
        percent_encode(pass.expose_secret(), &mut url);
        url.push('@');
    }
    let _ = write!(url, "{host}:{port}");
    ProxySettings::parse_as(&url, keys::PROXY_HOST)
}

/// The host as it goes into a URL (IPv6 addresses bracketed), if it looks like a host.
fn host_for_url(host: &str) -> Option<String> {
    let bad = |c: char| c.is_whitespace() || matches!(c, '/' | '@' | '?' | '#' | '\\' | '%');
    if host.is_empty() || host.chars().any(bad) {
        return None;
    }
    if host.starts_with('[') {
        return host.ends_with(']').then(|| host.to_string());
    }
    if host.contains(':') {
        return host
            .parse::<std::net::Ipv6Addr>()
            .ok()
            .map(|_| format!("[{host}]"));
    }
    Some(host.to_string())
}

/// Appends `value` percent-encoded for a URL's userinfo (everything but RFC 3986
/// unreserved characters is escaped; ureq decodes it exactly once).
fn percent_encode(value: &str, out: &mut String) {
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_is_percent_encoded() {
        let mut out = String::new();
        percent_encode("a b:c@d%é", &mut out);
        assert_eq!(out, "a%20b%3Ac%40d%25%C3%A9");
    }

    #[test]
    fn hosts() {
        assert_eq!(host_for_url("proxy.local").as_deref(), Some("proxy.local"));
        assert_eq!(host_for_url("::1").as_deref(), Some("[::1]"));
        assert_eq!(host_for_url("[::1]").as_deref(), Some("[::1]"));
        assert_eq!(host_for_url("a/b"), None);
        assert_eq!(host_for_url("u@h"), None);
        assert_eq!(host_for_url("h:1"), None);
    }
}
