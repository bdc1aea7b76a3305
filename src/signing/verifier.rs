//! The verifier (the server side): digest, signature base, constant-time HMAC check,
//! clock tolerance, expiry, replay cache, several active keys during rotation.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::Mac;

use crate::secret::constant_time_eq;
use crate::signing::base::{self, COMPONENTS, TAG};
use crate::signing::digest::{sha256, sha256_member_bytes};
use crate::signing::error::VerifyError;
use crate::signing::key::SigningKey;
use crate::signing::key_set::{KeySet, Target, TargetError};
use crate::signing::memory_store::MemoryReplayStore;
use crate::signing::replay::{Nonce, Recorded, ReplayStore};

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
    /// The label that verified (`contrast` or `contrast-prev`).
    pub label: String,
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
        if *entry.components != COMPONENTS {
            return Err(VerifyError::Malformed {
                part: "Signature-Input",
                reason: "components are not in the fixed order",
            });
        }
        let created = entry.integer("created")?;
        let expires = entry.integer("expires")?;
        let nonce = entry.string("nonce")?;
        let keyid = entry.string("keyid")?;
        if *entry.string("tag")? != *TAG {
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
                label: entry.label.to_string(),
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

/// One member of `Signature-Input`.
#[derive(Debug, Default)]
struct InputEntry<'a> {
    label: &'a str,
    components: SmallList<&'a str, 6>,
    /// Everything after `label=`: the inner list and its parameters, as received.
    serialized_params: &'a str,
    params: SmallList<(&'a str, &'a str), 8>,
}

/// A list kept on the stack up to `N` items (what a signature of this crate has), moved to
/// the heap whole beyond that: parsing a usual header allocates nothing for it.
#[derive(Debug)]
struct SmallList<T: Default, const N: usize> {
    inline: [T; N],
    len: usize,
    heap: Vec<T>,
}

impl<T: Default, const N: usize> Default for SmallList<T, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Default, const N: usize> SmallList<T, N> {
    fn new() -> Self {
        SmallList {
            inline: std::array::from_fn(|_| T::default()),
            len: 0,
            heap: Vec::new(),
        }
    }

    fn push(&mut self, item: T) {
        if self.heap.is_empty() && self.len < N {
            self.inline[self.len] = item;
            self.len += 1;
            return;
        }
        if self.heap.is_empty() {
            self.heap
                .extend(self.inline[..self.len].iter_mut().map(std::mem::take));
        }
        self.heap.push(item);
    }
}

impl<T: Default, const N: usize> std::ops::Deref for SmallList<T, N> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        if self.heap.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.heap
        }
    }
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
        // RFC 8941 integers have at most 15 digits.
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

    /// An sf-string parameter, unescaped (`\"` and `\\`).
    fn string(&self, name: &'static str) -> Result<Cow<'a, str>, VerifyError> {
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

/// The dictionary member without its surrounding OWS (SP and HTAB only, RFC 8941 §4.2.2).
fn trim_member(member: &str) -> &str {
    member.trim_matches([' ', '\t'])
}

/// The end (exclusive) of the sf-string starting at `start` (which is a `"`), if closed.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while let Some(at) = find_byte_of(bytes, i, b"\"\\") {
        if bytes[at] == b'"' {
            return Some(at + 1);
        }
        // A backslash escapes the byte after it.
        i = at + 2;
    }
    None
}

