//! Binds the native methods from `JNI_OnLoad` with `RegisterNatives`, against the classes of
//! the package the JVM actually loaded, so the jar keeps working when an agent shades it and
//! relocates `com.contrastsecurity.auth` (no `Java_com_contrastsecurity_auth_*` symbol is
//! looked up by name).
//!
//! The Java loader (`NativeLibrary`) names its package, as it was loaded (e.g.
//! `org/acme/agent/shaded/cauth`), in the system property
//! `contrastauth.jni.package.<id of the loading thread>` for the duration of `System.load`:
//! `JNI_OnLoad` runs on that thread and reads it (keyed by thread, so concurrent loads of
//! differently relocated copies do not see each other's value). Without it (a plain
//! `System.load` by someone else) the unrelocated package is used.
//!
//! # Adding natives
//! Add a `native_method!` entry to a [`NativeTable`]'s methods (e.g. `super::NATIVE_BRIDGE`),
//! or a new [`NativeTable`] to [`TABLES`] for another class of the package. A native's
//! signature may use only JDK types (return `Object` for the package's own classes and cast
//! in Java): the relocated names are not known when this is compiled. Classes the native side
//! creates or throws are named with [`package::class_name`].

use std::ffi::c_void;
use std::sync::OnceLock;

use jni::objects::{JClass, JString, JValue};
use jni::strings::JNIString;
use jni::sys::{JNI_ERR, JNI_VERSION_1_8, JavaVM as RawJavaVM, jint};
use jni::{Env, EnvUnowned, JavaVM, NativeMethod, jni_sig, jni_str, native_method};

use super::error::{BridgeError, ThrowJavaException};
use super::package::{self, ORIGINAL_PACKAGE};

/// The system property prefix the Java loader passes its package in (the thread id follows).
/// Deliberately not under `contrast.` (read as configuration) nor the package name (which a
/// relocating shader would rewrite in the Java constant).
const PACKAGE_PROPERTY_PREFIX: &str = "contrastauth.jni.package.";

/// The natives of one class of the package, by simple class name.
pub(crate) struct NativeTable {
    /// The class's simple name, e.g. `NativeBridge`.
    pub(crate) class: &'static str,
    /// Its native methods.
    pub(crate) methods: &'static [NativeMethod<'static>],
}

/// Every class with natives. `NativeBridge.version()` is registered first and on its own (see
/// [`on_load`]), so a loader can always ask which library it got.
const TABLES: &[NativeTable] = &[NativeTable {
    class: "NativeBridge",
    methods: super::NATIVE_BRIDGE,
}];

/// `String NativeBridge.version()`, registered before everything else.
const VERSION: NativeMethod<'static> = native_method! {
    static raw fn version() -> JString,
};

/// Why registering the tables failed, if it did (reported through `version()`).
static REGISTRATION_ERROR: OnceLock<String> = OnceLock::new();

/// Called by the JVM when `System.load` loads this library: registers every native.
///
/// Never fails the load: a registration error is kept and reported by `version()`, so the Java
/// loader can name it instead of the JVM's generic message.
#[unsafe(no_mangle)]
pub extern "system" fn JNI_OnLoad(vm: *mut RawJavaVM, _reserved: *mut c_void) -> jint {
    if vm.is_null() {
        return JNI_ERR;
    }
    let registered = std::panic::catch_unwind(|| {
        // SAFETY: the JVM passes its own, valid JavaVM pointer to JNI_OnLoad.
        let vm = unsafe { JavaVM::from_raw(vm) };
        vm.attach_current_thread(|env| -> Result<(), BridgeError> {
            on_load(env);
            Ok(())
        })
    });
    match registered {
        Ok(Ok(())) => JNI_VERSION_1_8,
        _ => JNI_ERR,
    }
}

/// Reads the package, registers `version()`, then every table.
fn on_load(env: &mut Env<'_>) {
    package::set(loader_package(env).unwrap_or_else(|| ORIGINAL_PACKAGE.to_owned()));
    let result = register(env, "NativeBridge", &[VERSION]).and_then(|()| {
        TABLES
            .iter()
            .try_for_each(|table| register(env, table.class, table.methods))
    });
    if let Err(message) = result {
        let _ = REGISTRATION_ERROR.set(message);
    }
}

/// Binds `methods` to `<package>/<class>`; a failure is described and its exception cleared.
fn register(env: &mut Env<'_>, class: &str, methods: &[NativeMethod<'_>]) -> Result<(), String> {
    let name = format!("{}/{class}", package::package());
    env.with_local_frame(4, |env| -> Result<(), jni::errors::Error> {
        let class = env.find_class(JNIString::new(&name))?;
        // SAFETY: every entry was made by `native_method!`, which checks at compile time that
        // the function's parameters and result match the JNI signature, static methods
        // included (they take a `JClass`).
        unsafe { env.register_native_methods(&class, methods) }
    })
    .map_err(|e| {
        env.exception_clear();
        format!("cannot register the natives of {name}: {e}")
    })
}

/// The package the Java loader passed for this thread, if it did.
fn loader_package(env: &mut Env<'_>) -> Option<String> {
    let found = env.with_local_frame(8, |env| -> Result<Option<String>, jni::errors::Error> {
        let thread = env
            .call_static_method(
                jni_str!("java/lang/Thread"),
                jni_str!("currentThread"),
                jni_sig!("()Ljava/lang/Thread;"),
                &[],
            )?
            .l()?;
        let id = env
            .call_method(&thread, jni_str!("getId"), jni_sig!("()J"), &[])?
            .j()?;
        let key = env.new_string(format!("{PACKAGE_PROPERTY_PREFIX}{id}"))?;
        let value = env
            .call_static_method(
                jni_str!("java/lang/System"),
                jni_str!("getProperty"),
                jni_sig!("(Ljava/lang/String;)Ljava/lang/String;"),
                &[JValue::Object(&key)],
            )?
            .l()?;
        if value.is_null() {
            return Ok(None);
        }
        let value = env.cast_local::<JString>(value)?;
        Ok(Some(value.try_to_string(env)?))
    });
    match found {
        Ok(Some(package)) if package::valid_package(&package) => Some(package),
        Ok(_) => None,
        Err(_) => {
            env.exception_clear();
            None
        }
    }
}

/// `String NativeBridge.version()`: the crate version (equal to the jar's); followed by the
/// reason if the other natives could not be registered.
fn version<'local>(mut env: EnvUnowned<'local>, _class: JClass<'local>) -> JString<'local> {
    env.with_env(|env| -> Result<JString<'local>, BridgeError> {
        let version = env!("CARGO_PKG_VERSION");
        Ok(match REGISTRATION_ERROR.get() {
            None => env.new_string(version)?,
            Some(error) => env.new_string(format!("{version} ({error})"))?,
        })
    })
    .resolve::<ThrowJavaException>()
}
