//! Configuration as Contrast agents read it: host settings, `CONTRAST__*` environment
//! variables, `contrast_security.yaml`, defaults — in that order of precedence — with the
//! origin of every value remembered (never the value itself) for diagnostics.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use zeroize::Zeroizing;

use crate::credentials::{ApiUrl, Credentials};
use crate::diagnostics::{self, ConfigWarning};
use crate::error::ConfigError;
use crate::events::{Level, event, names};
use crate::host_tls::{ClientIdentity, TrustAnchors};
use crate::secret::Secret;
use crate::setting::RawValue;
use crate::token;
use crate::validation::{decode_signing_key, parse_bool, validate_value};

mod proxy;

// The shared vocabulary lives on the ground floor (`crate::setting`); these paths stay for
// users of `contrast_auth::config::{keys, Origin, environment_variable}`.
pub use crate::setting::{Origin, environment_variable, keys};
pub use proxy::ProxySettings;

/// The environment variable naming the configuration file.
pub const CONFIG_PATH_VARIABLE: &str = "CONTRAST_CONFIG_PATH";
/// The configuration file names, in the order they are tried in each directory.
pub const CONFIG_FILE_NAMES: [&str; 2] = ["contrast_security.yaml", "contrast_security.yml"];
/// Default for `api.timeout_ms`.
pub const DEFAULT_TIMEOUT_MS: u64 = 10_000;
/// Largest accepted `api.timeout_ms` (10 minutes).
pub const MAX_TIMEOUT_MS: u64 = 600_000;

/// One line of provenance: which key, from where. Safe to log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provenance {
    /// The configuration key, e.g. `api.api_key`.
    pub key: &'static str,
    /// Where its value came from.
    pub origin: Origin,
}

impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let short = self.key.strip_prefix("api.").unwrap_or(self.key);
        write!(f, "{short} from {}", self.origin)
    }
}

/// TLS settings beyond the defaults (custom CA, client certificate, disabled checks).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertificateSettings {
    /// A PEM bundle of extra CA certificates to trust.
    pub ca_file: Option<PathBuf>,
    /// A PEM client certificate chain and its private key for mutual TLS.
    pub client_identity: Option<(PathBuf, PathBuf)>,
    /// Skip server certificate verification. Only true when explicitly configured.
    pub ignore_cert_errors: bool,
    /// Extra trust anchors (DER) handed over by the host (the JVM's trust store), trusted
    /// together with `ca_file`. Kept when `api.certificate.enable` is false.
    pub trust_anchors: TrustAnchors,
    /// A client identity (DER) handed over by the host (the JVM's key store); only set when
    /// `client_identity` (`cert_file`/`key_file`) is not.
    pub host_client_identity: Option<ClientIdentity>,
    /// Where the file keys above were set (so an unreadable file names its key and source).
    pub origins: Vec<Provenance>,
}

impl CertificateSettings {
    /// Where `key` (e.g. `api.certificate.ca_file`) was set, if known.
    pub fn origin_of(&self, key: &str) -> Option<&Origin> {
        self.origins
            .iter()
            .find(|p| p.key == key)
            .map(|p| &p.origin)
    }
}

/// A fully loaded configuration: credentials plus transport settings, with provenance.
#[derive(Debug)]
pub struct Configuration {
    /// The validated credentials.
    pub credentials: Credentials,
    /// The proxy, when enabled.
    pub proxy: Option<ProxySettings>,
    /// TLS certificate settings.
    pub certificate: CertificateSettings,
    /// Connect and read timeout.
    pub timeout: Duration,
    /// Which file was read, if any.
    pub file: Option<PathBuf>,
    provenance: Vec<Provenance>,
    warnings: Vec<ConfigWarning>,
}

impl Configuration {
    /// Where each value that is set came from, in key order (never the values).
    pub fn provenance(&self) -> &[Provenance] {
        &self.provenance
    }

    /// The origin of one key, if it was set.
    pub fn origin_of(&self, key: &str) -> Option<&Origin> {
        self.provenance
            .iter()
            .find(|p| p.key == key)
            .map(|p| &p.origin)
    }

    /// What the loader did not understand or finds suspicious (unknown `api.*` keys, an
    /// `api.url` without `/Contrast`), each also logged as a WARN record.
    pub fn warnings(&self) -> &[ConfigWarning] {
        &self.warnings
    }
}

