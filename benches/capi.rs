//! A header read through the C ABI vs the same read from Rust, in one run.
//! Run: `cargo bench --bench capi -- --warm-up-time 1 --measurement-time 3`.
//! Target (issue #5): C ABI <= 1.5 x Rust + 20 ns.

use std::ffi::c_char;
use std::hint::black_box;
use std::ptr::null_mut;

use ::contrast_auth::ffi::{
    contrast_auth, contrast_auth_authorization, contrast_auth_free, contrast_auth_new,
    contrast_result,
};
use ::contrast_auth::{CredentialStore, Credentials, HeaderOptions};
use criterion::{Criterion, criterion_group, criterion_main};

const URL: &str = "https://app.contrastsecurity.com/Contrast";
const USER: &str = "agent_4f1c2b9e-6d0a-4a3e-9b1f-2c7d8e9f0a1b@ExampleOrg";
const SERVICE_KEY: &str = "J8ZV5Y0H4R2Q7K9M3N6P1T8W";
const API_KEY: &str = "b1C2d3E4f5G6h7I8j9K0l1M2n3O4p5Q6";

type Reader =
    unsafe extern "C" fn(*const contrast_auth, *mut c_char, usize, *mut usize) -> contrast_result;

fn header_read(c: &mut Criterion) {
    let store = CredentialStore::new(
        Credentials::new(URL, USER, SERVICE_KEY, API_KEY).expect("valid credentials"),
        HeaderOptions::default(),
    );
    let mut auth = null_mut();
    let (url, user, service, api) = (
        std::ffi::CString::new(URL).unwrap(),
        std::ffi::CString::new(USER).unwrap(),
        std::ffi::CString::new(SERVICE_KEY).unwrap(),
        std::ffi::CString::new(API_KEY).unwrap(),
    );
    // SAFETY: C strings and a local out pointer.
    let created = unsafe {
        contrast_auth_new(
            url.as_ptr(),
            user.as_ptr(),
            service.as_ptr(),
            api.as_ptr(),
            &mut auth,
        )
    };
    assert_eq!(created, contrast_result::Ok);

    let mut group = c.benchmark_group("authorization_read");
    // The same work a C caller gets: the current value copied into a caller buffer.
    group.bench_function("rust_copy_into_buffer", |b| {
        let mut buf = [0u8; 256];
        b.iter(|| {
            let snapshot = store.load_snapshot();
            let value = snapshot
                .headers()
                .authorization()
                .expose_secret()
                .as_bytes();
            buf[..value.len()].copy_from_slice(value);
            buf[value.len()] = 0;
            black_box(&buf);
            black_box(value.len())
        })
    });
    // Called through a function pointer, as C calls it (no inlining into the bench).
    group.bench_function("c_abi_contrast_auth_authorization", |b| {
        let read: Reader = black_box(contrast_auth_authorization);
        let mut buf = [0 as c_char; 256];
        let mut len = 0usize;
        b.iter(|| {
            // SAFETY: a live handle and a local buffer of the stated size.
            let r = unsafe { read(black_box(auth), buf.as_mut_ptr(), buf.len(), &mut len) };
            black_box(&buf);
            black_box((r, len))
        })
    });
    group.finish();
    // SAFETY: freed once, after the benchmarks.
    unsafe { contrast_auth_free(auth) };
}

criterion_group!(benches, header_read);
criterion_main!(benches);
