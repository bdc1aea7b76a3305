//! The HMAC-SHA256 key reports are signed with, derived once per credential snapshot.

use hmac::{Hmac, KeyInit};
use ring::hkdf;
use sha2::Sha256;

use crate::secret::{Fingerprint, SecretBytes};

/// Length of an HMAC-SHA256 tag in bytes.
pub const TAG_LEN: usize = 32;

/// Length of a derived signing key in bytes.
pub const DERIVED_KEY_LEN: usize = 32;

/// Minimum length of a configured `api.signing_key`, in bytes (after base64 decoding).
pub const MIN_CONFIGURED_KEY_LEN: usize = 32;

/// The HKDF info prefix; the user name follows it.
pub const HKDF_INFO_PREFIX: &str = "contrast-auth/v1 ";

/// Length of a signature `keyid`: 16 lowercase hex digits.
pub const KEYID_LEN: usize = 16;

/// Where a signing key came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SigningKeyOrigin {
    /// Configured explicitly (`api.signing_key`).
    Configured,
    /// Derived with HKDF-SHA256 from both credential layers.
    Derived,
}

/// An HMAC-SHA256 signing key with its fingerprint, and the HMAC state keyed with it once
/// (inner and outer pads already hashed), so each signature starts from a copy. Key and state
/// are zeroized on drop (the state by `sha2`'s `zeroize` feature) and redacted in Debug.
pub struct SigningKey {
    bytes: SecretBytes,
    mac: Hmac<Sha256>,
    fingerprint: Fingerprint,
    keyid: [u8; KEYID_LEN],
    origin: SigningKeyOrigin,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("bytes", &self.bytes)
            .field("fingerprint", &self.fingerprint)
            .field("keyid", &self.keyid())
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A configured key (already decoded from base64 and length-checked by configuration).
    pub fn configured(bytes: SecretBytes) -> Self {
        SigningKey::with_origin(bytes, SigningKeyOrigin::Configured)
    }

    fn with_origin(bytes: SecretBytes, origin: SigningKeyOrigin) -> Self {
        let mac = Hmac::<Sha256>::new_from_slice(bytes.expose_secret())
            .expect("HMAC takes keys of any length");
        SigningKey {
            fingerprint: bytes.fingerprint(),
            keyid: keyid_of(bytes.expose_secret()),
            bytes,
            mac,
            origin,
        }
    }

    /// A copy of the HMAC state keyed with this key (inner and outer pads already hashed).
    pub fn keyed_mac(&self) -> Hmac<Sha256> {
        self.mac.clone()
    }

    /// Derives the key from both layers with HKDF-SHA256 (RFC 5869):
    /// salt = API key, IKM = service key, info = `contrast-auth/v1 ` + user name, 32 bytes.
    pub fn derive(user_name: &str, service_key: &str, api_key: &str) -> Self {
        let salt = hkdf::Salt::new(hkdf::HKDF_SHA256, api_key.as_bytes());
        let prk = salt.extract(service_key.as_bytes());
        let info = [HKDF_INFO_PREFIX.as_bytes(), user_name.as_bytes()];
        let okm = prk
            .expand(&info, KeyLen(DERIVED_KEY_LEN))
            .expect("32 bytes is within HKDF-SHA256's output limit");
        let mut out = vec![0u8; DERIVED_KEY_LEN];
        okm.fill(&mut out)
            .expect("the output buffer has the requested length");
        SigningKey::with_origin(SecretBytes::new(out), SigningKeyOrigin::Derived)
    }

    /// Builds a key from raw bytes for verification (the server side).
    pub fn from_bytes(bytes: &[u8]) -> Self {
        SigningKey::configured(SecretBytes::new(bytes.to_vec()))
    }

    /// The key bytes.
    pub fn expose_secret(&self) -> &[u8] {
        self.bytes.expose_secret()
    }

    /// First 8 hex digits of SHA-256 of the key bytes (the `keyid` suffix).
    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    /// The signature `keyid`: the first 16 lowercase hex digits of SHA-256 of the key bytes
    /// (its first 8 are [`SigningKey::fingerprint`]). It names the key, never the agent.
    pub fn keyid(&self) -> &str {
        std::str::from_utf8(&self.keyid).expect("hex digits are ASCII")
    }

    /// Whether the key was configured or derived.
    pub fn origin(&self) -> SigningKeyOrigin {
        self.origin
    }