/// The sources configuration is read from. Build one explicitly (tests, host programs
/// that pass their own settings) or from the process ([`ConfigSources::from_process`]).
#[derive(Debug, Default)]
pub struct ConfigSources {
    host: Vec<(String, Secret)>,
    environment: HashMap<String, Secret>,
    working_dir: Option<PathBuf>,
    agent: Option<String>,
    system_dir: Option<PathBuf>,
    trust_anchors: TrustAnchors,
    client_identity: Option<ClientIdentity>,
}

impl ConfigSources {
    /// No sources at all: everything must be added explicitly.
    pub fn new() -> Self {
        Self::default()
    }

    /// The process's `CONTRAST_*` environment, its working directory and `/etc/contrast`.
    pub fn from_process() -> Self {
        let mut sources = ConfigSources::new();
        for (name, value) in std::env::vars_os() {
            if let (Some(name), Ok(value)) = (name.to_str(), value.into_string())
                && name.starts_with("CONTRAST")
            {
                sources
                    .environment
                    .insert(name.to_string(), Secret::new(value));
            }
        }
        sources.working_dir = std::env::current_dir().ok();
        sources.system_dir = Some(PathBuf::from("/etc/contrast"));
        sources
    }

    /// Adds a host setting. `key` may be `contrast.api.api_key` (a JVM system property)
    /// or `api.api_key`. Keys this crate does not read are ignored.
    pub fn host_value(mut self, key: &str, value: &str) -> Self {
        self.set_host_value(key, value);
        self
    }

    /// Adds a host setting in place (see [`ConfigSources::host_value`]).
    pub fn set_host_value(&mut self, key: &str, value: &str) {
        self.host.retain(|(k, _)| k != key);
        self.host
            .push((key.to_string(), Secret::from_str_exact(value)));
    }

    /// Sets an environment variable as this loader sees it (the process is untouched).
    pub fn environment_value(mut self, name: &str, value: &str) -> Self {
        self.environment
            .insert(name.to_string(), Secret::from_str_exact(value));
        self
    }

