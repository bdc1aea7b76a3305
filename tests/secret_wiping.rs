//! Issue 16: no heap block is freed while it still holds a secret. A global allocator scans
//! every freed block (and the old block of every reallocation) for marker secrets; each case
//! uses its own marker (the self-check too), so cases may run in parallel.
//!
//! A process has one global allocator: with the `zeroizing-allocator` feature the library's
//! own allocator zeroes every block and this scan would prove nothing about the code paths,
//! so the test is built without that feature (scripts/test runs it with default features).
#![cfg(not(feature = "zeroizing-allocator"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::ffi::CString;
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicUsize, Ordering};

use zeroize::Zeroizing;

/// Marker secrets: long enough never to occur by chance, printable ASCII.
const MARKERS: [&[u8]; 6] = [
    b"MARKERunknownFIELDq8Zr2",
    b"MARKERmissingFIELDw3Kp7",
    b"MARKERencodedTOKENx5Lm1",
    b"MARKERproxyPASSWORDv9Tn4",
    b"MARKERsignedUSERj6Hc0",
    b"MARKERselfCHECKp2Ws8",
];
/// What every marker starts with (scanned for first).
const PREFIX: &[u8] = b"MARKER";
static HITS: [AtomicUsize; 6] = [const { AtomicUsize::new(0) }; 6];

struct ScanningAllocator;