/// `0x01` in every byte of a word.
const ONES: u64 = 0x0101_0101_0101_0101;
/// `0x80` in every byte of a word.
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit set in each byte of `word` that equals `byte` (and possibly in bytes above
/// such a match, from the borrow): the lowest flagged byte is always a match.
#[inline(always)]
fn matching_bytes(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * u64::from(byte));
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// The index of the first byte at or after `from` that is one of `targets`. Eight bytes at a
/// time: headers are a few hundred bytes, mostly inside strings and base64, where a scan
/// byte by byte was the verifier's largest cost after the hashing.
#[inline(always)]
fn find_byte_of(bytes: &[u8], from: usize, targets: &[u8]) -> Option<usize> {
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        // Each target's lowest flag is exact, so the lowest of them all is the first match.
        let flags = targets
            .iter()
            .fold(0, |flags, &t| flags | matching_bytes(word, t));
        if flags != 0 {
            return Some(i + (flags.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    let rest = bytes.get(i..)?;
    rest.iter().position(|b| targets.contains(b)).map(|p| i + p)
}

/// Splits an RFC 8941 dictionary into members at commas outside strings and lists.
fn split_members(header: &str) -> Result<SmallList<&str, 4>, &'static str> {
    // RFC 8941 structured fields are ASCII; a control character (other than the HTAB of
    // OWS) is refused before anything is trimmed.
    // Printable ASCII and HTAB (the usual case) are checked byte-wise; anything else char-wise.
    // (A pass without early exit, which the compiler vectorizes.)
    let unusual = header
        .bytes()
        .fold(false, |seen, b| seen | !matches!(b, b' '..=b'~' | b'\t'));
    if unusual && header.chars().any(|c| c.is_control() && c != '\t') {
        return Err("contains a control character");
    }
    let bytes = header.as_bytes();
    let mut out = SmallList::new();
    let (mut depth, mut start, mut i) = (0i32, 0usize, 0usize);
    while let Some(at) = find_byte_of(bytes, i, b"\"(),") {
        match bytes[at] {
            b'"' => {
                i = string_end(bytes, at).ok_or("a quoted string is not closed")?;
                continue;
            }
            b'(' => depth += 1,
            b')' => depth -= 1,
            _ if depth == 0 => {
                out.push(trim_member(&header[start..at]));
                start = at + 1;
            }
            _ => {}
        }
        i = at + 1;
    }
    out.push(trim_member(&header[start..]));
    Ok(out)
}

fn is_key(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z' | b'*'))
        && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'.' | b'*'))
}

/// Parses RFC 8941 parameters (`;key=value;key2="string";flag`), strings may hold `;`.
fn parse_params(mut tail: &str) -> Result<SmallList<(&str, &str), 8>, &'static str> {
    let mut params: SmallList<(&str, &str), 8> = SmallList::new();
    while !tail.is_empty() {
        tail = tail
            .strip_prefix(';')
            .ok_or("parameters must be separated by `;`")?
            .trim_start_matches(' ');
        // `=` and `;` are ASCII: a byte index of one is a character boundary.
        let key_end = find_byte_of(tail.as_bytes(), 0, b"=;").unwrap_or(tail.len());
        let key = &tail[..key_end];
        if !is_key(key) {
            return Err("a parameter name is not a valid key");
        }
        tail = &tail[key_end..];
        let value = if let Some(rest) = tail.strip_prefix('=') {
            let end = if rest.starts_with('"') {
                string_end(rest.as_bytes(), 0).ok_or("a quoted string is not closed")?
            } else {
                rest.find(';').unwrap_or(rest.len())
            };
            tail = &rest[end..];
            &rest[..end]
        } else {
            "?1"
        };
        if params.iter().any(|(k, _)| *k == key) {
            return Err("a parameter appears twice");
        }
        params.push((key, value));
    }
    Ok(params)
}

