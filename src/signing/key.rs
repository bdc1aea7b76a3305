//! The HMAC-SHA256 key reports are signed with, derived once per credential snapshot.

use ring::hkdf;

use crate::secret::{Fingerprint, SecretBytes};

/// Length of a derived signing key in bytes.
pub const DERIVED_KEY_LEN: usize = 32;

/// Minimum length of a configured `api.signing_key`, in bytes (after base64 decoding).
pub const MIN_CONFIGURED_KEY_LEN: usize = 32;

/// The HKDF info prefix; the user name follows it.
pub const HKDF_INFO_PREFIX: &str = "contrast-auth/v1 ";

/// Where a signing key came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SigningKeyOrigin {
    /// Configured explicitly (`api.signing_key`).
    Configured,
    /// Derived with HKDF-SHA256 from both credential layers.
    Derived,
}

/// An HMAC-SHA256 signing key with its fingerprint. Zeroized on drop, redacted in Debug.
#[derive(Debug)]
pub struct SigningKey {
    bytes: SecretBytes,
    fingerprint: Fingerprint,
    origin: SigningKeyOrigin,
}

impl SigningKey {
    /// A configured key (already decoded from base64 and length-checked by configuration).
    pub fn configured(bytes: SecretBytes) -> Self {
        let fingerprint = bytes.fingerprint();
        SigningKey {
            bytes,
            fingerprint,
            origin: SigningKeyOrigin::Configured,
        }
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
        let bytes = SecretBytes::new(out);
        let fingerprint = bytes.fingerprint();
        SigningKey {
            bytes,
            fingerprint,
            origin: SigningKeyOrigin::Derived,
        }
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

    /// Whether the key was configured or derived.
    pub fn origin(&self) -> SigningKeyOrigin {
        self.origin
    }

    /// An explicit copy.
    pub fn duplicate(&self) -> Self {
        SigningKey {
            bytes: self.bytes.duplicate(),
            fingerprint: self.fingerprint,
            origin: self.origin,
        }
    }
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
