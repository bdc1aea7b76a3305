//! Header reads from the snapshot store vs building the values per request, and reads
//! while another thread rotates keys. Run: `cargo bench --bench headers`.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use contrast_auth::headers::{Base64Alphabet, authorization_value};
use contrast_auth::{CredentialStore, Credentials, HeaderOptions};
use criterion::{Criterion, criterion_group, criterion_main};

const USER: &str = "agent_4f1c2b9e-6d0a-4a3e-9b1f-2c7d8e9f0a1b@ExampleOrg";
const SERVICE_KEY: &str = "J8ZV5Y0H4R2Q7K9M3N6P1T8W";
const API_KEY: &str = "b1C2d3E4f5G6h7I8j9K0l1M2n3O4p5Q6";

fn store() -> CredentialStore {
    let creds = Credentials::new(
        "https://app.contrastsecurity.com/Contrast",
        USER,
        SERVICE_KEY,
        API_KEY,
    )
    .expect("valid credentials");
    CredentialStore::new(creds, HeaderOptions::default())
}

/// What a request does with the two values: read both (the length stands in for the copy
/// into the outgoing request).
fn read_both(h: &contrast_auth::AuthHeaders) -> (usize, usize) {
    black_box((
        h.authorization().expose_secret().len(),
        h.api_key().expose_secret().len(),
    ))
}

fn header_reads(c: &mut Criterion) {
    let store = Arc::new(store());
    let mut group = c.benchmark_group("header_values");
    group.bench_function("read_from_reader", |b| {
        let mut reader = store.reader();
        b.iter(|| read_both(reader.load().headers()))
    });
    group.bench_function("read_from_snapshot", |b| {
        b.iter(|| read_both(store.load_snapshot().headers()))
    });
    group.bench_function("build_per_request", |b| {
        b.iter(|| {
            let auth = authorization_value(
                black_box(USER),
                black_box(SERVICE_KEY),
                Base64Alphabet::Standard,
            );
            let api_key = black_box(API_KEY).to_string();
            black_box((auth.len(), api_key.len()))
        })
    });
    let stop = Arc::new(AtomicBool::new(false));
    let rotator = {
        let (store, stop) = (store.clone(), stop.clone());
        thread::spawn(move || {
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let key = format!("service-key-{i}");
                store.rotate(Some(&key), None).expect("valid key");
                // About a thousand rotations a second: far more than any real deployment.
                thread::sleep(std::time::Duration::from_millis(1));
            }
        })
    };
    group.bench_function("read_from_reader_while_rotating", |b| {
        let mut reader = store.reader();
        b.iter(|| read_both(reader.load().headers()))
    });
    group.bench_function("read_from_snapshot_while_rotating", |b| {
        b.iter(|| read_both(store.load_snapshot().headers()))
    });
    stop.store(true, Ordering::Relaxed);
    rotator.join().expect("rotator thread");
    group.finish();
}

criterion_group!(benches, header_reads);
criterion_main!(benches);
