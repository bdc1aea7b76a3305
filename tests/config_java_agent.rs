//! The configuration the Java agent reads beyond the common keys: proxy parts (with the
//! agents' rules), `contrast.config.path`, `/etc/contrast/<agent>/`, and TLS material handed
//! over by the host as DER. No process-global state: explicit sources and temp directories.
#![cfg(feature = "test-server")]

use std::fs;
use std::path::{Path, PathBuf};

use contrast_auth::config::keys;
use contrast_auth::host_tls::{ClientIdentity, TrustAnchors};
use contrast_auth::test_server::{TestServer, TestServerOptions};
use contrast_auth::{ConfigError, ConfigSources, Configuration, Origin, SecretBytes};
use tempfile::TempDir;

const URL: &str = "https://eval.contrastsecurity.com/Contrast";
const PROXY_PASS: &str = "pr0xy-P@ss:w0rd";
const PROXY_USER: &str = "proxy-bob";

fn yaml(dir: &Path, tag: &str) -> PathBuf {
    fs::create_dir_all(dir).unwrap();
    let path = dir.join("contrast_security.yaml");
    fs::write(
        &path,
        format!("api:\n  url: {URL}\n  user_name: u-{tag}\n  service_key: sk-{tag}\n  api_key: ak-{tag}\n"),
    )
    .unwrap();
    path
}

/// Credentials only, from the environment; nothing on disk.
fn base() -> ConfigSources {
    ConfigSources::new()
        .environment_value("CONTRAST__API__URL", URL)
        .environment_value("CONTRAST__API__USER_NAME", "user")
        .environment_value("CONTRAST__API__SERVICE_KEY", "sk")
        .environment_value("CONTRAST__API__API_KEY", "ak")
}

fn invalid_key(error: &ConfigError) -> &'static str {
    match error {
        ConfigError::InvalidSetting { key, .. } | ConfigError::Missing { key, .. } => key,
        other => panic!("expected an invalid or missing setting, got {other:?}"),
    }
}

fn load(sources: ConfigSources) -> Configuration {
    sources.load().unwrap()
}

fn assert_no_proxy_secret(text: &str) {
    assert!(!text.contains(PROXY_PASS), "proxy password leaked: {text}");
    assert!(
        !text.contains("P%40ss"),
        "encoded proxy password leaked: {text}"
    );
}

#[test]
fn proxy_parts_make_a_proxy_url_with_basic_credentials() {
    let c = load(
        base()
            .environment_value("CONTRAST__API__PROXY__HOST", "proxy.internal")
            .environment_value("CONTRAST__API__PROXY__PORT", "3128")
            .environment_value("CONTRAST__API__PROXY__USER", PROXY_USER)
            .environment_value("CONTRAST__API__PROXY__PASS", PROXY_PASS)
            .host_value("contrast.api.proxy.auth_type", "Basic"),
    );
    let proxy = c.proxy.as_ref().expect("a proxy");
    assert!(proxy.has_credentials());
    assert_eq!(proxy.redacted(), "http://[REDACTED]@proxy.internal:3128");
    // The password's `@` and `:` are percent-encoded, so the URL parses unambiguously.
    assert_eq!(
        proxy.url().expose_secret(),
        "http://proxy-bob:pr0xy-P%40ss%3Aw0rd@proxy.internal:3128"
    );
    assert_eq!(
        c.origin_of(keys::PROXY_PASS),
        Some(&Origin::Environment("CONTRAST__API__PROXY__PASS".into()))
    );
    assert_eq!(
        c.origin_of(keys::PROXY_AUTH_TYPE),
        Some(&Origin::Host("contrast.api.proxy.auth_type".into()))
    );
    let lines: Vec<String> = c.provenance().iter().map(|p| p.to_string()).collect();
    assert!(
        lines.contains(&"proxy.host from environment CONTRAST__API__PROXY__HOST".to_string()),
        "{lines:?}"
    );
    assert_no_proxy_secret(&format!("{c:?} {proxy:?} {lines:?}"));
}

#[test]
fn proxy_parts_from_yaml_default_to_http_and_take_https() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("c.yaml");
    fs::write(
        &path,
        "api:\n  proxy:\n    host: 10.0.0.7\n    port: 8443\n    scheme: HTTPS\n",
    )
    .unwrap();
    let c = load(base().host_value("contrast.config.path", path.to_str().unwrap()));
    let proxy = c.proxy.as_ref().unwrap();
    assert_eq!(proxy.redacted(), "https://10.0.0.7:8443");
    assert!(!proxy.has_credentials());
    assert_eq!(c.origin_of(keys::PROXY_PORT), Some(&Origin::File(path)));

    let c = load(
        base()
            .environment_value("CONTRAST__API__PROXY__HOST", "::1")
            .environment_value("CONTRAST__API__PROXY__PORT", "8080"),
    );
    assert_eq!(c.proxy.unwrap().redacted(), "http://[::1]:8080");
}

