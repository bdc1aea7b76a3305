//! Sending reports to the real TLS test server: success, each layer wrong, reload on 401.
#![cfg(feature = "test-server")]

mod transport_support;

use contrast_auth::test_server::{Fault, TestServerOptions};
use contrast_auth::transport::{REPORT_ID_HEADER, SendError};
use transport_support::*;

#[test]
fn a_report_is_accepted_with_both_layers() {
    let f = Fixture::start(TestServerOptions::default());
    let client = f.client(SERVICE_KEY, API_KEY);
    let sent = client
        .send(
            "POST",
            "/api/ng/agents/activity?x=1",
            "application/json",
            b"{\"n\":1}",
        )
        .expect("accepted");
    assert_eq!(sent.status, 200);
    assert_eq!(sent.attempts, 1);
    assert_eq!(sent.report_id.len(), 32);
    assert!(!sent.reloaded);
    let body: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(body["report_id"], sent.report_id.as_str());
    assert_eq!(f.server.deliveries().get(&sent.report_id), Some(&1));
    let received = f.server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].method, "POST");
    assert_eq!(received[0].target, "/Contrast/api/ng/agents/activity?x=1");
    assert!(
        received[0]
            .user_agent
            .as_deref()
            .unwrap()
            .starts_with("contrast-auth/")
    );
    assert_eq!(
        received[0].report_id.as_deref(),
        Some(sent.report_id.as_str())
    );
    assert_eq!(received[0].body_len, 7);
    assert_no_secret(&format!("{client:?} {sent:?} {:?}", f.server));
    let _ = REPORT_ID_HEADER;
}

#[test]
fn every_report_gets_its_own_id() {
    let f = Fixture::start(TestServerOptions::default());
    let client = f.client(SERVICE_KEY, API_KEY);
    let a = client
        .send("POST", "/r", "application/json", b"{}")
        .unwrap();
    let b = client
        .send("POST", "/r", "application/json", b"{}")
        .unwrap();
    assert_ne!(a.report_id, b.report_id);
}

#[test]
fn a_wrong_service_key_is_rejected_with_a_typed_error() {
    let f = Fixture::start(TestServerOptions::default());
    let client = f.client("WRONGSERVICEKEY", API_KEY);
    let error = client
        .send("POST", "/r", "application/json", b"{}")
        .unwrap_err();
    let SendError::CredentialsRejected {
        status,
        fingerprints,
        hint,
        attempts,
    } = &error
    else {
        panic!("expected CredentialsRejected, got {error:?}");
    };
    assert_eq!(*status, 401);
    assert_eq!(
        *attempts, 1,
        "not reloadable, nothing changed: no blind retry"
    );
    assert_eq!(
        fingerprints.service_key,
        contrast_auth::Secret::from("WRONGSERVICEKEY").fingerprint()
    );
    assert!(hint.contains("service_key"));
    let stats = f.server.stats();
    assert_eq!(stats.rejected_service_key, 1);
    assert_eq!(stats.rejected_api_key, 0);
    assert_eq!(stats.requests, 1);
    assert_no_secret(&format!("{error} {error:?}"));
    assert_eq!(client.counters().failed, 1);
}

#[test]
fn a_wrong_api_key_is_rejected_as_layer_two() {
    let f = Fixture::start(TestServerOptions::default());
    let client = f.client(SERVICE_KEY, "WRONGAPIKEY");
    let error = client
        .send("POST", "/r", "application/json", b"{}")
        .unwrap_err();
    assert_eq!(error.status(), Some(401));
    assert_eq!(error.kind(), "credentials_rejected");
    let stats = f.server.stats();
    assert_eq!(stats.rejected_api_key, 1);
    assert_eq!(stats.rejected_service_key, 0);
    assert_no_secret(&format!("{error} {error:?}"));
}

#[test]
fn a_rotated_key_is_picked_up_by_reloading_on_401() {
    let f = Fixture::start(TestServerOptions::default());
    f.write_yaml(SERVICE_KEY, API_KEY);
    let client = f.yaml_client();
    client
        .send("POST", "/r", "application/json", b"{}")
        .expect("accepted before rotation");
    // The administrator rotates the API key: the server accepts only the new one, and the
    // agent's configuration file is updated. No restart.
    f.server
        .set_accepted(&[accepted(SERVICE_KEY, "APIKEY2ROTATED")])
        .unwrap();
    f.write_yaml(SERVICE_KEY, "APIKEY2ROTATED");
    let sent = client
        .send("POST", "/r", "application/json", b"{}")
        .expect("accepted after reload");
    assert_eq!(sent.attempts, 2);
    assert!(sent.reloaded);
    assert_eq!(sent.generation, 2);
    assert_eq!(client.counters().reloads, 1);
    assert_eq!(f.server.stats().rejected_api_key, 1);
}

#[test]
fn refused_statuses_reload_once_and_then_report_the_status() {
    for status in [403u16, 412] {
        let f = Fixture::start(TestServerOptions::default());
        f.write_yaml(SERVICE_KEY, API_KEY);
        let client = f.yaml_client();
        f.server.inject(Fault::Status {
            status,
            retry_after: None,
        });
        let error = client
            .send("POST", "/r", "application/json", b"{}")
            .unwrap_err();
        match error {
            SendError::CredentialsRejected {
                status: s,
                attempts,
                hint,
                ..
            } => {
                assert_eq!(s, status);
                assert_eq!(attempts, 1, "unchanged keys: not retried");
                assert!(!hint.is_empty());
            }
            other => panic!("expected CredentialsRejected, got {other:?}"),
        }
        assert_eq!(client.counters().reloads, 1);
    }
}

#[test]
fn invalid_requests_are_refused_before_sending() {
    let f = Fixture::start(TestServerOptions::default());
    let client = f.client(SERVICE_KEY, API_KEY);
    for (method, path, content_type, needle) in [
        ("post", "/r", "application/json", "method"),
        ("", "/r", "application/json", "method"),
        ("POST", "r", "application/json", "path"),
        ("POST", "/r\r\nX-Evil: 1", "application/json", "control"),
        ("POST", "/a b", "application/json", "white space"),
        (
            "POST",
            "/r",
            "application/json\r\nX-Evil: 1",
            "content type",
        ),
        ("POST", "/r", "", "content type"),
    ] {
        let error = client.send(method, path, content_type, b"{}").unwrap_err();
        assert!(
            matches!(&error, SendError::InvalidRequest { reason } if reason.contains(needle)),
            "{method:?} {path:?} {content_type:?}: {error:?}"
        );
    }
    assert_eq!(f.server.stats().requests, 0);
}

#[test]
fn gzip_bodies_are_marked_and_accepted() {
    let f = Fixture::start(TestServerOptions::default());
    let mut settings = f.settings();
    settings.options.gzip_min_bytes = Some(100);
    let client =
        contrast_auth::transport::Client::new(f.store(SERVICE_KEY, API_KEY), settings).unwrap();
    let body = vec![b'a'; 10_000];
    client
        .send("PUT", "/big", "application/json", &body)
        .unwrap();
    client
        .send("PUT", "/small", "application/json", b"{}")
        .unwrap();
    let received = f.server.received();
    assert_eq!(received[0].content_encoding.as_deref(), Some("gzip"));
    assert!(
        received[0].body_len < 1000,
        "compressed: {}",
        received[0].body_len
    );
    assert_eq!(received[1].content_encoding, None);
}
