//! 1,000 small reports over one keep-alive TLS connection: the full client (both layers,
//! signature, report id, retry logic) against bare ureq sending the same requests with
//! static headers, measured in one run against the loopback test server.
//!
//! Run: `cargo bench --bench transport -- --warm-up-time 1 --measurement-time 3`
//! Prints the TLS handshakes per client and the throughput ratio (bare time / client time).

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use contrast_auth::test_server::{AcceptedCredentials, TestServer, TestServerOptions};
use contrast_auth::transport::{Client, TransportSettings};
use contrast_auth::{CredentialStore, Credentials, HeaderOptions, Secret};
use criterion::Criterion;

const USER: &str = "agent_4f1c2b9e-6d0a-4a3e-9b1f-2c7d8e9f0a1b@ExampleOrg";
const SERVICE_KEY: &str = "J8ZV5Y0H4R2Q7K9M3N6P1T8W";
const API_KEY: &str = "b1C2d3E4f5G6h7I8j9K0l1M2n3O4p5Q6";
const REPORTS: usize = 1000;
const BODY: &[u8] = br#"{"report":"activity","observations":["route /login","sql SELECT"]}"#;
const GROUP: &str = "transport_1000_reports";

fn start_server() -> (TestServer, tempfile::TempDir, PathBuf) {
    let server = TestServer::start(
        vec![AcceptedCredentials::new(
            Secret::from(USER),
            Secret::from(SERVICE_KEY),
            Secret::from(API_KEY),
        )],
        TestServerOptions::default(),
    )
    .expect("test server");
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = dir.path().join("ca.pem");
    server.write_ca_file(&ca).expect("CA file");
    (server, dir, ca)
}

fn settings(ca: &std::path::Path) -> TransportSettings {
    let mut settings = TransportSettings::default();
    settings.certificate.ca_file = Some(ca.to_path_buf());
    settings
}

fn main() {
    let mut criterion = Criterion::default().sample_size(10).configure_from_args();

    // The full client.
    let (server, _dir, ca) = start_server();
    let credentials = Credentials::new(server.url(), USER, SERVICE_KEY, API_KEY).expect("creds");
    let store = Arc::new(CredentialStore::new(credentials, HeaderOptions::default()));
    let client = Client::new(store.clone(), settings(&ca)).expect("client");
    let mut group = criterion.benchmark_group(GROUP);
    group.bench_function("client_signed", |b| {
        b.iter(|| {
            for _ in 0..REPORTS {
                let sent = client
                    .send("POST", "/api/ng/report", "application/json", BODY)
                    .expect("accepted");
                black_box(sent.status);
            }
        })
    });
    let client_stats = server.stats();
    let signed = server
        .received()
        .iter()
        .all(|r| r.signature_labels.first().map(String::as_str) == Some("contrast"));

    // Bare ureq: same TLS settings and server, static header values, no auth layer.
    let (bare_server, _bare_dir, bare_ca) = start_server();
    let agent = settings(&bare_ca).build_agent().expect("agent");
    let url = format!("{}/api/ng/report", bare_server.url());
    let snapshot = store.snapshot();
    let authorization = snapshot
        .headers()
        .authorization()
        .expose_secret()
        .to_string();
    group.bench_function("bare_ureq", |b| {
        b.iter(|| {
            for _ in 0..REPORTS {
                let mut response = agent
                    .post(&url)
                    .header("Authorization", &authorization)
                    .header("API-Key", API_KEY)
                    .header("Content-Type", "application/json")
                    .send(BODY)
                    .expect("sent");
                assert_eq!(response.status(), 200);
                black_box(response.body_mut().read_to_vec().expect("body"));
            }
        })
    });
    group.finish();
    let bare_stats = bare_server.stats();
    criterion.final_summary();

    println!(
        "\nclient_signed: {} reports, {} TLS handshake(s), every report signed: {signed}",
        client_stats.accepted, client_stats.tls_handshakes
    );
    println!(
        "bare_ureq:     {} reports, {} TLS handshake(s)",
        bare_stats.accepted, bare_stats.tls_handshakes
    );
    match (mean("client_signed"), mean("bare_ureq")) {
        (Some(client), Some(bare)) => println!(
            "per 1000 reports: client {:.1} ms, bare ureq {:.1} ms; throughput ratio (bare time / client time) = {:.3}",
            client.as_secs_f64() * 1e3,
            bare.as_secs_f64() * 1e3,
            bare.as_secs_f64() / client.as_secs_f64()
        ),
        _ => println!("(criterion estimates not found; ratio not computed)"),
    }
}

/// Criterion's mean estimate for one benchmark of this run.
fn mean(name: &str) -> Option<Duration> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let path = target
        .join("criterion")
        .join(GROUP)
        .join(name)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    // The slope of the linear sampling fit when present (what criterion reports), else the mean.
    let nanos = value["slope"]["point_estimate"]
        .as_f64()
        .or_else(|| value["mean"]["point_estimate"].as_f64())?;
    Some(Duration::from_nanos(nanos as u64))
}
