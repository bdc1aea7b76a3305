//! Shared fixtures of the fuzz targets and an independent reference model of the RFC 9421
//! signature base of contrast-auth's fixed components (written from the RFCs, not from
//! `src/signing`): a target that sees the verifier accept a request checks that the
//! reference base of what was received equals the reference base of what was signed.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use contrast_auth::signing::{Verifier, VerifierOptions, keyid};
use contrast_auth::{CredentialStore, Credentials, HeaderOptions, Snapshot};

/// `created` of every signature the targets make.
pub const CREATED: u64 = 1_767_225_600;

/// One credential snapshot shared by every run (HKDF once per process).
pub static SNAPSHOT: LazyLock<Arc<Snapshot>> = LazyLock::new(|| {
    let creds = Credentials::new(
        "https://h.example/Contrast",
        "agent@Org",
        "SVC-fuzz-4Q7Z2M9X",
        "API-fuzz-d8f2a61c",
    )
    .expect("valid credentials");
    CredentialStore::new(creds, HeaderOptions::default()).snapshot()
});

/// A verifier knowing [`SNAPSHOT`]'s key, with an empty replay cache.
pub fn verifier() -> Verifier {
    let v = Verifier::new(VerifierOptions {
        tolerance: Duration::from_secs(300),
        replay_capacity: 8,
    })
    .expect("valid options");
    v.set_keys(vec![(keyid(&SNAPSHOT), SNAPSHOT.signing_key().duplicate())]);
    v
}

/// RFC 9110 §5.5: optional whitespace around a field value is SP and HTAB, nothing else.
pub fn ows(value: &str) -> &str {
    value.trim_matches([' ', '\t'])
}

/// A value fit for a line of the base: no control character (RFC 9421 §2.1, RFC 9110 §5.5).
fn line_value(value: &str) -> Option<&str> {
    (!value.chars().any(char::is_control)).then_some(value)
}

/// A header value without OWS, refused when a control character other than OWS's HTAB is in it.
fn header_value(value: &str) -> Option<&str> {
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return None;
    }
    line_value(ows(value))
}

/// RFC 9421 §2.2.3 for https: the Host as the signer derives it (lowercase, the default
/// port 443 omitted), or `None` when it has more than one port.
pub fn reference_authority(host: &str) -> Option<String> {
    let host = header_value(host)?.to_ascii_lowercase();
    let host_end = if host.starts_with('[') {
        host.find(']').map_or(host.len(), |i| i + 1)
    } else {
        host.find(':').unwrap_or(host.len())
    };
    let port = &host[host_end..];
    if port.matches(':').count() > 1 {
        return None;
    }
    Some(if port == ":443" {
        host[..host_end].to_string()
    } else {
        host
    })
}

/// The value of member `label` in an RFC 8941 dictionary, as received (OWS trimmed), found
/// by splitting at commas outside strings and inner lists.
pub fn dictionary_member<'h>(header: &'h str, label: &str) -> Option<&'h str> {
    let bytes = header.as_bytes();
    let (mut start, mut in_string, mut depth, mut i) = (0, false, 0i32, 0);
    let mut members = Vec::new();
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'(' if !in_string => depth += 1,
            b')' if !in_string => depth -= 1,
            b',' if !in_string && depth == 0 => {
                members.push(&header[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    members.push(&header[start..]);
    members
        .into_iter()
        .find_map(|m| ows(m).strip_prefix(label)?.strip_prefix('='))
}

/// The received request as the reference sees it.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// `@method`.
    pub method: &'a str,
    /// The `Host` header.
    pub host: &'a str,
    /// `@path`.
    pub path: &'a str,
    /// `@query` without `?`.
    pub query: Option<&'a str>,
    /// `Content-Type`.
    pub content_type: &'a str,
    /// `Content-Digest`.
    pub content_digest: &'a str,
    /// `Signature-Input`.
    pub signature_input: &'a str,
}

/// The reference signature base (RFC 9421 §2.5) of `r` for the signature `label`, or `None`
/// where the reference finds the request unusable.
pub fn reference_base(r: &Request<'_>, label: &str) -> Option<String> {
    let params = line_value(dictionary_member(r.signature_input, label)?)?;
    let lines = [
        ("@method", line_value(r.method)?.to_string()),
        ("@authority", reference_authority(r.host)?),
        (
            "@path",
            line_value(if r.path.is_empty() { "/" } else { r.path })?.to_string(),
        ),
        ("@query", format!("?{}", line_value(r.query.unwrap_or(""))?)),
        ("content-type", header_value(r.content_type)?.to_string()),
        (
            "content-digest",
            header_value(r.content_digest)?.to_string(),
        ),
    ];
    let mut base = String::new();
    for (name, value) in lines {
        base.push_str(&format!("\"{name}\": {value}\n"));
    }
    base.push_str(&format!("\"@signature-params\": {params}"));
    Some(base)
}
