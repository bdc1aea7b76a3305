//! Keep-alive connections the server closes: found closed in the pool (an idle timeout, as
//! nginx's `keepalive_timeout`) or failing before any response (a load balancer that forgot the
//! connection) are replaced by a new connection without an attempt, counted in `reconnects`,
//! with no WARN; a failure after response bytes is still an ordinary retry. Also through a
//! real nginx (`keepalive_timeout 1s`) in front of the test server. Linux: nginx, /proc/net/tcp.
#![cfg(all(target_os = "linux", feature = "test-server"))]

mod transport_support;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use contrast_auth::events::{self, Level, Record, Sink};
use contrast_auth::test_server::{Fault, TestServerOptions};
use contrast_auth::transport::{Client, SendResult};
use transport_support::*;

/// The process-wide event sink is shared: tests here run one at a time.
static SERIAL: Mutex<()> = Mutex::new(());
static WARNINGS: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct WarningSink;

impl Sink for WarningSink {
    fn publish(&self, record: &Record<'_>) {
        if record.level <= Level::Warn {
            WARNINGS
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(format!("{}: {}", record.event, record.message));
        }
    }
}

/// Serialises the test and captures WARN and ERROR records until the guard drops.
fn capture_warnings() -> MutexGuard<'static, ()> {
    let guard = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    WARNINGS.lock().unwrap_or_else(|p| p.into_inner()).clear();
    events::set_sink(Some(Box::new(WarningSink)), Level::Warn as u32);
    guard
}

fn warnings() -> Vec<String> {
    WARNINGS.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

fn send(client: &Client) -> SendResult {
    client
        .send("POST", "/api/ng/report", "application/json", b"{\"k\":1}")
        .expect("report acknowledged")
}

/// Waits until `condition` holds (polled), at most 10 s.
fn wait_for(what: &str, condition: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_connection_the_server_closed_while_idle_is_replaced_without_an_attempt() {
    let _serial = capture_warnings();
    let f = Fixture::start(TestServerOptions {
        idle_timeout: Some(Duration::from_secs(1)),
        ..TestServerOptions::default()
    });
    let client = f.client(SERVICE_KEY, API_KEY);
    assert_eq!(send(&client).attempts, 1);
    // The server closes the idle connection after 1 s (close_notify, then the socket).
    wait_for("the idle close", || f.server.stats().idle_closes == 1);
    let second = send(&client);
    assert_eq!(
        second.attempts, 1,
        "the caller sees a first-attempt success"
    );
    let counters = client.counters();
    assert_eq!(counters.reconnects, 1, "{counters:?}");
    assert_eq!(counters.retries, 0, "{counters:?}");
    assert_eq!(counters.requests, 2, "{counters:?}");
    assert_eq!(counters.failed, 0, "{counters:?}");
    assert_eq!(counters.handshakes, 2, "{counters:?}");
    assert_eq!(f.server.stats().tls_handshakes, 2);
    assert_eq!(f.server.stats().accepted, 2);
    assert_eq!(warnings(), Vec::<String>::new());
}

#[test]
fn a_reused_connection_failing_before_any_response_is_sent_again_at_once() {
    let _serial = capture_warnings();
    let f = Fixture::start(TestServerOptions::default());
    let client = f.client(SERVICE_KEY, API_KEY);
    send(&client);
    // The next request arrives on the pooled connection; the server reads it and closes
    // without answering, as a load balancer that already forgot the connection does.
    f.server.inject(Fault::CloseBeforeResponse);
    let sent = send(&client);
    assert_eq!(sent.attempts, 1);
    let counters = client.counters();
    assert_eq!(
        (counters.reconnects, counters.retries, counters.handshakes),
        (1, 0, 2),
        "{counters:?}"
    );
    assert_eq!(f.server.deliveries()[&sent.report_id], 1);
    assert_eq!(warnings(), Vec::<String>::new());
}

#[test]
fn a_reconnect_happens_once_then_failures_are_attempts() {
    let _serial = capture_warnings();
    let f = Fixture::start(TestServerOptions::default());
    let client = f.client(SERVICE_KEY, API_KEY);
    send(&client);
    f.server.inject(Fault::CloseBeforeResponse);
    f.server.inject(Fault::CloseBeforeResponse);
    let sent = send(&client);
    // Reused connection closed (a reconnect), then the fresh one closed too (attempt 1
    // failed), then attempt 2 went through.
    assert_eq!(sent.attempts, 2);
    let counters = client.counters();
    assert_eq!(
        (counters.reconnects, counters.retries),
        (1, 1),
        "{counters:?}"
    );
}

#[test]
fn a_reset_mid_response_on_a_reused_connection_is_still_an_ordinary_retry() {
    let _serial = capture_warnings();
    let f = Fixture::start(TestServerOptions::default());
    let client = f.client(SERVICE_KEY, API_KEY);
    send(&client);
    f.server.inject(Fault::CloseMidResponse);
    let sent = send(&client);
    assert_eq!(
        sent.attempts, 2,
        "response bytes had arrived: not a reconnect"
    );
    let counters = client.counters();
    assert_eq!(
        (counters.reconnects, counters.retries),
        (0, 1),
        "{counters:?}"
    );
    // The server processed both; the stable report id lets it see the duplicate.
    assert_eq!(f.server.deliveries()[&sent.report_id], 2);
}

/// nginx, when installed (scripts/setup installs it for CI), run from a temporary prefix.
struct Nginx {
    child: Child,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SAFETY: sends SIGTERM to the nginx master this test started (its own pid).
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}

fn nginx_binary() -> Option<&'static str> {
    [
        "/usr/sbin/nginx",
        "/usr/local/sbin/nginx",
        "/usr/local/nginx/sbin/nginx",
    ]
    .into_iter()
    .find(|p| Path::new(p).exists())
}

/// Client-side TCP connections to `127.0.0.1:port` in state ESTABLISHED (from /proc/net/tcp).
fn established_to(port: u16) -> usize {
    let table = std::fs::read_to_string("/proc/net/tcp").expect("/proc/net/tcp");
    let remote = format!("0100007F:{port:04X}");
    table
        .lines()
        .skip(1)
        .filter(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            fields.len() > 3 && fields[2] == remote && fields[3] == "01"
        })
        .count()
}

