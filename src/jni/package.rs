//! The Java package the natives are bound to: `com/contrastsecurity/auth` as written, or the
//! package an agent relocated it to when it shaded the jar (set once, from `JNI_OnLoad`).
//! Classes the native side creates or throws are named with [`class_name`].

use std::sync::OnceLock;

use jni::strings::JNIString;

/// The package of the Java API as written (before any relocation), in JNI form.
pub(super) const ORIGINAL_PACKAGE: &str = "com/contrastsecurity/auth";

/// The package this library was registered against, in JNI form (`a/b/c`).
static PACKAGE: OnceLock<String> = OnceLock::new();

/// The package the natives are bound to (the relocated one when shaded).
pub(super) fn package() -> &'static str {
    PACKAGE.get().map_or(ORIGINAL_PACKAGE, String::as_str)
}

/// The JNI name of a class of the package, e.g. `class_name("HeaderPair")`.
pub(super) fn class_name(simple: &str) -> JNIString {
    JNIString::new(format!("{}/{simple}", package()))
}

/// Records the package the natives were registered against (the first call wins).
pub(super) fn set(package: String) {
    let _ = PACKAGE.set(package);
}

/// A JNI package name: `/`-separated Java identifiers, nothing else.
pub(super) fn valid_package(package: &str) -> bool {
    !package.is_empty()
        && package.split('/').all(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
                && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        })
}

#[cfg(test)]
mod tests {
    use super::valid_package;

    #[test]
    fn packages_are_checked_before_use_in_class_names() {
        assert!(valid_package("com/contrastsecurity/auth"));
        assert!(valid_package("org/acme/shaded_1/cauth"));
        assert!(!valid_package(""));
        assert!(!valid_package("com//auth"));
        assert!(!valid_package("com/1auth"));
        assert!(!valid_package("com.contrastsecurity.auth"));
        assert!(!valid_package("com/auth;"));
    }
}
