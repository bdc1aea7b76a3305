//! Sending reports over TLS with ureq and rustls: both credential layers, signatures, a
//! stable report id, retries with backoff, and a credential reload when the server refuses
//! a key.
//!
//! ```no_run
//! use std::sync::Arc;
//! use contrast_auth::{ConfigSources, CredentialStore, HeaderOptions};
//! use contrast_auth::transport::{Client, TransportSettings};
//!
//! let (store, configuration) =
//!     CredentialStore::load(ConfigSources::from_process(), HeaderOptions::default())?;
//! let client = Client::new(Arc::new(store), TransportSettings::from_configuration(&configuration))?;
//! let sent = client.send("POST", "/api/ng/agents/activity", "application/json", b"{}")?;
//! println!("accepted with {} after {} attempt(s)", sent.status, sent.attempts);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod agent;
mod connection;
mod error;
pub mod http_date;
mod retry;
mod settings;

use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ureq::http::{self, HeaderValue};

pub use error::SendError;
pub use settings::{ClientOptions, TransportSettings};

use crate::events::{Level, event, names};
use crate::store::{CredentialStore, Snapshot};
use agent::ProcessAgent;
use connection::ConnectionCounters;
use retry::{Backoff, Outcome};

/// The header carrying the report id, the same on every retry of one report.
pub const REPORT_ID_HEADER: &str = "X-Contrast-Report-Id";

/// A `Date` header further than this from the local clock corrects signature times.
pub const CLOCK_SKEW_THRESHOLD: Duration = Duration::from_secs(5);

/// A report the server acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendResult {
    /// The 2xx status.
    pub status: u16,
    /// Requests made (1 when the first succeeded).
    pub attempts: u32,
    /// The `X-Contrast-Report-Id` sent with every attempt.
    pub report_id: String,
    /// Time from the call to the acknowledgement.
    pub elapsed: Duration,
    /// The generation of the credential snapshot that was accepted.
    pub generation: u64,
    /// Whether credentials were reloaded because the server refused a key.
    pub reloaded: bool,
    /// The response body (cut at `max_response_bytes`).
    pub body: Vec<u8>,
}

/// A response as read by [`Client::exchange`].
struct Exchange {
    status: u16,
    retry_after: Option<Duration>,
    body: Vec<u8>,
}

/// Running totals of one client (for diagnostics and the demo's summary), read without
/// locks (each is an atomic counter; a read is a consistent value per field).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientCounters {
    /// Reports acknowledged.
    pub acknowledged: u64,
    /// Reports that ended in an error.
    pub failed: u64,
    /// Requests made, retries included.
    pub requests: u64,
    /// Requests that were retries.
    pub retries: u64,
    /// Credential reloads after a refused key.
    pub reloads: u64,
    /// New connections, each with a TLS handshake (reused keep-alive connections excluded).
    pub handshakes: u64,
    /// Responses refusing the credentials (401, 403, 412), whether or not a reload helped.
    pub rejections: u64,
    /// Failures on a reused keep-alive connection (closed by the server while idle) that were
    /// sent again at once on a fresh connection, not counted as attempts.
    pub reconnects: u64,
}

#[derive(Default)]
struct Counters {
    acknowledged: AtomicU64,
    failed: AtomicU64,
    requests: AtomicU64,
    retries: AtomicU64,
    reloads: AtomicU64,
    rejections: AtomicU64,
    connections: ConnectionCounters,
}

/// Sends reports to the Contrast server with the store's current credentials.
///
/// One client holds one connection pool: share it (it is `Send + Sync`) so reports reuse
/// keep-alive connections instead of paying a TLS handshake each.
pub struct Client {
    store: Arc<CredentialStore>,
    agent: ProcessAgent,
    settings: TransportSettings,
    signer: Option<signature::ReportSigner>,
    clock_skew: AtomicI64,
    counters: Counters,
    report_ids: ReportIds,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("store", &self.store)
            .field("transport", &self.settings.describe())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for `store`'s server (its `api.url`) with the given transport settings.
    /// Fails on unusable certificate files or proxy settings. A dangerous setting
    /// (`ignore_cert_errors`) is accepted and logged (WARN `tls.verification_disabled`).
    pub fn new(
        store: Arc<CredentialStore>,
        settings: TransportSettings,
    ) -> Result<Client, SendError> {
        let counters = Counters::default();
        let agent = ProcessAgent::new(
            settings.build_agent_counting(&counters.connections)?,
            counters.connections.clone(),
        );
        for warning in settings.warnings() {
            event!(Level::Warn, names::TLS_VERIFICATION_DISABLED, "{warning}");
        }
        let signer = settings
            .options
            .sign
            .then(|| signature::ReportSigner::new(&settings.options));
        Ok(Client {
            store,
            agent,
            settings,
            signer,
            clock_skew: AtomicI64::new(0),
            counters,
            report_ids: ReportIds::new(),
        })
    }

