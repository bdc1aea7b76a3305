//! The bridge's error type and the one error policy every export resolves with: each error
//! becomes a specific Java exception, a panic an `IllegalStateException`. Messages come from
//! the core's `Display`, which never holds a secret.

use jni::Env;
use jni::errors::{Error as JniError, ErrorPolicy};
use jni::objects::{JObject, JValue};
use jni::strings::JNIString;
use jni::{jni_sig, jni_str};

use crate::error::ConfigError;
use crate::signing::SignError;
use crate::transport::SendError;

/// Why a native call failed.
#[derive(Debug)]
pub(crate) enum BridgeError {
    /// A JNI call failed (usually: a Java exception is already pending).
    Jni(JniError),
    /// A required argument was `null`.
    NullArgument(&'static str),
    /// An argument is unusable (e.g. a nonce of the wrong length).
    InvalidArgument {
        /// Which argument.
        name: &'static str,
        /// Why.
        reason: &'static str,
    },
    /// The handle is 0: the Java object was closed.
    Closed,
    /// Configuration or credentials are invalid.
    Config(ConfigError),
    /// A request could not be signed.
    Sign(SignError),
    /// A report was not acknowledged.
    Send(SendError),
}

impl From<JniError> for BridgeError {
    fn from(e: JniError) -> Self {
        BridgeError::Jni(e)
    }
}

impl From<ConfigError> for BridgeError {
    fn from(e: ConfigError) -> Self {
        BridgeError::Config(e)
    }
}

impl From<SignError> for BridgeError {
    fn from(e: SignError) -> Self {
        BridgeError::Sign(e)
    }
}

impl From<SendError> for BridgeError {
    fn from(e: SendError) -> Self {
        BridgeError::Send(e)
    }
}

/// Maps [`BridgeError`]s to Java exceptions and panics to `IllegalStateException`; returns
/// the type's default value to Java, which ignores it because an exception is pending.
#[derive(Debug, Default)]
pub(crate) struct ThrowJavaException;

impl<T: Default> ErrorPolicy<T, BridgeError> for ThrowJavaException {
    type Captures<'unowned_env_local: 'native_method, 'native_method> = ();

    fn on_error<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _captures: &mut Self::Captures<'unowned_env_local, 'native_method>,
        err: BridgeError,
    ) -> jni::errors::Result<T> {
        if env.exception_check() {
            // A Java exception is already pending (e.g. an OutOfMemoryError): let it propagate.
            return Ok(T::default());
        }
        // Throwing returns Err(JavaException) once the exception is pending: that is success here.
        let _ = throw(env, &err);
        Ok(T::default())
    }

    fn on_panic<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _captures: &mut Self::Captures<'unowned_env_local, 'native_method>,
        payload: Box<dyn std::any::Any + Send + 'static>,
    ) -> jni::errors::Result<T> {
        // The payload may name internal state: it is not passed to Java. Dropping it could
        // itself panic, so it is forgotten.
        std::mem::forget(payload);
        if !env.exception_check() {
            let _ = env.throw_new(
                jni_str!("java/lang/IllegalStateException"),
                jni_str!(
                    "contrast-auth: internal error (a panic in the native library was caught)"
                ),
            );
        }
        Ok(T::default())
    }
}

fn throw(env: &mut Env<'_>, err: &BridgeError) -> jni::errors::Result<()> {
    match err {
        BridgeError::Jni(JniError::NullPtr(what)) => env.throw_new(
            jni_str!("java/lang/NullPointerException"),
            JNIString::new(format!("contrast-auth: {what} is null")),
        ),
        BridgeError::Jni(e) => env.throw_new(
            jni_str!("java/lang/IllegalStateException"),
            JNIString::new(format!("contrast-auth: JNI call failed: {e}")),
        ),
        BridgeError::NullArgument(name) => env.throw_new(
            jni_str!("java/lang/NullPointerException"),
            JNIString::new(format!("contrast-auth: `{name}` is null")),
        ),
        BridgeError::InvalidArgument { name, reason } => env.throw_new(
            jni_str!("java/lang/IllegalArgumentException"),
            JNIString::new(format!(
                "contrast-auth: invalid argument `{name}`: {reason}"
            )),
        ),
        BridgeError::Closed => env.throw_new(
            jni_str!("java/lang/IllegalStateException"),
            jni_str!("contrast-auth: this ContrastAuth is closed"),
        ),
        BridgeError::Config(e) => throw_config(env, e),
        BridgeError::Sign(e) => env.throw_new(
            jni_str!("java/lang/IllegalArgumentException"),
            JNIString::new(format!("contrast-auth: {e}")),
        ),
        BridgeError::Send(e) => throw_send(env, e),
    }
}

fn throw_config(env: &mut Env<'_>, e: &ConfigError) -> jni::errors::Result<()> {
    let class = match e {
        ConfigError::TlsRequired { .. } => super::package::class_name("TlsRequiredException"),
        _ => super::package::class_name("InvalidConfigurationException"),
    };
    throw_with_message(env, &class, &e.to_string())
}

fn throw_with_message(
    env: &mut Env<'_>,
    class: &jni::strings::JNIStr,
    message: &str,
) -> jni::errors::Result<()> {
    let message = env.new_string(message)?;
    let exception = env.new_object(
        class,
        jni_sig!("(Ljava/lang/String;)V"),
        &[JValue::Object(&message)],
    )?;
    throw_object(env, exception)
}

fn throw_object(env: &mut Env<'_>, exception: JObject<'_>) -> jni::errors::Result<()> {
    let throwable = env.cast_local::<jni::objects::JThrowable>(exception)?;
    env.throw(throwable)
}

fn throw_send(env: &mut Env<'_>, e: &SendError) -> jni::errors::Result<()> {
    match e {
        SendError::Config(c) => throw_config(env, c),
        SendError::InvalidRequest { .. } => env.throw_new(
            jni_str!("java/lang/IllegalArgumentException"),
            JNIString::new(format!("contrast-auth: {e}")),
        ),
        SendError::CredentialsRejected {
            status,
            fingerprints,
            ..
        } => {
            let message = env.new_string(e.to_string())?;
            let user_name = env.new_string(fingerprints.user_name.to_string())?;
            let service_key = env.new_string(fingerprints.service_key.to_string())?;
            let api_key = env.new_string(fingerprints.api_key.to_string())?;
            let signing_key = env.new_string(fingerprints.signing_key.to_string())?;
            let exception = env.new_object(
                super::package::class_name("CredentialsRejectedException"),
                jni_sig!("(Ljava/lang/String;ILjava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;)V"),
                &[
                    JValue::Object(&message),
                    JValue::Int(i32::from(*status)),
                    JValue::Object(&user_name),
                    JValue::Object(&service_key),
                    JValue::Object(&api_key),
                    JValue::Object(&signing_key),
                ],
            )?;
            throw_object(env, exception)
        }
        _ => {
            let message = env.new_string(e.to_string())?;
            let kind = env.new_string(e.kind())?;
            let exception = env.new_object(
                super::package::class_name("NetworkException"),
                jni_sig!("(Ljava/lang/String;Ljava/lang/String;I)V"),
                &[
                    JValue::Object(&message),
                    JValue::Object(&kind),
                    JValue::Int(e.status().map_or(0, i32::from)),
                ],
            )?;
            throw_object(env, exception)
        }
    }
}
