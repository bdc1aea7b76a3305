//! Every configuration source, the precedence order, the file search order, the token,
//! provenance, and every bad input. No process-global state: each test builds its own
//! `ConfigSources` with explicit environment values and temporary directories.

use std::fs;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use contrast_auth::config::{CertificateSettings, keys};
use contrast_auth::{ConfigError, ConfigSources, Origin, TokenError};
use tempfile::TempDir;

const URL: &str = "https://eval.contrastsecurity.com/Contrast";

fn write_yaml(dir: &Path, name: &str, body: &str) -> std::path::PathBuf {
    fs::create_dir_all(dir).unwrap();
    let path = dir.join(name);
    fs::write(&path, body).unwrap();
    path
}

fn full_yaml(tag: &str) -> String {
    format!(
        "api:\n  url: {URL}\n  user_name: user-{tag}\n  service_key: sk-{tag}\n  api_key: ak-{tag}\n"
    )
}

/// Writes `contrast_security.yaml` with `body` in the working dir `isolated` uses.
fn write_working_yaml(dir: &TempDir, body: &str) -> std::path::PathBuf {
    write_yaml(&dir.path().join("work"), "contrast_security.yaml", body)
}

/// Sources with nothing but an empty working dir and system dir (no real /etc, no real env).
fn isolated(dir: &TempDir) -> ConfigSources {
    let work = dir.path().join("work");
    let sys = dir.path().join("etc");
    fs::create_dir_all(&work).unwrap();
    fs::create_dir_all(&sys).unwrap();
    ConfigSources::new().working_dir(work).system_dir(sys)
}

#[test]
fn yaml_in_working_dir() {
    let dir = TempDir::new().unwrap();
    let sources = isolated(&dir);
    let path = write_working_yaml(&dir, &full_yaml("w"));
    let c = sources.load().unwrap();
    assert_eq!(c.credentials.url().as_str(), URL);
    assert_eq!(c.credentials.user_name().expose_secret(), "user-w");
    assert_eq!(c.credentials.service_key().expose_secret(), "sk-w");
    assert_eq!(c.credentials.api_key().expose_secret(), "ak-w");
    assert_eq!(c.file.as_deref(), Some(path.as_path()));
    assert_eq!(c.origin_of(keys::API_KEY), Some(&Origin::File(path)));
}

#[test]
fn precedence_host_over_environment_over_file() {
    let dir = TempDir::new().unwrap();
    write_working_yaml(&dir, &full_yaml("file"));
    let sources = isolated(&dir)
        .environment_value("CONTRAST__API__SERVICE_KEY", "sk-env")
        .environment_value("CONTRAST__API__API_KEY", "ak-env")
        .host_value("contrast.api.api_key", "ak-host");
    let c = sources.load().unwrap();
    assert_eq!(c.credentials.user_name().expose_secret(), "user-file");
    assert_eq!(c.credentials.service_key().expose_secret(), "sk-env");
    assert_eq!(c.credentials.api_key().expose_secret(), "ak-host");
    assert_eq!(
        c.origin_of(keys::API_KEY),
        Some(&Origin::Host("contrast.api.api_key".into()))
    );
    assert_eq!(
        c.origin_of(keys::SERVICE_KEY),
        Some(&Origin::Environment("CONTRAST__API__SERVICE_KEY".into()))
    );
    let lines: Vec<String> = c.provenance().iter().map(|p| p.to_string()).collect();
    assert!(
        lines.contains(&"api_key from host setting contrast.api.api_key".to_string()),
        "{lines:?}"
    );
    assert!(lines.contains(&"service_key from environment CONTRAST__API__SERVICE_KEY".to_string()));
    assert!(lines.contains(&"timeout_ms from default".to_string()));
}

#[test]
fn host_keys_without_contrast_prefix_are_accepted() {
    let dir = TempDir::new().unwrap();
    let c = isolated(&dir)
        .host_value("api.url", URL)
        .host_value("api.user_name", "u")
        .host_value("api.service_key", "s")
        .host_value("api.api_key", "a")
        .host_value("contrast.agent.java.standalone_app_name", "ignored")
        .load()
        .unwrap();
    assert_eq!(c.credentials.api_key().expose_secret(), "a");
}

