//! The Redis replay store against real Redis (`scripts/test-fleet` starts a standalone server
//! and a 3 + 3 Redis Cluster; other servers are started here): fresh / replayed / expired, the
//! TTL at the window's edges, keys spread over the cluster's slots, a store down at start and
//! mid-run, a server that never answers, `noeviction` OOM, and a master killed (errors while
//! the replica takes over, then acceptance, never a replay accepted).
#![cfg(feature = "redis")]

mod redis_support;

use std::collections::HashSet;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use contrast_auth::signing::{
    Message, Nonce, ReceivedRequest, Recorded, RedisReplayStore, RedisStoreOptions, ReplayStore,
    ReplayStoreError, ReplayStoreUrl, SignatureHeaders, Signer, Verifier, VerifierOptions,
    VerifyError,
};
use contrast_auth::{CredentialStore, Credentials, HeaderOptions, Snapshot};
use redis_support::*;

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

fn nonce(i: u64) -> Nonce {
    let mut n = [0u8; 16];
    n[..8].copy_from_slice(&i.to_le_bytes());
    n[8..].copy_from_slice(&now_ms().to_le_bytes());
    n
}

fn options() -> RedisStoreOptions {
    RedisStoreOptions {
        key_prefix: format!("test-{}:", now_ms()),
        command_timeout: Duration::from_millis(300),
        connection_timeout: Duration::from_millis(500),
        ..RedisStoreOptions::default()
    }
}

fn connect(url: &str) -> RedisReplayStore {
    RedisReplayStore::connect(&ReplayStoreUrl::parse(url).unwrap(), options()).unwrap()
}

fn cluster_url(seeds: &str) -> String {
    format!("redis-cluster://{seeds}")
}

/// The PTTL of a nonce's key, read with redis-cli.
fn pttl(port: u16, store: &RedisReplayStore, n: &Nonce) -> i64 {
    use base64::Engine;
    let key = format!(
        "{}{}",
        store.options().key_prefix,
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(n)
    );
    redis_cli(port, &["pttl", &key]).trim().parse().unwrap()
}

fn port_of(url: &str) -> u16 {
    url.rsplit(':').next().unwrap().parse().unwrap()
}

#[test]
fn standalone_fresh_replayed_expired_and_ttl_edges() {
    let Some(url) = redis_env("CONTRAST_TEST_REDIS") else {
        return;
    };
    for batching in [true, false] {
        let options = RedisStoreOptions {
            batching,
            ..options()
        };
        let store =
            RedisReplayStore::connect(&ReplayStoreUrl::parse(&url).unwrap(), options).unwrap();
        fresh_replayed_expired(&url, &store);
    }
}

fn fresh_replayed_expired(url: &str, store: &RedisReplayStore) {
    let url = url.to_string();
    let now = now_ms();
    let a = nonce(1);
    assert_eq!(store.record(&a, now + 60_000, now), Ok(Recorded::Fresh));
    assert_eq!(store.record(&a, now + 60_000, now), Ok(Recorded::Replayed));
    let ttl = pttl(port_of(&url), store, &a);
    assert!((59_000..=60_000).contains(&ttl), "PTTL {ttl}");
    // A time already past keeps the nonce 1 ms (never 0, never negative: never an error).
    let b = nonce(2);
    assert_eq!(store.record(&b, now - 5_000, now), Ok(Recorded::Fresh));
    // Expired: the key is gone after its TTL, then the nonce is fresh again.
    let c = nonce(3);
    assert_eq!(store.record(&c, now + 100, now), Ok(Recorded::Fresh));
    wait_for("the key to expire", Duration::from_secs(5), || {
        pttl(port_of(&url), store, &c) == -2
    });
    assert_eq!(
        store.record(&c, now_ms() + 100, now_ms()),
        Ok(Recorded::Fresh)
    );
    assert_eq!(pttl(port_of(&url), store, &b), -2);
}

