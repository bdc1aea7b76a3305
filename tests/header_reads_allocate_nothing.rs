//! Reading both header values from the store allocates nothing (after a thread's first
//! read, which registers the thread with arc-swap). Counted per thread by a wrapping
//! allocator, so other tests running in parallel do not interfere.
//!
//! A process has one global allocator: with the `zeroizing-allocator` feature the library's
//! is installed, so `scripts/test` runs this test in a build with default features.
#![cfg(not(feature = "zeroizing-allocator"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

use contrast_auth::{CredentialStore, Credentials, HeaderOptions};

struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: delegates every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as our caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as our caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

#[test]
fn reading_both_headers_allocates_nothing() {
    let creds = Credentials::new("https://h/Contrast", "agent", "service", "api").unwrap();
    let store = CredentialStore::new(creds, HeaderOptions::default());
    // First read on this thread: arc-swap may allocate its per-thread debt node.
    black_box(store.load_snapshot().headers().authorization().len());

    let before = allocations();
    let mut total = 0usize;
    for _ in 0..10_000 {
        let snap = store.load_snapshot();
        let h = snap.headers();
        total += black_box(h.authorization().expose_secret()).len();
        total += black_box(h.api_key().expose_secret()).len();
    }
    assert_eq!(allocations() - before, 0, "header reads allocated");
    assert_eq!(total, 10_000 * ("YWdlbnQ6c2VydmljZQ==".len() + 3));

    // The baseline the benchmark compares against does allocate: the counter works.
    let before = allocations();
    black_box(contrast_auth::headers::authorization_value(
        "agent",
        "service",
        Default::default(),
    ));
    assert!(allocations() > before);
}

#[test]
fn reader_allocates_nothing_and_follows_rotation() {
    let creds = Credentials::new("https://h/Contrast", "agent", "service", "api").unwrap();
    let store = CredentialStore::new(creds, HeaderOptions::default());
    let mut reader = store.reader();
    black_box(reader.load().headers().authorization().len());
    let before = allocations();
    for _ in 0..10_000 {
        let h = reader.load().headers();
        black_box(h.authorization().expose_secret());
        black_box(h.api_key().expose_secret());
    }
    assert_eq!(allocations() - before, 0, "cached header reads allocated");
    store.rotate(None, Some("api-2")).unwrap();
    assert_eq!(reader.load().headers().api_key().expose_secret(), "api-2");
    assert_eq!(reader.load().generation(), 2);
}
