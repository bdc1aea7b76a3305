//! The verifier (the server side): digest, signature base, constant-time HMAC check,
//! clock tolerance, expiry, replay cache, several active keys during rotation.

use std::collections::HashMap;
use std::sync::{Mutex, RwLock};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::{digest, hmac};

use crate::secret::constant_time_eq;
use crate::signing::base::{self, COMPONENTS, Components, TAG};
use crate::signing::digest::sha256_member;
use crate::signing::error::VerifyError;
use crate::signing::key::SigningKey;
use crate::signing::replay::ReplayCache;

/// Largest accepted clock tolerance.
pub const MAX_TOLERANCE: Duration = Duration::from_secs(900);
/// Largest accepted `expires - created`.
pub const MAX_VALIDITY: Duration = Duration::from_secs(900);

/// A received request, as the server sees it.
#[derive(Debug, Clone, Copy)]
pub struct ReceivedRequest<'a> {
    /// The method.
    pub method: &'a str,
    /// The `Host` (lowercase host, `:port` unless 443).
    pub authority: &'a str,
    /// The path as received (percent-encoded).
    pub path: &'a str,
    /// The query without `?`, if any.
    pub query: Option<&'a str>,
    /// `Content-Type`.
    pub content_type: Option<&'a str>,
    /// `Content-Digest`.
    pub content_digest: Option<&'a str>,
    /// `Signature-Input`.
    pub signature_input: Option<&'a str>,
    /// `Signature`.
    pub signature: Option<&'a str>,
    /// The body as received.
    pub body: &'a [u8],
}

/// Verifier settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifierOptions {
    /// How far in the future `created` may be (clock skew); default 300 s, at most 900 s.
    pub tolerance: Duration,
    /// How many nonces the replay cache holds: size it for twice the window's traffic.
    pub replay_capacity: usize,
}

impl Default for VerifierOptions {
    fn default() -> Self {
        VerifierOptions {
            tolerance: Duration::from_secs(300),
            replay_capacity: 100_000,
        }
    }
}

/// What a successful verification established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The label that verified (`contrast` or `contrast-prev`).
    pub label: String,
    /// The key id that verified.
    pub keyid: String,
    /// The signature's creation time.
    pub created: u64,
}

/// Verifies signed requests against a set of active keys. Thread-safe.
pub struct Verifier {
    options: VerifierOptions,
    keys: RwLock<HashMap<String, SigningKey>>,
    replay: Mutex<ReplayCache>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys: Vec<String> = self
            .keys
            .read()
            .map(|k| k.keys().cloned().collect())
            .unwrap_or_default();
        f.debug_struct("Verifier")
            .field("options", &self.options)
            .field("keyids", &keys)
            .finish()
    }
}

impl Verifier {
    /// A verifier with no keys yet (see [`Verifier::set_keys`]).
    pub fn new(options: VerifierOptions) -> Result<Self, VerifyError> {
        if options.tolerance > MAX_TOLERANCE {
            return Err(VerifyError::InvalidOptions(
                "the clock tolerance is at most 900 s",
            ));
        }
        if options.replay_capacity == 0 {
            return Err(VerifyError::InvalidOptions(
                "the replay cache needs room for at least one nonce",
            ));
        }
        Ok(Verifier {
            options,
            keys: RwLock::new(HashMap::new()),
            replay: Mutex::new(ReplayCache::new(options.replay_capacity)),
        })
    }

    /// Replaces the active keys (`keyid` → key). Several during a rotation.
    pub fn set_keys(&self, keys: Vec<(String, SigningKey)>) {
        let mut map = self.keys.write().unwrap_or_else(|p| p.into_inner());
        *map = keys.into_iter().collect();
    }

