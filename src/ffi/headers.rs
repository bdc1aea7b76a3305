//! `contrast_headers`: a library-allocated list of header (name, value) pairs.

use std::ffi::{CStr, c_char};

use zeroize::Zeroizing;

use crate::ffi::boundary::{Failure, arg_ref, arg_str, guard, guard_value, out_ptr};
use crate::ffi::result::contrast_result;

/// An immutable list of HTTP header (name, value) pairs made by the library, e.g. by
/// `contrast_auth_headers` or `contrast_auth_sign`.
///
/// Names and values are NUL-terminated and stay valid until `contrast_headers_free`.
/// Values may be secret (`Authorization`, `API-Key`): the free function zeroizes them.
/// A list may be read from several threads at once; free it exactly once.
pub struct contrast_headers {
    entries: Vec<HeaderEntry>,
}

struct HeaderEntry {
    name: &'static CStr,
    /// The value followed by its NUL, allocated at its final size.
    value: Zeroizing<Vec<u8>>,
}

impl contrast_headers {
    /// An empty list with room for `capacity` entries.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        contrast_headers {
            entries: Vec::with_capacity(capacity),
        }
    }

    /// Appends a header. `value` never contains NUL (values are validated or encoded).
    pub(crate) fn push(&mut self, name: &'static CStr, value: &str) {
        let mut bytes = Zeroizing::new(Vec::with_capacity(value.len() + 1));
        bytes.extend_from_slice(value.as_bytes());
        bytes.push(0);
        self.entries.push(HeaderEntry { name, value: bytes });
    }

    /// Moves the list to the heap for C.
    pub(crate) fn into_raw(self) -> *mut contrast_headers {
        Box::into_raw(Box::new(self))
    }

    /// The value of the header named `name` (ASCII case-insensitive), *with* its NUL: a
    /// pointer handed to C must cover the terminator it reads up to.
    pub(crate) fn find(&self, name: &str) -> Option<&[u8]> {
        self.entries
            .iter()
            .find(|e| e.name.to_bytes().eq_ignore_ascii_case(name.as_bytes()))
            .map(|e| e.value.as_slice())
    }
}

/// The number of headers in `headers` (0 for NULL). Thread-safe.
///
/// # Safety
/// `headers` is NULL or a live list from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn contrast_headers_count(headers: *const contrast_headers) -> usize {
    guard_value(0, || {
        // SAFETY: NULL or a live list, per the contract above.
        unsafe { headers.as_ref() }.map_or(0, |h| h.entries.len())
    })
}

/// Sets `*name` and `*value` to the header at `index` (0-based, in the order they are to be
/// sent). Both pointers stay valid until `contrast_headers_free(headers)`; do not free them.
/// Returns INVALID_ARGUMENT when `index >= contrast_headers_count(headers)`. Thread-safe.
///
/// # Safety
/// `headers` is NULL or a live list; `name` and `value` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn contrast_headers_get(
    headers: *const contrast_headers,
    index: usize,
    name: *mut *const c_char,
    value: *mut *const c_char,
) -> contrast_result {
    guard(|| {
        // SAFETY: NULL or a live list, per the contract above.
        let headers = unsafe { arg_ref(headers, "headers") }?;
        let name = out_ptr(name, "name")?;
        let value = out_ptr(value, "value")?;
        let entry = headers.entries.get(index).ok_or_else(|| {
            Failure::new(
                contrast_result::InvalidArgument,
                format!(
                    "index {index} is out of range (the list has {} headers)",
                    headers.entries.len()
                ),
            )
        })?;
        // SAFETY: both output pointers are non-NULL and writable per the contract above.
        unsafe {
            name.as_ptr().write(entry.name.as_ptr());
            value.as_ptr().write(entry.value.as_ptr().cast());
        }
        Ok(())
    })
}

