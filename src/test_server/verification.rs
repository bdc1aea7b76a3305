//! The test server's checks: both credential layers, then the report signature.

use std::collections::{HashMap, HashSet};
use std::fmt;

use super::request::Request;
use crate::credentials::Credentials;
use crate::error::ConfigError;
use crate::headers::HeaderOptions;
use crate::secret::{Secret, constant_time_eq};
use crate::signing::digest::sha256;
use crate::signing::{ReceivedRequest, SigningKey, Verifier, VerifyError};
use crate::store::Snapshot;

/// One set of credentials the server accepts.
pub struct AcceptedCredentials {
    user_name: Secret,
    service_key: Secret,
    api_key: Secret,
}

impl fmt::Debug for AcceptedCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AcceptedCredentials")
            .field("user_name", &self.user_name.fingerprint())
            .field("service_key", &self.service_key.fingerprint())
            .field("api_key", &self.api_key.fingerprint())
            .finish()
    }
}

impl AcceptedCredentials {
    /// The user name, service key (layer 1) and API key (layer 2) to accept.
    pub fn new(user_name: Secret, service_key: Secret, api_key: Secret) -> Self {
        AcceptedCredentials {
            user_name,
            service_key,
            api_key,
        }
    }

    /// Accepts exactly the credentials a client holds.
    pub fn from_credentials(credentials: &Credentials) -> Self {
        AcceptedCredentials {
            user_name: credentials.user_name().duplicate(),
            service_key: credentials.service_key().duplicate(),
            api_key: credentials.api_key().duplicate(),
        }
    }
}

/// Why a request was refused (no secret values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Rejection {
    ServiceKey,
    ApiKey,
    Signature(String),
}

impl Rejection {
    pub(super) fn layer(&self) -> &'static str {
        match self {
            Rejection::ServiceKey => "service_key",
            Rejection::ApiKey => "api_key",
            Rejection::Signature(_) => "signature",
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::ServiceKey => {
                f.write_str("service_key: Authorization (user name and service key) not accepted")
            }
            Rejection::ApiKey => f.write_str("api_key: API-Key not accepted"),
            Rejection::Signature(reason) => write!(f, "signature: {reason}"),
        }
    }
}

pub(super) enum Check {
    Accepted,
    Rejected(Rejection),
    /// The signature checked out but it was a replay (a [`Check::Rejected`] kind, counted apart).
    Replayed,
    /// The replay store could not answer: 503 with `Retry-After`, never an acceptance.
    Unavailable(VerifyError),
}

/// The hash-map key of an `Authorization` value: its SHA-256 (the map holds no secret text,
/// and the values found are still compared in constant time).
fn lookup_key(authorization: &str) -> [u8; 32] {
    sha256(authorization.as_bytes())
}

/// The accepted credentials with their header values and signing keys computed, found by
/// their `Authorization` value in O(1). Immutable: a new ring replaces it whole.
pub(super) struct KeyRing {
    by_authorization: HashMap<[u8; 32], Vec<Snapshot>>,
}

impl KeyRing {
    pub(super) fn new(url: &str, accepted: &[AcceptedCredentials]) -> Result<Self, ConfigError> {
        let mut by_authorization: HashMap<[u8; 32], Vec<Snapshot>> =
            HashMap::with_capacity(accepted.len());
        for a in accepted {
            let credentials = Credentials::new(
                url,
                a.user_name.expose_secret(),
                a.service_key.expose_secret(),
                a.api_key.expose_secret(),
            )?;
            let snapshot = Snapshot::new(credentials, HeaderOptions::default(), 0);
            let key = lookup_key(snapshot.headers().authorization().expose_secret());
            let same = by_authorization.entry(key).or_default();
            if !same.iter().any(|s| s.keyid() == snapshot.keyid()) {
                same.push(snapshot);
            }
        }
        Ok(KeyRing { by_authorization })
    }

    /// The verifier's keys: one per accepted set, selected by their keyid.
    pub(super) fn verifier_keys(&self) -> Vec<SigningKey> {
        self.by_authorization
            .values()
            .flatten()
            .map(|s| s.signing_key().duplicate())
            .collect()
    }

    /// The keyids of every accepted set.
    pub(super) fn keyids(&self) -> HashSet<String> {
        self.by_authorization
            .values()
            .flatten()
            .map(|s| s.keyid().to_string())
            .collect()
    }

