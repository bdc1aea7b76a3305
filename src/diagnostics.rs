//! Configuration diagnostics: what the loader found but did not understand (a key under
//! `api.` it does not know, with the closest known key) and settings that look wrong
//! (an `api.url` without the `/Contrast` path). Each is a [`ConfigWarning`], logged as a
//! WARN record by the loader and printed first by `contrast-auth check`.
//!
//! Keys of other sections (`agent.*`, `server.*`, ...) are the agent's business and are
//! never reported.

use std::fmt;

use crate::credentials::ApiUrl;
use crate::events::{Level, event, names};
use crate::setting::{Origin, keys};

/// The base path every Contrast `api.url` ends with.
pub const EXPECTED_BASE_PATH: &str = "/Contrast";

/// Keys under `api.` that agents use and this library accepts without a warning, beyond
/// [`keys::ALL`]: the proxy parts (read by the configuration loader of the JVM agent's
/// settings) and the agents' request audit settings.
pub const OTHER_KNOWN_KEYS: [&str; 10] = [
    "api.proxy.host",
    "api.proxy.port",
    "api.proxy.scheme",
    "api.proxy.user",
    "api.proxy.pass",
    "api.proxy.auth_type",
    "api.request_audit.enable",
    "api.request_audit.path",
    "api.request_audit.requests",
    "api.request_audit.responses",
];

/// Whether `key` (dotted, e.g. `api.certificate.ca_file`) is a key the library knows.
pub fn is_known(key: &str) -> bool {
    keys::ALL.contains(&key) || OTHER_KNOWN_KEYS.contains(&key)
}

/// The known key closest to `key` when it is plausibly a misspelling of it.
pub fn closest_known(key: &str) -> Option<&'static str> {
    let candidates = keys::ALL.iter().chain(OTHER_KNOWN_KEYS.iter());
    let (distance, best) = candidates
        .map(|known| (strsim::osa_distance(key, known), *known))
        .min_by_key(|(distance, _)| *distance)?;
    // A slip of a few characters: transposed, missing, doubled or wrong letters.
    (distance <= 3.max(key.len() / 6)).then_some(best)
}

/// One thing the loader did not understand or finds suspicious. Holds no value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigWarning {
    /// The event name ([`names::CONFIG_UNKNOWN_KEY`] or [`names::CONFIG_URL_PATH`]).
    pub event: &'static str,
    /// The key as found (e.g. `api.certificate.ca_flie`).
    pub key: String,
    /// Where it was found.
    pub origin: Origin,
    /// For an unknown key: the closest known key.
    pub suggestion: Option<&'static str>,
    /// The sentence logged and printed.
    pub message: String,
}

impl ConfigWarning {
    /// An unknown key found in `origin`.
    pub fn unknown_key(key: &str, origin: Origin) -> Self {
        let suggestion = closest_known(key);
        let mut message = format!("unknown configuration key `{key}` in {origin} is ignored");
        if let Some(known) = suggestion {
            message.push_str(&format!("; did you mean `{known}`?"));
        }
        ConfigWarning {
            event: names::CONFIG_UNKNOWN_KEY,
            key: key.to_string(),
            origin,
            suggestion,
            message,
        }
    }

    /// A warning when `url` does not end in `/Contrast`.
    pub fn url_path(url: &ApiUrl, origin: &Origin) -> Option<Self> {
        let path = url.base_path();
        if path.ends_with(EXPECTED_BASE_PATH) {
            return None;
        }
        let shown = if path.is_empty() { "/" } else { path };
        Some(ConfigWarning {
            event: names::CONFIG_URL_PATH,
            key: keys::URL.to_string(),
            origin: origin.clone(),
            suggestion: None,
            message: format!(
                "`{}` ({origin}) has the path `{shown}`, which does not end in \
                 `{EXPECTED_BASE_PATH}`: Contrast API URLs include it (e.g. \
                 https://app.contrastsecurity.com/Contrast)",
                keys::URL
            ),
        })
    }

