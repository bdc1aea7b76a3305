//! Transport settings (proxy, TLS trust, client certificate, timeouts, retry policy) and the
//! ureq agent built from them.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use ureq::tls::{Certificate, ClientCert, PemItem, PrivateKey, RootCerts, TlsConfig, TlsProvider};

use crate::config::{CertificateSettings, Configuration, DEFAULT_TIMEOUT_MS, ProxySettings, keys};
use crate::error::ConfigError;
use crate::headers::USER_AGENT_VALUE;

use super::connection::ConnectionCounters;

/// How a report is retried and what is added to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOptions {
    /// Requests made for one report at most (first try included).
    pub max_attempts: u32,
    /// Overall time allowed for one report, retries and waits included.
    pub deadline: Duration,
    /// The first backoff ceiling; doubled per retry (full jitter: a random wait up to it).
    pub base_backoff: Duration,
    /// The largest backoff ceiling.
    pub max_backoff: Duration,
    /// Sign reports (RFC 9421 `Signature` headers over a `Content-Digest`).
    pub sign: bool,
    /// How long a signature stays valid (`expires` - `created`).
    pub signature_validity: Duration,
    /// After a rotation, reports also carry a `contrast-prev` signature made with the previous
    /// key for this long.
    pub previous_key_grace: Duration,
    /// Gzip bodies of at least this many bytes (`Content-Encoding: gzip`); `None` never.
    pub gzip_min_bytes: Option<usize>,
    /// Idle keep-alive connections kept per host.
    pub max_idle_connections: usize,
    /// Largest response body read (larger bodies are cut).
    pub max_response_bytes: u64,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            max_attempts: 5,
            deadline: Duration::from_secs(60),
            base_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            sign: true,
            signature_validity: Duration::from_secs(300),
            previous_key_grace: Duration::from_secs(300),
            gzip_min_bytes: None,
            max_idle_connections: 16,
            max_response_bytes: 1 << 20,
        }
    }
}

/// Everything the transport needs besides the credentials.
#[derive(Debug)]
pub struct TransportSettings {
    /// The proxy, if any.
    pub proxy: Option<ProxySettings>,
    /// TLS trust and client certificate.
    pub certificate: CertificateSettings,
    /// Connect and read timeout (`api.timeout_ms`).
    pub timeout: Duration,
    /// Retry policy, signing and compression.
    pub options: ClientOptions,
}

impl Default for TransportSettings {
    fn default() -> Self {
        TransportSettings {
            proxy: None,
            certificate: CertificateSettings::default(),
            timeout: Duration::from_millis(DEFAULT_TIMEOUT_MS),
            options: ClientOptions::default(),
        }
    }
}

impl TransportSettings {
    /// A copy (explicit: the proxy URL may hold credentials).
    pub fn duplicate(&self) -> Self {
        TransportSettings {
            proxy: self.proxy.as_ref().map(ProxySettings::duplicate),
            certificate: self.certificate.clone(),
            timeout: self.timeout,
            options: self.options.clone(),
        }
    }

    /// The transport part of a loaded configuration, with default options.
    pub fn from_configuration(configuration: &Configuration) -> Self {
        TransportSettings {
            proxy: configuration
                .proxy
                .as_ref()
                .and_then(|p| ProxySettings::parse(p.url().expose_secret()).ok()),
            certificate: configuration.certificate.clone(),
            timeout: configuration.timeout,
            options: ClientOptions::default(),
        }
    }