    /// An explicit copy.
    pub fn duplicate(&self) -> Self {
        SigningKey {
            bytes: self.bytes.duplicate(),
            mac: self.mac.clone(),
            fingerprint: self.fingerprint,
            keyid: self.keyid,
            origin: self.origin,
        }
    }
}

/// The first [`KEYID_LEN`] lowercase hex digits of SHA-256 of `key`.
fn keyid_of(key: &[u8]) -> [u8; KEYID_LEN] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = ring::digest::digest(&ring::digest::SHA256, key);
    let mut out = [0u8; KEYID_LEN];
    for (pair, byte) in out.chunks_exact_mut(2).zip(digest.as_ref()) {
        pair[0] = HEX[usize::from(byte >> 4)];
        pair[1] = HEX[usize::from(byte & 0x0f)];
    }
    out
}

struct KeyLen(usize);

impl hkdf::KeyType for KeyLen {
    fn len(&self) -> usize {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::Mac;

    /// RFC 5869 test case 1, checked through ring's HKDF with our KeyLen plumbing.
    #[test]
    fn hkdf_rfc5869_case_1() {
        let ikm = [0x0bu8; 22];
        let salt: Vec<u8> = (0x00..=0x0c).collect();
        let info: Vec<u8> = (0xf0..=0xf9).collect();
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, &salt).extract(&ikm);
        let mut okm = [0u8; 42];
        prk.expand(&[&info], KeyLen(42))
            .unwrap()
            .fill(&mut okm)
            .unwrap();
        let hex: String = okm.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
        );
    }

    /// RFC 4231 test case 2 ("Jefe") through the cached keyed state, twice (each signature
    /// starts from a fresh copy), and its verification.
    #[test]
    fn hmac_sha256_rfc4231_case_2() {
        let key = SigningKey::from_bytes(b"Jefe");
        let message = b"what do ya want for nothing?";
        let expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        let sign = |key: &SigningKey, message: &[u8]| -> [u8; TAG_LEN] {
            let mut mac = key.keyed_mac();
            mac.update(message);
            mac.finalize().into_bytes().into()
        };
        let verify = |key: &SigningKey, message: &[u8], tag: &[u8]| {
            let mut mac = key.keyed_mac();
            mac.update(message);
            mac.verify_slice(tag).is_ok()
        };
        for _ in 0..2 {
            let hex: String = sign(&key, message)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(hex, expected);
        }
        let tag = sign(&key, message);
        assert!(verify(&key, message, &tag));
        assert!(verify(&key.duplicate(), message, &tag));
        assert!(!verify(&key, b"what do ya want for nothing!", &tag));
        assert!(!verify(&key, message, &tag[..31]));
        let debug = format!("{key:?}");
        assert!(
            !debug.contains("Jefe") && debug.contains("REDACTED"),
            "{debug}"
        );
    }

    /// The keyid is the first 16 hex digits of SHA-256 of the key; the fingerprint its first 8.
    #[test]
    fn keyid_is_first_16_hex_of_sha256_of_the_key() {
        // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223...
        let key = SigningKey::from_bytes(b"abc");
        assert_eq!(key.keyid(), "ba7816bf8f01cfea");
        assert_eq!(key.fingerprint().to_hex(), key.keyid()[..8]);
        assert_eq!(key.duplicate().keyid(), key.keyid());
        let derived = SigningKey::derive("agent_\u{fc}7f3a", "sk", "ak");
        assert_eq!(derived.keyid().len(), KEYID_LEN);
        assert!(
            derived
                .keyid()
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
    }

    #[test]
    fn derived_key_depends_on_every_input() {
        let base = SigningKey::derive("agent", "sk", "ak");
        assert_eq!(base.expose_secret().len(), DERIVED_KEY_LEN);
        assert_eq!(base.origin(), SigningKeyOrigin::Derived);
        for other in [
            SigningKey::derive("agent2", "sk", "ak"),
            SigningKey::derive("agent", "sk2", "ak"),
            SigningKey::derive("agent", "sk", "ak2"),
        ] {
            assert_ne!(base.expose_secret(), other.expose_secret());
            assert_ne!(base.fingerprint(), other.fingerprint());
        }
        assert_eq!(
            base.expose_secret(),
            SigningKey::derive("agent", "sk", "ak").expose_secret()
        );
    }
}
