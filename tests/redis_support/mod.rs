//! Real Redis servers for the Redis-backed tests: the ones `scripts/test-fleet` started
//! (addresses in `CONTRAST_TEST_REDIS*`), and private ones a test starts and stops itself.
#![allow(dead_code)]

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The value of `var`, set by `scripts/test-fleet`. Without it the test fails when the script
/// runs it (`CONTRAST_TEST_REQUIRE_REDIS=1`), and is visibly skipped otherwise.
pub fn redis_env(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(value) if !value.is_empty() => Some(value),
        _ => {
            assert!(
                std::env::var_os("CONTRAST_TEST_REQUIRE_REDIS").is_none(),
                "{var} is not set: run scripts/test-fleet"
            );
            // Written to the process's stderr itself, past libtest's output capture, so that
            // the skip shows in a plain `cargo test` run.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr().lock(),
                "SKIPPED: {var} is not set (scripts/test-fleet runs this test with Redis)"
            );
            None
        }
    }
}

/// `redis-cli -p PORT ARGS...`, its output.
pub fn redis_cli(port: u16, args: &[&str]) -> String {
    let out = Command::new("redis-cli")
        .args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(args)
        .output()
        .expect("redis-cli runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A loopback port nothing listens on (just released).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Waits until `done` holds, up to `limit`; panics naming `what` otherwise.
pub fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A redis-server of one test, stopped (by its pid) when dropped.
pub struct PrivateRedis {
    child: Child,
    /// Its port.
    pub port: u16,
}

impl PrivateRedis {
    /// Starts one on a free port (no persistence) with extra `--name value` settings.
    pub fn start(extra: &[&str]) -> PrivateRedis {
        Self::start_on(free_port(), extra)
    }

    /// Starts one on `port`.
    pub fn start_on(port: u16, extra: &[&str]) -> PrivateRedis {
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .args(extra)
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        let server = PrivateRedis { child, port };
        wait_for("a private redis-server", Duration::from_secs(10), || {
            redis_cli(port, &["ping"]).trim() == "PONG"
        });
        server
    }

    /// Its URL.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Stops it now (SIGKILL, as a crash) and waits for it to be gone.
    pub fn kill(mut self) -> u16 {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.port
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The cluster `scripts/test-fleet` started: its ports.
pub fn cluster_ports(seeds: &str) -> Vec<u16> {
    seeds
        .split(',')
        .map(|node| node.rsplit(':').next().unwrap().parse().unwrap())
        .collect()
}

/// The ports of the cluster's masters, as `CLUSTER NODES` on `port` sees them.
pub fn masters(port: u16) -> Vec<u16> {
    redis_cli(port, &["cluster", "nodes"])
        .lines()
        .filter(|l| l.contains("master") && !l.contains("fail"))
        .filter_map(|l| l.split(' ').nth(1))
        .filter_map(|addr| addr.split('@').next()?.rsplit(':').next()?.parse().ok())
        .collect()
}

/// Whether every one of `ports` answers and reports `cluster_state:ok`.
pub fn cluster_ok(ports: &[u16]) -> bool {
    ports
        .iter()
        .all(|p| redis_cli(*p, &["cluster", "info"]).contains("cluster_state:ok"))
}

/// Stops a cluster node as a crash would (no save).
pub fn stop_node(port: u16) {
    let _ = redis_cli(port, &["shutdown", "nosave"]);
    wait_for("a node to stop", Duration::from_secs(10), || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err()
    });
}

/// Restarts a cluster node from its configuration (`scripts/test-fleet` stops it by pid).
pub fn restart_node(port: u16) {
    let dir = std::env::var("CONTRAST_TEST_REDIS_DIR").expect("CONTRAST_TEST_REDIS_DIR");
    let status = Command::new("redis-server")
        .arg(format!("{dir}/cluster-{port}/redis.conf"))
        .status()
        .expect("redis-server starts");
    assert!(status.success());
    wait_for("a node to restart", Duration::from_secs(10), || {
        redis_cli(port, &["ping"]).trim() == "PONG"
    });
}
