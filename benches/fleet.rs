//! The fleet verifier's figures (issue 21), one run, ratios within the run:
//! - requests/s through one test server over 64 keep-alive TLS connections, replay store in
//!   memory vs Redis standalone vs Redis Cluster (`CONTRAST_TEST_REDIS*`, as
//!   `scripts/test-fleet` sets them; without them only the memory store runs), and with
//!   `WAIT 1` on the cluster;
//! - the time to replace one key among 1,000,000 vs rebuilding the whole set;
//! - bytes per tracked nonce, in memory and in Redis (`used_memory` delta).
//!
//! Run: `scripts/test-fleet cargo bench --features redis,cli --bench fleet`

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use contrast_auth::signing::{
    MemoryReplayStore, Message, RedisReplayStore, RedisStoreOptions, ReplayStore, ReplayStoreUrl,
    Signer, SigningKey, Verifier, VerifierOptions,
};
use contrast_auth::test_server::{AcceptedCredentials, TestServer, TestServerOptions};
use contrast_auth::{CredentialStore, Credentials, HeaderOptions, Secret};
use rustls::pki_types::{CertificateDer, ServerName};

const CONNECTIONS: usize = 64;
const REQUESTS_PER_CONNECTION: usize = 300;
const BODY: &[u8] = br#"{"findings":[]}"#;

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// CPU time of this process (the server node and its 64 clients), in seconds.
fn own_cpu() -> f64 {
    // SAFETY: getrusage writes into the zeroed struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// CPU time of the redis-server processes listening on `ports`, in seconds.
fn redis_cpu(ports: &[String]) -> f64 {
    let ticks = 100.0; // USER_HZ on Linux
    ports
        .iter()
        .map(|port| {
            let info = std::process::Command::new("redis-cli")
                .args(["-p", port, "info", "server"])
                .output()
                .unwrap();
            let pid: u32 = String::from_utf8_lossy(&info.stdout)
                .lines()
                .find_map(|l| l.strip_prefix("process_id:"))
                .unwrap()
                .trim()
                .parse()
                .unwrap();
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
            let fields: Vec<&str> = stat
                .rsplit(')')
                .next()
                .unwrap()
                .split_whitespace()
                .collect();
            (fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap()) / ticks
        })
        .sum()
}

/// One throughput run: requests/s, refusals (503), this process's CPU µs per request, the
/// Redis servers' CPU µs per request.
struct Run {
    rate: f64,
    refused: usize,
    own_cpu_us: f64,
    redis_cpu_us: f64,
}

/// Requests/s through one server with `store` (None: memory), 64 connections in parallel.
fn throughput(store: Option<Arc<dyn ReplayStore>>, redis_ports: &[String]) -> Run {
    let server = TestServer::start(
        vec![AcceptedCredentials::new(
            Secret::from("bench-agent"),
            Secret::from("SVC-bench"),
            Secret::from("API-bench"),
        )],
        TestServerOptions {
            require_signature: true,
            replay_store: store,
            replay_capacity: 10_000_000,
            ..TestServerOptions::default()
        },
    )
    .unwrap();
    let credentials =
        Credentials::new(server.url(), "bench-agent", "SVC-bench", "API-bench").unwrap();
    let snapshot = CredentialStore::new(credentials, HeaderOptions::default()).snapshot();
    let url = format!("{}/api/ng/report", server.url());
    let authority = server.url().split('/').nth(2).unwrap().to_string();
    let signer = Signer::default();
    // Signed before the clock starts: the server's work is measured.
    let requests: Vec<Vec<Vec<u8>>> = (0..CONNECTIONS)
        .map(|_| {
            (0..REQUESTS_PER_CONNECTION)
                .map(|_| {
                    let h = signer
                        .sign(
                            &Message {
                                method: "POST",
                                url: &url,
                                content_type: "application/json",
                                body: BODY,
                            },
                            &snapshot,
                            None,
                            now(),
                        )
                        .unwrap();
                    let auth = snapshot.headers();
                    let mut r = format!(
                        "POST /Contrast/api/ng/report HTTP/1.1\r\nHost: {authority}\r\n\
                         Authorization: {}\r\nAPI-Key: {}\r\nContent-Type: application/json\r\n\
                         Content-Length: {}\r\nContent-Digest: {}\r\nSignature-Input: {}\r\n\
                         Signature: {}\r\n\r\n",
                        auth.authorization().expose_secret(),
                        auth.api_key().expose_secret(),
                        BODY.len(),
                        h.content_digest,
                        h.signature_input,
                        h.signature
                    )
                    .into_bytes();
                    r.extend_from_slice(BODY);
                    r
                })
                .collect()
        })
        .collect();
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from(server.ca_der().to_vec()))
        .unwrap();
    let config = Arc::new(
        rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth(),
    );
    // Connections (and handshakes) made before the clock starts.
    let mut streams: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let conn = rustls::ClientConnection::new(
                config.clone(),
                ServerName::try_from("127.0.0.1").unwrap(),
            )
            .unwrap();
            let tcp = TcpStream::connect(server.address()).unwrap();
            tcp.set_nodelay(true).unwrap();
            let mut tls = rustls::StreamOwned::new(conn, tcp);
            while tls.conn.is_handshaking() {
                tls.conn.complete_io(&mut tls.sock).unwrap();
            }
            tls
        })
        .collect();
    let refused = std::sync::atomic::AtomicUsize::new(0);
    let (cpu_before, redis_before) = (own_cpu(), redis_cpu(redis_ports));
    let start = Instant::now();
    std::thread::scope(|scope| {
        for (tls, requests) in streams.iter_mut().zip(&requests) {
            let refused = &refused;
            scope.spawn(move || {
                let mut buffer = vec![0u8; 4096];
                for request in requests {
                    tls.write_all(request).unwrap();
                    // Read the whole response: head and its Content-Length body.
                    let mut got = Vec::new();
                    loop {
                        let n = tls.read(&mut buffer).unwrap();
                        assert!(n > 0, "connection closed");
                        got.extend_from_slice(&buffer[..n]);
                        if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&got[..end]).to_string();
                            if head.starts_with("HTTP/1.1 503") {
                                // The store could not answer in time (e.g. WAIT): counted.
                                refused.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            } else {
                                assert!(head.starts_with("HTTP/1.1 200"), "{head}");
                            }
                            let length: usize = head
                                .lines()
                                .find_map(|l| l.strip_prefix("Content-Length: "))
                                .unwrap()
                                .parse()
                                .unwrap();
                            if got.len() >= end + 4 + length {
                                break;
                            }
                        }
                    }
                }
            });
        }
    });
    let elapsed = start.elapsed();
    let (cpu, redis) = (
        own_cpu() - cpu_before,
        redis_cpu(redis_ports) - redis_before,
    );
    let stats = server.stats();
    let refused = refused.into_inner();
    let total = CONNECTIONS * REQUESTS_PER_CONNECTION;
    assert_eq!(stats.accepted as usize + refused, total);
    Run {
        rate: stats.accepted as f64 / elapsed.as_secs_f64(),
        refused,
        own_cpu_us: cpu * 1e6 / total as f64,
        redis_cpu_us: redis * 1e6 / total as f64,
    }
}