    /// The directory searched second for `contrast_security.yaml`.
    pub fn working_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.working_dir = Some(dir.into());
        self
    }

    /// The agent name, for `/etc/contrast/<agent>/` (e.g. `java`, `python`).
    pub fn agent(mut self, name: &str) -> Self {
        self.agent = Some(name.to_string());
        self
    }

    /// The system directory searched last (default `/etc/contrast` from the process).
    pub fn system_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.system_dir = Some(dir.into());
        self
    }

    /// Extra trust anchors (DER certificates, already checked) handed over by the host, trusted
    /// together with `api.certificate.ca_file` (e.g. what the JVM trusts).
    pub fn trust_anchors(mut self, anchors: TrustAnchors) -> Self {
        self.trust_anchors = anchors;
        self
    }

    /// A client certificate chain and key handed over by the host (e.g. the JVM's
    /// `javax.net.ssl.keyStore`), used for mutual TLS when `api.certificate.cert_file` is
    /// not configured.
    pub fn client_identity(mut self, identity: ClientIdentity) -> Self {
        self.client_identity = Some(identity);
        self
    }

    /// The configuration file named explicitly, and by what: the host setting
    /// `contrast.config.path` (or `config.path`) first, then `CONTRAST_CONFIG_PATH`.
    fn named_file(&self) -> Option<(PathBuf, Origin)> {
        let host_names = [
            format!("contrast.{}", keys::CONFIG_PATH),
            keys::CONFIG_PATH.to_string(),
        ];
        for (name, value) in self.host.iter().rev() {
            if host_names.iter().any(|n| n == name) {
                return Some((
                    PathBuf::from(value.expose_secret()),
                    Origin::Host(name.clone()),
                ));
            }
        }
        self.environment.get(CONFIG_PATH_VARIABLE).map(|path| {
            (
                PathBuf::from(path.expose_secret()),
                Origin::Environment(CONFIG_PATH_VARIABLE.to_string()),
            )
        })
    }

    /// The directories and files searched for the YAML file, in order.
    pub fn file_candidates(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        if let Some(dir) = &self.working_dir {
            out.extend(CONFIG_FILE_NAMES.iter().map(|n| dir.join(n)));
        }
        if let Some(sys) = &self.system_dir {
            if let Some(agent) = &self.agent {
                out.extend(CONFIG_FILE_NAMES.iter().map(|n| sys.join(agent).join(n)));
            }
            out.extend(CONFIG_FILE_NAMES.iter().map(|n| sys.join(n)));
        }
        out
    }

    /// Finds the YAML file: the host setting `contrast.config.path`, else
    /// `CONTRAST_CONFIG_PATH` (either must name a file when set), else the candidates of
    /// [`ConfigSources::file_candidates`].
    pub fn find_file(&self) -> Result<Option<PathBuf>, ConfigError> {
        Ok(self.find_file_with_origin()?.map(|(path, _)| path))
    }

    /// [`ConfigSources::find_file`], with the setting that named the file (if one did).
    fn find_file_with_origin(&self) -> Result<Option<(PathBuf, Option<Origin>)>, ConfigError> {
        if let Some((path, origin)) = self.named_file() {
            if !path.is_file() {
                let by = match &origin {
                    Origin::Host(name) => format!("host setting {name}"),
                    _ => CONFIG_PATH_VARIABLE.to_string(),
                };
                return Err(ConfigError::File {
                    path,
                    reason: format!("named by {by} but not a readable file"),
                });
            }
            return Ok(Some((path, Some(origin))));
        }
        Ok(self
            .file_candidates()
            .into_iter()
            .find(|p| p.is_file())
            .map(|p| (p, None)))
    }

    fn describe_search(&self, key: &str) -> String {
        self.describe_search_all(&[key])
    }

    fn describe_search_all(&self, keys_missing: &[&str]) -> String {
        let variables: Vec<String> = keys_missing
            .iter()
            .map(|k| environment_variable(k))
            .collect();
        let mut places = vec![
            "host settings".to_string(),
            format!("environment {}", variables.join(", ")),
        ];
        match self.named_file() {
            Some((p, _)) => places.push(p.display().to_string()),
            None => places.extend(
                self.file_candidates()
                    .iter()
                    .map(|p| p.display().to_string()),
            ),
        }
        if !keys_missing.contains(&keys::TOKEN) {
            places.push("api.token".to_string());
        }
        places.join(", ")
    }

    /// The unknown `api.*` keys in every source (host settings, `CONTRAST__API__*`
    /// environment, the YAML file), without loading or validating anything else. A file
    /// that cannot be read gives no warning here (loading reports it).
    pub fn unknown_keys(&self) -> Vec<ConfigWarning> {
        let file = self.find_file().ok().flatten();
        let file_keys = file
            .as_deref()
            .and_then(|path| read_yaml(path).ok())
            .map(|(_, keys_found)| keys_found)
            .unwrap_or_default();
        self.unknown_keys_with(file.as_deref(), &file_keys)
    }

    fn unknown_keys_with(&self, file: Option<&Path>, file_keys: &[String]) -> Vec<ConfigWarning> {
        let mut found: Vec<(&str, Origin)> = Vec::new();
        for (name, _) in &self.host {
            if let Some(key) = diagnostics::host_setting_key(name) {
                found.push((key, Origin::Host(name.clone())));
            }
        }
        let mut environment: Vec<(String, &String)> = self
            .environment
            .keys()
            .filter_map(|name| diagnostics::environment_key(name).map(|key| (key, name)))
            .collect();
        environment.sort();
        for (key, name) in &environment {
            found.push((key, Origin::Environment((*name).clone())));
        }
        if let Some(path) = file {
            for key in file_keys {
                found.push((key, Origin::File(path.to_path_buf())));
            }
        }
        diagnostics::unknown_keys(found)
    }

    /// Reads every source and validates the result. Unknown `api.*` keys and an `api.url`
    /// without `/Contrast` are logged (WARN) and kept in [`Configuration::warnings`]; the
    /// sources and provenance are logged at DEBUG (`config.loaded`).
    pub fn load(&self) -> Result<Configuration, ConfigError> {
        let (file, file_origin) = match self.find_file_with_origin()? {
            Some((path, origin)) => (Some(path), origin),
            None => (None, None),
        };
        let (file_values, file_keys) = match &file {
            Some(path) => read_yaml(path)?,
            None => (HashMap::new(), Vec::new()),
        };
        let mut warnings = self.unknown_keys_with(file.as_deref(), &file_keys);
        for warning in &warnings {
            warning.log();
        }
        let mut found: HashMap<&'static str, RawValue> = HashMap::new();
        for key in keys::ALL {
            if let Some(raw) = self.lookup(key, &file_values, file.as_deref()) {
                found.insert(key, raw);
            }
        }
        // The token fills in whatever was not set explicitly, at any level.
        if let Some(raw) = found.remove(keys::TOKEN) {
            let fields = token::decode(raw.value.expose_secret()).map_err(|error| {
                ConfigError::InvalidToken {
                    error,
                    origin: raw.origin.to_string(),
                }
            })?;
            let inner = Origin::Token(Box::new(raw.origin.clone()));
            for (key, value) in [
                (keys::URL, fields.url),
                (keys::USER_NAME, fields.user_name),
                (keys::SERVICE_KEY, fields.service_key),
                (keys::API_KEY, fields.api_key),
            ] {
                found.entry(key).or_insert(RawValue {
                    value,
                    origin: inner.clone(),
                });
            }
            found.insert(keys::TOKEN, raw);
        }
        let mut configuration = self.build(found, file, file_origin)?;
        if let Some(warning) = configuration
            .origin_of(keys::URL)
            .and_then(|origin| ConfigWarning::url_path(configuration.credentials.url(), origin))
        {
            warning.log();
            warnings.push(warning);
        }
        configuration.warnings = warnings;
        log_loaded(&configuration);
        Ok(configuration)
    }

    fn lookup(
        &self,
        key: &'static str,
        file_values: &HashMap<String, Secret>,
        file: Option<&Path>,
    ) -> Option<RawValue> {
        let host_names = [format!("contrast.{key}"), key.to_string()];
        for (name, value) in self.host.iter().rev() {
            if host_names.iter().any(|n| n == name) {
                return Some(RawValue {
                    value: value.duplicate(),
                    origin: Origin::Host(name.clone()),
                });
            }
        }
        let env_name = environment_variable(key);
        if let Some(value) = self.environment.get(&env_name) {
            return Some(RawValue {
                value: value.duplicate(),
                origin: Origin::Environment(env_name),
            });
        }
        let value = file_values.get(key)?;
        Some(RawValue {
            value: value.duplicate(),
            origin: Origin::File(file?.to_path_buf()),
        })
    }

    fn build(
        &self,
        mut found: HashMap<&'static str, RawValue>,
        file: Option<PathBuf>,
        file_origin: Option<Origin>,
    ) -> Result<Configuration, ConfigError> {
        let mut provenance = Vec::new();
        if let Some(origin) = file_origin {
            provenance.push(Provenance {
                key: keys::CONFIG_PATH,
                origin,
            });
        }
        // The URL is checked as soon as it is read (an http:// URL is refused first, naming
        // its source), then every missing required key is reported at once.
        let url = match found.get(keys::URL) {
            Some(raw) => Some(ApiUrl::parse_from(
                validate_value(keys::URL, raw.value.expose_secret(), &raw.origin)?.expose_secret(),
                &raw.origin,
            )?),
            None => None,
        };
        let missing: Vec<&'static str> =
            [keys::URL, keys::USER_NAME, keys::SERVICE_KEY, keys::API_KEY]
                .into_iter()
                .filter(|key| !found.contains_key(key))
                .collect();
        match missing.as_slice() {
            [] => {}
            [key] => {
                return Err(ConfigError::Missing {
                    key,
                    searched: self.describe_search(key),
                });
            }
            several => {
                return Err(ConfigError::MissingKeys {
                    keys: several.to_vec(),
                    searched: self.describe_search_all(several),
                });
            }
        }
        let required = |key: &'static str| -> Result<Secret, ConfigError> {
            let raw = found.get(key).ok_or_else(|| ConfigError::Missing {
                key,
                searched: self.describe_search(key),
            })?;
            validate_value(key, raw.value.expose_secret(), &raw.origin)
        };
        let user_name = required(keys::USER_NAME)?;
        let service_key = required(keys::SERVICE_KEY)?;
        let api_key = required(keys::API_KEY)?;
        let Some(url) = url else {
            unreachable!("a missing api.url was reported above");
        };
        let signing_key = match found.get(keys::SIGNING_KEY) {
            Some(raw) => Some(decode_signing_key(raw.value.expose_secret(), &raw.origin)?),
            None => None,
        };

        let flag = |found: &HashMap<&'static str, RawValue>,
                    key: &'static str|
         -> Result<Option<bool>, ConfigError> {
            found
                .get(key)
                .map(|raw| parse_bool(key, raw.value.expose_secret()))
                .transpose()
        };
        let path = |found: &HashMap<&'static str, RawValue>,
                    key: &'static str|
         -> Result<Option<PathBuf>, ConfigError> {
            found
                .get(key)
                .map(|raw| {
                    validate_value(key, raw.value.expose_secret(), &raw.origin)
                        .map(|v| PathBuf::from(v.expose_secret()))
                })
                .transpose()
        };

        let proxy = proxy::resolve(&found, &|key| self.describe_search(key))?;

        let mut certificate = if flag(&found, keys::CERTIFICATE_ENABLE)? == Some(false) {
            CertificateSettings::default()
        } else {
            let client_identity = match (
                path(&found, keys::CERTIFICATE_CERT_FILE)?,
                path(&found, keys::CERTIFICATE_KEY_FILE)?,
            ) {
                (Some(cert), Some(key)) => Some((cert, key)),
                (None, None) => None,
                (Some(_), None) => {
                    return Err(ConfigError::InvalidSetting {
                        key: keys::CERTIFICATE_CERT_FILE,
                        reason: format!("is set without {}", keys::CERTIFICATE_KEY_FILE),
                    });
                }
                (None, Some(_)) => {
                    return Err(ConfigError::InvalidSetting {
                        key: keys::CERTIFICATE_KEY_FILE,
                        reason: format!("is set without {}", keys::CERTIFICATE_CERT_FILE),
                    });
                }
            };
            CertificateSettings {
                ca_file: path(&found, keys::CERTIFICATE_CA_FILE)?,
                client_identity,
                ignore_cert_errors: flag(&found, keys::CERTIFICATE_IGNORE_ERRORS)?.unwrap_or(false),
                origins: [
                    keys::CERTIFICATE_CA_FILE,
                    keys::CERTIFICATE_CERT_FILE,
                    keys::CERTIFICATE_KEY_FILE,
                ]
                .into_iter()
                .filter_map(|key| {
                    found.get(key).map(|raw| Provenance {
                        key,
                        origin: raw.origin.clone(),
                    })
                })
                .collect(),
                ..CertificateSettings::default()
            }
        };
        certificate.trust_anchors = self.trust_anchors.clone();
        if certificate.client_identity.is_none() {
            certificate.host_client_identity = self.client_identity.clone();
        }

        let timeout_ms = match found.get(keys::TIMEOUT_MS) {
            None => DEFAULT_TIMEOUT_MS,
            Some(raw) => parse_timeout(raw.value.expose_secret())?,
        };

        for key in keys::ALL {
            if let Some(raw) = found.remove(key) {
                provenance.push(Provenance {
                    key,
                    origin: raw.origin,
                });
            } else if key == keys::TIMEOUT_MS {
                provenance.push(Provenance {
                    key,
                    origin: Origin::Default,
                });
            }
        }
        Ok(Configuration {
            credentials: Credentials::from_parts(url, user_name, service_key, api_key, signing_key),
            proxy,
            certificate,
            timeout: Duration::from_millis(timeout_ms),
            file,
            provenance,
            warnings: Vec::new(),
        })
    }
}

