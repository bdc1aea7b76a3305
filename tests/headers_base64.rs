//! The Authorization value against RFC 4648 / RFC 7617 vectors and an independent encoder.

use contrast_auth::headers::{Base64Alphabet, authorization_value};
use contrast_auth::{CredentialStore, Credentials, HeaderOptions};
use proptest::prelude::*;

/// A deliberately naive base64 encoder (RFC 4648 §4/§5), independent of the crate's.
fn reference_base64(input: &[u8], url_safe: bool) -> String {
    let alphabet: &[u8; 64] = if url_safe {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let n = chunk.len();
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= n {
                out.push(alphabet[((v >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn reference_encoder_passes_rfc4648_vectors() {
    for (plain, encoded) in [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ] {
        assert_eq!(reference_base64(plain.as_bytes(), false), encoded);
        assert_eq!(reference_base64(plain.as_bytes(), true), encoded);
    }
}

#[test]
fn rfc7617_example() {
    // RFC 7617 §2: user-id "Aladdin", password "open sesame".
    let v = authorization_value("Aladdin", "open sesame", Base64Alphabet::Standard);
    assert_eq!(v.expose_secret(), "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    // No "Basic " prefix: the Contrast server takes the bare value.
    assert!(!v.expose_secret().starts_with("Basic"));
}

#[test]
fn alphabets_differ_where_rfc4648_says() {
    // 0xfb 0xff (as "\u{fbff}"-free bytes) — use a user name that yields '+' and '/'.
    let user = "a?>"; // "a?>:" -> "YT8+Og==" standard, "YT8-Og==" URL-safe
    let std = authorization_value(user, "", Base64Alphabet::Standard);
    let url = authorization_value(user, "", Base64Alphabet::UrlSafe);
    assert_eq!(std.expose_secret(), "YT8+Og==");
    assert_eq!(url.expose_secret(), "YT8-Og==");
}

#[test]
fn store_headers_match_independent_computation() {
    let creds = Credentials::new(
        "https://app.contrastsecurity.com/Contrast",
        "agent_ünïcode@Org",
        "service/key+with?chars",
        "API-KEY-123",
    )
    .unwrap();
    let store = CredentialStore::new(creds, HeaderOptions::default());
    let snap = store.load_snapshot();
    let expected = reference_base64("agent_ünïcode@Org:service/key+with?chars".as_bytes(), false);
    assert_eq!(snap.headers().authorization().expose_secret(), expected);
    assert_eq!(snap.headers().api_key().expose_secret(), "API-KEY-123");
    assert_eq!(snap.headers().accept(), "application/json");
    assert!(snap.headers().user_agent().starts_with("contrast-auth/"));
}

#[test]
fn xml_accept_and_url_safe_options() {
    let creds = Credentials::new("https://h/Contrast", "u>?", "k", "a").unwrap();
    let opts = HeaderOptions {
        alphabet: Base64Alphabet::UrlSafe,
        accept: contrast_auth::Accept::Xml,
    };
    let store = CredentialStore::new(creds, opts);
    let snap = store.load_snapshot();
    assert_eq!(snap.headers().accept(), "application/xml");
    assert_eq!(
        snap.headers().authorization().expose_secret(),
        reference_base64(b"u>?:k", true)
    );
}

proptest! {
    #[test]
    fn any_credentials_match_reference(user in "[^:\\p{Cc}]{1,40}", key in "[^\\p{Cc}]{1,60}") {
        for (alphabet, url_safe) in [(Base64Alphabet::Standard, false), (Base64Alphabet::UrlSafe, true)] {
            let v = authorization_value(&user, &key, alphabet);
            let plain = format!("{user}:{key}");
            prop_assert_eq!(v.expose_secret(), reference_base64(plain.as_bytes(), url_safe));
        }
    }
}
