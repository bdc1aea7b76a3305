//! The committed `include/contrast_auth.h` must equal a fresh cbindgen generation
//! (pinned cbindgen, `cbindgen.toml`), and the Go module's copy must equal it byte for byte.
//! Regenerate both: `CONTRAST_AUTH_REGENERATE_HEADER=1 cargo build`.
#![cfg(feature = "capi")]

include!("../build/generate_header.rs");

#[test]
fn committed_header_matches_a_fresh_generation() {
    let crate_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let fresh = generate_header(crate_dir, env!("CARGO_PKG_VERSION")).expect("cbindgen runs");
    let out_dir = tempfile::tempdir().expect("temp dir");
    let fresh_path = out_dir.path().join("contrast_auth.h");
    std::fs::write(&fresh_path, &fresh).expect("write the fresh header");
    let committed = std::fs::read_to_string(crate_dir.join("include/contrast_auth.h"))
        .expect("include/contrast_auth.h is committed");
    if committed != fresh {
        let first_diff = committed
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(committed.lines().count().min(fresh.lines().count()));
        panic!(
            "include/contrast_auth.h is stale (first difference at line {}; fresh copy at {}). \
             Regenerate with: CONTRAST_AUTH_REGENERATE_HEADER=1 cargo build",
            first_diff + 1,
            out_dir.keep().join("contrast_auth.h").display()
        );
    }
}

/// `bindings/go/contrastauth/contrast_auth.h` is a committed copy (cgo reads the header from
/// inside the module, and a module cannot reach outside its folder), written by the same
/// regeneration; this test keeps it identical.
#[test]
fn go_module_header_is_the_committed_header() {
    let crate_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let go_copy = crate_dir.join("bindings/go/contrastauth/contrast_auth.h");
    if !crate_dir.join("bindings/go").is_dir() {
        return; // a crates.io package has no bindings/ (nothing to keep identical)
    }
    let committed = std::fs::read(crate_dir.join("include/contrast_auth.h"))
        .expect("include/contrast_auth.h is committed");
    let copy = std::fs::read(&go_copy).expect("the Go module's copy of the header is committed");
    assert!(
        committed == copy,
        "{} differs from include/contrast_auth.h. Regenerate both with: \
         CONTRAST_AUTH_REGENERATE_HEADER=1 cargo build",
        go_copy.display()
    );
}

#[test]
fn header_has_the_required_shape() {
    let crate_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let header = std::fs::read_to_string(crate_dir.join("include/contrast_auth.h"))
        .expect("include/contrast_auth.h is committed");
    for needle in [
        "#ifndef CONTRAST_AUTH_H",
        "do not edit",
        "CONTRAST_RESULT_OK = 0",
        "CONTRAST_RESULT_PANIC = 9",
        "typedef struct contrast_auth contrast_auth;",
        "size_t len",
        concat!(
            "#define CONTRAST_AUTH_VERSION \"",
            env!("CARGO_PKG_VERSION"),
            "\""
        ),
        "contrast_result contrast_auth_new(const char *url,",
        "const char *contrast_result_message(uint32_t result);",
        "void contrast_auth_free(contrast_auth *auth);",
    ] {
        assert!(header.contains(needle), "header lacks `{needle}`");
    }
    assert!(!header.contains("usize"), "size_t, not usize");
    assert!(
        !header.contains("Java_"),
        "JNI exports are not part of the C API"
    );
}
