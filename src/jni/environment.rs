//! `NativeBridge.createFromEnvironmentWithTls`: configuration as the JVM agent reads it (the
//! host's `contrast.*` system properties, the environment, `contrast_security.yaml` searched
//! down to `/etc/contrast/java/`), plus the JVM's TLS trust and key store handed over as DER.

use jni::objects::{JByteArray, JClass, JObjectArray, JString};
use jni::sys::jlong;
use jni::{Env, EnvUnowned};

use super::error::{BridgeError, ThrowJavaException};
use super::handle::Bridge;
use super::strings::{plain_string, secret_string};
use crate::config::ConfigSources;
use crate::headers::HeaderOptions;
use crate::host_tls::{ClientIdentity, TrustAnchors};
use crate::secret::SecretBytes;
use crate::store::CredentialStore;
use crate::transport::TransportSettings;

/// The agent name of the JVM binding: YAML is also searched in `<system dir>/java/`.
const AGENT: &str = "java";

/// Reads every element of a `byte[][]` (each non-null).
fn byte_arrays(
    env: &mut Env<'_>,
    arrays: &JObjectArray<'_, JByteArray<'_>>,
    name: &'static str,
) -> Result<Vec<Vec<u8>>, BridgeError> {
    if arrays.is_null() {
        return Err(BridgeError::NullArgument(name));
    }
    let count = arrays.len(env)?;
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let bytes = env.with_local_frame(2, |env| -> Result<Vec<u8>, BridgeError> {
            let element = arrays.get_element(env, i)?;
            if element.is_null() {
                return Err(BridgeError::NullArgument(name));
            }
            Ok(env.convert_byte_array(&element)?)
        })?;
        out.push(bytes);
    }
    Ok(out)
}

/// `long NativeBridge.createFromEnvironmentWithTls(String[] keys, String[] values,
/// String systemConfigDir, byte[][] trustAnchors, byte[][] clientChain, byte[] clientKey)`:
/// `keys`/`values` are the host's `contrast.*` system properties (above the environment and
/// the YAML file); `systemConfigDir` replaces `/etc/contrast` when non-null (tests);
/// `trustAnchors` are DER certificates trusted together with `api.certificate.ca_file`;
/// `clientChain` (DER, leaf first) and `clientKey` (PKCS#8 DER), both null or both set, are
/// the client identity used when `api.certificate.cert_file` is not configured.
#[allow(clippy::too_many_arguments)]
pub(super) fn create_from_environment_with_tls<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    keys: JObjectArray<'local, JString<'local>>,
    values: JObjectArray<'local, JString<'local>>,
    system_config_dir: JString<'local>,
    trust_anchors: JObjectArray<'local, JByteArray<'local>>,
    client_chain: JObjectArray<'local, JByteArray<'local>>,
    client_key: JByteArray<'local>,
) -> jlong {
    env.with_env(|env| -> Result<jlong, BridgeError> {
        // Log records of this call go to Java when it returns.
        let _log = super::log::DeliverOnReturn::new(env);
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
        let mut sources = ConfigSources::from_process().agent(AGENT);
        if !system_config_dir.is_null() {
            let dir = plain_string(env, &system_config_dir, "systemConfigDir")?;
            sources = sources.system_dir(dir);
        }
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
        let mut anchors = TrustAnchors::new();
        for (index, der) in byte_arrays(env, &trust_anchors, "trustAnchors")?
            .iter()
            .enumerate()
        {
            anchors.add(der, index)?;
        }
        sources = sources.trust_anchors(anchors);
        match (client_chain.is_null(), client_key.is_null()) {
            (true, true) => {}
            (false, false) => {
                let chain = byte_arrays(env, &client_chain, "clientChain")?;
                // Owned by SecretBytes from here on: zeroized when dropped.
                let key = SecretBytes::new(env.convert_byte_array(&client_key)?);
                sources = sources.client_identity(ClientIdentity::new(chain, key)?);
            }
            (true, false) => return Err(BridgeError::NullArgument("clientChain")),
            (false, true) => return Err(BridgeError::NullArgument("clientKey")),
        }
        let (store, configuration) = CredentialStore::load(sources, HeaderOptions::default())?;
        let settings = TransportSettings::from_configuration(&configuration);
        Ok(Bridge::new(store, settings)?.into_handle())
    })
    .resolve::<ThrowJavaException>()
}
