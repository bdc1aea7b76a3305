//! Rust tests calling the C exports directly: success, NULL, invalid input, buffer sizes,
//! rotation under concurrent readers, signing.

use std::ffi::{CStr, CString, c_char};
use std::ptr::{null, null_mut};

use super::auth::field_str;
use super::*;

const URL: &CStr = c"https://app.contrastsecurity.com/Contrast";
const USER: &CStr = c"agent_0f3c9a1e@ExampleOrg";
const SERVICE: &CStr = c"SVCKEY4Q7Z2M9X1B";
const API: &CStr = c"APIKEYd8f2a61c0e9b47";
// base64("agent_0f3c9a1e@ExampleOrg:SVCKEY4Q7Z2M9X1B"), from the shared signing vectors.
const AUTHORIZATION: &str = "YWdlbnRfMGYzYzlhMWVARXhhbXBsZU9yZzpTVkNLRVk0UTdaMk05WDFC";

fn new_auth() -> *mut contrast_auth {
    let mut auth = null_mut();
    // SAFETY: static C strings and a local out pointer.
    let r = unsafe {
        contrast_auth_new(
            URL.as_ptr(),
            USER.as_ptr(),
            SERVICE.as_ptr(),
            API.as_ptr(),
            &mut auth,
        )
    };
    assert_eq!(r, contrast_result::Ok);
    assert!(!auth.is_null());
    auth
}

type Reader =
    unsafe extern "C" fn(*const contrast_auth, *mut c_char, usize, *mut usize) -> contrast_result;

fn read(reader: Reader, auth: *const contrast_auth) -> String {
    let mut buf = [0 as c_char; 256];
    let mut len = 0usize;
    // SAFETY: a live handle and a local buffer of the stated size.
    let r = unsafe { reader(auth, buf.as_mut_ptr(), buf.len(), &mut len) };
    assert_eq!(r, contrast_result::Ok);
    // SAFETY: on success the buffer holds a NUL-terminated string.
    let s = unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap();
    assert_eq!(s.len(), len);
    s.to_string()
}

fn last_error_text() -> String {
    let mut buf = [0 as c_char; 512];
    let mut len = 0usize;
    // SAFETY: a local buffer of the stated size.
    assert_eq!(
        // SAFETY: live handle or NULL, local buffers and outputs, C strings.
        unsafe { contrast_last_error(buf.as_mut_ptr(), buf.len(), &mut len) },
        contrast_result::Ok
    );
    // SAFETY: NUL-terminated on success.
    unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_str()
        .unwrap()
        .to_string()
}

#[test]
fn new_reads_both_header_values_and_frees() {
    let auth = new_auth();
    assert_eq!(read(contrast_auth_authorization, auth), AUTHORIZATION);
    assert_eq!(read(contrast_auth_api_key, auth), API.to_str().unwrap());
    // SAFETY: a live handle freed once; NULL is accepted.
    unsafe {
        contrast_auth_free(auth);
        contrast_auth_free(null_mut());
    }
}

#[test]
fn every_buffer_size_below_the_needed_one_reports_the_length_only() {
    let auth = new_auth();
    let needed = AUTHORIZATION.len();
    for len in 0..=needed {
        let mut buf = vec![b'#' as c_char; needed + 1];
        let mut out_len = 12345usize;
        // SAFETY: `buf` has at least `len` bytes.
        let r = unsafe { contrast_auth_authorization(auth, buf.as_mut_ptr(), len, &mut out_len) };
        assert_eq!(r, contrast_result::BufferTooSmall, "len {len}");
        assert_eq!(out_len, needed);
        assert!(
            buf.iter().all(|&c| c == b'#' as c_char),
            "nothing written at len {len}"
        );
    }
    let mut buf = vec![0 as c_char; needed + 1];
    let mut out_len = 0;
    // SAFETY: exactly the needed size.
    let r =
        unsafe { contrast_auth_authorization(auth, buf.as_mut_ptr(), needed + 1, &mut out_len) };
    assert_eq!(r, contrast_result::Ok);
    assert_eq!(out_len, needed);
    assert!(
        last_error_text().contains("needed"),
        "{}",
        last_error_text()
    );
    // SAFETY: freed once.
    unsafe { contrast_auth_free(auth) };
}

