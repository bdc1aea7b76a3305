//! A loopback HTTPS test server that checks both credential layers and report signatures,
//! for tests, the demo and other languages' bindings (`contrast-auth test-server`).
//!
//! Real TLS (rustls) with a CA and server certificate made at start-up (rcgen), HTTP/1.1
//! parsed with httparse, keep-alive, optional mutual TLS, and fault injection: statuses with
//! `Retry-After`, a connection closed before or in the middle of a response, a delay past
//! the client's timeout. It counts connections and TLS handshakes, and how often each
//! report id was accepted.

mod accept_file;
pub mod pki;
pub mod proxy;
mod request;
mod verification;

use std::collections::{HashMap, VecDeque};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use arc_swap::ArcSwap;
use serde::Serialize;

use crate::error::ConfigError;
use crate::secret::Secret;
use crate::signing::{ReplayStore, Verifier, VerifierOptions};
use crate::transport::http_date;
pub use accept_file::{parse_accept_file, read_accept_file};
use pki::{Identity, TestAuthority};
use request::{KEPT_HEADERS, Request};
pub use verification::AcceptedCredentials;
use verification::{Check, KeyRing, Rejection};

/// The base path of every URL the server answers (like the real server's `/Contrast`).
pub const BASE_PATH: &str = "/Contrast";
/// The statistics endpoint (no authentication): `GET /Contrast/__test/stats`.
pub const STATS_PATH: &str = "/Contrast/__test/stats";
/// Connections per client process (no authentication): `GET /Contrast/__test/processes`.
/// Reports name their process with a `process=<id>` query parameter; the answer is a
/// [`ProcessConnections`] as JSON.
pub const PROCESSES_PATH: &str = "/Contrast/__test/processes";

const POLL: Duration = Duration::from_millis(100);
const MAX_HEAD_BYTES: usize = 64 * 1024;
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
const MAX_LOG: usize = 100_000;

/// How the server behaves beyond checking credentials.
#[derive(Debug, Clone, Default)]
pub struct TestServerOptions {
    /// Require a client certificate issued by the server's CA (mutual TLS).
    pub require_client_certificate: bool,
    /// Refuse reports without a valid signature (otherwise an absent signature is allowed,
    /// and a present one must be valid).
    pub require_signature: bool,
    /// Accept signature headers without verifying them: only for benchmarks that measure
    /// the client's cost alone (the server then does the same work for signed and unsigned
    /// requests). Both credential layers are still checked.
    pub skip_signature_verification: bool,
    /// Where accepted nonces are recorded (e.g. a Redis store shared by several servers);
    /// `None`: in memory, bounded by `replay_capacity`.
    pub replay_store: Option<Arc<dyn ReplayStore>>,
    /// The in-memory replay store's bound when `replay_store` is `None` (0: the verifier's
    /// default, 100,000).
    pub replay_capacity: usize,
    /// Close a keep-alive connection that stays idle this long between requests (sending
    /// `close_notify`, then closing the socket, as nginx does at its `keepalive_timeout`).
    pub idle_timeout: Option<Duration>,
}

/// A fault applied to the next request (other than the statistics endpoint).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status (e.g. 503, 429, 500) without looking at the request.
    Status {
        /// The status.
        status: u16,
        /// `Retry-After` in seconds, if any.
        retry_after: Option<u64>,
    },
    /// Close the connection without answering.
    CloseBeforeResponse,
    /// Accept the report, then close the connection halfway through the response.
    CloseMidResponse,
    /// Wait this long before handling the request normally.
    Delay(Duration),
}