impl ScanningAllocator {
    /// Counts each marker found in the block about to be released.
    ///
    /// # Safety
    /// `ptr` is a live block of `len` initialized-or-not bytes from this allocator.
    unsafe fn scan(ptr: *const u8, len: usize) {
        // Secrets live in small blocks; large ones (buffers of bodies, certificates) are
        // skipped to keep the scan fast in debug builds.
        if len > 64 * 1024 {
            return;
        }
        // SAFETY: reading a live block's bytes as integers (uninitialized bytes of a block
        // never written cannot equal a marker in any run that matters: they are only read
        // by this test allocator, as `u8`s through a raw pointer).
        let block = unsafe { std::slice::from_raw_parts(ptr, len) };
        let mut i = 0;
        while i + PREFIX.len() <= block.len() {
            if block[i] == b'M' && block[i..].starts_with(PREFIX) {
                for (marker, hits) in MARKERS.iter().zip(&HITS) {
                    if block[i..].starts_with(marker) {
                        hits.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            i += 1;
        }
    }
}

// SAFETY: every call is forwarded to `System` with the same arguments; `scan` only reads.
unsafe impl GlobalAlloc for ScanningAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` is live with `layout.size()` bytes until the call below.
        unsafe {
            Self::scan(ptr, layout.size());
            System.dealloc(ptr, layout)
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Always move, so the old block is scanned as it is released.
        // SAFETY: a fresh block of `new_size`, the old one copied and released as above.
        unsafe {
            let new = System.alloc(Layout::from_size_align_unchecked(new_size, layout.align()));
            if !new.is_null() {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            new
        }
    }
}

#[global_allocator]
static ALLOCATOR: ScanningAllocator = ScanningAllocator;

/// Runs `case` with the marker `index` and returns how many freed blocks still held it.
fn freed_copies(index: usize, case: impl FnOnce(&str)) -> usize {
    let marker = std::str::from_utf8(MARKERS[index]).unwrap();
    let before = HITS[index].load(Ordering::SeqCst);
    case(marker);
    HITS[index].load(Ordering::SeqCst) - before
}

/// A zeroizing string built without reallocation.
fn text(parts: &[&str]) -> Zeroizing<String> {
    let mut s = Zeroizing::new(String::with_capacity(parts.iter().map(|p| p.len()).sum()));
    for p in parts {
        s.push_str(p);
    }
    s
}

/// base64 of `json`, in a zeroizing buffer (the marker never appears in it as such).
fn token_of(json: &str) -> Zeroizing<String> {
    use base64::Engine;
    let mut out = Zeroizing::new(String::with_capacity(json.len() * 4 / 3 + 4));
    base64::engine::general_purpose::STANDARD.encode_string(json, &mut out);
    out
}

#[test]
fn the_allocator_sees_an_unwiped_secret() {
    // The check itself: a plain String holding the marker is found when freed.
    // It has a marker of its own: the unwiped copy it frees on purpose must not be counted
    // against a case running in parallel.
    let found = freed_copies(5, |m| drop(String::from(m)));
    assert_eq!(found, 1);
    assert_eq!(
        freed_copies(5, |m| drop(Zeroizing::new(String::from(m)))),
        0
    );
}

#[test]
fn token_errors_wipe_the_fields_read_so_far() {
    let unknown = freed_copies(0, |m| {
        let json = text(&[
            r#"{"url":"https://h/Contrast","api_key":""#,
            m,
            r#"","service_key":"s","user_name":"n","extra":"x"}"#,
        ]);
        let e = contrast_auth::token::decode(&token_of(&json)).unwrap_err();
        assert!(e.to_string().contains("extra"), "{e}");
    });
    assert_eq!(
        unknown, 0,
        "the unknown-field error freed the api_key unwiped"
    );
    let missing = freed_copies(1, |m| {
        let json = text(&[r#"{"url":"https://h/Contrast","api_key":""#, m, r#""}"#]);
        let e = contrast_auth::token::decode(&token_of(&json)).unwrap_err();
        assert!(e.to_string().contains("service_key"), "{e}");
    });
    assert_eq!(
        missing, 0,
        "the missing-field error freed the api_key unwiped"
    );
}

#[test]
fn token_encoding_never_frees_a_partial_copy() {
    let copies = freed_copies(2, |m| {
        // A long service key after the marker makes an unsized buffer grow past it.
        let long = "s".repeat(300);
        let token = contrast_auth::token::encode("https://h/Contrast", m, &long, "agent");
        let fields = contrast_auth::token::decode(token.expose_secret()).unwrap();
        assert_eq!(fields.api_key.expose_secret(), m);
    });
    assert_eq!(
        copies, 0,
        "token encoding freed a copy of the api_key unwiped"
    );
}

#[test]
fn a_proxy_password_is_wiped_from_the_url_parse() {
    let copies = freed_copies(3, |m| {
        let url = text(&["http://user:", m, "@proxy.example:3128"]);
        let proxy = contrast_auth::config::ProxySettings::parse(&url).unwrap();
        assert!(!proxy.redacted().contains(m));
    });
    assert_eq!(copies, 0, "the proxy URL parse freed the password unwiped");
}

#[test]
fn signing_through_the_c_abi_leaves_no_copy_of_the_user_name() {
    use ::contrast_auth::ffi::{
        CONTRAST_NONCE_LEN, contrast_auth_free, contrast_auth_new, contrast_auth_sign,
        contrast_auth_sign_with_nonce, contrast_headers_count, contrast_headers_free,
        contrast_result,
    };
    let user = CString::new(MARKERS[4]).unwrap();
    let mut auth = null_mut();
    // SAFETY: NUL-terminated strings and a local out pointer.
    let r = unsafe {
        contrast_auth_new(
            c"https://h.example/Contrast".as_ptr(),
            user.as_ptr(),
            c"SVCKEY4Q7Z2M9X1B".as_ptr(),
            c"APIKEYd8f2a61c0e9b47".as_ptr(),
            &mut auth,
        )
    };
    assert_eq!(r, contrast_result::Ok);
    let copies = freed_copies(4, |_| {
        for _ in 0..3 {
            let mut list = null_mut();
            let nonce = [7u8; CONTRAST_NONCE_LEN];
            // SAFETY: a live handle, static strings, a local body, nonce and out pointer.
            let r = unsafe {
                contrast_auth_sign_with_nonce(
                    auth,
                    c"POST".as_ptr(),
                    c"https://h.example/Contrast/api/ng/report".as_ptr(),
                    c"application/json".as_ptr(),
                    b"{}".as_ptr(),
                    2,
                    1_767_225_600,
                    nonce.as_ptr(),
                    &mut list,
                )
            };
            assert_eq!(r, contrast_result::Ok);
            // SAFETY: a live list, freed once.
            unsafe {
                assert_eq!(contrast_headers_count(list), 3);
                contrast_headers_free(list);
            }
            let mut list = null_mut();
            // SAFETY: as above, with an empty body.
            let r = unsafe {
                contrast_auth_sign(
                    auth,
                    c"POST".as_ptr(),
                    c"https://h.example/Contrast/api/ng/report".as_ptr(),
                    c"application/json".as_ptr(),
                    null(),
                    0,
                    &mut list,
                )
            };
            assert_eq!(r, contrast_result::Ok);
            // SAFETY: a live list, freed once.
            unsafe { contrast_headers_free(list) };
        }
    });
    // SAFETY: a live handle, freed once.
    unsafe { contrast_auth_free(auth) };
    assert_eq!(
        copies, 0,
        "signing freed a copy of the keyid (user name) unwiped"
    );
}
