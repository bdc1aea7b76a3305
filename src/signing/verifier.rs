//! The verifier (the server side): digest, signature base, constant-time HMAC check,
//! clock tolerance, expiry, replay cache, several active keys during rotation.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::Mac;

use crate::secret::constant_time_eq;
use crate::signing::base::{self, COMPONENTS, LABEL, PREVIOUS_LABEL, TAG};
use crate::signing::digest::{sha256, sha256_member_bytes};
use crate::signing::error::VerifyError;
use crate::signing::key::SigningKey;
use crate::signing::key_set::{KeySet, Target, TargetError};
use crate::signing::memory_store::MemoryReplayStore;
use crate::signing::replay::{Nonce, Recorded, ReplayStore};
use crate::signing::signature_fields::{InputEntry, parse_inputs, parse_signatures};

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
    /// Nonces are also kept this much longer than their signature's validity.
    pub tolerance: Duration,
    /// How many nonces the in-memory replay store of [`Verifier::new`] holds: size it for the
    /// traffic of the longest window (validity + tolerance); when it is full of live nonces,
    /// verification fails closed with [`VerifyError::ReplayStore`].
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
    /// The label that verified (`contrast` or `contrast-prev`, borrowed; any other label a
    /// signer chose, owned).
    pub label: Cow<'static, str>,
    /// The key id that verified.
    pub keyid: String,
    /// The signature's creation time.
    pub created: u64,
}

/// Verifies signed requests against a set of active keys, recording accepted nonces in a
/// [`ReplayStore`]. Thread-safe; key updates never stall verification (see [`KeySet`]).
pub struct Verifier {
    options: VerifierOptions,
    keys: KeySet,
    replay: Arc<dyn ReplayStore>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = f.debug_struct("Verifier");
        out.field("options", &self.options);
        // Keyids name keys, they are no secret; a large set is shown by its size.
        let len = self.keys.len();
        if len <= 16 {
            out.field("keyids", &self.keys.keyids());
        } else {
            out.field("keys", &len);
        }
        out.field("replay", &self.replay).finish()
    }
}

/// A label whose signature checked out, before its nonce is recorded.
struct Checked {
    verified: Verified,
    nonce: Nonce,
    expires: u64,
}

impl Verifier {
    /// A verifier with no keys yet (see [`Verifier::set_keys`]) and an in-memory replay store
    /// of `options.replay_capacity` nonces.
    pub fn new(options: VerifierOptions) -> Result<Self, VerifyError> {
        if options.replay_capacity == 0 {
            return Err(VerifyError::InvalidOptions(
                "the replay cache needs room for at least one nonce",
            ));
        }
        let store = Arc::new(MemoryReplayStore::new(options.replay_capacity));
        Self::with_replay_store(options, store)
    }

    /// A verifier with no keys yet that records nonces in `store` (e.g. a Redis store shared
    /// by every node of a fleet). `options.replay_capacity` is not used.
    pub fn with_replay_store(
        options: VerifierOptions,
        store: Arc<dyn ReplayStore>,
    ) -> Result<Self, VerifyError> {
        if options.tolerance > MAX_TOLERANCE {
            return Err(VerifyError::InvalidOptions(
                "the clock tolerance is at most 900 s",
            ));
        }
        Ok(Verifier {
            options,
            keys: KeySet::new(),
            replay: store,
        })
    }

    /// The options.
    pub fn options(&self) -> VerifierOptions {
        self.options
    }

    /// The replay store.
    pub fn replay_store(&self) -> &Arc<dyn ReplayStore> {
        &self.replay
    }

    /// The active keys (add, replace or remove one in O(1) there).
    pub fn keys(&self) -> &KeySet {
        &self.keys
    }

    /// Replaces the active keys (`keyid` → key). Several during a rotation. The new set is
    /// built outside any lock (see [`KeySet::replace_all`]).
    pub fn set_keys(&self, keys: Vec<(String, SigningKey)>) {
        self.keys.replace_all(keys);
    }

    /// Replaces the active keys, each selected by its own [`SigningKey::keyid`] (the
    /// signature's `keyid` names the key; the agent is found from `Authorization`).
    pub fn set_signing_keys(&self, keys: impl IntoIterator<Item = SigningKey>) {
        self.keys
            .replace_all(keys.into_iter().map(|key| (key.keyid().to_string(), key)));
    }

    /// Adds or replaces one key, selected by its own keyid. O(1); verification goes on.
    pub fn insert_key(&self, key: SigningKey) {
        self.keys.insert(key.keyid().to_string(), key);
    }

    /// Removes the key named `keyid`; returns whether it was active. O(1).
    pub fn remove_key(&self, keyid: &str) -> bool {
        self.keys.remove(keyid).is_some()
    }

