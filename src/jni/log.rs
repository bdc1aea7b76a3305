//! Log records for the JVM: `java.util.logging.Logger.getLogger("com.contrastsecurity.auth")`
//! through `com.contrastsecurity.auth.NativeLog.publish(int, String, String)`.
//!
//! A record is never handed to the JVM where it is produced: the JNI sink only appends it to
//! a buffer of the producing thread (records of the sign path are made inside JNI critical
//! regions, where no JNI call is allowed). Every export that can produce records holds a
//! [`DeliverOnReturn`], which hands the thread's buffer to Java when the export's body has
//! finished, after every critical region is released and the library's locks are free; a
//! pending Java exception is set aside for the calls and thrown again afterwards. So nothing
//! is lost (up to [`MAX_PENDING`] records per call), nothing runs in a critical region, and a
//! Java handler may call the library again.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use jni::Env;
use jni::EnvUnowned;
use jni::objects::{JClass, JLongArray};
use jni::sys::{JNIEnv, jint, jlong, jvalue};

use super::error::{BridgeError, ThrowJavaException};
use crate::events::{self, Record, Sink};

/// Records kept per thread and call at most; more are counted in [`DROPPED`] and dropped.
pub(super) const MAX_PENDING: usize = 4096;

static DROPPED: AtomicU64 = AtomicU64::new(0);

struct Pending {
    level: u32,
    event: &'static str,
    message: String,
}

thread_local! {
    static PENDING: RefCell<Vec<Pending>> = const { RefCell::new(Vec::new()) };
}

/// Buffers every record on the producing thread (see the module documentation).
struct JniSink;

impl Sink for JniSink {
    fn publish(&self, record: &Record<'_>) {
        PENDING.with(|pending| {
            let mut pending = pending.borrow_mut();
            if pending.len() >= MAX_PENDING {
                DROPPED.fetch_add(1, Ordering::Relaxed);
                return;
            }
            pending.push(Pending {
                level: record.level as u32,
                event: record.event,
                message: record.message.to_string(),
            });
        });
    }
}

/// Delivers this thread's buffered records to Java when dropped (at the end of an export).
pub(super) struct DeliverOnReturn {
    env: *mut JNIEnv,
}

impl DeliverOnReturn {
    /// Arms delivery for the export running on `env`'s thread.
    pub(super) fn new(env: &Env<'_>) -> Self {
        DeliverOnReturn { env: env.get_raw() }
    }
}

impl Drop for DeliverOnReturn {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return; // kept for the next call on this thread
        }
        let records = PENDING.with(|pending| std::mem::take(&mut *pending.borrow_mut()));
        if records.is_empty() {
            return;
        }
        // SAFETY: `env` is the JNIEnv of this thread's native method, still running (this
        // guard lives inside the export's body); every critical region of the body has been
        // released (their guards are dropped before this one, declared first).
        unsafe { deliver(self.env, &records) };
    }
}