/// Counters of everything the server saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ServerStats {
    /// TCP connections accepted.
    pub connections: u64,
    /// TLS handshakes completed.
    pub tls_handshakes: u64,
    /// Requests parsed (statistics requests excluded).
    pub requests: u64,
    /// Requests accepted (2xx), duplicates included.
    pub accepted: u64,
    /// Accepted requests whose report id had been accepted before.
    pub duplicates: u64,
    /// Requests refused with 401 (replays included).
    pub rejected: u64,
    /// Of those: no matching `Authorization` (layer 1: user name and service key).
    pub rejected_service_key: u64,
    /// Of those: no matching `API-Key` (layer 2).
    pub rejected_api_key: u64,
    /// Of those: a missing or invalid signature.
    pub rejected_signature: u64,
    /// Of those: a valid signature whose nonce was already recorded (a replay).
    pub replayed: u64,
    /// Requests answered 503 because the replay store could not answer (full, unreachable,
    /// timeout, out of memory, cluster down): never accepted, to be retried.
    pub store_errors: u64,
    /// Times the accepted credentials were replaced ([`TestServer::set_accepted`]).
    pub reloads: u64,
    /// Faults applied.
    pub faults: u64,
    /// Keep-alive connections closed by the server after `idle_timeout`.
    pub idle_closes: u64,
    /// `close_notify` alerts received from clients (a client that only closes its socket
    /// sends none).
    pub close_notifies: u64,
    /// Connections that ended with a TLS error after the handshake (a bad record MAC: two
    /// writers on one TLS session, or a corrupted record).
    pub tls_errors: u64,
}

/// Which connections carried the reports of which client process (from the reports'
/// `process=<id>` query parameter): proves that processes do not share connections.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProcessConnections {
    /// Distinct process ids seen.
    pub processes: u64,
    /// Distinct connections that carried a tagged report.
    pub connections: u64,
    /// Connections that carried reports of more than one process.
    pub shared_connections: u64,
    /// The most connections one process used.
    pub most_connections_per_process: u64,
    /// The fewest connections one process used.
    pub fewest_connections_per_process: u64,
    /// Reports (accepted or not) per process id.
    pub reports: std::collections::BTreeMap<String, u64>,
}

/// One request as the server saw it (no secret values).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceivedReport {
    /// The method.
    pub method: String,
    /// The path, query included.
    pub target: String,
    /// `X-Contrast-Report-Id`, if sent.
    pub report_id: Option<String>,
    /// `User-Agent`, if sent.
    pub user_agent: Option<String>,
    /// `Content-Encoding`, if sent.
    pub content_encoding: Option<String>,
    /// Signature labels present in `Signature-Input` (e.g. `contrast`, `contrast-prev`).
    pub signature_labels: Vec<String>,
    /// The `nonce` parameter of the first signature, if any (differs on every attempt).
    pub signature_nonce: Option<String>,
    /// Body length as sent.
    pub body_len: usize,
    /// The status answered.
    pub status: u16,
    /// The connection it came on (numbered from 1 in the order accepted).
    pub connection: u64,
    /// Why it was refused, if it was (e.g. `service_key`, `api_key`, `signature: ...`).
    pub rejection: Option<String>,
}

#[derive(Default)]
struct Counters {
    connections: AtomicU64,
    tls_handshakes: AtomicU64,
    requests: AtomicU64,
    accepted: AtomicU64,
    duplicates: AtomicU64,
    rejected: AtomicU64,
    rejected_service_key: AtomicU64,
    rejected_api_key: AtomicU64,
    rejected_signature: AtomicU64,
    replayed: AtomicU64,
    store_errors: AtomicU64,
    reloads: AtomicU64,
    faults: AtomicU64,
    idle_closes: AtomicU64,
    close_notifies: AtomicU64,
    tls_errors: AtomicU64,
}

struct Shared {
    url: String,
    options: TestServerOptions,
    keys: ArcSwap<KeyRing>,
    /// Serializes replacements of `keys` (requests never take it).
    updating: Mutex<()>,
    verifier: Verifier,
    faults: Mutex<VecDeque<Fault>>,
    counters: Counters,
    deliveries: Mutex<HashMap<String, u32>>,
    log: Mutex<Vec<ReceivedReport>>,
    clock_offset: AtomicI64,
    shutdown: AtomicBool,
}

