//! Rotation under load: several threads send while both keys rotate. Zero failed reports,
#![cfg(feature = "test-server")]
//! every report accepted exactly once by report id.

mod transport_support;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use contrast_auth::test_server::TestServerOptions;
use contrast_auth::transport::Client;
use transport_support::*;

const THREADS: usize = 4;

/// Runs `THREADS` senders until `stop`, returning every report id acknowledged.
fn senders(
    client: &Arc<Client>,
    stop: &Arc<AtomicBool>,
    sent: &Arc<AtomicUsize>,
) -> Vec<std::thread::JoinHandle<Vec<String>>> {
    (0..THREADS)
        .map(|t| {
            let (client, stop, sent) = (client.clone(), stop.clone(), sent.clone());
            std::thread::spawn(move || {
                let mut ids = Vec::new();
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let body = format!("{{\"thread\":{t},\"n\":{n}}}");
                    let result = client
                        .send(
                            "POST",
                            "/api/ng/report",
                            "application/json",
                            body.as_bytes(),
                        )
                        .unwrap_or_else(|e| panic!("report failed during rotation: {e}"));
                    ids.push(result.report_id);
                    sent.fetch_add(1, Ordering::Relaxed);
                    n += 1;
                }
                ids
            })
        })
        .collect()
}

/// Waits until `at_least` reports were acknowledged; fails (rather than hangs) if the
/// senders stop, e.g. because one panicked on a failed report.
fn wait_for(sent: &AtomicUsize, at_least: usize) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while sent.load(Ordering::Relaxed) < at_least {
        assert!(
            std::time::Instant::now() < deadline,
            "senders stopped at {} reports",
            sent.load(Ordering::Relaxed)
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn assert_each_accepted_once(f: &Fixture, ids: &[String]) {
    let unique: HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "report ids are unique");
    let deliveries = f.server.deliveries();
    for id in ids {
        assert_eq!(
            deliveries.get(id),
            Some(&1),
            "report {id} accepted exactly once"
        );
    }
    assert_eq!(
        deliveries.len(),
        ids.len(),
        "nothing accepted that was not acknowledged"
    );
}

#[test]
fn both_keys_rotate_under_load_with_the_server_accepting_both_during_the_switch() {
    let f = Fixture::start(TestServerOptions::default());
    let client = Arc::new(f.client(SERVICE_KEY, API_KEY));
    let (stop, sent) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicUsize::new(0)),
    );
    let handles = senders(&client, &stop, &sent);
    let store = client.store().clone();

    wait_for(&sent, 100);
    // Service key: the server accepts old and new, the agent switches, the old one retires.
    f.server
        .set_accepted(&[
            accepted(SERVICE_KEY, API_KEY),
            accepted("SERVICEKEY2", API_KEY),
        ])
        .unwrap();
    let report = store.rotate(Some("SERVICEKEY2"), None).unwrap();
    assert!(report.key_changed("service_key"));
    wait_for(&sent, 200);
    f.server
        .set_accepted(&[accepted("SERVICEKEY2", API_KEY)])
        .unwrap();
    wait_for(&sent, 300);
    // API key, the same way.
    f.server
        .set_accepted(&[
            accepted("SERVICEKEY2", API_KEY),
            accepted("SERVICEKEY2", "APIKEY2"),
        ])
        .unwrap();
    let report = store.rotate(None, Some("APIKEY2")).unwrap();
    assert!(report.key_changed("api_key"));
    wait_for(&sent, 400);
    f.server
        .set_accepted(&[accepted("SERVICEKEY2", "APIKEY2")])
        .unwrap();
    wait_for(&sent, 500);
    stop.store(true, Ordering::Relaxed);

    let ids: Vec<String> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    assert!(ids.len() >= 500);
    assert_each_accepted_once(&f, &ids);
    let counters = client.counters();
    assert_eq!(counters.failed, 0);
    assert_eq!(counters.acknowledged as usize, ids.len());
    assert_eq!(store.snapshot().generation(), 3);
}

#[test]
fn an_abrupt_server_side_rotation_is_absorbed_by_reloading_the_configuration() {
    let f = Fixture::start(TestServerOptions::default());
    f.write_yaml(SERVICE_KEY, API_KEY);
    let client = Arc::new(f.yaml_client());
    let (stop, sent) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicUsize::new(0)),
    );
    let handles = senders(&client, &stop, &sent);

    wait_for(&sent, 100);
    // The server switches with no overlap; the new keys are already in the agent's file.
    f.write_yaml("SERVICEKEY2", "APIKEY2");
    f.server
        .set_accepted(&[accepted("SERVICEKEY2", "APIKEY2")])
        .unwrap();
    wait_for(&sent, 300);
    stop.store(true, Ordering::Relaxed);

    let ids: Vec<String> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    assert_each_accepted_once(&f, &ids);
    let counters = client.counters();
    assert_eq!(counters.failed, 0);
    assert!(counters.reloads >= 1);
    assert!(
        f.server.stats().rejected >= 1,
        "some reports met the new server keys first"
    );
    assert_eq!(client.store().snapshot().generation(), 2);
}
