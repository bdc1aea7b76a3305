//! Plants secrets in every public type that holds one and checks that no Debug, Display
//! or error text ever shows them, nor their base64 forms.

use std::fs;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE};
use contrast_auth::config::ProxySettings;
use contrast_auth::headers::{Base64Alphabet, authorization_value};
use contrast_auth::signing::SigningKey;
use contrast_auth::{
    ConfigSources, CredentialStore, Credentials, HeaderOptions, Secret, SecretBytes,
};
use tempfile::TempDir;

const USER: &str = "agent-user-PLANTED";
const SERVICE: &str = "service-key-PLANTED";
const API: &str = "api-key-PLANTED";
const PROXY_PASSWORD: &str = "proxy-pass-PLANTED";

/// Every form in which a planted secret could leak.
fn forbidden() -> Vec<String> {
    let mut out = vec![];
    for s in [USER, SERVICE, API, PROXY_PASSWORD] {
        out.push(s.to_string());
        out.push(STANDARD.encode(s));
        out.push(STANDARD_NO_PAD.encode(s));
    }
    let pair = format!("{USER}:{SERVICE}");
    out.push(STANDARD.encode(&pair));
    out.push(URL_SAFE.encode(&pair));
    let token = contrast_auth::token::encode("https://h/Contrast", API, SERVICE, USER);
    out.push(token.expose_secret().to_string());
    out
}

fn assert_clean(what: &str, text: &str) {
    for f in forbidden() {
        assert!(!text.contains(&f), "{what} leaks a secret form: {text}");
    }
}

fn assert_clean_debug<T: std::fmt::Debug>(what: &str, value: &T) {
    assert_clean(what, &format!("{value:?}"));
    assert_clean(what, &format!("{value:#?}"));
}

#[test]
fn no_public_type_prints_a_secret() {
    let creds = Credentials::new("https://h/Contrast", USER, SERVICE, API).unwrap();
    assert_clean_debug("Credentials", &creds);

    let s = Secret::from(SERVICE);
    assert_clean_debug("Secret", &s);
    assert_clean("Secret Display", &s.to_string());
    assert_clean_debug(
        "SecretBytes",
        &SecretBytes::new(SERVICE.as_bytes().to_vec()),
    );

    let auth = authorization_value(USER, SERVICE, Base64Alphabet::Standard);
    assert_clean_debug("Authorization value", &auth);
    assert_clean("Authorization Display", &auth.to_string());

    let key = SigningKey::derive(USER, SERVICE, API);
    assert_clean_debug("SigningKey", &key);

    let store = CredentialStore::new(creds, HeaderOptions::default());
    assert_clean_debug("CredentialStore", &store);
    let snap = store.snapshot();
    assert_clean_debug("Snapshot", &*snap);
    assert_clean_debug("AuthHeaders", snap.headers());
    assert_clean("Fingerprints", &snap.fingerprints().to_string());

    let report = store.rotate(Some("new-service-key-PLANTED"), None).unwrap();
    assert_clean_debug("RotationReport", &report);
    assert_clean("RotationReport Display", &report.to_string());
    assert!(!report.to_string().contains("new-service-key-PLANTED"));

    let fields = contrast_auth::token::decode(
        contrast_auth::token::encode("https://h/Contrast", API, SERVICE, USER).expose_secret(),
    )
    .unwrap();
    assert_clean_debug("TokenFields", &fields);

    let proxy = ProxySettings::parse(&format!("http://user:{PROXY_PASSWORD}@proxy:8080")).unwrap();
    assert_clean_debug("ProxySettings", &proxy);
    assert_clean("ProxySettings redacted", proxy.redacted());
}

#[test]
fn configuration_and_its_errors_never_print_secrets() {
    let dir = TempDir::new().unwrap();
    fs::write(
        dir.path().join("contrast_security.yaml"),
        format!(
            "api:\n  url: https://h/Contrast\n  user_name: {USER}\n  service_key: {SERVICE}\n  api_key: {API}\n  proxy:\n    url: http://u:{PROXY_PASSWORD}@p:1\n"
        ),
    )
    .unwrap();
    let sources = ConfigSources::new().working_dir(dir.path());
    assert_clean_debug("ConfigSources", &sources);
    let c = sources.load().unwrap();
    assert_clean_debug("Configuration", &c);
    for p in c.provenance() {
        assert_clean("Provenance", &p.to_string());
    }

    // Errors built from bad values that contain the secrets.
    let errors = vec![
        Credentials::new("https://h/Contrast", &format!("{USER}:x"), SERVICE, API).unwrap_err(),
        Credentials::new("https://h/Contrast", USER, &format!("{SERVICE}\r\n"), API).unwrap_err(),
        Credentials::new("https://h/Contrast", USER, SERVICE, &format!("{API}\u{0}")).unwrap_err(),
        Credentials::new(&format!("http://{API}/Contrast"), USER, SERVICE, API).unwrap_err(),
        Credentials::from_token(&format!("{SERVICE}!")).unwrap_err(),
        Credentials::from_token(&STANDARD.encode(format!("{{\"url\":\"{SERVICE}\""))).unwrap_err(),
        Credentials::from_token(&STANDARD.encode(format!("{{\"url\":1,\"api_key\":\"{API}\"}}")))
            .unwrap_err(),
        ProxySettings::parse(&format!("ftp://u:{PROXY_PASSWORD}@p:1")).unwrap_err(),
        ConfigSources::new()
            .environment_value("CONTRAST__API__URL", "https://h/Contrast")
            .environment_value("CONTRAST__API__USER_NAME", USER)
            .environment_value("CONTRAST__API__SERVICE_KEY", SERVICE)
            .environment_value("CONTRAST__API__API_KEY", &format!("{API}\n"))
            .load()
            .unwrap_err(),
    ];
    for e in &errors {
        assert_clean_debug("ConfigError", e);
        assert_clean("ConfigError Display", &e.to_string());
    }
}