/// A running test server. Stops when dropped (or on [`TestServer::shutdown`]).
pub struct TestServer {
    shared: Arc<Shared>,
    address: SocketAddr,
    authority: TestAuthority,
    acceptor: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for TestServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestServer")
            .field("url", &self.shared.url)
            .finish_non_exhaustive()
    }
}

impl TestServer {
    /// Starts a server on `127.0.0.1` with an ephemeral port, accepting `accepted`.
    pub fn start(
        accepted: Vec<AcceptedCredentials>,
        options: TestServerOptions,
    ) -> io::Result<TestServer> {
        let authority = TestAuthority::new("contrast-auth test CA")?;
        let identity = authority.issue_server()?;
        let config = authority.server_config(&identity, options.require_client_certificate)?;
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let address = listener.local_addr()?;
        let url = format!("https://127.0.0.1:{}{BASE_PATH}", address.port());
        let keys = KeyRing::new(&url, &accepted).map_err(config_to_io)?;
        let verifier_options = VerifierOptions {
            replay_capacity: match options.replay_capacity {
                0 => VerifierOptions::default().replay_capacity,
                n => n,
            },
            ..VerifierOptions::default()
        };
        let verifier = match &options.replay_store {
            Some(store) => Verifier::with_replay_store(verifier_options, store.clone()),
            None => Verifier::new(verifier_options),
        }
        .map_err(io::Error::other)?;
        verifier.set_signing_keys(keys.verifier_keys());
        let shared = Arc::new(Shared {
            url,
            options,
            keys: ArcSwap::from_pointee(keys),
            updating: Mutex::new(()),
            verifier,
            faults: Mutex::new(VecDeque::new()),
            counters: Counters::default(),
            deliveries: Mutex::new(HashMap::new()),
            log: Mutex::new(Vec::new()),
            clock_offset: AtomicI64::new(0),
            shutdown: AtomicBool::new(false),
        });
        let acceptor = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("test-server-accept".into())
                .spawn(move || accept_loop(listener, shared, config))?
        };
        Ok(TestServer {
            shared,
            address,
            authority,
            acceptor: Some(acceptor),
        })
    }

    /// The API URL to configure (`https://127.0.0.1:PORT/Contrast`).
    pub fn url(&self) -> &str {
        &self.shared.url
    }

    /// The socket address listened on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The CA certificate (PEM) that issued the server certificate.
    pub fn ca_pem(&self) -> &str {
        self.authority.certificate_pem()
    }

    /// The CA certificate, DER (a trust anchor as hosts hand it over).
    pub fn ca_der(&self) -> &[u8] {
        self.authority.certificate_der()
    }

    /// Writes the CA certificate to `path` (for `api.certificate.ca_file`).
    pub fn write_ca_file(&self, path: &Path) -> io::Result<()> {
        std::fs::write(path, self.ca_pem())
    }

    /// Another server certificate and key for `127.0.0.1` and `localhost`, issued by the
    /// server's CA (for a reverse proxy in front of the server that clients must trust).
    pub fn issue_server_identity(&self) -> io::Result<Identity> {
        self.authority.issue_server()
    }

    /// A client certificate and key issued by the server's CA (for mutual TLS).
    pub fn issue_client_identity(&self, common_name: &str) -> io::Result<Identity> {
        self.authority.issue_client(common_name)
    }

    /// Replaces the accepted credentials (give two sets during a rotation). The new set is
    /// built without blocking requests, the verifier gains the new keys one by one, the set is
    /// swapped in, then the keys no longer accepted are removed.
    pub fn set_accepted(&self, accepted: &[AcceptedCredentials]) -> Result<(), ConfigError> {
        let ring = Arc::new(KeyRing::new(&self.shared.url, accepted)?);
        let _one_at_a_time = self
            .shared
            .updating
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let old = self.shared.keys.load_full();
        ring.update_verifier(&old, &self.shared.verifier);
        self.shared.keys.store(ring);
        self.shared.counters.reloads.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Queues a fault for the next request; faults apply in order, one per request.
    pub fn inject(&self, fault: Fault) {
        self.shared
            .faults
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push_back(fault);
    }

    /// Makes the server's clock (its `Date` header and signature checks) run `seconds` ahead
    /// of the real one (negative: behind).
    pub fn set_clock_offset(&self, seconds: i64) {
        self.shared.clock_offset.store(seconds, Ordering::Relaxed);
    }

    /// The counters so far.
    pub fn stats(&self) -> ServerStats {
        self.shared.stats()
    }

    /// Which connections carried which client process's reports (see [`PROCESSES_PATH`]).
    pub fn process_connections(&self) -> ProcessConnections {
        self.shared.process_connections()
    }

    /// How many times each report id was accepted.
    pub fn deliveries(&self) -> HashMap<String, u32> {
        self.shared
            .deliveries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Every request seen so far, in order (up to 100,000).
    pub fn received(&self) -> Vec<ReceivedReport> {
        self.shared
            .log
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Stops accepting connections; open connections close within a fraction of a second.
    pub fn shutdown(&mut self) {
        self.shared.shutdown.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.address, Duration::from_secs(1));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn config_to_io(e: ConfigError) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, e.to_string())
}

impl Shared {
    fn stats(&self) -> ServerStats {
        let c = &self.counters;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        ServerStats {
            connections: get(&c.connections),
            tls_handshakes: get(&c.tls_handshakes),
            requests: get(&c.requests),
            accepted: get(&c.accepted),
            duplicates: get(&c.duplicates),
            rejected: get(&c.rejected),
            rejected_service_key: get(&c.rejected_service_key),
            rejected_api_key: get(&c.rejected_api_key),
            rejected_signature: get(&c.rejected_signature),
            replayed: get(&c.replayed),
            store_errors: get(&c.store_errors),
            reloads: get(&c.reloads),
            faults: get(&c.faults),
            idle_closes: get(&c.idle_closes),
            close_notifies: get(&c.close_notifies),
            tls_errors: get(&c.tls_errors),
        }
    }

    fn process_connections(&self) -> ProcessConnections {
        use std::collections::{BTreeMap, BTreeSet};
        let log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        let mut by_process: BTreeMap<String, BTreeSet<u64>> = BTreeMap::new();
        let mut by_connection: BTreeMap<u64, BTreeSet<String>> = BTreeMap::new();
        let mut reports = BTreeMap::new();
        for report in log.iter() {
            let Some(process) = report
                .target
                .split_once('?')
                .and_then(|(_, query)| query.split('&').find_map(|p| p.strip_prefix("process=")))
            else {
                continue;
            };
            by_process
                .entry(process.to_string())
                .or_default()
                .insert(report.connection);
            by_connection
                .entry(report.connection)
                .or_default()
                .insert(process.to_string());
            *reports.entry(process.to_string()).or_insert(0) += 1;
        }
        let per_process = || by_process.values().map(|c| c.len() as u64);
        ProcessConnections {
            processes: by_process.len() as u64,
            connections: by_connection.len() as u64,
            shared_connections: by_connection.values().filter(|p| p.len() > 1).count() as u64,
            most_connections_per_process: per_process().max().unwrap_or(0),
            fewest_connections_per_process: per_process().min().unwrap_or(0),
            reports,
        }
    }

    fn now(&self) -> u64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0) as i64;
        (real + self.clock_offset.load(Ordering::Relaxed)).max(0) as u64
    }

    fn stopping(&self) -> bool {
        self.shutdown.load(Ordering::Relaxed)
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>, config: Arc<rustls::ServerConfig>) {
    for stream in listener.incoming() {
        if shared.stopping() {
            return;
        }
        let Ok(stream) = stream else { continue };
        let number = shared.counters.connections.fetch_add(1, Ordering::Relaxed) + 1;
        let shared = shared.clone();
        let config = config.clone();
        let _ = std::thread::Builder::new()
            .name("test-server-conn".into())
            .spawn(move || {
                if let Err(e) = serve_connection(&shared, config, stream, number) {
                    let tls_error = e
                        .get_ref()
                        .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some());
                    if tls_error && e.kind() == io::ErrorKind::InvalidData {
                        shared.counters.tls_errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
    }
}

type TlsStream = rustls::StreamOwned<rustls::ServerConnection, TcpStream>;

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

fn serve_connection(
    shared: &Shared,
    config: Arc<rustls::ServerConfig>,
    tcp: TcpStream,
    number: u64,
) -> io::Result<()> {
    tcp.set_read_timeout(Some(POLL))?;
    tcp.set_nodelay(true)?;
    let connection = rustls::ServerConnection::new(config).map_err(io::Error::other)?;
    let mut tls = rustls::StreamOwned::new(connection, tcp);
    while tls.conn.is_handshaking() {
        match tls.conn.complete_io(&mut tls.sock) {
            Ok(_) => {}
            Err(e) if is_timeout(&e) && !shared.stopping() => {}
            Err(e) => {
                linger_after_failed_handshake(&mut tls);
                return Err(e);
            }
        }
    }
    shared
        .counters
        .tls_handshakes
        .fetch_add(1, Ordering::Relaxed);
    let mut buffer = Vec::new();
    loop {
        let idle_until = shared
            .options
            .idle_timeout
            .map(|idle| std::time::Instant::now() + idle);
        let request = match read_request(shared, &mut tls, &mut buffer, idle_until)? {
            Next::Request(request) => request,
            Next::Closed => return Ok(()),
            Next::Idle => {
                shared.counters.idle_closes.fetch_add(1, Ordering::Relaxed);
                tls.conn.send_close_notify();
                let _ = tls.flush();
                return Ok(());
            }
        };
        if !handle(shared, &mut tls, *request, number)? {
            tls.conn.send_close_notify();
            let _ = tls.flush();
            return Ok(());
        }
    }
}

/// After a failed handshake (e.g. a missing client certificate under TLS 1.3, detected
/// only after the client's first flight), sends the alert and keeps the socket open briefly,
/// so the client reads the alert instead of failing its write with a broken pipe.
fn linger_after_failed_handshake(tls: &mut TlsStream) {
    while tls.conn.wants_write() {
        if tls.conn.write_tls(&mut tls.sock).is_err() {
            return;
        }
    }
    let _ = tls.sock.set_read_timeout(Some(Duration::from_secs(1)));
    let mut sink = [0u8; 4096];
    while matches!(tls.sock.read(&mut sink), Ok(n) if n > 0) {}
}

/// What the connection gave next.
enum Next {
    Request(Box<Request>),
    /// The client closed it (or the server is stopping, or answered an unusable request).
    Closed,
    /// No request began before the idle deadline.
    Idle,
}

/// Reads more bytes: `Ok(None)` when no byte came before `idle_until`, `Ok(Some(false))` at
/// the end of the stream.
fn read_more(
    shared: &Shared,
    tls: &mut TlsStream,
    buffer: &mut Vec<u8>,
    idle_until: Option<std::time::Instant>,
) -> io::Result<Option<bool>> {
    let mut chunk = [0u8; 4096];
    loop {
        match tls.read(&mut chunk) {
            Ok(0) => {
                // A clean end: the client sent close_notify (a client that only closes its
                // socket makes rustls report an unexpected end of file instead).
                shared
                    .counters
                    .close_notifies
                    .fetch_add(1, Ordering::Relaxed);
                return Ok(Some(false));
            }
            Ok(n) => {
                buffer.extend_from_slice(&chunk[..n]);
                return Ok(Some(true));
            }
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(Some(false)),
            Err(e) if is_timeout(&e) && !shared.stopping() => {
                if idle_until.is_some_and(|at| std::time::Instant::now() >= at) {
                    return Ok(None);
                }
            }
            Err(e) if is_timeout(&e) => return Ok(Some(false)),
            Err(e) => return Err(e),
        }
    }
}

/// Reads the next request; `idle_until` bounds the wait for its first byte.
fn read_request(
    shared: &Shared,
    tls: &mut TlsStream,
    buffer: &mut Vec<u8>,
    idle_until: Option<std::time::Instant>,
) -> io::Result<Next> {
    loop {
        if !buffer.is_empty() {
            let mut headers = [httparse::EMPTY_HEADER; 64];
            let mut parsed = httparse::Request::new(&mut headers);
            match parsed.parse(buffer) {
                Ok(httparse::Status::Complete(head_len)) => {
                    let mut request = Request {
                        method: parsed.method.unwrap_or_default().to_string(),
                        target: parsed.path.unwrap_or_default().to_string(),
                        host: None,
                        headers: Default::default(),
                        body: Vec::new(),
                    };
                    for h in parsed.headers.iter() {
                        // Keep only the headers the server looks at.
                        let Some(index) = KEPT_HEADERS
                            .iter()
                            .position(|k| k.eq_ignore_ascii_case(h.name))
                        else {
                            continue;
                        };
                        let value = match std::str::from_utf8(h.value) {
                            Ok(text) => text.to_owned(),
                            Err(_) => String::from_utf8_lossy(h.value).into_owned(),
                        };
                        if KEPT_HEADERS[index] == "host" {
                            request.host = Some(value.clone());
                        }
                        request.headers[index] = Some(value);
                    }
                    if request.header("transfer-encoding").is_some() {
                        write_response(
                            tls,
                            501,
                            &[],
                            b"{\"error\":\"chunked bodies are not supported\"}",
                            false,
                            shared.now(),
                        )?;
                        return Ok(Next::Closed);
                    }
                    let length: usize = match request.header("content-length").map(str::parse) {
                        None => 0,
                        Some(Ok(n)) if n <= MAX_BODY_BYTES => n,
                        Some(_) => {
                            write_response(
                                tls,
                                413,
                                &[],
                                b"{\"error\":\"bad content length\"}",
                                false,
                                shared.now(),
                            )?;
                            return Ok(Next::Closed);
                        }
                    };
                    while buffer.len() < head_len + length {
                        if read_more(shared, tls, buffer, None)? != Some(true) {
                            return Ok(Next::Closed);
                        }
                    }
                    request.body = buffer[head_len..head_len + length].to_vec();
                    buffer.drain(..head_len + length);
                    return Ok(Next::Request(Box::new(request)));
                }
                Ok(httparse::Status::Partial) if buffer.len() > MAX_HEAD_BYTES => {
                    write_response(
                        tls,
                        431,
                        &[],
                        b"{\"error\":\"header too large\"}",
                        false,
                        shared.now(),
                    )?;
                    return Ok(Next::Closed);
                }
                Ok(httparse::Status::Partial) => {}
                Err(_) => {
                    write_response(
                        tls,
                        400,
                        &[],
                        b"{\"error\":\"malformed request\"}",
                        false,
                        shared.now(),
                    )?;
                    return Ok(Next::Closed);
                }
            }
        }
        let idle_until = if buffer.is_empty() { idle_until } else { None };
        match read_more(shared, tls, buffer, idle_until)? {
            Some(true) => {}
            Some(false) => return Ok(Next::Closed),
            None => return Ok(Next::Idle),
        }
    }
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn write_response(
    tls: &mut TlsStream,
    status: u16,
    extra: &[(&str, String)],
    body: &[u8],
    cut_in_half: bool,
    now: u64,
) -> io::Result<()> {
    let mut out = format!(
        "HTTP/1.1 {status} {}\r\nDate: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        reason_phrase(status),
        http_date::format(now),
        body.len()
    )
    .into_bytes();
    for (name, value) in extra {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    if cut_in_half {
        out.truncate(out.len() / 2);
    }
    tls.write_all(&out)?;
    tls.flush()
}

fn json(value: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

/// A request the server refuses after reading it: recorded with its reason, answered with
/// `{"success": false, "messages": [message], "reason": ...}` (and `"replayed": true` for a
/// replay).
struct Refusal {
    status: u16,
    message: &'static str,
    reason: String,
    replayed: bool,
}

impl Refusal {
    /// Records the refusal and writes its response; returns whether to keep the connection.
    fn send(
        self,
        shared: &Shared,
        tls: &mut TlsStream,
        mut record: ReceivedReport,
        extra: &[(&str, String)],
        cut_in_half: bool,
    ) -> io::Result<bool> {
        let mut body = serde_json::json!({
            "success": false,
            "messages": [self.message],
            "reason": self.reason,
        });
        if self.replayed {
            body["replayed"] = serde_json::Value::Bool(true);
        }
        record.status = self.status;
        record.rejection = Some(self.reason);
        shared.record(record);
        write_response(
            tls,
            self.status,
            extra,
            &json(&body),
            cut_in_half,
            shared.now(),
        )?;
        Ok(!cut_in_half)
    }
}

/// Handles one request; returns whether to keep the connection open.
fn handle(
    shared: &Shared,
    tls: &mut TlsStream,
    request: Request,
    connection: u64,
) -> io::Result<bool> {
    let path = request.target.split('?').next().unwrap_or_default();
    if path == STATS_PATH {
        let body = serde_json::to_vec(&shared.stats()).unwrap_or_default();
        write_response(tls, 200, &[], &body, false, shared.now())?;
        return Ok(true);
    }
    if path == PROCESSES_PATH {
        let body = serde_json::to_vec(&shared.process_connections()).unwrap_or_default();
        write_response(tls, 200, &[], &body, false, shared.now())?;
        return Ok(true);
    }
    shared.counters.requests.fetch_add(1, Ordering::Relaxed);
    let mut record = ReceivedReport {
        method: request.method.clone(),
        target: request.target.clone(),
        report_id: request.header("x-contrast-report-id").map(str::to_string),
        user_agent: request.header("user-agent").map(str::to_string),
        content_encoding: request.header("content-encoding").map(str::to_string),
        signature_labels: request
            .header("signature-input")
            .map(verification::labels)
            .unwrap_or_default(),
        signature_nonce: request
            .header("signature-input")
            .and_then(verification::nonce),
        body_len: request.body.len(),
        status: 0,
        connection,
        rejection: None,
    };
    let fault = shared
        .faults
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .pop_front();
    let mut cut_in_half = false;
    if let Some(fault) = fault {
        shared.counters.faults.fetch_add(1, Ordering::Relaxed);
        match fault {
            Fault::Status {
                status,
                retry_after,
            } => {
                let extra: Vec<(&str, String)> = retry_after
                    .map(|s| ("Retry-After", s.to_string()))
                    .into_iter()
                    .collect();
                record.status = status;
                record.rejection = Some(format!("fault: status {status}"));
                shared.record(record);
                let body =
                    json(&serde_json::json!({"success": false, "messages": ["injected fault"]}));
                write_response(tls, status, &extra, &body, false, shared.now())?;
                return Ok(true);
            }
            Fault::CloseBeforeResponse => {
                record.rejection = Some("fault: closed before response".into());
                shared.record(record);
                return Ok(false);
            }
            Fault::CloseMidResponse => cut_in_half = true,
            Fault::Delay(delay) => std::thread::sleep(delay),
        }
    }
    let check = shared.keys.load().check(
        &request,
        &shared.verifier,
        shared.now(),
        shared.options.require_signature,
        shared.options.skip_signature_verification,
    );
    match check {
        Check::Accepted => {
            shared.counters.accepted.fetch_add(1, Ordering::Relaxed);
            let duplicate = match &record.report_id {
                Some(id) => {
                    let mut deliveries =
                        shared.deliveries.lock().unwrap_or_else(|p| p.into_inner());
                    let count = deliveries.entry(id.clone()).or_insert(0);
                    *count += 1;
                    *count > 1
                }
                None => false,
            };
            if duplicate {
                shared.counters.duplicates.fetch_add(1, Ordering::Relaxed);
            }
            record.status = 200;
            let body = json(&serde_json::json!({
                "success": true,
                "report_id": record.report_id,
                "duplicate": duplicate,
            }));
            shared.record(record);
            write_response(tls, 200, &[], &body, cut_in_half, shared.now())?;
            Ok(!cut_in_half)
        }
        Check::Unavailable(error) => {
            shared.counters.store_errors.fetch_add(1, Ordering::Relaxed);
            let refusal = Refusal {
                status: 503,
                message: "Service temporarily unavailable",
                reason: error.to_string(),
                replayed: false,
            };
            let retry_after = [("Retry-After", "1".to_string())];
            refusal.send(shared, tls, record, &retry_after, cut_in_half)
        }
        Check::Replayed => {
            shared.counters.rejected.fetch_add(1, Ordering::Relaxed);
            shared
                .counters
                .rejected_signature
                .fetch_add(1, Ordering::Relaxed);
            shared.counters.replayed.fetch_add(1, Ordering::Relaxed);
            let refusal = Refusal {
                status: 401,
                message: "Authentication failed",
                reason: Rejection::Signature(crate::signing::VerifyError::Replayed.to_string())
                    .to_string(),
                replayed: true,
            };
            refusal.send(shared, tls, record, &[], cut_in_half)
        }
        Check::Rejected(reason) => {
            shared.counters.rejected.fetch_add(1, Ordering::Relaxed);
            let counter = match reason.layer() {
                "service_key" => &shared.counters.rejected_service_key,
                "api_key" => &shared.counters.rejected_api_key,
                _ => &shared.counters.rejected_signature,
            };
            counter.fetch_add(1, Ordering::Relaxed);
            let refusal = Refusal {
                status: 401,
                message: "Authentication failed",
                reason: reason.to_string(),
                replayed: false,
            };
            refusal.send(shared, tls, record, &[], cut_in_half)
        }
    }
}

impl Shared {
    fn record(&self, report: ReceivedReport) {
        let mut log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        if log.len() < MAX_LOG {
            log.push(report);
        }
    }
}

/// Parses `USER:SERVICE_KEY:API_KEY` (the API key may itself contain `:`).
pub fn parse_accepted(spec: &str) -> Result<AcceptedCredentials, String> {
    let mut parts = spec.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(user), Some(service_key), Some(api_key))
            if !user.is_empty() && !service_key.is_empty() && !api_key.is_empty() =>
        {
            Ok(AcceptedCredentials::new(
                Secret::from(user),
                Secret::from(service_key),
                Secret::from(api_key),
            ))
        }
        _ => Err("expected USER:SERVICE_KEY:API_KEY with three non-empty parts".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_id_header_is_kept() {
        let name = crate::transport::REPORT_ID_HEADER.to_ascii_lowercase();
        assert!(KEPT_HEADERS.contains(&name.as_str()));
        assert_eq!(name, "x-contrast-report-id");
    }

    #[test]
    fn accepted_credentials_parse_and_stay_secret() {
        let accepted = parse_accepted("u5er:SK-VALUE:AK:VALUE").unwrap();
        let shown = format!("{accepted:?}");
        assert!(
            !shown.contains("u5er") && !shown.contains("SK-VALUE") && !shown.contains("AK:VALUE")
        );
        for bad in ["", "a:b", "a::c", ":b:c", "a:b:"] {
            assert!(parse_accepted(bad).is_err(), "{bad}");
        }
    }
}
