//! Signing and verifying a report vs ring's plain SHA-256 of the same body, side by side.
//! Run: `cargo bench --bench signing -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;

use contrast_auth::signing::{
    Message, ReceivedRequest, SignatureHeaders, Signer, Verifier, VerifierOptions, keyid,
};
use contrast_auth::{CredentialStore, Credentials, HeaderOptions};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
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

fn signing(c: &mut Criterion) {
    let store = store();
    let snapshot = store.snapshot();
    let signer = Signer::default();
    let verifier = Verifier::new(VerifierOptions::default()).expect("default options");
    verifier.set_keys(vec![(keyid(&snapshot), snapshot.signing_key().duplicate())]);

    for (name, len) in [("1KiB", 1024), ("64KiB", 64 * 1024)] {
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
        group.bench_function("sign_from_store", |b| {
            b.iter(|| {
                signer
                    .sign_from_store(black_box(&message), &store, CREATED)
                    .expect("signs")
            })
        });
        // Each verification needs a fresh nonce (the replay cache would reject a repeat):
        // the request is signed in the untimed setup.
        group.bench_function("verify", |b| {
            b.iter_batched(
                || {
                    signer
                        .sign(&message, &snapshot, None, CREATED)
                        .expect("signs")
                },
                |h| {
                    verifier
                        .verify(black_box(&received(&body, &h)), CREATED + 1)
                        .expect("verifies")
                },
                BatchSize::SmallInput,
            )
        });
        group.finish();
    }
}

criterion_group!(benches, signing);
criterion_main!(benches);