    /// A client without the fork check and connection tracking: NOT fork-safe, no
    /// reconnects. Only for the benchmark that measures what they cost per request
    /// (`benches/transport.rs`); development builds only (feature `test-server`).
    #[doc(hidden)]
    #[cfg(feature = "test-server")]
    pub fn without_fork_check_for_benchmarks(
        store: Arc<CredentialStore>,
        settings: TransportSettings,
    ) -> Result<Client, SendError> {
        let mut client = Client::new(store, settings)?;
        let config = client.agent.get().config().clone();
        let connections = client.counters.connections.clone();
        client.agent = ProcessAgent::unchecked(
            connection::agent_tracking(config, &connections, false),
            connections,
        );
        Ok(client)
    }

    /// The credential store this client reads.
    pub fn store(&self) -> &Arc<CredentialStore> {
        &self.store
    }

    /// The transport settings.
    pub fn settings(&self) -> &TransportSettings {
        &self.settings
    }

    /// Seconds added to the local clock for signature times (learned from `Date` headers).
    pub fn clock_skew(&self) -> i64 {
        self.clock_skew.load(Ordering::Relaxed)
    }

    /// Running totals.
    pub fn counters(&self) -> ClientCounters {
        let c = &self.counters;
        ClientCounters {
            acknowledged: c.acknowledged.load(Ordering::Relaxed),
            failed: c.failed.load(Ordering::Relaxed),
            requests: c.requests.load(Ordering::Relaxed),
            retries: c.retries.load(Ordering::Relaxed),
            reloads: c.reloads.load(Ordering::Relaxed),
            handshakes: c.connections.handshakes.load(Ordering::Relaxed),
            rejections: c.rejections.load(Ordering::Relaxed),
            reconnects: c.connections.reconnects.load(Ordering::Relaxed),
        }
    }

