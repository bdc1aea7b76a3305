//! Log records through the `log` facade and the binding sink: a full session (load, sign,
//! send with a retry, a clock correction and a 401 reload, rotate) against the loopback TLS
//! test server produces the expected events at TRACE and none of the planted secrets or
//! their base64 forms; the sink's level filter, replacement, panics and re-entry.

mod transport_support;

use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::thread::ThreadId;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use contrast_auth::events::{self, Level, Record, Sink, names};
use contrast_auth::signing::{Message, Signer};
use contrast_auth::test_server::{Fault, TestServerOptions};
use contrast_auth::{ConfigSources, CredentialStore, HeaderOptions};
use transport_support::{API_KEY, Fixture, SERVICE_KEY, USER, accepted};

/// One captured record (from the sink or the `log` facade) with the thread that made it.
#[derive(Clone, Debug)]
struct Captured {
    thread: ThreadId,
    level: Level,
    event: String,
    message: String,
    via_log: bool,
}

static RECORDS: Mutex<Vec<Captured>> = Mutex::new(Vec::new());
/// Tests here share the process-wide sink: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn records() -> MutexGuard<'static, Vec<Captured>> {
    RECORDS.lock().unwrap_or_else(|p| p.into_inner())
}

struct CaptureSink;

impl Sink for CaptureSink {
    fn publish(&self, record: &Record<'_>) {
        records().push(Captured {
            thread: std::thread::current().id(),
            level: record.level,
            event: record.event.to_string(),
            message: record.message.to_string(),
            via_log: false,
        });
    }
}

/// A `log` logger that captures `contrast_auth` records with their `event` key-value.
struct CaptureLogger;

impl log::Log for CaptureLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.target() == events::TARGET
    }

    fn log(&self, record: &log::Record<'_>) {
        if record.target() != events::TARGET {
            return;
        }
        let event = record
            .key_values()
            .get(log::kv::Key::from_str("event"))
            .map(|v| v.to_string())
            .unwrap_or_default();
        let level = match record.level() {
            log::Level::Error => Level::Error,
            log::Level::Warn => Level::Warn,
            log::Level::Info => Level::Info,
            log::Level::Debug => Level::Debug,
            log::Level::Trace => Level::Trace,
        };
        records().push(Captured {
            thread: std::thread::current().id(),
            level,
            event,
            message: record.args().to_string(),
            via_log: true,
        });
    }

    fn flush(&self) {}
}

/// Starts capturing this thread's records at TRACE (sink and `log` facade).
fn capture() -> MutexGuard<'static, ()> {
    let guard = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    static LOGGER: OnceLock<()> = OnceLock::new();
    LOGGER.get_or_init(|| {
        log::set_logger(&CaptureLogger).expect("no other logger in this test binary");
    });
    log::set_max_level(log::LevelFilter::Trace);
    records().clear();
    events::set_sink(Some(Box::new(CaptureSink)), Level::Trace as u32);
    guard
}

/// This thread's records, from the sink (`via_log` false) or the facade (true).
fn mine(via_log: bool) -> Vec<Captured> {
    let me = std::thread::current().id();
    records()
        .iter()
        .filter(|r| r.thread == me && r.via_log == via_log)
        .cloned()
        .collect()
}

const WRONG_SERVICE_KEY: &str = "WRONGSERVICEKEY7SECRET";
const ROTATED_SERVICE_KEY: &str = "ROTATEDSERVICEKEY9SECRET";

/// Every planted secret and its base64 forms, the `Authorization` values included.
fn forbidden() -> Vec<String> {
    let mut out = Vec::new();
    let plain = [
        USER,
        SERVICE_KEY,
        API_KEY,
        WRONG_SERVICE_KEY,
        ROTATED_SERVICE_KEY,
    ];
    let mut encoded: Vec<String> = plain.iter().map(|s| s.to_string()).collect();
    for service in [SERVICE_KEY, WRONG_SERVICE_KEY, ROTATED_SERVICE_KEY] {
        encoded.push(format!("{USER}:{service}"));
    }
    for text in &encoded {
        out.push(text.clone());
        for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
            out.push(engine.encode(text));
        }
    }
    out
}

