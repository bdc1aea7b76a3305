//! A global allocator that zeroes every heap block before handing it back, so no secret
//! (key, user name, token, header value) outlives its owner in freed memory — including the
//! temporary copies that code outside this crate makes (the HTTP stack's request head, a
//! `String` that grew, a parser's buffers).
//!
//! [`ZeroizingAllocator`] wraps another allocator (by default [`System`]): `dealloc` zeroes
//! the block's `layout.size()` bytes first, and `realloc` never lets the inner allocator move
//! a block itself: it allocates the new block, copies, zeroes the old one and frees it (a
//! shrink in place would leave the tail behind; a move would hand the old block over
//! unzeroed). Allocation is unchanged.
//!
//! The shipped C/JNI library installs it as the `#[global_allocator]` (feature
//! `zeroizing-allocator`). A Rust application can install the same type itself, with the
//! feature off:
//!
//! ```
//! use contrast_auth::zeroizing_alloc::ZeroizingAllocator;
//!
//! # #[cfg(not(feature = "zeroizing-allocator"))] // (this crate's tests may have it on)
//! #[global_allocator]
//! static ALLOCATOR: ZeroizingAllocator = ZeroizingAllocator::new();
//! # fn main() {}
//! ```
//!
//! What it cannot reach: memory that C code allocates with `malloc` directly (the C
//! library's resolver, a JVM's own copies), stack frames and registers, and pages the
//! kernel swapped out. It only ever sees blocks allocated through Rust's global allocator.

use std::alloc::{GlobalAlloc, Layout, System};

/// A [`GlobalAlloc`] that zeroes every block on `dealloc` and `realloc` (see the module
/// documentation), delegating to `A` (the system allocator by default).
#[derive(Debug, Default, Clone, Copy)]
pub struct ZeroizingAllocator<A = System> {
    inner: A,
}

impl ZeroizingAllocator<System> {
    /// Zeroizing over the system allocator (`const`, for a `static`).
    pub const fn new() -> Self {
        ZeroizingAllocator { inner: System }
    }
}

impl<A> ZeroizingAllocator<A> {
    /// Zeroizing over `inner` (e.g. a counting or pooling allocator).
    pub const fn wrapping(inner: A) -> Self {
        ZeroizingAllocator { inner }
    }
}

/// Sets `len` bytes at `ptr` to zero in a way the optimizer cannot drop, although the block
/// is freed right after (a plain `memset` before `free` is a dead store to LLVM).
///
/// # Safety
/// `ptr` is valid for writes of `len` bytes.
#[inline]
unsafe fn zero(ptr: *mut u8, len: usize) {
    // SAFETY: the caller guarantees `len` writable bytes at `ptr`.
    unsafe { std::ptr::write_bytes(ptr, 0, len) };
    // The pointer goes to an (empty) assembly block that may read memory through it, so the
    // stores above must happen before it.
    #[cfg(any(target_arch = "x86_64", target_arch = "x86", target_arch = "aarch64"))]
    // SAFETY: the assembly is empty: it reads nothing, writes nothing, keeps the stack.
    unsafe {
        std::arch::asm!("/* {0} */", in(reg) ptr, options(nostack, preserves_flags, readonly));
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "x86", target_arch = "aarch64")))]
    std::hint::black_box(ptr);
}

// SAFETY: every allocation comes from `inner` unchanged; `dealloc` only writes within the
// block it is about to free; `realloc` returns a block from `inner.alloc` with the old
// contents (up to the smaller size) copied, then frees the old block with its own layout,
// which is exactly the `GlobalAlloc::realloc` contract.
unsafe impl<A: GlobalAlloc> GlobalAlloc for ZeroizingAllocator<A> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as our caller's.
        unsafe { self.inner.alloc(layout) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as our caller's.
        unsafe { self.inner.alloc_zeroed(layout) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` is a live block of `layout.size()` bytes (the caller's contract).
        unsafe {
            zero(ptr, layout.size());
            self.inner.dealloc(ptr, layout);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees `new_size` (rounded to `layout.align()`) does not
        // overflow `isize`, so the layout is valid.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: `new_layout` has a non-zero size (the caller's contract).
        let new_ptr = unsafe { self.inner.alloc(new_layout) };
        if !new_ptr.is_null() {
            // SAFETY: both blocks are live, distinct, and at least `min` bytes long; the old
            // one is then zeroed and freed with its own layout, and never used again.
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, new_ptr, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        // On failure the old block stays allocated and untouched, as the contract requires.
        new_ptr
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    /// An inner allocator that records what each freed block held.
    #[derive(Default)]
    struct Recording {
        freed: RefCell<Vec<Vec<u8>>>,
    }

    // SAFETY: delegates to the system allocator; only reads blocks before freeing them.
    unsafe impl GlobalAlloc for Recording {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: same contract as our caller's.
            unsafe { System.alloc(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: `ptr` holds `layout.size()` initialized or zeroed bytes.
            let bytes = unsafe { std::slice::from_raw_parts(ptr, layout.size()) }.to_vec();
            self.freed.borrow_mut().push(bytes);
            // SAFETY: same contract as our caller's.
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    fn fill(allocator: &ZeroizingAllocator<Recording>, size: usize) -> (*mut u8, Layout) {
        let layout = Layout::from_size_align(size, 8).unwrap();
        // SAFETY: non-zero size; the block is filled with `size` bytes.
        unsafe {
            let ptr = allocator.alloc(layout);
            assert!(!ptr.is_null());
            std::ptr::write_bytes(ptr, 0xA5, size);
            (ptr, layout)
        }
    }

    #[test]
    fn dealloc_zeroes_the_whole_block() {
        let allocator = ZeroizingAllocator::wrapping(Recording::default());
        let (ptr, layout) = fill(&allocator, 100);
        // SAFETY: a live block from this allocator with this layout.
        unsafe { allocator.dealloc(ptr, layout) };
        let freed = allocator.inner.freed.borrow();
        assert_eq!(freed.len(), 1);
        assert_eq!(freed[0], vec![0u8; 100]);
    }

    #[test]
    fn realloc_moves_and_zeroes_the_old_block_when_growing_and_shrinking() {
        let allocator = ZeroizingAllocator::wrapping(Recording::default());
        for (from, to) in [(16, 4096), (4096, 8), (64, 64)] {
            let (ptr, layout) = fill(&allocator, from);
            // SAFETY: a live block from this allocator; `to` is non-zero.
            let grown = unsafe { allocator.realloc(ptr, layout, to) };
            assert!(!grown.is_null());
            // SAFETY: the new block holds at least min(from, to) copied bytes.
            let kept = unsafe { std::slice::from_raw_parts(grown, from.min(to)) };
            assert!(kept.iter().all(|&b| b == 0xA5), "contents kept");
            let last = allocator.inner.freed.borrow().last().cloned().unwrap();
            assert_eq!(last, vec![0u8; from], "old block of {from} zeroed");
            // SAFETY: the new block has the new layout.
            unsafe { allocator.dealloc(grown, Layout::from_size_align(to, 8).unwrap()) };
        }
    }

    #[test]
    fn works_as_the_system_allocator_for_collections() {
        let allocator = ZeroizingAllocator::new();
        let layout = Layout::array::<u64>(1000).unwrap();
        // SAFETY: non-zero size; zeroed memory is read, then freed with the same layout.
        unsafe {
            let ptr = allocator.alloc_zeroed(layout);
            assert!(!ptr.is_null());
            assert!(
                std::slice::from_raw_parts(ptr, layout.size())
                    .iter()
                    .all(|&b| b == 0)
            );
            allocator.dealloc(ptr, layout);
        }
    }
}
