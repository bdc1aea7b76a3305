//! `api.token` decoding: never panics; whatever decodes re-encodes to a token that decodes
//! to the same four fields, and no error message repeats the decoded content.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match contrast_auth::token::decode(text) {
        Ok(f) => {
            let again = contrast_auth::token::encode(
                f.url.expose_secret(),
                f.api_key.expose_secret(),
                f.service_key.expose_secret(),
                f.user_name.expose_secret(),
            );
            let g = contrast_auth::token::decode(again.expose_secret()).expect("re-encoded");
            assert_eq!(f.url.expose_secret(), g.url.expose_secret());
            assert_eq!(f.api_key.expose_secret(), g.api_key.expose_secret());
            assert_eq!(f.service_key.expose_secret(), g.service_key.expose_secret());
            assert_eq!(f.user_name.expose_secret(), g.user_name.expose_secret());
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
