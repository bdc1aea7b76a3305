//! The verifier: options, time window boundaries, rotation with several active keys,
//! malformed headers naming the part, Host normalization, replay under concurrency, and
//! no secret in any error or Debug output.

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use contrast_auth::signing::{
    Message, ReceivedRequest, SignatureHeaders, Signer, SignerOptions, SigningKey, Verifier,
    VerifierOptions, VerifyError, keyid,
};
use contrast_auth::{CredentialStore, Credentials, HeaderOptions, Snapshot};

const NOW: u64 = 1_767_225_600;
const BODY: &[u8] = br#"{"findings":[]}"#;
const SERVICE_KEY: &str = "SVC-secret-4Q7Z2M9X";
const API_KEY: &str = "API-secret-d8f2a61c";

fn snapshot(service_key: &str) -> Arc<Snapshot> {
    let creds = Credentials::new(
        "https://h.example/Contrast",
        "agent@Org",
        service_key,
        API_KEY,
    )
    .unwrap();
    CredentialStore::new(creds, HeaderOptions::default()).snapshot()
}

fn entry(snap: &Snapshot) -> (String, SigningKey) {
    (keyid(snap), snap.signing_key().duplicate())
}

fn sign_with(
    options: SignerOptions,
    current: &Snapshot,
    previous: Option<&Snapshot>,
) -> SignatureHeaders {
    Signer::new(options)
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

fn sign(current: &Snapshot, previous: Option<&Snapshot>) -> SignatureHeaders {
    sign_with(SignerOptions::default(), current, previous)
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

fn verifier(keys: &[&Snapshot]) -> Verifier {
    let v = Verifier::new(VerifierOptions::default()).unwrap();
    v.set_keys(keys.iter().map(|s| entry(s)).collect());
    v
}

#[test]
fn options_are_range_checked() {
    let opts = |tolerance, replay_capacity| VerifierOptions {
        tolerance: Duration::from_secs(tolerance),
        replay_capacity,
    };
    assert!(Verifier::new(opts(900, 10)).is_ok());
    assert!(matches!(
        Verifier::new(opts(901, 10)),
        Err(VerifyError::InvalidOptions(_))
    ));
    assert!(matches!(
        Verifier::new(opts(300, 0)),
        Err(VerifyError::InvalidOptions(_))
    ));
}

#[test]
fn time_window_boundaries() {
    let snap = snapshot(SERVICE_KEY);
    let v = verifier(&[&snap]);
    // expires = NOW + 300: accepted at expires, rejected one second later.
    assert!(v.verify(&request(&sign(&snap, None)), NOW + 300).is_ok());
    assert_eq!(
        v.verify(&request(&sign(&snap, None)), NOW + 301),
        Err(VerifyError::Expired)
    );
    // created may be up to the tolerance (300 s) ahead of the verifier's clock.
    assert!(v.verify(&request(&sign(&snap, None)), NOW - 300).is_ok());
    assert_eq!(
        v.verify(&request(&sign(&snap, None)), NOW - 301),
        Err(VerifyError::FromTheFuture)
    );
    // A configured larger tolerance accepts more skew.
    let wide = Verifier::new(VerifierOptions {
        tolerance: Duration::from_secs(900),
        replay_capacity: 16,
    })
    .unwrap();
    wide.set_keys(vec![entry(&snap)]);
    assert!(wide.verify(&request(&sign(&snap, None)), NOW - 900).is_ok());
}

#[test]
fn validity_beyond_900_seconds_is_malformed() {
    let snap = snapshot(SERVICE_KEY);
    let h = sign_with(
        SignerOptions {
            validity: Duration::from_secs(901),
            previous_grace: Duration::ZERO,
        },
        &snap,
        None,
    );
    assert!(matches!(
        verifier(&[&snap]).verify(&request(&h), NOW),
        Err(VerifyError::Malformed {
            part: "expires",
            ..
        })
    ));
}

#[test]
fn rotation_accepts_any_active_key_and_retires_old_ones() {
    let old = snapshot("OLD-service-key");
    let new = snapshot(SERVICE_KEY);
    let v = verifier(&[&old, &new]);
    // Agents still on the old key, agents on the new one, agents sending both.
    let r = v.verify(&request(&sign(&old, None)), NOW).unwrap();
    assert_eq!((&*r.label, r.keyid), ("contrast", keyid(&old)));
    let r = v.verify(&request(&sign(&new, None)), NOW).unwrap();
    assert_eq!((&*r.label, r.keyid), ("contrast", keyid(&new)));
    let r = v.verify(&request(&sign(&new, Some(&old))), NOW).unwrap();
    assert_eq!(r.label, "contrast");
    // A server that only has the old key verifies the contrast-prev signature.
    let old_only = verifier(&[&old]);
    let r = old_only
        .verify(&request(&sign(&new, Some(&old))), NOW)
        .unwrap();
    assert_eq!((&*r.label, r.keyid), ("contrast-prev", keyid(&old)));
    // After the rotation the old key is retired.
    v.set_keys(vec![entry(&new)]);
    assert_eq!(
        v.verify(&request(&sign(&old, None)), NOW),
        Err(VerifyError::UnknownKey)
    );
}

#[test]
fn a_corrupted_contrast_signature_reports_the_mismatch_not_the_other_label() {
    let old = snapshot("OLD-service-key");
    let new = snapshot(SERVICE_KEY);
    let mut h = sign(&new, Some(&old));
    // Corrupt the first base64 character of the `contrast` MAC only.
    let i = "contrast=:".len();
    let replacement = if h.signature.as_bytes()[i] == b'A' {
        "B"
    } else {
        "A"
    };
    h.signature.replace_range(i..i + 1, replacement);
    // A server with only the new key: contrast fails, contrast-prev has an unknown key;
    // the first label's failure is reported.
    assert_eq!(
        verifier(&[&new]).verify(&request(&h), NOW),
        Err(VerifyError::SignatureMismatch)
    );
    // A server with both keys still accepts the intact contrast-prev signature.
    let r = verifier(&[&old, &new]).verify(&request(&h), NOW).unwrap();
    assert_eq!(r.label, "contrast-prev");
}

/// Removes one header from a received request.
type Remove = fn(&mut ReceivedRequest<'_>);

#[test]
fn missing_headers_are_named() {
    let snap = snapshot(SERVICE_KEY);
    let v = verifier(&[&snap]);
    let h = sign(&snap, None);
    let cases: [(Remove, &str); 4] = [
        (|r| r.signature_input = None, "Signature-Input"),
        (|r| r.signature = None, "Signature"),
        (|r| r.content_digest = None, "Content-Digest"),
        (|r| r.content_type = None, "Content-Type"),
    ];
    for (remove, name) in cases {
        let mut r = request(&h);
        remove(&mut r);
        assert_eq!(v.verify(&r, NOW), Err(VerifyError::MissingHeader(name)));
    }
}

#[test]
fn malformed_headers_name_the_part() {
    let snap = snapshot(SERVICE_KEY);
    let v = verifier(&[&snap]);
    let h = sign(&snap, None);
    let input = h.signature_input.clone();
    let nonce_start = input.find("nonce=\"").unwrap() + 7;
    let bad_nonce = format!("{}!!{}", &input[..nonce_start], &input[nonce_start + 2..]);
    let cases: Vec<(String, String, &str)> = vec![
        ("garbage".into(), h.signature.clone(), "Signature-Input"),
        (
            input.replacen("contrast=", "Contrast=", 1),
            h.signature.clone(),
            "Signature-Input",
        ),
        (
            input.replacen(";created=", ";created=1;created=", 1),
            h.signature.clone(),
            "Signature-Input",
        ),
        (
            format!("{input}, {input}"),
            h.signature.clone(),
            "Signature-Input",
        ),
        (
            input
                .replacen("keyid=\"", "keyid=\"unterminated", 1)
                .replace("\";tag", ";tag"),
            h.signature.clone(),
            "Signature-Input",
        ),
        (
            input.replacen("\"content-type\"", "\"content-type\";sf", 1),
            h.signature.clone(),
            "Signature-Input",
        ),
        (
            input.replacen(" \"content-digest\")", " \"content-digest\" \"date\")", 1),
            h.signature.clone(),
            "Signature-Input",
        ),
        (
            input.replacen(
                "\"@method\" \"@authority\"",
                "\"@authority\" \"@method\"",
                1,
            ),
            h.signature.clone(),
            "Signature-Input",
        ),
        (input.clone(), "contrast=:not base64!:".into(), "Signature"),
        (input.clone(), "contrast=AAAA".into(), "Signature"),
        (input.clone(), "other=:AAAA:".into(), "Signature"),
        (bad_nonce, h.signature.clone(), "nonce"),
        (
            input.replacen(";created=", ";created=x", 1),
            h.signature.clone(),
            "created",
        ),
        (
            input.replacen("contrast-auth/v1", "contrast-auth/v2", 1),
            h.signature.clone(),
            "tag",
        ),
    ];
    for (signature_input, signature, part) in &cases {
        let mut r = request(&h);
        r.signature_input = Some(signature_input);
        r.signature = Some(signature);
        match v.verify(&r, NOW) {
            Err(VerifyError::Malformed { part: got, .. }) => {
                assert_eq!(got, *part, "{signature_input} / {signature}")
            }
            other => panic!("{signature_input} / {signature}: {other:?}"),
        }
    }
    // A malformed Content-Digest that is still what was signed.
    let mut r = request(&h);
    r.content_digest = Some("sha-512=:AAAA:");
    assert!(matches!(
        v.verify(&r, NOW),
        Err(VerifyError::SignatureMismatch)
    ));
}

#[test]
fn host_header_forms_are_normalized() {
    let snap = snapshot(SERVICE_KEY);
    let v = verifier(&[&snap]);
    for authority in ["h.example", "H.Example", "h.example:443", "H.EXAMPLE:443"] {
        let h = sign(&snap, None);
        let mut r = request(&h);
        r.authority = authority;
        assert!(v.verify(&r, NOW).is_ok(), "{authority}");
    }
    let h = sign(&snap, None);
    let mut r = request(&h);
    r.authority = "h.example:8443";
    assert_eq!(v.verify(&r, NOW), Err(VerifyError::SignatureMismatch));
}

#[test]
fn replays_are_rejected_across_threads() {
    let snap = snapshot(SERVICE_KEY);
    let v = Arc::new(verifier(&[&snap]));
    let h = Arc::new(sign(&snap, None));
    let outcomes: Vec<Result<_, _>> = (0..4)
        .map(|_| {
            let (v, h) = (v.clone(), h.clone());
            thread::spawn(move || v.verify(&request(&h), NOW).map(|_| ()))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 1);
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == Err(VerifyError::Replayed))
            .count(),
        3
    );
    // Distinct requests from several threads all pass.
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (v, snap) = (v.clone(), snap.clone());
            thread::spawn(move || {
                (0..50)
                    .filter(|_| v.verify(&request(&sign(&snap, None)), NOW).is_ok())
                    .count()
            })
        })
        .collect();
    let passed: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(passed, 200);
}