/// Many threads recording the same nonces at once (batched, on both kinds of store): each
/// nonce is fresh exactly once.
#[test]
fn concurrent_records_of_one_nonce_give_one_fresh() {
    let (Some(url), Some(seeds)) = (
        redis_env("CONTRAST_TEST_REDIS"),
        redis_env("CONTRAST_TEST_REDIS_CLUSTER"),
    ) else {
        return;
    };
    for url in [url, cluster_url(&seeds)] {
        let store = Arc::new(connect(&url));
        let now = now_ms();
        let nonces: Arc<Vec<Nonce>> = Arc::new((0..100).map(nonce).collect());
        let fresh: usize = (0..16)
            .map(|_| {
                let (store, nonces) = (store.clone(), nonces.clone());
                std::thread::spawn(move || {
                    nonces
                        .iter()
                        .filter(|n| store.record(n, now + 60_000, now) == Ok(Recorded::Fresh))
                        .count()
                })
            })
            .map(|t| t.join().unwrap())
            .sum();
        assert_eq!(fresh, 100, "{url}");
    }
}

#[test]
fn cluster_spreads_keys_over_the_masters_and_refuses_replays() {
    let Some(seeds) = redis_env("CONTRAST_TEST_REDIS_CLUSTER") else {
        return;
    };
    let store = connect(&cluster_url(&seeds));
    let ports = cluster_ports(&seeds);
    let masters = masters(ports[0]);
    assert_eq!(masters.len(), 3, "{masters:?}");
    let before: Vec<u64> = masters
        .iter()
        .map(|p| redis_cli(*p, &["dbsize"]).trim().parse().unwrap())
        .collect();
    let now = now_ms();
    let nonces: Vec<Nonce> = (0..300).map(nonce).collect();
    for n in &nonces {
        assert_eq!(store.record(n, now + 60_000, now), Ok(Recorded::Fresh));
    }
    for n in &nonces {
        assert_eq!(store.record(n, now + 60_000, now), Ok(Recorded::Replayed));
    }
    for (port, before) in masters.iter().zip(before) {
        let after: u64 = redis_cli(*port, &["dbsize"]).trim().parse().unwrap();
        assert!(after >= before + 50, "master {port}: {before} -> {after}");
    }
}

#[test]
fn unreachable_at_start_is_an_error_without_the_password() {
    // Required like the others, so that the script counts it.
    if redis_env("CONTRAST_TEST_REDIS").is_none() {
        return;
    }
    let port = free_port();
    for url in [
        format!("redis://:pa55-w0rd@127.0.0.1:{port}"),
        format!("redis-cluster://u:pa55-w0rd@127.0.0.1:{port}"),
    ] {
        let error = RedisReplayStore::connect(&ReplayStoreUrl::parse(&url).unwrap(), options())
            .unwrap_err();
        assert!(error.contains("cannot be reached"), "{error}");
        assert!(!error.contains("pa55-w0rd"), "{error}");
    }
}

#[test]
fn down_mid_run_fails_closed_then_recovers() {
    if redis_env("CONTRAST_TEST_REDIS").is_none() {
        return;
    }
    let server = PrivateRedis::start(&[]);
    let store = connect(&server.url());
    let now = now_ms();
    assert_eq!(
        store.record(&nonce(1), now + 60_000, now),
        Ok(Recorded::Fresh)
    );
    let port = server.kill();
    for i in 2..5 {
        let result = store.record(&nonce(i), now + 60_000, now);
        assert!(
            matches!(
                result,
                Err(ReplayStoreError::Unreachable | ReplayStoreError::Timeout)
            ),
            "{result:?}"
        );
    }
    let _again = PrivateRedis::start_on(port, &[]);
    // The pool makes new connections: fresh again (the old server's nonces are gone with it:
    // without persistence a restarted store forgets, see docs/verifier.md).
    assert_eq!(
        store.record(&nonce(9), now + 60_000, now),
        Ok(Recorded::Fresh)
    );
}

