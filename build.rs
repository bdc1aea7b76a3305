//! Regenerates the C header only when asked to (`CONTRAST_AUTH_REGENERATE_HEADER=1`):
//! cargo builds must not write into the source tree. `tests/header.rs` fails when the
//! committed `include/contrast_auth.h` differs from a fresh generation.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CONTRAST_AUTH_REGENERATE_HEADER");
}
