//! The cost of the zeroizing allocator (`zeroizing_alloc::ZeroizingAllocator`, installed in the
//! shipped C/JNI library by the feature `zeroizing-allocator`): the same work with the system
//! allocator and with the zeroizing one, measured in one run, in one process.
//!
//! Run: `cargo bench --bench zeroizing -- --warm-up-time 1 --measurement-time 5`
//!
//! The benchmark's global allocator zeroizes only on threads that asked for it (a per-thread
//! flag read on every call, in both variants alike), so the loopback test server's own threads
//! keep the system allocator and `send_1000_reports` measures the client's cost alone.
//!
//! - `sign_1kib`: sign a 1 KiB body from the store (`Signer::sign_from_store`).
//! - `header_read`: both header values from the store (`load_snapshot`; allocation-free, so
//!   this is the check that the hot read path does not pay) and the C ABI's
//!   `contrast_auth_headers` + `contrast_headers_free` (which allocate a list of copies).
//! - `send_1000_reports`: 1,000 signed reports over one keep-alive TLS connection.

use std::cell::Cell;
use std::hint::black_box;
use std::sync::Arc;

use contrast_auth::signing::{Message, Signer};
use contrast_auth::test_server::{AcceptedCredentials, TestServer, TestServerOptions};
use contrast_auth::transport::{Client, TransportSettings};
use contrast_auth::{CredentialStore, Credentials, HeaderOptions, Secret};
use criterion::{BenchmarkGroup, Criterion, measurement::WallTime};

thread_local! {
    static ZEROIZE: Cell<bool> = const { Cell::new(false) };
}

// With the feature on, the library already installs the zeroizing allocator for everything
// (a process has one): there is nothing to compare, see `main`.
#[cfg(not(feature = "zeroizing-allocator"))]
mod switch {
    use super::ZEROIZE;
    use contrast_auth::zeroizing_alloc::ZeroizingAllocator;
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    /// The system allocator, or the zeroizing one on threads whose flag is set.
    struct Switch;

    static ZEROIZING: ZeroizingAllocator = ZeroizingAllocator::new();

    fn zeroizing() -> bool {
        // During thread teardown the flag may be gone: the system allocator then (both are
        // compatible: the zeroizing one frees through it).
        ZEROIZE.try_with(Cell::get).unwrap_or(false)
    }

    // SAFETY: both allocators allocate from `System`, so a block from either may be freed or
    // resized by either; each call is forwarded with the caller's arguments unchanged.
    unsafe impl GlobalAlloc for Switch {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: same contract as our caller's.
            unsafe {
                if zeroizing() {
                    ZEROIZING.alloc(layout)
                } else {
                    System.alloc(layout)
                }
            }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: same contract as our caller's.
            unsafe {
                if zeroizing() {
                    ZEROIZING.dealloc(ptr, layout)
                } else {
                    System.dealloc(ptr, layout)
                }
            }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: same contract as our caller's.
            unsafe {
                if zeroizing() {
                    ZEROIZING.realloc(ptr, layout, new_size)
                } else {
                    System.realloc(ptr, layout, new_size)
                }
            }
        }
    }

    #[global_allocator]
    static GLOBAL: Switch = Switch;
}

const USER: &str = "agent_4f1c2b9e-6d0a-4a3e-9b1f-2c7d8e9f0a1b@ExampleOrg";
const SERVICE_KEY: &str = "J8ZV5Y0H4R2Q7K9M3N6P1T8W";
const API_KEY: &str = "b1C2d3E4f5G6h7I8j9K0l1M2n3O4p5Q6";
const REPORTS: usize = 1000;
const BODY: &[u8] = br#"{"report":"activity","observations":["route /login","sql SELECT"]}"#;
const VARIANTS: [(&str, bool); 2] = [("system", false), ("zeroizing", true)];

fn store(url: &str) -> CredentialStore {
    let credentials = Credentials::new(url, USER, SERVICE_KEY, API_KEY).expect("credentials");
    CredentialStore::new(credentials, HeaderOptions::default())
}

