//! The fleet simulation (issue 21): 4 `contrast-auth test-server` nodes sharing the Redis
//! Cluster replay store that `scripts/test-fleet` started, 2,000 agents from an
//! `--accept-file`, each report sent to a random node and replayed to 2 other nodes; a key
//! rotation half-way (a new file + `SIGHUP`, one node signalled late) with every earlier report
//! replayed again; then the whole store stopped (only 503s) and restarted (the refused reports
//! go through on retry, none lost). Asserted: each report accepted exactly once, no legitimate
//! report refused, every replay refused as `replayed`.
#![cfg(all(feature = "redis", feature = "cli", unix))]

mod redis_support;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use contrast_auth::signing::{Message, SignatureHeaders, Signer};
use contrast_auth::{CredentialStore, Credentials, HeaderOptions, Snapshot};
use redis_support::*;
use rustls::pki_types::{CertificateDer, ServerName};

const AGENTS: usize = 2000;
const NODES: usize = 4;
const THREADS: usize = 4;
/// The name every node is reached by (the load balancer's): signatures cover it.
const FLEET_HOST: &str = "fleet.example";
const PATH: &str = "/Contrast/api/ng/report";
const OUTAGE_REPORTS: usize = 40;

struct Node {
    child: Child,
    stdin: Option<ChildStdin>,
    port: u16,
    roots: Arc<rustls::RootCertStore>,
}

