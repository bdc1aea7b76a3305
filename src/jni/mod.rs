//! The JNI exports for the JVM agent: the native half of `com.contrastsecurity.auth.NativeBridge`.
//!
//! Every export has the same shape: `env.with_env(|env| ...).resolve::<ThrowJavaException>()`,
//! so errors become specific Java exceptions and a panic an `IllegalStateException`; nothing
//! unwinds into the JVM. The bridge only converts arguments and maps errors: the work is done
//! by the core ([`crate::store`], [`crate::signing`]) and [`crate::transport`].
//!
//! Handles cross to Java as `jlong` values made by `Arc::into_raw`. The Java owner
//! (`ContrastAuth`) guarantees that no call uses a handle while or after it is destroyed (a
//! read-write lock around every call, the write side in `close`); 0 means closed and gives an
//! `IllegalStateException`, and destroying 0 does nothing.

#![deny(clippy::unwrap_used)]

mod error;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jni::objects::{JByteArray, JClass, JObject, JObjectArray, JString, JValue};
use jni::sys::jlong;
use jni::{Env, EnvUnowned, jni_sig, jni_str};
use zeroize::Zeroizing;

use crate::config::ConfigSources;
use crate::credentials::Credentials;
use crate::headers::HeaderOptions;
use crate::signing::{Message, SignatureHeaders, Signer, SignerOptions};
use crate::store::CredentialStore;
use crate::transport::{Client, TransportSettings};
use error::{BridgeError, ThrowJavaException};

/// What a Java `ContrastAuth` owns: the credential store, its transport client and a signer.
struct Bridge {
    store: Arc<CredentialStore>,
    client: Client,
    signer: Signer,
}

impl Bridge {
    fn new(store: CredentialStore, settings: TransportSettings) -> Result<Bridge, BridgeError> {
        let store = Arc::new(store);
        let client = Client::new(Arc::clone(&store), settings)?;
        Ok(Bridge {
            store,
            client,
            signer: Signer::default(),
        })
    }

    fn into_handle(self) -> jlong {
        Arc::into_raw(Arc::new(self)) as jlong
    }
}

/// Borrows the bridge behind `handle`.
///
/// The Java owner holds its read lock for the whole call and destroys the handle only under
/// the write lock, so the `Arc` outlives the returned reference.
fn bridge<'a>(handle: jlong) -> Result<&'a Bridge, BridgeError> {
    if handle == 0 {
        return Err(BridgeError::Closed);
    }
    // SAFETY: a non-zero handle was made by `Bridge::into_handle` (`Arc::into_raw`) and is
    // not destroyed while a call is using it (see above), so it points to a live `Bridge`.
    Ok(unsafe { &*(handle as *const Bridge) })
}

/// Reads a Java string that may hold a secret; the Rust copy is zeroized when dropped.
fn secret_string(
    env: &Env<'_>,
    value: &JString<'_>,
    name: &'static str,
) -> Result<Zeroizing<String>, BridgeError> {
    if value.is_null() {
        return Err(BridgeError::NullArgument(name));
    }
    let chars = value.mutf8_chars(env)?;
    Ok(Zeroizing::new(chars.to_string()))
}

/// Reads a Java string that is not secret.
fn plain_string(
    env: &Env<'_>,
    value: &JString<'_>,
    name: &'static str,
) -> Result<String, BridgeError> {
    if value.is_null() {
        return Err(BridgeError::NullArgument(name));
    }
    Ok(value.try_to_string(env)?)
}

/// Reads an optional (nullable) secret string.
fn optional_secret(
    env: &Env<'_>,
    value: &JString<'_>,
    name: &'static str,
) -> Result<Option<Zeroizing<String>>, BridgeError> {
    if value.is_null() {
        Ok(None)
    } else {
        secret_string(env, value, name).map(Some)
    }
}

/// Runs `f` over the bytes of a Java `byte[]` inside a JNI critical region (no copy where the
/// JVM allows it). `f` must not call JNI; it only runs pure Rust.
///
/// The region is opened and closed with the raw JNI functions, so that no other JNI function
/// (not even `ExceptionCheck`) runs inside it, as `-Xcheck:jni` demands.
fn with_critical_bytes<T>(
    env: &Env<'_>,
    array: &JByteArray<'_>,
    name: &'static str,
    f: impl FnOnce(&[u8]) -> T,
) -> Result<T, BridgeError> {
    if array.is_null() {
        return Err(BridgeError::NullArgument(name));
    }
    let len = array.len(env)?;
    let raw_env = env.get_raw();
    let raw_array = array.as_raw();
    // SAFETY: `raw_env` is this thread's valid JNIEnv (we are inside a native method), no
    // exception is pending (the length query above succeeded), and `raw_array` is a live local
    // reference to a `byte[]`. GetPrimitiveArrayCritical exists since JNI 1.2.
    let ptr = unsafe {
        ((**raw_env).v1_2.GetPrimitiveArrayCritical)(raw_env, raw_array, std::ptr::null_mut())
    };
    if ptr.is_null() {
        // The JVM could not pin or copy the array and has thrown OutOfMemoryError.
        return Err(BridgeError::Jni(jni::errors::Error::JavaException));
    }
    let region = CriticalRegion {
        env: raw_env,
        array: raw_array,
        ptr,
    };
    // SAFETY: the JVM gave `len` readable bytes at `ptr`, valid until the region is released
    // (when `region` drops, after `f` returns); they are only read.
    let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>().cast_const(), len) };
    let result = f(bytes);
    drop(region);
    Ok(result)
}

