//! What to do after a failed attempt: retry with exponential backoff and full jitter,
//! honour `Retry-After`, reload credentials, or give up with a typed error.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ring::rand::{SecureRandom, SystemRandom};

use super::connection::ConnectionUse;
use super::error::SendError;
use super::http_date;
use super::settings::ClientOptions;

/// The decision after one attempt.
pub(super) enum Outcome {
    /// Give up now with this error.
    Fatal(SendError),
    /// The server refused the credentials with this status (401, 403, 412).
    Rejected(u16),
    /// Worth retrying: after `wait` if the server asked for it, else after a backoff.
    Retry {
        error: RetryableError,
        wait: Option<Duration>,
    },
}

/// A failure that may go away, turned into a [`SendError`] when retries run out.
pub(super) enum RetryableError {
    Status(u16),
    Network(String),
    Timeout,
}

impl std::fmt::Display for RetryableError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RetryableError::Status(status) => write!(f, "HTTP {status}"),
            RetryableError::Network(reason) => f.write_str(reason),
            RetryableError::Timeout => f.write_str("timed out"),
        }
    }
}

impl RetryableError {
    pub(super) fn finish(self, attempts: u32, elapsed: Duration) -> SendError {
        match self {
            RetryableError::Status(status) => SendError::Status {
                status,
                retry_after: None,
                attempts,
            },
            RetryableError::Network(reason) => SendError::Network { reason, attempts },
            RetryableError::Timeout => SendError::Timeout { attempts, elapsed },
        }
    }

    pub(super) fn with_retry_after(
        self,
        wait: Duration,
        attempts: u32,
        elapsed: Duration,
    ) -> SendError {
        match self {
            RetryableError::Status(status) => SendError::Status {
                status,
                retry_after: Some(wait),
                attempts,
            },
            other => other.finish(attempts, elapsed),
        }
    }
}

/// Exponential backoff with full jitter: the n-th wait is uniform in `[0, min(max, base·2ⁿ)]`.
pub(super) struct Backoff {
    ceiling: Duration,
    max: Duration,
}

impl Backoff {
    pub(super) fn new(options: &ClientOptions) -> Self {
        Backoff {
            ceiling: options.base_backoff,
            max: options.max_backoff,
        }
    }

    pub(super) fn next_wait(&mut self) -> Duration {
        let ceiling = self.ceiling.min(self.max);
        self.ceiling = self.ceiling.saturating_mul(2);
        let fraction = u64::from_le_bytes(random_bytes::<8>()) as f64 / u64::MAX as f64;
        ceiling.mul_f64(fraction)
    }
}

/// What a non-2xx status means for the report.
pub(super) fn classify_status(status: u16, retry_after: Option<Duration>) -> Outcome {
    match status {
        401 | 403 | 412 => Outcome::Rejected(status),
        408 | 500..=599 => Outcome::Retry {
            error: RetryableError::Status(status),
            wait: if status == 503 { retry_after } else { None },
        },
        429 => Outcome::Retry {
            error: RetryableError::Status(status),
            wait: retry_after,
        },
        _ => Outcome::Fatal(SendError::Status {
            status,
            retry_after: None,
            attempts: 0,
        }),
    }
}

/// Whether `error` is a reused keep-alive connection failing before any response: what a
/// server's idle close (or a load balancer that forgot the connection) looks like to the
/// first request on it. Sent again at once on a new connection, not counted as an attempt.
/// A timeout is not (the server may just be slow), nor a failure after response bytes.
pub(super) fn closed_before_response(error: &ureq::Error, used: ConnectionUse) -> bool {
    use ureq::Error as E;
    if !used.reused || used.answered {
        return false;
    }
    match error {
        E::Io(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
        ),
        E::Rustls(_) | E::Protocol(_) | E::ConnectionFailed => true,
        _ => false,
    }
}

/// A short description of a ureq error for logs (no secrets: OS and TLS messages only).
pub(super) fn describe_error(error: &ureq::Error) -> String {
    match error {
        ureq::Error::Io(e) => format!("I/O error: {e}"),
        other => other.to_string(),
    }
}

