//! Golden signing vectors under `tests/vectors/<case>/` (layout: `tests/vectors/README.md`).
//!
//! `cargo test --test signing_vectors` checks the committed files against the crate:
//! every signing output byte for byte, and every verification outcome. To rewrite them
//! after an intended wire change: `CONTRAST_AUTH_WRITE_VECTORS=1 cargo test --test signing_vectors`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use contrast_auth::signing::{
    Message, ReceivedRequest, SignatureHeaders, Signer, SignerOptions, Verifier, VerifierOptions,
    keyid, signature_base,
};
use contrast_auth::{CredentialStore, Credentials, HeaderOptions, Snapshot};
use serde_json::{Value, json};

const CREATED: u64 = 1_767_225_600; // 2026-01-01T00:00:00Z
const URL: &str = "https://app.contrastsecurity.com/Contrast";

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

#[derive(Clone)]
struct Keys {
    user_name: &'static str,
    service_key: &'static str,
    api_key: &'static str,
    signing_key: Option<String>,
}

const CURRENT: Keys = Keys {
    user_name: "agent_0f3c9a1e@ExampleOrg",
    service_key: "SVCKEY4Q7Z2M9X1B",
    api_key: "APIKEYd8f2a61c0e9b47",
    signing_key: None,
};
const PREVIOUS: Keys = Keys {
    user_name: "agent_0f3c9a1e@ExampleOrg",
    service_key: "OLDSVCKEY0000000",
    api_key: "OLDAPIKEY111111111",
    signing_key: None,
};
/// A user name in the Latin-1 range (`ü`, two bytes in UTF-8).
const LATIN1_USER: Keys = Keys {
    user_name: "agent_\u{fc}7f3a",
    ..CURRENT
};
/// A user name with a 4-byte UTF-8 character (U+1D11E, outside the BMP).
const FOUR_BYTE_USER: Keys = Keys {
    user_name: "agent_\u{1D11E}7f3a@Org",
    ..CURRENT
};
const OTHER: Keys = Keys {
    user_name: "agent_0f3c9a1e@ExampleOrg",
    service_key: "SOMEONE-ELSES-KEY",
    api_key: "APIKEYd8f2a61c0e9b47",
    signing_key: None,
};

fn snapshot(keys: &Keys) -> Snapshot {
    let mut creds = Credentials::new(URL, keys.user_name, keys.service_key, keys.api_key).unwrap();
    if let Some(k) = &keys.signing_key {
        creds = creds.with_signing_key(k).unwrap();
    }
    let store = CredentialStore::new(creds, HeaderOptions::default());
    let snap = store.snapshot();
    // Rebuild an owned Snapshot from the same credentials (Snapshot is not Clone).
    Snapshot::new(snap.credentials().duplicate(), HeaderOptions::default(), 1)
}

fn keys_json(keys: &Keys) -> Value {
    json!({
        "user_name": keys.user_name,
        "service_key": keys.service_key,
        "api_key": keys.api_key,
        "signing_key": keys.signing_key,
    })
}

/// How a must-fail case changes the signed request before it is verified.
#[derive(Clone, Copy)]
enum Mutation {
    None,
    TamperBodyKeepDigest,
    TamperBodyAndDigest,
    TamperPath,
    TamperMethod,
    TamperSignature,
    StrayAlg,
    DropComponent,
    /// The server sees the Host header as sent by some clients: upper case, `:443`.
    HostNotNormalized,
    /// The request's content type arrives changed (`charset` added by a proxy).
    TamperContentType,
    /// The query string is dropped on the way.
    DropQuery,
}