    /// A one-line description of the TLS and proxy setup (safe to log).
    pub fn describe(&self) -> String {
        let mut out = String::from("TLS 1.2/1.3 (rustls, ring); trust: ");
        let anchors = self.certificate.trust_anchors.len();
        match (&self.certificate.ca_file, anchors) {
            (Some(path), 0) => {
                let _ = write!(out, "CA file {}", path.display());
            }
            (Some(path), n) => {
                let _ = write!(out, "CA file {} + {n} host trust anchor(s)", path.display());
            }
            (None, 0) if system_has_roots() => out.push_str("platform verifier"),
            (None, 0) => out.push_str("webpki roots (the system has no CA store)"),
            (None, n) => {
                let _ = write!(out, "{n} host trust anchor(s)");
            }
        }
        if self.certificate.ignore_cert_errors {
            out.push_str(" (VERIFICATION DISABLED by api.certificate.ignore_cert_errors)");
        }
        match (
            &self.certificate.client_identity,
            &self.certificate.host_client_identity,
        ) {
            (Some((cert, _)), _) => {
                let _ = write!(out, "; client certificate {}", cert.display());
            }
            (None, Some(_)) => out.push_str("; client certificate from the host"),
            (None, None) => out.push_str("; no client certificate"),
        }
        match &self.proxy {
            Some(proxy) => {
                let _ = write!(out, "; proxy {}", proxy.redacted());
            }
            None => out.push_str("; no proxy"),
        }
        let _ = write!(out, "; timeout {} ms", self.timeout.as_millis());
        out
    }

    /// Warnings about dangerous settings (each is also logged by the client as a WARN
    /// `tls.verification_disabled` record).
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.certificate.ignore_cert_errors {
            out.push(format!(
                "{} is true: the server certificate is NOT verified; anyone on the path can \
                 read both credential layers",
                keys::CERTIFICATE_IGNORE_ERRORS
            ));
        }
        out
    }

    /// Builds the ureq agent: HTTPS only, no redirects, keep-alive, the configured trust,
    /// client certificate, proxy and timeouts. Reads the certificate files.
    pub fn build_agent(&self) -> Result<ureq::Agent, ConfigError> {
        self.build_agent_counting(&ConnectionCounters::default())
    }

    /// [`TransportSettings::build_agent`], counting new connections (TLS handshakes) and
    /// pooled connections found closed in `counters`.
    pub(crate) fn build_agent_counting(
        &self,
        counters: &ConnectionCounters,
    ) -> Result<ureq::Agent, ConfigError> {
        let mut tls = TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()));
        // `ca_file` and the host's trust anchors together; the platform's store only when
        // neither is given.
        let mut roots = match &self.certificate.ca_file {
            Some(path) => read_certificates(path, keys::CERTIFICATE_CA_FILE, &self.certificate)?,
            None => Vec::new(),
        };
        roots.extend(
            self.certificate
                .trust_anchors
                .certificates()
                .iter()
                .map(|der| Certificate::from_der(der).to_owned()),
        );
        tls = if !roots.is_empty() {
            tls.root_certs(RootCerts::new_with_certs(&roots))
        } else if system_has_roots() {
            tls.root_certs(RootCerts::PlatformVerifier)
        } else {
            tls.root_certs(RootCerts::WebPki)
        };
        if let Some((cert_file, key_file)) = &self.certificate.client_identity {
            let chain =
                read_certificates(cert_file, keys::CERTIFICATE_CERT_FILE, &self.certificate)?;
            let key = read_private_key(key_file, &self.certificate)?;
            tls = tls.client_cert(Some(ClientCert::new_with_certs(&chain, key)));
        } else if let Some(identity) = &self.certificate.host_client_identity {
            let chain: Vec<Certificate<'static>> = identity
                .chain()
                .iter()
                .map(|der| Certificate::from_der(der).to_owned())
                .collect();
            let key = pkcs8_key(identity.key_pkcs8().expose_secret())?;
            tls = tls.client_cert(Some(ClientCert::new_with_certs(&chain, key)));
        }
        if self.certificate.ignore_cert_errors {
            tls = tls.disable_verification(true);
        }
        let proxy = match &self.proxy {
            Some(p) => Some(ureq::Proxy::new(p.url().expose_secret()).map_err(|_| {
                ConfigError::InvalidSetting {
                    key: keys::PROXY_URL,
                    reason: format!("unusable proxy URL {}", p.redacted()),
                }
            })?),
            None => None,
        };
        let config = ureq::Agent::config_builder()
            .tls_config(tls.build())
            .proxy(proxy)
            .https_only(true)
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .user_agent(USER_AGENT_VALUE)
            .max_idle_connections(self.options.max_idle_connections.max(1) * 4)
            .max_idle_connections_per_host(self.options.max_idle_connections.max(1))
            .timeout_connect(Some(self.timeout))
            .timeout_send_request(Some(self.timeout))
            .timeout_send_body(Some(self.timeout))
            .timeout_recv_response(Some(self.timeout))
            .timeout_recv_body(Some(self.timeout))
            .build();
        Ok(super::connection::agent_with(config, counters))
    }
}