    /// Sends one report: `path` (may carry a query) is joined to `api.url`. Blocks until the
    /// server acknowledges it with a 2xx, or returns why not. Retries transport errors, 408,
    /// 429 and 5xx with backoff; on 401/403/412 reloads credentials once and retries only if
    /// a key changed.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: &[u8],
    ) -> Result<SendResult, SendError> {
        let result = self.send_report(method, path, content_type, body);
        match &result {
            Ok(sent) => {
                self.counters.acknowledged.fetch_add(1, Ordering::Relaxed);
                event!(
                    Level::Trace,
                    names::TRANSPORT_SENT,
                    "report {} acknowledged: HTTP {} after {} attempt(s) in {} ms (generation {})",
                    sent.report_id,
                    sent.status,
                    sent.attempts,
                    sent.elapsed.as_millis(),
                    sent.generation
                );
            }
            Err(error) => {
                self.counters.failed.fetch_add(1, Ordering::Relaxed);
                if let SendError::Tls { reason } = error {
                    event!(
                        Level::Error,
                        names::TLS_HANDSHAKE_FAILED,
                        "TLS with {} failed: {reason}",
                        self.store.load_snapshot().credentials().url()
                    );
                }
                event!(
                    Level::Warn,
                    names::TRANSPORT_FAILED,
                    "{method} {path} not acknowledged: {error}"
                );
            }
        }
        result
    }

    fn send_report(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: &[u8],
    ) -> Result<SendResult, SendError> {
        let started = Instant::now();
        let options = &self.settings.options;
        let method = validate_request(method, path, content_type)?;
        let report_id = self.report_ids.next();
        let (body, gzipped) = match options.gzip_min_bytes {
            Some(min) if body.len() >= min => (std::borrow::Cow::Owned(gzip(body)?), true),
            _ => (std::borrow::Cow::Borrowed(body), false),
        };
        let mut backoff = Backoff::new(options);
        let mut attempts = 0u32;
        let mut reloaded = false;
        let mut generation_retries = 0u32;
        // Set after a reused keep-alive connection failed before any response: the request
        // goes once more, at once, on a new connection, and is not counted as an attempt.
        let mut reconnecting = false;
        loop {
            if !reconnecting {
                attempts += 1;
                self.counters.requests.fetch_add(1, Ordering::Relaxed);
                if attempts > 1 {
                    self.counters.retries.fetch_add(1, Ordering::Relaxed);
                }
            }
            let snapshot = self.store.snapshot();
            let skew_before = self.clock_skew();
            let url = snapshot.credentials().url().join(path);
            let request = self.build_request(
                &method,
                &url,
                content_type,
                &body,
                gzipped,
                &report_id,
                &snapshot,
            )?;
            connection::begin_request(reconnecting);
            let exchanged = self.exchange(request);
            let used = connection::finish_request();
            let outcome = match exchanged {
                Ok(Exchange {
                    status,
                    body: response_body,
                    ..
                }) if (200..300).contains(&status) => {
                    return Ok(SendResult {
                        status,
                        attempts,
                        report_id,
                        elapsed: started.elapsed(),
                        generation: snapshot.generation(),
                        reloaded,
                        body: response_body,
                    });
                }
                Ok(Exchange {
                    status,
                    retry_after,
                    ..
                }) => retry::classify_status(status, retry_after),
                Err(e) if !reconnecting && retry::closed_before_response(&e, used) => {
                    reconnecting = true;
                    let n = self
                        .counters
                        .connections
                        .reconnects
                        .fetch_add(1, Ordering::Relaxed)
                        + 1;
                    event!(
                        Level::Debug,
                        names::TRANSPORT_RECONNECT,
                        "a reused keep-alive connection failed before any response ({}); \
                         sending again on a new connection (reconnect {n} of this client, not \
                         an attempt)",
                        retry::describe_error(&e)
                    );
                    continue;
                }
                Err(e) => retry::classify_error(e, used),
            };
            reconnecting = false;
            match outcome {
                Outcome::Fatal(mut error) => {
                    if let SendError::Status { attempts: a, .. } = &mut error {
                        *a = attempts;
                    }
                    return Err(error);
                }
                Outcome::Rejected(status) => {
                    self.counters.rejections.fetch_add(1, Ordering::Relaxed);
                    let fingerprints = snapshot.fingerprints();
                    let current = self.store.snapshot().generation();
                    if current != snapshot.generation() && generation_retries < 3 {
                        // Rotated while this request was in flight: send with the new keys.
                        generation_retries += 1;
                        event!(
                            Level::Warn,
                            names::TRANSPORT_REJECTED,
                            "HTTP {status} on attempt {attempts} ({fingerprints}); the keys were \
                             rotated meanwhile (generation {current}): sending again"
                        );
                        continue;
                    }
                    let hint = error::rejection_hint(status);
                    if !reloaded {
                        reloaded = true;
                        self.counters.reloads.fetch_add(1, Ordering::Relaxed);
                        let changed = self.store.reload().map(|r| r.changed()).unwrap_or(false);
                        // Another thread's reload may have swapped the keys meanwhile.
                        let moved = self.store.snapshot().generation() != snapshot.generation();
                        let skew_corrected = self.clock_skew() != skew_before;
                        if changed || moved || skew_corrected {
                            event!(
                                Level::Warn,
                                names::TRANSPORT_REJECTED,
                                "HTTP {status} on attempt {attempts} ({fingerprints}): {hint}; \
                                 credentials reloaded, sending again"
                            );
                            continue;
                        }
                    }
                    event!(
                        Level::Warn,
                        names::TRANSPORT_REJECTED,
                        "HTTP {status} on attempt {attempts} ({fingerprints}): {hint}; no other \
                         credentials to try"
                    );
                    return Err(SendError::CredentialsRejected {
                        status,
                        fingerprints,
                        hint,
                        attempts,
                    });
                }
                Outcome::Retry { error, wait } => {
                    let elapsed = started.elapsed();
                    let remaining = options.deadline.saturating_sub(elapsed);
                    if attempts >= options.max_attempts || remaining.is_zero() {
                        return Err(error.finish(attempts, elapsed));
                    }
                    let (wait, why) = match wait {
                        Some(asked) if asked > remaining => {
                            return Err(error.with_retry_after(asked, attempts, elapsed));
                        }
                        Some(asked) => (asked, "as the server asked (Retry-After)"),
                        None => (backoff.next_wait().min(remaining), "backoff"),
                    };
                    event!(
                        Level::Debug,
                        names::TRANSPORT_RETRY,
                        "attempt {attempts} of {} failed ({error}); retrying in {} ms ({why})",
                        options.max_attempts,
                        wait.as_millis()
                    );
                    std::thread::sleep(wait);
                }
            }
        }
    }

    /// Runs one request on this process's agent and reads the response (body cut at
    /// `max_response_bytes`), learning the server's clock from its `Date` header.
    fn exchange(&self, request: http::Request<&[u8]>) -> Result<Exchange, ureq::Error> {
        let mut response = self.agent.get().run(request)?;
        self.learn_clock(response.headers());
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(retry::parse_retry_after);
        let body = response
            .body_mut()
            .with_config()
            .limit(self.settings.options.max_response_bytes)
            .read_to_vec()?;
        Ok(Exchange {
            status,
            retry_after,
            body,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn build_request<'b>(
        &self,
        method: &http::Method,
        url: &str,
        content_type: &str,
        body: &'b [u8],
        gzipped: bool,
        report_id: &str,
        snapshot: &Snapshot,
    ) -> Result<http::Request<&'b [u8]>, SendError> {
        use http::header::{self, HeaderName};
        let invalid = |what: &str| SendError::InvalidRequest {
            reason: format!("{what} is not a valid header value"),
        };
        let auth = snapshot.headers();
        let mut headers = http::HeaderMap::with_capacity(12);
        headers.insert(
            header::AUTHORIZATION,
            sensitive(auth.authorization().expose_secret())?,
        );
        headers.insert(
            HeaderName::from_static("api-key"),
            sensitive(auth.api_key().expose_secret())?,
        );
        headers.insert(header::ACCEPT, HeaderValue::from_static(auth.accept()));
        headers.insert(
            header::USER_AGENT,
            HeaderValue::from_static(auth.user_agent()),
        );
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(content_type).map_err(|_| invalid("the content type"))?,
        );
        headers.insert(
            HeaderName::from_static("x-contrast-report-id"),
            HeaderValue::from_str(report_id).map_err(|_| invalid("the report id"))?,
        );
        if gzipped {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        if let Some(signer) = &self.signer {
            let created = self.now();
            let grace = self.settings.options.previous_key_grace;
            let previous = if grace.is_zero() {
                None
            } else {
                self.store
                    .previous(grace)
                    .filter(|p| p.generation() != snapshot.generation())
            };
            let signed = signer.sign(
                method.as_str(),
                url,
                content_type,
                body,
                snapshot,
                previous.as_deref(),
                created,
            )?;
            for (name, value) in [
                ("content-digest", signed.content_digest),
                ("signature-input", signed.signature_input),
                ("signature", signed.signature),
            ] {
                headers.insert(
                    HeaderName::from_static(name),
                    HeaderValue::try_from(value).map_err(|_| invalid(name))?,
                );
            }
        }
        let uri: http::Uri = url.parse().map_err(|_| SendError::InvalidRequest {
            reason: "the URL is not valid".into(),
        })?;
        let mut request = http::Request::new(body);
        *request.method_mut() = method.clone();
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        Ok(request)
    }

    /// The local Unix time corrected by the learned clock skew.
    fn now(&self) -> u64 {
        let local = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0) as i64;
        (local + self.clock_skew()).max(0) as u64
    }

    fn learn_clock(&self, headers: &http::HeaderMap) {
        let Some(server) = headers
            .get("date")
            .and_then(|v| v.to_str().ok())
            .and_then(http_date::parse)
        else {
            return;
        };
        let local = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0) as i64;
        let difference = server as i64 - local;
        let skew = if difference.unsigned_abs() > CLOCK_SKEW_THRESHOLD.as_secs() {
            difference
        } else {
            0
        };
        let before = self.clock_skew.swap(skew, Ordering::Relaxed);
        if before != skew {
            if skew == 0 {
                event!(
                    Level::Info,
                    names::TRANSPORT_CLOCK_SKEW,
                    "the server clock agrees with the local clock again; signature times are no \
                     longer corrected (was {before:+} s)"
                );
            } else {
                event!(
                    Level::Info,
                    names::TRANSPORT_CLOCK_SKEW,
                    "the server clock is {skew:+} s from the local clock (Date header); \
                     signature times are corrected by {skew:+} s"
                );
            }
        }
    }
}