#[test]
fn a_null_buffer_of_length_zero_probes_the_size_of_every_copied_value() {
    let auth = new_auth();
    let readers: [(Reader, &str); 2] = [
        (contrast_auth_authorization, AUTHORIZATION),
        (contrast_auth_api_key, API.to_str().unwrap()),
    ];
    for (reader, expected) in readers {
        let mut needed = 12345usize;
        // SAFETY: a live handle, a probe (NULL, 0) and a local out_len.
        let r = unsafe { reader(auth, null_mut(), 0, &mut needed) };
        assert_eq!(r, contrast_result::BufferTooSmall);
        assert_eq!(needed, expected.len());
        // Probe, then allocate *out_len + 1 and read: the C idiom.
        let mut buf = vec![0 as c_char; needed + 1];
        let mut len = 0usize;
        // SAFETY: `buf` has needed + 1 bytes.
        let r = unsafe { reader(auth, buf.as_mut_ptr(), buf.len(), &mut len) };
        assert_eq!(r, contrast_result::Ok);
        assert_eq!(len, expected.len());
        assert_eq!(
            // SAFETY: NUL-terminated on success.
            unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str(),
            Ok(expected)
        );
        // NULL with a non-zero length stays a NULL_ARGUMENT and writes nothing.
        let mut untouched = 777usize;
        // SAFETY: NULL buf with len 8 must be rejected before any write.
        let r = unsafe { reader(auth, null_mut(), 8, &mut untouched) };
        assert_eq!(r, contrast_result::NullArgument);
        assert_eq!(untouched, 777);
    }
    // contrast_last_error: a probe reports the detail's length and keeps the detail.
    // SAFETY: NULL buf with len 8 fails (and records a detail).
    let r = unsafe { contrast_auth_authorization(auth, null_mut(), 8, &mut 0) };
    assert_eq!(r, contrast_result::NullArgument);
    let detail = last_error_text();
    assert!(detail.contains("`buf`"), "{detail}");
    let mut needed = 12345usize;
    // SAFETY: a probe with a local out_len.
    let r = unsafe { contrast_last_error(null_mut(), 0, &mut needed) };
    assert_eq!(r, contrast_result::BufferTooSmall);
    assert_eq!(needed, detail.len());
    assert_eq!(last_error_text(), detail, "a probe keeps the detail");
    // SAFETY: freed once.
    unsafe { contrast_auth_free(auth) };
}

