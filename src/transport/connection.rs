//! The pieces of the ureq agent that make connections observable and keep them to one
//! process: a connector that counts (and logs) every new TLS connection and stamps it with the
//! process image that made it, a transport wrapper that never lets another process image
//! (a forked child) read or write it and that notices pooled connections the server closed,
//! and a resolver whose failures name the host.
//!
//! How ureq 3 pools (read from its source, `pool.rs`): an agent keeps idle connections in one
//! LRU list behind a mutex. Taking one out calls [`Transport::is_open`], which for TCP sets the
//! socket non-blocking and reads one byte (any byte or an end of file means "closed by the
//! server"); giving one back after a response calls it again. Dropping a connection drops its
//! rustls `ClientConnection` (no `Drop` impl: nothing is written, no `close_notify`) and its
//! `TcpStream` (`close(2)` of the descriptor, no `shutdown(2)`). Only `Agent::shutdown`, never
//! called here, shuts sockets down (which would also end the parent's connection after a fork,
//! as a socket is shared by both processes).

use std::cell::Cell;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use ureq::Error;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, DefaultConnector, NextTimeout, Transport,
};

use crate::events::{Level, event, names};

/// The connection counters of one client, shared with its connectors (and with the agents
/// rebuilt after a fork).
#[derive(Debug, Clone, Default)]
pub(crate) struct ConnectionCounters {
    /// New connections, each with a TLS handshake.
    pub(crate) handshakes: Arc<AtomicU64>,
    /// Pooled connections found closed by the server, and requests sent again at once on a
    /// fresh connection after a reused one failed before any response.
    pub(crate) reconnects: Arc<AtomicU64>,
}

/// A ureq agent with `config`, ureq's default connectors (TCP, TLS, SOCKS) followed by the
/// counting connector, and the naming resolver.
pub(super) fn agent_with(
    config: ureq::config::Config,
    counters: &ConnectionCounters,
) -> ureq::Agent {
    agent_tracking(config, counters, true)
}

/// [`agent_with`]; without `track` connections are not wrapped in a [`TrackedTransport`]
/// (only for the benchmark that measures what the tracking costs).
pub(super) fn agent_tracking(
    config: ureq::config::Config,
    counters: &ConnectionCounters,
    track: bool,
) -> ureq::Agent {
    let connector = Connector::chain(
        DefaultConnector::new(),
        CountingConnector {
            counters: counters.clone(),
            track,
        },
    );
    ureq::Agent::with_parts(config, connector, NamingResolver::default())
}

/// What the request running on this thread did with its connection. ureq runs a request and
/// reads its body on the calling thread, so the connector and the transport record it here
/// and the client reads it after a failure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct ConnectionUse {
    /// The request went on a pooled keep-alive connection made for an earlier request.
    pub(super) reused: bool,
    /// A new connection completed its TLS handshake (as far as the client can tell: under
    /// TLS 1.3 the server may still refuse a client certificate on the first read).
    pub(super) established: bool,
    /// Response bytes arrived on the connection.
    pub(super) answered: bool,
}

thread_local! {
    static CONNECTION_USE: Cell<ConnectionUse> = const {
        Cell::new(ConnectionUse { reused: false, established: false, answered: false })
    };
    static FRESH_ONLY: Cell<bool> = const { Cell::new(false) };
}

/// Starts recording this thread's next request; with `fresh_only` the pool hands out no
/// idle connection (each is dropped, unused and uncounted), so the request opens a new one.
pub(super) fn begin_request(fresh_only: bool) {
    CONNECTION_USE.with(|u| u.set(ConnectionUse::default()));
    FRESH_ONLY.with(|f| f.set(fresh_only));
}

/// What this thread's request did since [`begin_request`] (call after its body was read).
pub(super) fn finish_request() -> ConnectionUse {
    FRESH_ONLY.with(|f| f.set(false));
    CONNECTION_USE.with(Cell::get)
}

fn record_use(change: impl FnOnce(&mut ConnectionUse)) {
    CONNECTION_USE.with(|u| {
        let mut value = u.get();
        change(&mut value);
        u.set(value);
    });
}

