//! The URL fast path of the signer against the full parse with the `url` crate: both give
//! the same `@authority`, `@path` and `@query` or both refuse, and what is accepted matches
//! the `url` crate's own reading of the URL.
#![no_main]

use contrast_auth::signing::base::{split_url, split_url_parsed};
use libfuzzer_sys::fuzz_target;

fn check(url: &str) {
    let fast = split_url(url);
    let full = split_url_parsed(url);
    assert_eq!(fast.is_ok(), full.is_ok(), "{url:?}: {fast:?} vs {full:?}");
    let (Ok(fast), Ok(full)) = (fast, full) else {
        return;
    };
    assert_eq!(fast, full, "{url:?}");
    let parsed = url::Url::parse(url).expect("accepted URLs parse");
    let host = parsed.host_str().expect("a host").to_ascii_lowercase();
    let authority = match parsed.port() {
        Some(p) => format!("{host}:{p}"),
        None => host,
    };
    assert_eq!(fast.authority, authority, "{url:?}");
    assert_eq!(fast.query.as_deref(), parsed.query(), "{url:?}");
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    check(text);
    if !text.starts_with("https://") {
        check(&format!("https://{text}"));
    }
});
