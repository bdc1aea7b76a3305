//! A client made before `fork()` (as in gunicorn `--preload`, PHP-FPM, uWSGI) keeps working in
//! the parent and in every child, and no connection or TLS session crosses the fork: each
//! process's reports travel on its own connection, the parent's connection is never read,
//! written or closed by a child (the server sees no bad record and no `close_notify`), and
//! signatures stay unique (the server refuses replayed nonces). Its own test binary: it forks.
#![cfg(all(unix, feature = "test-server"))]

mod transport_support;

use contrast_auth::test_server::TestServerOptions;
use contrast_auth::transport::Client;
use transport_support::*;

const CHILDREN: usize = 4;
const REPORTS: usize = 10;

fn send_tagged(client: &Client) -> bool {
    let path = format!("/api/ng/report?process={}", std::process::id());
    client
        .send("POST", &path, "application/json", b"{\"k\":1}")
        .is_ok_and(|sent| sent.attempts == 1)
}

#[test]
fn parent_and_forked_children_each_use_their_own_connection() {
    let f = Fixture::start(TestServerOptions {
        require_signature: true,
        ..TestServerOptions::default()
    });
    let client = f.client(SERVICE_KEY, API_KEY);
    assert!(send_tagged(&client), "the report before the fork");
    let mut children = Vec::new();
    for _ in 0..CHILDREN {
        // SAFETY: the child only sends reports with the inherited client (glibc keeps malloc
        // usable after fork; the library rebuilds its per-process state), drops it and leaves
        // with _exit, running no destructor of the test harness.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            let sent = (0..REPORTS).filter(|_| send_tagged(&client)).count();
            let c = client.counters();
            // Counters are copied by the fork: 1 acknowledged and 1 handshake before it.
            let ok = sent == REPORTS
                && c.acknowledged == 1 + REPORTS as u64
                && c.failed == 0
                && c.handshakes == 2
                && c.reconnects == 0;
            // Dropping the client closes the child's own connection and writes nothing on
            // the parent's.
            drop(client);
            // SAFETY: ends the child without unwinding into the test harness.
            unsafe { libc::_exit(if ok { 0 } else { 1 }) };
        }
        children.push(pid);
    }
    let mut parent_sent = (0..REPORTS / 2).filter(|_| send_tagged(&client)).count();
    for pid in children {
        let mut status = 0;
        // SAFETY: waits for a child this test forked; `status` is a live int.
        assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
        assert!(
            libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
            "child {pid} failed (status {status:#x})"
        );
    }
    // After every child has exited (and closed what it inherited): the parent's
    // connection still carries its reports.
    parent_sent += (0..REPORTS / 2).filter(|_| send_tagged(&client)).count();
    assert_eq!(parent_sent, REPORTS);
    let c = client.counters();
    assert_eq!(
        (c.acknowledged, c.failed, c.handshakes, c.reconnects),
        (1 + REPORTS as u64, 0, 1, 0),
        "{c:?}"
    );

    let processes = f.server.process_connections();
    assert_eq!(processes.processes, 1 + CHILDREN as u64, "{processes:?}");
    assert_eq!(processes.connections, 1 + CHILDREN as u64, "{processes:?}");
    assert_eq!(processes.shared_connections, 0, "{processes:?}");
    assert_eq!(processes.most_connections_per_process, 1, "{processes:?}");
    assert_eq!(processes.fewest_connections_per_process, 1, "{processes:?}");
    let stats = f.server.stats();
    assert_eq!(stats.tls_handshakes, 1 + CHILDREN as u64, "{stats:?}");
    assert_eq!(
        stats.accepted,
        1 + REPORTS as u64 * (1 + CHILDREN as u64),
        "{stats:?}"
    );
    assert_eq!(
        stats.rejected, 0,
        "no replayed nonce, no bad signature: {stats:?}"
    );
    assert_eq!(
        stats.tls_errors, 0,
        "no record written under a shared session: {stats:?}"
    );
    assert_eq!(
        stats.close_notifies, 0,
        "nobody sent close_notify: {stats:?}"
    );
}
