//! Trust anchors and a client identity handed over by the host as DER (what the JVM binding
//! does with the JVM's trust store and key store), and the proxy given as parts, against the
//! real loopback TLS server and CONNECT proxy.
#![cfg(feature = "test-server")]

mod transport_support;

use std::sync::Arc;

use base64::Engine;
use contrast_auth::host_tls::{ClientIdentity, TrustAnchors};
use contrast_auth::test_server::proxy::ConnectProxy;
use contrast_auth::test_server::{TestServer, TestServerOptions};
use contrast_auth::transport::{Client, SendError, SendResult, TransportSettings};
use contrast_auth::{ConfigSources, CredentialStore, HeaderOptions, SecretBytes};
use transport_support::*;

fn send(client: &Client) -> Result<SendResult, SendError> {
    client.send("POST", "/api/ng/report", "application/json", b"{}")
}

fn anchors(ders: &[&[u8]]) -> TrustAnchors {
    let mut anchors = TrustAnchors::new();
    for (i, der) in ders.iter().enumerate() {
        anchors.add(der, i).unwrap();
    }
    anchors
}

fn identity_of(server: &TestServer) -> ClientIdentity {
    let client = server.issue_client_identity("agent").unwrap();
    ClientIdentity::new(
        vec![client.certificate_der().to_vec()],
        SecretBytes::new(client.private_key_der().to_vec()),
    )
    .unwrap()
}

/// Settings with no `ca_file`.
fn without_ca_file(f: &Fixture) -> TransportSettings {
    let mut settings = f.settings();
    settings.certificate.ca_file = None;
    settings
}

#[test]
fn a_der_trust_anchor_alone_is_enough() {
    let f = Fixture::start(TestServerOptions::default());
    let mut settings = without_ca_file(&f);
    settings.certificate.trust_anchors = anchors(&[f.server.ca_der()]);
    assert!(
        settings.describe().contains("1 host trust anchor(s)"),
        "{}",
        settings.describe()
    );
    let client = Client::new(f.store(SERVICE_KEY, API_KEY), settings).unwrap();
    send(&client).unwrap();
    assert_eq!(f.server.stats().accepted, 1);
}

#[test]
fn der_anchors_are_trusted_together_with_the_ca_file() {
    let f = Fixture::start(TestServerOptions::default());
    let other = TestServer::start(vec![], TestServerOptions::default()).unwrap();
    let other_ca = f.dir.path().join("other-ca.pem");
    other.write_ca_file(&other_ca).unwrap();

    // The server's CA only among the DER anchors, an unrelated CA in ca_file: trusted.
    let mut settings = f.settings();
    settings.certificate.ca_file = Some(other_ca.clone());
    settings.certificate.trust_anchors = anchors(&[other.ca_der(), f.server.ca_der()]);
    send(&Client::new(f.store(SERVICE_KEY, API_KEY), settings).unwrap()).unwrap();

    // The server's CA in ca_file, unrelated DER anchors: still trusted (not replaced).
    let mut settings = f.settings();
    settings.certificate.trust_anchors = anchors(&[other.ca_der()]);
    send(&Client::new(f.store(SERVICE_KEY, API_KEY), settings).unwrap()).unwrap();

    // Neither holds the server's CA: refused before any request.
    let mut settings = f.settings();
    settings.certificate.ca_file = Some(other_ca);
    settings.certificate.trust_anchors = anchors(&[other.ca_der()]);
    let error = send(&Client::new(f.store(SERVICE_KEY, API_KEY), settings).unwrap()).unwrap_err();
    assert_eq!(error.kind(), "tls", "{error:?}");
    assert_eq!(f.server.stats().accepted, 2);
    assert_eq!(f.server.stats().requests, 2);
}

#[test]
fn ignore_cert_errors_still_means_no_verification_with_anchors() {
    let f = Fixture::start(TestServerOptions::default());
    let other = TestServer::start(vec![], TestServerOptions::default()).unwrap();
    let mut settings = without_ca_file(&f);
    settings.certificate.trust_anchors = anchors(&[other.ca_der()]);
    settings.certificate.ignore_cert_errors = true;
    send(&Client::new(f.store(SERVICE_KEY, API_KEY), settings).unwrap()).unwrap();
}