#[test]
fn null_in_each_argument_is_null_argument_and_writes_nothing() {
    let s = [URL, USER, SERVICE, API];
    for i in 0..5 {
        let p = |j: usize| if i == j { null() } else { s[j].as_ptr() };
        let mut out: *mut contrast_auth = null_mut();
        let out_ptr = if i == 4 {
            null_mut()
        } else {
            &mut out as *mut _
        };
        // SAFETY: static strings or NULL; out is NULL or local.
        let r = unsafe { contrast_auth_new(p(0), p(1), p(2), p(3), out_ptr) };
        assert_eq!(r, contrast_result::NullArgument, "argument {i}");
        assert!(out.is_null());
    }
    let names = ["url", "user_name", "service_key", "api_key"];
    // SAFETY: NULL url.
    unsafe {
        contrast_auth_new(
            null(),
            USER.as_ptr(),
            SERVICE.as_ptr(),
            API.as_ptr(),
            &mut null_mut(),
        )
    };
    assert!(last_error_text().contains(names[0]));
    let auth = new_auth();
    let mut buf = [0 as c_char; 8];
    let mut len = 0usize;
    // SAFETY: each call passes NULL in one position, locals elsewhere.
    unsafe {
        assert_eq!(
            contrast_auth_authorization(null(), buf.as_mut_ptr(), 8, &mut len),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_auth_authorization(auth, null_mut(), 8, &mut len),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_auth_authorization(auth, buf.as_mut_ptr(), 8, null_mut()),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_auth_api_key(null(), buf.as_mut_ptr(), 8, &mut len),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_auth_from_token(null(), &mut null_mut()),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_auth_from_token(c"x".as_ptr(), null_mut()),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_auth_from_environment(null_mut()),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_auth_rotate(null_mut(), SERVICE.as_ptr(), null()),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_auth_reload(null(), &mut 0),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_auth_reload(auth, null_mut()),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_auth_fingerprints(null(), null_mut()),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_auth_fingerprints(auth, null_mut()),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_auth_headers(null(), &mut null_mut()),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_auth_headers(auth, null_mut()),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_last_error(null_mut(), 8, &mut len),
            contrast_result::NullArgument
        );
        contrast_auth_free(auth);
    }
    assert_eq!(len, 0, "no output on failure");
}

#[test]
fn bad_values_are_typed_errors_without_secrets() {
    let cases: [(&[u8], contrast_result); 6] = [
        (b"SVC\r\nX-Injected: 1\0", contrast_result::InvalidArgument),
        (b"\0", contrast_result::InvalidArgument),
        (b"   \0", contrast_result::InvalidArgument),
        (b"a\nb\0", contrast_result::InvalidArgument),
        (b"\xff\xfe\0", contrast_result::InvalidUtf8),
        (b"\xc3\0", contrast_result::InvalidUtf8),
    ];
    for (value, expected) in cases {
        let mut out = null_mut();
        // SAFETY: NUL-terminated byte strings and a local out pointer.
        let r = unsafe {
            contrast_auth_new(
                URL.as_ptr(),
                USER.as_ptr(),
                value.as_ptr().cast(),
                API.as_ptr(),
                &mut out,
            )
        };
        assert_eq!(r, expected, "{value:?}");
        assert!(out.is_null());
        let detail = last_error_text();
        assert!(detail.contains("service_key"), "{detail}");
        assert!(
            !detail.contains("X-Injected"),
            "no value in the message: {detail}"
        );
    }
    let mut out = null_mut();
    // SAFETY: static strings and a local out pointer.
    unsafe {
        assert_eq!(
            contrast_auth_new(
                c"http://x/Contrast".as_ptr(),
                USER.as_ptr(),
                SERVICE.as_ptr(),
                API.as_ptr(),
                &mut out
            ),
            contrast_result::TlsRequired
        );
        assert_eq!(
            contrast_auth_new(
                URL.as_ptr(),
                c"a:b".as_ptr(),
                SERVICE.as_ptr(),
                API.as_ptr(),
                &mut out
            ),
            contrast_result::InvalidArgument
        );
        assert_eq!(
            contrast_auth_from_token(c"%%%not base64".as_ptr(), &mut out),
            contrast_result::InvalidToken
        );
    }
    assert!(out.is_null());
}

#[test]
fn token_handles_match_explicit_ones() {
    let json = format!(
        r#"{{"url":"{}","api_key":"{}","service_key":"{}","user_name":"{}"}}"#,
        URL.to_str().unwrap(),
        API.to_str().unwrap(),
        SERVICE.to_str().unwrap(),
        USER.to_str().unwrap()
    );
    use base64::Engine;
    let token = CString::new(base64::engine::general_purpose::STANDARD.encode(json)).unwrap();
    let mut auth = null_mut();
    // SAFETY: a C string and a local out pointer.
    assert_eq!(
        // SAFETY: live handle or NULL, local buffers and outputs, C strings.
        unsafe { contrast_auth_from_token(token.as_ptr(), &mut auth) },
        contrast_result::Ok
    );
    assert_eq!(read(contrast_auth_authorization, auth), AUTHORIZATION);
    // SAFETY: freed once.
    unsafe { contrast_auth_free(auth) };
}

