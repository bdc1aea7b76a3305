//! The signer: header shapes, URL-derived components, rotation from the store, and typed
//! errors for bad input that never carry a secret.

use std::time::Duration;

use contrast_auth::signing::{
    Message, ReceivedRequest, SignError, Signer, SignerOptions, Verifier, VerifierOptions, keyid,
    signature_base,
};
use contrast_auth::{CredentialStore, Credentials, HeaderOptions};

const NOW: u64 = 1_767_225_600;
const SERVICE_KEY: &str = "SVC-secret-4Q7Z2M9X";
const API_KEY: &str = "API-secret-d8f2a61c";

fn store(user: &str) -> CredentialStore {
    let creds = Credentials::new("https://h.example/Contrast", user, SERVICE_KEY, API_KEY).unwrap();
    CredentialStore::new(creds, HeaderOptions::default())
}

fn message<'a>(url: &'a str, body: &'a [u8]) -> Message<'a> {
    Message {
        method: "POST",
        url,
        content_type: "application/json",
        body,
    }
}

#[test]
fn headers_have_the_fixed_wire_format() {
    let store = store("agent@Org");
    let snap = store.snapshot();
    let signer = Signer::default();
    let h = signer
        .sign_with_nonce(
            &message("https://h.example/Contrast/api/x?a=1", b"{}"),
            &snap,
            None,
            NOW,
            [0u8; 16],
        )
        .unwrap();
    let kid = keyid(&snap);
    // The first 16 hex digits of SHA-256 of the HMAC key, computed here independently.
    let digest = ring::digest::digest(&ring::digest::SHA256, snap.signing_key().expose_secret());
    let hex: String = digest.as_ref()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(kid, hex);
    assert!(kid.starts_with(&snap.signing_key().fingerprint().to_hex()));
    assert_eq!(
        h.signature_input,
        format!(
            "contrast=(\"@method\" \"@authority\" \"@path\" \"@query\" \"content-type\" \"content-digest\");created={NOW};expires={};nonce=\"AAAAAAAAAAAAAAAAAAAAAA\";keyid=\"{kid}\";tag=\"contrast-auth/v1\"",
            NOW + 300
        )
    );
    assert!(h.signature.starts_with("contrast=:") && h.signature.ends_with(':'));
    assert_eq!(h.signature.len(), "contrast=::".len() + 44);
    let names: Vec<&str> = h.pairs().iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["Content-Digest", "Signature-Input", "Signature"]);
    assert_eq!(h.pairs()[0].1, h.content_digest);
}

#[test]
fn random_nonces_differ_and_validity_sets_expires() {
    let store = store("agent@Org");
    let snap = store.snapshot();
    let signer = Signer::new(SignerOptions {
        validity: Duration::from_secs(60),
        previous_grace: Duration::ZERO,
    });
    let m = message("https://h.example/Contrast/api/x", b"body");
    let a = signer.sign(&m, &snap, None, NOW).unwrap();
    let b = signer.sign(&m, &snap, None, NOW).unwrap();
    assert_ne!(a.signature_input, b.signature_input);
    assert_ne!(a.signature, b.signature);
    assert_eq!(a.content_digest, b.content_digest);
    assert!(
        a.signature_input
            .contains(&format!(";expires={};", NOW + 60))
    );
}

#[test]
fn url_components_are_derived_as_rfc_9421_says() {
    let store = store("agent@Org");
    let snap = store.snapshot();
    let signer = Signer::default();
    // No path and no query: @path is "/" and @query is "?"; the default port is dropped.
    let h = signer
        .sign_with_nonce(
            &message("https://H.Example:443", b""),
            &snap,
            None,
            NOW,
            [7; 16],
        )
        .unwrap();
    let params = h.signature_input.strip_prefix("contrast=").unwrap();
    let base = signature_base(
        &contrast_auth::signing::Components {
            method: "POST",
            authority: "h.example",
            path: "/",
            query: None,
            content_type: "application/json",
            content_digest: &h.content_digest,
        },
        params,
    )
    .unwrap();
    assert!(base.starts_with(
        "\"@method\": POST\n\"@authority\": h.example\n\"@path\": /\n\"@query\": ?\n\"content-type\": application/json\n\"content-digest\": sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:\n\"@signature-params\": (\"@method\""
    ));
    assert!(!base.ends_with('\n'));
    let verifier = Verifier::new(VerifierOptions::default()).unwrap();
    verifier.set_keys(vec![(keyid(&snap), snap.signing_key().duplicate())]);
    let ok = verifier.verify(
        &ReceivedRequest {
            method: "POST",
            authority: "h.example",
            path: "/",
            query: None,
            content_type: Some("application/json"),
            content_digest: Some(&h.content_digest),
            signature_input: Some(&h.signature_input),
            signature: Some(&h.signature),
            body: b"",
        },
        NOW,
    );
    assert!(ok.is_ok(), "{ok:?}");
}