#[test]
fn a_failed_verification_does_not_burn_the_nonce() {
    let snap = snapshot(SERVICE_KEY);
    let v = verifier(&[&snap]);
    let h = sign(&snap, None);
    let mut tampered = request(&h);
    tampered.body = b"{}";
    assert_eq!(v.verify(&tampered, NOW), Err(VerifyError::DigestMismatch));
    assert!(v.verify(&request(&h), NOW).is_ok());
    assert_eq!(v.verify(&request(&h), NOW), Err(VerifyError::Replayed));
}

#[test]
fn errors_and_debug_output_carry_no_secret() {
    let snap = snapshot(SERVICE_KEY);
    let v = verifier(&[&snap]);
    let key_hex: String = snap
        .signing_key()
        .expose_secret()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let debug = format!("{v:?}");
    assert!(debug.contains(&keyid(&snap)), "{debug}");
    let errors = [
        VerifyError::MissingHeader("Signature"),
        VerifyError::Malformed {
            part: "nonce",
            reason: "x",
        },
        VerifyError::MissingComponent("@query"),
        VerifyError::AlgNotAllowed,
        VerifyError::UnknownKey,
        VerifyError::Expired,
        VerifyError::FromTheFuture,
        VerifyError::Replayed,
        VerifyError::DigestMismatch,
        VerifyError::SignatureMismatch,
        VerifyError::InvalidOptions("x"),
    ];
    let mut names: Vec<&str> = errors.iter().map(VerifyError::name).collect();
    let mut shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    names.sort_unstable();
    names.dedup();
    shown.sort_unstable();
    shown.dedup();
    assert_eq!(names.len(), errors.len(), "names are distinct");
    assert_eq!(shown.len(), errors.len(), "messages are distinct");
    for text in shown.iter().chain([&debug]) {
        for secret in [SERVICE_KEY, API_KEY, key_hex.as_str()] {
            assert!(!text.contains(secret), "{text}");
        }
    }
}