#[test]
fn url_and_parts_together_are_refused_naming_both() {
    let error = base()
        .environment_value("CONTRAST__API__PROXY__URL", "http://proxy:1")
        .environment_value("CONTRAST__API__PROXY__HOST", "proxy")
        .environment_value("CONTRAST__API__PROXY__PASS", PROXY_PASS)
        .load()
        .unwrap_err();
    let text = error.to_string();
    assert_eq!(invalid_key(&error), keys::PROXY_URL);
    assert!(
        text.contains("api.proxy.url") && text.contains("api.proxy.host"),
        "{text}"
    );
    assert!(text.contains("api.proxy.pass"), "{text}");
    assert_no_proxy_secret(&format!("{text} {error:?}"));
}

#[test]
fn ntlm_and_digest_are_refused_and_unknown_types_too() {
    for (kind, word) in [("NTLM", "NTLM"), ("ntlm", "NTLM"), ("Digest", "Digest")] {
        let error = base()
            .environment_value("CONTRAST__API__PROXY__HOST", "proxy")
            .environment_value("CONTRAST__API__PROXY__PORT", "3128")
            .environment_value("CONTRAST__API__PROXY__USER", PROXY_USER)
            .environment_value("CONTRAST__API__PROXY__PASS", PROXY_PASS)
            .environment_value("CONTRAST__API__PROXY__AUTH_TYPE", kind)
            .load()
            .unwrap_err();
        assert_eq!(invalid_key(&error), keys::PROXY_AUTH_TYPE);
        let text = error.to_string();
        assert!(
            text.contains(word) && text.contains("not supported"),
            "{text}"
        );
        assert_no_proxy_secret(&text);
    }
    let error = base()
        .environment_value("CONTRAST__API__PROXY__HOST", "proxy")
        .environment_value("CONTRAST__API__PROXY__PORT", "3128")
        .environment_value("CONTRAST__API__PROXY__AUTH_TYPE", "Kerberos")
        .load()
        .unwrap_err();
    assert_eq!(invalid_key(&error), keys::PROXY_AUTH_TYPE);
}

#[test]
fn incomplete_or_bad_parts_are_named() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("PORT", "3128")], keys::PROXY_HOST),
        (&[("HOST", "proxy")], keys::PROXY_PORT),
        (&[("HOST", "proxy"), ("PORT", "0")], keys::PROXY_PORT),
        (&[("HOST", "proxy"), ("PORT", "70000")], keys::PROXY_PORT),
        (&[("HOST", "proxy"), ("PORT", "x")], keys::PROXY_PORT),
        (&[("HOST", "pro xy"), ("PORT", "1")], keys::PROXY_HOST),
        (&[("HOST", "a/b"), ("PORT", "1")], keys::PROXY_HOST),
        (
            &[("HOST", "proxy"), ("PORT", "1"), ("SCHEME", "socks5")],
            keys::PROXY_SCHEME,
        ),
        (
            &[("HOST", "proxy"), ("PORT", "1"), ("USER", PROXY_USER)],
            keys::PROXY_USER,
        ),
        (
            &[("HOST", "proxy"), ("PORT", "1"), ("PASS", PROXY_PASS)],
            keys::PROXY_PASS,
        ),
        (
            &[("HOST", "proxy"), ("PORT", "1"), ("AUTH_TYPE", "basic")],
            keys::PROXY_AUTH_TYPE,
        ),
        (
            &[
                ("HOST", "proxy"),
                ("PORT", "1"),
                ("USER", "a:b"),
                ("PASS", PROXY_PASS),
            ],
            keys::PROXY_USER,
        ),
    ];
    for (parts, expected) in cases {
        let mut sources = base();
        for (part, value) in *parts {
            sources = sources.environment_value(&format!("CONTRAST__API__PROXY__{part}"), value);
        }
        let error = sources.load().unwrap_err();
        assert_eq!(invalid_key(&error), *expected, "{parts:?}: {error}");
        assert_no_proxy_secret(&format!("{error} {error:?}"));
    }
}

#[test]
fn proxy_enable_false_turns_parts_off_and_true_needs_url_or_host() {
    let c = load(
        base()
            .environment_value("CONTRAST__API__PROXY__ENABLE", "false")
            .environment_value("CONTRAST__API__PROXY__HOST", "proxy")
            .environment_value("CONTRAST__API__PROXY__PORT", "3128"),
    );
    assert!(c.proxy.is_none());
    let error = base()
        .environment_value("CONTRAST__API__PROXY__ENABLE", "true")
        .load()
        .unwrap_err();
    assert_eq!(invalid_key(&error), keys::PROXY_URL);
    assert!(error.to_string().contains("api.proxy.host"), "{error}");
}