#[test]
fn rotation_is_atomic_and_observable_by_fingerprint() {
    let auth = new_auth();
    let mut before = std::mem::MaybeUninit::<contrast_fingerprints>::uninit();
    // SAFETY: a live handle and a local output.
    assert_eq!(
        // SAFETY: live handle or NULL, local buffers and outputs, C strings.
        unsafe { contrast_auth_fingerprints(auth, before.as_mut_ptr()) },
        contrast_result::Ok
    );
    // SAFETY: written on success.
    let before = unsafe { before.assume_init() };
    assert_eq!(before.generation, 1);
    assert_eq!(field_str(&before.api_key).len(), 8);
    // SAFETY: a live handle and static strings.
    unsafe {
        assert_eq!(
            contrast_auth_rotate(auth, null(), null()),
            contrast_result::InvalidArgument
        );
        assert_eq!(
            contrast_auth_rotate(auth, c"bad\r".as_ptr(), c"NEWAPI".as_ptr()),
            contrast_result::InvalidArgument
        );
        assert_eq!(
            read(contrast_auth_api_key, auth),
            API.to_str().unwrap(),
            "nothing changed on failure"
        );
        assert_eq!(
            contrast_auth_rotate(auth, null(), c"NEWAPI".as_ptr()),
            contrast_result::Ok
        );
    }
    assert_eq!(read(contrast_auth_api_key, auth), "NEWAPI");
    assert_eq!(
        read(contrast_auth_authorization, auth),
        AUTHORIZATION,
        "layer 1 kept"
    );
    let mut after = std::mem::MaybeUninit::<contrast_fingerprints>::uninit();
    // SAFETY: as above.
    let after = unsafe {
        assert_eq!(
            contrast_auth_fingerprints(auth, after.as_mut_ptr()),
            contrast_result::Ok
        );
        after.assume_init()
    };
    assert_eq!(after.generation, 2);
    assert_eq!(
        field_str(&after.service_key),
        field_str(&before.service_key)
    );
    assert_ne!(field_str(&after.api_key), field_str(&before.api_key));
    let mut changed = 99u32;
    // SAFETY: a live handle, a local output.
    assert_eq!(
        // SAFETY: live handle or NULL, local buffers and outputs, C strings.
        unsafe { contrast_auth_reload(auth, &mut changed) },
        contrast_result::Ok
    );
    assert_eq!(changed, 0, "explicit credentials have nothing to reload");
    // SAFETY: freed once.
    unsafe { contrast_auth_free(auth) };
}

struct SharedHandle(*mut contrast_auth);
// SAFETY: contrast_auth is documented thread-safe for every call but free.
unsafe impl Send for SharedHandle {}
// SAFETY: as above.
unsafe impl Sync for SharedHandle {}

