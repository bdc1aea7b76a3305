//! Property tests: a signed request verifies, and changing any single byte of the
//! method, authority, path, query, content type, body, Content-Digest, Signature-Input or
//! Signature makes verification fail.

use contrast_auth::signing::{Message, ReceivedRequest, Signer, Verifier, VerifierOptions, keyid};
use contrast_auth::{CredentialStore, Credentials, HeaderOptions};
use proptest::prelude::*;

const NOW: u64 = 1_767_225_600;

struct Signed {
    method: String,
    authority: String,
    path: String,
    query: String,
    content_type: String,
    body: Vec<u8>,
    digest: String,
    input: String,
    signature: String,
}

fn sign(
    method: &str,
    path: &str,
    query: &str,
    content_type: &str,
    body: &[u8],
) -> (Signed, Verifier) {
    let creds = Credentials::new("https://h.example/Contrast", "agent", "service", "api").unwrap();
    let store = CredentialStore::new(creds, HeaderOptions::default());
    let url = format!("https://h.example{path}?{query}");
    let signer = Signer::default();
    let h = signer
        .sign_from_store(
            &Message {
                method,
                url: &url,
                content_type,
                body,
            },
            &store,
            NOW,
        )
        .unwrap();
    let verifier = Verifier::new(VerifierOptions::default()).unwrap();
    let snap = store.snapshot();
    verifier.set_keys(vec![(keyid(&snap), snap.signing_key().duplicate())]);
    let signed = Signed {
        method: method.into(),
        authority: "h.example".into(),
        path: path.into(),
        query: query.into(),
        content_type: content_type.into(),
        body: body.to_vec(),
        digest: h.content_digest,
        input: h.signature_input,
        signature: h.signature,
    };
    (signed, verifier)
}

fn verify(s: &Signed, v: &Verifier) -> bool {
    v.verify(
        &ReceivedRequest {
            method: &s.method,
            authority: &s.authority,
            path: &s.path,
            query: Some(&s.query),
            content_type: Some(&s.content_type),
            content_digest: Some(&s.digest),
            signature_input: Some(&s.input),
            signature: Some(&s.signature),
            body: &s.body,
        },
        NOW,
    )
    .is_ok()
}

/// Changes one byte of `s` at `index` (modulo its length) to another printable byte.
fn flip(s: &str, index: usize, delta: u8) -> Option<String> {
    if s.is_empty() {
        return None;
    }
    let mut bytes = s.as_bytes().to_vec();
    let i = index % bytes.len();
    let c = bytes[i];
    let mut n = b'!' + ((u16::from(c) + 1 + u16::from(delta % 90)) % 94) as u8;
    if n == c {
        n = if c == b'a' { b'b' } else { b'a' };
    }
    bytes[i] = n;
    String::from_utf8(bytes).ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn any_single_byte_change_fails(
        body in proptest::collection::vec(any::<u8>(), 0..256),
        query in "[a-z]{1,8}=[a-z0-9]{1,8}",
        path_tail in "[a-z]{1,12}",
        field in 0usize..9,
        index in any::<usize>(),
        delta in any::<u8>(),
    ) {
        let path = format!("/Contrast/api/{path_tail}");
        let (mut s, v) = sign("POST", &path, &query, "application/json", &body);
        let changed = match field {
            0 => flip(&s.method, index, delta).map(|m| s.method = m),
            1 => flip(&s.path, index, delta).map(|p| s.path = p),
            2 => flip(&s.query, index, delta).map(|q| s.query = q),
            3 => flip(&s.content_type, index, delta).map(|c| s.content_type = c),
            // A case-only change of the host is the same authority (it is normalized).
            6 => flip(&s.authority, index, delta)
                .filter(|a| !a.eq_ignore_ascii_case(&s.authority))
                .map(|a| s.authority = a),
            7 => flip(&s.digest, index, delta).map(|d| s.digest = d),
            8 => flip(&s.input, index, delta).map(|i| s.input = i),
            4 => {
                if s.body.is_empty() { s.body.push(delta) } else { let i = index % s.body.len(); s.body[i] ^= delta | 1; }
                Some(())
            }
            _ => {
                // A byte inside the base64 of the signature value.
                let start = s.signature.find(":").unwrap() + 1;
                let end = s.signature.rfind(":").unwrap();
                let i = start + index % (end - start - 1);
                let mut bytes = s.signature.clone().into_bytes();
                bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
                s.signature = String::from_utf8(bytes).unwrap();
                Some(())
            }
        };
        prop_assume!(changed.is_some());
        prop_assert!(!verify(&s, &v), "a changed request still verified (field {field})");
    }

    #[test]
    fn unchanged_requests_verify(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let (s, v) = sign("POST", "/Contrast/api/ng/x", "a=b", "application/json", &body);
        prop_assert!(verify(&s, &v));
    }
}
