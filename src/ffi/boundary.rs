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

/// Records `detail` for this thread. Never panics: while the thread's storage is being torn
/// down (an export called from a pthread-key or thread-local destructor), `try_with` fails and
/// the detail is dropped, where `with` would panic inside an `extern "C"` function and abort.
fn set_last_error(detail: &str) {
    let _ = LAST_ERROR.try_with(|last| {
        if let Ok(mut last) = last.try_borrow_mut() {
            last.clear();
            last.push_str(detail);
        }
    });
}

/// Puts back a detail (when reading it failed, the reader's own failure must not replace it).
pub(crate) fn restore_last_error(detail: &str) {
    set_last_error(detail);
}

/// The detail of the last failure on this thread ("" if none, or once the thread's storage
/// is torn down: never panics, see [`set_last_error`]).
pub(crate) fn last_error() -> String {
    LAST_ERROR
        .try_with(|last| last.try_borrow().map(|l| l.clone()).unwrap_or_default())
        .unwrap_or_default()
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

/// Borrows `len` bytes at `ptr`; NULL is accepted only with `len == 0` (an empty body), and
/// a `len` above `isize::MAX` (no object is that large) is INVALID_ARGUMENT.
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
    if isize::try_from(len).is_err() {
        return Err(Failure::new(
            contrast_result::InvalidArgument,
            format!("the length of `{name}` ({len}) is larger than any object (isize::MAX)"),
        ));
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

    /// Issue 16: a length above `isize::MAX` was handed to `slice::from_raw_parts` (UB).
    #[test]
    fn byte_lengths_beyond_isize_max_are_invalid_arguments() {
        let byte = 7u8;
        for len in [isize::MAX as usize + 1, usize::MAX] {
            // SAFETY: the length is refused before the pointer is read.
            let e = unsafe { arg_bytes(&byte, len, "body") }.unwrap_err();
            assert_eq!(e.code, contrast_result::InvalidArgument);
            assert!(e.detail.contains("`body`"), "{}", e.detail);
        }
        // SAFETY: one readable byte.
        assert_eq!(unsafe { arg_bytes(&byte, 1, "body") }.unwrap(), &[7]);
    }

    /// The buffer contract at every length: too small writes only `*out_len` (and leaves every
    /// byte of the buffer as it was), large enough writes the value, its NUL and `*out_len`.
    #[test]
    fn string_out_honours_the_buffer_contract_at_every_length() {
        let value = "YWJjOmRlZg==";
        for len in 0..=value.len() + 2 {
            let mut buf = vec![0x55 as c_char; len + 1];
            let mut out_len = usize::MAX;
            let out = StringOut::new(buf.as_mut_ptr(), len, &mut out_len).unwrap();
            // SAFETY: `buf` has at least `len` writable bytes; `out_len` is a local.
            let result = unsafe { out.write(value) };
            assert_eq!(out_len, value.len(), "len {len}");
            if len <= value.len() {
                assert_eq!(result.unwrap_err().code, contrast_result::BufferTooSmall);
                assert!(buf.iter().all(|&b| b == 0x55), "len {len}: nothing written");
            } else {
                result.unwrap();
                let written: Vec<u8> = buf[..=value.len()].iter().map(|&b| b as u8).collect();
                assert_eq!(&written[..value.len()], value.as_bytes());
                assert_eq!(written[value.len()], 0);
                assert!(
                    buf[value.len() + 1..].iter().all(|&b| b == 0x55),
                    "len {len}"
                );
            }
        }
        let mut out_len = 0;
        let mut byte = 0 as c_char;
        assert_eq!(
            StringOut::new(std::ptr::null_mut(), 4, &mut out_len)
                .err()
                .map(|e| e.code),
            Some(contrast_result::NullArgument)
        );
        assert_eq!(
            StringOut::new(&mut byte, 1, std::ptr::null_mut())
                .err()
                .map(|e| e.code),
            Some(contrast_result::NullArgument)
        );
    }

    /// Set in the child of [`failures_during_thread_teardown_do_not_abort`].
    const TEARDOWN_CHILD: &str = "CONTRAST_AUTH_TEST_TLS_TEARDOWN_CHILD";

    /// Issue 16: an export that fails while the thread's storage is torn down (here: from
    /// a thread-local destructor that runs after `LAST_ERROR`'s) returned through `with`,
    /// which panics there, inside `extern "C"`: the process aborted. The check runs in a
    /// child process (an abort would end the whole test binary); under Miri, in a thread.
    #[test]
    fn failures_during_thread_teardown_do_not_abort() {
        if cfg!(miri) || std::env::var_os(TEARDOWN_CHILD).is_some() {
            teardown_check();
            return;
        }
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "ffi::boundary::tests::failures_during_thread_teardown_do_not_abort",
                "--test-threads=1",
            ])
            .env(TEARDOWN_CHILD, "1")
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "the child aborted: {}",
            String::from_utf8_lossy(&status.stderr)
        );
        assert!(String::from_utf8_lossy(&status.stdout).contains("1 passed"));
    }

    fn teardown_check() {
        use std::sync::atomic::{AtomicU32, Ordering};
        static RESULT: AtomicU32 = AtomicU32::new(u32::MAX);
        struct FailsOnDrop;
        impl Drop for FailsOnDrop {
            fn drop(&mut self) {
                let code = guard(|| Err(Failure::new(contrast_result::NotFound, "late")));
                let detail = last_error();
                let mut buf = [0 as c_char; 8];
                let mut out_len = 0;
                // SAFETY: a local buffer of the stated size and a local length.
                let read = unsafe {
                    crate::ffi::contrast_last_error(buf.as_mut_ptr(), buf.len(), &mut out_len)
                };
                if detail.is_empty() && read == contrast_result::Ok {
                    RESULT.store(code as u32, Ordering::SeqCst);
                }
            }
        }
        thread_local! {
            static LATE: RefCell<Option<FailsOnDrop>> = const { RefCell::new(None) };
        }
        std::thread::spawn(|| {
            // Registered first, so destroyed after LAST_ERROR (destructors run in reverse).
            LATE.with(|late| *late.borrow_mut() = Some(FailsOnDrop));
            set_last_error("registers LAST_ERROR's destructor after LATE's");
        })
        .join()
        .unwrap();
        assert_eq!(
            RESULT.load(Ordering::SeqCst),
            contrast_result::NotFound as u32
        );
    }
}