/// A free loopback port (bound, read, released: nginx binds it right after).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

#[test]
fn nginx_keepalive_timeout_closes_are_reconnects_not_failures() {
    let nginx = nginx_binary().expect("nginx is installed (scripts/setup installs it)");
    let _serial = capture_warnings();
    let f = Fixture::start(TestServerOptions::default());
    let prefix = f.dir.path().join("nginx");
    std::fs::create_dir_all(prefix.join("logs")).unwrap();
    // nginx's own certificate, issued by the test CA the client trusts.
    let identity = f
        .server
        .issue_server_identity()
        .expect("a server certificate");
    std::fs::write(prefix.join("server.pem"), &identity.certificate_pem).unwrap();
    std::fs::write(prefix.join("server.key"), &identity.private_key_pem).unwrap();
    let port = free_port();
    let upstream = f.server.address();
    let config = format!(
        "daemon off;\nmaster_process on;\nworker_processes 1;\npid {prefix}/nginx.pid;\n\
         error_log {prefix}/logs/error.log warn;\nevents {{ worker_connections 64; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {prefix}/body;\n  \
         proxy_temp_path {prefix}/proxy;\n  fastcgi_temp_path {prefix}/fastcgi;\n  \
         uwsgi_temp_path {prefix}/uwsgi;\n  scgi_temp_path {prefix}/scgi;\n  \
         keepalive_timeout 1s;\n  server {{\n    listen 127.0.0.1:{port} ssl;\n    \
         ssl_certificate {prefix}/server.pem;\n    ssl_certificate_key {prefix}/server.key;\n    \
         location / {{ proxy_pass https://{upstream}; proxy_set_header Host $http_host; \
         proxy_ssl_verify off; }}\n  }}\n}}\n",
        prefix = prefix.display()
    );
    std::fs::write(prefix.join("nginx.conf"), config).unwrap();
    let child = Command::new(nginx)
        .arg("-p")
        .arg(&prefix)
        .arg("-c")
        .arg(prefix.join("nginx.conf"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("nginx starts");
    let _nginx = Nginx { child };
    wait_for("nginx to listen", || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    // The client talks to nginx; the credentials (and the signature's @authority) name it.
    let url = format!("https://127.0.0.1:{port}/Contrast");
    let credentials =
        contrast_auth::Credentials::new(&url, USER, SERVICE_KEY, API_KEY).expect("credentials");
    let store = std::sync::Arc::new(contrast_auth::CredentialStore::new(
        credentials,
        contrast_auth::HeaderOptions::default(),
    ));
    let client = Client::new(store, f.settings()).expect("client");
    assert_eq!(send(&client).attempts, 1);
    assert_eq!(
        established_to(port),
        1,
        "the client keeps its connection to nginx"
    );
    // nginx closes it after its keepalive_timeout of 1 s: the client's end leaves
    // ESTABLISHED (for CLOSE_WAIT) when nginx's FIN arrives.
    wait_for("nginx to close the idle connection", || {
        established_to(port) == 0
    });
    let second = send(&client);
    assert_eq!(second.attempts, 1);
    let counters = client.counters();
    assert_eq!(
        (counters.reconnects, counters.handshakes, counters.failed),
        (1, 2, 0),
        "{counters:?}"
    );
    assert_eq!(f.server.stats().accepted, 2);
    assert_eq!(warnings(), Vec::<String>::new());
}