/// What a ureq error means for the report; `used` tells a handshake from an established
/// connection.
pub(super) fn classify_error(error: ureq::Error, used: ConnectionUse) -> Outcome {
    use ureq::Error as E;
    let retry = |error| Outcome::Retry { error, wait: None };
    match error {
        E::Timeout(_) => retry(RetryableError::Timeout),
        E::Io(e) => {
            if let Some(tls) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                return Outcome::Fatal(SendError::Tls {
                    reason: tls_reason(tls, used),
                });
            }
            if let Some(failure) = e
                .get_ref()
                .and_then(|i| i.downcast_ref::<super::connection::ResolveFailure>())
            {
                return retry(RetryableError::Network(failure.to_string()));
            }
            match e.kind() {
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                    retry(RetryableError::Timeout)
                }
                // The OS message (e.g. "Connection refused (os error 111)"), never data.
                _ => retry(RetryableError::Network(format!("I/O error: {e}"))),
            }
        }
        E::Rustls(e) => Outcome::Fatal(SendError::Tls {
            reason: tls_reason(&e, used),
        }),
        E::Tls(reason) => Outcome::Fatal(SendError::Tls {
            reason: reason.to_string(),
        }),
        E::Pem(_) => Outcome::Fatal(SendError::Tls {
            reason: "invalid PEM".into(),
        }),
        E::RequireHttpsOnly(_) | E::TlsRequired => {
            Outcome::Fatal(SendError::Config(crate::error::ConfigError::TlsRequired {
                scheme: "http".into(),
                origin: "the request URL".into(),
            }))
        }
        E::BadUri(reason) => Outcome::Fatal(SendError::InvalidRequest {
            reason: format!("bad URI: {reason}"),
        }),
        E::Http(e) => Outcome::Fatal(SendError::InvalidRequest {
            reason: e.to_string(),
        }),
        E::HostNotFound => retry(RetryableError::Network("host not found".into())),
        E::ConnectionFailed => retry(RetryableError::Network("connection failed".into())),
        E::ConnectProxyFailed(_) => retry(RetryableError::Network(
            "the proxy refused the CONNECT request".into(),
        )),
        E::InvalidProxyUrl => Outcome::Fatal(SendError::Config(
            crate::error::ConfigError::InvalidSetting {
                key: crate::config::keys::PROXY_URL,
                reason: "invalid proxy URL".into(),
            },
        )),
        E::Protocol(e) => retry(RetryableError::Network(format!("HTTP protocol error: {e}"))),
        E::BodyExceedsLimit(_) | E::LargeResponseHeader(..) => {
            retry(RetryableError::Network("response too large".into()))
        }
        other => retry(RetryableError::Network(other.to_string())),
    }
}

/// What a TLS failure means. The client-certificate hint only for a certificate alert (the
/// server refusing or requiring a client certificate ends the handshake with one, under
/// TLS 1.3 possibly on the first read after it); a record-level failure on an established
/// connection is named as such.
fn tls_reason(e: &rustls::Error, used: ConnectionUse) -> String {
    let after_handshake = used.established || used.reused;
    match e {
        rustls::Error::InvalidCertificate(c) => {
            format!(
                "the server certificate is not trusted ({c:?}); set api.certificate.ca_file for a private CA"
            )
        }
        rustls::Error::AlertReceived(alert) if is_certificate_alert(*alert) => {
            format!(
                "the server ended the handshake ({alert:?}); a client certificate may be required or refused"
            )
        }
        rustls::Error::AlertReceived(alert) if after_handshake => {
            format!("the server ended the TLS connection after the handshake ({alert:?})")
        }
        rustls::Error::AlertReceived(alert) => {
            format!("the server ended the handshake ({alert:?})")
        }
        other if after_handshake => {
            format!("TLS record error on an established connection: {other}")
        }
        other => other.to_string(),
    }
}

