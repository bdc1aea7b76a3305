//! YAML configuration loading (`contrast_security.yaml` through `CONTRAST_CONFIG_PATH`):
//! never panics, whatever the file holds.
#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

/// One file per process (libFuzzer runs inputs one after another in a process).
static FILE: LazyLock<PathBuf> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("contrast-auth-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir.join("contrast_security.yaml")
});

fuzz_target!(|data: &[u8]| {
    std::fs::write(&*FILE, data).expect("writable temporary file");
    let sources = contrast_auth::ConfigSources::new()
        .environment_value("CONTRAST_CONFIG_PATH", FILE.to_str().expect("UTF-8 path"));
    match sources.load() {
        Ok(config) => {
            let _ = format!("{config:?}");
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
