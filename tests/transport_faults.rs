//! Every fault the test server can inject, with the client's retry behaviour asserted.
#![cfg(feature = "test-server")]

mod transport_support;

use std::time::{Duration, Instant};

use contrast_auth::test_server::{Fault, TestServerOptions};
use contrast_auth::transport::{Client, SendError};
use transport_support::*;

fn send(client: &Client) -> Result<contrast_auth::transport::SendResult, SendError> {
    client.send("POST", "/api/ng/report", "application/json", b"{\"k\":1}")
}

#[test]
fn service_unavailable_with_retry_after_waits_then_succeeds() {
    let f = Fixture::start(TestServerOptions::default());
    let client = f.client(SERVICE_KEY, API_KEY);
    f.server.inject(Fault::Status {
        status: 503,
        retry_after: Some(1),
    });
    let started = Instant::now();
    let sent = send(&client).expect("accepted on the second attempt");
    assert_eq!(sent.attempts, 2);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was honoured"
    );
    assert_eq!(client.counters().retries, 1);
    // Both attempts carried the same report id; the server accepted it once.
    let received = f.server.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].report_id, received[1].report_id);
    assert_eq!(f.server.deliveries()[&sent.report_id], 1);
}

#[test]
fn too_many_requests_honours_retry_after() {
    let f = Fixture::start(TestServerOptions::default());
    let client = f.client(SERVICE_KEY, API_KEY);
    f.server.inject(Fault::Status {
        status: 429,
        retry_after: Some(0),
    });
    f.server.inject(Fault::Status {
        status: 429,
        retry_after: None,
    });
    let sent = send(&client).expect("accepted on the third attempt");
    assert_eq!(sent.attempts, 3);
    assert_eq!(f.server.stats().faults, 2);
}

#[test]
fn a_retry_after_beyond_the_deadline_is_returned_to_the_caller() {
    let f = Fixture::start(TestServerOptions::default());
    let client = f.client(SERVICE_KEY, API_KEY);
    f.server.inject(Fault::Status {
        status: 429,
        retry_after: Some(900),
    });
    let started = Instant::now();
    let error = send(&client).unwrap_err();
    assert_eq!(
        error,
        SendError::Status {
            status: 429,
            retry_after: Some(Duration::from_secs(900)),
            attempts: 1,
        }
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "did not wait 900 s"
    );
}

#[test]
fn server_errors_are_retried_up_to_the_attempt_limit() {
    let f = Fixture::start(TestServerOptions::default());
    let client = f.client(SERVICE_KEY, API_KEY);
    for _ in 0..10 {
        f.server.inject(Fault::Status {
            status: 500,
            retry_after: None,
        });
    }
    let error = send(&client).unwrap_err();
    let max = fast_options().max_attempts;
    assert_eq!(
        error,
        SendError::Status {
            status: 500,
            retry_after: None,
            attempts: max,
        }
    );
    assert_eq!(f.server.stats().requests, u64::from(max));
}

#[test]
fn request_timeout_and_bad_gateway_are_retried() {
    let f = Fixture::start(TestServerOptions::default());
    let client = f.client(SERVICE_KEY, API_KEY);
    for status in [408, 502] {
        f.server.inject(Fault::Status {
            status,
            retry_after: None,
        });
    }
    assert_eq!(send(&client).unwrap().attempts, 3);
}

#[test]
fn other_client_errors_are_not_retried() {
    let f = Fixture::start(TestServerOptions::default());
    let client = f.client(SERVICE_KEY, API_KEY);
    f.server.inject(Fault::Status {
        status: 404,
        retry_after: None,
    });
    let error = send(&client).unwrap_err();
    assert_eq!(
        error,
        SendError::Status {
            status: 404,
            retry_after: None,
            attempts: 1
        }
    );
    // Redirects are not followed either.
    f.server.inject(Fault::Status {
        status: 302,
        retry_after: None,
    });
    assert_eq!(send(&client).unwrap_err().status(), Some(302));
}

#[test]
fn a_connection_closed_before_the_response_is_retried() {
    let f = Fixture::start(TestServerOptions::default());
    let client = f.client(SERVICE_KEY, API_KEY);
    f.server.inject(Fault::CloseBeforeResponse);
    let sent = send(&client).expect("accepted after a retry");
    assert_eq!(sent.attempts, 2);
    assert_eq!(f.server.deliveries()[&sent.report_id], 1);
}

