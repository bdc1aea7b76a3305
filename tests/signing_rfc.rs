//! Public vectors: RFC 4231 (HMAC-SHA256), RFC 9530 (Content-Digest) and RFC 9421
//! Appendix B.2.5 (HMAC-SHA256 signature) through this crate's own base builder.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use contrast_auth::signing::{base_from_lines, content_digest};
use ring::hmac;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn rfc4231_hmac_sha256() {
    let cases: [(Vec<u8>, Vec<u8>, &str); 6] = [
        (vec![0x0b; 20], b"Hi There".to_vec(), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (b"Jefe".to_vec(), b"what do ya want for nothing?".to_vec(), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (vec![0xaa; 20], vec![0xdd; 50], "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        ((1u8..=25).collect(), vec![0xcd; 50], "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        (vec![0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        (
            vec![0xaa; 131],
            b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".to_vec(),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        ),
    ];
    for (key, data, expected) in cases {
        let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &key), &data);
        assert_eq!(hex(tag.as_ref()), expected);
    }
}

#[test]
fn rfc9530_content_digest() {
    // RFC 9530 §2: the body {"hello": "world"}.
    assert_eq!(
        content_digest(br#"{"hello": "world"}"#),
        "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"
    );
}

#[test]
fn rfc9421_b_2_5_hmac_sha256() {
    // RFC 9421 Appendix B.2.5: components "date" "@authority" "content-type" of the
    // test request, key "test-shared-secret".
    let key = STANDARD
        .decode("uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ==")
        .unwrap();
    let params =
        r#"("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret""#;
    let base = base_from_lines(
        &[
            ("date", "Tue, 20 Apr 2021 02:07:55 GMT"),
            ("@authority", "example.com"),
            ("content-type", "application/json"),
        ],
        params,
    )
    .unwrap();
    assert_eq!(
        base,
        "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n\"@authority\": example.com\n\"content-type\": application/json\n\"@signature-params\": (\"date\" \"@authority\" \"content-type\");created=1618884473;keyid=\"test-shared-secret\""
    );
    let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &key), base.as_bytes());
    assert_eq!(
        STANDARD.encode(tag.as_ref()),
        "pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8="
    );
}
