//! The panic boundary, argument checks and output writers shared by every export.

use std::borrow::Cow;
use std::cell::RefCell;
use std::ffi::{CStr, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr::NonNull;

use crate::error::ConfigError;
use crate::ffi::result::{config_result, contrast_result};

/// Why an export failed: the result code and a detail message without secrets.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: contrast_result,
    pub(crate) detail: Cow<'static, str>,
}

impl Failure {
    /// A failure with a static detail.
    pub(crate) fn new(code: contrast_result, detail: impl Into<Cow<'static, str>>) -> Self {
        Failure {
            code,
            detail: detail.into(),
        }
    }

    /// The argument `name` was NULL.
    pub(crate) fn null(name: &'static str) -> Self {
        Failure::new(
            contrast_result::NullArgument,
            format!("the argument `{name}` is NULL"),
        )
    }
}

impl From<ConfigError> for Failure {
    fn from(error: ConfigError) -> Self {
        // ConfigError never carries a secret value (see crate::error).
        Failure::new(config_result(&error), error.to_string())
    }
}

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

fn set_last_error(detail: &str) {
    LAST_ERROR.with(|last| {
        let mut last = last.borrow_mut();
        last.clear();
        last.push_str(detail);
    });
}

/// Puts back a detail (when reading it failed, the reader's own failure must not replace it).
pub(crate) fn restore_last_error(detail: &str) {
    set_last_error(detail);
}

/// The detail of the last failure on this thread ("" if none).
pub(crate) fn last_error() -> String {
    LAST_ERROR.with(|last| last.borrow().clone())
}

/// Runs an export body: a panic becomes [`contrast_result::Panic`], a failure records its
/// detail for `contrast_last_error` and returns its code.
pub(crate) fn guard(body: impl FnOnce() -> Result<(), Failure>) -> contrast_result {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => contrast_result::Ok,
        Ok(Err(failure)) => {
            set_last_error(&failure.detail);
            failure.code
        }
        Err(_) => {
            set_last_error("a panic was caught inside contrast-auth (a bug)");
            contrast_result::Panic
        }
    }
}

/// Runs an export body that returns a plain value: a panic gives `fallback`.
pub(crate) fn guard_value<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// Borrows a NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that stays valid and unchanged for `'a`.
pub(crate) unsafe fn arg_str<'a>(
    ptr: *const c_char,
    name: &'static str,
) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(Failure::null(name));
    }
    // SAFETY: non-NULL and NUL-terminated per this function's contract.
    let bytes = unsafe { CStr::from_ptr(ptr) };
    bytes.to_str().map_err(|_| {
        Failure::new(
            contrast_result::InvalidUtf8,
            format!("the argument `{name}` is not valid UTF-8"),
        )
    })
}

/// Like [`arg_str`], but NULL means "not given".
///
/// # Safety
/// As for [`arg_str`].
pub(crate) unsafe fn arg_opt_str<'a>(
    ptr: *const c_char,
    name: &'static str,
) -> Result<Option<&'a str>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { arg_str(ptr, name) }.map(Some)
}

/// Borrows `len` bytes at `ptr`; NULL is accepted only with `len == 0` (an empty body).
///
/// # Safety
/// When `len > 0`, `ptr` points to `len` readable bytes valid and unchanged for `'a`.
pub(crate) unsafe fn arg_bytes<'a>(
    ptr: *const u8,
    len: usize,
    name: &'static str,
) -> Result<&'a [u8], Failure> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(Failure::null(name));
    }
    // SAFETY: non-NULL and `len` readable bytes per this function's contract.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Borrows the object behind a handle argument.
///
/// # Safety
/// `ptr` is NULL or was returned by this library for type `T` and not yet freed.
pub(crate) unsafe fn arg_ref<'a, T>(ptr: *const T, name: &'static str) -> Result<&'a T, Failure> {
    // SAFETY: per this function's contract a non-NULL pointer refers to a live `T`.
    unsafe { ptr.as_ref() }.ok_or_else(|| Failure::null(name))
}

/// Checks an output pointer.
pub(crate) fn out_ptr<T>(ptr: *mut T, name: &'static str) -> Result<NonNull<T>, Failure> {
    NonNull::new(ptr).ok_or_else(|| Failure::null(name))
}

/// A caller buffer for a NUL-terminated string: `buf`, its `len`, and `out_len`.
///
/// `buf == NULL` with `len == 0` is a size probe (snprintf-style): [`StringOut::write`]
/// then only sets `*out_len` and returns BUFFER_TOO_SMALL. NULL with `len > 0` is a
/// NULL_ARGUMENT.
pub(crate) struct StringOut {
    /// `None` only for a probe (`len == 0`).
    buf: Option<NonNull<c_char>>,
    len: usize,
    out_len: NonNull<usize>,
}

impl StringOut {
    /// Checks both pointers (before anything is computed).
    pub(crate) fn new(buf: *mut c_char, len: usize, out_len: *mut usize) -> Result<Self, Failure> {
        let buf = if len == 0 {
            NonNull::new(buf)
        } else {
            Some(out_ptr(buf, "buf")?)
        };
        Ok(StringOut {
            buf,
            len,
            out_len: out_ptr(out_len, "out_len")?,
        })
    }