struct Case {
    name: &'static str,
    description: &'static str,
    method: &'static str,
    url: String,
    content_type: &'static str,
    body: Vec<u8>,
    current: Keys,
    previous: Option<Keys>,
    verify_keys: Vec<Keys>,
    now: u64,
    mutation: Mutation,
    replay: bool,
    expect: &'static str,
    // The received request's authority/path/query (as a server derives them).
    authority: &'static str,
    path: String,
    query: Option<&'static str>,
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn base_case(name: &'static str, description: &'static str) -> Case {
    Case {
        name,
        description,
        method: "POST",
        url: format!("{URL}/api/ng/agents/report"),
        content_type: "application/json",
        body: br#"{"findings":[{"rule":"sql-injection","severity":"high"}]}"#.to_vec(),
        current: CURRENT,
        previous: None,
        verify_keys: vec![CURRENT],
        now: CREATED + 1,
        mutation: Mutation::None,
        replay: false,
        expect: "ok",
        authority: "app.contrastsecurity.com",
        path: "/Contrast/api/ng/agents/report".into(),
        query: None,
    }
}

fn cases() -> Vec<Case> {
    let big: Vec<u8> = (0..1024 * 1024)
        .map(|i| b"0123456789abcdef"[i % 16])
        .collect();
    let dedicated = Keys {
        signing_key: Some(STANDARD.encode((0u8..32).collect::<Vec<u8>>())),
        ..CURRENT
    };
    vec![
        base_case("vanilla_post", "A JSON report POSTed to the API."),
        Case {
            body: vec![],
            ..base_case("empty_body", "A POST with an empty body.")
        },
        Case {
            body: gzip(br#"{"findings":[{"rule":"xss","severity":"medium"}]}"#),
            content_type: "application/json",
            ..base_case(
                "gzip_body",
                "The body as sent is gzip-compressed: the digest covers the compressed bytes.",
            )
        },
        Case {
            body: big,
            content_type: "application/octet-stream",
            ..base_case("body_1mib", "A 1 MiB body.")
        },
        Case {
            method: "GET",
            url: format!("{URL}/api/ng/profile/organizations?expand=skip_links&limit=10"),
            path: "/Contrast/api/ng/profile/organizations".into(),
            query: Some("expand=skip_links&limit=10"),
            body: vec![],
            ..base_case("query_string", "A GET with a query string.")
        },
        Case {
            url: format!("{URL}/api/ng/applications/café/traces"),
            path: "/Contrast/api/ng/applications/caf%C3%A9/traces".into(),
            ..base_case(
                "non_ascii_path",
                "A non-ASCII path: signed as sent, percent-encoded.",
            )
        },
        Case {
            url: "https://APP.ContrastSecurity.COM:443/Contrast/api/ng/agents/report".into(),
            content_type: "  application/json; charset=utf-8 \t",
            ..base_case(
                "header_case_and_whitespace",
                "Upper-case host and explicit default port normalize; content-type is trimmed.",
            )
        },
        Case {
            url: "https://teamserver.internal:8443/Contrast/api/ng/agents/report".into(),
            authority: "teamserver.internal:8443",
            ..base_case("custom_port", "A non-default port stays in @authority.")
        },
        Case {
            method: "PUT",
            ..base_case("put_method", "A PUT.")
        },
        Case {
            content_type: "application/xml",
            body: b"<report><finding rule=\"xss\"/></report>".to_vec(),
            ..base_case("xml_body", "An XML report.")
        },
        Case {
            body: (0u8..=255).collect(),
            content_type: "application/octet-stream",
            ..base_case("binary_body", "Every byte value in the body.")
        },
        Case {
            current: dedicated.clone(),
            verify_keys: vec![dedicated.clone()],
            ..base_case(
                "configured_signing_key",
                "A dedicated api.signing_key instead of the derived key.",
            )
        },
        Case {
            current: LATIN1_USER,
            verify_keys: vec![LATIN1_USER],
            ..base_case(
                "latin1_user_name",
                "A user name with a Latin-1 character (agent_\u{fc}7f3a): it enters the derived key (HKDF info, UTF-8) but never the headers; the keyid is the key's hash.",
            )
        },
        Case {
            current: FOUR_BYTE_USER,
            verify_keys: vec![FOUR_BYTE_USER],
            ..base_case(
                "four_byte_user_name",
                "A user name with a 4-byte UTF-8 character (U+1D11E): signed like any other; the keyid is the key's hash.",
            )
        },
        Case {
            previous: Some(PREVIOUS),
            verify_keys: vec![CURRENT],
            ..base_case(
                "rotation_two_signatures",
                "During rotation: contrast (new key) and contrast-prev (old key); a server with the new key verifies contrast.",
            )
        },
        Case {
            previous: Some(PREVIOUS),
            verify_keys: vec![PREVIOUS],
            ..base_case(
                "rotation_server_has_old_key",
                "During rotation a server that only knows the old key verifies contrast-prev.",
            )
        },
        Case {
            now: CREATED - 200,
            ..base_case(
                "created_within_tolerance",
                "created 200 s ahead of the server clock: within the 300 s tolerance.",
            )
        },
        Case {
            now: CREATED + 301,
            expect: "expired",
            ..base_case("expired", "Verified after expires.")
        },
        Case {
            now: CREATED - 301,
            expect: "from_the_future",
            ..base_case("from_the_future", "created beyond the clock tolerance.")
        },
        Case {
            replay: true,
            expect: "replayed",
            ..base_case(
                "replayed_nonce",
                "The same signed request verified twice: the second is a replay.",
            )
        },
        Case {
            mutation: Mutation::TamperBodyAndDigest,
            expect: "signature_mismatch",
            ..base_case(
                "tampered_body",
                "The body and its Content-Digest were both replaced: the signature no longer matches.",
            )
        },
        Case {
            mutation: Mutation::TamperBodyKeepDigest,
            expect: "digest_mismatch",
            ..base_case(
                "stale_digest",
                "The body was changed but Content-Digest was left as signed.",
            )
        },
        Case {
            verify_keys: vec![OTHER],
            expect: "unknown_key",
            ..base_case("unknown_key_id", "The server does not know the keyid.")
        },
        Case {
            mutation: Mutation::StrayAlg,
            expect: "alg_not_allowed",
            ..base_case("stray_alg", "An alg parameter was added on the wire.")
        },
        Case {
            mutation: Mutation::DropComponent,
            expect: "missing_component",
            ..base_case(
                "missing_component",
                "content-digest was removed from the covered components.",
            )
        },
        Case {
            mutation: Mutation::HostNotNormalized,
            ..base_case(
                "host_header_not_normalized",
                "The server receives Host in upper case with :443: a verifier normalizes it (lowercase, default port dropped) and accepts.",
            )
        },
        Case {
            mutation: Mutation::TamperContentType,
            expect: "signature_mismatch",
            ..base_case(
                "tampered_content_type",
                "The Content-Type header was changed on the way.",
            )
        },
        Case {
            method: "GET",
            url: format!("{URL}/api/ng/profile/organizations?expand=skip_links"),
            path: "/Contrast/api/ng/profile/organizations".into(),
            query: Some("expand=skip_links"),
            body: vec![],
            mutation: Mutation::DropQuery,
            expect: "signature_mismatch",
            ..base_case("dropped_query", "The query string was dropped on the way.")
        },
        Case {
            mutation: Mutation::TamperPath,
            expect: "signature_mismatch",
            ..base_case("tampered_path", "The request was sent to another path.")
        },
        Case {
            mutation: Mutation::TamperMethod,
            expect: "signature_mismatch",
            ..base_case("tampered_method", "The method was changed.")
        },
        Case {
            mutation: Mutation::TamperSignature,
            expect: "signature_mismatch",
            ..base_case(
                "tampered_signature",
                "One byte of the signature was changed.",
            )
        },
    ]
}

fn nonce_for(name: &str) -> [u8; 16] {
    let d = ring::digest::digest(&ring::digest::SHA256, name.as_bytes());
    let mut n = [0u8; 16];
    n.copy_from_slice(&d.as_ref()[..16]);
    n
}

/// Produces the case's files as (file name, bytes).
fn render(case: &Case) -> Vec<(String, Vec<u8>)> {
    let current = snapshot(&case.current);
    let previous = case.previous.as_ref().map(snapshot);
    let nonce = nonce_for(case.name);
    let message = Message {
        method: case.method,
        url: &case.url,
        content_type: case.content_type,
        body: &case.body,
    };
    let signer = Signer::new(SignerOptions::default());
    let signed = signer
        .sign_with_nonce(&message, &current, previous.as_ref(), CREATED, nonce)
        .unwrap();
    let base = expected_base(case, &signed);

    let mut received_body = case.body.clone();
    let mut received = signed.clone();
    let (mut method, mut path) = (case.method.to_string(), case.path.clone());
    let mut authority = case.authority.to_string();
    let mut content_type = case.content_type.to_string();
    let mut query = case.query;
    match case.mutation {
        Mutation::None => {}
        Mutation::TamperBodyKeepDigest => received_body.extend_from_slice(b" "),
        Mutation::TamperBodyAndDigest => {
            received_body.extend_from_slice(b" ");
            received.content_digest = contrast_auth::signing::content_digest(&received_body);
        }
        Mutation::TamperPath => path.push('x'),
        Mutation::HostNotNormalized => authority = format!("{}:443", authority.to_uppercase()),
        Mutation::TamperContentType => content_type.push_str("; charset=utf-8"),
        Mutation::DropQuery => query = None,
        Mutation::TamperMethod => method = "PATCH".into(),
        Mutation::TamperSignature => {
            let mut bytes = received.signature.into_bytes();
            let i = bytes.len() - 3;
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            received.signature = String::from_utf8(bytes).unwrap();
        }
        Mutation::StrayAlg => {
            received.signature_input =
                received
                    .signature_input
                    .replacen(";created=", ";alg=\"hmac-sha256\";created=", 1)
        }
        Mutation::DropComponent => {
            received.signature_input =
                received
                    .signature_input
                    .replacen(" \"content-digest\")", ")", 1)
        }
    }
    let verify_keyids: Vec<String> = case
        .verify_keys
        .iter()
        .map(|k| keyid(&snapshot(k)))
        .collect();
    let json = json!({
        "description": case.description,
        "credentials": keys_json(&case.current),
        "previous_credentials": case.previous.as_ref().map(keys_json),
        "request": {
            "method": case.method,
            "url": case.url,
            "content_type": case.content_type,
            "body_file": "body.bin",
        },
        "created": CREATED,
        "nonce": URL_SAFE_NO_PAD.encode(nonce),
        "validity_seconds": 300,
        "expected": {
            "authorization": current.headers().authorization().expose_secret(),
            "api_key": current.headers().api_key().expose_secret(),
            "keyid": keyid(&current),
            "hmac_key": STANDARD.encode(current.signing_key().expose_secret()),
            "signature_base": base,
            "content_digest": signed.content_digest,
            "signature_input": signed.signature_input,
            "signature": signed.signature,
        },
        "verify": {
            "now": case.now,
            "keys": case.verify_keys.iter().map(keys_json).collect::<Vec<_>>(),
            "keyids": verify_keyids,
            "request": {
                "method": method,
                "authority": authority,
                "path": path,
                "query": query,
                "content_type": content_type,
                "content_digest": received.content_digest,
                "signature_input": received.signature_input,
                "signature": received.signature,
                "body_file": if received_body == case.body { "body.bin" } else { "received_body.bin" },
            },
            "replay": case.replay,
            "expect": case.expect,
        },
    });
    let mut files = vec![
        (
            "case.json".to_string(),
            (serde_json::to_string_pretty(&json).unwrap() + "\n").into_bytes(),
        ),
        ("body.bin".to_string(), case.body.clone()),
    ];
    if received_body != case.body {
        files.push(("received_body.bin".to_string(), received_body));
    }
    files
}

/// The signature base of the `contrast` label, rebuilt independently of the signer's
/// internals from the Signature-Input it produced.
fn expected_base(case: &Case, signed: &SignatureHeaders) -> String {
    let first = signed
        .signature_input
        .split(", contrast-prev=")
        .next()
        .unwrap();
    let params = first.strip_prefix("contrast=").unwrap();
    signature_base(
        &contrast_auth::signing::Components {
            method: case.method,
            authority: case.authority,
            path: &case.path,
            query: case.query,
            content_type: case.content_type,
            content_digest: &signed.content_digest,
        },
        params,
    )
    .unwrap()
}

#[test]
fn golden_vectors_match_the_crate() {
    let write = std::env::var_os("CONTRAST_AUTH_WRITE_VECTORS").is_some();
    let cases = cases();
    assert!(cases.len() >= 20);
    for case in &cases {
        let dir = vectors_dir().join(case.name);
        for (file, bytes) in render(case) {
            let path = dir.join(&file);
            if write {
                fs::create_dir_all(&dir).unwrap();
                fs::write(&path, &bytes).unwrap();
            } else {
                let committed =
                    fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                assert!(
                    committed == bytes,
                    "{} differs from what the crate produces",
                    path.display()
                );
            }
        }
    }
}

/// Verifies every committed case from the files alone (as the other bindings do).
#[test]
fn committed_cases_verify_as_expected() {
    let mut checked = 0;
    for entry in fs::read_dir(vectors_dir()).unwrap() {
        let dir = entry.unwrap().path();
        let case_file = dir.join("case.json");
        if !case_file.is_file() {
            continue;
        }
        let case: Value = serde_json::from_slice(&fs::read(&case_file).unwrap()).unwrap();
        let v = &case["verify"];
        let verifier = Verifier::new(VerifierOptions::default()).unwrap();
        let keys = v["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| {
                let keys = Keys {
                    user_name: leak(&k["user_name"]),
                    service_key: leak(&k["service_key"]),
                    api_key: leak(&k["api_key"]),
                    signing_key: k["signing_key"].as_str().map(str::to_string),
                };
                let snap = snapshot(&keys);
                (keyid(&snap), snap.signing_key().duplicate())
            })
            .collect();
        verifier.set_keys(keys);
        let r = &v["request"];
        let body = fs::read(dir.join(r["body_file"].as_str().unwrap())).unwrap();
        let request = ReceivedRequest {
            method: r["method"].as_str().unwrap(),
            authority: r["authority"].as_str().unwrap(),
            path: r["path"].as_str().unwrap(),
            query: r["query"].as_str(),
            content_type: r["content_type"].as_str(),
            content_digest: r["content_digest"].as_str(),
            signature_input: r["signature_input"].as_str(),
            signature: r["signature"].as_str(),
            body: &body,
        };
        let now = v["now"].as_u64().unwrap();
        let mut outcome = verifier
            .verify(&request, now)
            .map(|_| "ok")
            .unwrap_or_else(|e| e.name());
        if v["replay"].as_bool().unwrap() {
            assert_eq!(outcome, "ok", "{}: first delivery", dir.display());
            outcome = verifier
                .verify(&request, now)
                .map(|_| "ok")
                .unwrap_or_else(|e| e.name());
        }
        assert_eq!(outcome, v["expect"].as_str().unwrap(), "{}", dir.display());
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} vector cases found");
}

fn leak(v: &Value) -> &'static str {
    Box::leak(v.as_str().unwrap().to_string().into_boxed_str())
}
