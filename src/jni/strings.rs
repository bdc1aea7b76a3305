//! Java strings into Rust: secrets copied as UTF-16 into zeroizing buffers, plain values as
//! they are; a null where a value is required is a `NullPointerException` naming the argument.

use jni::Env;
use jni::objects::JString;
use zeroize::Zeroizing;

use super::error::BridgeError;

/// Reads a Java string that may hold a secret. Its UTF-16 units are copied with
/// `GetStringRegion` into a zeroizing buffer and decoded into a string sized up front, so
/// no copy is left unwiped (`GetStringUTFChars` would leave the JVM's modified UTF-8 buffer,
/// and non-BMP characters an owned re-encoding, released without a wipe).
pub(super) fn secret_string(
    env: &Env<'_>,
    value: &JString<'_>,
    name: &'static str,
) -> Result<Zeroizing<String>, BridgeError> {
    if value.is_null() {
        return Err(BridgeError::NullArgument(name));
    }
    let raw_env = env.get_raw();
    // SAFETY: `raw_env` is this thread's JNIEnv with no exception pending and no critical
    // region open; `value` is a live, non-null `java.lang.String`.
    let len = unsafe { ((**raw_env).v1_1.GetStringLength)(raw_env, value.as_raw()) };
    let mut units = Zeroizing::new(vec![0u16; usize::try_from(len).unwrap_or(0)]);
    // SAFETY: as above; `units` has room for `len` UTF-16 units and [0, len) is the whole
    // string, so the region is in range (no exception can be raised).
    unsafe {
        ((**raw_env).v1_2.GetStringRegion)(raw_env, value.as_raw(), 0, len, units.as_mut_ptr());
    }
    utf16_secret(&units).ok_or(BridgeError::InvalidArgument {
        name,
        reason: "is not valid UTF-16 (an unpaired surrogate)",
    })
}

/// Decodes UTF-16 into a zeroizing string allocated once at its largest size (3 bytes per
/// unit), so decoding never reallocates and leaves no partial copy behind.
pub(super) fn utf16_secret(units: &[u16]) -> Option<Zeroizing<String>> {
    let mut out = Zeroizing::new(String::with_capacity(units.len().saturating_mul(3)));
    for c in char::decode_utf16(units.iter().copied()) {
        out.push(c.ok()?);
    }
    Some(out)
}

/// Reads a Java string that is not secret.
pub(super) fn plain_string(
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
pub(super) fn optional_secret(
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

#[cfg(test)]
mod tests {
    use super::utf16_secret;

    /// Java strings are decoded from UTF-16 in one allocation (non-BMP characters included),
    /// and an unpaired surrogate is refused.
    #[test]
    fn utf16_is_decoded_without_reallocation() {
        let text = "agent\u{e9}@Org\u{1f511}\u{10ffff}x";
        let units: Vec<u16> = text.encode_utf16().collect();
        let decoded = utf16_secret(&units).expect("valid UTF-16");
        assert_eq!(decoded.as_str(), text);
        assert_eq!(
            decoded.capacity(),
            units.len() * 3,
            "allocated once, never grown"
        );
        assert_eq!(utf16_secret(&[]).expect("empty").as_str(), "");
        assert!(utf16_secret(&[0x61, 0xd800]).is_none());
        assert!(utf16_secret(&[0xdc00, 0x61]).is_none());
    }
}