#[test]
fn a_server_that_never_answers_is_a_timeout() {
    if redis_env("CONTRAST_TEST_REDIS").is_none() {
        return;
    }
    // Accepts connections and never answers: the start-up PING times out.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("redis://127.0.0.1:{}", silent.local_addr().unwrap().port());
    let error =
        RedisReplayStore::connect(&ReplayStoreUrl::parse(&url).unwrap(), options()).unwrap_err();
    assert!(error.contains("did not answer in time"), "{error}");
    // A server that stops answering mid-run (CLIENT PAUSE): the command times out.
    let server = PrivateRedis::start(&[]);
    let store = connect(&server.url());
    let now = now_ms();
    assert_eq!(
        store.record(&nonce(1), now + 60_000, now),
        Ok(Recorded::Fresh)
    );
    redis_cli(server.port, &["client", "pause", "1500", "WRITE"]);
    assert_eq!(
        store.record(&nonce(2), now + 60_000, now),
        Err(ReplayStoreError::Timeout)
    );
    drop(silent);
}

#[test]
fn noeviction_out_of_memory_fails_closed() {
    if redis_env("CONTRAST_TEST_REDIS").is_none() {
        return;
    }
    let server = PrivateRedis::start(&["--maxmemory", "2mb", "--maxmemory-policy", "noeviction"]);
    let store = connect(&server.url());
    let now = now_ms();
    let mut outcome = Ok(Recorded::Fresh);
    for i in 0..200_000 {
        outcome = store.record(&nonce(i), now + 600_000, now);
        if outcome.is_err() {
            break;
        }
    }
    assert_eq!(outcome, Err(ReplayStoreError::OutOfMemory));
    // Known nonces are still answered... as errors too (a write command under OOM): never
    // an acceptance.
    assert!(store.record(&nonce(0), now + 600_000, now).is_err());
}

fn snapshot(service_key: &str) -> Arc<Snapshot> {
    let creds = Credentials::new(
        "https://h.example/Contrast",
        "agent@Org",
        service_key,
        "API-secret-d8f2a61c",
    )
    .unwrap();
    CredentialStore::new(creds, HeaderOptions::default()).snapshot()
}

const BODY: &[u8] = br#"{"findings":[]}"#;

fn sign(snap: &Snapshot, created: u64) -> SignatureHeaders {
    Signer::default()
        .sign(
            &Message {
                method: "POST",
                url: "https://h.example/Contrast/api/ng/report",
                content_type: "application/json",
                body: BODY,
            },
            snap,
            None,
            created,
        )
        .unwrap()
}

fn request(h: &SignatureHeaders) -> ReceivedRequest<'_> {
    ReceivedRequest {
        method: "POST",
        authority: "h.example",
        path: "/Contrast/api/ng/report",
        query: None,
        content_type: Some("application/json"),
        content_digest: Some(&h.content_digest),
        signature_input: Some(&h.signature_input),
        signature: Some(&h.signature),
        body: BODY,
    }
}

#[test]
fn two_verifiers_sharing_a_store_refuse_each_others_replays() {
    let (Some(url), Some(seeds)) = (
        redis_env("CONTRAST_TEST_REDIS"),
        redis_env("CONTRAST_TEST_REDIS_CLUSTER"),
    ) else {
        return;
    };
    let snap = snapshot("SVC-key");
    for url in [url, cluster_url(&seeds)] {
        let store: Arc<dyn ReplayStore> = Arc::new(connect(&url));
        let nodes: Vec<Verifier> = (0..3)
            .map(|_| {
                let v =
                    Verifier::with_replay_store(VerifierOptions::default(), store.clone()).unwrap();
                v.set_signing_keys([snap.signing_key().duplicate()]);
                v
            })
            .collect();
        let now = now_ms() / 1000;
        for _ in 0..20 {
            let h = sign(&snap, now);
            assert!(nodes[0].verify(&request(&h), now).is_ok());
            for node in &nodes {
                assert_eq!(node.verify(&request(&h), now), Err(VerifyError::Replayed));
            }
        }
    }
}