    /// Makes `verifier`'s keys those of `self`, given those of `old`: the new keys are added
    /// one by one, then the gone ones removed (each O(1); verification goes on meanwhile).
    pub(super) fn update_verifier(&self, old: &KeyRing, verifier: &Verifier) {
        let before = old.keyids();
        let now = self.keyids();
        for snapshot in self.by_authorization.values().flatten() {
            if !before.contains(snapshot.keyid()) {
                verifier.insert_key(snapshot.signing_key().duplicate());
            }
        }
        for gone in before.difference(&now) {
            verifier.remove_key(gone);
        }
    }

    pub(super) fn check(
        &self,
        request: &Request,
        verifier: &Verifier,
        now: u64,
        require_signature: bool,
        skip_signature_verification: bool,
    ) -> Check {
        let authorization = request.header("authorization").unwrap_or_default();
        let layer_one: Vec<&Snapshot> = self
            .by_authorization
            .get(&lookup_key(authorization))
            .into_iter()
            .flatten()
            .filter(|s| {
                constant_time_eq(
                    s.headers().authorization().expose_secret().as_bytes(),
                    authorization.as_bytes(),
                )
            })
            .collect();
        if layer_one.is_empty() {
            return Check::Rejected(Rejection::ServiceKey);
        }
        let api_key = request.header("api-key").unwrap_or_default();
        // The agent is found from its headers; the signature must name one of its keys.
        let both: Vec<&str> = layer_one
            .iter()
            .filter(|s| {
                constant_time_eq(
                    s.headers().api_key().expose_secret().as_bytes(),
                    api_key.as_bytes(),
                )
            })
            .map(|s| s.keyid())
            .collect();
        if both.is_empty() {
            return Check::Rejected(Rejection::ApiKey);
        }
        let signed = request.header("signature-input").is_some();
        if skip_signature_verification {
            return Check::Accepted;
        }
        if !signed {
            return if require_signature {
                Check::Rejected(Rejection::Signature("missing".into()))
            } else {
                Check::Accepted
            };
        }
        let (path, query) = match request.target.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (request.target.as_str(), None),
        };
        let received = ReceivedRequest {
            method: &request.method,
            authority: request.host.as_deref().unwrap_or_default(),
            path,
            query,
            content_type: request.header("content-type"),
            content_digest: request.header("content-digest"),
            signature_input: request.header("signature-input"),
            signature: request.header("signature"),
            body: &request.body,
        };
        match verifier.verify(&received, now) {
            // The signing key must belong to the credentials in the headers.
            Ok(verified) if both.contains(&verified.keyid.as_str()) => Check::Accepted,
            Ok(_) => Check::Rejected(Rejection::Signature(
                "signed with a key other than the one of the credentials sent".into(),
            )),
            Err(VerifyError::Replayed) => Check::Replayed,
            Err(e) if e.is_temporary() => Check::Unavailable(e),
            Err(e) => Check::Rejected(Rejection::Signature(e.to_string())),
        }
    }
}

/// The labels of a `Signature-Input` header (`contrast=(...);..., contrast-prev=(...)`).
pub(super) fn labels(signature_input: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quoted = false;
    let mut start = 0usize;
    let bytes = signature_input.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth -= 1,
            b',' if !quoted && depth == 0 => {
                push_label(&signature_input[start..i], &mut out);
                start = i + 1;
            }
            _ => {}
        }
    }
    push_label(&signature_input[start..], &mut out);
    out
}

/// The first `nonce="..."` parameter of a `Signature-Input` header.
pub(super) fn nonce(signature_input: &str) -> Option<String> {
    let start = signature_input.find(";nonce=\"")? + ";nonce=\"".len();
    let rest = &signature_input[start..];
    Some(rest[..rest.find('"')?].to_string())
}

fn push_label(member: &str, out: &mut Vec<String>) {
    if let Some((label, _)) = member.split_once('=') {
        let label = label.trim();
        if !label.is_empty() {
            out.push(label.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_labels() {
        let input = r#"contrast=("@method" "content-digest");created=1;keyid="0123456789abcdef", contrast-prev=("@method");nonce="x,y""#;
        assert_eq!(labels(input), vec!["contrast", "contrast-prev"]);
        assert!(labels("").is_empty());
        assert_eq!(nonce(input).as_deref(), Some("x,y"));
        assert_eq!(nonce("contrast=()"), None);
    }
}
