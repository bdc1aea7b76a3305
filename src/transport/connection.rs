//! The pieces of the ureq agent that make connections observable: a connector that counts
//! (and logs) every new TLS connection, and a resolver whose failures name the host.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use ureq::Error;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{ConnectionDetails, Connector, NextTimeout, Transport};

use crate::events::{Level, event, names};

/// Passes every connection through; counts the new ones (each is a TCP connect and a TLS
/// handshake: reused keep-alive connections never reach a connector).
#[derive(Debug)]
pub(super) struct CountingConnector {
    pub(super) handshakes: Arc<AtomicU64>,
}

impl Connector<Box<dyn Transport>> for CountingConnector {
    type Out = Box<dyn Transport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<Box<dyn Transport>>,
    ) -> Result<Option<Self::Out>, Error> {
        if chained.is_some() {
            let n = self.handshakes.fetch_add(1, Ordering::Relaxed) + 1;
            event!(
                Level::Debug,
                names::TRANSPORT_CONNECTED,
                "new TLS connection to {} (connection {n} of this client)",
                details.uri.authority().map_or("", |a| a.as_str())
            );
        }
        Ok(chained)
    }
}

/// Why a host name could not be resolved (the error ureq's resolver gave, with the host).
#[derive(Debug)]
pub(super) struct ResolveFailure {
    pub(super) host: String,
    pub(super) reason: String,
}

impl fmt::Display for ResolveFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot resolve host {}: {}", self.host, self.reason)
    }
}

impl std::error::Error for ResolveFailure {}

/// ureq's resolver, with failures that name the host (`cannot resolve host x: ...`).
#[derive(Debug, Default)]
pub(super) struct NamingResolver(DefaultResolver);

impl Resolver for NamingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, Error> {
        let failure = |reason: String| {
            let host = uri.host().unwrap_or_default().to_string();
            Error::Io(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                ResolveFailure { host, reason },
            ))
        };
        match self.0.resolve(uri, config, timeout) {
            Ok(addresses) => Ok(addresses),
            Err(Error::Io(e)) => Err(failure(e.to_string())),
            Err(Error::HostNotFound) => Err(failure("no address found".into())),
            Err(other) => Err(other),
        }
    }
}
