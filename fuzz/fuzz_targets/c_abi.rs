//! The C ABI entry points with arbitrary bytes, NULLs and buffer sizes: never a crash (ASan
//! catches any read or write outside the buffers, each allocated at exactly its stated
//! size), every result a known code, every string written NUL-terminated within its buffer,
//! and `*out_len` the length a retry needs.
#![no_main]

use std::ffi::{CStr, c_char};
use std::ptr::{null, null_mut};

use ::contrast_auth::ffi::{
    CONTRAST_NONCE_LEN, contrast_auth as Auth, contrast_auth_api_key, contrast_auth_authorization,
    contrast_auth_fingerprints, contrast_auth_free, contrast_auth_from_token,
    contrast_auth_headers, contrast_auth_new, contrast_auth_rotate, contrast_auth_sign_with_nonce,
    contrast_fingerprints, contrast_headers, contrast_headers_count, contrast_headers_find,
    contrast_headers_free, contrast_headers_get, contrast_last_error, contrast_result,
    contrast_result_message,
};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

/// A C string argument: NULL, or the bytes up to the first NUL with a NUL added.
#[derive(Arbitrary, Debug)]
enum Text {
    Null,
    Bytes(Vec<u8>),
    /// A plausible value, so calls get past validation.
    Valid(u8),
}

struct CText(Option<Vec<u8>>);

impl CText {
    fn new(t: &Text, valid: &[&str]) -> Self {
        CText(match t {
            Text::Null => None,
            Text::Bytes(b) => {
                let mut v: Vec<u8> = b.iter().copied().take_while(|&c| c != 0).collect();
                v.push(0);
                Some(v)
            }
            Text::Valid(i) => {
                let mut v = valid[usize::from(*i) % valid.len()].as_bytes().to_vec();
                v.push(0);
                Some(v)
            }
        })
    }

    fn ptr(&self) -> *const c_char {
        self.0.as_ref().map_or(null(), |v| v.as_ptr().cast())
    }
}

#[derive(Arbitrary, Debug)]
enum Op {
    New {
        url: Text,
        user: Text,
        service: Text,
        api: Text,
    },
    FromToken {
        token: Text,
    },
    Read {
        api_key: bool,
        len: u16,
        null_buf: bool,
        null_len: bool,
    },
    LastError {
        len: u16,
        null_buf: bool,
    },
    Rotate {
        service: Text,
        api: Text,
    },
    Fingerprints {
        null_out: bool,
    },
    Headers,
    Sign {
        method: Text,
        url: Text,
        content_type: Text,
        body: Vec<u8>,
        null_body: bool,
        created: u64,
        null_nonce: bool,
    },
    Get {
        index: u8,
        null_name: bool,
        null_value: bool,
    },
    Find {
        name: Text,
        null_value: bool,
    },
    FreeHeaders,
    FreeAuth,
    Message {
        code: u32,
    },
}

const URLS: &[&str] = &[
    "https://h.example/Contrast",
    "http://h.example/Contrast",
    "https://0x/",
    "https://h.example:8443:443/",
];
const NAMES: &[&str] = &["agent@Org", "a:b", " agent\t", "\u{1f511}"];
const KEYS: &[&str] = &["SVCKEY4Q7Z2M9X1B", "APIKEYd8f2a61c0e9b47", "k\r\n", ""];
const METHODS: &[&str] = &["POST", "GET", "P OST", ""];
const SIGN_URLS: &[&str] = &[
    "https://h.example/Contrast/api/ng/report?x=1",
    "https://a.0x1/",
    "https://H.Example:443/a/../b",
];
const TYPES: &[&str] = &[
    "application/json",
    "\r\r\r",
    " text/plain\t",
    "application/json\u{3000}",
];
const HEADER_NAMES: &[&str] = &[
    "Authorization",
    "api-key",
    "Signature",
    "Content-Digest",
    "signature-input",
];

fn known(r: contrast_result) {
    // SAFETY: any value is accepted; the message is static and NUL-terminated.
    let message = unsafe { CStr::from_ptr(contrast_result_message(r as u32)) };
    assert!(!message.to_bytes().is_empty());
}

/// A buffer of exactly `len` bytes (NULL when asked), then the read checked against the
/// buffer contract.
fn read_into(
    len: u16,
    null_buf: bool,
    read: impl FnOnce(*mut c_char, usize, *mut usize) -> contrast_result,
) {
    let len = usize::from(len % 300);
    let mut buf = vec![0x55 as c_char; len].into_boxed_slice();
    let ptr = if null_buf {
        null_mut()
    } else {
        buf.as_mut_ptr()
    };
    let mut out_len = usize::MAX;
    let r = read(ptr, len, &mut out_len);
    known(r);
    match r {
        contrast_result::Ok => {
            assert!(out_len < len);
            assert_eq!(buf[out_len], 0);
            assert!(!buf[..out_len].contains(&0));
        }
        contrast_result::BufferTooSmall => {
            assert!(out_len >= len);
            assert!(buf.iter().all(|&b| b == 0x55), "written although too small");
        }
        _ => {}
    }
}