#[test]
fn sign_from_store_adds_contrast_prev_only_during_the_grace_period() {
    let store = store("agent@Org");
    let before = store.snapshot();
    store.rotate(Some("NEW-service-key-1"), None).unwrap();
    let after = store.snapshot();
    let m = message("https://h.example/Contrast/api/x", b"{}");

    let with_grace = Signer::new(SignerOptions {
        validity: Duration::from_secs(300),
        previous_grace: Duration::from_secs(3600),
    })
    .sign_from_store(&m, &store, NOW)
    .unwrap();
    let prev_at = with_grace
        .signature_input
        .find(", contrast-prev=(")
        .unwrap();
    assert!(with_grace.signature_input[..prev_at].contains(&keyid(&after)));
    assert!(with_grace.signature_input[prev_at..].contains(&keyid(&before)));
    assert!(with_grace.signature.contains(", contrast-prev=:"));

    let no_grace = Signer::new(SignerOptions {
        validity: Duration::from_secs(300),
        previous_grace: Duration::ZERO,
    })
    .sign_from_store(&m, &store, NOW)
    .unwrap();
    assert!(!no_grace.signature_input.contains("contrast-prev"));
    assert!(!no_grace.signature.contains("contrast-prev"));
}

#[test]
fn a_previous_snapshot_with_the_same_key_adds_no_second_signature() {
    let store = store("agent@Org");
    let snap = store.snapshot();
    let same = store.snapshot();
    let h = Signer::default()
        .sign(
            &message("https://h.example/Contrast/api/x", b"{}"),
            &snap,
            Some(&same),
            NOW,
        )
        .unwrap();
    assert!(!h.signature_input.contains("contrast-prev"));
}