/// Passes every connection through, wrapped in a [`TrackedTransport`]; counts the new ones
/// (each is a TCP connect and a TLS handshake: reused keep-alive connections never reach a
/// connector).
#[derive(Debug)]
pub(super) struct CountingConnector {
    pub(super) counters: ConnectionCounters,
    /// Wrap connections in a [`TrackedTransport`] (always, but in one benchmark).
    pub(super) track: bool,
}

impl Connector<Box<dyn Transport>> for CountingConnector {
    type Out = Box<dyn Transport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<Box<dyn Transport>>,
    ) -> Result<Option<Self::Out>, Error> {
        let Some(inner) = chained else {
            return Ok(None);
        };
        let n = self.counters.handshakes.fetch_add(1, Ordering::Relaxed) + 1;
        event!(
            Level::Debug,
            names::TRANSPORT_CONNECTED,
            "new TLS connection to {} (connection {n} of this client)",
            details.uri.authority().map_or("", |a| a.as_str())
        );
        record_use(|u| {
            u.reused = false;
            u.established = true;
        });
        if !self.track {
            return Ok(Some(inner));
        }
        Ok(Some(Box::new(TrackedTransport {
            inner,
            epoch: crate::fork::epoch(),
            idle: false,
            reconnects: Arc::clone(&self.counters.reconnects),
        })))
    }
}

/// A connection stamped with the process image that opened it. In any other process image
/// (a forked child) it reports itself closed without probing the socket and refuses I/O, so
/// the pool drops it: its descriptor is closed, nothing is read or written on it. It also
/// tells a pooled connection closed by the server (counted as a reconnect) from one that is
/// handed out for reuse.
struct TrackedTransport {
    inner: Box<dyn Transport>,
    epoch: u64,
    /// Whether the last probe found it open after a response: it went back to the pool, so
    /// the next probe is the pool's check before reuse.
    idle: bool,
    reconnects: Arc<AtomicU64>,
}

impl TrackedTransport {
    fn inherited(&self) -> bool {
        self.epoch != crate::fork::epoch()
    }

    fn refuse_inherited(&self) -> Result<(), Error> {
        if self.inherited() {
            return Err(Error::Io(std::io::Error::new(
                std::io::ErrorKind::NotConnected,
                "a connection opened by the parent process is not used after fork()",
            )));
        }
        Ok(())
    }
}

impl fmt::Debug for TrackedTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrackedTransport")
            .field("inner", &self.inner)
            .field("epoch", &self.epoch)
            .finish()
    }
}

impl Transport for TrackedTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        self.refuse_inherited()?;
        self.inner.transmit_output(amount, timeout)
    }

    fn maybe_await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        self.refuse_inherited()?;
        let progress = self.inner.maybe_await_input(timeout)?;
        if progress {
            record_use(|u| u.answered = true);
        }
        Ok(progress)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        self.refuse_inherited()?;
        let progress = self.inner.await_input(timeout)?;
        if progress {
            record_use(|u| u.answered = true);
        }
        Ok(progress)
    }

    fn is_open(&mut self) -> bool {
        if self.inherited() {
            // Never probe: the probe reads from the socket and toggles O_NONBLOCK, which
            // the parent's copy of the descriptor shares.
            return false;
        }
        if !std::mem::take(&mut self.idle) {
            // Back from a response: the pool keeps it if it is still open.
            self.idle = self.inner.is_open();
            return self.idle;
        }
        // Taken from the pool for a new request.
        if FRESH_ONLY.with(Cell::get) {
            return false;
        }
        let open = self.inner.is_open();
        if open {
            record_use(|u| u.reused = true);
        } else {
            let n = self.reconnects.fetch_add(1, Ordering::Relaxed) + 1;
            event!(
                Level::Debug,
                names::TRANSPORT_RECONNECT,
                "a pooled connection was closed by the server while idle; opening a new one \
                 (reconnect {n} of this client)"
            );
        }
        open
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
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
