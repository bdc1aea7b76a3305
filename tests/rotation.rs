//! Rotation and reload: atomic swaps of both layers, consistent pairs under concurrent
//! readers, reports by fingerprint, and release of old snapshots.

use std::fs;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use contrast_auth::{
    ConfigError, ConfigSources, CredentialStore, Credentials, HeaderOptions, Secret,
};
use tempfile::TempDir;

const URL: &str = "https://h/Contrast";

fn store(i: u64) -> CredentialStore {
    let creds = Credentials::new(URL, "agent", &format!("sk-{i}"), &format!("ak-{i}")).unwrap();
    CredentialStore::new(creds, HeaderOptions::default())
}

/// Decodes the pair a snapshot presents and returns the rotation index both layers carry.
fn pair_index(auth: &str, api_key: &str) -> (u64, u64) {
    let plain = String::from_utf8(STANDARD.decode(auth).unwrap()).unwrap();
    let sk = plain
        .strip_prefix("agent:sk-")
        .expect("user name and service key");
    (
        sk.parse().unwrap(),
        api_key.strip_prefix("ak-").unwrap().parse().unwrap(),
    )
}

#[test]
fn readers_always_see_consistent_pairs_while_both_layers_rotate() {
    let store = Arc::new(store(0));
    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicU64::new(0));
    let readers: Vec<_> = (0..8)
        .map(|_| {
            let (store, stop, reads) = (store.clone(), stop.clone(), reads.clone());
            thread::spawn(move || {
                let mut last = 0;
                while !stop.load(Ordering::Relaxed) {
                    let snap = store.load_snapshot();
                    let h = snap.headers();
                    let (a, b) = pair_index(
                        h.authorization().expose_secret(),
                        h.api_key().expose_secret(),
                    );
                    assert_eq!(a, b, "mixed snapshot: service key {a} with API key {b}");
                    assert!(a >= last, "went back in time: {a} after {last}");
                    last = a;
                    reads.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for i in 1..=2000u64 {
        let report = store
            .rotate(Some(&format!("sk-{i}")), Some(&format!("ak-{i}")))
            .unwrap();
        assert!(report.key_changed("service_key") && report.key_changed("api_key"));
        assert_eq!(report.generation, i + 1);
    }
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        r.join().expect("a reader saw an inconsistent pair");
    }
    assert!(reads.load(Ordering::Relaxed) > 0);
    let snap = store.load_snapshot();
    assert_eq!(
        pair_index(
            snap.headers().authorization().expose_secret(),
            snap.headers().api_key().expose_secret()
        ),
        (2000, 2000)
    );
}

#[test]
fn rotating_one_layer_keeps_the_other() {
    let store = store(1);
    let before = store.snapshot().fingerprints();
    let report = store.rotate(None, Some("ak-2")).unwrap();
    assert_eq!(report.changes.len(), 2, "{report}"); // api_key and the derived signing key
    assert!(report.key_changed("api_key") && report.key_changed("signing_key"));
    assert!(!report.key_changed("service_key"));
    let change = report.changes.iter().find(|c| c.key == "api_key").unwrap();
    assert_eq!(change.from, before.api_key);
    assert_eq!(change.to, Secret::from("ak-2").fingerprint());
    let text = report.to_string();
    assert!(
        text.contains(&format!("api_key {} -> {}", before.api_key, change.to)),
        "{text}"
    );
    let snap = store.snapshot();
    assert_eq!(snap.credentials().service_key().expose_secret(), "sk-1");
    assert_eq!(snap.credentials().api_key().expose_secret(), "ak-2");
}

#[test]
fn invalid_rotation_changes_nothing() {
    let store = store(1);
    let err = store.rotate(Some("sk\r\nX: y"), Some("ak-9")).unwrap_err();
    assert!(matches!(
        err,
        ConfigError::InvalidCharacter {
            key: "api.service_key",
            ..
        }
    ));
    let snap = store.snapshot();
    assert_eq!(snap.generation(), 1);
    assert_eq!(snap.credentials().api_key().expose_secret(), "ak-1");
    assert!(store.rotate(None, Some("")).is_err());
}

#[test]
fn old_snapshot_is_released_when_its_last_reader_drops_it() {
    let store = store(1);
    let held = store.snapshot();
    let weak = Arc::downgrade(&held);
    store.rotate(Some("sk-2"), None).unwrap();
    store.rotate(Some("sk-3"), None).unwrap(); // the previous slot now holds sk-2
    assert!(weak.upgrade().is_some(), "a reader still holds it");
    drop(held);
    assert!(
        weak.upgrade().is_none(),
        "released (and zeroized) after the last reader"
    );
}

#[test]
fn previous_snapshot_is_kept_for_the_grace_period() {
    let store = store(1);
    assert!(store.previous(Duration::from_secs(60)).is_none());
    store.rotate(Some("sk-2"), None).unwrap();
    let prev = store.previous(Duration::from_secs(60)).unwrap();
    assert_eq!(prev.credentials().service_key().expose_secret(), "sk-1");
    assert_eq!(prev.generation(), 1);
}

#[test]
fn reload_reports_which_keys_changed() {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("contrast_security.yaml");
    let write = |sk: &str, ak: &str| {
        fs::write(
            &file,
            format!(
                "api:\n  url: {URL}\n  user_name: agent\n  service_key: {sk}\n  api_key: {ak}\n"
            ),
        )
        .unwrap();
    };
    write("sk-1", "ak-1");
    let sources = ConfigSources::new().working_dir(dir.path());
    let (store, config) = CredentialStore::load(sources, HeaderOptions::default()).unwrap();
    assert!(store.is_reloadable());
    assert_eq!(config.credentials.api_key().expose_secret(), "ak-1");

    let unchanged = store.reload().unwrap();
    assert!(!unchanged.changed());
    assert_eq!(unchanged.generation, 1);

    write("sk-2", "ak-1");
    let report = store.reload().unwrap();
    assert!(report.key_changed("service_key"));
    assert!(!report.key_changed("api_key"));
    assert_eq!(report.generation, 2);
    assert_eq!(
        store.snapshot().credentials().service_key().expose_secret(),
        "sk-2"
    );

    // A broken file on reload is an error and keeps the current snapshot.
    fs::write(&file, "api: [").unwrap();
    assert!(store.reload().is_err());
    assert_eq!(store.snapshot().generation(), 2);
}

#[test]
fn reload_without_sources_changes_nothing() {
    let store = store(1);
    assert!(!store.is_reloadable());
    assert!(!store.reload().unwrap().changed());
}
