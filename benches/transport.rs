//! 1,000 small reports over one keep-alive TLS connection: the full client (both layers,
//! signature, report id, retry logic) against bare ureq sending the same requests with
//! static header values, measured in one run against the loopback test server.
//!
//! Run: `cargo bench --bench transport -- --warm-up-time 1 --measurement-time 3`
//! Prints the TLS handshakes per client and the throughput ratios (bare time / client time).
//!
//! - `bare_ureq`: the baseline; ureq with the same TLS settings, static `Authorization` and
//!   `API-Key` values, no auth layer.
//! - `client_signed`: the full client against a server that checks both layers and skips
//!   signature verification, so the server does the same work as for the baseline and the
//!   difference is the client's cost.
//! - `client_signed_verified`: the same, with the server verifying every signature (both
//!   ends of the protocol on the same two cores).
//! - `client_unsigned`: the client with signing turned off.
//! - `bare_ureq_signature_sized`: bare ureq carrying one precomputed set of signature
//!   headers (the same sizes as the client's, not verified): the cost of the bytes alone.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use contrast_auth::test_server::{AcceptedCredentials, ServerStats, TestServer, TestServerOptions};
use contrast_auth::transport::{Client, TransportSettings};
use contrast_auth::{CredentialStore, Credentials, HeaderOptions, Secret};
use criterion::{BenchmarkGroup, Criterion, measurement::WallTime};

const USER: &str = "agent_4f1c2b9e-6d0a-4a3e-9b1f-2c7d8e9f0a1b@ExampleOrg";
const SERVICE_KEY: &str = "J8ZV5Y0H4R2Q7K9M3N6P1T8W";
const API_KEY: &str = "b1C2d3E4f5G6h7I8j9K0l1M2n3O4p5Q6";
const REPORTS: usize = 1000;
const BODY: &[u8] = br#"{"report":"activity","observations":["route /login","sql SELECT"]}"#;
const GROUP: &str = "transport_1000_reports";

struct Server {
    server: TestServer,
    _dir: tempfile::TempDir,
    ca: PathBuf,
}

fn start_server(verify: bool) -> Server {
    let server = TestServer::start(
        vec![AcceptedCredentials::new(
            Secret::from(USER),
            Secret::from(SERVICE_KEY),
            Secret::from(API_KEY),
        )],
        TestServerOptions {
            require_signature: verify,
            skip_signature_verification: !verify,
            ..TestServerOptions::default()
        },
    )
    .expect("test server");
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = dir.path().join("ca.pem");
    server.write_ca_file(&ca).expect("CA file");
    Server {
        server,
        _dir: dir,
        ca,
    }
}

fn settings(ca: &Path, sign: bool) -> TransportSettings {
    let mut settings = TransportSettings::default();
    settings.certificate.ca_file = Some(ca.to_path_buf());
    settings.options.sign = sign;
    settings
}

/// Benchmarks the client against a fresh server; returns the server's counters.
fn bench_client(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    verify: bool,
    sign: bool,
) -> (ServerStats, bool) {
    let s = start_server(verify);
    let credentials = Credentials::new(s.server.url(), USER, SERVICE_KEY, API_KEY).expect("creds");
    let store = Arc::new(CredentialStore::new(credentials, HeaderOptions::default()));
    let client = Client::new(store, settings(&s.ca, sign)).expect("client");
    group.bench_function(name, |b| {
        b.iter(|| {
            for _ in 0..REPORTS {
                let sent = client
                    .send("POST", "/api/ng/report", "application/json", BODY)
                    .expect("accepted");
                black_box(sent.status);
            }
        })
    });
    let signed = s
        .server
        .received()
        .iter()
        .all(|r| r.signature_labels.first().map(String::as_str) == Some("contrast"));
    (s.server.stats(), signed)
}

fn main() {
    let mut criterion = Criterion::default().sample_size(10).configure_from_args();
    let mut group = criterion.benchmark_group(GROUP);

    // Bare ureq: same TLS settings and server, static header values, no auth layer.
    let bare = start_server(false);
    let agent = settings(&bare.ca, false).build_agent().expect("agent");
    let url = format!("{}/api/ng/report", bare.server.url());
    let credentials =
        Credentials::new(bare.server.url(), USER, SERVICE_KEY, API_KEY).expect("creds");
    let store = CredentialStore::new(credentials, HeaderOptions::default());
    let authorization = store
        .snapshot()
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
    let bare_stats = bare.server.stats();

    // Bare ureq with static headers the size of a signed report's.
    let sized = start_server(false);
    let sized_url = format!("{}/api/ng/report", sized.server.url());
    let sized_agent = settings(&sized.ca, false).build_agent().expect("agent");
    let snapshot = store.snapshot();
    let signature = contrast_auth::signing::Signer::default()
        .sign(
            &contrast_auth::signing::Message {
                method: "POST",
                url: &sized_url,
                content_type: "application/json",
                body: BODY,
            },
            &snapshot,
            None,
            1_700_000_000,
        )
        .expect("signed");
    group.bench_function("bare_ureq_signature_sized", |b| {
        b.iter(|| {
            for _ in 0..REPORTS {
                let mut request = sized_agent
                    .post(&sized_url)
                    .header("Authorization", &authorization)
                    .header("API-Key", API_KEY)
                    .header("Content-Type", "application/json")
                    .header("X-Contrast-Report-Id", "0123456789abcdef0123456789abcdef");
                for (name, value) in signature.pairs() {
                    request = request.header(name, value);
                }
                let mut response = request.send(BODY).expect("sent");
                assert_eq!(response.status(), 200);
                black_box(response.body_mut().read_to_vec().expect("body"));
            }
        })
    });

    let (signed_stats, all_signed) = bench_client(&mut group, "client_signed", false, true);
    let (verified_stats, all_verified) =
        bench_client(&mut group, "client_signed_verified", true, true);
    let (unsigned_stats, _) = bench_client(&mut group, "client_unsigned", false, false);
    group.finish();
    criterion.final_summary();

    println!();
    for (name, stats) in [
        ("bare_ureq", bare_stats),
        ("client_signed", signed_stats),
        ("client_signed_verified", verified_stats),
        ("client_unsigned", unsigned_stats),
    ] {
        println!(
            "{name:<24} {:>7} reports accepted, {} TLS handshake(s), {} rejected",
            stats.accepted, stats.tls_handshakes, stats.rejected
        );
    }
    println!(
        "every client_signed report carried a signature: {all_signed}; every verified one too: {all_verified}"
    );
    let Some(baseline) = estimate("bare_ureq") else {
        println!("(criterion estimates not found; ratios not computed)");
        return;
    };
    println!(
        "bare_ureq: {:.2} ms per 1000 reports (baseline)",
        baseline.as_secs_f64() * 1e3
    );
    for name in [
        "client_signed",
        "client_signed_verified",
        "client_unsigned",
        "bare_ureq_signature_sized",
    ] {
        if let Some(time) = estimate(name) {
            println!(
                "{name}: {:.2} ms per 1000 reports; throughput ratio vs bare ureq = {:.3}",
                time.as_secs_f64() * 1e3,
                baseline.as_secs_f64() / time.as_secs_f64()
            );
        }
    }
}

/// Criterion's estimate for one benchmark of this run (the slope of its linear fit when
/// present, which is what criterion reports, else the mean).
fn estimate(name: &str) -> Option<Duration> {
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
    let nanos = value["slope"]["point_estimate"]
        .as_f64()
        .or_else(|| value["mean"]["point_estimate"].as_f64())?;
    Some(Duration::from_nanos(nanos as u64))
}