/// Alerts about certificates (RFC 8446 section 6.2): the ones a server sends when it refuses
/// or requires a client certificate.
fn is_certificate_alert(alert: rustls::AlertDescription) -> bool {
    use rustls::AlertDescription as A;
    matches!(
        alert,
        A::BadCertificate
            | A::UnsupportedCertificate
            | A::CertificateRevoked
            | A::CertificateExpired
            | A::CertificateUnknown
            | A::UnknownCA
            | A::AccessDenied
            | A::CertificateRequired
    )
}

/// `Retry-After` as delay-seconds or an HTTP date.
pub(super) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = http_date::parse(value)?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
    Some(Duration::from_secs(at.saturating_sub(now)))
}

/// `N` bytes from the operating system's CSPRNG.
pub(super) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    SystemRandom::new()
        .fill(&mut out)
        .expect("the operating system random source failed");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn backoff_is_bounded_and_grows() {
        let options = ClientOptions {
            base_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(400),
            ..ClientOptions::default()
        };
        let mut backoff = Backoff::new(&options);
        let ceilings = [100, 200, 400, 400, 400];
        for ceiling in ceilings {
            assert!(backoff.next_wait() <= Duration::from_millis(ceiling));
        }
        // Full jitter: over many draws the waits are not all equal.
        let waits: Vec<_> = (0..20)
            .map(|_| Backoff::new(&options).next_wait())
            .collect();
        assert!(waits.iter().any(|w| *w != waits[0]));
    }

    #[test]
    fn only_certificate_alerts_mention_client_certificates() {
        let handshake = ConnectionUse::default();
        let established = ConnectionUse {
            established: true,
            ..ConnectionUse::default()
        };
        let reused = ConnectionUse {
            reused: true,
            ..ConnectionUse::default()
        };
        let alert = |a| rustls::Error::AlertReceived(a);
        use rustls::AlertDescription as A;
        for used in [handshake, established, reused] {
            for a in [A::CertificateRequired, A::BadCertificate, A::UnknownCA] {
                assert!(tls_reason(&alert(a), used).contains("client certificate"));
            }
        }
        let mac = tls_reason(&alert(A::BadRecordMac), reused);
        assert_eq!(
            mac,
            "the server ended the TLS connection after the handshake (BadRecordMac)"
        );
        assert!(!mac.contains("certificate") && !mac.contains("ended the handshake"));
        assert_eq!(
            tls_reason(&alert(A::HandshakeFailure), handshake),
            "the server ended the handshake (HandshakeFailure)"
        );
        let decrypt = tls_reason(&rustls::Error::DecryptError, established);
        assert!(decrypt.starts_with("TLS record error on an established connection"));
    }

    #[test]
    fn only_a_reused_connection_closed_before_a_response_is_reconnected() {
        let reset = || {
            ureq::Error::Io(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "reset",
            ))
        };
        let reused = ConnectionUse {
            reused: true,
            ..ConnectionUse::default()
        };
        assert!(closed_before_response(&reset(), reused));
        let answered = ConnectionUse {
            answered: true,
            ..reused
        };
        assert!(!closed_before_response(&reset(), answered));
        let fresh = ConnectionUse {
            established: true,
            ..ConnectionUse::default()
        };
        assert!(!closed_before_response(&reset(), fresh));
        let timeout = ureq::Error::Io(std::io::ErrorKind::TimedOut.into());
        assert!(!closed_before_response(&timeout, reused));
        assert!(!closed_before_response(
            &ureq::Error::Timeout(ureq::Timeout::RecvResponse),
            reused
        ));
    }

    #[test]
    fn statuses() {
        assert!(matches!(classify_status(401, None), Outcome::Rejected(401)));
        assert!(matches!(classify_status(412, None), Outcome::Rejected(412)));
        assert!(matches!(
            classify_status(503, Some(Duration::from_secs(2))),
            Outcome::Retry { wait: Some(_), .. }
        ));
        assert!(matches!(
            classify_status(500, Some(Duration::from_secs(2))),
            Outcome::Retry { wait: None, .. }
        ));
        assert!(matches!(classify_status(408, None), Outcome::Retry { .. }));
        assert!(matches!(classify_status(404, None), Outcome::Fatal(_)));
        assert!(matches!(classify_status(302, None), Outcome::Fatal(_)));
    }
}