    /// Writes `value` and a NUL, and `*out_len = value.len()`; or, when it does not fit
    /// (always for a probe, `len == 0`), only `*out_len` = the length needed (without the
    /// NUL) and BUFFER_TOO_SMALL.
    ///
    /// # Safety
    /// `buf` points to `len` writable bytes and `out_len` to a writable `size_t`, both not
    /// accessed by anyone else during the call.
    pub(crate) unsafe fn write(self, value: &str) -> Result<(), Failure> {
        let needed = value.len();
        let buf = match self.buf {
            Some(buf) if self.len > needed => buf,
            _ => {
                // SAFETY: out_len is non-NULL and writable per this function's contract.
                unsafe { self.out_len.as_ptr().write(needed) };
                return Err(Failure::new(
                    contrast_result::BufferTooSmall,
                    format!(
                        "the buffer holds {} bytes; {} are needed (with the NUL)",
                        self.len,
                        needed + 1
                    ),
                ));
            }
        };
        let dst = buf.as_ptr().cast::<u8>();
        // SAFETY: `buf` has `len > needed` writable bytes; a caller buffer cannot overlap
        // library-owned `value`.
        unsafe {
            std::ptr::copy_nonoverlapping(value.as_ptr(), dst, needed);
            dst.add(needed).write(0);
            self.out_len.as_ptr().write(needed);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_the_panic_result_and_is_recorded() {
        let r = guard(|| panic!("deliberate test panic"));
        assert_eq!(r, contrast_result::Panic);
        assert!(last_error().contains("panic"));
        assert_eq!(guard_value(7u32, || panic!("deliberate test panic")), 7);
        assert_eq!(guard(|| Ok(())), contrast_result::Ok);
    }

    #[test]
    fn string_arguments_are_checked() {
        // SAFETY: literals are NUL-terminated and static.
        unsafe {
            assert_eq!(arg_str(c"ok".as_ptr(), "x").unwrap(), "ok");
            let e = arg_str(std::ptr::null(), "token").unwrap_err();
            assert_eq!(e.code, contrast_result::NullArgument);
            assert!(e.detail.contains("`token`"));
            let bad = [0xffu8, 0xfe, 0];
            let e = arg_str(bad.as_ptr().cast(), "url").unwrap_err();
            assert_eq!(e.code, contrast_result::InvalidUtf8);
            assert_eq!(arg_opt_str(std::ptr::null(), "k").unwrap(), None);
            assert_eq!(arg_bytes(std::ptr::null(), 0, "body").unwrap(), b"");
            assert_eq!(
                arg_bytes(std::ptr::null(), 3, "body").unwrap_err().code,
                contrast_result::NullArgument
            );
        }
    }

    #[test]
    fn a_null_buffer_of_length_zero_is_a_size_probe() {
        let mut out_len = 999usize;
        let out = StringOut::new(std::ptr::null_mut(), 0, &mut out_len).expect("a probe");
        // SAFETY: out_len is a live local; buf is a probe (never written).
        let e = unsafe { out.write("abcdef") }.unwrap_err();
        assert_eq!(e.code, contrast_result::BufferTooSmall);
        assert_eq!(out_len, 6);
        // An empty value still needs one byte (its NUL).
        let out = StringOut::new(std::ptr::null_mut(), 0, &mut out_len).expect("a probe");
        // SAFETY: as above.
        let e = unsafe { out.write("") }.unwrap_err();
        assert_eq!(e.code, contrast_result::BufferTooSmall);
        assert_eq!(out_len, 0);
    }

    #[test]
    fn a_null_buffer_with_a_length_or_a_null_out_len_is_a_null_argument() {
        let mut out_len = 999usize;
        let e = StringOut::new(std::ptr::null_mut(), 8, &mut out_len)
            .err()
            .expect("NULL buf with len 8");
        assert_eq!(e.code, contrast_result::NullArgument);
        assert!(e.detail.contains("`buf`"));
        let e = StringOut::new(std::ptr::null_mut(), 0, std::ptr::null_mut())
            .err()
            .expect("NULL out_len");
        assert_eq!(e.code, contrast_result::NullArgument);
        assert!(e.detail.contains("`out_len`"));
        assert_eq!(out_len, 999, "nothing written on a NULL_ARGUMENT");
    }

    #[test]
    fn a_non_null_buffer_of_length_zero_is_too_small_and_untouched() {
        let mut buf = [b'x' as c_char; 4];
        let mut out_len = 999usize;
        let out = StringOut::new(buf.as_mut_ptr(), 0, &mut out_len).expect("valid");
        // SAFETY: buf and out_len are live locals.
        let e = unsafe { out.write("ab") }.unwrap_err();
        assert_eq!(e.code, contrast_result::BufferTooSmall);
        assert_eq!(out_len, 2);
        assert_eq!(buf, [b'x' as c_char; 4]);
    }
}
