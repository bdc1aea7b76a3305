//! TLS and the network path: keep-alive, custom CA, untrusted certificates, mutual TLS,
#![cfg(feature = "test-server")]
//! `http://` refused, `ignore_cert_errors`, and a CONNECT proxy on loopback.

mod transport_support;

use std::net::TcpListener;

use base64::Engine;
use contrast_auth::config::ProxySettings;
use contrast_auth::test_server::proxy::ConnectProxy;
use contrast_auth::test_server::{TestServer, TestServerOptions};
use contrast_auth::transport::{Client, SendError};
use contrast_auth::{ConfigError, ConfigSources, CredentialStore, HeaderOptions};
use transport_support::*;

fn send(client: &Client) -> Result<contrast_auth::transport::SendResult, SendError> {
    client.send("POST", "/api/ng/report", "application/json", b"{}")
}

#[test]
fn a_thousand_reports_use_one_tls_handshake() {
    let f = Fixture::start(TestServerOptions {
        require_signature: true,
        ..TestServerOptions::default()
    });
    let client = f.client(SERVICE_KEY, API_KEY);
    for _ in 0..1000 {
        send(&client).unwrap();
    }
    let stats = f.server.stats();
    assert_eq!(stats.accepted, 1000);
    assert_eq!(stats.tls_handshakes, 1);
    assert_eq!(stats.connections, 1);
}

#[test]
fn a_server_certificate_from_an_unknown_ca_is_refused() {
    let f = Fixture::start(TestServerOptions::default());
    // Trust a different CA than the one that issued the server certificate.
    let other = TestServer::start(vec![], TestServerOptions::default()).unwrap();
    let other_ca = f.dir.path().join("other-ca.pem");
    other.write_ca_file(&other_ca).unwrap();
    let mut settings = f.settings();
    settings.certificate.ca_file = Some(other_ca);
    let client = Client::new(f.store(SERVICE_KEY, API_KEY), settings).unwrap();
    match send(&client).unwrap_err() {
        SendError::Tls { reason } => assert!(reason.contains("not trusted"), "{reason}"),
        other => panic!("expected Tls, got {other:?}"),
    }
    assert_eq!(
        f.server.stats().requests,
        0,
        "no request reached the server"
    );
}

#[test]
fn the_platform_trust_store_does_not_trust_a_private_ca() {
    let f = Fixture::start(TestServerOptions::default());
    let mut settings = f.settings();
    settings.certificate.ca_file = None;
    let client = Client::new(f.store(SERVICE_KEY, API_KEY), settings).unwrap();
    assert_eq!(send(&client).unwrap_err().kind(), "tls");
    assert_eq!(f.server.stats().requests, 0);
}

#[test]
fn ignore_cert_errors_connects_without_verification() {
    let f = Fixture::start(TestServerOptions::default());
    let mut settings = f.settings();
    settings.certificate.ca_file = None;
    settings.certificate.ignore_cert_errors = true;
    assert_eq!(settings.warnings().len(), 1);
    assert!(settings.describe().contains("VERIFICATION DISABLED"));
    let client = Client::new(f.store(SERVICE_KEY, API_KEY), settings).unwrap();
    send(&client).unwrap();
}

#[test]
fn ignore_cert_errors_is_off_unless_set_explicitly() {
    let f = Fixture::start(TestServerOptions::default());
    f.write_yaml(SERVICE_KEY, API_KEY);
    let (_, configuration) = CredentialStore::load(
        ConfigSources::new().working_dir(f.dir.path()),
        HeaderOptions::default(),
    )
    .unwrap();
    assert!(!configuration.certificate.ignore_cert_errors);
}

#[test]
fn an_http_url_is_refused() {
    let error =
        contrast_auth::Credentials::new("http://127.0.0.1:1/Contrast", USER, SERVICE_KEY, API_KEY)
            .unwrap_err();
    assert!(
        matches!(error, ConfigError::TlsRequired { .. }),
        "{error:?}"
    );
    let error = ConfigSources::new()
        .environment_value("CONTRAST__API__URL", "http://127.0.0.1:1/Contrast")
        .environment_value("CONTRAST__API__USER_NAME", USER)
        .environment_value("CONTRAST__API__SERVICE_KEY", SERVICE_KEY)
        .environment_value("CONTRAST__API__API_KEY", API_KEY)
        .load()
        .unwrap_err();
    assert!(
        matches!(error, ConfigError::TlsRequired { .. }),
        "{error:?}"
    );
    assert_no_secret(&format!("{error} {error:?}"));
}

