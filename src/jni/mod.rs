//! The JNI exports for the JVM agent: the native half of `com.contrastsecurity.auth.NativeBridge`.
//!
//! The natives are not exported by name: [`registry`] binds them from `JNI_OnLoad` with
//! `RegisterNatives` to the class the JVM loaded (relocated or not), from [`NATIVE_BRIDGE`].
//!
//! Every native has the same shape: `env.with_env(|env| ...).resolve::<ThrowJavaException>()`,
//! so errors become specific Java exceptions and a panic an `IllegalStateException`; nothing
//! unwinds into the JVM. The bridge only converts arguments and maps errors: the work is done
//! by the core ([`crate::store`], [`crate::signing`]) and [`crate::transport`].
//!
//! Handles cross to Java as `jlong` values made by `Arc::into_raw`. The Java owner
//! (`ContrastAuth`) guarantees that no call uses a handle while or after it is destroyed (a
//! read-write lock around every call, the write side in `close`); 0 means closed and gives an
//! `IllegalStateException`, and destroying 0 does nothing.

#![deny(clippy::unwrap_used)]

mod environment;
mod error;
mod handle;
mod log;
mod package;
mod registry;
mod strings;

use environment::create_from_environment_with_tls;
use handle::{Bridge, bridge, live_bridges};
use log::{counters, dropped_log_records, set_log_level};
use strings::{optional_secret, plain_string, secret_string};

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jni::objects::{JByteArray, JClass, JObject, JString, JValue};
use jni::sys::{jboolean, jint, jlong};
use jni::{Env, EnvUnowned, NativeMethod, jni_sig, native_method};
use zeroize::{Zeroize, Zeroizing};

use crate::credentials::Credentials;
use crate::headers::HeaderOptions;
use crate::signing::{Message, SignError, SignatureHeaders, Signer, SignerOptions};
use crate::store::CredentialStore;
use crate::transport::TransportSettings;
use error::{BridgeError, ThrowJavaException};

/// The length of a Java array (raw JNI: no exception check afterwards, none is possible for
/// a live, non-null array reference).
fn array_length(env: &Env<'_>, array: &JByteArray<'_>) -> usize {
    let raw_env = env.get_raw();
    // SAFETY: `raw_env` is this thread's JNIEnv, no exception is pending (callers only run
    // after successful JNI calls), and `array` is a live, non-null local reference to a
    // `byte[]` (checked by the callers).
    let len = unsafe { ((**raw_env).v1_1.GetArrayLength)(raw_env, array.as_raw()) };
    usize::try_from(len).unwrap_or(0)
}

/// A Java `byte[]` pinned in a JNI critical region (no copy where the JVM allows it),
/// released on drop (also on panic) without copying back.
///
/// While any region is open, no JNI function other than Get/ReleasePrimitiveArrayCritical
/// may run (`-Xcheck:jni` enforces it), so regions are opened with the raw functions, after
/// every length query, and only pure Rust runs inside them.
struct CriticalBytes {
    env: *mut jni::sys::JNIEnv,
    array: jni::sys::jarray,
    ptr: *mut std::ffi::c_void,
    len: usize,
}

impl CriticalBytes {
    /// Pins `array`, whose length `len` was queried before any region was opened.
    fn open(env: &Env<'_>, array: &JByteArray<'_>, len: usize) -> Result<Self, BridgeError> {
        let raw_env = env.get_raw();
        let raw_array = array.as_raw();
        // SAFETY: `raw_env` is this thread's valid JNIEnv (we are inside a native method), no
        // exception is pending, and `raw_array` is a live, non-null local reference to a
        // `byte[]`. GetPrimitiveArrayCritical exists since JNI 1.2 and may be nested.
        let ptr = unsafe {
            ((**raw_env).v1_2.GetPrimitiveArrayCritical)(raw_env, raw_array, std::ptr::null_mut())
        };
        if ptr.is_null() {
            // The JVM could not pin or copy the array and has thrown OutOfMemoryError.
            return Err(BridgeError::Jni(jni::errors::Error::JavaException));
        }
        Ok(CriticalBytes {
            env: raw_env,
            array: raw_array,
            ptr,
            len,
        })
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: the JVM gave `len` readable bytes at `ptr`, valid until the region is
        // released in `drop`, which cannot happen while this borrow lives; they are only read.
        unsafe { std::slice::from_raw_parts(self.ptr.cast::<u8>().cast_const(), self.len) }
    }
}