    /// Verifies `request` at time `now` (Unix seconds). On success the nonce is recorded.
    pub fn verify(&self, request: &ReceivedRequest<'_>, now: u64) -> Result<Verified, VerifyError> {
        let input = request
            .signature_input
            .ok_or(VerifyError::MissingHeader("Signature-Input"))?;
        let signature = request
            .signature
            .ok_or(VerifyError::MissingHeader("Signature"))?;
        let inputs = parse_inputs(input)?;
        let signatures = parse_signatures(signature)?;
        let mut first_error = None;
        for entry in &inputs {
            let Some(mac) = signatures.get(entry.label) else {
                continue;
            };
            match self.verify_one(request, entry, mac, now) {
                Ok(verified) => return Ok(verified),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error.unwrap_or(VerifyError::Malformed {
            part: "Signature",
            reason: "no signature matches a label of Signature-Input",
        }))
    }

    fn verify_one(
        &self,
        request: &ReceivedRequest<'_>,
        entry: &InputEntry<'_>,
        mac: &[u8],
        now: u64,
    ) -> Result<Verified, VerifyError> {
        if entry.param("alg").is_some() {
            return Err(VerifyError::AlgNotAllowed);
        }
        for required in COMPONENTS {
            if !entry.components.contains(&required) {
                return Err(VerifyError::MissingComponent(required));
            }
        }
        if entry.components.len() != COMPONENTS.len() {
            return Err(VerifyError::Malformed {
                part: "Signature-Input",
                reason: "covers components other than the fixed set",
            });
        }
        if entry.components != COMPONENTS {
            return Err(VerifyError::Malformed {
                part: "Signature-Input",
                reason: "components are not in the fixed order",
            });
        }
        let created = entry.integer("created")?;
        let expires = entry.integer("expires")?;
        let nonce = entry.string("nonce")?;
        let keyid = entry.string("keyid")?;
        if entry.string("tag")? != TAG {
            return Err(VerifyError::Malformed {
                part: "tag",
                reason: "not contrast-auth/v1",
            });
        }
        if URL_SAFE_NO_PAD.decode(nonce).map(|n| n.len()) != Ok(16) {
            return Err(VerifyError::Malformed {
                part: "nonce",
                reason: "not base64url of 16 bytes",
            });
        }
        if expires <= created || expires - created > MAX_VALIDITY.as_secs() {
            return Err(VerifyError::Malformed {
                part: "expires",
                reason: "must be after created and within 900 s of it",
            });
        }
        let key_bytes = {
            let keys = self.keys.read().unwrap_or_else(|p| p.into_inner());
            let key = keys.get(keyid).ok_or(VerifyError::UnknownKey)?;
            hmac::Key::new(hmac::HMAC_SHA256, key.expose_secret())
        };
        if created > now.saturating_add(self.options.tolerance.as_secs()) {
            return Err(VerifyError::FromTheFuture);
        }
        if now > expires {
            return Err(VerifyError::Expired);
        }
        let content_type = request
            .content_type
            .ok_or(VerifyError::MissingHeader("Content-Type"))?;
        let content_digest = request
            .content_digest
            .ok_or(VerifyError::MissingHeader("Content-Digest"))?;
        let components = Components {
            method: request.method,
            authority: request.authority,
            path: request.path,
            query: request.query,
            content_type,
            content_digest,
        };
        let base = base::signature_base(&components, entry.serialized_params).map_err(|_| {
            VerifyError::Malformed {
                part: "request",
                reason: "a covered component contains a control character",
            }
        })?;
        hmac::verify(&key_bytes, base.as_bytes(), mac)
            .map_err(|_| VerifyError::SignatureMismatch)?;
        let expected = sha256_member(content_digest).ok_or(VerifyError::Malformed {
            part: "Content-Digest",
            reason: "no well-formed sha-256 member",
        })?;
        let actual = digest::digest(&digest::SHA256, request.body);
        if !constant_time_eq(&expected, actual.as_ref()) {
            return Err(VerifyError::DigestMismatch);
        }
        let forget_after = expires.saturating_add(self.options.tolerance.as_secs());
        let fresh = self
            .replay
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(nonce, forget_after, now);
        if !fresh {
            return Err(VerifyError::Replayed);
        }
        Ok(Verified {
            label: entry.label.to_string(),
            keyid: keyid.to_string(),
            created,
        })
    }
}

/// One member of `Signature-Input`.
#[derive(Debug)]
struct InputEntry<'a> {
    label: &'a str,
    components: Vec<&'a str>,
    /// Everything after `label=`: the inner list and its parameters, as received.
    serialized_params: &'a str,
    params: Vec<(&'a str, &'a str)>,
}

