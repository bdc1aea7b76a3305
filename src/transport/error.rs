//! Why a report was not acknowledged. No variant ever carries a secret value: statuses,
//! fingerprints, key names and reasons only.

use std::fmt;
use std::time::Duration;

use crate::error::ConfigError;
use crate::store::Fingerprints;

/// A report that was not acknowledged by the server, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SendError {
    /// The configuration (URL, proxy, certificate files, timeouts) is unusable.
    Config(ConfigError),
    /// The request itself is invalid (method, path or content type), before anything is sent.
    InvalidRequest {
        /// What is wrong.
        reason: String,
    },
    /// The server refused the credentials (401, 403 or 412) even after a reload.
    CredentialsRejected {
        /// The HTTP status.
        status: u16,
        /// Fingerprints of the credentials that were sent (safe to log).
        fingerprints: Fingerprints,
        /// What to check.
        hint: &'static str,
        /// Requests made for this report.
        attempts: u32,
    },
    /// The server answered with a status that is not retried, or retries ran out.
    Status {
        /// The HTTP status.
        status: u16,
        /// The server's `Retry-After`, when it asked for one longer than the deadline left.
        retry_after: Option<Duration>,
        /// Requests made for this report.
        attempts: u32,
    },
    /// The server could not be reached or the connection failed, after all retries.
    Network {
        /// What failed (no secrets).
        reason: String,
        /// Requests made for this report.
        attempts: u32,
    },
    /// TLS failed: the server certificate is not trusted, the server refused or required a
    /// client certificate, or a TLS record failed on an established connection.
    Tls {
        /// What failed.
        reason: String,
    },
    /// Connect or read timed out on every attempt, or the overall deadline passed.
    Timeout {
        /// Requests made for this report.
        attempts: u32,
        /// Time spent on the report.
        elapsed: Duration,
    },
    /// The report could not be signed.
    Signing {
        /// What failed.
        reason: String,
    },
}

impl SendError {
    /// The status a server answered with, if the failure came from a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            SendError::CredentialsRejected { status, .. } | SendError::Status { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// A short stable name for the kind of failure (for logs, JSON and bindings).
    pub fn kind(&self) -> &'static str {
        match self {
            SendError::Config(_) => "config",
            SendError::InvalidRequest { .. } => "invalid_request",
            SendError::CredentialsRejected { .. } => "credentials_rejected",
            SendError::Status { .. } => "status",
            SendError::Network { .. } => "network",
            SendError::Tls { .. } => "tls",
            SendError::Timeout { .. } => "timeout",
            SendError::Signing { .. } => "signing",
        }
    }
}

/// The hint given with a rejected status.
pub(crate) fn rejection_hint(status: u16) -> &'static str {
    match status {
        401 => {
            "authentication failed: check api.user_name with api.service_key (layer 1) and \
             api.api_key (layer 2); a key may have been rotated, or the agent account locked"
        }
        403 => {
            "credentials refused: the agent user may lack permission for this organization, \
             or the account is disabled"
        }
        412 => "the API key is no longer valid: fetch the organization's current api.api_key",
        _ => "the server refused the credentials",
    }
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Config(e) => write!(f, "configuration error: {e}"),
            SendError::InvalidRequest { reason } => write!(f, "invalid request: {reason}"),
            SendError::CredentialsRejected {
                status,
                fingerprints,
                hint,
                attempts,
            } => write!(
                f,
                "credentials rejected with HTTP {status} after {attempts} attempt(s) \
                 ({fingerprints}): {hint}"
            ),
            SendError::Status {
                status,
                retry_after,
                attempts,
            } => {
                write!(
                    f,
                    "server answered HTTP {status} after {attempts} attempt(s)"
                )?;
                if let Some(wait) = retry_after {
                    write!(f, "; it asks to retry after {} s", wait.as_secs())?;
                }
                Ok(())
            }
            SendError::Network { reason, attempts } => {
                write!(f, "network error after {attempts} attempt(s): {reason}")
            }
            SendError::Tls { reason } => write!(f, "TLS error: {reason}"),
            SendError::Timeout { attempts, elapsed } => write!(
                f,
                "timed out after {attempts} attempt(s) in {} ms",
                elapsed.as_millis()
            ),
            SendError::Signing { reason } => write!(f, "signing failed: {reason}"),
        }
    }
}

impl std::error::Error for SendError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SendError::Config(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ConfigError> for SendError {
    fn from(e: ConfigError) -> Self {
        SendError::Config(e)
    }
}