/// Releases a critical region on drop (also if `f` panics), without copying back.
struct CriticalRegion {
    env: *mut jni::sys::JNIEnv,
    array: jni::sys::jarray,
    ptr: *mut std::ffi::c_void,
}

impl Drop for CriticalRegion {
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

fn now_unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The three signature header values as one Java string, separated by `\n` (no value can hold
/// a line feed): one string crosses the boundary instead of an array of three.
fn signature_lines<'local>(
    env: &mut Env<'local>,
    headers: &SignatureHeaders,
) -> Result<JString<'local>, BridgeError> {
    let mut joined = String::with_capacity(
        headers.content_digest.len() + headers.signature_input.len() + headers.signature.len() + 2,
    );
    joined.push_str(&headers.content_digest);
    joined.push('\n');
    joined.push_str(&headers.signature_input);
    joined.push('\n');
    joined.push_str(&headers.signature);
    Ok(env.new_string(&joined)?)
}

/// `long NativeBridge.createFromCredentials(String url, String userName, String serviceKey, String apiKey)`
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_contrastsecurity_auth_NativeBridge_createFromCredentials<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    url: JString<'local>,
    user_name: JString<'local>,
    service_key: JString<'local>,
    api_key: JString<'local>,
) -> jlong {
    env.with_env(|env| -> Result<jlong, BridgeError> {
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
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_contrastsecurity_auth_NativeBridge_createFromToken<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    token: JString<'local>,
) -> jlong {
    env.with_env(|env| -> Result<jlong, BridgeError> {
        let token = secret_string(env, &token, "token")?;
        let credentials = Credentials::from_token(&token)?;
        let store = CredentialStore::new(credentials, HeaderOptions::default());
        Ok(Bridge::new(store, TransportSettings::default())?.into_handle())
    })
    .resolve::<ThrowJavaException>()
}

/// `long NativeBridge.createFromEnvironment(String[] keys, String[] values)`: the host's
/// `contrast.*` system properties, above the environment and the YAML file.
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_contrastsecurity_auth_NativeBridge_createFromEnvironment<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    keys: JObjectArray<'local, JString<'local>>,
    values: JObjectArray<'local, JString<'local>>,
) -> jlong {
    env.with_env(|env| -> Result<jlong, BridgeError> {
        if keys.is_null() {
            return Err(BridgeError::NullArgument("keys"));
        }
        if values.is_null() {
            return Err(BridgeError::NullArgument("values"));
        }
        let count = keys.len(env)?;
        if values.len(env)? != count {
            return Err(BridgeError::InvalidArgument {
                name: "values",
                reason: "keys and values differ in length",
            });
        }
        let mut sources = ConfigSources::from_process();
        for i in 0..count {
            env.with_local_frame(4, |env| -> Result<(), BridgeError> {
                let key = keys.get_element(env, i)?;
                let value = values.get_element(env, i)?;
                let key = plain_string(env, &key, "system property name")?;
                let value = secret_string(env, &value, "system property value")?;
                sources.set_host_value(&key, &value);
                Ok(())
            })?;
        }
        let (store, configuration) = CredentialStore::load(sources, HeaderOptions::default())?;
        let settings = TransportSettings::from_configuration(&configuration);
        Ok(Bridge::new(store, settings)?.into_handle())
    })
    .resolve::<ThrowJavaException>()
}

/// `void NativeBridge.destroy(long handle)`: releases the handle; 0 does nothing.
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_contrastsecurity_auth_NativeBridge_destroy<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
) {
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

/// `HeaderPair NativeBridge.headers(long handle)`: both header values and their generation,
/// from one snapshot.
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_contrastsecurity_auth_NativeBridge_headers<'local>(
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
            jni_str!("com/contrastsecurity/auth/HeaderPair"),
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
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_contrastsecurity_auth_NativeBridge_generation<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
) -> jlong {
    env.with_env(|_env| -> Result<jlong, BridgeError> {
        let generation = bridge(handle)?.store.load_snapshot().generation();
        Ok(jlong::try_from(generation).unwrap_or(jlong::MAX))
    })
    .resolve::<ThrowJavaException>()
}