#[test]
fn file_search_order() {
    let dir = TempDir::new().unwrap();
    let work = dir.path().join("work");
    let sys = dir.path().join("etc");
    let sources = || isolated(&dir).agent("java");

    let etc = write_yaml(&sys, "contrast_security.yaml", &full_yaml("etc"));
    assert_eq!(sources().load().unwrap().file, Some(etc.clone()));

    fs::create_dir_all(sys.join("java")).unwrap();
    let agent = write_yaml(
        &sys.join("java"),
        "contrast_security.yml",
        &full_yaml("agent"),
    );
    assert_eq!(sources().load().unwrap().file, Some(agent));

    let yml = write_yaml(&work, "contrast_security.yml", &full_yaml("yml"));
    assert_eq!(sources().load().unwrap().file, Some(yml));

    let yaml = write_yaml(&work, "contrast_security.yaml", &full_yaml("yaml"));
    let c = sources().load().unwrap();
    assert_eq!(c.file, Some(yaml));
    assert_eq!(c.credentials.api_key().expose_secret(), "ak-yaml");

    let explicit = write_yaml(dir.path(), "custom.yaml", &full_yaml("explicit"));
    let c = sources()
        .environment_value("CONTRAST_CONFIG_PATH", explicit.to_str().unwrap())
        .load()
        .unwrap();
    assert_eq!(c.file, Some(explicit));
    assert_eq!(c.credentials.api_key().expose_secret(), "ak-explicit");
}

#[test]
fn config_path_that_does_not_exist_is_an_error() {
    let dir = TempDir::new().unwrap();
    let missing = dir.path().join("nope.yaml");
    let err = isolated(&dir)
        .environment_value("CONTRAST_CONFIG_PATH", missing.to_str().unwrap())
        .load()
        .unwrap_err();
    assert!(matches!(err, ConfigError::File { .. }), "{err:?}");
    assert!(err.to_string().contains("CONTRAST_CONFIG_PATH"));
}

fn token(url: &str, api_key: &str, service_key: &str, user_name: &str) -> String {
    contrast_auth::token::encode(url, api_key, service_key, user_name)
        .expose_secret()
        .to_string()
}

#[test]
fn token_fills_in_and_explicit_values_beat_it() {
    let dir = TempDir::new().unwrap();
    let t = token(URL, "ak-token", "sk-token", "user-token");
    write_working_yaml(&dir, &format!("api:\n  token: {t}\n  api_key: ak-file\n"));
    let c = isolated(&dir).load().unwrap();
    assert_eq!(c.credentials.api_key().expose_secret(), "ak-file");
    assert_eq!(c.credentials.service_key().expose_secret(), "sk-token");
    assert_eq!(c.credentials.user_name().expose_secret(), "user-token");
    let user_origin = c.origin_of(keys::USER_NAME).unwrap().to_string();
    assert!(user_origin.starts_with("api.token in "), "{user_origin}");
    assert!(
        user_origin.ends_with("contrast_security.yaml"),
        "{user_origin}"
    );

    // A token from the environment loses to an explicit value in the file, too.
    let env_token = token(URL, "ak-env-token", "sk-env-token", "user-env-token");
    let c = isolated(&dir)
        .environment_value("CONTRAST__API__TOKEN", &env_token)
        .load()
        .unwrap();
    assert_eq!(c.credentials.api_key().expose_secret(), "ak-file");
    assert_eq!(c.credentials.service_key().expose_secret(), "sk-env-token");
    assert_eq!(
        c.origin_of(keys::SERVICE_KEY).unwrap().to_string(),
        "api.token in environment CONTRAST__API__TOKEN"
    );
}