/// Any user name signs, non-ASCII and quotes included: the keyid is the key's hash (16 hex
/// digits), the user name appears nowhere in the headers, and the signature verifies by keyid.
#[test]
fn every_user_name_signs_with_a_keyid_naming_the_key_only() {
    for user in [
        "agent \"quoted\" \\ name",
        "agent_\u{fc}7f3a",
        "agent_\u{1F642}7f3a@Org",
        "agënt",
    ] {
        let store = store(user);
        let snap = store.snapshot();
        let h = Signer::default()
            .sign(
                &message("https://h.example/Contrast/api/x", b"{}"),
                &snap,
                None,
                NOW,
            )
            .unwrap_or_else(|e| panic!("{user}: {e}"));
        let kid = keyid(&snap);
        assert_eq!(kid, snap.signing_key().keyid());
        assert_eq!(kid.len(), 16);
        assert!(
            kid.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
        assert_eq!(&kid[..8], snap.fingerprints().signing_key.to_hex());
        assert!(
            h.signature_input
                .contains(&format!(";keyid=\"{kid}\";tag=")),
            "{}",
            h.signature_input
        );
        for header in [&h.content_digest, &h.signature_input, &h.signature] {
            assert!(!header.contains(user), "{user} in {header}");
            assert!(header.is_ascii(), "{header}");
        }
        let verifier = Verifier::new(VerifierOptions::default()).unwrap();
        verifier.set_signing_keys([snap.signing_key().duplicate()]);
        let verified = verifier
            .verify(
                &ReceivedRequest {
                    method: "POST",
                    authority: "h.example",
                    path: "/Contrast/api/x",
                    query: None,
                    content_type: Some("application/json"),
                    content_digest: Some(&h.content_digest),
                    signature_input: Some(&h.signature_input),
                    signature: Some(&h.signature),
                    body: b"{}",
                },
                NOW,
            )
            .unwrap();
        assert_eq!(verified.keyid, kid);
        assert_eq!(verified.label, "contrast");
        assert_eq!(verified.created, NOW);
    }
}

fn sign_error(method: &str, url: &str, content_type: &str, user: &str) -> SignError {
    let store = store(user);
    Signer::default()
        .sign(
            &Message {
                method,
                url,
                content_type,
                body: b"{}",
            },
            &store.snapshot(),
            None,
            NOW,
        )
        .unwrap_err()
}

#[test]
fn bad_input_is_a_typed_error_naming_the_part_without_secrets() {
    let ok_url = "https://h.example/Contrast/api/x";
    let cases = [
        (
            sign_error("POST", "http://h.example/x", "a/b", "agent"),
            "url",
        ),
        (sign_error("POST", "/Contrast/api/x", "a/b", "agent"), "url"),
        (sign_error("POST", "not a url", "a/b", "agent"), "url"),
        (sign_error("", ok_url, "a/b", "agent"), "@method"),
        (sign_error("PO ST", ok_url, "a/b", "agent"), "@method"),
        (sign_error("POST\r\n", ok_url, "a/b", "agent"), "@method"),
        (
            sign_error("POST", ok_url, "application/json\r\nX-Evil: 1", "agent"),
            "content-type",
        ),
        (
            sign_error("POST", ok_url, "text/plain\u{0}", "agent"),
            "content-type",
        ),
        (
            sign_error(
                "POST",
                "https://h.example/Contrast/api/../x",
                "a/b",
                "agent",
            ),
            "@path",
        ),
    ];
    for (error, part) in cases {
        let named = match &error {
            SignError::InvalidComponent { component, .. } => *component,
            SignError::InvalidParameter { part, .. } => *part,
            other => panic!("unexpected {other:?}"),
        };
        assert_eq!(named, part, "{error}");
        assert_eq!(error.name(), "invalid_component");
        let shown = format!("{error} {error:?}");
        assert!(shown.contains(part), "{shown}");
        for secret in [SERVICE_KEY, API_KEY] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}

mod plain_url_fast_path {
    use contrast_auth::signing::base::{split_url, split_url_parsed};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// The fast path and the full URL parse give the same components for every URL.
        #[test]
        fn agrees_with_the_full_parse(
            host in "(xn--)?[a-z0-9-]{1,8}(\\.[a-zA-Z0-9-]{1,8}){0,2}(\\.[0-9]{1,3})?",
            port in proptest::option::of(prop_oneof![Just("443".to_string()), Just("8443".to_string()), Just("0443".to_string()), Just("".to_string()), "[0-9]{1,6}"]),
            segments in proptest::collection::vec(prop_oneof![
                4 => "[a-zA-Z0-9._~!$&'()*+,;=:@%\\\\-]{0,6}",
                1 => prop_oneof![Just("."), Just(".."), Just("%2e"), Just("%2E."), Just("a\\b")].prop_map(str::to_string),
            ], 0..5),
            query in proptest::option::of("[a-zA-Z0-9._~!$&'()*+,;=:@/?%= -]{0,12}"),
            fragment in proptest::option::of("[a-z?/#]{0,3}"),
        ) {
            let mut url = format!("https://{host}");
            if let Some(p) = &port { url.push(':'); url.push_str(p); }
            for segment in &segments { url.push('/'); url.push_str(segment); }
            if let Some(q) = &query { url.push('?'); url.push_str(q); }
            if let Some(f) = &fragment { url.push('#'); url.push_str(f); }
            prop_assert_eq!(split_url(&url).ok(), split_url_parsed(&url).ok(), "{}", url);
        }
    }
}

/// Nonces come from a per-thread pool refilled every 64: across refills they stay distinct.
#[test]
fn pooled_nonces_are_distinct_across_refills() {
    use contrast_auth::signing::{Message, Signer};
    use contrast_auth::{CredentialStore, Credentials, HeaderOptions};
    let creds = Credentials::new("https://h.example/Contrast", "agent", "service", "api").unwrap();
    let store = CredentialStore::new(creds, HeaderOptions::default());
    let signer = Signer::default();
    let message = Message {
        method: "POST",
        url: "https://h.example/Contrast/x",
        content_type: "application/json",
        body: b"{}",
    };
    let mut seen = std::collections::HashSet::new();
    for _ in 0..1000 {
        let h = signer
            .sign_from_store(&message, &store, 1_767_225_600)
            .unwrap();
        let nonce = h
            .signature_input
            .split("nonce=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        assert_eq!(nonce.len(), 22);
        assert!(seen.insert(nonce), "a nonce repeated");
    }
}

/// The signer reuses the HMAC state prepared for the last request target of a key. Signing
/// targets that differ in one part each, interleaved and repeated, gives exactly what a fresh
/// snapshot (nothing prepared) gives, and each equals the HMAC of the full signature base.
#[test]
fn prepared_targets_never_leak_into_another_target() {
    let store = store("agent@Org");
    let warm = store.snapshot();
    let signer = Signer::default();
    let targets = [
        (
            "POST",
            "https://h.example/Contrast/api/a",
            "application/json",
        ),
        (
            "PUT",
            "https://h.example/Contrast/api/a",
            "application/json",
        ),
        (
            "POST",
            "https://h.example/Contrast/api/b",
            "application/json",
        ),
        (
            "POST",
            "https://h.example/Contrast/api/a?x=1",
            "application/json",
        ),
        (
            "POST",
            "https://h.example/Contrast/api/a",
            "application/xml",
        ),
        (
            "POST",
            "https://h.example/Contrast/api/a",
            " application/json ",
        ),
    ];
    let first = |nonce| {
        let (method, url, content_type) = targets[0];
        let message = Message {
            method,
            url,
            content_type,
            body: b"{\"n\":1}",
        };
        signer
            .sign_with_nonce(&message, &warm, None, NOW, nonce)
            .unwrap()
    };
    let mut seen = std::collections::HashSet::new();
    // Rounds 0-2 over three targets (all stay prepared), then over all six (more than a key
    // keeps, so they replace each other).
    for round in 0..6 {
        let in_round = if round < 3 { 3 } else { targets.len() };
        for (i, (method, url, content_type)) in targets[..in_round].iter().enumerate() {
            let message = Message {
                method,
                url,
                content_type,
                body: b"{\"n\":1}",
            };
            let nonce = [round as u8; 16];
            let reused = signer
                .sign_with_nonce(&message, &warm, None, NOW, nonce)
                .unwrap();
            let fresh_store = self::store("agent@Org");
            let fresh = signer
                .sign_with_nonce(&message, &fresh_store.snapshot(), None, NOW, nonce)
                .unwrap();
            assert_eq!(reused, fresh, "round {round}, target {i}");
            if i == targets.len() - 1 {
                assert_eq!(reused, first(nonce));
            }
            // Every target signs differently, but the last: the content type is trimmed, so it
            // signs like the first (from a state prepared for another string).
            if round == 3 && i < targets.len() - 1 {
                assert!(seen.insert(reused.signature.clone()), "target {i}");
            }
            // The same request verifies (the verifier builds the whole base itself).
            let verifier = Verifier::new(VerifierOptions::default()).unwrap();
            verifier.set_keys(vec![(keyid(&warm), warm.signing_key().duplicate())]);
            let parts = contrast_auth::signing::base::split_url(url).unwrap();
            let received = ReceivedRequest {
                method,
                authority: &parts.authority,
                path: &parts.path,
                query: parts.query.as_deref(),
                content_type: Some(content_type),
                content_digest: Some(&reused.content_digest),
                signature_input: Some(&reused.signature_input),
                signature: Some(&reused.signature),
                body: message.body,
            };
            verifier
                .verify(&received, NOW)
                .unwrap_or_else(|e| panic!("target {i}: {e}"));
        }
    }
}

/// A bad request target is refused every time, also right after a good one was prepared.
#[test]
fn a_prepared_target_does_not_hide_errors() {
    let store = store("agent@Org");
    let snap = store.snapshot();
    let signer = Signer::default();
    let good = message("https://h.example/Contrast/api/a", b"{}");
    signer
        .sign_with_nonce(&good, &snap, None, NOW, [1; 16])
        .unwrap();
    for bad in [
        Message {
            method: "PO ST",
            ..good
        },
        Message {
            url: "http://h.example/Contrast/api/a",
            ..good
        },
        Message {
            content_type: "application/json\r\nX: y",
            ..good
        },
    ] {
        for _ in 0..2 {
            assert!(
                signer
                    .sign_with_nonce(&bad, &snap, None, NOW, [1; 16])
                    .is_err()
            );
        }
        signer
            .sign_with_nonce(&good, &snap, None, NOW, [1; 16])
            .unwrap();
    }
}
