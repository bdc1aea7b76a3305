//! `contrast_version`: the version of the loaded library, so a binding can check that the
//! library it loaded is the one it was built for.

use std::ffi::{CStr, c_char};

/// The crate version (`MAJOR.MINOR.PATCH`), NUL-terminated, in static memory.
const VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(version) => version,
        Err(_) => panic!("the crate version contains a NUL"),
    };

/// Returns the version of this library (`"MAJOR.MINOR.PATCH"`, the same as
/// `CONTRAST_AUTH_VERSION` in the header it was built with), NUL-terminated and static:
/// never NULL, never freed, valid for as long as the library is loaded. Compare it with
/// `CONTRAST_AUTH_VERSION` to detect a header/library mismatch. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn contrast_version() -> *const c_char {
    VERSION.as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_is_the_crate_version_and_static() {
        let first = contrast_version();
        assert!(!first.is_null());
        // SAFETY: contrast_version returns a static NUL-terminated string.
        let text = unsafe { CStr::from_ptr(first) }.to_str().expect("ASCII");
        assert_eq!(text, env!("CARGO_PKG_VERSION"));
        assert_eq!(text.split('.').count(), 3, "MAJOR.MINOR.PATCH: {text}");
        // The same static string every time.
        assert_eq!(contrast_version(), first);
    }
}