#[test]
fn a_missing_or_empty_ca_file_is_a_configuration_error() {
    let f = Fixture::start(TestServerOptions::default());
    let mut settings = f.settings();
    settings.certificate.ca_file = Some(f.dir.path().join("missing.pem"));
    let error = Client::new(f.store(SERVICE_KEY, API_KEY), settings).unwrap_err();
    assert!(
        matches!(
            error,
            SendError::Config(ConfigError::UnreadableFile {
                key: "api.certificate.ca_file",
                ..
            })
        ),
        "{error:?}"
    );
    let empty = f.dir.path().join("empty.pem");
    std::fs::write(&empty, "not a certificate\n").unwrap();
    let mut settings = f.settings();
    settings.certificate.ca_file = Some(empty);
    let error = Client::new(f.store(SERVICE_KEY, API_KEY), settings).unwrap_err();
    assert!(error.to_string().contains("no PEM certificate"), "{error}");
}

#[test]
fn mutual_tls_requires_the_client_certificate() {
    let f = Fixture::start(TestServerOptions {
        require_client_certificate: true,
        ..TestServerOptions::default()
    });
    // Without a client certificate the handshake fails.
    let client = f.client(SERVICE_KEY, API_KEY);
    let error = send(&client).unwrap_err();
    assert_eq!(error.kind(), "tls", "{error:?}");
    assert_eq!(f.server.stats().requests, 0);

    // With one issued by the server's CA it succeeds.
    let identity = f.server.issue_client_identity("agent").unwrap();
    let cert = f.dir.path().join("client.pem");
    let key = f.dir.path().join("client.key");
    std::fs::write(&cert, &identity.certificate_pem).unwrap();
    std::fs::write(&key, &identity.private_key_pem).unwrap();
    assert!(!format!("{identity:?}").contains("PRIVATE KEY"));
    let mut settings = f.settings();
    settings.certificate.client_identity = Some((cert, key));
    let client = Client::new(f.store(SERVICE_KEY, API_KEY), settings).unwrap();
    send(&client).unwrap();
    assert_eq!(f.server.stats().accepted, 1);
}

#[test]
fn reports_go_through_a_connect_proxy_with_credentials() {
    let f = Fixture::start(TestServerOptions::default());
    let proxy = ConnectProxy::start().unwrap();
    let mut settings = f.settings();
    settings.proxy = Some(
        ProxySettings::parse(&format!(
            "http://bob:proxy-pw-123@127.0.0.1:{}",
            proxy.port()
        ))
        .unwrap(),
    );
    assert!(settings.describe().contains("[REDACTED]@127.0.0.1"));
    assert!(!settings.describe().contains("proxy-pw-123"));
    let client = Client::new(f.store(SERVICE_KEY, API_KEY), settings).unwrap();
    for _ in 0..3 {
        send(&client).unwrap();
    }
    assert_eq!(proxy.tunnels(), 1, "one tunnel, kept alive");
    assert_eq!(f.server.stats().accepted, 3);
    assert_eq!(f.server.stats().tls_handshakes, 1);
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("bob:proxy-pw-123")
    );
    assert_eq!(proxy.authorizations().as_slice(), &[Some(expected)]);
    assert!(!format!("{client:?}").contains("proxy-pw-123"));
}

#[test]
fn a_proxy_that_is_down_is_a_network_error() {
    let f = Fixture::start(TestServerOptions::default());
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut settings = f.settings();
    settings.options.max_attempts = 2;
    settings.proxy =
        Some(ProxySettings::parse(&format!("http://u:secretpw@127.0.0.1:{port}")).unwrap());
    let client = Client::new(f.store(SERVICE_KEY, API_KEY), settings).unwrap();
    let error = send(&client).unwrap_err();
    assert_eq!(error.kind(), "network", "{error:?}");
    assert!(!format!("{error} {error:?}").contains("secretpw"));
}