impl Node {
    fn start(dir: &Path, index: usize, accept_file: &Path, store: &str) -> Node {
        let ca = dir.join(format!("node{index}-ca.pem"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_contrast-auth"))
            .arg("test-server")
            .arg("--accept-file")
            .arg(accept_file)
            .args(["--replay-store", store, "--require-signature", "--ca-out"])
            .arg(&ca)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the test server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let info: serde_json::Value = serde_json::from_str(&line).expect("the JSON line");
        let url = info["url"].as_str().unwrap();
        let port = url.split(':').nth(2).unwrap().split('/').next().unwrap();
        let der = std::fs::read(info["ca_der_file"].as_str().unwrap()).unwrap();
        let mut roots = rustls::RootCertStore::empty();
        roots.add(CertificateDer::from(der)).unwrap();
        Node {
            stdin: child.stdin.take(),
            child,
            port: port.parse().unwrap(),
            roots: Arc::new(roots),
        }
    }

    fn hang_up(&self) {
        // SAFETY: kill(2) on the pid of a child this test started and has not reaped.
        let rc = unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGHUP) };
        assert_eq!(rc, 0);
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        drop(self.stdin.take()); // end of stdin: the server stops
        for _ in 0..100 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One keep-alive TLS connection to a node.
struct Connection {
    tls: rustls::StreamOwned<rustls::ClientConnection, TcpStream>,
}

impl Connection {
    fn open(node: &Node) -> Connection {
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(node.roots.clone())
        .with_no_client_auth();
        let server = ServerName::try_from("127.0.0.1").unwrap();
        let conn = rustls::ClientConnection::new(Arc::new(config), server).unwrap();
        let tcp = TcpStream::connect(("127.0.0.1", node.port)).unwrap();
        tcp.set_nodelay(true).unwrap();
        Connection {
            tls: rustls::StreamOwned::new(conn, tcp),
        }
    }

    /// Sends one request; returns the status and the body.
    fn send(&mut self, head: &str, body: &[u8]) -> (u16, String) {
        self.tls.write_all(head.as_bytes()).unwrap();
        self.tls.write_all(body).unwrap();
        self.tls.flush().unwrap();
        let mut buffer = Vec::new();
        let mut byte = [0u8; 1];
        while !buffer.ends_with(b"\r\n\r\n") {
            self.tls.read_exact(&mut byte).unwrap();
            buffer.push(byte[0]);
        }
        let head = String::from_utf8(buffer).unwrap();
        let status: u16 = head[9..12].parse().unwrap();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("Content-Length: "))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let mut body = vec![0u8; length];
        self.tls.read_exact(&mut body).unwrap();
        if status == 503 {
            assert!(head.contains("Retry-After: "), "503 without Retry-After");
        }
        (status, String::from_utf8(body).unwrap())
    }

    fn stats(&mut self) -> serde_json::Value {
        let head = format!("GET /Contrast/__test/stats HTTP/1.1\r\nHost: {FLEET_HOST}\r\n\r\n");
        serde_json::from_str(&self.send(&head, b"").1).unwrap()
    }
}

struct Agent {
    old: Arc<Snapshot>,
    new: Arc<Snapshot>,
}

fn snapshot(i: usize, generation: &str) -> Arc<Snapshot> {
    let creds = Credentials::new(
        &format!("https://{FLEET_HOST}/Contrast"),
        &format!("agent-{i}@fleet"),
        &format!("SVC-{generation}-{i}"),
        "API-fleet-key",
    )
    .unwrap();
    CredentialStore::new(creds, HeaderOptions::default()).snapshot()
}

fn accept_line(i: usize, generation: &str) -> String {
    format!("agent-{i}@fleet:SVC-{generation}-{i}:API-fleet-key\n")
}

/// A signed report: its request head and body, sent as is (replays send it again).
#[derive(Clone)]
struct Report {
    id: String,
    head: String,
}

const BODY: &[u8] = br#"{"findings":[]}"#;

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn report(id: &str, current: &Snapshot, previous: Option<&Snapshot>) -> Report {
    let signed: SignatureHeaders = Signer::default()
        .sign(
            &Message {
                method: "POST",
                url: &format!("https://{FLEET_HOST}{PATH}"),
                content_type: "application/json",
                body: BODY,
            },
            current,
            previous,
            now(),
        )
        .unwrap();
    let headers = current.headers();
    let head = format!(
        "POST {PATH} HTTP/1.1\r\nHost: {FLEET_HOST}\r\nAuthorization: {}\r\nAPI-Key: {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nContent-Digest: {}\r\n\
         Signature-Input: {}\r\nSignature: {}\r\nX-Contrast-Report-Id: {id}\r\n\r\n",
        headers.authorization().expose_secret(),
        headers.api_key().expose_secret(),
        BODY.len(),
        signed.content_digest,
        signed.signature_input,
        signed.signature
    );
    Report {
        id: id.to_string(),
        head,
    }
}

/// A small deterministic random sequence (xorshift), one per thread.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

#[derive(Default)]
struct Tally {
    /// Report id → acceptances.
    accepted: HashMap<String, u32>,
    refused_legitimate: Vec<(String, u16, String)>,
    replays: u64,
    replays_refused_as_replayed: u64,
    replays_otherwise: Vec<(u16, String)>,
    unavailable: u64,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        for (id, n) in other.accepted {
            *self.accepted.entry(id).or_insert(0) += n;
        }
        self.refused_legitimate.extend(other.refused_legitimate);
        self.replays += other.replays;
        self.replays_refused_as_replayed += other.replays_refused_as_replayed;
        self.replays_otherwise.extend(other.replays_otherwise);
        self.unavailable += other.unavailable;
    }

    fn legitimate(&mut self, report: &Report, (status, body): (u16, String)) {
        if status == 200 {
            *self.accepted.entry(report.id.clone()).or_insert(0) += 1;
        } else {
            self.refused_legitimate
                .push((report.id.clone(), status, body));
        }
    }

    fn replay(&mut self, report: &Report, (status, body): (u16, String)) {
        self.replays += 1;
        if status == 200 {
            *self.accepted.entry(report.id.clone()).or_insert(0) += 1;
        }
        if status == 401 && body.contains("\"replayed\":true") {
            self.replays_refused_as_replayed += 1;
        } else {
            self.replays_otherwise.push((status, body));
        }
    }
}

