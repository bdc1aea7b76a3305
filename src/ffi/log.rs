//! The C log callback: where the library's log records go in C programs (and in the Python
//! and Go bindings, which install their own callback).

use std::ffi::{c_char, c_void};

use crate::events::{self, Record, Sink};
use crate::ffi::boundary::guard_value;

/// Level of `contrast_set_log_callback`: errors only (a TLS handshake or a report failed).
pub const CONTRAST_LOG_ERROR: u32 = 1;
/// Level: warnings too (unknown configuration keys, disabled verification, rejections).
pub const CONTRAST_LOG_WARN: u32 = 2;
/// Level: information too (rotations, reloads, clock corrections).
pub const CONTRAST_LOG_INFO: u32 = 3;
/// Level: debugging too (configuration sources, retries, new connections).
pub const CONTRAST_LOG_DEBUG: u32 = 4;
/// Level: everything (each signature, each acknowledgement).
pub const CONTRAST_LOG_TRACE: u32 = 5;

/// Receives one log record: `level` (a `CONTRAST_LOG_*` value), `event` (a static dotted
/// name such as `config.unknown_key`, NUL-terminated) and `message` (`message_len` bytes of
/// UTF-8 followed by a NUL). Both strings are valid during the call only: copy what you keep.
/// Records never hold a secret (fingerprints only).
pub type contrast_log_callback = Option<
    unsafe extern "C-unwind" fn(
        userdata: *mut c_void,
        level: u32,
        event: *const c_char,
        message: *const c_char,
        message_len: usize,
    ),
>;

struct CallbackSink {
    callback: unsafe extern "C-unwind" fn(*mut c_void, u32, *const c_char, *const c_char, usize),
    userdata: *mut c_void,
}

// SAFETY: `contrast_set_log_callback` requires the callback and `userdata` to be usable from
// any thread; the library never dereferences `userdata` itself.
unsafe impl Send for CallbackSink {}
// SAFETY: as above: shared use only passes the pointer to the caller's thread-safe callback.
unsafe impl Sync for CallbackSink {}

impl Sink for CallbackSink {
    fn publish(&self, record: &Record<'_>) {
        let mut event = Vec::with_capacity(record.event.len() + 1);
        event.extend_from_slice(record.event.as_bytes());
        event.push(0);
        let mut message = Vec::with_capacity(record.message.len() + 1);
        message.extend(record.message.bytes().filter(|b| *b != 0));
        let message_len = message.len();
        message.push(0);
        // SAFETY: the caller of `contrast_set_log_callback` promised a callback that may be
        // called from any thread with these arguments; both strings are NUL-terminated and
        // live until the call returns. An unwinding callback is caught by the events module
        // ("C-unwind" makes unwinding into this frame defined).
        unsafe {
            (self.callback)(
                self.userdata,
                record.level as u32,
                event.as_ptr().cast(),
                message.as_ptr().cast(),
                message_len,
            );
        }
    }
}

/// Sends the library's log records to `callback` from now on: those at `max_level` or more
/// important (`CONTRAST_LOG_ERROR` = 1 .. `CONTRAST_LOG_TRACE` = 5; larger values mean
/// TRACE, 0 turns logging off). A NULL `callback` turns logging off. Process-wide: it
/// applies to every handle, and may be called before any handle exists and at any time
/// after; it replaces the previous callback. Without a callback the library logs nothing
/// (it never writes to stdout or stderr).
///
/// Threads: the callback runs synchronously on the thread that called the library function
/// producing the record (e.g. the thread in `contrast_auth_send` logs its retries), after
/// the library released its own locks; several threads may call it at once, so it must be
/// thread-safe. It may call other `contrast_*` functions; records those produce while inside
/// the callback are dropped (no recursion). A call still in progress on another thread may
/// deliver a record to the previous callback shortly after this returns: keep the previous
/// `userdata` valid until such calls have returned.
///
/// The callback must not unwind (throw a C++ exception or `longjmp`) out of itself: a Rust
/// panic from a Rust callback is caught and the record dropped; a foreign exception either
/// is caught the same way or aborts the process, never anything undefined.
///
/// `userdata` is passed to every call as is. Always returns normally; thread-safe.
///
/// # Safety
/// `callback` is NULL or a function that is safe to call from any thread, with `userdata`,
/// for as long as it is installed (and shortly after, see above).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn contrast_set_log_callback(
    callback: contrast_log_callback,
    userdata: *mut c_void,
    max_level: u32,
) {
    guard_value((), || match callback {
        Some(callback) if max_level > 0 => events::set_sink(
            Some(Box::new(CallbackSink { callback, userdata })),
            max_level,
        ),
        _ => events::set_sink(None, 0),
    })
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;
    use std::sync::Mutex;

    use super::*;
    use crate::credentials::Credentials;
    use crate::headers::HeaderOptions;
    use crate::store::CredentialStore;

    static SEEN: Mutex<Vec<(u32, String, String)>> = Mutex::new(Vec::new());

    unsafe extern "C-unwind" fn record(
        userdata: *mut c_void,
        level: u32,
        event: *const c_char,
        message: *const c_char,
        message_len: usize,
    ) {
        assert_eq!(userdata as usize, 0x5eed);
        // SAFETY: the library passes NUL-terminated strings valid during the call.
        let (event, message) = unsafe { (CStr::from_ptr(event), CStr::from_ptr(message)) };
        let message = message.to_str().expect("UTF-8");
        assert_eq!(message.len(), message_len);
        SEEN.lock().unwrap().push((
            level,
            event.to_str().unwrap().to_string(),
            message.to_string(),
        ));
    }

    unsafe extern "C-unwind" fn panicking(
        _userdata: *mut c_void,
        _level: u32,
        _event: *const c_char,
        _message: *const c_char,
        _message_len: usize,
    ) {
        panic!("deliberate test panic in a log callback");
    }

    /// One test (the callback is process-wide): records arrive with NUL-terminated strings
    /// and the right length; an unwinding callback is contained; NULL turns logging off.
    #[test]
    fn the_callback_receives_records_and_an_unwinding_one_is_contained() {
        let store = CredentialStore::new(
            Credentials::new("https://h.example/Contrast", "u", "s", "a").unwrap(),
            HeaderOptions::default(),
        );
        let tag = 0x5eed as *mut c_void;
        // SAFETY: `record` is callable from any thread with any userdata.
        unsafe { contrast_set_log_callback(Some(record), tag, CONTRAST_LOG_TRACE) };
        store.rotate(Some("s2"), None).unwrap();
        let mine: Vec<_> = SEEN
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, event, _)| event == "credentials.rotated")
            .cloned()
            .collect();
        assert!(!mine.is_empty(), "no record");
        assert_eq!(mine[0].0, CONTRAST_LOG_INFO);
        assert!(mine[0].2.contains("service_key"), "{mine:?}");

        let dropped = events::dropped();
        // SAFETY: `panicking` is callable from any thread; its unwinding is caught.
        unsafe { contrast_set_log_callback(Some(panicking), tag, CONTRAST_LOG_TRACE) };
        let report = store
            .rotate(Some("s3"), None)
            .expect("the call returns normally");
        assert_eq!(report.generation, 3);
        assert!(events::dropped() > dropped);

        // SAFETY: NULL turns logging off.
        unsafe { contrast_set_log_callback(None, std::ptr::null_mut(), CONTRAST_LOG_TRACE) };
        assert_eq!(events::sink_level(), 0);
    }
}