impl Drop for CriticalBytes {
    fn drop(&mut self) {
        // SAFETY: `ptr` came from GetPrimitiveArrayCritical on this `env` and `array` and is
        // released exactly once; JNI_ABORT frees a copy without writing it back.
        unsafe {
            ((**self.env).v1_2.ReleasePrimitiveArrayCritical)(
                self.env,
                self.array,
                self.ptr,
                jni::sys::JNI_ABORT,
            );
        }
    }
}

/// Bodies up to this length are read in place, inside JNI critical regions, while they are
/// hashed; the garbage collector waits meanwhile (156 µs for 256 KiB measured on a CPU with
/// SHA extensions, roughly three times that without; BENCHMARKS.md). Longer bodies, and the
/// target with them, are copied out first (one `GetByteArrayRegion` each), so no region
/// lasts longer than that.
const PINNED_BODY_MAX: usize = 256 * 1024;

/// The bytes of a Java `byte[]`: pinned in a critical region, or copied out.
enum ArrayBytes {
    Pinned(CriticalBytes),
    Copied(Vec<u8>),
}

impl ArrayBytes {
    /// Pins `array` when `pin`, else copies its `len` bytes (queried before any region was
    /// opened; a copy is only made while no region is open).
    fn read(
        env: &Env<'_>,
        array: &JByteArray<'_>,
        len: usize,
        pin: bool,
    ) -> Result<Self, BridgeError> {
        if pin {
            return CriticalBytes::open(env, array, len).map(ArrayBytes::Pinned);
        }
        let Ok(jlen) = jni::sys::jsize::try_from(len) else {
            unreachable!("a Java array length fits a jsize");
        };
        // Filled by the JVM directly (no zeroing pass first: that doubled the copy's cost).
        let mut copy = Vec::<u8>::with_capacity(len);
        let raw_env = env.get_raw();
        // SAFETY: `raw_env` is this thread's JNIEnv with no exception pending and no critical
        // region open (callers copy before pinning anything); `array` is a live, non-null
        // `byte[]` of exactly `len` elements, so the region [0, len) is in bounds (no
        // exception: every byte is written), and `copy` has capacity for `len` bytes, which
        // are initialized once the call returns.
        unsafe {
            ((**raw_env).v1_1.GetByteArrayRegion)(
                raw_env,
                array.as_raw(),
                0,
                jlen,
                copy.as_mut_ptr().cast::<jni::sys::jbyte>(),
            );
            copy.set_len(len);
        }
        Ok(ArrayBytes::Copied(copy))
    }

    fn bytes(&self) -> &[u8] {
        match self {
            ArrayBytes::Pinned(pinned) => pinned.bytes(),
            ArrayBytes::Copied(copy) => copy,
        }
    }
}

/// Copies `bytes` into the start of the Java `byte[]` `out`.
///
/// The caller has checked that `out` is non-null and holds at least `bytes.len()` elements
/// (so the length fits a `jsize`).
fn write_bytes(env: &Env<'_>, out: &JByteArray<'_>, bytes: &[u8]) {
    let raw_env = env.get_raw();
    let Ok(len) = jni::sys::jsize::try_from(bytes.len()) else {
        unreachable!("the caller checked that the output fits the array");
    };
    // SAFETY: `raw_env` is this thread's JNIEnv with no exception pending and no critical
    // region open; `out` is a live, non-null `byte[]` of at least `len` elements (checked by
    // the caller), and `bytes` is valid for `len` reads.
    unsafe {
        ((**raw_env).v1_1.SetByteArrayRegion)(
            raw_env,
            out.as_raw(),
            0,
            len,
            bytes.as_ptr().cast::<jni::sys::jbyte>(),
        );
    }
}