#[test]
fn header_lists_stay_consistent_while_another_thread_rotates() {
    use base64::Engine;
    let auth = SharedHandle(new_auth());
    let expected = |n: usize| {
        let plain = format!("{}:svc-{n}", USER.to_str().unwrap());
        (
            base64::engine::general_purpose::STANDARD.encode(plain),
            format!("api-{n}"),
        )
    };
    std::thread::scope(|scope| {
        let auth = &auth;
        scope.spawn(move || {
            for n in 0..300 {
                let (svc, api) = (
                    CString::new(format!("svc-{n}")).unwrap(),
                    CString::new(format!("api-{n}")).unwrap(),
                );
                // SAFETY: a live handle shared across threads (documented thread-safe).
                assert_eq!(
                    // SAFETY: live handle or NULL, local buffers and outputs, C strings.
                    unsafe { contrast_auth_rotate(auth.0, svc.as_ptr(), api.as_ptr()) },
                    contrast_result::Ok
                );
            }
        });
        for _ in 0..4 {
            scope.spawn(move || {
                for _ in 0..300 {
                    let mut list = null_mut();
                    // SAFETY: a live handle; the list is freed below.
                    unsafe {
                        assert_eq!(
                            contrast_auth_headers(auth.0, &mut list),
                            contrast_result::Ok
                        );
                        let (mut a, mut k) = (null(), null());
                        assert_eq!(
                            contrast_headers_find(list, c"Authorization".as_ptr(), &mut a),
                            contrast_result::Ok
                        );
                        assert_eq!(
                            contrast_headers_find(list, c"API-Key".as_ptr(), &mut k),
                            contrast_result::Ok
                        );
                        let (a, k) = (
                            CStr::from_ptr(a).to_str().unwrap(),
                            CStr::from_ptr(k).to_str().unwrap(),
                        );
                        if k != API.to_str().unwrap() {
                            let n: usize = k.trim_start_matches("api-").parse().unwrap();
                            assert_eq!((a.to_string(), k.to_string()), expected(n));
                        } else {
                            assert_eq!(a, AUTHORIZATION);
                        }
                        contrast_headers_free(list);
                    }
                }
            });
        }
    });
    // SAFETY: every thread has finished; freed once.
    unsafe { contrast_auth_free(auth.0) };
}

#[test]
fn signing_matches_the_core_and_checks_its_arguments() {
    let auth = new_auth();
    let body = br#"{"x":1}"#;
    let nonce = [7u8; 16];
    let url = c"https://app.contrastsecurity.com/Contrast/api/ng/agents/report";
    let mut list = null_mut();
    // SAFETY: a live handle, static strings, a local body and nonce.
    unsafe {
        assert_eq!(
            contrast_auth_sign_with_nonce(
                auth,
                c"POST".as_ptr(),
                url.as_ptr(),
                c"application/json".as_ptr(),
                body.as_ptr(),
                body.len(),
                1_767_225_600,
                nonce.as_ptr(),
                &mut list
            ),
            contrast_result::Ok
        );
    }
    let creds = crate::Credentials::new(
        URL.to_str().unwrap(),
        USER.to_str().unwrap(),
        SERVICE.to_str().unwrap(),
        API.to_str().unwrap(),
    )
    .unwrap();
    let snapshot = crate::Snapshot::new(creds, crate::HeaderOptions::default(), 1);
    let message = crate::signing::Message {
        method: "POST",
        url: url.to_str().unwrap(),
        content_type: "application/json",
        body,
    };
    let core = crate::signing::Signer::default()
        .sign_with_nonce(&message, &snapshot, None, 1_767_225_600, nonce)
        .unwrap();
    // SAFETY: `list` is live until freed.
    unsafe {
        assert_eq!(contrast_headers_count(list), 3);
        for (i, (name, value)) in core.pairs().into_iter().enumerate() {
            let (mut n, mut v) = (null(), null());
            assert_eq!(
                contrast_headers_get(list, i, &mut n, &mut v),
                contrast_result::Ok
            );
            assert_eq!(CStr::from_ptr(n).to_str().unwrap(), name);
            assert_eq!(CStr::from_ptr(v).to_str().unwrap(), value);
        }
        contrast_headers_free(list);
        let mut out = null_mut();
        let post = c"POST".as_ptr();
        let ct = c"application/json".as_ptr();
        assert_eq!(
            contrast_auth_sign(auth, post, url.as_ptr(), ct, null(), 0, &mut out),
            contrast_result::Ok,
            "empty body"
        );
        contrast_headers_free(out);
        let mut out = null_mut();
        assert_eq!(
            contrast_auth_sign(auth, post, url.as_ptr(), ct, null(), 3, &mut out),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_auth_sign(null(), post, url.as_ptr(), ct, body.as_ptr(), 1, &mut out),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_auth_sign(auth, null(), url.as_ptr(), ct, body.as_ptr(), 1, &mut out),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_auth_sign(auth, post, null(), ct, body.as_ptr(), 1, &mut out),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_auth_sign(auth, post, url.as_ptr(), null(), body.as_ptr(), 1, &mut out),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_auth_sign(auth, post, url.as_ptr(), ct, body.as_ptr(), 1, null_mut()),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_auth_sign_with_nonce(
                auth,
                post,
                url.as_ptr(),
                ct,
                body.as_ptr(),
                1,
                1,
                null(),
                &mut out
            ),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_auth_sign(
                auth,
                c"P\nOST".as_ptr(),
                url.as_ptr(),
                ct,
                body.as_ptr(),
                1,
                &mut out
            ),
            contrast_result::Signing
        );
        assert_eq!(
            contrast_auth_sign(
                auth,
                post,
                c"http://x/y".as_ptr(),
                ct,
                body.as_ptr(),
                1,
                &mut out
            ),
            contrast_result::Signing
        );
        assert!(out.is_null());
        contrast_auth_free(auth);
    }
}

