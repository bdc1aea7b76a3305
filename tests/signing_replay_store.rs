//! The verifier with its replay store: a replay is `replayed` whichever label carries it,
//! a full store fails closed (never by forgetting a live nonce), a failed verification writes
//! nothing to the store, nonces are kept for the validity plus the tolerance, and single key
//! updates take effect without a rebuild.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use contrast_auth::signing::{
    MemoryReplayStore, Message, Nonce, ReceivedRequest, Recorded, ReplayStore, ReplayStoreError,
    SignatureHeaders, Signer, SignerOptions, Verifier, VerifierOptions, VerifyError,
};
use contrast_auth::{CredentialStore, Credentials, HeaderOptions, Snapshot};

const NOW: u64 = 1_767_225_600;
const BODY: &[u8] = br#"{"findings":[]}"#;

fn snapshot(service_key: &str) -> Arc<Snapshot> {
    let creds = Credentials::new(
        "https://h.example/Contrast",
        "agent@Org",
        service_key,
        "API-secret-d8f2a61c",
    )
    .unwrap();
    CredentialStore::new(creds, HeaderOptions::default()).snapshot()
}

fn sign(current: &Snapshot, previous: Option<&Snapshot>) -> SignatureHeaders {
    Signer::new(SignerOptions::default())
        .sign(
            &Message {
                method: "POST",
                url: "https://h.example/Contrast/api/ng/report?app=1",
                content_type: "application/json",
                body: BODY,
            },
            current,
            previous,
            NOW,
        )
        .unwrap()
}

fn request(h: &SignatureHeaders) -> ReceivedRequest<'_> {
    ReceivedRequest {
        method: "POST",
        authority: "h.example",
        path: "/Contrast/api/ng/report",
        query: Some("app=1"),
        content_type: Some("application/json"),
        content_digest: Some(&h.content_digest),
        signature_input: Some(&h.signature_input),
        signature: Some(&h.signature),
        body: BODY,
    }
}

/// A store that records every call it gets, and answers what it is told to (a real store
/// around it keeps the nonces).
#[derive(Debug)]
struct Recording {
    inner: MemoryReplayStore,
    calls: Mutex<Vec<(Nonce, u64, u64)>>,
    fail_with: Mutex<Option<ReplayStoreError>>,
}

impl Recording {
    fn new() -> Arc<Self> {
        Arc::new(Recording {
            inner: MemoryReplayStore::new(1000),
            calls: Mutex::new(Vec::new()),
            fail_with: Mutex::new(None),
        })
    }
    fn calls(&self) -> Vec<(Nonce, u64, u64)> {
        self.calls.lock().unwrap().clone()
    }
}

impl ReplayStore for Recording {
    fn record(
        &self,
        nonce: &Nonce,
        until_ms: u64,
        now_ms: u64,
    ) -> Result<Recorded, ReplayStoreError> {
        self.calls.lock().unwrap().push((*nonce, until_ms, now_ms));
        if let Some(e) = *self.fail_with.lock().unwrap() {
            return Err(e);
        }
        self.inner.record(nonce, until_ms, now_ms)
    }
}

fn verifier_with(store: Arc<Recording>, keys: &[&Snapshot]) -> Verifier {
    let v = Verifier::with_replay_store(VerifierOptions::default(), store).unwrap();
    v.set_signing_keys(keys.iter().map(|s| s.signing_key().duplicate()));
    v
}

/// Issue 21, point 4: `contrast` signed with a key this node does not have yet, and
/// `contrast-prev` (a key it has) carrying a nonce already used: `replayed`, not `unknown_key`.
#[test]
fn a_replay_is_reported_as_replayed_whichever_label_carries_it() {
    let old = snapshot("OLD-service-key");
    let new = snapshot("NEW-service-key");
    let h = sign(&new, Some(&old));
    let late_node = verifier_with(Recording::new(), &[&old]);
    let first = late_node.verify(&request(&h), NOW).unwrap();
    assert_eq!(first.label, "contrast-prev");
    assert_eq!(
        late_node.verify(&request(&h), NOW),
        Err(VerifyError::Replayed)
    );
    // Shared store: accepted on the node with the new key is a replay on the late node.
    let store = Recording::new();
    let up_to_date = verifier_with(store.clone(), &[&old, &new]);
    let late = verifier_with(store, &[&old]);
    let h = sign(&new, Some(&old));
    assert_eq!(
        up_to_date.verify(&request(&h), NOW).unwrap().label,
        "contrast"
    );
    assert_eq!(late.verify(&request(&h), NOW), Err(VerifyError::Replayed));
    // And the other way round.
    let h = sign(&new, Some(&old));
    assert!(late.verify(&request(&h), NOW).is_ok());
    assert_eq!(
        up_to_date.verify(&request(&h), NOW),
        Err(VerifyError::Replayed)
    );
}