/// Runs `work` for each agent index on [`THREADS`] threads, each with its own connections.
fn in_parallel(
    nodes: &[Node],
    agents: std::ops::Range<usize>,
    work: impl Fn(usize, &mut [Connection], &mut Random, &mut Tally) + Sync,
) -> Tally {
    let mut total = Tally::default();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let work = &work;
                let agents = agents.clone();
                scope.spawn(move || {
                    let mut connections: Vec<Connection> =
                        nodes.iter().map(Connection::open).collect();
                    let mut random = Random(0x9e37_79b9_7f4a_7c15 ^ (t as u64 + 1));
                    let mut tally = Tally::default();
                    for agent in agents.filter(|a| a % THREADS == t) {
                        work(agent, &mut connections, &mut random, &mut tally);
                    }
                    tally
                })
            })
            .collect();
        for h in handles {
            total.merge(h.join().unwrap());
        }
    });
    total
}

/// `count` distinct nodes other than `except`, chosen among `among`.
fn others(random: &mut Random, among: &[usize], except: usize, count: usize) -> Vec<usize> {
    let mut pool: Vec<usize> = among.iter().copied().filter(|n| *n != except).collect();
    let mut out = Vec::new();
    for _ in 0..count {
        out.push(pool.remove(random.below(pool.len())));
    }
    out
}

fn wait_reloaded(node: &Node, reloads: u64) {
    let mut connection = Connection::open(node);
    wait_for(
        "a node to reload its accept file",
        Duration::from_secs(20),
        || connection.stats()["reloads"].as_u64() == Some(reloads),
    );
}