/// Sets `*value` to the value of the header called `name` (ASCII case-insensitive).
/// The pointer stays valid until `contrast_headers_free(headers)`. Returns NOT_FOUND when
/// the list has no such header. Thread-safe.
///
/// # Safety
/// `headers` is NULL or a live list; `name` is NULL or NUL-terminated; `value` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn contrast_headers_find(
    headers: *const contrast_headers,
    name: *const c_char,
    value: *mut *const c_char,
) -> contrast_result {
    guard(|| {
        // SAFETY: NULL or a live list, per the contract above.
        let headers = unsafe { arg_ref(headers, "headers") }?;
        // SAFETY: NULL or NUL-terminated, per the contract above.
        let name = unsafe { arg_str(name, "name") }?;
        let value = out_ptr(value, "value")?;
        let found = headers.find(name).ok_or_else(|| {
            Failure::new(
                contrast_result::NotFound,
                "no header of that name in the list",
            )
        })?;
        // SAFETY: `value` is non-NULL and writable per the contract above; `found` spans
        // the value and its NUL, so C may read up to the terminator (Stacked Borrows).
        unsafe { value.as_ptr().write(found.as_ptr().cast()) };
        Ok(())
    })
}

/// Zeroizes every value in `headers` and releases the list. NULL is fine. Call it exactly
/// once per list, when no other thread uses it; every pointer obtained from the list
/// becomes invalid.
///
/// # Safety
/// `headers` is NULL or a live list from this library, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn contrast_headers_free(headers: *mut contrast_headers) {
    guard_value((), || {
        if !headers.is_null() {
            // SAFETY: a live list made by `into_raw`, released exactly once per the contract;
            // dropping it zeroizes every value (`Zeroizing`).
            drop(unsafe { Box::from_raw(headers) });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr::{null, null_mut};

    #[test]
    fn lists_are_read_by_index_and_name_and_freed() {
        let mut list = contrast_headers::with_capacity(2);
        list.push(c"Authorization", "YWJjOmRlZg==");
        list.push(c"API-Key", "k");
        let raw = list.into_raw();
        // SAFETY: `raw` is a live list until freed at the end; outputs are locals.
        unsafe {
            assert_eq!(contrast_headers_count(raw), 2);
            assert_eq!(contrast_headers_count(null()), 0);
            let (mut name, mut value) = (null(), null());
            assert_eq!(
                contrast_headers_get(raw, 1, &mut name, &mut value),
                contrast_result::Ok
            );
            assert_eq!(CStr::from_ptr(name), c"API-Key");
            assert_eq!(CStr::from_ptr(value), c"k");
            let (mut n2, mut v2) = (null(), null());
            assert_eq!(
                contrast_headers_get(raw, 2, &mut n2, &mut v2),
                contrast_result::InvalidArgument
            );
            assert!(n2.is_null() && v2.is_null(), "no output on failure");
            assert_eq!(
                contrast_headers_get(null(), 0, &mut n2, &mut v2),
                contrast_result::NullArgument
            );
            assert_eq!(
                contrast_headers_get(raw, 0, null_mut(), &mut v2),
                contrast_result::NullArgument
            );
            assert_eq!(
                contrast_headers_get(raw, 0, &mut n2, null_mut()),
                contrast_result::NullArgument
            );
            let mut found = null();
            assert_eq!(
                contrast_headers_find(raw, c"authorization".as_ptr(), &mut found),
                contrast_result::Ok
            );
            assert_eq!(CStr::from_ptr(found), c"YWJjOmRlZg==");
            // Issue 16: the pointer's borrow covers the NUL it is read up to (Miri checks).
            assert_eq!(*found.add(12), 0);
            let mut missing = null();
            assert_eq!(
                contrast_headers_find(raw, c"Signature".as_ptr(), &mut missing),
                contrast_result::NotFound
            );
            assert!(missing.is_null());
            assert_eq!(
                contrast_headers_find(raw, null(), &mut missing),
                contrast_result::NullArgument
            );
            contrast_headers_free(raw);
            contrast_headers_free(null_mut());
        }
    }
}