fn sensitive(value: &str) -> Result<HeaderValue, SendError> {
    let mut header = HeaderValue::from_str(value).map_err(|_| SendError::InvalidRequest {
        reason: "a credential is not a valid header value".into(),
    })?;
    header.set_sensitive(true);
    Ok(header)
}

fn validate_request(
    method: &str,
    path: &str,
    content_type: &str,
) -> Result<http::Method, SendError> {
    let invalid = |reason: String| SendError::InvalidRequest { reason };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(invalid(format!(
            "method {method:?} is not an upper-case HTTP method"
        )));
    }
    let method = http::Method::from_bytes(method.as_bytes())
        .map_err(|_| invalid(format!("method {method:?} is not valid")))?;
    if !path.starts_with('/') {
        return Err(invalid("path must start with `/`".into()));
    }
    if let Some(c) = path.chars().find(|c| c.is_control() || c.is_whitespace()) {
        return Err(invalid(format!(
            "path contains {} (U+{:04X})",
            if c.is_control() {
                "a control character"
            } else {
                "white space"
            },
            c as u32
        )));
    }
    if path.contains('#') {
        return Err(invalid("path must not contain a fragment (`#`)".into()));
    }
    if content_type.is_empty() {
        return Err(invalid("content type is empty".into()));
    }
    if content_type.chars().any(|c| c.is_control()) {
        return Err(invalid(
            "content type contains a control character (CR or LF?)".into(),
        ));
    }
    Ok(method)
}