impl<'a> InputEntry<'a> {
    fn param(&self, name: &str) -> Option<&'a str> {
        self.params
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| *v)
    }

    fn integer(&self, name: &'static str) -> Result<u64, VerifyError> {
        let raw = self.param(name).ok_or(VerifyError::Malformed {
            part: name,
            reason: "missing",
        })?;
        if raw.is_empty() || raw.len() > 15 || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(VerifyError::Malformed {
                part: name,
                reason: "not a non-negative integer",
            });
        }
        raw.parse().map_err(|_| VerifyError::Malformed {
            part: name,
            reason: "not a non-negative integer",
        })
    }

    fn string(&self, name: &'static str) -> Result<&'a str, VerifyError> {
        let raw = self.param(name).ok_or(VerifyError::Malformed {
            part: name,
            reason: "missing",
        })?;
        let inner = raw
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .ok_or(VerifyError::Malformed {
                part: name,
                reason: "not a quoted string",
            })?;
        if inner.contains('\\') {
            return Err(VerifyError::Malformed {
                part: name,
                reason: "escapes are not expected here",
            });
        }
        Ok(inner)
    }
}

/// Splits an RFC 8941 dictionary into members at commas outside strings and lists.
fn split_members(header: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut in_string, mut escaped, mut start) = (0i32, false, false, 0usize);
    for (i, c) in header.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(header[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(header[start..].trim());
    out
}

fn is_label(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z' | b'*'))
        && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'.' | b'*'))
}

fn parse_inputs(header: &str) -> Result<Vec<InputEntry<'_>>, VerifyError> {
    const PART: &str = "Signature-Input";
    let malformed = |reason| VerifyError::Malformed { part: PART, reason };
    let mut out = Vec::new();
    for member in split_members(header) {
        let (label, rest) = member
            .split_once('=')
            .ok_or(malformed("a member has no `=`"))?;
        if !is_label(label) {
            return Err(malformed("a label is not a valid key"));
        }
        let list = rest
            .strip_prefix('(')
            .ok_or(malformed("a value is not an inner list"))?;
        let close = list
            .find(')')
            .ok_or(malformed("an inner list is not closed"))?;
        let mut components = Vec::new();
        for item in list[..close].split(' ').filter(|s| !s.is_empty()) {
            let name = item
                .strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .ok_or(malformed("a component is not a plain quoted string"))?;
            components.push(name);
        }
        let mut params = Vec::new();
        let tail = &list[close + 1..];
        if !tail.is_empty() {
            let tail = tail
                .strip_prefix(';')
                .ok_or(malformed("parameters must start with `;`"))?;
            for param in tail.split(';') {
                let (k, v) = param.split_once('=').unwrap_or((param, "?1"));
                if !is_label(k) {
                    return Err(malformed("a parameter name is not a valid key"));
                }
                params.push((k, v));
            }
        }
        out.push(InputEntry {
            label,
            components,
            serialized_params: rest,
            params,
        });
    }
    Ok(out)
}

fn parse_signatures(header: &str) -> Result<HashMap<&str, Vec<u8>>, VerifyError> {
    let malformed = |reason| VerifyError::Malformed {
        part: "Signature",
        reason,
    };
    let mut out = HashMap::new();
    for member in split_members(header) {
        let (label, value) = member
            .split_once('=')
            .ok_or(malformed("a member has no `=`"))?;
        let b64 = value
            .strip_prefix(':')
            .and_then(|v| v.strip_suffix(':'))
            .ok_or(malformed("a value is not a byte sequence (:...:)"))?;
        let bytes = STANDARD
            .decode(b64)
            .map_err(|_| malformed("a value is not standard base64"))?;
        out.insert(label, bytes);
    }
    Ok(out)
}