/// `long NativeBridge.rotate(long handle, String serviceKey, String apiKey)`: null keeps a
/// layer; returns the new generation.
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_contrastsecurity_auth_NativeBridge_rotate<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
    service_key: JString<'local>,
    api_key: JString<'local>,
) -> jlong {
    env.with_env(|env| -> Result<jlong, BridgeError> {
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
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_contrastsecurity_auth_NativeBridge_reload<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
) -> jlong {
    env.with_env(|_env| -> Result<jlong, BridgeError> {
        let report = bridge(handle)?.store.reload()?;
        Ok(jlong::try_from(report.generation).unwrap_or(jlong::MAX))
    })
    .resolve::<ThrowJavaException>()
}

/// `String NativeBridge.sign(long handle, String method, String url, String contentType, byte[] body)`:
/// `Content-Digest`, `Signature-Input` and `Signature` (one per line), signed now with a fresh nonce.
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_contrastsecurity_auth_NativeBridge_sign<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
    method: JString<'local>,
    url: JString<'local>,
    content_type: JString<'local>,
    body: JByteArray<'local>,
) -> JString<'local> {
    env.with_env(|env| -> Result<_, BridgeError> {
        let bridge = bridge(handle)?;
        let method = plain_string(env, &method, "method")?;
        let url = plain_string(env, &url, "url")?;
        let content_type = plain_string(env, &content_type, "contentType")?;
        let created = now_unix_seconds();
        let headers = with_critical_bytes(env, &body, "body", |body| {
            let message = Message {
                method: &method,
                url: &url,
                content_type: &content_type,
                body,
            };
            bridge
                .signer
                .sign_from_store(&message, &bridge.store, created)
        })??;
        signature_lines(env, &headers)
    })
    .resolve::<ThrowJavaException>()
}

/// `String NativeBridge.signWithNonce(long handle, String method, String url, String contentType,
/// byte[] body, long created, byte[] nonce, long validitySeconds)`: deterministic signing for the
/// shared test vectors (the previous snapshot signs too during the rotation grace period).
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_com_contrastsecurity_auth_NativeBridge_signWithNonce<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
    method: JString<'local>,
    url: JString<'local>,
    content_type: JString<'local>,
    body: JByteArray<'local>,
    created: jlong,
    nonce: JByteArray<'local>,
    validity_seconds: jlong,
) -> JString<'local> {
    env.with_env(|env| -> Result<_, BridgeError> {
        let bridge = bridge(handle)?;
        let method = plain_string(env, &method, "method")?;
        let url = plain_string(env, &url, "url")?;
        let content_type = plain_string(env, &content_type, "contentType")?;
        let invalid = |name, reason| BridgeError::InvalidArgument { name, reason };
        let created = u64::try_from(created).map_err(|_| invalid("created", "is negative"))?;
        let validity = u64::try_from(validity_seconds)
            .map_err(|_| invalid("validitySeconds", "is negative"))?;
        let nonce: [u8; 16] = with_critical_bytes(env, &nonce, "nonce", |n| n.try_into())?
            .map_err(|_| invalid("nonce", "must be 16 bytes"))?;
        let options = SignerOptions {
            validity: Duration::from_secs(validity),
            ..SignerOptions::default()
        };
        let signer = Signer::new(options);
        let current = bridge.store.snapshot();
        let previous = bridge.store.previous(options.previous_grace);
        let headers = with_critical_bytes(env, &body, "body", |body| {
            let message = Message {
                method: &method,
                url: &url,
                content_type: &content_type,
                body,
            };
            signer.sign_with_nonce(&message, &current, previous.as_deref(), created, nonce)
        })??;
        signature_lines(env, &headers)
    })
    .resolve::<ThrowJavaException>()
}

/// `SendResult NativeBridge.send(long handle, String method, String path, String contentType, byte[] body)`:
/// sends one report and waits for the acknowledgement. The body is copied (the call blocks on
/// the network, which must not happen inside a critical region).
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_contrastsecurity_auth_NativeBridge_send<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
    method: JString<'local>,
    path: JString<'local>,
    content_type: JString<'local>,
    body: JByteArray<'local>,
) -> JObject<'local> {
    env.with_env(|env| -> Result<JObject<'local>, BridgeError> {
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
            jni_str!("com/contrastsecurity/auth/SendResult"),
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

/// `void NativeBridge.panicForTest()`: panics inside an export, so tests can check that a
/// panic reaches Java as an `IllegalStateException` and the JVM keeps running.
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_contrastsecurity_auth_NativeBridge_panicForTest<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
) {
    env.with_env(|_env| -> Result<(), BridgeError> {
        panic!("deliberate panic to test the JNI panic boundary")
    })
    .resolve::<ThrowJavaException>()
}