    /// Logs the warning (WARN, its event name).
    pub fn log(&self) {
        event!(Level::Warn, self.event, "{}", self.message);
    }
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The dotted key a host setting names, if it is under `api.` (`contrast.api.x` or `api.x`).
pub fn host_setting_key(name: &str) -> Option<&str> {
    let key = name.strip_prefix("contrast.").unwrap_or(name);
    key.starts_with("api.").then_some(key)
}

/// The dotted key an environment variable names, if it is `CONTRAST__API__*`.
pub fn environment_key(name: &str) -> Option<String> {
    let rest = name.strip_prefix("CONTRAST__API__")?;
    if rest.is_empty() {
        return None;
    }
    Some(format!(
        "api.{}",
        rest.to_ascii_lowercase().replace("__", ".")
    ))
}

/// Warnings for every unknown key among `found` (key, origin), in the order given.
pub fn unknown_keys<'a>(found: impl IntoIterator<Item = (&'a str, Origin)>) -> Vec<ConfigWarning> {
    found
        .into_iter()
        .filter(|(key, _)| key.starts_with("api.") && !is_known(key))
        .map(|(key, origin)| ConfigWarning::unknown_key(key, origin))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspellings_find_their_key() {
        for (typo, known) in [
            ("api.certificate.ca_flie", "api.certificate.ca_file"),
            ("api.proxy.enabel", "api.proxy.enable"),
            ("api.api_kye", "api.api_key"),
            ("api.service_kee", "api.service_key"),
            ("api.timeout", "api.timeout_ms"),
            ("api.proxy.hots", "api.proxy.host"),
        ] {
            assert!(!is_known(typo));
            assert_eq!(closest_known(typo), Some(known), "{typo}");
        }
        assert_eq!(closest_known("api.completely_unrelated_setting"), None);
        for key in keys::ALL.iter().chain(OTHER_KNOWN_KEYS.iter()) {
            assert!(is_known(key));
        }
    }

    #[test]
    fn key_names_from_each_source() {
        assert_eq!(
            environment_key("CONTRAST__API__CERTIFICATE__CA_FLIE").as_deref(),
            Some("api.certificate.ca_flie")
        );
        assert_eq!(
            environment_key("CONTRAST__API__USER_NAME").as_deref(),
            Some("api.user_name")
        );
        assert_eq!(environment_key("CONTRAST__AGENT__LOGGER__LEVEL"), None);
        assert_eq!(environment_key("CONTRAST_CONFIG_PATH"), None);
        assert_eq!(
            host_setting_key("contrast.api.api_kye"),
            Some("api.api_kye")
        );
        assert_eq!(host_setting_key("api.url"), Some("api.url"));
        assert_eq!(host_setting_key("contrast.agent.java.x"), None);
        assert_eq!(host_setting_key("contrast.config.path"), None);
    }

    #[test]
    fn unknown_keys_are_reported_with_origin_and_suggestion() {
        let warnings = unknown_keys([
            (
                "api.api_kye",
                Origin::Environment("CONTRAST__API__API_KYE".into()),
            ),
            ("api.url", Origin::Default),
            ("agent.logger.level", Origin::Default),
        ]);
        assert_eq!(warnings.len(), 1);
        let w = &warnings[0];
        assert_eq!(w.event, "config.unknown_key");
        assert_eq!(w.suggestion, Some("api.api_key"));
        assert!(w.message.contains("`api.api_kye`"), "{w}");
        assert!(
            w.message.contains("environment CONTRAST__API__API_KYE"),
            "{w}"
        );
        assert!(w.message.contains("did you mean `api.api_key`?"), "{w}");
    }

    #[test]
    fn url_paths_without_contrast_warn() {
        let o = Origin::Argument;
        let ok = ApiUrl::parse("https://h/Contrast").unwrap();
        assert_eq!(ConfigWarning::url_path(&ok, &o), None);
        let ok = ApiUrl::parse("https://h/eu/Contrast/").unwrap();
        assert_eq!(ConfigWarning::url_path(&ok, &o), None);
        for bad in ["https://h", "https://h/", "https://h/api"] {
            let url = ApiUrl::parse(bad).unwrap();
            let w = ConfigWarning::url_path(&url, &o).expect(bad);
            assert_eq!(w.event, "config.url_path");
            assert!(w.message.contains("/Contrast"), "{w}");
        }
    }
}
