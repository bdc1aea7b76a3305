//! `ConfigSources::from_process()` reads the real environment and working directory.
//! This file holds a single test so that changing process-global state cannot leak into
//! other tests (each integration-test file is its own process).

use std::fs;

use contrast_auth::config::keys;
use contrast_auth::{ConfigSources, Origin};

#[test]
fn reads_environment_and_working_directory() {
    let dir = tempfile::TempDir::new().unwrap();
    fs::write(
        dir.path().join("contrast_security.yml"),
        "api:\n  url: https://file.example/Contrast\n  user_name: file-user\n  service_key: file-sk\n  api_key: file-ak\n",
    )
    .unwrap();
    std::env::set_current_dir(dir.path()).unwrap();
    // SAFETY: this test binary runs this one test only; no other thread reads the
    // environment while it is changed.
    unsafe {
        std::env::set_var("CONTRAST__API__API_KEY", "env-ak");
        std::env::remove_var("CONTRAST_CONFIG_PATH");
    }
    let c = ConfigSources::from_process()
        .host_value("contrast.api.user_name", "host-user")
        .load()
        .unwrap();
    assert_eq!(c.credentials.api_key().expose_secret(), "env-ak");
    assert_eq!(c.credentials.user_name().expose_secret(), "host-user");
    assert_eq!(c.credentials.service_key().expose_secret(), "file-sk");
    assert_eq!(
        c.credentials.url().as_str(),
        "https://file.example/Contrast"
    );
    assert!(
        matches!(c.origin_of(keys::SERVICE_KEY), Some(Origin::File(p)) if p.ends_with("contrast_security.yml"))
    );
    assert_eq!(
        c.origin_of(keys::API_KEY),
        Some(&Origin::Environment("CONTRAST__API__API_KEY".into()))
    );
}