fuzz_target!(|ops: Vec<Op>| {
    let mut auth: *mut Auth = null_mut();
    let mut list: *mut contrast_headers = null_mut();
    for op in ops.iter().take(24) {
        // SAFETY (for every call below): `auth` and `list` are NULL or live (freed ones are
        // set back to NULL), strings are NULL or NUL-terminated, buffers have the length
        // passed with them and outputs are locals.
        unsafe {
            match op {
                Op::New {
                    url,
                    user,
                    service,
                    api,
                } => {
                    let (u, n, s, a) = (
                        CText::new(url, URLS),
                        CText::new(user, NAMES),
                        CText::new(service, KEYS),
                        CText::new(api, KEYS),
                    );
                    let mut out = null_mut();
                    let r = contrast_auth_new(u.ptr(), n.ptr(), s.ptr(), a.ptr(), &mut out);
                    known(r);
                    assert_eq!(r == contrast_result::Ok, !out.is_null());
                    if !out.is_null() {
                        contrast_auth_free(auth);
                        auth = out;
                    }
                }
                Op::FromToken { token } => {
                    let t = CText::new(
                        token,
                        &[
                            "eyJ1cmwiOiJodHRwczovL2gvQ29udHJhc3QiLCJhcGlfa2V5IjoiQSIsInNlcnZpY2Vfa2V5IjoiUyIsInVzZXJfbmFtZSI6InUifQ==",
                        ],
                    );
                    let mut out = null_mut();
                    let r = contrast_auth_from_token(t.ptr(), &mut out);
                    known(r);
                    if !out.is_null() {
                        contrast_auth_free(auth);
                        auth = out;
                    }
                }
                Op::Read {
                    api_key,
                    len,
                    null_buf,
                    null_len,
                } => {
                    let reader = if *api_key {
                        contrast_auth_api_key
                    } else {
                        contrast_auth_authorization
                    };
                    read_into(*len, *null_buf, |b, l, o| {
                        reader(auth, b, l, if *null_len { null_mut() } else { o })
                    });
                }
                Op::LastError { len, null_buf } => {
                    read_into(*len, *null_buf, |b, l, o| contrast_last_error(b, l, o));
                }
                Op::Rotate { service, api } => {
                    let (s, a) = (CText::new(service, KEYS), CText::new(api, KEYS));
                    known(contrast_auth_rotate(auth, s.ptr(), a.ptr()));
                }
                Op::Fingerprints { null_out } => {
                    let mut out = std::mem::MaybeUninit::<contrast_fingerprints>::zeroed();
                    let p = if *null_out {
                        null_mut()
                    } else {
                        out.as_mut_ptr()
                    };
                    known(contrast_auth_fingerprints(auth, p));
                }
                Op::Headers => {
                    let mut out = null_mut();
                    let r = contrast_auth_headers(auth, &mut out);
                    known(r);
                    if !out.is_null() {
                        contrast_headers_free(list);
                        list = out;
                    }
                }
                Op::Sign {
                    method,
                    url,
                    content_type,
                    body,
                    null_body,
                    created,
                    null_nonce,
                } => {
                    let (m, u, c) = (
                        CText::new(method, METHODS),
                        CText::new(url, SIGN_URLS),
                        CText::new(content_type, TYPES),
                    );
                    let nonce = [9u8; CONTRAST_NONCE_LEN];
                    let mut out = null_mut();
                    let r = contrast_auth_sign_with_nonce(
                        auth,
                        m.ptr(),
                        u.ptr(),
                        c.ptr(),
                        if *null_body { null() } else { body.as_ptr() },
                        body.len(),
                        *created,
                        if *null_nonce { null() } else { nonce.as_ptr() },
                        &mut out,
                    );
                    known(r);
                    if !out.is_null() {
                        assert_eq!(contrast_headers_count(out), 3);
                        contrast_headers_free(list);
                        list = out;
                    }
                }
                Op::Get {
                    index,
                    null_name,
                    null_value,
                } => {
                    let (mut n, mut v) = (null(), null());
                    let r = contrast_headers_get(
                        list,
                        usize::from(*index % 5),
                        if *null_name { null_mut() } else { &mut n },
                        if *null_value { null_mut() } else { &mut v },
                    );
                    known(r);
                    if r == contrast_result::Ok {
                        assert!(!CStr::from_ptr(n).to_bytes().is_empty());
                        let _ = CStr::from_ptr(v).to_bytes().len();
                    }
                }
                Op::Find { name, null_value } => {
                    let n = CText::new(name, HEADER_NAMES);
                    let mut v = null();
                    let r = contrast_headers_find(
                        list,
                        n.ptr(),
                        if *null_value { null_mut() } else { &mut v },
                    );
                    known(r);
                    if r == contrast_result::Ok {
                        let _ = CStr::from_ptr(v).to_bytes().len();
                    }
                }
                Op::FreeHeaders => {
                    contrast_headers_free(list);
                    list = null_mut();
                }
                Op::FreeAuth => {
                    contrast_auth_free(auth);
                    auth = null_mut();
                }
                Op::Message { code } => {
                    let _ = CStr::from_ptr(contrast_result_message(*code))
                        .to_bytes()
                        .len();
                }
            }
        }
    }
    // SAFETY: NULL or live, freed once.
    unsafe {
        contrast_headers_free(list);
        contrast_auth_free(auth);
    }
});