#[test]
fn one_store_write_per_verified_request_and_none_for_a_failed_one() {
    let old = snapshot("OLD-service-key");
    let new = snapshot("NEW-service-key");
    let store = Recording::new();
    let v = verifier_with(store.clone(), &[&old, &new]);
    // Two valid labels: one write.
    assert!(v.verify(&request(&sign(&new, Some(&old))), NOW).is_ok());
    assert_eq!(store.calls().len(), 1);
    // Failures of every kind before the store: no write.
    let h = sign(&new, None);
    let mut tampered = request(&h);
    tampered.body = b"{}";
    assert_eq!(v.verify(&tampered, NOW), Err(VerifyError::DigestMismatch));
    let mut wrong_path = request(&h);
    wrong_path.path = "/Contrast/other";
    assert_eq!(
        v.verify(&wrong_path, NOW),
        Err(VerifyError::SignatureMismatch)
    );
    assert_eq!(v.verify(&request(&h), NOW + 301), Err(VerifyError::Expired));
    assert_eq!(
        v.verify(&request(&h), NOW - 301),
        Err(VerifyError::FromTheFuture)
    );
    let stranger = snapshot("STRANGER-service-key");
    assert_eq!(
        v.verify(&request(&sign(&stranger, None)), NOW),
        Err(VerifyError::UnknownKey)
    );
    assert_eq!(store.calls().len(), 1);
    // The nonce of the failed attempts is not burnt.
    assert!(v.verify(&request(&h), NOW).is_ok());
    assert_eq!(store.calls().len(), 2);
}

#[test]
fn nonces_are_kept_for_the_remaining_validity_plus_the_tolerance() {
    let snap = snapshot("SVC");
    let store = Recording::new();
    let v = Verifier::with_replay_store(
        VerifierOptions {
            tolerance: Duration::from_secs(60),
            replay_capacity: 1,
        },
        store.clone(),
    )
    .unwrap();
    v.set_signing_keys([snap.signing_key().duplicate()]);
    // Default validity 300 s: expires = NOW + 300, accepted through that second.
    for (now, expected_ttl_s) in [(NOW, 361), (NOW + 300, 61), (NOW - 60, 421)] {
        assert!(v.verify(&request(&sign(&snap, None)), now).is_ok());
        let (_, until, at) = *store.calls().last().unwrap();
        assert_eq!(at, now * 1000);
        assert_eq!(until - at, expected_ttl_s * 1000, "at {now}");
    }
}

#[test]
fn a_store_error_fails_closed_and_is_temporary() {
    let snap = snapshot("SVC");
    let store = Recording::new();
    let v = verifier_with(store.clone(), &[&snap]);
    for e in [
        ReplayStoreError::Unreachable,
        ReplayStoreError::Timeout,
        ReplayStoreError::OutOfMemory,
        ReplayStoreError::ClusterDown,
        ReplayStoreError::Moved,
    ] {
        *store.fail_with.lock().unwrap() = Some(e);
        let result = v.verify(&request(&sign(&snap, None)), NOW);
        assert_eq!(result, Err(VerifyError::ReplayStore(e)));
        let error = result.unwrap_err();
        assert!(error.is_temporary());
        assert_eq!(error.name(), "replay_store");
        assert!(error.to_string().contains(e.name()), "{error}");
    }
    assert!(!VerifyError::Replayed.is_temporary());
}

#[test]
fn a_full_memory_store_refuses_and_still_refuses_replays() {
    let snap = snapshot("SVC");
    let v = Verifier::new(VerifierOptions {
        tolerance: Duration::from_secs(300),
        replay_capacity: 3,
    })
    .unwrap();
    v.set_signing_keys([snap.signing_key().duplicate()]);
    let first = sign(&snap, None);
    assert!(v.verify(&request(&first), NOW).is_ok());
    for _ in 0..2 {
        assert!(v.verify(&request(&sign(&snap, None)), NOW).is_ok());
    }
    assert_eq!(
        v.verify(&request(&sign(&snap, None)), NOW),
        Err(VerifyError::ReplayStore(ReplayStoreError::Full))
    );
    // The oldest live nonce was not evicted: its replay is refused.
    assert_eq!(v.verify(&request(&first), NOW), Err(VerifyError::Replayed));
    // Once the window has passed (expires + 1 + tolerance), room is made again.
    assert!(v.verify(&request(&sign(&snap, None)), NOW).is_err());
    let later = NOW + 601;
    let s = Signer::new(SignerOptions::default())
        .sign(
            &Message {
                method: "POST",
                url: "https://h.example/Contrast/api/ng/report?app=1",
                content_type: "application/json",
                body: BODY,
            },
            &snap,
            None,
            later,
        )
        .unwrap();
    assert!(v.verify(&request(&s), later).is_ok());
}

#[test]
fn single_keys_are_added_and_removed_without_a_rebuild() {
    let a = snapshot("A-service-key");
    let b = snapshot("B-service-key");
    let v = verifier_with(Recording::new(), &[&a]);
    assert_eq!(
        v.verify(&request(&sign(&b, None)), NOW),
        Err(VerifyError::UnknownKey)
    );
    v.insert_key(b.signing_key().duplicate());
    assert!(v.verify(&request(&sign(&b, None)), NOW).is_ok());
    assert!(v.verify(&request(&sign(&a, None)), NOW).is_ok());
    assert!(v.remove_key(a.keyid()));
    assert!(!v.remove_key(a.keyid()));
    assert_eq!(
        v.verify(&request(&sign(&a, None)), NOW),
        Err(VerifyError::UnknownKey)
    );
    assert_eq!(v.keys().len(), 1);
}