#[test]
fn fleet_of_four_nodes_sharing_a_redis_cluster() {
    let Some(seeds) = redis_env("CONTRAST_TEST_REDIS_CLUSTER") else {
        return;
    };
    let cluster = cluster_ports(&seeds);
    let dir = tempfile::tempdir().unwrap();
    let accept_file = dir.path().join("accept.txt");
    let mut v1 = String::from("# fleet agents, generation 1\n");
    for i in 0..AGENTS {
        v1.push_str(&accept_line(i, "old"));
    }
    std::fs::write(&accept_file, &v1).unwrap();
    let agents: Vec<Agent> = (0..AGENTS)
        .map(|i| Agent {
            old: snapshot(i, "old"),
            new: snapshot(i, "new"),
        })
        .collect();
    let store = format!("redis-cluster://{seeds}");
    let nodes: Vec<Node> = (0..NODES)
        .map(|i| Node::start(dir.path(), i, &accept_file, &store))
        .collect();
    let all: Vec<usize> = (0..NODES).collect();
    let mut tally = Tally::default();

    // Phase 1: every agent reports to a random node; the report is replayed to 2 others.
    let phase1: Vec<Report> = (0..AGENTS)
        .map(|i| report(&format!("r1-{i}"), &agents[i].old, None))
        .collect();
    tally.merge(in_parallel(&nodes, 0..AGENTS, |i, conns, random, t| {
        let r = &phase1[i];
        let node = random.below(NODES);
        t.legitimate(r, conns[node].send(&r.head, BODY));
        for other in others(random, &all, node, 2) {
            t.replay(r, conns[other].send(&r.head, BODY));
        }
    }));

    // Rotation: the file accepts both generations; nodes 0-2 are signalled, node 3 late.
    let mut v2 = v1.clone();
    v2.push_str("# generation 2\n");
    for i in 0..AGENTS {
        v2.push_str(&accept_line(i, "new"));
    }
    std::fs::write(&accept_file, &v2).unwrap();
    for node in &nodes[..3] {
        node.hang_up();
    }
    for node in &nodes[..3] {
        wait_reloaded(node, 1);
    }
    let early: Vec<usize> = vec![0, 1, 2];
    // While node 3 still has only generation 1: the first half of the agents rotate (signed
    // with the new key and, as `contrast-prev`, the old one) through the reloaded nodes; every
    // phase-1 report is replayed again, to any node (node 3 included).
    let half = AGENTS / 2;
    let phase2: Vec<Report> = (0..AGENTS)
        .map(|i| report(&format!("r2-{i}"), &agents[i].new, Some(&agents[i].old)))
        .collect();
    tally.merge(in_parallel(&nodes, 0..AGENTS, |i, conns, random, t| {
        let old = &phase1[i];
        t.replay(old, conns[random.below(NODES)].send(&old.head, BODY));
        if i < half {
            let r = &phase2[i];
            let node = early[random.below(3)];
            t.legitimate(r, conns[node].send(&r.head, BODY));
            for other in others(random, &early, node, 2) {
                t.replay(r, conns[other].send(&r.head, BODY));
            }
        }
    }));
    nodes[3].hang_up();
    wait_reloaded(&nodes[3], 1);
    // Then the other half through any node, and the first half's reports replayed to the
    // late node.
    tally.merge(in_parallel(&nodes, 0..AGENTS, |i, conns, random, t| {
        let r = &phase2[i];
        if i < half {
            t.replay(r, conns[3].send(&r.head, BODY));
        } else {
            let node = random.below(NODES);
            t.legitimate(r, conns[node].send(&r.head, BODY));
            for other in others(random, &all, node, 2) {
                t.replay(r, conns[other].send(&r.head, BODY));
            }
        }
    }));

    // The whole store stops: nothing is accepted, every signed report gets 503.
    for port in &cluster {
        stop_node(*port);
    }
    let outage: Vec<Report> = (0..OUTAGE_REPORTS)
        .map(|i| report(&format!("r3-{i}"), &agents[i].new, None))
        .collect();
    let during = in_parallel(&nodes, 0..OUTAGE_REPORTS, |i, conns, random, t| {
        let r = &outage[i];
        let (status, body) = conns[random.below(NODES)].send(&r.head, BODY);
        assert_eq!(status, 503, "{body}");
        t.unavailable += 1;
        // A replay during the outage is not accepted either.
        let old = &phase1[i];
        let (status, body) = conns[random.below(NODES)].send(&old.head, BODY);
        assert_eq!(status, 503, "{body}");
    });
    assert_eq!(during.unavailable, OUTAGE_REPORTS as u64);
    assert!(during.accepted.is_empty());

    // Restarted (with its AOF): the refused reports are sent again, freshly signed, and go
    // through; earlier reports are still known.
    for port in &cluster {
        restart_node(*port);
    }
    wait_for(
        "the cluster to be up again",
        Duration::from_secs(60),
        || cluster_ok(&cluster),
    );
    tally.merge(in_parallel(
        &nodes,
        0..OUTAGE_REPORTS,
        |i, conns, random, t| {
            let mut attempts = 0;
            loop {
                let r = report(&format!("r3-{i}"), &agents[i].new, None);
                let (status, body) = conns[random.below(NODES)].send(&r.head, BODY);
                if status == 503 && attempts < 100 {
                    attempts += 1;
                    std::thread::sleep(Duration::from_millis(100)); // Retry-After, shortened
                    continue;
                }
                t.legitimate(&r, (status, body));
                break;
            }
            let old = &phase1[i];
            t.replay(old, conns[random.below(NODES)].send(&old.head, BODY));
        },
    ));

    let expected_reports = AGENTS * 2 + OUTAGE_REPORTS;
    assert!(
        tally.refused_legitimate.is_empty(),
        "{} legitimate reports refused, e.g. {:?}",
        tally.refused_legitimate.len(),
        tally.refused_legitimate.first()
    );
    assert!(
        tally.replays_otherwise.is_empty(),
        "{} replays not refused as replayed, e.g. {:?}",
        tally.replays_otherwise.len(),
        tally.replays_otherwise.first()
    );
    assert_eq!(tally.accepted.len(), expected_reports);
    assert!(tally.accepted.values().all(|n| *n == 1));
    // The nodes' own counters agree.
    let (mut replayed, mut store_errors) = (0, 0);
    for node in &nodes {
        let stats = Connection::open(node).stats();
        replayed += stats["replayed"].as_u64().unwrap();
        store_errors += stats["store_errors"].as_u64().unwrap();
    }
    assert_eq!(replayed, tally.replays);
    assert!(store_errors >= 2 * OUTAGE_REPORTS as u64);
    eprintln!(
        "fleet: {} reports accepted once each, {} replays refused as replayed, {store_errors} 503s",
        tally.accepted.len(),
        tally.replays_refused_as_replayed
    );
}