#[test]
fn contrast_config_path_beats_contrast_config_path_variable() {
    let dir = TempDir::new().unwrap();
    let by_host = yaml(&dir.path().join("host"), "host");
    let by_env = yaml(&dir.path().join("env"), "env");
    let c = load(
        ConfigSources::new()
            .environment_value("CONTRAST_CONFIG_PATH", by_env.to_str().unwrap())
            .host_value("contrast.config.path", by_host.to_str().unwrap()),
    );
    assert_eq!(c.credentials.api_key().expose_secret(), "ak-host");
    assert_eq!(c.file.as_deref(), Some(by_host.as_path()));
    assert_eq!(
        c.origin_of(keys::CONFIG_PATH),
        Some(&Origin::Host("contrast.config.path".into()))
    );
    // Without the host setting the variable applies, and provenance says so.
    let c = load(
        ConfigSources::new().environment_value("CONTRAST_CONFIG_PATH", by_env.to_str().unwrap()),
    );
    assert_eq!(c.credentials.api_key().expose_secret(), "ak-env");
    assert_eq!(
        c.origin_of(keys::CONFIG_PATH),
        Some(&Origin::Environment("CONTRAST_CONFIG_PATH".into()))
    );
    // A host setting naming no file is an error naming it, even when the variable is fine.
    let missing = dir.path().join("missing.yaml");
    let error = ConfigSources::new()
        .environment_value("CONTRAST_CONFIG_PATH", by_env.to_str().unwrap())
        .host_value("contrast.config.path", missing.to_str().unwrap())
        .load()
        .unwrap_err();
    assert!(
        matches!(&error, ConfigError::File { path, .. } if *path == missing),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("contrast.config.path"),
        "{error}"
    );
}

#[test]
fn the_agent_directory_is_searched_before_the_system_directory() {
    let dir = TempDir::new().unwrap();
    let work = dir.path().join("work");
    fs::create_dir_all(&work).unwrap();
    let sys = dir.path().join("etc-contrast");
    yaml(&sys, "system");
    let java = yaml(&sys.join("java"), "java");
    let sources = || ConfigSources::new().working_dir(&work).system_dir(&sys);
    let c = load(sources().agent("java"));
    assert_eq!(c.file.as_deref(), Some(java.as_path()));
    assert_eq!(c.credentials.api_key().expose_secret(), "ak-java");
    assert_eq!(c.origin_of(keys::CONFIG_PATH), None, "found by search");
    let c = load(sources());
    assert_eq!(c.credentials.api_key().expose_secret(), "ak-system");
}

#[test]
fn host_trust_anchors_and_identity_reach_the_certificate_settings() {
    let server = TestServer::start(vec![], TestServerOptions::default()).unwrap();
    let mut anchors = TrustAnchors::new();
    anchors.add(server.ca_der(), 0).unwrap();
    let client = server.issue_client_identity("agent").unwrap();
    let identity = ClientIdentity::new(
        vec![client.certificate_der().to_vec()],
        SecretBytes::new(client.private_key_der().to_vec()),
    )
    .unwrap();
    assert_eq!(
        format!("{identity:?}"),
        "ClientIdentity(1 certificate(s), key [REDACTED])"
    );
    let c = load(
        base()
            .trust_anchors(anchors.clone())
            .client_identity(identity.clone()),
    );
    assert_eq!(c.certificate.trust_anchors, anchors);
    assert_eq!(c.certificate.host_client_identity, Some(identity.clone()));

    // A configured cert_file wins over the host's identity; the anchors stay.
    let c = load(
        base()
            .environment_value("CONTRAST__API__CERTIFICATE__CERT_FILE", "/x/client.pem")
            .environment_value("CONTRAST__API__CERTIFICATE__KEY_FILE", "/x/client.key")
            .trust_anchors(anchors.clone())
            .client_identity(identity),
    );
    assert!(c.certificate.client_identity.is_some());
    assert_eq!(c.certificate.host_client_identity, None);
    assert_eq!(c.certificate.trust_anchors.len(), 1);
}

#[test]
fn bad_der_is_refused_when_handed_over() {
    let server = TestServer::start(vec![], TestServerOptions::default()).unwrap();
    let client = server.issue_client_identity("agent").unwrap();
    let mut truncated = server.ca_der().to_vec();
    truncated.truncate(truncated.len() / 2);
    let error = TrustAnchors::new().add(&truncated, 4).unwrap_err();
    assert!(error.to_string().contains("trust anchor 4"), "{error}");

    let chain = vec![client.certificate_der().to_vec()];
    let error = ClientIdentity::new(chain.clone(), SecretBytes::new(vec![0x30, 0x03, 1, 2, 3]))
        .unwrap_err();
    assert!(error.to_string().contains("PKCS#8"), "{error}");
    let error = ClientIdentity::new(
        vec![b"junk".to_vec()],
        SecretBytes::new(client.private_key_der().to_vec()),
    )
    .unwrap_err();
    assert!(error.to_string().contains("chain certificate 0"), "{error}");
}
