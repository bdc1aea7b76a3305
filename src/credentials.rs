//! Validated credentials: the API URL and both layers (user name + service key, API key),
//! plus an optional dedicated signing key.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use crate::config::{Origin, keys};
use crate::error::ConfigError;
use crate::secret::{Fingerprint, Secret, SecretBytes};
use crate::signing::key::MIN_CONFIGURED_KEY_LEN;
use crate::token;

/// The Contrast API base URL (`api.url`, including `/Contrast`): https only.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiUrl {
    url: url::Url,
}

impl ApiUrl {
    /// Parses and validates `value`: `https://` with a host, no user info, no fragment.
    /// A trailing `/` is dropped so that paths join cleanly.
    pub fn parse(value: &str) -> Result<Self, ConfigError> {
        ApiUrl::parse_from(value, &Origin::Argument)
    }

    /// Like [`ApiUrl::parse`], naming `origin` (where the value came from) in errors.
    pub fn parse_from(value: &str, origin: &Origin) -> Result<Self, ConfigError> {
        let value = value.trim_matches([' ', '\t']);
        let invalid = |reason: String| ConfigError::InvalidUrl {
            reason,
            origin: origin.to_string(),
        };
        // User info is refused before parsing: the parser would copy a password and free
        // the copies unwiped.
        if crate::secret::without_userinfo(value).0 {
            return Err(user_info_refused(origin));
        }
        let url = url::Url::parse(value).map_err(|e| invalid(e.to_string()))?;
        if url.scheme() != "https" {
            return Err(ConfigError::TlsRequired {
                scheme: crate::error::bounded_scheme(url.scheme()),
                origin: origin.to_string(),
            });
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(invalid("no host".into()));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(user_info_refused(origin));
        }
        if url.fragment().is_some() || url.query().is_some() {
            return Err(invalid(
                "a query or fragment is not allowed in the base URL".into(),
            ));
        }
        let mut url = url;
        let trimmed = url.path().trim_end_matches('/').to_string();
        url.set_path(&trimmed);
        Ok(ApiUrl { url })
    }

    /// The URL as text, without a trailing slash (safe to log).
    pub fn as_str(&self) -> &str {
        self.url.as_str().trim_end_matches('/')
    }

    /// The host name or address.
    pub fn host(&self) -> &str {
        self.url.host_str().unwrap_or_default()
    }

    /// The port, explicit or 443.
    pub fn port(&self) -> u16 {
        self.url.port_or_known_default().unwrap_or(443)
    }

    /// The base path (e.g. `/Contrast`), empty for the root.
    pub fn base_path(&self) -> &str {
        self.url.path().trim_end_matches('/')
    }

    /// Joins `path` (with or without a leading `/`, may carry a query) to the base URL.
    pub fn join(&self, path: &str) -> String {
        let mut out = String::with_capacity(self.as_str().len() + path.len() + 1);
        out.push_str(self.as_str());
        if !path.is_empty() && !path.starts_with('/') {
            out.push('/');
        }
        out.push_str(path);
        out
    }
}

impl fmt::Debug for ApiUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiUrl({})", self.as_str())
    }
}

impl fmt::Display for ApiUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn user_info_refused(origin: &Origin) -> ConfigError {
    ConfigError::InvalidUrl {
        reason: "user info is not allowed in the URL (use api.user_name / api.service_key)".into(),
        origin: origin.to_string(),
    }
}

/// Checks one credential value and returns it trimmed, as a secret.
///
/// Surrounding spaces and tabs are trimmed; an empty result, or a CR, LF or any other
/// control character anywhere, is an error naming the key and where the value came from.
pub fn validate_value(
    key: &'static str,
    value: &str,
    origin: &Origin,
) -> Result<Secret, ConfigError> {
    let trimmed = value.trim_matches([' ', '\t']);
    if trimmed.is_empty() {
        return Err(ConfigError::Empty {
            key,
            origin: origin.to_string(),
        });
    }
    if let Some(c) = trimmed.chars().find(|c| c.is_control()) {
        let character = match c {
            '\r' => "CR (carriage return)".to_string(),
            '\n' => "LF (line feed)".to_string(),
            c => format!("control character U+{:04X}", c as u32),
        };
        return Err(ConfigError::InvalidCharacter {
            key,
            character,
            origin: origin.to_string(),
        });
    }
    if key == keys::USER_NAME && trimmed.contains(':') {
        return Err(ConfigError::ColonInUserName {
            origin: origin.to_string(),
        });
    }
    Ok(Secret::from_str_exact(trimmed))
}

