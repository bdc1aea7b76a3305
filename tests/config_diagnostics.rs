//! Configuration diagnostics through the library: unknown `api.*` keys from every source
//! with the closest known key, other sections ignored, every missing key at once, an
//! http:// URL refused first naming its source, token errors naming the token's source,
//! unreadable certificate files naming key and source, DNS failures naming the host, and
//! the `/Contrast` path warning.

use std::fs;

use contrast_auth::config::keys;
use contrast_auth::transport::{Client, SendError, TransportSettings};
use contrast_auth::{ConfigError, ConfigSources, CredentialStore, HeaderOptions, Origin};
use tempfile::TempDir;

const URL: &str = "https://teamserver.example/Contrast";

fn isolated(dir: &TempDir) -> ConfigSources {
    ConfigSources::new()
        .working_dir(dir.path())
        .system_dir(dir.path().join("etc"))
}

fn complete(dir: &TempDir) -> ConfigSources {
    isolated(dir)
        .environment_value("CONTRAST__API__URL", URL)
        .environment_value("CONTRAST__API__USER_NAME", "u")
        .environment_value("CONTRAST__API__SERVICE_KEY", "s")
        .environment_value("CONTRAST__API__API_KEY", "a")
}

#[test]
fn unknown_keys_from_every_source_are_named_with_origin_and_suggestion() {
    let dir = TempDir::new().unwrap();
    fs::write(
        dir.path().join("contrast_security.yaml"),
        "api:\n  api_kye: x\n  certificate:\n    ca_flie: /ca.pem\n  proxy:\n    host: p\n    port: 8080\nagent:\n  java:\n    whatever: 1\nserver:\n  name: s\n",
    )
    .unwrap();
    let sources = complete(&dir)
        .environment_value("CONTRAST__API__PROXY__ENABEL", "true")
        .environment_value("CONTRAST__AGENT__LOGGER__LEVEL", "DEBUG")
        .host_value("contrast.api.service_kee", "x")
        .host_value("contrast.agent.java.standalone_app_name", "app")
        .host_value(
            "contrast.config.path",
            &dir.path().join("contrast_security.yaml").to_string_lossy(),
        );
    let configuration = sources.load().expect("unknown keys do not stop loading");
    let warnings = configuration.warnings();
    let found: Vec<(&str, Option<&str>)> = warnings
        .iter()
        .map(|w| (w.key.as_str(), w.suggestion))
        .collect();
    assert_eq!(
        found,
        vec![
            ("api.service_kee", Some("api.service_key")),
            ("api.proxy.enabel", Some("api.proxy.enable")),
            ("api.api_kye", Some("api.api_key")),
            ("api.certificate.ca_flie", Some("api.certificate.ca_file")),
        ],
        "{warnings:?}"
    );
    assert_eq!(
        warnings[0].origin,
        Origin::Host("contrast.api.service_kee".into())
    );
    assert_eq!(
        warnings[1].origin,
        Origin::Environment("CONTRAST__API__PROXY__ENABEL".into())
    );
    assert!(
        matches!(&warnings[3].origin, Origin::File(p) if p.ends_with("contrast_security.yaml"))
    );
    assert!(warnings.iter().all(|w| w.event == "config.unknown_key"));
    // The same scan without loading (what `check` prints when loading fails).
    assert_eq!(sources.unknown_keys(), warnings);
}