#[test]
fn wait_for_a_replica_acknowledgement() {
    let Some(seeds) = redis_env("CONTRAST_TEST_REDIS_CLUSTER") else {
        return;
    };
    let store = RedisReplayStore::connect(
        &ReplayStoreUrl::parse(&cluster_url(&seeds)).unwrap(),
        RedisStoreOptions {
            wait_replicas: 1,
            // Generous: the replicas share 2 busy cores with everything else here.
            wait_timeout: Duration::from_secs(2),
            ..options()
        },
    )
    .unwrap();
    let now = now_ms();
    for i in 0..50 {
        assert_eq!(
            store.record(&nonce(i), now + 60_000, now),
            Ok(Recorded::Fresh)
        );
    }
    // Two replicas are more than the cluster has: fails closed, never an acceptance.
    let store = RedisReplayStore::connect(
        &ReplayStoreUrl::parse(&cluster_url(&seeds)).unwrap(),
        RedisStoreOptions {
            wait_replicas: 2,
            wait_timeout: Duration::from_millis(20),
            ..options()
        },
    )
    .unwrap();
    assert_eq!(
        store.record(&nonce(1000), now + 60_000, now),
        Err(ReplayStoreError::NotReplicated)
    );
}

/// Runs last (`z`): kills a master of the shared cluster; once its replica has taken over, it
/// is restarted (as a replica of its successor, so that `WAIT 1` can be met again).
#[test]
fn z_a_master_killed_gives_errors_then_acceptance_never_a_replay() {
    let Some(seeds) = redis_env("CONTRAST_TEST_REDIS_CLUSTER") else {
        return;
    };
    let ports = cluster_ports(&seeds);
    let snap = snapshot("SVC-key");
    // WAIT 1: an acknowledged nonce is on a replica, so the failover cannot lose it.
    let store: Arc<dyn ReplayStore> = Arc::new(
        RedisReplayStore::connect(
            &ReplayStoreUrl::parse(&cluster_url(&seeds)).unwrap(),
            RedisStoreOptions {
                wait_replicas: 1,
                wait_timeout: Duration::from_secs(1),
                ..options()
            },
        )
        .unwrap(),
    );
    let v = Verifier::with_replay_store(VerifierOptions::default(), store).unwrap();
    v.set_signing_keys([snap.signing_key().duplicate()]);
    let now = now_ms() / 1000;
    let mut accepted: Vec<SignatureHeaders> = Vec::new();
    for _ in 0..60 {
        let h = sign(&snap, now);
        assert!(v.verify(&request(&h), now).is_ok());
        accepted.push(h);
    }
    let victim = masters(ports[0])[0];
    stop_node(victim);
    let survivors: Vec<u16> = ports.iter().copied().filter(|p| *p != victim).collect();
    let (mut errors, mut fresh_ok) = (0u32, 0u32);
    let mut kinds = HashSet::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    // Until 40 fresh reports in a row are accepted after the failover.
    let mut streak = 0;
    let mut restarted = false;
    while streak < 40 {
        if !restarted && errors > 0 && masters(survivors[0]).len() == 3 {
            restart_node(victim);
            restarted = true;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no recovery: {kinds:?}"
        );
        let h = sign(&snap, now);
        match v.verify(&request(&h), now) {
            Ok(_) => {
                streak += 1;
                fresh_ok += 1;
                accepted.push(h);
            }
            Err(VerifyError::ReplayStore(e)) => {
                streak = 0;
                errors += 1;
                kinds.insert(e.name());
            }
            Err(e) => panic!("a fresh report was refused with {e:?}"),
        }
        // Every accepted report replayed: never accepted again.
        let replay = &accepted[(errors + fresh_ok) as usize % accepted.len()];
        let result = v.verify(&request(replay), now);
        assert!(
            matches!(
                result,
                Err(VerifyError::Replayed | VerifyError::ReplayStore(_))
            ),
            "a replay got {result:?}"
        );
    }
    assert!(errors > 0, "the failover gave no error at all");
    for h in &accepted {
        assert_eq!(v.verify(&request(h), now), Err(VerifyError::Replayed));
    }
    eprintln!("failover: {errors} fail-closed answers ({kinds:?}), then {fresh_ok} accepted");
    assert!(restarted);
    // The old master is back as a replica of its successor: 3 + 3 again.
    wait_for("the cluster to heal", Duration::from_secs(30), || {
        cluster_ok(&ports) && masters(survivors[0]).len() == 3
    });
}