/// Decodes a configured `api.signing_key`: standard base64 of at least 32 bytes.
pub fn decode_signing_key(value: &str, origin: &Origin) -> Result<SecretBytes, ConfigError> {
    let checked = validate_value(keys::SIGNING_KEY, value, origin)?;
    let bytes = Zeroizing::new(STANDARD.decode(checked.expose_secret()).map_err(|_| {
        ConfigError::InvalidSetting {
            key: keys::SIGNING_KEY,
            reason: format!("not valid standard base64 ({origin})"),
        }
    })?);
    if bytes.len() < MIN_CONFIGURED_KEY_LEN {
        return Err(ConfigError::InvalidSetting {
            key: keys::SIGNING_KEY,
            reason: format!(
                "decodes to {} bytes; at least {MIN_CONFIGURED_KEY_LEN} random bytes are required ({origin})",
                bytes.len()
            ),
        });
    }
    Ok(SecretBytes::new(bytes.to_vec()))
}

/// The credentials an agent sends: URL, user name, service key (layer 1), API key (layer 2).
///
/// Immutable once built; rotation builds a new value. Debug output is redacted.
#[derive(Debug)]
pub struct Credentials {
    url: ApiUrl,
    user_name: Secret,
    service_key: Secret,
    api_key: Secret,
    signing_key: Option<SecretBytes>,
}

impl Credentials {
    /// Validates four values passed directly by the host program.
    pub fn new(
        url: &str,
        user_name: &str,
        service_key: &str,
        api_key: &str,
    ) -> Result<Self, ConfigError> {
        let origin = Origin::Argument;
        Ok(Credentials {
            url: ApiUrl::parse_from(
                validate_value(keys::URL, url, &origin)?.expose_secret(),
                &origin,
            )?,
            user_name: validate_value(keys::USER_NAME, user_name, &origin)?,
            service_key: validate_value(keys::SERVICE_KEY, service_key, &origin)?,
            api_key: validate_value(keys::API_KEY, api_key, &origin)?,
            signing_key: None,
        })
    }

    /// Decodes an agent token (`api.token`) and validates its four values.
    pub fn from_token(token_text: &str) -> Result<Self, ConfigError> {
        let fields = token::decode(token_text)?;
        let origin = Origin::Token(Box::new(Origin::Argument));
        Ok(Credentials {
            url: ApiUrl::parse_from(
                validate_value(keys::URL, fields.url.expose_secret(), &origin)?.expose_secret(),
                &origin,
            )?,
            user_name: validate_value(keys::USER_NAME, fields.user_name.expose_secret(), &origin)?,
            service_key: validate_value(
                keys::SERVICE_KEY,
                fields.service_key.expose_secret(),
                &origin,
            )?,
            api_key: validate_value(keys::API_KEY, fields.api_key.expose_secret(), &origin)?,
            signing_key: None,
        })
    }

    /// Assembles already-validated parts (used by configuration loading).
    pub(crate) fn from_parts(
        url: ApiUrl,
        user_name: Secret,
        service_key: Secret,
        api_key: Secret,
        signing_key: Option<SecretBytes>,
    ) -> Self {
        Credentials {
            url,
            user_name,
            service_key,
            api_key,
            signing_key,
        }
    }

    /// Adds a dedicated signing key: standard base64 of at least 32 random bytes.
    pub fn with_signing_key(mut self, base64_key: &str) -> Result<Self, ConfigError> {
        self.signing_key = Some(decode_signing_key(base64_key, &Origin::Argument)?);
        Ok(self)
    }

    /// A copy with one or both layers replaced (`None` keeps that layer). Validated.
    pub fn rotated(
        &self,
        service_key: Option<&str>,
        api_key: Option<&str>,
    ) -> Result<Self, ConfigError> {
        let origin = Origin::Rotation;
        Ok(Credentials {
            url: self.url.clone(),
            user_name: self.user_name.duplicate(),
            service_key: match service_key {
                Some(v) => validate_value(keys::SERVICE_KEY, v, &origin)?,
                None => self.service_key.duplicate(),
            },
            api_key: match api_key {
                Some(v) => validate_value(keys::API_KEY, v, &origin)?,
                None => self.api_key.duplicate(),
            },
            signing_key: self.signing_key.as_ref().map(SecretBytes::duplicate),
        })
    }