/// `bytes` as text, if they are UTF-8. ASCII (every plain URL, method and content type) is
/// recognized with one fast scan instead of a full UTF-8 validation.
fn text(bytes: &[u8]) -> Option<&str> {
    if bytes.is_ascii() {
        // SAFETY: ASCII bytes are valid UTF-8.
        return Some(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    std::str::from_utf8(bytes).ok()
}

fn now_unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A signing request as the Java side passes it: `target` holds the UTF-8 of method, URL and
/// content type back to back (`method_len` and `url_len` bytes, the rest), so three strings
/// cross as one array that the Java side encodes once per target; `out` receives the headers.
struct SignArguments<'a, 'local> {
    target: &'a JByteArray<'local>,
    method_len: jint,
    url_len: jint,
    body: &'a JByteArray<'local>,
    out: &'a JByteArray<'local>,
}

/// The packed result of a signing call: the lengths of `Content-Digest`, `Signature-Input`
/// and `Signature`, written back to back into `out`, as `digest << 42 | input << 21 |
/// signature`; or, when `out` is too small, minus the length it needs (nothing is written).
const PACKED_LENGTH_BITS: u32 = 21;

/// Signs `arguments` with `sign` (which only runs pure Rust, inside the critical regions of
/// target and body, or on copies of both for a body over [`PINNED_BODY_MAX`]) and writes the
/// three header values into `out`.
fn sign_into(
    env: &Env<'_>,
    arguments: SignArguments<'_, '_>,
    sign: impl FnOnce(&Message<'_>) -> Result<SignatureHeaders, SignError>,
) -> Result<jlong, BridgeError> {
    let SignArguments {
        target,
        method_len,
        url_len,
        body,
        out,
    } = arguments;
    for (array, name) in [(target, "target"), (body, "body"), (out, "out")] {
        if array.is_null() {
            return Err(BridgeError::NullArgument(name));
        }
    }
    let invalid = |name, reason| BridgeError::InvalidArgument { name, reason };
    let (target_len, body_len, out_len) = (
        array_length(env, target),
        array_length(env, body),
        array_length(env, out),
    );
    let method_len =
        usize::try_from(method_len).map_err(|_| invalid("methodLength", "is negative"))?;
    let url_len = usize::try_from(url_len).map_err(|_| invalid("urlLength", "is negative"))?;
    if method_len.saturating_add(url_len) > target_len {
        return Err(invalid(
            "target",
            "is shorter than the method and URL lengths",
        ));
    }
    let headers = {
        let pin = body_len <= PINNED_BODY_MAX;
        let target = ArrayBytes::read(env, target, target_len, pin)?;
        let body = ArrayBytes::read(env, body, body_len, pin)?;
        let (method, rest) = target.bytes().split_at(method_len);
        let (url, content_type) = rest.split_at(url_len);
        let utf8 = |bytes, name| text(bytes).ok_or(invalid(name, "is not valid UTF-8"));
        let message = Message {
            method: utf8(method, "method")?,
            url: utf8(url, "url")?,
            content_type: utf8(content_type, "contentType")?,
            body: body.bytes(),
        };
        // The keyid in Signature-Input holds the user name: wiped when dropped.
        Zeroizing::new(sign(&message)?)
    };
    let parts = [
        headers.content_digest.as_bytes(),
        headers.signature_input.as_bytes(),
        headers.signature.as_bytes(),
    ];
    let needed: usize = parts.iter().map(|p| p.len()).sum();
    let too_long = |_| invalid("out", "a header value is too long to pack");
    let packed = parts.iter().try_fold(0i64, |packed, part| {
        let len = i64::try_from(part.len()).map_err(too_long)?;
        if len >> PACKED_LENGTH_BITS != 0 {
            return Err(invalid("out", "a header value is too long to pack"));
        }
        Ok(packed << PACKED_LENGTH_BITS | len)
    })?;
    if needed > out_len {
        return Ok(-i64::try_from(needed).map_err(too_long)?);
    }
    // One copy into the Java array: joined on the stack (a heap buffer for very long keyids).
    let mut stack = [0u8; 1024];
    let mut heap = Vec::new();
    let joined: &mut [u8] = if needed <= stack.len() {
        &mut stack[..needed]
    } else {
        heap.resize(needed, 0);
        &mut heap
    };
    let mut offset = 0;
    for part in parts {
        joined[offset..offset + part.len()].copy_from_slice(part);
        offset += part.len();
    }
    write_bytes(env, out, joined);
    // The keyid holds the user name: leave no copy behind.
    joined.zeroize();
    Ok(packed)
}

/// The natives of `NativeBridge`, bound by [`registry`] (`version()` is registered there).
/// `native_method!` checks each function against its Java signature at compile time; the
/// package's own classes cross as `Object` (their relocated names are not known here). To add
/// a native: declare it in `NativeBridge.java` and add one entry here.
const NATIVE_BRIDGE: &[NativeMethod<'static>] = &[
    native_method! { static raw fn create_from_credentials(url: JString, user_name: JString, service_key: JString, api_key: JString) -> jlong },
    native_method! { static raw fn create_from_token(token: JString) -> jlong },
    native_method! { static raw fn create_from_environment_with_tls(keys: JString[], values: JString[], system_config_dir: JString, trust_anchors: jbyte[][], client_chain: jbyte[][], client_key: jbyte[]) -> jlong },
    native_method! { static raw fn destroy(handle: jlong) },
    native_method! { static raw fn headers(handle: jlong) -> JObject },
    native_method! { static raw fn generation(handle: jlong) -> jlong },
    native_method! { static raw fn rotate(handle: jlong, service_key: JString, api_key: JString) -> jlong },
    native_method! { static raw fn reload(handle: jlong) -> jlong },
    native_method! { static raw fn sign(handle: jlong, target: jbyte[], method_length: jint, url_length: jint, body: jbyte[], out: jbyte[]) -> jlong },
    native_method! { static raw fn sign_with_nonce(handle: jlong, target: jbyte[], method_length: jint, url_length: jint, body: jbyte[], created: jlong, nonce: jbyte[], validity_seconds: jlong, out: jbyte[]) -> jlong },
    native_method! { static raw fn send(handle: jlong, method: JString, path: JString, content_type: JString, body: jbyte[]) -> JObject },
    native_method! { static raw fn serial(handle: jlong) -> jlong },
    native_method! { static raw fn is_live(serial: jlong) -> jboolean },
    native_method! { static raw fn panic_for_test() },
    native_method! { static raw fn set_log_level(max_level: jint) },
    native_method! { static raw fn dropped_log_records() -> jlong },
    native_method! { static raw fn counters(handle: jlong, out: jlong[]) },
];

/// `long NativeBridge.createFromCredentials(String url, String userName, String serviceKey, String apiKey)`
fn create_from_credentials<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    url: JString<'local>,
    user_name: JString<'local>,
    service_key: JString<'local>,
    api_key: JString<'local>,
) -> jlong {
    env.with_env(|env| -> Result<jlong, BridgeError> {
        // Log records of this call go to Java when it returns.
        let _log = log::DeliverOnReturn::new(env);
        let url = plain_string(env, &url, "url")?;
        let user_name = secret_string(env, &user_name, "userName")?;
        let service_key = secret_string(env, &service_key, "serviceKey")?;
        let api_key = secret_string(env, &api_key, "apiKey")?;
        let credentials = Credentials::new(&url, &user_name, &service_key, &api_key)?;
        let store = CredentialStore::new(credentials, HeaderOptions::default());
        Ok(Bridge::new(store, TransportSettings::default())?.into_handle())
    })
    .resolve::<ThrowJavaException>()
}

/// `long NativeBridge.createFromToken(String token)`
fn create_from_token<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    token: JString<'local>,
) -> jlong {
    env.with_env(|env| -> Result<jlong, BridgeError> {
        // Log records of this call go to Java when it returns.
        let _log = log::DeliverOnReturn::new(env);
        let token = secret_string(env, &token, "token")?;
        let credentials = Credentials::from_token(&token)?;
        let store = CredentialStore::new(credentials, HeaderOptions::default());
        Ok(Bridge::new(store, TransportSettings::default())?.into_handle())
    })
    .resolve::<ThrowJavaException>()
}

/// `void NativeBridge.destroy(long handle)`: releases the handle; 0 does nothing.
fn destroy<'local>(mut env: EnvUnowned<'local>, _class: JClass<'local>, handle: jlong) {
    env.with_env(|_env| -> Result<(), BridgeError> {
        if handle != 0 {
            // SAFETY: a non-zero handle came from `Bridge::into_handle`, and the Java owner
            // destroys it exactly once, under its write lock, after which it passes 0.
            drop(unsafe { Arc::from_raw(handle as *const Bridge) });
        }
        Ok(())
    })
    .resolve::<ThrowJavaException>()
}

