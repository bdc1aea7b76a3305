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

/// Bodies from this size on are hashed with ring (see [`sha256`]).
pub const RING_FROM_LEN: usize = 16 * 1024;

/// SHA-256 of `bytes`. Both implementations use SHA-NI (or the ARMv8 extensions) when the CPU
/// has them; measured side by side (`cargo bench --bench signing`), RustCrypto `sha2` has the
/// smaller fixed cost (~6% faster at 1 KiB) and ring's assembly the faster loop (~0.4% at
/// 64 KiB), crossing near 16 KiB.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    if bytes.len() >= RING_FROM_LEN {
        let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
        let mut out = [0u8; 32];
        out.copy_from_slice(digest.as_ref());
        out
    } else {
        Sha256::digest(bytes).into()
    }
}

/// The SHA-256 bytes of a `Content-Digest` header value, if it has a well-formed
/// `sha-256` member (other algorithms may be listed too and are ignored).
pub fn sha256_member(header: &str) -> Option<Vec<u8>> {
    sha256_member_bytes(header).map(|bytes| bytes.to_vec())
}

/// [`sha256_member`] without an allocation.
pub fn sha256_member_bytes(header: &str) -> Option<[u8; 32]> {
    for member in header.split(',') {
        // Only OWS (SP, HTAB) surrounds a member (RFC 8941); NBSP or NEL is not stripped.
        let member = member.trim_matches([' ', '\t']);
        let Some(value) = member.strip_prefix("sha-256=") else {
            continue;
        };
        let inner = value.strip_prefix(':')?.strip_suffix(':')?;
        // 32 bytes are 44 base64 characters; anything else is not a SHA-256.
        if inner.len() != 44 {
            return None;
        }
        let mut bytes = [0u8; 33];
        return match STANDARD.decode_slice(inner, &mut bytes) {
            Ok(32) => bytes[..32].try_into().ok(),
            _ => None,
        };
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

    /// Both implementations agree on each side of the switch (and NIST's "abc").
    #[test]
    fn both_sha256_implementations_agree() {
        let abc = sha256(b"abc");
        let hex: String = abc.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        for len in [
            0,
            1,
            63,
            64,
            65,
            RING_FROM_LEN - 1,
            RING_FROM_LEN,
            RING_FROM_LEN + 1,
            100_000,
        ] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            let sha2: [u8; 32] = Sha256::digest(&bytes).into();
            let ring = ring::digest::digest(&ring::digest::SHA256, &bytes);
            assert_eq!(sha256(&bytes), sha2, "{len}");
            assert_eq!(sha256(&bytes).as_slice(), ring.as_ref(), "{len}");
        }
    }

    #[test]
    fn member_parsing() {
        let d = content_digest(b"x");
        assert!(sha256_member(&d).is_some());
        assert!(sha256_member(&format!("sha-512=:AAAA:, {d}")).is_some());
        assert!(sha256_member("sha-256=:AAAA:").is_none());
        assert!(sha256_member("sha-256=AAAA").is_none());
        assert!(sha256_member("md5=:AAAA:").is_none());
        // Issue 16: only SP and HTAB surround a member.
        assert!(sha256_member(&format!(" \t{d}\t ")).is_some());
        for wrapped in [
            format!("\u{a0}{d}\u{a0}"),
            format!("\u{85}{d}\u{85}"),
            format!("{d}\r\n"),
        ] {
            assert!(sha256_member(&wrapped).is_none(), "{wrapped:?}");
        }
    }
}