#[test]
fn malformed_tokens_name_the_problem() {
    let dir = TempDir::new().unwrap();
    let secret = "S3CR3T-SERVICE-KEY";
    let cases = [
        ("!!!notbase64", "base64"),
        (
            &*STANDARD.encode(format!("{{\"url\":\"{secret}\"")),
            "end of input",
        ),
        (
            &*STANDARD.encode(format!(
                r#"{{"url":"{URL}","api_key":"a","user_name":"u","x":"{secret}"}}"#
            )),
            "`x`",
        ),
        (
            &*STANDARD.encode(format!(
                r#"{{"url":"{URL}","api_key":"a","user_name":"{secret}"}}"#
            )),
            "service_key",
        ),
    ];
    for (bad, needle) in cases {
        let err = isolated(&dir)
            .environment_value("CONTRAST__API__TOKEN", bad)
            .load()
            .unwrap_err();
        assert!(matches!(err, ConfigError::InvalidToken { .. }), "{err:?}");
        let text = format!("{err} {err:?}");
        assert!(
            text.contains("environment CONTRAST__API__TOKEN"),
            "{text} should name the token's source"
        );
        assert!(text.contains(needle), "{text} should name {needle}");
        assert!(!text.contains(secret), "{text} leaks the secret");
    }
    let err = isolated(&dir)
        .environment_value(
            "CONTRAST__API__TOKEN",
            &STANDARD.encode(r#"{"url":"u","api_key":"a","user_name":"u"}"#),
        )
        .load()
        .unwrap_err();
    assert_eq!(
        err,
        ConfigError::InvalidToken {
            error: TokenError::MissingField("service_key"),
            origin: "environment CONTRAST__API__TOKEN".into(),
        }
    );
}

#[test]
fn missing_key_names_it_and_where_it_was_looked_for() {
    let dir = TempDir::new().unwrap();
    let err = isolated(&dir)
        .environment_value("CONTRAST__API__URL", URL)
        .environment_value("CONTRAST__API__USER_NAME", "u")
        .environment_value("CONTRAST__API__SERVICE_KEY", "s")
        .load()
        .unwrap_err();
    match &err {
        ConfigError::Missing { key, searched } => {
            assert_eq!(*key, keys::API_KEY);
            assert!(searched.contains("CONTRAST__API__API_KEY"), "{searched}");
            assert!(searched.contains("contrast_security.yaml"), "{searched}");
        }
        other => panic!("expected Missing, got {other:?}"),
    }
    assert!(err.to_string().contains("api.api_key"));
}

fn env_sources(dir: &TempDir) -> ConfigSources {
    isolated(dir)
        .environment_value("CONTRAST__API__URL", URL)
        .environment_value("CONTRAST__API__USER_NAME", "user")
        .environment_value("CONTRAST__API__SERVICE_KEY", "service")
        .environment_value("CONTRAST__API__API_KEY", "apikey")
}

/// The error loading `env_sources` with `name` also set to `value`.
fn env_error(dir: &TempDir, name: &str, value: &str) -> ConfigError {
    env_sources(dir)
        .environment_value(name, value)
        .load()
        .unwrap_err()
}

#[test]
fn bad_values_are_typed_errors() {
    let dir = TempDir::new().unwrap();
    let check = |name: &str, value: &str| env_error(&dir, name, value);

    assert!(matches!(
        check(
            "CONTRAST__API__URL",
            "http://eval.contrastsecurity.com/Contrast"
        ),
        ConfigError::TlsRequired { .. }
    ));
    assert!(matches!(
        check("CONTRAST__API__API_KEY", "   "),
        ConfigError::Empty {
            key: "api.api_key",
            ..
        }
    ));
    assert!(matches!(
        check("CONTRAST__API__API_KEY", ""),
        ConfigError::Empty { .. }
    ));
    assert!(matches!(
        check("CONTRAST__API__USER_NAME", "a:b"),
        ConfigError::ColonInUserName { .. }
    ));
    for injected in ["ak\r\nX-Evil: 1", "ak\nb", "ak\rb", "ak\u{1}b"] {
        let err = check("CONTRAST__API__API_KEY", injected);
        assert!(
            matches!(
                err,
                ConfigError::InvalidCharacter {
                    key: "api.api_key",
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(
            err.to_string()
                .contains("environment CONTRAST__API__API_KEY"),
            "{err}"
        );
        assert!(!err.to_string().contains("X-Evil"));
    }
    assert!(matches!(
        check("CONTRAST__API__TIMEOUT_MS", "soon"),
        ConfigError::InvalidSetting {
            key: "api.timeout_ms",
            ..
        }
    ));
    assert!(matches!(
        check("CONTRAST__API__TIMEOUT_MS", "0"),
        ConfigError::InvalidSetting { .. }
    ));
    assert!(matches!(
        check("CONTRAST__API__PROXY__ENABLE", "yes"),
        ConfigError::InvalidSetting {
            key: "api.proxy.enable",
            ..
        }
    ));
    assert!(matches!(
        check("CONTRAST__API__PROXY__ENABLE", "true"),
        ConfigError::Missing {
            key: "api.proxy.url",
            ..
        }
    ));
    assert!(matches!(
        check("CONTRAST__API__SIGNING_KEY", "c2hvcnQ="),
        ConfigError::InvalidSetting {
            key: "api.signing_key",
            ..
        }
    ));
}

#[test]
fn whitespace_is_trimmed() {
    let dir = TempDir::new().unwrap();
    let c = env_sources(&dir)
        .environment_value("CONTRAST__API__API_KEY", "  apikey\t")
        .load()
        .unwrap();
    assert_eq!(c.credentials.api_key().expose_secret(), "apikey");
}

#[test]
fn typed_transport_settings() {
    let dir = TempDir::new().unwrap();
    let c = env_sources(&dir).load().unwrap();
    assert!(c.proxy.is_none());
    assert_eq!(c.certificate, CertificateSettings::default());
    assert_eq!(c.timeout.as_millis(), 10_000);

    write_working_yaml(
        &dir,
        "api:\n  timeout_ms: 2500\n  proxy:\n    enable: true\n    url: http://bob:hunter2@proxy.local:3128\n  certificate:\n    ca_file: /tmp/ca.pem\n    cert_file: /tmp/c.pem\n    key_file: /tmp/k.pem\n    ignore_cert_errors: false\n",
    );
    let c = env_sources(&dir).load().unwrap();
    assert_eq!(c.timeout.as_millis(), 2500);
    let proxy = c.proxy.as_ref().unwrap();
    assert_eq!(proxy.redacted(), "http://[REDACTED]@proxy.local:3128");
    assert_eq!(
        c.certificate.ca_file.as_deref(),
        Some(Path::new("/tmp/ca.pem"))
    );
    assert_eq!(
        c.certificate.client_identity,
        Some(("/tmp/c.pem".into(), "/tmp/k.pem".into()))
    );
    assert!(!c.certificate.ignore_cert_errors);
    assert!(!format!("{c:?}").contains("hunter2"));

    // An explicit false disables the proxy even when its URL is set.
    let c = env_sources(&dir)
        .environment_value("CONTRAST__API__PROXY__ENABLE", "false")
        .environment_value("CONTRAST__API__CERTIFICATE__IGNORE_CERT_ERRORS", "true")
        .load()
        .unwrap();
    assert!(c.proxy.is_none());
    assert!(c.certificate.ignore_cert_errors);
}

#[test]
fn certificate_and_key_must_come_together() {
    let dir = TempDir::new().unwrap();
    let err = env_error(&dir, "CONTRAST__API__CERTIFICATE__CERT_FILE", "/tmp/c.pem");
    assert!(
        matches!(
            err,
            ConfigError::InvalidSetting {
                key: "api.certificate.cert_file",
                ..
            }
        ),
        "{err:?}"
    );
    let err = env_error(&dir, "CONTRAST__API__CERTIFICATE__KEY_FILE", "/tmp/k.pem");
    assert!(
        matches!(
            err,
            ConfigError::InvalidSetting {
                key: "api.certificate.key_file",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn invalid_yaml_reports_location_not_content() {
    let dir = TempDir::new().unwrap();
    write_working_yaml(&dir, "api:\n  api_key: TOPSECRETKEY\n   bad: [unclosed\n");
    let err = isolated(&dir).load().unwrap_err();
    assert!(matches!(err, ConfigError::File { .. }), "{err:?}");
    let text = format!("{err} {err:?}");
    assert!(text.contains("line"), "{text}");
    assert!(!text.contains("TOPSECRETKEY"), "{text}");
}

#[test]
fn signing_key_from_configuration() {
    let dir = TempDir::new().unwrap();
    let key = STANDARD.encode([42u8; 32]);
    let c = env_sources(&dir)
        .host_value("contrast.api.signing_key", &key)
        .load()
        .unwrap();
    assert_eq!(
        c.credentials.signing_key().unwrap().expose_secret(),
        &[42u8; 32]
    );
}
