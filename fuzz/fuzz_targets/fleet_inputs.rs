//! The fleet verifier's parsing of operator input (issue 21): `--replay-store` URLs and
//! `--accept-file` contents. Never a panic; an error never shows a password or a line's value.
#![no_main]

use contrast_auth::signing::ReplayStoreUrl;
use contrast_auth::test_server::parse_accept_file;
use libfuzzer_sys::fuzz_target;

/// A marker only a password or a credential value can carry in these inputs.
const SECRET: &str = "Pw7Secret";

fuzz_target!(|data: &[u8]| {
    let (first, rest) = data.split_at(data.len().min(1));
    if first.first().is_some_and(|b| b % 2 == 0) {
        let Ok(text) = std::str::from_utf8(rest) else {
            return;
        };
        // An input that already holds the marker (say in the host) would flag itself.
        if text.contains(SECRET) {
            return;
        }
        // Put the marker where a password goes, whatever the rest is.
        let url = text.replacen("@", &format!(":{SECRET}@"), 1);
        match ReplayStoreUrl::parse(&url) {
            Ok(parsed) => {
                let shown = format!("{parsed} {parsed:?} {}", parsed.redacted());
                assert!(!shown.contains(SECRET), "{shown}");
            }
            Err(error) => assert!(!error.contains(SECRET), "{error}"),
        }
    } else {
        // Every value holds the marker: no error may echo it.
        let marked: Vec<u8> = rest
            .iter()
            .flat_map(|b| {
                if *b == b':' {
                    format!(":{SECRET}").into_bytes()
                } else {
                    vec![*b]
                }
            })
            .collect();
        if let Err(error) = parse_accept_file(&marked) {
            assert!(error.starts_with("line "), "{error}");
            assert!(!error.contains(SECRET), "{error}");
        }
    }
});