fn parse_inputs(header: &str) -> Result<SmallList<InputEntry<'_>, 2>, VerifyError> {
    let malformed = |reason| VerifyError::Malformed {
        part: "Signature-Input",
        reason,
    };
    let mut out: SmallList<InputEntry<'_>, 2> = SmallList::new();
    for &member in split_members(header).map_err(malformed)?.iter() {
        let (label, rest) = member
            .split_once('=')
            .ok_or(malformed("a member has no `=`"))?;
        if !is_key(label) {
            return Err(malformed("a label is not a valid key"));
        }
        if out.iter().any(|e| e.label == label) {
            return Err(malformed("a label appears twice"));
        }
        let mut list = rest
            .strip_prefix('(')
            .ok_or(malformed("a value is not an inner list"))?;
        let mut components = SmallList::new();
        loop {
            list = list.trim_start_matches(' ');
            if let Some(after) = list.strip_prefix(')') {
                list = after;
                break;
            }
            if !list.starts_with('"') {
                return Err(malformed("a component is not a plain quoted string"));
            }
            let end =
                string_end(list.as_bytes(), 0).ok_or(malformed("an inner list is not closed"))?;
            let name = &list[1..end - 1];
            if name.contains('\\') {
                return Err(malformed("a component name contains an escape"));
            }
            components.push(name);
            list = &list[end..];
            if !list.starts_with([' ', ')']) {
                return Err(malformed("a component is followed by a parameter or junk"));
            }
        }
        let params = parse_params(list).map_err(malformed)?;
        out.push(InputEntry {
            label,
            components,
            serialized_params: rest,
            params,
        });
    }
    Ok(out)
}

/// A signature's bytes: on the stack when they fit (an HMAC-SHA256 is 32), else on the heap.
#[derive(Debug)]
enum MacBytes {
    Inline([u8; 48], usize),
    Heap(Vec<u8>),
}

impl Default for MacBytes {
    fn default() -> Self {
        MacBytes::Inline([0; 48], 0)
    }
}

impl std::ops::Deref for MacBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            MacBytes::Inline(bytes, len) => &bytes[..*len],
            MacBytes::Heap(bytes) => bytes,
        }
    }
}

fn decode_mac(b64: &str) -> Result<MacBytes, base64::DecodeError> {
    let mut bytes = [0u8; 48];
    match STANDARD.decode_slice(b64, &mut bytes) {
        Ok(len) => Ok(MacBytes::Inline(bytes, len)),
        Err(base64::DecodeSliceError::OutputSliceTooSmall) => {
            STANDARD.decode(b64).map(MacBytes::Heap)
        }
        Err(base64::DecodeSliceError::DecodeError(e)) => Err(e),
    }
}