/// `Object NativeBridge.headers(long handle)` (a `HeaderPair`): both header values and their generation,
/// from one snapshot.
fn headers<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
) -> JObject<'local> {
    env.with_env(|env| -> Result<JObject<'local>, BridgeError> {
        let bridge = bridge(handle)?;
        let snapshot = bridge.store.snapshot();
        let headers = snapshot.headers();
        let authorization = env.new_string(headers.authorization().expose_secret())?;
        let api_key = env.new_string(headers.api_key().expose_secret())?;
        let generation = jlong::try_from(snapshot.generation()).unwrap_or(jlong::MAX);
        Ok(env.new_object(
            package::class_name("HeaderPair"),
            jni_sig!("(Ljava/lang/String;Ljava/lang/String;J)V"),
            &[
                JValue::Object(&authorization),
                JValue::Object(&api_key),
                JValue::Long(generation),
            ],
        )?)
    })
    .resolve::<ThrowJavaException>()
}

/// `long NativeBridge.generation(long handle)`: the current snapshot's generation.
fn generation<'local>(mut env: EnvUnowned<'local>, _class: JClass<'local>, handle: jlong) -> jlong {
    env.with_env(|_env| -> Result<jlong, BridgeError> {
        let generation = bridge(handle)?.store.load_snapshot().generation();
        Ok(jlong::try_from(generation).unwrap_or(jlong::MAX))
    })
    .resolve::<ThrowJavaException>()
}