fn redis_store(url: &str, wait_replicas: u32, batching: bool) -> Arc<dyn ReplayStore> {
    let batch_threads = std::env::var("BATCH_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0); // automatic
    Arc::new(
        RedisReplayStore::connect(
            &ReplayStoreUrl::parse(url).unwrap(),
            RedisStoreOptions {
                key_prefix: format!("bench-{}:", now()),
                wait_replicas,
                wait_timeout: std::time::Duration::from_secs(1),
                batching,
                batch_threads,
                ..RedisStoreOptions::default()
            },
        )
        .unwrap(),
    )
}

fn key(i: u32) -> SigningKey {
    let mut bytes = [0u8; 32];
    bytes[..4].copy_from_slice(&i.to_le_bytes());
    SigningKey::from_bytes(&bytes)
}

fn key_replacement() {
    const KEYS: u32 = 1_000_000;
    let verifier = Verifier::new(VerifierOptions::default()).unwrap();
    let keys: Vec<SigningKey> = (0..KEYS).map(key).collect();
    let started = Instant::now();
    verifier.set_signing_keys(keys.iter().map(SigningKey::duplicate));
    let rebuild = started.elapsed();
    // One key replaced (removed, its successor added) among 1,000,000, many times.
    let rounds = 10_000u32;
    let started = Instant::now();
    for i in 0..rounds {
        let old = key(i);
        verifier.remove_key(old.keyid());
        verifier.insert_key(key(KEYS + i));
    }
    let per_key = started.elapsed() / rounds;
    // The same, the key computation (SHA-256 keyid, HMAC state) excluded.
    let prepared: Vec<(SigningKey, SigningKey)> = (rounds..2 * rounds)
        .map(|i| (key(i), key(KEYS + i)))
        .collect();
    let started = Instant::now();
    for (old, new) in prepared {
        verifier.remove_key(old.keyid());
        verifier.insert_key(new);
    }
    let per_key_map_only = started.elapsed() / rounds;
    assert_eq!(verifier.keys().len(), KEYS as usize);
    println!(
        "keys: rebuild of 1,000,000 keys {rebuild:?}; one key replaced among 1,000,000: \
         {per_key:?} (map operations only: {per_key_map_only:?}); ratio rebuild / one key: {:.0}x",
        rebuild.as_secs_f64() / per_key.as_secs_f64()
    );
}

fn memory_bytes_per_nonce() {
    let n = 1_000_000u64;
    let store = MemoryReplayStore::new(n as usize);
    for i in 0..n {
        let mut nonce = [0u8; 16];
        nonce[..8].copy_from_slice(&i.to_le_bytes());
        store.record(&nonce, 600_000, 0).unwrap();
    }
    println!(
        "memory store: {:.1} bytes per tracked nonce (1,000,000 nonces, tables' allocated bytes)",
        store.allocated_bytes() as f64 / n as f64
    );
}

fn redis_used_memory(port: &str) -> i64 {
    let out = std::process::Command::new("redis-cli")
        .args(["-p", port, "info", "memory"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("used_memory:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

fn redis_bytes_per_nonce(url: &str) {
    let port = url.rsplit(':').next().unwrap();
    let store = redis_store(url, 0, false);
    let before = redis_used_memory(port);
    let n = 100_000u64;
    let now_ms = now() * 1000;
    for i in 0..n {
        let mut nonce = [0u8; 16];
        nonce[..8].copy_from_slice(&i.to_le_bytes());
        nonce[8..].copy_from_slice(&now_ms.to_le_bytes());
        store.record(&nonce, now_ms + 600_000, now_ms).unwrap();
    }
    let after = redis_used_memory(port);
    println!(
        "redis: {:.1} bytes per tracked nonce (used_memory delta over 100,000 keys, prefix \
         `contrast-auth:nonce:`-sized)",
        (after - before) as f64 / n as f64
    );
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read.
    key_replacement();
    memory_bytes_per_nonce();
    let standalone = std::env::var("CONTRAST_TEST_REDIS").ok();
    let cluster = std::env::var("CONTRAST_TEST_REDIS_CLUSTER")
        .ok()
        .map(|seeds| format!("redis-cluster://{seeds}"));
    if let Some(url) = &standalone {
        redis_bytes_per_nonce(url);
    }
    // Persistence as a fleet would run it: AOF with fsync every second (off the request
    // path). scripts/test-fleet starts the cluster with `appendfsync always` for its restart
    // test; here every node is switched to `everysec`.
    let cluster_ports: Vec<String> = std::env::var("CONTRAST_TEST_REDIS_CLUSTER")
        .map(|seeds| {
            seeds
                .split(',')
                .map(|n| n.rsplit(':').next().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default();
    for port in &cluster_ports {
        std::process::Command::new("redis-cli")
            .args(["-p", port, "config", "set", "appendfsync", "everysec"])
            .output()
            .unwrap();
    }
    let standalone_ports: Vec<String> = standalone
        .iter()
        .map(|u| u.rsplit(':').next().unwrap().to_string())
        .collect();
    let mut runs: Vec<(&str, String, u32, bool, &[String])> = Vec::new();
    if let Some(url) = &standalone {
        runs.push((
            "redis standalone, batched",
            url.clone(),
            0,
            true,
            &standalone_ports,
        ));
        runs.push((
            "redis standalone, one SET per request",
            url.clone(),
            0,
            false,
            &standalone_ports,
        ));
    }
    if let Some(url) = &cluster {
        runs.push((
            "redis cluster, batched",
            url.clone(),
            0,
            true,
            &cluster_ports,
        ));
        runs.push((
            "redis cluster, one SET per request",
            url.clone(),
            0,
            false,
            &cluster_ports,
        ));
        runs.push((
            "redis cluster, batched, WAIT 1",
            url.clone(),
            1,
            true,
            &cluster_ports,
        ));
        runs.push((
            "redis cluster, one SET per request, WAIT 1",
            url.clone(),
            1,
            false,
            &cluster_ports,
        ));
    }
    println!(
        "throughput ({CONNECTIONS} connections x {REQUESTS_PER_CONNECTION} requests; each Redis \
         run right after a memory run, ratio to that run; CPU per request: this process \
         (node + clients) / the Redis servers):"
    );
    let show = |name: &str, run: &Run, memory: Option<&Run>| {
        let ratio = memory.map_or(1.0, |m| run.rate / m.rate);
        let cpu_ratio = memory.map_or(1.0, |m| run.own_cpu_us / m.own_cpu_us);
        println!(
            "  {name}: {:.0} requests/s ({ratio:.2}x), {} refused (503), CPU {:.1} us ({cpu_ratio:.2}x) / redis {:.1} us",
            run.rate, run.refused, run.own_cpu_us, run.redis_cpu_us
        );
    };
    if runs.is_empty() {
        show("memory store", &throughput(None, &[]), None);
    }
    let only = std::env::var("FLEET_BENCH_ONLY").unwrap_or_default();
    for (name, url, wait, batching, ports) in runs {
        if !name.contains(only.as_str()) {
            continue;
        }
        let memory = throughput(None, &[]);
        show("memory store", &memory, None);
        let run = throughput(Some(redis_store(&url, wait, batching)), ports);
        show(name, &run, Some(&memory));
    }
}