#[test]
fn a_full_session_logs_every_step_and_no_secret() {
    let _serial = capture();
    let f = Fixture::start_accepting(
        vec![
            accepted(SERVICE_KEY, API_KEY),
            accepted(ROTATED_SERVICE_KEY, API_KEY),
        ],
        TestServerOptions::default(),
    );
    // Load with a wrong service key; the file is fixed before sending, so the 401 reloads.
    f.write_yaml(WRONG_SERVICE_KEY, API_KEY);
    let client = f.yaml_client();
    f.write_yaml(SERVICE_KEY, API_KEY);
    // Sign once directly.
    let url = format!("{}/api/ng/report", f.server.url());
    let message = Message {
        method: "POST",
        url: &url,
        content_type: "application/json",
        body: b"{}",
    };
    Signer::default()
        .sign_from_store(&message, client.store(), 1_700_000_000)
        .expect("signs");
    // Retry after a 503, correct the clock, reload after the 401, then succeed.
    f.server.inject(Fault::Status {
        status: 503,
        retry_after: None,
    });
    f.server.set_clock_offset(60);
    let sent = client
        .send("POST", "/api/ng/report", "application/json", b"{\"a\":1}")
        .expect("accepted after a retry and a reload");
    assert_eq!(sent.attempts, 3);
    assert!(sent.reloaded);
    // Rotate and send again with the new key.
    client
        .store()
        .rotate(Some(ROTATED_SERVICE_KEY), None)
        .expect("rotates");
    client
        .send("POST", "/api/ng/report", "application/json", b"{}")
        .expect("accepted with the rotated key");
    let counters = client.counters();
    assert_eq!(counters.acknowledged, 2);
    assert_eq!(counters.requests, 4);
    assert_eq!(counters.retries, 2);
    assert_eq!(counters.reloads, 1);
    assert_eq!(counters.rejections, 1);
    assert_eq!(counters.reconnects, 0, "no idle connection was closed");
    assert!(counters.handshakes >= 1, "{counters:?}");
    assert_eq!(counters.handshakes, f.server.stats().tls_handshakes);

    let sink = mine(false);
    let facade = mine(true);
    events::set_sink(None, 0);
    let seen = |event: &str| sink.iter().filter(|r| r.event == event).count();
    for event in [
        names::CONFIG_LOADED,
        names::SIGNING_SIGNED,
        names::TRANSPORT_CONNECTED,
        names::TRANSPORT_RETRY,
        names::TRANSPORT_CLOCK_SKEW,
        names::TRANSPORT_REJECTED,
        names::CREDENTIALS_RELOADED,
        names::CREDENTIALS_ROTATED,
        names::TRANSPORT_SENT,
    ] {
        assert!(seen(event) >= 1, "no {event} in {sink:#?}");
    }
    assert_eq!(
        seen(names::TRANSPORT_REJECTED),
        1,
        "one record per rejection"
    );
    assert_eq!(seen(names::TRANSPORT_SENT), 2);
    let by_event = |event: &str| sink.iter().find(|r| r.event == event).expect(event);
    let retry = by_event(names::TRANSPORT_RETRY);
    assert_eq!(retry.level, Level::Debug);
    assert!(
        retry.message.contains("attempt 1 of")
            && retry.message.contains("HTTP 503")
            && retry.message.contains(" ms"),
        "{retry:?}"
    );
    let rejected = by_event(names::TRANSPORT_REJECTED);
    assert_eq!(rejected.level, Level::Warn);
    let wrong = contrast_auth::Secret::from(WRONG_SERVICE_KEY).fingerprint();
    assert!(
        rejected.message.contains("HTTP 401")
            && rejected.message.contains(&wrong.to_string())
            && rejected.message.contains("authentication failed"),
        "{rejected:?}"
    );
    let reloaded = by_event(names::CREDENTIALS_RELOADED);
    assert_eq!(reloaded.level, Level::Info);
    let right = contrast_auth::Secret::from(SERVICE_KEY).fingerprint();
    assert!(
        reloaded
            .message
            .contains(&format!("service_key {wrong} -> {right}")),
        "{reloaded:?}"
    );
    let rotated = by_event(names::CREDENTIALS_ROTATED);
    assert_eq!(rotated.level, Level::Info);
    let loaded = by_event(names::CONFIG_LOADED);
    assert_eq!(loaded.level, Level::Debug);
    assert!(
        loaded.message.contains("contrast_security.yaml")
            && loaded.message.contains("api.service_key from"),
        "{loaded:?}"
    );
    let skew = by_event(names::TRANSPORT_CLOCK_SKEW);
    assert!(skew.message.contains("+6"), "{skew:?}");

    // The facade got the same records, with the event name as a key-value.
    assert_eq!(facade.len(), sink.len());
    for (a, b) in sink.iter().zip(&facade) {
        assert_eq!(
            (a.level, &a.event, &a.message),
            (b.level, &b.event, &b.message)
        );
    }
    // No secret, in any form, in any record.
    let secrets = forbidden();
    for record in sink.iter().chain(&facade) {
        for secret in &secrets {
            assert!(
                !record.message.contains(secret.as_str())
                    && !record.event.contains(secret.as_str()),
                "a secret leaked into {record:?}"
            );
        }
    }
}