/// DEBUG `config.loaded`: the file read and where every key came from (never a value).
fn log_loaded(configuration: &Configuration) {
    if !crate::events::enabled(Level::Debug) {
        return;
    }
    let file = match &configuration.file {
        Some(path) => path.display().to_string(),
        None => "no configuration file".to_string(),
    };
    let provenance: Vec<String> = configuration
        .provenance()
        .iter()
        .map(|p| format!("{} from {}", p.key, p.origin))
        .collect();
    event!(
        Level::Debug,
        names::CONFIG_LOADED,
        "configuration loaded for {} ({file}): {}",
        configuration.credentials.url(),
        provenance.join(", ")
    );
}

fn parse_timeout(value: &str) -> Result<u64, ConfigError> {
    let ms: u64 = value
        .trim()
        .parse()
        .map_err(|_| ConfigError::InvalidSetting {
            key: keys::TIMEOUT_MS,
            reason: "expected a whole number of milliseconds".into(),
        })?;
    if ms == 0 || ms > MAX_TIMEOUT_MS {
        return Err(ConfigError::InvalidSetting {
            key: keys::TIMEOUT_MS,
            reason: format!("must be between 1 and {MAX_TIMEOUT_MS} milliseconds"),
        });
    }
    Ok(ms)
}

/// Values read from a YAML file (keys this crate reads) and every `api.*` key found in it.
type YamlValues = (HashMap<String, Secret>, Vec<String>);