/// Runs `bench` once per variant, the flag set accordingly on the benchmark thread.
fn both(
    group: &mut BenchmarkGroup<'_, WallTime>,
    mut bench: impl FnMut(&mut BenchmarkGroup<'_, WallTime>, &str),
) {
    for (name, on) in VARIANTS {
        ZEROIZE.with(|flag| flag.set(on));
        bench(group, name);
        ZEROIZE.with(|flag| flag.set(false));
    }
}

fn sign_1kib(c: &mut Criterion) {
    let store = store("https://app.contrastsecurity.com/Contrast");
    let signer = Signer::default();
    let body: Vec<u8> = (0..1024).map(|i| b"0123456789abcdef"[i % 16]).collect();
    let message = Message {
        method: "POST",
        url: "https://app.contrastsecurity.com/Contrast/api/ng/agents/report",
        content_type: "application/json",
        body: &body,
    };
    let mut group = c.benchmark_group("zeroizing_sign_1kib");
    both(&mut group, |group, name| {
        group.bench_function(name, |b| {
            b.iter(|| black_box(signer.sign_from_store(&message, &store, 1_767_225_600)))
        });
    });
    group.finish();
}

fn header_read(c: &mut Criterion) {
    let store = store("https://app.contrastsecurity.com/Contrast");
    let mut group = c.benchmark_group("zeroizing_header_read");
    both(&mut group, |group, name| {
        group.bench_function(format!("store_{name}"), |b| {
            b.iter(|| {
                let snapshot = store.load_snapshot();
                let h = snapshot.headers();
                black_box((
                    h.authorization().expose_secret().len(),
                    h.api_key().expose_secret().len(),
                ))
            })
        });
    });
    let url = c"https://app.contrastsecurity.com/Contrast";
    let (user, service, api) = (
        c"agent_4f1c2b9e@ExampleOrg",
        c"J8ZV5Y0H4R2Q7K9M",
        c"b1C2d3E4f5G6h7I8",
    );
    let mut auth = std::ptr::null_mut();
    // SAFETY: NUL-terminated strings and a writable out pointer; the handle is freed below.
    let created = unsafe {
        contrast_auth::ffi::contrast_auth_new(
            url.as_ptr(),
            user.as_ptr(),
            service.as_ptr(),
            api.as_ptr(),
            &mut auth,
        )
    };
    assert_eq!(created, contrast_auth::ffi::contrast_result::Ok);
    both(&mut group, |group, name| {
        group.bench_function(format!("capi_headers_list_{name}"), |b| {
            b.iter(|| {
                let mut list = std::ptr::null_mut();
                // SAFETY: a live handle and a writable out pointer; the list is freed once.
                unsafe {
                    contrast_auth::ffi::contrast_auth_headers(auth, &mut list);
                    black_box(list);
                    contrast_auth::ffi::contrast_headers_free(list);
                }
            })
        });
    });
    // SAFETY: the handle from above, used by nothing else any more.
    unsafe { contrast_auth::ffi::contrast_auth_free(auth) };
    group.finish();
}

fn send_1000_reports(c: &mut Criterion) {
    let server = TestServer::start(
        vec![AcceptedCredentials::new(
            Secret::from(USER),
            Secret::from(SERVICE_KEY),
            Secret::from(API_KEY),
        )],
        TestServerOptions {
            skip_signature_verification: true,
            ..TestServerOptions::default()
        },
    )
    .expect("test server");
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = dir.path().join("ca.pem");
    server.write_ca_file(&ca).expect("CA file");
    let settings = || {
        let mut settings = TransportSettings::default();
        settings.certificate.ca_file = Some(ca.clone());
        settings
    };
    let mut group = c.benchmark_group("zeroizing_send_1000_reports");
    group.sample_size(10);
    both(&mut group, |group, name| {
        // A client per variant, made with the variant's allocator: one connection each.
        let client = Client::new(Arc::new(store(server.url())), settings()).expect("client");
        group.bench_function(name, |b| {
            b.iter(|| {
                for _ in 0..REPORTS {
                    let sent = client
                        .send("POST", "/api/ng/report", "application/json", BODY)
                        .expect("accepted");
                    black_box(sent.status);
                }
            })
        });
    });
    group.finish();
    let stats = server.stats();
    println!(
        "send_1000_reports: {} TLS handshakes for {} requests (one connection per client)",
        stats.tls_handshakes, stats.requests
    );
}

fn main() {
    if cfg!(feature = "zeroizing-allocator") {
        eprintln!("zeroizing bench: build without the zeroizing-allocator feature to compare");
        std::process::exit(2);
    }
    let mut criterion = Criterion::default().configure_from_args();
    sign_1kib(&mut criterion);
    header_read(&mut criterion);
    send_1000_reports(&mut criterion);
    criterion.final_summary();
}
