//! Differential: sign an arbitrary request with the real signer, check that the verifier
//! accepts it as sent, change one field, and check that the verifier accepts the change
//! exactly when the reference (fuzz/src/lib.rs) calls it an RFC equivalence (OWS around a
//! header value, Host case, an explicit `:443`). For the two signature headers, whose
//! dictionaries have many equivalent forms, only "accepted implies equivalent" is checked.
#![no_main]

use contrast_auth::signing::{Message, ReceivedRequest, Signer};
use contrast_auth_fuzz::{
    CREATED, Request, SNAPSHOT, dictionary_member, ows, reference_base, verifier,
};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug, Clone, Copy, PartialEq)]
enum Field {
    Method,
    Host,
    Path,
    Query,
    ContentType,
    ContentDigest,
    SignatureInput,
    Signature,
    Body,
}

#[derive(Arbitrary, Debug)]
enum Mutation {
    /// SP (true) and HTAB (false) before and after the value.
    Pad {
        field: Field,
        left: Vec<bool>,
        right: Vec<bool>,
    },
    /// ASCII upper case.
    Upper { field: Field },
    /// `:443` after the Host.
    DefaultPort,
    /// One byte replaced.
    Replace { field: Field, at: usize, byte: u8 },
    /// Bytes inserted.
    Insert {
        field: Field,
        at: usize,
        bytes: Vec<u8>,
    },
    /// Cut to its first `keep` bytes.
    Truncate { field: Field, keep: usize },
}

#[derive(Arbitrary, Debug)]
struct Input {
    method: u8,
    host: String,
    path: String,
    query: Option<String>,
    content_type: String,
    body: Vec<u8>,
    mutation: Mutation,
}

#[derive(Clone, Debug)]
struct Fields {
    method: Vec<u8>,
    host: Vec<u8>,
    path: Vec<u8>,
    query: Option<Vec<u8>>,
    content_type: Vec<u8>,
    content_digest: Vec<u8>,
    signature_input: Vec<u8>,
    signature: Vec<u8>,
    body: Vec<u8>,
}

impl Fields {
    fn get(&mut self, f: Field) -> Option<&mut Vec<u8>> {
        Some(match f {
            Field::Method => &mut self.method,
            Field::Host => &mut self.host,
            Field::Path => &mut self.path,
            Field::Query => self.query.as_mut()?,
            Field::ContentType => &mut self.content_type,
            Field::ContentDigest => &mut self.content_digest,
            Field::SignatureInput => &mut self.signature_input,
            Field::Signature => &mut self.signature,
            Field::Body => &mut self.body,
        })
    }
}

fn text(b: &[u8]) -> Option<&str> {
    std::str::from_utf8(b).ok()
}

/// Verifies `f` (all text fields UTF-8, else `None`).
fn verify(f: &Fields) -> Option<Result<String, contrast_auth::signing::VerifyError>> {
    let received = ReceivedRequest {
        method: text(&f.method)?,
        authority: text(&f.host)?,
        path: text(&f.path)?,
        query: match &f.query {
            Some(q) => Some(text(q)?),
            None => None,
        },
        content_type: Some(text(&f.content_type)?),
        content_digest: Some(text(&f.content_digest)?),
        signature_input: Some(text(&f.signature_input)?),
        signature: Some(text(&f.signature)?),
        body: &f.body,
    };
    Some(verifier().verify(&received, CREATED).map(|v| v.label.into_owned()))
}

fn request(f: &Fields) -> Option<Request<'_>> {
    Some(Request {
        method: text(&f.method)?,
        host: text(&f.host)?,
        path: text(&f.path)?,
        query: match &f.query {
            Some(q) => Some(text(q)?),
            None => None,
        },
        content_type: text(&f.content_type)?,
        content_digest: text(&f.content_digest)?,
        signature_input: text(&f.signature_input)?,
    })
}