#[test]
fn every_missing_required_key_is_named_at_once() {
    let dir = TempDir::new().unwrap();
    let err = isolated(&dir)
        .environment_value("CONTRAST__API__SERVICE_KEY", "s")
        .load()
        .unwrap_err();
    match &err {
        ConfigError::MissingKeys {
            keys: missing,
            searched,
        } => {
            assert_eq!(missing, &[keys::URL, keys::USER_NAME, keys::API_KEY]);
            assert!(searched.contains("CONTRAST__API__URL"), "{searched}");
            assert!(searched.contains("CONTRAST__API__API_KEY"), "{searched}");
        }
        other => panic!("expected MissingKeys, got {other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("`api.url`, `api.user_name`, `api.api_key` are not set"),
        "{text}"
    );
}

#[test]
fn an_http_url_is_refused_first_naming_its_source() {
    let dir = TempDir::new().unwrap();
    fs::write(
        dir.path().join("contrast_security.yaml"),
        "api:\n  url: http://teamserver.example/Contrast\n",
    )
    .unwrap();
    let err = isolated(&dir).load().unwrap_err();
    match &err {
        ConfigError::TlsRequired { scheme, origin } => {
            assert_eq!(scheme, "http");
            assert!(origin.ends_with("contrast_security.yaml"), "{origin}");
        }
        other => panic!("expected TlsRequired, got {other:?}"),
    }
    let err = isolated(&dir)
        .environment_value("CONTRAST__API__URL", "http://x/Contrast")
        .load()
        .unwrap_err();
    assert!(
        err.to_string().contains("(environment CONTRAST__API__URL)"),
        "{err}"
    );
}

#[test]
fn token_errors_name_the_tokens_source() {
    let dir = TempDir::new().unwrap();
    let err = isolated(&dir)
        .host_value("contrast.api.token", "!!!")
        .load()
        .unwrap_err();
    assert!(matches!(err, ConfigError::InvalidToken { .. }), "{err:?}");
    assert!(
        err.to_string().contains("host setting contrast.api.token"),
        "{err}"
    );
}

#[test]
fn unreadable_certificate_files_name_their_key_and_source() {
    let dir = TempDir::new().unwrap();
    for (variable, key) in [
        (
            "CONTRAST__API__CERTIFICATE__CA_FILE",
            keys::CERTIFICATE_CA_FILE,
        ),
        (
            "CONTRAST__API__CERTIFICATE__CERT_FILE",
            keys::CERTIFICATE_CERT_FILE,
        ),
    ] {
        let mut sources = complete(&dir).environment_value(variable, "/nonexistent.pem");
        if key == keys::CERTIFICATE_CERT_FILE {
            sources = sources
                .environment_value("CONTRAST__API__CERTIFICATE__KEY_FILE", "/nonexistent.key");
        }
        let (store, configuration) =
            CredentialStore::load(sources, HeaderOptions::default()).unwrap();
        let settings = TransportSettings::from_configuration(&configuration);
        let err = Client::new(std::sync::Arc::new(store), settings).unwrap_err();
        let SendError::Config(ConfigError::UnreadableFile {
            key: named, origin, ..
        }) = &err
        else {
            panic!("expected UnreadableFile, got {err:?}");
        };
        assert_eq!(*named, key);
        assert_eq!(origin.as_deref(), Some(&*format!("environment {variable}")));
        let text = err.to_string();
        assert!(
            text.contains(key) && text.contains("/nonexistent.pem"),
            "{text}"
        );
    }
}

#[test]
fn a_dns_failure_names_the_host() {
    let dir = TempDir::new().unwrap();
    let (store, configuration) =
        CredentialStore::load(complete(&dir), HeaderOptions::default()).unwrap();
    let mut settings = TransportSettings::from_configuration(&configuration);
    settings.options.max_attempts = 1;
    let client = Client::new(std::sync::Arc::new(store), settings).unwrap();
    let err = client
        .send("POST", "/api/ng/report", "application/json", b"{}")
        .unwrap_err();
    assert!(
        matches!(err, SendError::Network { attempts: 1, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("cannot resolve host teamserver.example: "),
        "{err}"
    );
}

#[test]
fn a_url_without_the_contrast_path_warns() {
    let dir = TempDir::new().unwrap();
    let configuration = complete(&dir)
        .environment_value("CONTRAST__API__URL", "https://teamserver.example/")
        .load()
        .unwrap();
    let warnings = configuration.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].event, "config.url_path");
    assert_eq!(
        warnings[0].origin,
        Origin::Environment("CONTRAST__API__URL".into())
    );
    assert!(complete(&dir).load().unwrap().warnings().is_empty());
}