/// `long NativeBridge.rotate(long handle, String serviceKey, String apiKey)`: null keeps a
/// layer; returns the new generation.
fn rotate<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
    service_key: JString<'local>,
    api_key: JString<'local>,
) -> jlong {
    env.with_env(|env| -> Result<jlong, BridgeError> {
        // Log records of this call go to Java when it returns.
        let _log = log::DeliverOnReturn::new(env);
        let bridge = bridge(handle)?;
        let service_key = optional_secret(env, &service_key, "serviceKey")?;
        let api_key = optional_secret(env, &api_key, "apiKey")?;
        let report = bridge.store.rotate(
            service_key.as_deref().map(String::as_str),
            api_key.as_deref().map(String::as_str),
        )?;
        Ok(jlong::try_from(report.generation).unwrap_or(jlong::MAX))
    })
    .resolve::<ThrowJavaException>()
}

/// `long NativeBridge.reload(long handle)`: re-reads the configuration sources; returns the
/// generation now current.
fn reload<'local>(mut env: EnvUnowned<'local>, _class: JClass<'local>, handle: jlong) -> jlong {
    env.with_env(|_env| -> Result<jlong, BridgeError> {
        // Log records of this call go to Java when it returns.
        let _log = log::DeliverOnReturn::new(_env);
        let report = bridge(handle)?.store.reload()?;
        Ok(jlong::try_from(report.generation).unwrap_or(jlong::MAX))
    })
    .resolve::<ThrowJavaException>()
}

/// `long NativeBridge.sign(long handle, byte[] target, int methodLength, int urlLength, byte[] body, byte[] out)`:
/// `Content-Digest`, `Signature-Input` and `Signature` into `out`, signed now with a fresh
/// nonce; returns their packed lengths (see [`PACKED_LENGTH_BITS`]) or minus the size `out`
/// needs.
#[allow(clippy::too_many_arguments)]
fn sign<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
    target: JByteArray<'local>,
    method_len: jint,
    url_len: jint,
    body: JByteArray<'local>,
    out: JByteArray<'local>,
) -> jlong {
    env.with_env(|env| -> Result<jlong, BridgeError> {
        // Log records of this call go to Java when it returns.
        let _log = log::DeliverOnReturn::new(env);
        let bridge = bridge(handle)?;
        let created = now_unix_seconds();
        let arguments = SignArguments {
            target: &target,
            method_len,
            url_len,
            body: &body,
            out: &out,
        };
        sign_into(env, arguments, |message| {
            bridge
                .signer
                .sign_from_store(message, &bridge.store, created)
        })
    })
    .resolve::<ThrowJavaException>()
}