fn parse_signatures(header: &str) -> Result<SmallList<(&str, MacBytes), 2>, VerifyError> {
    let malformed = |reason| VerifyError::Malformed {
        part: "Signature",
        reason,
    };
    let mut out: SmallList<(&str, MacBytes), 2> = SmallList::new();
    for &member in split_members(header).map_err(malformed)?.iter() {
        let (label, value) = member
            .split_once('=')
            .ok_or(malformed("a member has no `=`"))?;
        if !is_key(label) {
            return Err(malformed("a label is not a valid key"));
        }
        if out.iter().any(|(l, _)| *l == label) {
            return Err(malformed("a label appears twice"));
        }
        let b64 = value
            .strip_prefix(':')
            .and_then(|v| v.strip_suffix(':'))
            .ok_or(malformed("a value is not a byte sequence (:...:)"))?;
        let bytes = decode_mac(b64).map_err(|_| malformed("a value is not standard base64"))?;
        out.push((label, bytes));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_allow_separators_inside_strings_and_reject_duplicates() {
        let p = parse_params(r#";created=1;keyid="a;b,c=d";tag="x\"y";flag"#).unwrap();
        assert_eq!(
            p.to_vec(),
            vec![
                ("created", "1"),
                ("keyid", r#""a;b,c=d""#),
                ("tag", r#""x\"y""#),
                ("flag", "?1")
            ]
        );
        assert_eq!(
            parse_params(";created=1;created=2").map(|p| p.to_vec()),
            Err("a parameter appears twice")
        );
        assert_eq!(
            parse_params(r#";keyid="open"#).map(|p| p.to_vec()),
            Err("a quoted string is not closed")
        );
        assert_eq!(
            parse_params(";Created=1").map(|p| p.to_vec()),
            Err("a parameter name is not a valid key")
        );
        // More parameters than kept inline: all of them, in order.
        let many = parse_params(";a=1;b=2;c=3;d=4;e=5;f=6;g=7;h=8;i=9;j=10").unwrap();
        assert_eq!(many.len(), 10);
        assert_eq!(many[0], ("a", "1"));
        assert_eq!(many[9], ("j", "10"));
    }

    /// The word-at-a-time scans find what a byte-by-byte scan finds, wherever the byte falls
    /// in a word, escapes across word boundaries included.
    #[test]
    fn word_scans_match_a_byte_scan() {
        fn string_end_bytewise(bytes: &[u8], start: usize) -> Option<usize> {
            let mut i = start + 1;
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' => i += 2,
                    b'"' => return Some(i + 1),
                    _ => i += 1,
                }
            }
            None
        }
        let alphabet = b"a\"\\(),;=\x80\xff\x01 ";
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in 0..40 {
            for _ in 0..200 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        alphabet[(seed % alphabet.len() as u64) as usize]
                    })
                    .collect();
                for from in 0..=len {
                    let expected = bytes[from..]
                        .iter()
                        .position(|b| b"\"(),".contains(b))
                        .map(|p| from + p);
                    assert_eq!(find_byte_of(&bytes, from, b"\"(),"), expected, "{bytes:?}");
                }
                for start in 0..len {
                    assert_eq!(
                        string_end(&bytes, start),
                        string_end_bytewise(&bytes, start),
                        "{bytes:?} from {start}"
                    );
                }
            }
        }
        assert_eq!(find_byte_of(b"abc", 4, b"a"), None);
    }

    /// More members than the lists keep on the stack: every one, in order.
    #[test]
    fn headers_with_more_members_than_kept_inline_parse_whole() {
        let members = split_members("a=1, b=2, c=3, d=4, e=5, f=6").unwrap();
        assert_eq!(
            members.to_vec(),
            vec!["a=1", "b=2", "c=3", "d=4", "e=5", "f=6"]
        );
        let sigs = parse_signatures("a=:AAAA:, b=:AQID:, c=:/w==:").unwrap();
        let decoded: Vec<(&str, Vec<u8>)> = sigs.iter().map(|(l, m)| (*l, m.to_vec())).collect();
        assert_eq!(
            decoded,
            vec![("a", vec![0, 0, 0]), ("b", vec![1, 2, 3]), ("c", vec![255])]
        );
        let inputs =
            parse_inputs(r#"a=("@method");created=1, b=();created=2, c=("x" "y");k="v""#).unwrap();
        let summary: Vec<(&str, usize, Option<&str>)> = inputs
            .iter()
            .map(|e| (e.label, e.components.len(), e.param("created")))
            .collect();
        assert_eq!(
            summary,
            vec![("a", 1, Some("1")), ("b", 0, Some("2")), ("c", 2, None)]
        );
        assert!(parse_inputs("a=(), b=(), a=()").is_err());
    }

    #[test]
    fn members_split_outside_strings_and_lists() {
        let m = split_members(r#"a=("x" "y");k="1,2", b=:AA==:"#)
            .unwrap()
            .to_vec();
        assert_eq!(m, vec![r#"a=("x" "y");k="1,2""#, "b=:AA==:"]);
        assert!(split_members(r#"a="unclosed"#).is_err());
    }

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

    /// Issue 16: a member ending in LF (or wrapped in other whitespace) is not trimmed.
    #[test]
    fn members_lose_only_ows() {
        assert_eq!(
            split_members("a=1 ,\tb=2\t").unwrap().to_vec(),
            vec!["a=1", "b=2"]
        );
        assert!(split_members("a=1\n").is_err());
        assert!(split_members("a=1\u{85}").is_err());
        assert_eq!(
            split_members("a=1\u{3000}").unwrap().to_vec(),
            vec!["a=1\u{3000}"]
        );
    }
}