#[test]
fn a_der_client_identity_gives_mutual_tls_and_cert_file_wins_over_it() {
    let f = Fixture::start(TestServerOptions {
        require_client_certificate: true,
        ..TestServerOptions::default()
    });
    let mut settings = f.settings();
    settings.certificate.host_client_identity = Some(identity_of(&f.server));
    assert!(
        settings
            .describe()
            .contains("client certificate from the host")
    );
    send(&Client::new(f.store(SERVICE_KEY, API_KEY), settings).unwrap()).unwrap();
    assert_eq!(f.server.stats().accepted, 1);

    // A configured cert_file/key_file (here issued by a CA the server does not accept) is
    // what the client presents, not the host's identity.
    let other = TestServer::start(vec![], TestServerOptions::default()).unwrap();
    let foreign = other.issue_client_identity("stranger").unwrap();
    let (cert, key) = (f.dir.path().join("c.pem"), f.dir.path().join("c.key"));
    std::fs::write(&cert, &foreign.certificate_pem).unwrap();
    std::fs::write(&key, &foreign.private_key_pem).unwrap();
    let mut settings = f.settings();
    settings.certificate.client_identity = Some((cert, key));
    settings.certificate.host_client_identity = Some(identity_of(&f.server));
    let error = send(&Client::new(f.store(SERVICE_KEY, API_KEY), settings).unwrap()).unwrap_err();
    assert_eq!(error.kind(), "tls", "{error:?}");
    assert_eq!(f.server.stats().accepted, 1);
}

#[test]
fn trust_and_identity_flow_from_config_sources_to_the_client() {
    let f = Fixture::start(TestServerOptions {
        require_client_certificate: true,
        ..TestServerOptions::default()
    });
    let sources = ConfigSources::new()
        .environment_value("CONTRAST__API__URL", f.server.url())
        .environment_value("CONTRAST__API__USER_NAME", USER)
        .environment_value("CONTRAST__API__SERVICE_KEY", SERVICE_KEY)
        .environment_value("CONTRAST__API__API_KEY", API_KEY)
        .trust_anchors(anchors(&[f.server.ca_der()]))
        .client_identity(identity_of(&f.server));
    let (store, configuration) = CredentialStore::load(sources, HeaderOptions::default()).unwrap();
    let mut settings = TransportSettings::from_configuration(&configuration);
    settings.options = fast_options();
    send(&Client::new(Arc::new(store), settings).unwrap()).unwrap();
    assert_eq!(f.server.stats().accepted, 1);
}

const PROXY_USER: &str = "proxy bob";
const PROXY_PASS: &str = "pw:with@odd%chars";

fn proxied(f: &Fixture, proxy: &ConnectProxy, pass: &str) -> Client {
    let sources = ConfigSources::new()
        .environment_value("CONTRAST__API__URL", f.server.url())
        .environment_value("CONTRAST__API__USER_NAME", USER)
        .environment_value("CONTRAST__API__SERVICE_KEY", SERVICE_KEY)
        .environment_value("CONTRAST__API__API_KEY", API_KEY)
        .environment_value("CONTRAST__API__PROXY__HOST", "127.0.0.1")
        .environment_value("CONTRAST__API__PROXY__PORT", &proxy.port().to_string())
        .environment_value("CONTRAST__API__PROXY__USER", PROXY_USER)
        .environment_value("CONTRAST__API__PROXY__PASS", pass)
        .environment_value("CONTRAST__API__PROXY__AUTH_TYPE", "Basic")
        .trust_anchors(anchors(&[f.server.ca_der()]));
    let (store, configuration) = CredentialStore::load(sources, HeaderOptions::default()).unwrap();
    let mut settings = TransportSettings::from_configuration(&configuration);
    settings.options = fast_options();
    settings.options.max_attempts = 1;
    assert!(
        !settings.describe().contains(pass),
        "{}",
        settings.describe()
    );
    Client::new(Arc::new(store), settings).unwrap()
}

#[test]
fn proxy_parts_with_basic_credentials_go_through_the_connect_proxy() {
    let f = Fixture::start(TestServerOptions::default());
    let proxy = ConnectProxy::start_requiring(PROXY_USER, PROXY_PASS).unwrap();
    let client = proxied(&f, &proxy, PROXY_PASS);
    send(&client).unwrap();
    send(&client).unwrap();
    assert_eq!(proxy.tunnels(), 1, "one tunnel, kept alive");
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{PROXY_USER}:{PROXY_PASS}"))
    );
    assert_eq!(proxy.authorizations(), vec![Some(expected)]);
    assert!(!format!("{client:?}").contains(PROXY_PASS));

    // A wrong password is refused by the proxy (407): no report, no password in the error.
    let wrong = proxied(&f, &proxy, "wrong-pass");
    let error = send(&wrong).unwrap_err();
    assert!(proxy.refused() >= 1);
    assert!(
        !format!("{error} {error:?}").contains("wrong-pass"),
        "{error}"
    );
    assert_eq!(f.server.stats().accepted, 2);
}