/// Report ids: a random 64-bit prefix per client and a counter, as 32 lower-case hex
/// digits. Unique per report, the same across its retries, one random draw per client.
struct ReportIds {
    prefix: u64,
    counter: AtomicU64,
}

impl ReportIds {
    fn new() -> Self {
        ReportIds {
            prefix: u64::from_le_bytes(retry::random_bytes::<8>()),
            counter: AtomicU64::new(u64::from_le_bytes(retry::random_bytes::<8>())),
        }
    }

    fn next(&self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let mut out = String::with_capacity(32);
        for word in [self.prefix, n] {
            for shift in (0..16).rev() {
                out.push(HEX[((word >> (shift * 4)) & 0xf) as usize] as char);
            }
        }
        out
    }
}

fn gzip(body: &[u8]) -> Result<Vec<u8>, SendError> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 2 + 64),
        flate2::Compression::fast(),
    );
    encoder
        .write_all(body)
        .and_then(|_| encoder.finish())
        .map_err(|e| SendError::InvalidRequest {
            reason: format!("cannot gzip the body: {e}"),
        })
}

/// Report signing with [`crate::signing`]: a fresh `created` and nonce on every attempt.
mod signature {
    use super::{ClientOptions, SendError, Snapshot};
    use crate::signing::{Message, SignatureHeaders, Signer, SignerOptions};

    pub(super) struct ReportSigner(Signer);

    impl ReportSigner {
        pub(super) fn new(options: &ClientOptions) -> Self {
            ReportSigner(Signer::new(SignerOptions {
                validity: options.signature_validity,
                previous_grace: options.previous_key_grace,
            }))
        }

        #[allow(clippy::too_many_arguments)]
        pub(super) fn sign(
            &self,
            method: &str,
            url: &str,
            content_type: &str,
            body: &[u8],
            current: &Snapshot,
            previous: Option<&Snapshot>,
            created: u64,
        ) -> Result<SignatureHeaders, SendError> {
            let message = Message {
                method,
                url,
                content_type,
                body,
            };
            self.0
                .sign(&message, current, previous, created)
                .map_err(|e| SendError::Signing {
                    reason: e.to_string(),
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_are_shared_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Client>();
        assert_send_sync::<SendError>();
    }

    #[test]
    fn report_ids_are_32_hex_digits_and_unique() {
        let ids = ReportIds::new();
        let other = ReportIds::new();
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1000 {
            let id = ids.next();
            assert_eq!(id.len(), 32);
            assert!(
                id.bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            );
            assert!(seen.insert(id));
        }
        assert!(seen.insert(other.next()), "another client's ids differ");
        assert_ne!(ids.next()[..16], other.next()[..16]);
    }
}
