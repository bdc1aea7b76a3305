//! Signing and verifying a report vs ring's plain SHA-256 of the same body, side by side.
//! Run: `cargo bench --bench signing -- --warm-up-time 1 --measurement-time 3`.
//!
//! After criterion's estimates (when no filter is given, or the filter names `1KiB`), the bench
//! also times `verify` and `sign` of the 1 KiB report in alternating batches (61 rounds of
//! 2,000 reports, the order swapped every round) and prints the median of the per-round
//! ratios verify/sign: alternating keeps the load of a shared machine the same for both.
//!
//! Time is the benchmark thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), not wall time: the
//! machine is shared, and CPU time leaves out the time other processes hold the core, so
//! the ratios against the SHA-256 baseline hold under load. `BENCH_WALL_TIME=1` measures
//! wall time instead.

use std::hint::black_box;

use contrast_auth::signing::{
    Message, ReceivedRequest, SignatureHeaders, Signer, Verifier, VerifierOptions, keyid,
};
use contrast_auth::{CredentialStore, Credentials, HeaderOptions};
use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{BatchSize, Criterion, Throughput, criterion_group};
use ring::digest;

const URL: &str = "https://app.contrastsecurity.com/Contrast/api/ng/agents/report?appId=42";
const CREATED: u64 = 1_767_225_600;

fn store() -> CredentialStore {
    let creds = Credentials::new(
        "https://app.contrastsecurity.com/Contrast",
        "agent_4f1c2b9e-6d0a-4a3e-9b1f-2c7d8e9f0a1b@ExampleOrg",
        "J8ZV5Y0H4R2Q7K9M3N6P1T8W",
        "b1C2d3E4f5G6h7I8j9K0l1M2n3O4p5Q6",
    )
    .expect("valid credentials");
    CredentialStore::new(creds, HeaderOptions::default())
}

fn body(len: usize) -> Vec<u8> {
    (0..len).map(|i| b"{\"finding\":42}, "[i % 16]).collect()
}

fn received<'a>(body: &'a [u8], h: &'a SignatureHeaders) -> ReceivedRequest<'a> {
    ReceivedRequest {
        method: "POST",
        authority: "app.contrastsecurity.com",
        path: "/Contrast/api/ng/agents/report",
        query: Some("appId=42"),
        content_type: Some("application/json"),
        content_digest: Some(&h.content_digest),
        signature_input: Some(&h.signature_input),
        signature: Some(&h.signature),
        body,
    }
}

/// CPU time consumed by the calling thread, in nanoseconds.
struct ThreadCpuTime;

fn thread_cpu_nanos() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_THREAD_CPUTIME_ID is supported on
    // Linux and the call writes only into `ts`.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_nanos()
    }
    fn end(&self, start: u64) -> u64 {
        thread_cpu_nanos().saturating_sub(start)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &NanosFormatter
    }
}

/// Formats CPU nanoseconds as ns, µs or ms; throughput as GiB/s of CPU time.
struct NanosFormatter;

