//! The verifier on arbitrary header values and bodies: never panics, and accepts only what
//! the reference signature base (fuzz/src/lib.rs) says is the signed request. Each field
//! is either kept from a real signature (so acceptance is reachable) or replaced by input.
#![no_main]

use std::sync::LazyLock;

use contrast_auth::signing::{Message, ReceivedRequest, SignatureHeaders, Signer};
use contrast_auth_fuzz::{CREATED, Request, SNAPSHOT, reference_base, verifier};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

const BODY: &[u8] = br#"{"findings":[]}"#;
const PATH: &str = "/Contrast/api/ng/report";

static SIGNED: LazyLock<SignatureHeaders> = LazyLock::new(|| {
    Signer::default()
        .sign(
            &Message {
                method: "POST",
                url: "https://h.example/Contrast/api/ng/report?app=1",
                content_type: "application/json",
                body: BODY,
            },
            &SNAPSHOT,
            None,
            CREATED,
        )
        .expect("signed")
});

/// `None` keeps the signed value.
#[derive(Arbitrary, Debug)]
struct Input {
    method: Option<String>,
    authority: Option<String>,
    path: Option<String>,
    query: Option<Option<String>>,
    content_type: Option<Option<String>>,
    content_digest: Option<Option<String>>,
    signature_input: Option<Option<String>>,
    signature: Option<Option<String>>,
    body: Option<Vec<u8>>,
    now_offset: u16,
}

fuzz_target!(|input: Input| {
    let s = &*SIGNED;
    let pick = |v: &Option<Option<String>>, d: &'static str| -> Option<String> {
        match v {
            None => Some(d.to_string()),
            Some(v) => v.clone(),
        }
    };
    let method = input.method.clone().unwrap_or_else(|| "POST".into());
    let authority = input
        .authority
        .clone()
        .unwrap_or_else(|| "h.example".into());
    let path = input.path.clone().unwrap_or_else(|| PATH.into());
    let query = pick(&input.query, "app=1");
    let content_type = pick(&input.content_type, "application/json");
    let digest = match &input.content_digest {
        None => Some(s.content_digest.clone()),
        Some(v) => v.clone(),
    };
    let signature_input = match &input.signature_input {
        None => Some(s.signature_input.clone()),
        Some(v) => v.clone(),
    };
    let signature = match &input.signature {
        None => Some(s.signature.clone()),
        Some(v) => v.clone(),
    };
    let body = input.body.clone().unwrap_or_else(|| BODY.to_vec());
    let received = ReceivedRequest {
        method: &method,
        authority: &authority,
        path: &path,
        query: query.as_deref(),
        content_type: content_type.as_deref(),
        content_digest: digest.as_deref(),
        signature_input: signature_input.as_deref(),
        signature: signature.as_deref(),
        body: &body,
    };
    let now = CREATED + u64::from(input.now_offset % 400);
    let Ok(verified) = verifier().verify(&received, now) else {
        return;
    };
    let signed = Request {
        method: "POST",
        host: "h.example",
        path: PATH,
        query: Some("app=1"),
        content_type: "application/json",
        content_digest: &s.content_digest,
        signature_input: &s.signature_input,
    };
    let got = Request {
        method: &method,
        host: &authority,
        path: &path,
        query: query.as_deref(),
        content_type: content_type.as_deref().expect("accepted"),
        content_digest: digest.as_deref().expect("accepted"),
        signature_input: signature_input.as_deref().expect("accepted"),
    };
    let expected = reference_base(&signed, &verified.label);
    assert!(expected.is_some());
    assert_eq!(reference_base(&got, &verified.label), expected, "{input:?}");
    assert_eq!(body, BODY, "accepted a different body");
    assert!(now <= CREATED + 300, "accepted an expired signature");
});
