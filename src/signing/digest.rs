//! RFC 9530 `Content-Digest` with SHA-256.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// The `Content-Digest` header name.
pub const CONTENT_DIGEST: &str = "Content-Digest";

/// `sha-256=:<standard base64 of SHA-256(body)>:` for the body as sent.
pub fn content_digest(body: &[u8]) -> String {
    let hash = sha256(body);
    let mut out = String::with_capacity(12 + 44);
    out.push_str("sha-256=:");
    push_base64_32(&mut out, &hash);
    out.push(':');
    out
}

/// Appends the standard base64 (44 characters, padded) of 32 bytes, through a stack buffer
/// (the crate's `encode_string` goes through a chunked encoder: slower for short input).
pub fn push_base64_32(out: &mut String, bytes: &[u8; 32]) {
    let mut buf = [0u8; 44];
    let len = STANDARD
        .encode_slice(bytes, &mut buf)
        .expect("32 bytes are 44 base64 characters");
    out.push_str(std::str::from_utf8(&buf[..len]).expect("base64 is ASCII"));
}

/// SHA-256 of `bytes` (RustCrypto `sha2`: SHA-NI or the ARMv8 extensions when the CPU has
/// them, as fast as ring's assembly on large bodies and faster on small ones).
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// The SHA-256 bytes of a `Content-Digest` header value, if it has a well-formed
/// `sha-256` member (other algorithms may be listed too and are ignored).
pub fn sha256_member(header: &str) -> Option<Vec<u8>> {
    for member in header.split(',') {
        let member = member.trim();
        let Some(value) = member.strip_prefix("sha-256=") else {
            continue;
        };
        let inner = value.strip_prefix(':')?.strip_suffix(':')?;
        let bytes = STANDARD.decode(inner).ok()?;
        return (bytes.len() == 32).then_some(bytes);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 9530 §2 example (`{"hello": "world"}`), the same body with a trailing LF as in
    /// RFC 9421's examples, and the empty body.
    #[test]
    fn rfc9530_examples() {
        assert_eq!(
            content_digest(b"{\"hello\": \"world\"}"),
            "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"
        );
        assert_eq!(
            content_digest(b"{\"hello\": \"world\"}\n"),
            "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:"
        );
        // An empty body.
        assert_eq!(
            content_digest(b""),
            "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:"
        );
    }

    #[test]
    fn member_parsing() {
        let d = content_digest(b"x");
        assert!(sha256_member(&d).is_some());
        assert!(sha256_member(&format!("sha-512=:AAAA:, {d}")).is_some());
        assert!(sha256_member("sha-256=:AAAA:").is_none());
        assert!(sha256_member("sha-256=AAAA").is_none());
        assert!(sha256_member("md5=:AAAA:").is_none());
    }
}