/// Calls `NativeLog.publish` for each record, setting a pending exception aside meanwhile.
///
/// # Safety
/// `env` is the current thread's valid JNIEnv, inside a native method, with no critical
/// region open.
unsafe fn deliver(env: *mut JNIEnv, records: &[Pending]) {
    // SAFETY: `env` is valid per this function's contract; each call below is made with no
    // exception pending (checked and cleared), with local references created and deleted here.
    unsafe {
        let functions = &**env;
        let saved = if (functions.v1_2.ExceptionCheck)(env) {
            let throwable = (functions.v1_1.ExceptionOccurred)(env);
            (functions.v1_1.ExceptionClear)(env);
            throwable
        } else {
            std::ptr::null_mut()
        };
        // The class as the JVM loaded it (relocated when the jar is shaded).
        let name = std::ffi::CString::new(format!("{}/NativeLog", super::package::package()));
        let class = match &name {
            Ok(name) => (functions.v1_1.FindClass)(env, name.as_ptr()),
            Err(_) => std::ptr::null_mut(),
        };
        let method = if class.is_null() {
            std::ptr::null_mut()
        } else {
            (functions.v1_1.GetStaticMethodID)(
                env,
                class,
                c"publish".as_ptr(),
                c"(ILjava/lang/String;Ljava/lang/String;)V".as_ptr(),
            )
        };
        if method.is_null() {
            // The Java half is missing (NoClassDefFoundError / NoSuchMethodError): drop them.
            (functions.v1_1.ExceptionClear)(env);
            DROPPED.fetch_add(records.len() as u64, Ordering::Relaxed);
        } else {
            for record in records {
                let event = java_string(env, record.event);
                let message = java_string(env, &record.message);
                if !event.is_null() && !message.is_null() {
                    let arguments = [
                        jvalue {
                            i: record.level as jint,
                        },
                        jvalue { l: event },
                        jvalue { l: message },
                    ];
                    (functions.v1_1.CallStaticVoidMethodA)(env, class, method, arguments.as_ptr());
                }
                if (functions.v1_2.ExceptionCheck)(env) {
                    // NativeLog.publish catches everything; an OutOfMemoryError may still come.
                    (functions.v1_1.ExceptionClear)(env);
                    DROPPED.fetch_add(1, Ordering::Relaxed);
                }
                for reference in [event, message] {
                    if !reference.is_null() {
                        (functions.v1_1.DeleteLocalRef)(env, reference);
                    }
                }
            }
        }
        if !class.is_null() {
            (functions.v1_1.DeleteLocalRef)(env, class);
        }
        if !saved.is_null() {
            (functions.v1_1.Throw)(env, saved);
            (functions.v1_1.DeleteLocalRef)(env, saved);
        }
    }
}

/// A new Java string from UTF-8 text (through UTF-16, so any text is exact); NULL on failure.
///
/// # Safety
/// As for [`deliver`].
unsafe fn java_string(env: *mut JNIEnv, text: &str) -> jni::sys::jstring {
    let units: Vec<u16> = text.encode_utf16().collect();
    let Ok(len) = jni::sys::jsize::try_from(units.len()) else {
        return std::ptr::null_mut();
    };
    // SAFETY: per this function's contract; `units` holds `len` UTF-16 code units.
    unsafe { ((**env).v1_1.NewString)(env, units.as_ptr(), len) }
}

/// `void NativeBridge.setLogLevel(int maxLevel)`: records up to `maxLevel` (1 = SEVERE ..
/// 5 = FINER; 0 = none) go to `NativeLog.publish` from now on.
pub(super) fn set_log_level<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    max_level: jint,
) {
    env.with_env(|_env| -> Result<(), BridgeError> {
        match u32::try_from(max_level) {
            Ok(level) if level > 0 => events::set_sink(Some(Box::new(JniSink)), level),
            _ => events::set_sink(None, 0),
        }
        Ok(())
    })
    .resolve::<ThrowJavaException>()
}

/// `long NativeBridge.droppedLogRecords()`: records that could not be delivered to Java.
pub(super) fn dropped_log_records<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
) -> jlong {
    env.with_env(|_env| -> Result<jlong, BridgeError> {
        let dropped = DROPPED.load(Ordering::Relaxed) + events::dropped();
        Ok(jlong::try_from(dropped).unwrap_or(jlong::MAX))
    })
    .resolve::<ThrowJavaException>()
}

/// `void NativeBridge.counters(long handle, long[] out)`: acknowledged, failed, requests,
/// retries, reloads, handshakes, rejections, reconnects into `out` (at least as many elements,
/// in this order: `Counters.FIELDS` in Java), read without locks.
pub(super) fn counters<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
    out: JLongArray<'local>,
) {
    env.with_env(|env| -> Result<(), BridgeError> {
        let bridge = super::handle::bridge(handle)?;
        if out.is_null() {
            return Err(BridgeError::NullArgument("out"));
        }
        let c = bridge.client.counters();
        let values: Vec<jlong> = [
            c.acknowledged,
            c.failed,
            c.requests,
            c.retries,
            c.reloads,
            c.handshakes,
            c.rejections,
            c.reconnects,
        ]
        .into_iter()
        .map(|v| jlong::try_from(v).unwrap_or(jlong::MAX))
        .collect();
        if out.len(env)? < values.len() {
            return Err(BridgeError::InvalidArgument {
                name: "out",
                reason: "must hold one element per counter (Counters.FIELDS)",
            });
        }
        out.set_region(env, 0, &values)?;
        Ok(())
    })
    .resolve::<ThrowJavaException>()
}
