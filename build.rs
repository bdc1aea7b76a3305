//! Regenerates the C header only when asked to (`CONTRAST_AUTH_REGENERATE_HEADER=1`):
//! cargo builds must not write into the source tree. `tests/header.rs` fails when the
//! committed `include/contrast_auth.h` differs from a fresh generation.

include!("build/generate_header.rs");

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build/generate_header.rs");
    println!("cargo:rerun-if-env-changed=CONTRAST_AUTH_REGENERATE_HEADER");
    if std::env::var("CONTRAST_AUTH_REGENERATE_HEADER").as_deref() != Ok("1") {
        return;
    }
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=src/ffi");
    let crate_dir = std::path::PathBuf::from(
        std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let version = std::env::var("CARGO_PKG_VERSION").expect("cargo sets CARGO_PKG_VERSION");
    let header = generate_header(&crate_dir, &version)
        .unwrap_or_else(|e| panic!("generating include/contrast_auth.h failed: {e}"));
    let path = crate_dir.join("include/contrast_auth.h");
    std::fs::create_dir_all(crate_dir.join("include")).expect("create include/");
    std::fs::write(&path, header).expect("write include/contrast_auth.h");
    println!("cargo:warning=regenerated {}", path.display());
}