#[test]
fn send_checks_every_argument_before_any_network_use() {
    let auth = new_auth();
    let (post, path, ct) = (
        c"POST".as_ptr(),
        c"/api/ng/x".as_ptr(),
        c"application/json".as_ptr(),
    );
    let mut outcome = contrast_send_outcome {
        status: 7,
        ..Default::default()
    };
    // SAFETY: a live handle, static strings or NULL, a local output.
    unsafe {
        assert_eq!(
            contrast_auth_send(null(), post, path, ct, null(), 0, &mut outcome),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_auth_send(auth, null(), path, ct, null(), 0, &mut outcome),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_auth_send(auth, post, null(), ct, null(), 0, &mut outcome),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_auth_send(auth, post, path, null(), null(), 0, &mut outcome),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_auth_send(auth, post, path, ct, null(), 4, &mut outcome),
            contrast_result::NullArgument
        );
        assert_eq!(
            contrast_auth_send(auth, post, path, ct, null(), 0, null_mut()),
            contrast_result::NullArgument
        );
        let bad = [0xffu8, 0];
        assert_eq!(
            contrast_auth_send(auth, post, bad.as_ptr().cast(), ct, null(), 0, &mut outcome),
            contrast_result::InvalidUtf8
        );
        assert_eq!(
            contrast_auth_send(
                auth,
                post,
                c"relative".as_ptr(),
                ct,
                null(),
                0,
                &mut outcome
            ),
            contrast_result::InvalidArgument
        );
        contrast_auth_free(auth);
    }
    assert_eq!(outcome.status, 7, "untouched on failure");
}

/// An export-shaped function whose body panics: the boundary turns it into PANIC.
unsafe extern "C" fn panicking_export(auth: *const contrast_auth) -> contrast_result {
    super::boundary::guard(|| {
        // SAFETY: NULL or a live handle.
        let _auth = unsafe { super::boundary::arg_ref(auth, "auth") }?;
        panic!("deliberate panic inside an export");
    })
}

#[test]
fn a_panic_inside_an_export_returns_panic_and_the_handle_stays_usable() {
    let auth = new_auth();
    // SAFETY: a live handle.
    assert_eq!(unsafe { panicking_export(auth) }, contrast_result::Panic);
    // SAFETY: NULL is checked before the panic.
    assert_eq!(
        // SAFETY: live handle or NULL, local buffers and outputs, C strings.
        unsafe { panicking_export(null()) },
        contrast_result::NullArgument
    );
    assert!(last_error_text().contains("NULL"));
    assert_eq!(read(contrast_auth_api_key, auth), API.to_str().unwrap());
    // SAFETY: freed once.
    unsafe { contrast_auth_free(auth) };
}