/// Reads a YAML file and flattens its nested maps to dotted keys (`api.proxy.url`).
/// Only values of keys this crate reads are kept; every `api.*` key is listed (for unknown
/// key warnings). Errors give the location, never content.
fn read_yaml(path: &Path) -> Result<YamlValues, ConfigError> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path).map_err(|e| ConfigError::File {
            path: path.to_path_buf(),
            reason: format!("cannot read: {}", e.kind()),
        })?,
    );
    let doc: serde_norway::Value =
        serde_norway::from_str(&text).map_err(|e| ConfigError::File {
            path: path.to_path_buf(),
            reason: match e.location() {
                Some(l) => format!("invalid YAML at line {} column {}", l.line(), l.column()),
                None => "invalid YAML".into(),
            },
        })?;
    let mut out = HashMap::new();
    let mut api_keys = Vec::new();
    flatten("", &doc, &mut out, &mut api_keys);
    Ok((out, api_keys))
}

fn flatten(
    prefix: &str,
    value: &serde_norway::Value,
    out: &mut HashMap<String, Secret>,
    api_keys: &mut Vec<String>,
) {
    use serde_norway::Value;
    let is_leaf = !matches!(value, Value::Mapping(_) | Value::Tagged(_));
    if is_leaf && prefix.starts_with("api.") {
        api_keys.push(prefix.to_string());
    }
    match value {
        Value::Mapping(map) => {
            for (k, v) in map {
                let name = match k {
                    Value::String(s) => s.clone(),
                    Value::Bool(b) => b.to_string(),
                    Value::Number(n) => n.to_string(),
                    _ => continue,
                };
                let key = if prefix.is_empty() {
                    name
                } else {
                    format!("{prefix}.{name}")
                };
                flatten(&key, v, out, api_keys);
            }
        }
        Value::String(s) if keys::ALL.contains(&prefix) => {
            out.insert(prefix.to_string(), Secret::from_str_exact(s));
        }
        Value::Bool(b) if keys::ALL.contains(&prefix) => {
            out.insert(prefix.to_string(), Secret::new(b.to_string()));
        }
        Value::Number(n) if keys::ALL.contains(&prefix) => {
            out.insert(prefix.to_string(), Secret::new(n.to_string()));
        }
        Value::Tagged(t) => flatten(prefix, &t.value, out, api_keys),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_names() {
        assert_eq!(
            environment_variable(keys::API_KEY),
            "CONTRAST__API__API_KEY"
        );
        assert_eq!(
            environment_variable(keys::PROXY_URL),
            "CONTRAST__API__PROXY__URL"
        );
        assert_eq!(
            environment_variable(keys::USER_NAME),
            "CONTRAST__API__USER_NAME"
        );
    }

    #[test]
    fn provenance_reads_well() {
        let p = Provenance {
            key: keys::USER_NAME,
            origin: Origin::Token(Box::new(Origin::File(
                "/etc/contrast/contrast_security.yaml".into(),
            ))),
        };
        assert_eq!(
            p.to_string(),
            "user_name from api.token in /etc/contrast/contrast_security.yaml"
        );
        let p = Provenance {
            key: keys::API_KEY,
            origin: Origin::Environment("CONTRAST__API__API_KEY".into()),
        };
        assert_eq!(
            p.to_string(),
            "api_key from environment CONTRAST__API__API_KEY"
        );
    }

    #[test]
    fn proxy_redaction() {
        let p = ProxySettings::parse("http://bob:pw123@proxy.local:3128").unwrap();
        assert_eq!(p.redacted(), "http://[REDACTED]@proxy.local:3128");
        assert!(p.has_credentials());
        assert!(!format!("{p:?}").contains("pw123"));
        assert!(ProxySettings::parse("socks9://x:1").is_err());
    }
}
