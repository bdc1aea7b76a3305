//! Log events: the static dotted event names, the record every binding receives, and where
//! records go.
//!
//! The library never writes to stdout or stderr. Every record goes to the [`log`] facade
//! (target `contrast_auth`, the event name as the key-value `event`; `tracing` picks it up
//! through its `log` bridge) and to at most one binding [`Sink`] (the C log callback, the JVM
//! bridge). A record is produced on the thread that called the library, after the library
//! released its own locks, so a sink may call back into the library.
//!
//! Messages hold key names, sources, fingerprints, statuses, URLs and reasons: never a
//! secret value (tests plant secrets and look for them in every record).

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use arc_swap::ArcSwapOption;

/// The `log` target of every record.
pub const TARGET: &str = "contrast_auth";

/// How important a record is; the values are the C ABI's `CONTRAST_LOG_*` constants.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Something failed (a TLS handshake, a report).
    Error = 1,
    /// Something the operator should fix (an unknown key, disabled verification, a rejection).
    Warn = 2,
    /// Something changed (rotation, reload, clock correction).
    Info = 3,
    /// How things went (configuration sources, retries, connections).
    Debug = 4,
    /// Every step (signatures, acknowledgements).
    Trace = 5,
}

impl Level {
    /// Every level, most important first.
    pub const ALL: [Level; 5] = [
        Level::Error,
        Level::Warn,
        Level::Info,
        Level::Debug,
        Level::Trace,
    ];

    /// The level with this number (1 = error .. 5 = trace).
    pub fn from_u32(value: u32) -> Option<Level> {
        Level::ALL.into_iter().find(|l| *l as u32 == value)
    }

    /// The same level in the `log` crate.
    pub fn to_log(self) -> log::Level {
        match self {
            Level::Error => log::Level::Error,
            Level::Warn => log::Level::Warn,
            Level::Info => log::Level::Info,
            Level::Debug => log::Level::Debug,
            Level::Trace => log::Level::Trace,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Error => "ERROR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
            Level::Debug => "DEBUG",
            Level::Trace => "TRACE",
        })
    }
}

/// The event names: static, dotted, stable (bindings and agents match on them).
pub mod names {
    /// DEBUG: configuration loaded; which file and where every key came from.
    pub const CONFIG_LOADED: &str = "config.loaded";
    /// WARN: a key under `api.` that the library does not know (with the closest known key).
    pub const CONFIG_UNKNOWN_KEY: &str = "config.unknown_key";
    /// WARN: `api.url` does not end in `/Contrast`.
    pub const CONFIG_URL_PATH: &str = "config.url_path";
    /// WARN: `api.certificate.ignore_cert_errors` disables server certificate verification.
    pub const TLS_VERIFICATION_DISABLED: &str = "tls.verification_disabled";
    /// ERROR: a TLS handshake failed (untrusted certificate, refused client certificate).
    pub const TLS_HANDSHAKE_FAILED: &str = "tls.handshake_failed";
    /// INFO: keys replaced by a rotation, by fingerprint.
    pub const CREDENTIALS_ROTATED: &str = "credentials.rotated";
    /// INFO (DEBUG when nothing changed): configuration re-read, changed keys by fingerprint.
    pub const CREDENTIALS_RELOADED: &str = "credentials.reloaded";
    /// WARN: re-reading the configuration failed; the credentials in use stay.
    pub const CREDENTIALS_RELOAD_FAILED: &str = "credentials.reload_failed";
    /// DEBUG: a new connection (TCP and TLS handshake) to the server.
    pub const TRANSPORT_CONNECTED: &str = "transport.connected";
    /// DEBUG: an attempt failed and is retried: attempt, reason, delay.
    pub const TRANSPORT_RETRY: &str = "transport.retry";
    /// DEBUG: a pooled keep-alive connection was closed by the server (found before reuse, or
    /// failing before any response) and a new connection is used instead.
    pub const TRANSPORT_RECONNECT: &str = "transport.reconnect";
    /// WARN: the server refused the credentials: status, fingerprints, hint.
    pub const TRANSPORT_REJECTED: &str = "transport.rejected";
    /// INFO: the server's clock differs; signature times are corrected.
    pub const TRANSPORT_CLOCK_SKEW: &str = "transport.clock_skew";
    /// WARN: a report was not acknowledged, and why.
    pub const TRANSPORT_FAILED: &str = "transport.failed";
    /// TRACE: a report was acknowledged.
    pub const TRANSPORT_SENT: &str = "transport.sent";
    /// TRACE: a request was signed (signing key by fingerprint).
    pub const SIGNING_SIGNED: &str = "signing.signed";

    /// Every event name.
    pub const ALL: [&str; 16] = [
        CONFIG_LOADED,
        CONFIG_UNKNOWN_KEY,
        CONFIG_URL_PATH,
        TLS_VERIFICATION_DISABLED,
        TLS_HANDSHAKE_FAILED,
        CREDENTIALS_ROTATED,
        CREDENTIALS_RELOADED,
        CREDENTIALS_RELOAD_FAILED,
        TRANSPORT_CONNECTED,
        TRANSPORT_RETRY,
        TRANSPORT_RECONNECT,
        TRANSPORT_REJECTED,
        TRANSPORT_CLOCK_SKEW,
        TRANSPORT_FAILED,
        TRANSPORT_SENT,
        SIGNING_SIGNED,
    ];
}