impl ValueFormatter for NanosFormatter {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = if typical < 1e3 {
            (1.0, "ns")
        } else if typical < 1e6 {
            (1e-3, "µs")
        } else {
            (1e-6, "ms")
        };
        values.iter_mut().for_each(|v| *v *= factor);
        unit
    }

    fn scale_throughputs(
        &self,
        _typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let bytes = match throughput {
            Throughput::Bytes(b) | Throughput::BytesDecimal(b) => *b as f64,
            Throughput::Bits(b) => *b as f64 / 8.0,
            _ => 0.0,
        };
        const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
        values
            .iter_mut()
            .for_each(|v| *v = bytes / (*v / 1e9) / GIB);
        "GiB/s"
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

fn signing<M: Measurement>(c: &mut Criterion<M>) {
    let store = store();
    let snapshot = store.snapshot();
    let signer = Signer::default();
    let verifier = Verifier::new(VerifierOptions::default()).expect("default options");
    verifier.set_keys(vec![(keyid(&snapshot), snapshot.signing_key().duplicate())]);

    // The large sizes show how long the JNI bridge would hold a critical region (the GC
    // waits) if it hashed the body in place: `sign` is all that runs inside the region; the
    // bridge copies bodies over 256 KiB out first (src/jni/mod.rs, PINNED_BODY_MAX), which
    // `copy_only` measures.
    let sizes = [
        ("1KiB", 1024, false),
        ("64KiB", 64 * 1024, false),
        ("256KiB", 256 * 1024, true),
        ("1MiB", 1024 * 1024, true),
    ];
    for (name, len, large) in sizes {
        let body = body(len);
        let message = Message {
            method: "POST",
            url: URL,
            content_type: "application/json",
            body: &body,
        };
        let mut group = c.benchmark_group(format!("signing_{name}"));
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_function("ring_sha256_only", |b| {
            b.iter(|| black_box(digest::digest(&digest::SHA256, black_box(&body))))
        });
        group.bench_function("sign", |b| {
            b.iter(|| {
                signer
                    .sign(black_box(&message), &snapshot, None, CREATED)
                    .expect("signs")
            })
        });
        if large {
            group.bench_function("copy_only", |b| {
                b.iter(|| black_box(black_box(&body).to_vec()))
            });
            group.finish();
            continue;
        }
        group.bench_function("sha2_sha256_only", |b| {
            b.iter(|| black_box(<sha2::Sha256 as sha2::Digest>::digest(black_box(&body))))
        });
        group.bench_function("sign_from_store", |b| {
            b.iter(|| {
                signer
                    .sign_from_store(black_box(&message), &store, CREATED)
                    .expect("signs")
            })
        });
        // Each verification needs a fresh nonce (the replay store refuses a repeat): the
        // request is signed in the untimed setup (and its headers dropped untimed). The clock
        // moves one second every 166 reports, so the default memory store (100,000 nonces,
        // refusing when full) holds the ~100,000 nonces of a 601 s window at 166 reports/s,
        // as a busy server does, instead of filling up.
        let sent = std::cell::Cell::new(0u64);
        group.bench_function("verify", |b| {
            b.iter_batched_ref(
                || {
                    sent.set(sent.get() + 1);
                    let created = CREATED + sent.get() / 166;
                    let headers = signer
                        .sign(&message, &snapshot, None, created)
                        .expect("signs");
                    (headers, created + 1)
                },
                |(h, now)| {
                    verifier
                        .verify(black_box(&received(&body, h)), *now)
                        .expect("verifies")
                },
                BatchSize::SmallInput,
            )
        });
        group.finish();
    }
}

fn cpu_time() -> Criterion<ThreadCpuTime> {
    Criterion::default().with_measurement(ThreadCpuTime)
}

fn wall_time() -> Criterion<WallTime> {
    Criterion::default()
}

fn wall_time_requested() -> bool {
    std::env::var_os("BENCH_WALL_TIME").is_some()
}

fn signing_cpu(c: &mut Criterion<ThreadCpuTime>) {
    if !wall_time_requested() {
        signing(c);
    }
}

fn signing_wall(c: &mut Criterion<WallTime>) {
    if wall_time_requested() {
        signing(c);
    }
}

criterion_group! {
    name = cpu;
    config = cpu_time();
    targets = signing_cpu
}
criterion_group! {
    name = wall;
    config = wall_time();
    targets = signing_wall
}
/// Rounds and reports per batch of the alternating measurement.
const ROUNDS: usize = 61;
const BATCH: usize = 2_000;

/// Nanoseconds of the measured clock (thread CPU time, or wall time with `BENCH_WALL_TIME`).
fn now_nanos() -> u64 {
    if wall_time_requested() {
        std::time::SystemTime::UNIX_EPOCH
            .elapsed()
            .expect("clock after 1970")
            .as_nanos() as u64
    } else {
        thread_cpu_nanos()
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// `verify` over `sign` of the 1 KiB report, in alternating batches (see the module docs).
/// The store is first filled to the steady state the criterion bench runs in (the clock
/// moves one second every 166 reports: ~100,000 nonces in the window).
fn alternating_verify_over_sign() {
    let store = store();
    let snapshot = store.snapshot();
    let signer = Signer::default();
    let verifier = Verifier::new(VerifierOptions::default()).expect("default options");
    verifier.set_keys(vec![(keyid(&snapshot), snapshot.signing_key().duplicate())]);
    let body = body(1024);
    let message = Message {
        method: "POST",
        url: URL,
        content_type: "application/json",
        body: &body,
    };
    let mut sent = 0u64;
    let mut signed_batch = |count: usize| -> Vec<(SignatureHeaders, u64)> {
        (0..count)
            .map(|_| {
                sent += 1;
                let created = CREATED + sent / 166;
                let headers = signer
                    .sign(&message, &snapshot, None, created)
                    .expect("signs");
                (headers, created + 1)
            })
            .collect()
    };
    for (h, now) in signed_batch(100_000) {
        verifier
            .verify(&received(&body, &h), now)
            .expect("verifies");
    }
    let time_sign = || {
        let mut out = Vec::with_capacity(BATCH);
        let start = now_nanos();
        for _ in 0..BATCH {
            out.push(
                signer
                    .sign(black_box(&message), &snapshot, None, CREATED)
                    .expect("signs"),
            );
        }
        (now_nanos() - start) as f64 / BATCH as f64
    };
    let time_verify = |batch: &[(SignatureHeaders, u64)]| {
        let mut out = Vec::with_capacity(BATCH);
        let start = now_nanos();
        for (h, now) in batch {
            out.push(
                verifier
                    .verify(black_box(&received(&body, h)), *now)
                    .expect("verifies"),
            );
        }
        (now_nanos() - start) as f64 / BATCH as f64
    };
    let (mut signs, mut verifies, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let batch = signed_batch(BATCH);
        let (sign, verify) = if round % 2 == 0 {
            let sign = time_sign();
            (sign, time_verify(&batch))
        } else {
            let verify = time_verify(&batch);
            (time_sign(), verify)
        };
        signs.push(sign);
        verifies.push(verify);
        ratios.push(verify / sign);
    }
    let (sign, verify) = (median(&mut signs), median(&mut verifies));
    let (low, high) = (
        ratios.iter().copied().fold(f64::INFINITY, f64::min),
        ratios.iter().copied().fold(0.0, f64::max),
    );
    println!(
        "signing_1KiB alternating, {ROUNDS} rounds of {BATCH} reports: median sign {:.3} µs, verify {:.3} µs; per-round ratio verify/sign: median {:.3}x (range {low:.3}x-{high:.3}x)",
        sign / 1e3,
        verify / 1e3,
        median(&mut ratios)
    );
}

/// Whether the command line's filter (if any) asks for the 1 KiB measurements.
fn alternating_requested() -> bool {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    filters.is_empty() || filters.iter().any(|f| f.contains("1KiB"))
}

fn main() {
    cpu();
    wall();
    Criterion::default().configure_from_args().final_summary();
    if alternating_requested() {
        alternating_verify_over_sign();
    }
}