#[test]
fn unknown_keys_and_disabled_verification_are_warnings() {
    let _serial = capture();
    let f = Fixture::start(TestServerOptions::default());
    std::fs::write(
        f.dir.path().join("contrast_security.yaml"),
        format!(
            "api:\n  url: {}\n  user_name: {USER}\n  service_key: {SERVICE_KEY}\n  api_key: {API_KEY}\n  certificate:\n    ca_flie: /x.pem\n    ignore_cert_errors: true\nagent:\n  logger:\n    levle: debug\n",
            f.server.url()
        ),
    )
    .unwrap();
    let sources = ConfigSources::new()
        .working_dir(f.dir.path())
        .environment_value("CONTRAST__API__PROXY__ENABEL", "true");
    let (store, configuration) =
        CredentialStore::load(sources, HeaderOptions::default()).expect("loads");
    let settings = contrast_auth::transport::TransportSettings::from_configuration(&configuration);
    contrast_auth::transport::Client::new(Arc::new(store), settings).expect("client");
    let sink = mine(false);
    events::set_sink(None, 0);
    let unknown: Vec<_> = sink
        .iter()
        .filter(|r| r.event == names::CONFIG_UNKNOWN_KEY)
        .collect();
    assert_eq!(unknown.len(), 2, "{sink:#?}");
    assert!(unknown.iter().all(|r| r.level == Level::Warn));
    assert!(
        unknown
            .iter()
            .any(|r| r.message.contains("`api.proxy.enabel`")
                && r.message
                    .contains("environment CONTRAST__API__PROXY__ENABEL")
                && r.message.contains("did you mean `api.proxy.enable`?")),
        "{unknown:?}"
    );
    assert!(
        unknown
            .iter()
            .any(|r| r.message.contains("`api.certificate.ca_flie`")
                && r.message.contains("contrast_security.yaml")
                && r.message
                    .contains("did you mean `api.certificate.ca_file`?")),
        "{unknown:?}"
    );
    let disabled: Vec<_> = sink
        .iter()
        .filter(|r| r.event == names::TLS_VERIFICATION_DISABLED)
        .collect();
    assert_eq!(disabled.len(), 1, "{sink:#?}");
    assert_eq!(disabled[0].level, Level::Warn);
    assert!(disabled[0].message.contains("ignore_cert_errors"));
}

#[test]
fn the_sink_level_filters_and_none_turns_it_off() {
    let _serial = capture();
    let f = Fixture::start(TestServerOptions::default());
    let store = f.store(SERVICE_KEY, API_KEY);
    events::set_sink(Some(Box::new(CaptureSink)), Level::Warn as u32);
    assert_eq!(events::sink_level(), 2);
    store.rotate(Some("OTHERKEY"), None).unwrap(); // INFO: filtered out of the sink
    assert!(mine(false).is_empty(), "{:?}", mine(false));
    assert!(!mine(true).is_empty(), "the facade still has it");
    events::set_sink(Some(Box::new(CaptureSink)), 9); // above TRACE means TRACE
    assert_eq!(events::sink_level(), 5);
    store.rotate(Some("THIRDKEY"), None).unwrap();
    assert_eq!(mine(false).len(), 1);
    events::set_sink(None, 5);
    assert_eq!(events::sink_level(), 0);
    store.rotate(Some("FOURTHKEY"), None).unwrap();
    assert_eq!(mine(false).len(), 1, "no sink, no record");
}

struct PanickingSink;

impl Sink for PanickingSink {
    fn publish(&self, _record: &Record<'_>) {
        panic!("deliberate test panic in a sink");
    }
}

/// A sink that calls back into the library (which logs again) while publishing.
struct ReentrantSink(Arc<CredentialStore>);

impl Sink for ReentrantSink {
    fn publish(&self, record: &Record<'_>) {
        CaptureSink.publish(record);
        let _ = self.0.rotate(Some("REENTRANTKEY"), None);
    }
}

#[test]
fn a_panicking_or_reentrant_sink_drops_records_and_the_library_carries_on() {
    let _serial = capture();
    let f = Fixture::start(TestServerOptions::default());
    let store = f.store(SERVICE_KEY, API_KEY);
    let dropped = events::dropped();
    events::set_sink(Some(Box::new(PanickingSink)), 5);
    let report = store
        .rotate(Some("AFTERPANIC"), None)
        .expect("rotation still works");
    assert_eq!(report.generation, 2);
    assert_eq!(events::dropped(), dropped + 1);
    events::set_sink(Some(Box::new(ReentrantSink(Arc::clone(&store)))), 5);
    store.rotate(Some("OUTERKEY"), None).expect("rotates");
    // The outer record arrived; the rotation made inside the sink ran, its record dropped.
    assert_eq!(mine(false).len(), 1);
    assert_eq!(store.load_snapshot().generation(), 4);
    assert_eq!(events::dropped(), dropped + 2);
    events::set_sink(None, 0);
}
