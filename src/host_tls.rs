//! TLS material handed over by the host program in DER form rather than read from
//! `api.certificate.*` files: extra trust anchors (e.g. what the JVM trusts) and a client
//! certificate chain with its private key (e.g. the JVM's `javax.net.ssl.keyStore`).
//!
//! Everything is checked when it is handed over, so a bad certificate or key is a
//! configuration error at creation, not a TLS failure at the first report.

use std::fmt;

use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::error::ConfigError;
use crate::secret::SecretBytes;

/// Extra trust anchors, each a DER X.509 certificate, trusted together with
/// `api.certificate.ca_file`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct TrustAnchors {
    certificates: Vec<Vec<u8>>,
}

impl TrustAnchors {
    /// No extra anchors.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one DER certificate. `index` only names it in the error ("trust anchor 3").
    pub fn add(&mut self, der: &[u8], index: usize) -> Result<(), ConfigError> {
        check_certificate(der).map_err(|reason| ConfigError::InvalidArgument {
            name: "trust_anchors",
            reason: format!("trust anchor {index}: {reason}"),
        })?;
        self.certificates.push(der.to_vec());
        Ok(())
    }

    /// The certificates, in the order they were added.
    pub fn certificates(&self) -> &[Vec<u8>] {
        &self.certificates
    }

    /// How many anchors there are.
    pub fn len(&self) -> usize {
        self.certificates.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.certificates.is_empty()
    }
}

impl fmt::Debug for TrustAnchors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "TrustAnchors({} DER certificate(s))",
            self.certificates.len()
        )
    }
}

/// A client certificate chain (DER, leaf first) and its PKCS#8 DER private key, for mutual
/// TLS when `api.certificate.cert_file` is not configured. The key zeroizes on drop and never
/// prints.
#[derive(PartialEq, Eq)]
pub struct ClientIdentity {
    chain: Vec<Vec<u8>>,
    key: SecretBytes,
}

impl ClientIdentity {
    /// Checks the chain (at least one parseable certificate) and the key (PKCS#8 of a key
    /// type rustls can sign with: RSA, ECDSA P-256/P-384, Ed25519).
    pub fn new(chain: Vec<Vec<u8>>, key_pkcs8: SecretBytes) -> Result<Self, ConfigError> {
        let invalid = |reason: String| ConfigError::InvalidArgument {
            name: "client_identity",
            reason,
        };
        if chain.is_empty() {
            return Err(invalid("the certificate chain is empty".into()));
        }
        for (index, der) in chain.iter().enumerate() {
            check_certificate(der)
                .map_err(|reason| invalid(format!("chain certificate {index}: {reason}")))?;
        }
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_pkcs8.expose_secret()));
        if rustls::crypto::ring::sign::any_supported_type(&key).is_err() {
            return Err(invalid(
                "the private key is not a PKCS#8 DER key of a supported type (RSA, ECDSA \
                 P-256/P-384, Ed25519)"
                    .into(),
            ));
        }
        Ok(ClientIdentity {
            chain,
            key: key_pkcs8,
        })
    }

    /// The certificate chain, leaf first.
    pub fn chain(&self) -> &[Vec<u8>] {
        &self.chain
    }

    /// The PKCS#8 DER private key.
    pub fn key_pkcs8(&self) -> &SecretBytes {
        &self.key
    }
}

impl Clone for ClientIdentity {
    fn clone(&self) -> Self {
        ClientIdentity {
            chain: self.chain.clone(),
            key: self.key.duplicate(),
        }
    }
}

impl fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ClientIdentity({} certificate(s), key [REDACTED])",
            self.chain.len()
        )
    }
}

/// Whether `der` parses as an X.509 certificate usable as a trust anchor (subject and
/// public key readable).
fn check_certificate(der: &[u8]) -> Result<(), String> {
    if der.is_empty() {
        return Err("is empty".into());
    }
    let mut store = rustls::RootCertStore::empty();
    store
        .add(CertificateDer::from(der))
        .map_err(|_| "is not a DER X.509 certificate".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_refused_with_its_index() {
        let mut anchors = TrustAnchors::new();
        let e = anchors.add(b"not a certificate", 2).unwrap_err();
        assert!(e.to_string().contains("trust anchor 2"), "{e}");
        assert!(
            anchors
                .add(&[], 0)
                .unwrap_err()
                .to_string()
                .contains("empty")
        );
        assert!(anchors.is_empty());
    }

    #[test]
    fn an_identity_needs_a_chain_and_a_real_key() {
        let e = ClientIdentity::new(vec![], SecretBytes::new(vec![1, 2, 3])).unwrap_err();
        assert!(e.to_string().contains("chain is empty"), "{e}");
    }
}
