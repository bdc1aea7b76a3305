//! The core's `Authorization` and `API-Key` values equal the shared, independently
//! computed vectors in `tests/vectors/headers.json` (the C, Python and Go bindings read
//! the same file).

use contrast_auth::headers::{Base64Alphabet, HeaderOptions};
use contrast_auth::{CredentialStore, Credentials};
use serde_json::Value;

fn cases() -> (String, Vec<Value>) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/headers.json");
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read headers.json"))
            .expect("headers.json is JSON");
    let url = doc["url"].as_str().expect("url").to_string();
    let cases = doc["cases"].as_array().expect("cases").clone();
    assert!(cases.len() >= 6, "at least six cases");
    (url, cases)
}

fn field<'a>(case: &'a Value, name: &str) -> &'a str {
    case[name]
        .as_str()
        .unwrap_or_else(|| panic!("{name} in {case}"))
}

#[test]
fn core_header_values_equal_the_shared_vectors() {
    let (url, cases) = cases();
    for case in &cases {
        let name = field(case, "name");
        for (alphabet, expected) in [
            (Base64Alphabet::Standard, field(case, "authorization")),
            (
                Base64Alphabet::UrlSafe,
                field(case, "authorization_url_safe"),
            ),
        ] {
            let credentials = Credentials::new(
                &url,
                field(case, "user_name"),
                field(case, "service_key"),
                field(case, "api_key"),
            )
            .unwrap_or_else(|e| panic!("{name}: {e}"));
            let options = HeaderOptions {
                alphabet,
                ..HeaderOptions::default()
            };
            let store = CredentialStore::new(credentials, options);
            let snapshot = store.load_snapshot();
            let headers = snapshot.headers();
            assert_eq!(
                headers.authorization().expose_secret(),
                expected,
                "{name} {alphabet:?}"
            );
            assert_eq!(
                headers.api_key().expose_secret(),
                field(case, "api_key_header"),
                "{name}"
            );
        }
    }
}

#[test]
fn the_vectors_cover_non_ascii_long_values_and_both_alphabets() {
    let (_, cases) = cases();
    assert!(cases.iter().any(|c| !field(c, "user_name").is_ascii()));
    assert!(cases.iter().any(|c| field(c, "api_key").len() >= 1000));
    assert!(
        cases
            .iter()
            .any(|c| field(c, "authorization") != field(c, "authorization_url_safe"))
    );
}