/// Whether the platform has a CA store to verify with; without one the client falls back to
/// the Mozilla roots of `webpki-roots`.
fn system_has_roots() -> bool {
    static HAS_ROOTS: once_cell::sync::Lazy<bool> = once_cell::sync::Lazy::new(|| {
        if cfg!(all(
            unix,
            not(target_vendor = "apple"),
            not(target_os = "android")
        )) {
            !rustls_native_certs::load_native_certs().certs.is_empty()
        } else {
            true
        }
    });
    *HAS_ROOTS
}

/// Reads the file named by `key`; an error names the key, the file and where it was set.
fn read_pem(
    path: &Path,
    key: &'static str,
    certificate: &CertificateSettings,
) -> Result<Vec<u8>, ConfigError> {
    std::fs::read(path).map_err(|e| ConfigError::UnreadableFile {
        key,
        path: path.to_path_buf(),
        origin: certificate.origin_of(key).map(ToString::to_string),
        reason: e.kind().to_string(),
    })
}

/// Reads every certificate of a PEM bundle; an error when there is none.
fn read_certificates(
    path: &Path,
    key: &'static str,
    certificate: &CertificateSettings,
) -> Result<Vec<Certificate<'static>>, ConfigError> {
    let pem = read_pem(path, key, certificate)?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(PemItem::Certificate(c)) => certs.push(c),
            Ok(_) => {}
            Err(_) => {
                return Err(ConfigError::InvalidSetting {
                    key,
                    reason: format!("{} is not valid PEM", path.display()),
                });
            }
        }
    }
    if certs.is_empty() {
        return Err(ConfigError::InvalidSetting {
            key,
            reason: format!("{} holds no PEM certificate", path.display()),
        });
    }
    Ok(certs)
}

fn read_private_key(
    path: &Path,
    certificate: &CertificateSettings,
) -> Result<PrivateKey<'static>, ConfigError> {
    let pem = zeroize::Zeroizing::new(read_pem(path, keys::CERTIFICATE_KEY_FILE, certificate)?);
    for item in ureq::tls::parse_pem(&pem) {
        if let Ok(PemItem::PrivateKey(key)) = item {
            return Ok(key);
        }
    }
    Err(ConfigError::InvalidSetting {
        key: keys::CERTIFICATE_KEY_FILE,
        reason: format!("{} holds no PEM private key", path.display()),
    })
}

/// A PKCS#8 DER key as ureq takes it (ureq names DER key kinds only through PEM labels); the
/// PEM text is wiped after parsing.
fn pkcs8_key(der: &[u8]) -> Result<PrivateKey<'static>, ConfigError> {
    use base64::Engine as _;
    let mut pem = zeroize::Zeroizing::new(String::from("-----BEGIN PRIVATE KEY-----\n"));
    base64::engine::general_purpose::STANDARD.encode_string(der, &mut pem);
    pem.push_str("\n-----END PRIVATE KEY-----\n");
    PrivateKey::from_pem(pem.as_bytes()).map_err(|_| ConfigError::InvalidArgument {
        name: "client_identity",
        reason: "the private key is not PKCS#8 DER".into(),
    })
}
