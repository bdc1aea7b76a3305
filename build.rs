//! Regenerates the C header only when asked to (`CONTRAST_AUTH_REGENERATE_HEADER=1`):
//! cargo builds must not write into the source tree. It writes `include/contrast_auth.h` and
//! the Go module's copy, `bindings/go/contrastauth/contrast_auth.h` (cgo needs the header
//! inside the module), when the checkout has it. `tests/header.rs` fails when the committed
//! header differs from a fresh generation, or the Go copy from the committed header.

include!("build/generate_header.rs");

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build/generate_header.rs");
    set_soname();
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
    std::fs::write(&path, &header).expect("write include/contrast_auth.h");
    println!("cargo:warning=regenerated {}", path.display());
    let go_module = crate_dir.join("bindings/go/contrastauth");
    if go_module.is_dir() {
        let copy = go_module.join("contrast_auth.h");
        std::fs::write(&copy, &header).expect("write the Go module's copy of the header");
        println!("cargo:warning=regenerated {}", copy.display());
    }
}

/// The SONAME of the shipped Linux shared library: binaries linked against it record
/// `libcontrast_auth.so.0` (ABI 0), so a later incompatible library can sit beside it.
const SONAME: &str = "libcontrast_auth.so.0";

/// Gives the Linux cdylib its SONAME in the shipping profile (`--profile dist`, used by
/// scripts/release-native). Development builds (target/debug, target/release) keep none:
/// the bindings' tests link those by file name (`-L target/release -lcontrast_auth`), and a
/// SONAME there would make the loader look for a `libcontrast_auth.so.0` that cargo never
/// creates.
fn set_soname() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("linux") {
        return;
    }
    // Cargo tells a build script no profile name; its OUT_DIR is
    // <target-dir>[/<triple>]/<profile>/build/<pkg>-<hash>/out.
    let out_dir = std::path::PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    let profile = out_dir.ancestors().nth(3).and_then(|p| p.file_name());
    if profile.and_then(|p| p.to_str()) == Some("dist") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{SONAME}");
    }
}
