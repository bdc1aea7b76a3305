//! Validated credentials: the API URL and both layers (user name + service key, API key),
//! plus an optional dedicated signing key.

use std::fmt;

use crate::error::ConfigError;
use crate::secret::{Fingerprint, Secret, SecretBytes};
use crate::setting::{Origin, keys};
use crate::token;

// Value validation lives on the ground floor (`crate::validation`); these paths stay for
// users of `contrast_auth::credentials::{validate_value, decode_signing_key}`.
pub use crate::validation::{decode_signing_key, validate_value};

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
}