/// Whether `mutated` is the same signed request as `original` for signature `label`.
fn equivalent(original: &Fields, mutated: &Fields, label: &str) -> bool {
    let (Some(a), Some(b)) = (request(original), request(mutated)) else {
        return false;
    };
    fn signature<'f>(f: &'f Fields, label: &str) -> Option<&'f str> {
        text(&f.signature)
            .and_then(|s| dictionary_member(s, label))
            .map(ows)
    }
    reference_base(&a, label).is_some()
        && reference_base(&a, label) == reference_base(&b, label)
        && signature(original, label) == signature(mutated, label)
        && original.body == mutated.body
}

fuzz_target!(|input: Input| {
    const METHODS: [&str; 4] = ["POST", "PUT", "GET", "PATCH"];
    let method = METHODS[usize::from(input.method) % METHODS.len()];
    let mut url = format!("https://{}{}", input.host, input.path);
    if let Some(q) = &input.query {
        url.push('?');
        url.push_str(q);
    }
    let message = Message {
        method,
        url: &url,
        content_type: &input.content_type,
        body: &input.body,
    };
    let Ok(signed) = Signer::default().sign(&message, &SNAPSHOT, None, CREATED) else {
        return;
    };
    // What the server receives: the request target as the URL standard reads the URL.
    let parsed = url::Url::parse(&url).expect("signed URLs parse");
    let host = match parsed.port() {
        Some(p) => format!("{}:{p}", parsed.host_str().expect("a host")),
        None => parsed.host_str().expect("a host").to_string(),
    };
    let original = Fields {
        method: method.into(),
        host: host.into(),
        path: parsed.path().into(),
        query: parsed.query().map(Into::into),
        content_type: input.content_type.clone().into(),
        content_digest: signed.content_digest.clone().into(),
        signature_input: signed.signature_input.clone().into(),
        signature: signed.signature.clone().into(),
        body: input.body.clone(),
    };
    assert_eq!(
        verify(&original).expect("UTF-8"),
        Ok("contrast".to_string()),
        "the signed request itself must verify: {url:?}"
    );
    let mut mutated = original.clone();
    let field = match &input.mutation {
        Mutation::Pad { field, left, right } => {
            let Some(v) = mutated.get(*field) else { return };
            let ws = |b: &bool| if *b { b' ' } else { b'\t' };
            let mut padded: Vec<u8> = left.iter().map(ws).collect();
            padded.extend_from_slice(v);
            padded.extend(right.iter().map(ws));
            *v = padded;
            *field
        }
        Mutation::Upper { field } => {
            let Some(v) = mutated.get(*field) else { return };
            v.make_ascii_uppercase();
            *field
        }
        Mutation::DefaultPort => {
            mutated.host.extend_from_slice(b":443");
            Field::Host
        }
        Mutation::Replace { field, at, byte } => {
            let Some(v) = mutated.get(*field) else { return };
            if v.is_empty() {
                return;
            }
            let at = at % v.len();
            v[at] = *byte;
            *field
        }
        Mutation::Insert { field, at, bytes } => {
            let Some(v) = mutated.get(*field) else { return };
            let at = at % (v.len() + 1);
            v.splice(at..at, bytes.iter().copied());
            *field
        }
        Mutation::Truncate { field, keep } => {
            let Some(v) = mutated.get(*field) else { return };
            v.truncate(*keep);
            *field
        }
    };
    let Some(result) = verify(&mutated) else {
        return;
    };
    let same = equivalent(&original, &mutated, "contrast");
    match result {
        Ok(label) => assert!(
            equivalent(&original, &mutated, &label),
            "accepted a changed request: {field:?} {:?}",
            input.mutation
        ),
        Err(e) => {
            let dictionary = matches!(field, Field::SignatureInput | Field::Signature);
            assert!(
                !same || dictionary,
                "refused an equivalent request ({e}): {field:?} {:?}",
                input.mutation
            );
        }
    }
});