#[test]
fn a_connection_closed_mid_response_is_retried_with_the_same_report_id() {
    let f = Fixture::start(TestServerOptions::default());
    let client = f.client(SERVICE_KEY, API_KEY);
    f.server.inject(Fault::CloseMidResponse);
    let sent = send(&client).expect("accepted after a retry");
    assert_eq!(sent.attempts, 2);
    // The server processed the first attempt too; the stable id lets it see the duplicate.
    assert_eq!(f.server.deliveries()[&sent.report_id], 2);
    assert_eq!(f.server.stats().duplicates, 1);
    let body: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(body["duplicate"], true);
}

#[test]
fn a_response_slower_than_the_timeout_is_retried() {
    let f = Fixture::start(TestServerOptions::default());
    let mut settings = f.settings();
    settings.timeout = Duration::from_millis(300);
    let client = Client::new(f.store(SERVICE_KEY, API_KEY), settings).unwrap();
    f.server.inject(Fault::Delay(Duration::from_millis(900)));
    let sent = send(&client).expect("accepted after a timeout and a retry");
    assert_eq!(sent.attempts, 2);
}

#[test]
fn timeouts_on_every_attempt_give_a_timeout_error() {
    let f = Fixture::start(TestServerOptions::default());
    let mut settings = f.settings();
    settings.timeout = Duration::from_millis(200);
    settings.options.max_attempts = 2;
    let client = Client::new(f.store(SERVICE_KEY, API_KEY), settings).unwrap();
    f.server.inject(Fault::Delay(Duration::from_millis(600)));
    f.server.inject(Fault::Delay(Duration::from_millis(600)));
    match send(&client).unwrap_err() {
        SendError::Timeout { attempts, .. } => assert_eq!(attempts, 2),
        other => panic!("expected Timeout, got {other:?}"),
    }
}

#[test]
fn the_overall_deadline_bounds_retries() {
    let f = Fixture::start(TestServerOptions::default());
    let mut settings = f.settings();
    settings.options.max_attempts = 1000;
    settings.options.deadline = Duration::from_millis(500);
    settings.options.base_backoff = Duration::from_millis(50);
    settings.options.max_backoff = Duration::from_millis(100);
    let client = Client::new(f.store(SERVICE_KEY, API_KEY), settings).unwrap();
    for _ in 0..1000 {
        f.server.inject(Fault::Status {
            status: 503,
            retry_after: None,
        });
    }
    let started = Instant::now();
    let error = send(&client).unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert!(started.elapsed() < Duration::from_secs(3));
    match error {
        SendError::Status { attempts, .. } => assert!((2..1000).contains(&attempts)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_unreachable_server_is_a_network_error_after_retries() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let credentials = contrast_auth::Credentials::new(
        &format!("https://127.0.0.1:{port}/Contrast"),
        USER,
        SERVICE_KEY,
        API_KEY,
    )
    .unwrap();
    let store = std::sync::Arc::new(contrast_auth::CredentialStore::new(
        credentials,
        Default::default(),
    ));
    let settings = contrast_auth::transport::TransportSettings {
        options: contrast_auth::transport::ClientOptions {
            max_attempts: 2,
            ..fast_options()
        },
        ..Default::default()
    };
    let client = Client::new(store, settings).unwrap();
    match send(&client).unwrap_err() {
        SendError::Network { attempts, reason } => {
            assert_eq!(attempts, 2);
            assert_no_secret(&reason);
        }
        other => panic!("expected Network, got {other:?}"),
    }
}

#[test]
fn clock_skew_is_learned_from_the_date_header() {
    let f = Fixture::start(TestServerOptions::default());
    let client = f.client(SERVICE_KEY, API_KEY);
    f.server.set_clock_offset(3600);
    send(&client).unwrap();
    assert!(
        (3590..=3610).contains(&client.clock_skew()),
        "{}",
        client.clock_skew()
    );
    f.server.set_clock_offset(1);
    send(&client).unwrap();
    assert_eq!(client.clock_skew(), 0, "small differences are ignored");
}
