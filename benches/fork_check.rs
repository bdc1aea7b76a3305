//! What the fork check costs per request (issue #20): a client compares the process image
//! epoch (`contrast_auth::fork::epoch`, one atomic load) before each request to pick its
//! connection pool, and each connection compares it again before every read or write.
//! Measured in one run, with and without it:
//!
//! - `header_read` vs `header_read_with_epoch_check`: the cheapest operation of the library
//!   (both header values from the store's current snapshot), alone and followed by one
//!   epoch check: the check's own cost in nanoseconds.
//! - `reports_1000_without_fork_check` vs `reports_1000_with_fork_check`: 1,000 signed
//!   reports over one keep-alive TLS connection to the loopback test server (which skips
//!   signature verification, so it does the same work for both), through
//!   `Client::without_fork_check_for_benchmarks` (no epoch check, no connection tracking;
//!   not fork-safe, development builds only) and through `Client::new` as shipped.
//!
//! - `epoch_check`: `fork::epoch()` alone. A signed report makes 7 such checks (one to pick
//!   the pool, one for the nonce pool, one per read, write and pool probe of its connection).
//!
//! Besides criterion's estimates, the bench sends the two 1,000-report batches alternately
//! (61 rounds, the order swapped every round) and prints the median of the per-round ratios:
//! alternating keeps the load of a shared machine the same for both.
//!
//! Run: `cargo bench --bench fork_check -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use contrast_auth::test_server::{AcceptedCredentials, TestServer, TestServerOptions};
use contrast_auth::transport::{Client, TransportSettings};
use contrast_auth::{CredentialStore, Credentials, HeaderOptions, Secret};
use criterion::Criterion;

const USER: &str = "agent_4f1c2b9e-6d0a-4a3e-9b1f-2c7d8e9f0a1b@ExampleOrg";
const SERVICE_KEY: &str = "J8ZV5Y0H4R2Q7K9M3N6P1T8W";
const API_KEY: &str = "b1C2d3E4f5G6h7I8j9K0l1M2n3O4p5Q6";
const REPORTS: usize = 1000;
const ROUNDS: usize = 61;
const BODY: &[u8] = br#"{"report":"activity","observations":["route /login","sql SELECT"]}"#;
const GROUP: &str = "fork_check";

fn send_batch(client: &Client) {
    for _ in 0..REPORTS {
        let sent = client
            .send("POST", "/api/ng/report", "application/json", BODY)
            .expect("accepted");
        black_box(sent.status);
    }
}

fn main() {
    let server = TestServer::start(
        vec![AcceptedCredentials::new(
            Secret::from(USER),
            Secret::from(SERVICE_KEY),
            Secret::from(API_KEY),
        )],
        TestServerOptions {
            skip_signature_verification: true,
            ..TestServerOptions::default()
        },
    )
    .expect("test server");
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = dir.path().join("ca.pem");
    server.write_ca_file(&ca).expect("CA file");
    let credentials = Credentials::new(server.url(), USER, SERVICE_KEY, API_KEY).expect("creds");
    let store = Arc::new(CredentialStore::new(credentials, HeaderOptions::default()));
    let settings = || {
        let mut settings = TransportSettings::default();
        settings.certificate.ca_file = Some(ca.clone());
        settings
    };
    let checked = Client::new(Arc::clone(&store), settings()).expect("client");
    let unchecked =
        Client::without_fork_check_for_benchmarks(Arc::clone(&store), settings()).expect("client");

    let mut criterion = Criterion::default().sample_size(10).configure_from_args();
    let mut group = criterion.benchmark_group(GROUP);
    group.sample_size(50);
    group.bench_function("epoch_check", |b| {
        b.iter(|| black_box(contrast_auth::fork::epoch()))
    });
    group.bench_function("header_read", |b| {
        b.iter(|| {
            let snapshot = store.snapshot();
            black_box(snapshot.headers().authorization().expose_secret().len())
        })
    });
    let epoch = contrast_auth::fork::epoch();
    group.bench_function("header_read_with_epoch_check", |b| {
        b.iter(|| {
            let snapshot = store.snapshot();
            let forked = contrast_auth::fork::epoch() != black_box(epoch);
            black_box((
                snapshot.headers().authorization().expose_secret().len(),
                forked,
            ))
        })
    });
    group.sample_size(10);
    group.bench_function("reports_1000_without_fork_check", |b| {
        b.iter(|| send_batch(&unchecked))
    });
    group.bench_function("reports_1000_with_fork_check", |b| {
        b.iter(|| send_batch(&checked))
    });
    group.finish();
    criterion.final_summary();

    // Alternating batches: the same machine load for both.
    let timed = |client: &Client| {
        let started = Instant::now();
        send_batch(client);
        started.elapsed().as_secs_f64()
    };
    let mut with = Vec::with_capacity(ROUNDS);
    let mut without = Vec::with_capacity(ROUNDS);
    let mut ratios = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        let (a, b) = if round % 2 == 0 {
            let a = timed(&unchecked);
            (a, timed(&checked))
        } else {
            let b = timed(&checked);
            (timed(&unchecked), b)
        };
        without.push(a);
        with.push(b);
        ratios.push(b / a);
    }
    let (with, without, ratio) = (median(&mut with), median(&mut without), median(&mut ratios));
    let stats = server.stats();

    println!();
    println!(
        "test server: {} reports accepted, {} TLS handshake(s) (one connection per client), {} reconnect(s)",
        stats.accepted,
        stats.tls_handshakes,
        checked.counters().reconnects
    );
    if let Some(check) = estimate("epoch_check") {
        println!("epoch_check: {:.2} ns", check * 1e9);
    }
    if let (Some(read), Some(read_checked)) = (
        estimate("header_read"),
        estimate("header_read_with_epoch_check"),
    ) {
        println!(
            "header_read: {:.2} ns; with the epoch check: {:.2} ns (check: {:+.2} ns)",
            read * 1e9,
            read_checked * 1e9,
            (read_checked - read) * 1e9
        );
    }
    if let (Some(plain), Some(guarded)) = (
        estimate("reports_1000_without_fork_check"),
        estimate("reports_1000_with_fork_check"),
    ) {
        println!(
            "criterion: 1000 reports {:.2} ms without, {:.2} ms with the fork check: {:+.2}%",
            plain * 1e3,
            guarded * 1e3,
            (guarded / plain - 1.0) * 100.0
        );
    }
    println!(
        "alternating, {ROUNDS} rounds: median 1000 reports {:.2} ms without, {:.2} ms with the fork check; median per-round ratio with/without {:.4} ({:+.2}%)",
        without * 1e3,
        with * 1e3,
        ratio,
        (ratio - 1.0) * 100.0
    );
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_unstable_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Criterion's estimate in seconds for one benchmark of this run (the slope of its linear
/// fit when present, else the mean).
fn estimate(name: &str) -> Option<f64> {
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
    Some(nanos / 1e9)
}