/// `long NativeBridge.signWithNonce(long handle, byte[] target, int methodLength, int urlLength,
/// byte[] body, long created, byte[] nonce, long validitySeconds, byte[] out)`: deterministic
/// signing for the shared test vectors (the previous snapshot signs too during the rotation
/// grace period); results as [`sign`].
#[allow(clippy::too_many_arguments)]
fn sign_with_nonce<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
    target: JByteArray<'local>,
    method_len: jint,
    url_len: jint,
    body: JByteArray<'local>,
    created: jlong,
    nonce: JByteArray<'local>,
    validity_seconds: jlong,
    out: JByteArray<'local>,
) -> jlong {
    env.with_env(|env| -> Result<jlong, BridgeError> {
        // Log records of this call go to Java when it returns.
        let _log = log::DeliverOnReturn::new(env);
        let bridge = bridge(handle)?;
        let invalid = |name, reason| BridgeError::InvalidArgument { name, reason };
        let created = u64::try_from(created).map_err(|_| invalid("created", "is negative"))?;
        let validity = u64::try_from(validity_seconds)
            .map_err(|_| invalid("validitySeconds", "is negative"))?;
        if nonce.is_null() {
            return Err(BridgeError::NullArgument("nonce"));
        }
        let nonce: [u8; 16] = env
            .convert_byte_array(&nonce)?
            .try_into()
            .map_err(|_| invalid("nonce", "must be 16 bytes"))?;
        let options = SignerOptions {
            validity: Duration::from_secs(validity),
            ..SignerOptions::default()
        };
        let signer = Signer::new(options);
        let current = bridge.store.snapshot();
        let previous = bridge.store.previous(options.previous_grace);
        let arguments = SignArguments {
            target: &target,
            method_len,
            url_len,
            body: &body,
            out: &out,
        };
        sign_into(env, arguments, |message| {
            signer.sign_with_nonce(message, &current, previous.as_deref(), created, nonce)
        })
    })
    .resolve::<ThrowJavaException>()
}

/// `Object NativeBridge.send(long handle, String method, String path, String contentType, byte[] body)`
/// (a `SendResult`): sends one report and waits for the acknowledgement. The body is copied (the call blocks on
/// the network, which must not happen inside a critical region).
fn send<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
    method: JString<'local>,
    path: JString<'local>,
    content_type: JString<'local>,
    body: JByteArray<'local>,
) -> JObject<'local> {
    env.with_env(|env| -> Result<JObject<'local>, BridgeError> {
        // Log records of this call go to Java when it returns.
        let _log = log::DeliverOnReturn::new(env);
        let bridge = bridge(handle)?;
        let method = plain_string(env, &method, "method")?;
        let path = plain_string(env, &path, "path")?;
        let content_type = plain_string(env, &content_type, "contentType")?;
        if body.is_null() {
            return Err(BridgeError::NullArgument("body"));
        }
        let body = env.convert_byte_array(&body)?;
        let sent = bridge.client.send(&method, &path, &content_type, &body)?;
        let report_id = env.new_string(&sent.report_id)?;
        let response = env.byte_array_from_slice(&sent.body)?;
        let elapsed = jlong::try_from(sent.elapsed.as_nanos()).unwrap_or(jlong::MAX);
        let generation = jlong::try_from(sent.generation).unwrap_or(jlong::MAX);
        Ok(env.new_object(
            package::class_name("SendResult"),
            jni_sig!("(IILjava/lang/String;JJZ[B)V"),
            &[
                JValue::Int(i32::from(sent.status)),
                JValue::Int(i32::try_from(sent.attempts).unwrap_or(i32::MAX)),
                JValue::Object(&report_id),
                JValue::Long(elapsed),
                JValue::Long(generation),
                JValue::Bool(sent.reloaded),
                JValue::Object(&response),
            ],
        )?)
    })
    .resolve::<ThrowJavaException>()
}

/// `long NativeBridge.serial(long handle)`: the serial number of a live handle (unique in
/// the process, never reused), for [`is_live`].
fn serial<'local>(mut env: EnvUnowned<'local>, _class: JClass<'local>, handle: jlong) -> jlong {
    env.with_env(|_env| -> Result<jlong, BridgeError> { Ok(bridge(handle)?.serial) })
        .resolve::<ThrowJavaException>()
}

/// `boolean NativeBridge.isLive(long serial)`: whether the handle with this serial number is
/// still alive (not destroyed by `close()` or the `Cleaner`).
fn is_live<'local>(mut env: EnvUnowned<'local>, _class: JClass<'local>, serial: jlong) -> jboolean {
    env.with_env(|_env| -> Result<jboolean, BridgeError> { Ok(live_bridges().contains(&serial)) })
        .resolve::<ThrowJavaException>()
}

/// `void NativeBridge.panicForTest()`: panics inside an export, so tests can check that a
/// panic reaches Java as an `IllegalStateException` and the JVM keeps running.
fn panic_for_test<'local>(mut env: EnvUnowned<'local>, _class: JClass<'local>) {
    env.with_env(|_env| -> Result<(), BridgeError> {
        panic!("deliberate panic to test the JNI panic boundary")
    })
    .resolve::<ThrowJavaException>()
}