/// One log record as every binding receives it. Holds no secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    /// How important it is.
    pub level: Level,
    /// The static dotted event name (one of [`names`]).
    pub event: &'static str,
    /// A sentence for people (key names, sources, fingerprints; never a secret).
    pub message: &'a str,
}

/// Where a binding wants records: called on the thread that produced the record.
pub trait Sink: Send + Sync + 'static {
    /// Takes one record. A panic is caught and the record dropped.
    fn publish(&self, record: &Record<'_>);
}

struct Installed {
    sink: Box<dyn Sink>,
    max_level: u32,
}

static SINK: ArcSwapOption<Installed> = ArcSwapOption::const_empty();
static SINK_LEVEL: AtomicU32 = AtomicU32::new(0);
static DROPPED: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// Set while this thread is inside a sink: records produced by the sink itself (it
    /// called back into the library) are dropped instead of recursing.
    static IN_SINK: Cell<bool> = const { Cell::new(false) };
}

/// Installs the process-wide binding sink, receiving records up to `max_level` (1 = error
/// .. 5 = trace; 0 or `None` turns it off). Replaces the previous sink; thread-safe.
pub fn set_sink(sink: Option<Box<dyn Sink>>, max_level: u32) {
    let level = if sink.is_some() { max_level.min(5) } else { 0 };
    // Lower the level first so no record is offered to a sink that is going away.
    SINK_LEVEL.store(0, Ordering::SeqCst);
    SINK.store(sink.map(|sink| {
        Arc::new(Installed {
            sink,
            max_level: level,
        })
    }));
    SINK_LEVEL.store(level, Ordering::SeqCst);
}

/// The level the sink receives records up to (0: no sink).
pub fn sink_level() -> u32 {
    SINK_LEVEL.load(Ordering::Relaxed)
}

/// Records dropped because a sink panicked or produced records itself.
pub fn dropped() -> u64 {
    DROPPED.load(Ordering::Relaxed)
}

/// Whether a record at `level` would go anywhere (so callers can skip costly preparation).
pub fn enabled(level: Level) -> bool {
    level as u32 <= SINK_LEVEL.load(Ordering::Relaxed)
        || log::log_enabled!(target: TARGET, level.to_log())
}

/// Produces one record: to the `log` facade and to the binding sink, each if enabled.
/// The message is formatted only when a record goes somewhere.
pub fn emit(level: Level, event: &'static str, message: fmt::Arguments<'_>) {
    let to_sink = level as u32 <= SINK_LEVEL.load(Ordering::Relaxed);
    let to_log = log::log_enabled!(target: TARGET, level.to_log());
    if !to_sink && !to_log {
        return;
    }
    let text: Cow<'_, str> = match message.as_str() {
        Some(text) => Cow::Borrowed(text),
        None => Cow::Owned(message.to_string()),
    };
    if to_log {
        log::log!(target: TARGET, level.to_log(), event = event; "{text}");
    }
    if to_sink {
        publish(&Record {
            level,
            event,
            message: &text,
        });
    }
}

fn publish(record: &Record<'_>) {
    if IN_SINK.with(Cell::get) {
        DROPPED.fetch_add(1, Ordering::Relaxed);
        return;
    }
    let Some(installed) = SINK.load_full() else {
        return;
    };
    if record.level as u32 > installed.max_level {
        return;
    }
    IN_SINK.with(|flag| flag.set(true));
    let delivered = catch_unwind(AssertUnwindSafe(|| installed.sink.publish(record)));
    IN_SINK.with(|flag| flag.set(false));
    if delivered.is_err() {
        DROPPED.fetch_add(1, Ordering::Relaxed);
    }
}

/// `event!(Level::Warn, names::CONFIG_UNKNOWN_KEY, "format", args...)`: one record. The
/// arguments are evaluated only when the record goes somewhere.
macro_rules! event {
    ($level:expr, $name:expr, $($arg:tt)+) => {{
        let level = $level;
        if $crate::events::enabled(level) {
            $crate::events::emit(level, $name, format_args!($($arg)+));
        }
    }};
}
pub(crate) use event;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_match_the_c_constants() {
        for (n, level) in (1..=5).zip(Level::ALL) {
            assert_eq!(Level::from_u32(n), Some(level));
            assert_eq!(level as u32, n);
        }
        assert_eq!(Level::from_u32(0), None);
        assert_eq!(Level::from_u32(6), None);
        assert_eq!(Level::Warn.to_string(), "WARN");
    }

    #[test]
    fn names_are_static_dotted_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for name in names::ALL {
            let (area, what) = name.split_once('.').expect("dotted");
            assert!(!area.is_empty() && !what.is_empty(), "{name}");
            assert!(
                name.bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_'),
                "{name}"
            );
            assert!(seen.insert(name), "{name} twice");
        }
    }
}