    /// Verifies `request` at time `now` (Unix seconds). When a signature checks out, its nonce
    /// is recorded in the replay store (one write per request, none for a request that
    /// fails verification); a nonce already recorded gives [`VerifyError::Replayed`] whichever
    /// label carries it, a store that cannot answer [`VerifyError::ReplayStore`].
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
        for entry in inputs.iter() {
            let Some((_, mac)) = signatures.iter().find(|(l, _)| *l == entry.label) else {
                continue;
            };
            match self.check_one(request, entry, mac, now) {
                // The first label that checks out decides: its nonce is recorded, once.
                Ok(checked) => return self.record(checked, now),
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

    /// Records the nonce of a signature that checked out until its validity plus the clock
    /// tolerance has passed (a request is accepted through the second `expires`).
    fn record(&self, checked: Checked, now: u64) -> Result<Verified, VerifyError> {
        let until = checked
            .expires
            .saturating_add(1)
            .saturating_add(self.options.tolerance.as_secs());
        match self.replay.record(
            &checked.nonce,
            until.saturating_mul(1000),
            now.saturating_mul(1000),
        ) {
            Ok(Recorded::Fresh) => Ok(checked.verified),
            Ok(Recorded::Replayed) => Err(VerifyError::Replayed),
            Err(e) => Err(VerifyError::ReplayStore(e)),
        }
    }

    fn check_one(
        &self,
        request: &ReceivedRequest<'_>,
        entry: &InputEntry<'_>,
        mac: &[u8],
        now: u64,
    ) -> Result<Checked, VerifyError> {
        if entry.alg {
            return Err(VerifyError::AlgNotAllowed);
        }
        if let Some(required) = entry.components.first_missing() {
            return Err(VerifyError::MissingComponent(required));
        }
        if entry.components.len() != COMPONENTS.len() {
            return Err(VerifyError::Malformed {
                part: "Signature-Input",
                reason: "covers components other than the fixed set",
            });
        }
        if !entry.components.is_fixed_set() {
            return Err(VerifyError::Malformed {
                part: "Signature-Input",
                reason: "components are not in the fixed order",
            });
        }
        let created = integer("created", entry.created)?;
        let expires = integer("expires", entry.expires)?;
        let nonce = string("nonce", entry.nonce)?;
        let keyid = string("keyid", entry.keyid)?;
        if *string("tag", entry.tag)? != *TAG {
            return Err(VerifyError::Malformed {
                part: "tag",
                reason: "not contrast-auth/v1",
            });
        }
        let nonce = decode_nonce(&nonce)?;
        if expires <= created || expires - created > MAX_VALIDITY.as_secs() {
            return Err(VerifyError::Malformed {
                part: "expires",
                reason: "must be after created and within 900 s of it",
            });
        }
        let key = self.keys.get(&keyid).ok_or(VerifyError::UnknownKey)?;
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
        let control_character = VerifyError::Malformed {
            part: "request",
            reason: "a covered component contains a control character",
        };
        // The HMAC state after the key and the five target lines (prepared per key and
        // target), then the `content-digest` and `@signature-params` lines: the signature
        // base of RFC 9421 §2.5 (`base::signature_base`), hashed without being built.
        let target = Target {
            method: request.method,
            authority: request.authority,
            path: request.path,
            query: request.query,
            content_type,
        };
        let mut keyed_mac = key
            .target_mac(&target, normalize_authority)
            .map_err(|e| match e {
                TargetError::Authority(e) => e,
                TargetError::Component => control_character.clone(),
            })?;
        let content_digest_value = base::trim_ows("content-digest", content_digest)
            .and_then(|v| base::check_value("content-digest", v).map(|_| v))
            .map_err(|_| control_character)?;
        for part in base::final_lines(content_digest_value, entry.serialized_params) {
            keyed_mac.update(part.as_bytes());
        }
        keyed_mac
            .verify_slice(mac)
            .map_err(|_| VerifyError::SignatureMismatch)?;
        let expected = sha256_member_bytes(content_digest).ok_or(VerifyError::Malformed {
            part: "Content-Digest",
            reason: "no well-formed sha-256 member",
        })?;
        let actual = sha256(request.body);
        if !constant_time_eq(&expected, actual.as_ref()) {
            return Err(VerifyError::DigestMismatch);
        }
        Ok(Checked {
            verified: Verified {
                label: match entry.label {
                    LABEL => Cow::Borrowed(LABEL),
                    PREVIOUS_LABEL => Cow::Borrowed(PREVIOUS_LABEL),
                    other => Cow::Owned(other.to_string()),
                },
                keyid: keyid.into_owned(),
                created,
            },
            nonce,
            expires,
        })
    }
}

/// The nonce's 16 bytes (base64url without padding, as the signer writes it).
fn decode_nonce(nonce: &str) -> Result<Nonce, VerifyError> {
    let malformed = VerifyError::Malformed {
        part: "nonce",
        reason: "not base64url (no padding) of 16 bytes",
    };
    let mut bytes = [0u8; 16];
    match URL_SAFE_NO_PAD.decode_slice(nonce, &mut bytes) {
        Ok(16) if nonce.len() == 22 => Ok(bytes),
        _ => Err(malformed),
    }
}

/// An integer parameter (RFC 8941: at most 15 digits; non-negative here).
fn integer(name: &'static str, raw: Option<&str>) -> Result<u64, VerifyError> {
    let not_integer = VerifyError::Malformed {
        part: name,
        reason: "not a non-negative integer",
    };
    let raw = raw.ok_or(VerifyError::Malformed {
        part: name,
        reason: "missing",
    })?;
    if raw.is_empty() || raw.len() > 15 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(not_integer);
    }
    raw.parse().map_err(|_| not_integer)
}

/// An sf-string parameter, unescaped (`\"` and `\\`).
fn string<'a>(name: &'static str, raw: Option<&'a str>) -> Result<Cow<'a, str>, VerifyError> {
    let raw = raw.ok_or(VerifyError::Malformed {
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
    if !inner.contains('\\') {
        return Ok(Cow::Borrowed(inner));
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(e @ ('"' | '\\')) => out.push(e),
                _ => {
                    return Err(VerifyError::Malformed {
                        part: name,
                        reason: "an invalid escape in a quoted string",
                    });
                }
            }
        } else {
            out.push(c);
        }
    }
    Ok(Cow::Owned(out))
}

/// The lowercase host with `:443` (the https default port) removed, as the signer derives
/// `@authority` from its URL; a `Host` header may carry either form. Only SP and HTAB are
/// trimmed (RFC 9110 OWS; a control character is refused when the base is built), and an
/// authority with more than one port (`h.example:8443:443`) is refused.
fn normalize_authority(authority: &str) -> Result<Cow<'_, str>, VerifyError> {
    let trimmed = authority.trim_matches([' ', '\t']);
    // The host part ends after a bracketed IPv6 literal, else at the first `:`.
    let host_end = if trimmed.starts_with('[') {
        trimmed.find(']').map_or(trimmed.len(), |i| i + 1)
    } else {
        trimmed.find(':').unwrap_or(trimmed.len())
    };
    let port = &trimmed[host_end..];
    // A second `:` after the port's own (by character: what follows `]` may be non-ASCII).
    if port.chars().skip(1).any(|c| c == ':') {
        return Err(VerifyError::Malformed {
            part: "Host",
            reason: "has more than one port",
        });
    }
    let without_port = if port == ":443" {
        &trimmed[..host_end]
    } else {
        trimmed
    };
    Ok(if without_port.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(without_port.to_ascii_lowercase())
    } else {
        Cow::Borrowed(without_port)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authority_is_normalized_like_the_signer() {
        let n = |a| normalize_authority(a).unwrap();
        assert_eq!(n("APP.Example.COM:443"), "app.example.com");
        assert_eq!(n("h.example:8443"), "h.example:8443");
        assert_eq!(n("h.example"), "h.example");
        assert_eq!(n("[::1]:443"), "[::1]");
        assert_eq!(n("[::1]:8443"), "[::1]:8443");
        assert_eq!(n(" h.example\t"), "h.example");
    }

    /// Issue 16: `:443` was stripped whatever preceded it, and all Unicode whitespace trimmed.
    #[test]
    fn authority_has_one_port_and_only_ows_is_trimmed() {
        for bad in ["h.example:8443:443", "h.example:1:2", "[::1]:8443:443"] {
            assert_eq!(
                normalize_authority(bad),
                Err(VerifyError::Malformed {
                    part: "Host",
                    reason: "has more than one port"
                }),
                "{bad}"
            );
        }
        assert_eq!(
            normalize_authority("h.example\u{2028}").unwrap(),
            "h.example\u{2028}"
        );
        assert_eq!(
            normalize_authority("h.example\r\n").unwrap(),
            "h.example\r\n"
        );
    }

    /// Found by the long fuzz campaign (`verifier`): a non-ASCII character right after an
    /// IPv6 literal's `]` made the port check slice inside it, a panic in the verifier.
    #[test]
    fn a_non_ascii_character_after_an_ipv6_literal_is_no_panic() {
        for odd in [
            "[::1]\u{ca28a}",
            "[::1]\u{e9}:1",
            "[::1]\u{ca28a}:1:2",
            "[::1]\u{e9}",
        ] {
            let result = std::panic::catch_unwind(|| normalize_authority(odd).map(|a| a.len()));
            assert!(result.is_ok(), "normalize_authority({odd:?}) panicked");
        }
        assert!(normalize_authority("[::1]\u{e9}:1:2").is_err());
        assert_eq!(normalize_authority("[::1]\u{e9}").unwrap(), "[::1]\u{e9}");
    }
}
