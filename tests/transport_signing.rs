//! Signed reports against the test server's verifier: every attempt signed afresh, a
//! tampered body and a replay refused, the previous key's signature during a rotation, and
//! the clock corrected from the server's `Date`.
#![cfg(feature = "test-server")]

mod transport_support;

use std::time::{SystemTime, UNIX_EPOCH};

use contrast_auth::Snapshot;
use contrast_auth::signing::{Message, SignatureHeaders, Signer, SignerOptions};
use contrast_auth::test_server::{Fault, TestServerOptions};
use contrast_auth::transport::{Client, SendError};
use transport_support::*;

fn signed_server() -> Fixture {
    Fixture::start(TestServerOptions {
        require_signature: true,
        ..TestServerOptions::default()
    })
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[test]
fn reports_are_signed_and_verified() {
    let f = signed_server();
    let client = f.client(SERVICE_KEY, API_KEY);
    client
        .send(
            "POST",
            "/api/ng/report?app=a%20b",
            "application/json",
            b"{\"a\":1}",
        )
        .expect("signed and verified");
    let received = &f.server.received()[0];
    assert_eq!(received.signature_labels, vec!["contrast"]);
    assert_eq!(received.status, 200);
}

#[test]
fn unsigned_reports_are_refused_when_the_server_requires_signatures() {
    let f = signed_server();
    let mut settings = f.settings();
    settings.options.sign = false;
    let client = Client::new(f.store(SERVICE_KEY, API_KEY), settings).unwrap();
    let error = client
        .send("POST", "/r", "application/json", b"{}")
        .unwrap_err();
    assert!(
        matches!(error, SendError::CredentialsRejected { status: 401, .. }),
        "{error:?}"
    );
    assert_eq!(f.server.stats().rejected_signature, 1);
    assert_eq!(
        f.server.received()[0].rejection.as_deref(),
        Some("signature: missing")
    );
}

#[test]
fn every_retry_is_signed_afresh() {
    let f = signed_server();
    let client = f.client(SERVICE_KEY, API_KEY);
    f.server.inject(Fault::CloseMidResponse);
    f.server.inject(Fault::Status {
        status: 503,
        retry_after: Some(0),
    });
    let sent = client
        .send("POST", "/r", "application/json", b"{}")
        .unwrap();
    assert_eq!(sent.attempts, 3);
    let nonces: Vec<_> = f
        .server
        .received()
        .iter()
        .map(|r| r.signature_nonce.clone().unwrap())
        .collect();
    assert_eq!(nonces.len(), 3);
    assert!(nonces[0] != nonces[1] && nonces[1] != nonces[2] && nonces[0] != nonces[2]);
    assert_eq!(
        f.server.stats().rejected_signature,
        0,
        "no retry looked like a replay"
    );
}

/// Signs a JSON `POST` of `body` to `url` with `snapshot`'s key, created at `created`.
fn sign_report(
    signer: &Signer,
    snapshot: &Snapshot,
    url: &str,
    body: &[u8],
    created: u64,
) -> SignatureHeaders {
    signer
        .sign(
            &Message {
                method: "POST",
                url,
                content_type: "application/json",
                body,
            },
            snapshot,
            None,
            created,
        )
        .unwrap()
}

/// POSTs `body` with `snapshot`'s auth headers and the signature `headers`; returns the status.
fn post_signed(
    agent: &ureq::Agent,
    url: &str,
    snapshot: &Snapshot,
    headers: &SignatureHeaders,
    body: &[u8],
) -> u16 {
    let mut request = agent
        .post(url)
        .header(
            "Authorization",
            snapshot.headers().authorization().expose_secret(),
        )
        .header("API-Key", snapshot.headers().api_key().expose_secret())
        .header("Content-Type", "application/json");
    for (name, value) in headers.pairs() {
        request = request.header(name, value);
    }
    request.send(body).unwrap().status().as_u16()
}

/// Sends a request signed for `signed_body` but carrying `sent_body`, over the client's TLS
/// settings, and returns the status.
fn send_raw(
    f: &Fixture,
    signed_body: &[u8],
    sent_body: &[u8],
    signer: &Signer,
    created: u64,
) -> u16 {
    let store = f.store(SERVICE_KEY, API_KEY);
    let snapshot = store.snapshot();
    let url = format!("{}/api/ng/report", f.server.url());
    let headers = sign_report(signer, &snapshot, &url, signed_body, created);
    let agent = f.settings().build_agent().unwrap();
    post_signed(&agent, &url, &snapshot, &headers, sent_body)
}

#[test]
fn a_tampered_body_is_refused() {
    let f = signed_server();
    let signer = Signer::new(SignerOptions::default());
    assert_eq!(
        send_raw(&f, b"{\"a\":1}", b"{\"a\":1}", &signer, now()),
        200
    );
    assert_eq!(
        send_raw(&f, b"{\"a\":1}", b"{\"a\":2}", &signer, now()),
        401
    );
    let last = f.server.received().pop().unwrap();
    assert!(last.rejection.unwrap().contains("Content-Digest"));
    assert_eq!(f.server.stats().rejected_signature, 1);
}

#[test]
fn a_replayed_request_is_refused() {
    let f = signed_server();
    let store = f.store(SERVICE_KEY, API_KEY);
    let snapshot = store.snapshot();
    let url = format!("{}/api/ng/report", f.server.url());
    let headers = sign_report(&Signer::default(), &snapshot, &url, b"{}", now());
    let agent = f.settings().build_agent().unwrap();
    let send = || post_signed(&agent, &url, &snapshot, &headers, b"{}");
    assert_eq!(send(), 200);
    assert_eq!(send(), 401, "the same nonce again is a replay");
    assert!(
        f.server.received()[1]
            .rejection
            .as_deref()
            .unwrap()
            .contains("replay")
    );
}

#[test]
fn after_a_rotation_reports_also_carry_the_previous_keys_signature() {
    let f = signed_server();
    let client = f.client(SERVICE_KEY, API_KEY);
    client
        .send("POST", "/r", "application/json", b"{}")
        .unwrap();
    f.server
        .set_accepted(&[
            accepted(SERVICE_KEY, API_KEY),
            accepted("SERVICEKEY2", API_KEY),
        ])
        .unwrap();
    client.store().rotate(Some("SERVICEKEY2"), None).unwrap();
    client
        .send("POST", "/r", "application/json", b"{}")
        .unwrap();
    let received = f.server.received();
    assert_eq!(received[0].signature_labels, vec!["contrast"]);
    assert_eq!(
        received[1].signature_labels,
        vec!["contrast", "contrast-prev"]
    );

    // With no grace period, only the current key signs.
    let mut settings = f.settings();
    settings.options.previous_key_grace = std::time::Duration::ZERO;
    let store = f.store(SERVICE_KEY, API_KEY);
    let client = Client::new(store.clone(), settings).unwrap();
    store.rotate(Some("SERVICEKEY2"), None).unwrap();
    client
        .send("POST", "/r", "application/json", b"{}")
        .unwrap();
    assert_eq!(f.server.received()[2].signature_labels, vec!["contrast"]);
}

#[test]
fn a_server_clock_far_ahead_is_followed_after_one_refusal() {
    let f = signed_server();
    let client = f.client(SERVICE_KEY, API_KEY);
    // The server's clock is an hour ahead: a signature made on local time has expired there.
    f.server.set_clock_offset(3600);
    let sent = client
        .send("POST", "/r", "application/json", b"{}")
        .expect("accepted after correcting the clock");
    assert_eq!(sent.attempts, 2);
    assert!((3590..=3610).contains(&client.clock_skew()));
    assert!(
        f.server.received()[0]
            .rejection
            .as_deref()
            .unwrap()
            .contains("expired")
    );
    // Later reports use the corrected clock at once.
    assert_eq!(
        client
            .send("POST", "/r", "application/json", b"{}")
            .unwrap()
            .attempts,
        1
    );
}

#[test]
fn a_server_clock_far_behind_is_followed_too() {
    let f = signed_server();
    let client = f.client(SERVICE_KEY, API_KEY);
    f.server.set_clock_offset(-3600);
    let sent = client
        .send("POST", "/r", "application/json", b"{}")
        .unwrap();
    assert_eq!(sent.attempts, 2);
    assert!(
        f.server.received()[0]
            .rejection
            .as_deref()
            .unwrap()
            .contains("future")
    );
}
