//! Certificates for the test server, made at start-up with rcgen: a throw-away CA, a
//! server certificate for `localhost` / `127.0.0.1`, and client certificates for mutual TLS.

use std::io;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A certificate authority that exists only for the life of one test server.
pub struct TestAuthority {
    issuer: Issuer<'static, KeyPair>,
    certificate_pem: String,
    certificate_der: CertificateDer<'static>,
}

/// A certificate and its private key, both PEM, plus DER forms for rustls.
pub struct Identity {
    /// The certificate, PEM.
    pub certificate_pem: String,
    /// The PKCS#8 private key, PEM.
    pub private_key_pem: String,
    pub(crate) certificate_der: CertificateDer<'static>,
    pub(crate) private_key_der: Vec<u8>,
}

impl Identity {
    /// The certificate, DER.
    pub fn certificate_der(&self) -> &[u8] {
        &self.certificate_der
    }

    /// The PKCS#8 private key, DER.
    pub fn private_key_der(&self) -> &[u8] {
        &self.private_key_der
    }

    /// The private key in the form rustls takes.
    pub(crate) fn private_key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.private_key_der.clone()))
    }
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("private_key", &crate::secret::REDACTED)
            .finish_non_exhaustive()
    }
}

fn rcgen_error(e: rcgen::Error) -> io::Error {
    io::Error::other(format!("certificate generation failed: {e}"))
}

impl TestAuthority {
    /// Makes a new CA with the given common name.
    pub fn new(common_name: &str) -> io::Result<Self> {
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(rcgen_error)?;
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let key = KeyPair::generate().map_err(rcgen_error)?;
        let certificate = params.self_signed(&key).map_err(rcgen_error)?;
        Ok(TestAuthority {
            certificate_pem: certificate.pem(),
            certificate_der: certificate.der().clone(),
            issuer: Issuer::new(params, key),
        })
    }

    /// The CA certificate, PEM (what a client puts in `api.certificate.ca_file`).
    pub fn certificate_pem(&self) -> &str {
        &self.certificate_pem
    }

    /// The CA certificate, DER (a trust anchor as hosts hand it over).
    pub fn certificate_der(&self) -> &[u8] {
        &self.certificate_der
    }

    /// A server certificate for `localhost` and `127.0.0.1`.
    pub fn issue_server(&self) -> io::Result<Identity> {
        let mut params =
            CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
                .map_err(rcgen_error)?;
        params
            .distinguished_name
            .push(DnType::CommonName, "contrast-auth test server");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        self.issue(params)
    }

    /// A client certificate for mutual TLS.
    pub fn issue_client(&self, common_name: &str) -> io::Result<Identity> {
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(rcgen_error)?;
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        self.issue(params)
    }

    fn issue(&self, params: CertificateParams) -> io::Result<Identity> {
        let key = KeyPair::generate().map_err(rcgen_error)?;
        let certificate = params.signed_by(&key, &self.issuer).map_err(rcgen_error)?;
        Ok(Identity {
            certificate_pem: certificate.pem(),
            private_key_pem: key.serialize_pem(),
            certificate_der: certificate.der().clone(),
            private_key_der: key.serialize_der(),
        })
    }

    /// A rustls server configuration presenting `identity`, optionally requiring a client
    /// certificate issued by this CA.
    pub(crate) fn server_config(
        &self,
        identity: &Identity,
        require_client_certificate: bool,
    ) -> io::Result<Arc<rustls::ServerConfig>> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(io::Error::other)?;
        let builder = if require_client_certificate {
            let mut roots = rustls::RootCertStore::empty();
            roots
                .add(self.certificate_der.clone())
                .map_err(io::Error::other)?;
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .build()
            .map_err(io::Error::other)?;
            builder.with_client_cert_verifier(verifier)
        } else {
            builder.with_no_client_auth()
        };
        let config = builder
            .with_single_cert(
                vec![identity.certificate_der.clone()],
                identity.private_key(),
            )
            .map_err(io::Error::other)?;
        Ok(Arc::new(config))
    }
}
