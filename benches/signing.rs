//! Signing and verification cost vs SHA-256 of the same body alone (ring), side by side.
//! Run: `cargo bench --bench signing -- --warm-up-time 1 --measurement-time 4`.

use std::hint::black_box;

use contrast_auth::signing::{Message, ReceivedRequest, Signer, Verifier, VerifierOptions, keyid};
use contrast_auth::{CredentialStore, Credentials, HeaderOptions};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

const NOW: u64 = 1_767_225_600;
const URL: &str = "https://app.contrastsecurity.com/Contrast/api/ng/agents/report";

fn signing(c: &mut Criterion) {
    let creds = Credentials::new(
        "https://app.contrastsecurity.com/Contrast",
        "agent_0f3c9a1e@ExampleOrg",
        "SVCKEY4Q7Z2M9X1B",
        "APIKEYd8f2a61c0e9b47",
    )
    .expect("valid credentials");
    let store = CredentialStore::new(creds, HeaderOptions::default());
    let signer = Signer::default();
    let verifier = Verifier::new(VerifierOptions::default()).expect("valid options");
    let snap = store.snapshot();
    verifier.set_keys(vec![(keyid(&snap), snap.signing_key().duplicate())]);

    for size in [1024usize, 64 * 1024] {
        let body: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
        let message = Message {
            method: "POST",
            url: URL,
            content_type: "application/json",
            body: &body,
        };
        let mut group = c.benchmark_group(format!("body_{}KiB", size / 1024));
        group.bench_function("sha256_only", |b| {
            b.iter(|| {
                black_box(ring::digest::digest(
                    &ring::digest::SHA256,
                    black_box(&body),
                ))
            })
        });
        group.bench_function("sign", |b| {
            b.iter(|| {
                black_box(
                    signer
                        .sign_from_store(black_box(&message), &store, NOW)
                        .expect("signs"),
                )
            })
        });
        group.bench_function("verify", |b| {
            b.iter_batched(
                || {
                    signer
                        .sign_from_store(&message, &store, NOW)
                        .expect("signs")
                },
                |h| {
                    let request = ReceivedRequest {
                        method: "POST",
                        authority: "app.contrastsecurity.com",
                        path: "/Contrast/api/ng/agents/report",
                        query: None,
                        content_type: Some("application/json"),
                        content_digest: Some(&h.content_digest),
                        signature_input: Some(&h.signature_input),
                        signature: Some(&h.signature),
                        body: &body,
                    };
                    black_box(verifier.verify(&request, NOW).expect("verifies"))
                },
                BatchSize::SmallInput,
            )
        });
        group.finish();
    }
}

criterion_group!(benches, signing);
criterion_main!(benches);