    /// An explicit copy.
    pub fn duplicate(&self) -> Self {
        Credentials {
            url: self.url.clone(),
            user_name: self.user_name.duplicate(),
            service_key: self.service_key.duplicate(),
            api_key: self.api_key.duplicate(),
            signing_key: self.signing_key.as_ref().map(SecretBytes::duplicate),
        }
    }

    /// The API base URL.
    pub fn url(&self) -> &ApiUrl {
        &self.url
    }

    /// The agent user name (a secret: it is half of the Authorization value).
    pub fn user_name(&self) -> &Secret {
        &self.user_name
    }

    /// The service key (layer 1).
    pub fn service_key(&self) -> &Secret {
        &self.service_key
    }

    /// The organization API key (layer 2).
    pub fn api_key(&self) -> &Secret {
        &self.api_key
    }

    /// The dedicated signing key, if one is configured.
    pub fn signing_key(&self) -> Option<&SecretBytes> {
        self.signing_key.as_ref()
    }

    /// Fingerprints of the user name and both keys (safe to log).
    pub fn fingerprints(&self) -> (Fingerprint, Fingerprint, Fingerprint) {
        (
            self.user_name.fingerprint(),
            self.service_key.fingerprint(),
            self.api_key.fingerprint(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_rules() {
        assert!(matches!(
            ApiUrl::parse("http://app.contrastsecurity.com/Contrast"),
            Err(ConfigError::TlsRequired { .. })
        ));
        let e = ApiUrl::parse("http://x/Contrast").unwrap_err().to_string();
        assert!(e.contains("https") && e.contains("TLS"), "{e}");
        assert!(e.contains("`http://`"), "{e}");
        // Issue 16: a long scheme (a secret pasted into the URL slot) is not echoed.
        let secret = "svckey4q7z2m9x1b";
        let e = ApiUrl::parse(&format!("{secret}:rest")).unwrap_err();
        assert!(matches!(e, ConfigError::TlsRequired { ref scheme, .. } if scheme.is_empty()));
        assert!(!e.to_string().contains(secret), "{e}");
        let e = crate::config::ProxySettings::parse(&format!("{secret}://p:3128")).unwrap_err();
        assert!(!e.to_string().contains(secret), "{e}");
        assert!(ApiUrl::parse("not a url").is_err());
        assert!(ApiUrl::parse("https://u:p@host/Contrast").is_err());
        let u = ApiUrl::parse("https://host:8443/Contrast/").unwrap();
        assert_eq!(u.as_str(), "https://host:8443/Contrast");
        assert_eq!(u.port(), 8443);
        assert_eq!(u.base_path(), "/Contrast");
        assert_eq!(u.join("/api/ng/x"), "https://host:8443/Contrast/api/ng/x");
        assert_eq!(u.join("api"), "https://host:8443/Contrast/api");
    }

    #[test]
    fn value_rules() {
        let o = Origin::Argument;
        assert_eq!(
            validate_value(keys::API_KEY, "  k \t", &o)
                .unwrap()
                .expose_secret(),
            "k"
        );
        assert!(matches!(
            validate_value(keys::API_KEY, "  ", &o),
            Err(ConfigError::Empty { .. })
        ));
        for bad in ["a\rb", "a\nb", "ab\r\n", "a\u{0}b", "a\u{7f}"] {
            let e = validate_value(keys::API_KEY, bad, &o).unwrap_err();
            assert!(
                matches!(
                    e,
                    ConfigError::InvalidCharacter {
                        key: "api.api_key",
                        ..
                    }
                ),
                "{e:?}"
            );
        }
        assert!(matches!(
            validate_value(keys::USER_NAME, "a:b", &o),
            Err(ConfigError::ColonInUserName { .. })
        ));
        assert!(validate_value(keys::SERVICE_KEY, "a:b", &o).is_ok());
    }

    #[test]
    fn signing_key_rules() {
        let o = Origin::Argument;
        assert!(decode_signing_key(&STANDARD.encode([7u8; 31]), &o).is_err());
        assert!(decode_signing_key("not base64!", &o).is_err());
        assert_eq!(
            decode_signing_key(&STANDARD.encode([7u8; 32]), &o)
                .unwrap()
                .expose_secret(),
            &[7u8; 32]
        );
    }
}
