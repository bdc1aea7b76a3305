// Shared by build.rs and tests/header.rs (through `include!`): generates
// include/contrast_auth.h from src/ffi/ with cbindgen and cbindgen.toml.

/// The header text for the crate at `crate_dir`, version `version` (`MAJOR.MINOR.PATCH`).
fn generate_header(crate_dir: &std::path::Path, version: &str) -> Result<String, String> {
    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))?;
    let mut parts = version.split(['.', '-', '+']);
    let mut part = || parts.next().unwrap_or("0").to_string();
    let (major, minor, patch) = (part(), part(), part());
    config.after_includes = Some(format!(
        "\n#define CONTRAST_AUTH_VERSION_MAJOR {major}\n\
         #define CONTRAST_AUTH_VERSION_MINOR {minor}\n\
         #define CONTRAST_AUTH_VERSION_PATCH {patch}\n\
         #define CONTRAST_AUTH_VERSION \"{version}\"\n"
    ));
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(crate_dir.join("src/ffi/mod.rs"))
        .generate()
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).map_err(|e| e.to_string())
}
