//! Secret values: zeroized on drop, redacted when printed, fingerprinted for diagnostics.
//!
//! A [`Secret`] has one door, [`Secret::expose_secret`]. It is not `Clone`; copying one
//! is explicit ([`Secret::duplicate`]). `Debug` and `Display` print `[REDACTED]`.

use std::fmt;

use ring::digest;
use zeroize::{Zeroize, Zeroizing};

/// The text every secret prints as.
pub const REDACTED: &str = "[REDACTED]";

/// A secret string (a key, a user name, a token, a computed header value).
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Takes ownership of `value`; its buffer is zeroized when the secret drops.
    pub fn new(value: String) -> Self {
        Secret(Zeroizing::new(value))
    }

    /// Copies `value` into a buffer allocated at its final size (no reallocation copies).
    pub fn from_str_exact(value: &str) -> Self {
        let mut s = String::with_capacity(value.len());
        s.push_str(value);
        Secret::new(s)
    }

    /// The secret's value. Every read goes through here, so reads are easy to audit.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// An explicit copy (secrets are never cloned silently).
    pub fn duplicate(&self) -> Self {
        Secret::from_str_exact(&self.0)
    }

    /// The fingerprint of this secret: the first 8 hex digits of its SHA-256.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(self.0.as_bytes())
    }

    /// Length of the value in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::from_str_exact(value)
    }
}

impl PartialEq for Secret {
    /// Constant-time comparison (the length may leak, the content does not).
    fn eq(&self, other: &Self) -> bool {
        constant_time_eq(self.0.as_bytes(), other.0.as_bytes())
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Secret bytes (an HMAC key), zeroized on drop and redacted when printed.
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    /// Takes ownership of `bytes`; they are zeroized when this drops.
    pub fn new(bytes: Vec<u8>) -> Self {
        SecretBytes(Zeroizing::new(bytes))
    }

    /// The bytes. Every read goes through here.
    pub fn expose_secret(&self) -> &[u8] {
        &self.0
    }

    /// An explicit copy.
    pub fn duplicate(&self) -> Self {
        SecretBytes::new(self.0.to_vec())
    }

    /// The fingerprint of these bytes: the first 8 hex digits of their SHA-256.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(&self.0)
    }
}

impl PartialEq for SecretBytes {
    fn eq(&self, other: &Self) -> bool {
        constant_time_eq(&self.0, &other.0)
    }
}

impl Eq for SecretBytes {}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// The first 4 bytes of SHA-256 of a secret, shown as 8 lowercase hex digits.
///
/// Safe to log: it tells which key is in use without revealing it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 4]);

impl Fingerprint {
    /// The fingerprint of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        let d = digest::digest(&digest::SHA256, bytes);
        let mut out = [0u8; 4];
        out.copy_from_slice(&d.as_ref()[..4]);
        Fingerprint(out)
    }

    /// The fingerprint as 8 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

/// Compares two byte strings in constant time for equal lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut diff = 0u8;
    for (x, y) in a.iter().zip(b) {
        diff |= x ^ y;
    }
    // black_box keeps the optimiser from short-circuiting the loop above.
    std::hint::black_box(diff) == 0
}

/// Zeroizes a `String` in place (for temporary buffers holding secrets).
pub fn wipe(s: &mut String) {
    s.zeroize();
}

/// Splits the user info (`user:password@`) off an http(s) URL, as the WHATWG parser finds
/// it (any `/` or `\` after the scheme, the authority up to `/`, `\`, `?` or `#`, the last
/// `@` in it): `(true, URL without it)` or `(false, url)`. The `url` crate is then given no
/// password to copy: its parse grows its buffer (e.g. when it appends the `/` path) and frees
/// the old one unwiped.
pub(crate) fn without_userinfo(url: &str) -> (bool, std::borrow::Cow<'_, str>) {
    let Some(colon) = url.find(':') else {
        return (false, url.into());
    };
    let after_scheme = colon + 1;
    let slashes = url[after_scheme..]
        .bytes()
        .take_while(|b| matches!(b, b'/' | b'\\'))
        .count();
    let authority_start = after_scheme + slashes;
    let authority_len = url[authority_start..]
        .find(['/', '\\', '?', '#'])
        .unwrap_or(url.len() - authority_start);
    let authority = &url[authority_start..authority_start + authority_len];
    match authority.rfind('@') {
        Some(at) => {
            let mut rest = String::with_capacity(url.len());
            rest.push_str(&url[..authority_start]);
            rest.push_str(&url[authority_start + at + 1..]);
            (true, rest.into())
        }
        None => (false, url.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_info_is_split_off_like_the_url_parser_does() {
        let cut = |u| {
            let (had, rest) = without_userinfo(u);
            (had, rest.into_owned())
        };
        assert_eq!(cut("http://u:p@h:3128"), (true, "http://h:3128".into()));
        assert_eq!(cut("http://u:p@x@h/a@b"), (true, "http://h/a@b".into()));
        assert_eq!(cut("https:\\\\u:p@h"), (true, "https:\\\\h".into()));
        assert_eq!(cut("https:u:p@h"), (true, "https:h".into()));
        assert_eq!(cut("http://h/p@q"), (false, "http://h/p@q".into()));
        assert_eq!(cut("no-scheme"), (false, "no-scheme".into()));
        for url in ["http://u:p@h:3128", "https:u:p@h", "http://a@b@h/x?y@z"] {
            let (_, rest) = without_userinfo(url);
            let full = url::Url::parse(url).unwrap();
            let cut = url::Url::parse(&rest).unwrap();
            assert_eq!(
                (full.host_str(), full.port()),
                (cut.host_str(), cut.port()),
                "{url}"
            );
            assert!(cut.username().is_empty() && cut.password().is_none());
        }
    }

    #[test]
    fn redacted_everywhere() {
        let s = Secret::from("hunter2-service-key");
        assert_eq!(format!("{s:?}"), REDACTED);
        assert_eq!(format!("{s}"), REDACTED);
        assert_eq!(format!("{:?}", SecretBytes::new(b"k".to_vec())), REDACTED);
        assert_eq!(s.expose_secret(), "hunter2-service-key");
    }

    #[test]
    fn fingerprint_is_first_8_hex_of_sha256() {
        // SHA-256("abc") = ba7816bf...
        assert_eq!(Fingerprint::of(b"abc").to_string(), "ba7816bf");
        assert_eq!(Secret::from("abc").fingerprint().to_hex(), "ba7816bf");
    }

    #[test]
    fn equality_is_by_value() {
        assert_eq!(Secret::from("a"), Secret::from("a"));
        assert_ne!(Secret::from("a"), Secret::from("b"));
        assert_ne!(Secret::from("a"), Secret::from("ab"));
        assert!(constant_time_eq(b"", b""));
    }
}
