//! What a valid configuration value is: trimmed, not empty, no control character (a CR/LF
//! could split an HTTP header), a user name without `:`; a signing key of at least 32 bytes;
//! a boolean. Errors name the key and where the value came from, never the value.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use crate::error::ConfigError;
use crate::secret::{Secret, SecretBytes};
use crate::setting::{Origin, keys};
use crate::signing::key::MIN_CONFIGURED_KEY_LEN;

/// Checks one credential value and returns it trimmed, as a secret.
///
/// Surrounding spaces and tabs are trimmed; an empty result, or a CR, LF or any other
/// control character anywhere, is an error naming the key and where the value came from.
pub fn validate_value(
    key: &'static str,
    value: &str,
    origin: &Origin,
) -> Result<Secret, ConfigError> {
    let trimmed = value.trim_matches([' ', '\t']);
    if trimmed.is_empty() {
        return Err(ConfigError::Empty {
            key,
            origin: origin.to_string(),
        });
    }
    if let Some(c) = trimmed.chars().find(|c| c.is_control()) {
        let character = match c {
            '\r' => "CR (carriage return)".to_string(),
            '\n' => "LF (line feed)".to_string(),
            c => format!("control character U+{:04X}", c as u32),
        };
        return Err(ConfigError::InvalidCharacter {
            key,
            character,
            origin: origin.to_string(),
        });
    }
    if key == keys::USER_NAME && trimmed.contains(':') {
        return Err(ConfigError::ColonInUserName {
            origin: origin.to_string(),
        });
    }
    Ok(Secret::from_str_exact(trimmed))
}

/// Decodes a configured `api.signing_key`: standard base64 of at least 32 bytes.
pub fn decode_signing_key(value: &str, origin: &Origin) -> Result<SecretBytes, ConfigError> {
    let checked = validate_value(keys::SIGNING_KEY, value, origin)?;
    let bytes = Zeroizing::new(STANDARD.decode(checked.expose_secret()).map_err(|_| {
        ConfigError::InvalidSetting {
            key: keys::SIGNING_KEY,
            reason: format!("not valid standard base64 ({origin})"),
        }
    })?);
    if bytes.len() < MIN_CONFIGURED_KEY_LEN {
        return Err(ConfigError::InvalidSetting {
            key: keys::SIGNING_KEY,
            reason: format!(
                "decodes to {} bytes; at least {MIN_CONFIGURED_KEY_LEN} random bytes are required ({origin})",
                bytes.len()
            ),
        });
    }
    Ok(SecretBytes::new(bytes.to_vec()))
}

/// Parses a boolean setting: `true` or `false`, any case, surrounding white space ignored.
pub(crate) fn parse_bool(key: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(ConfigError::InvalidSetting {
            key,
            reason: "expected true or false".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_rules() {
        let o = Origin::Argument;
        assert_eq!(
            validate_value(keys::API_KEY, "  k \t", &o)
                .unwrap()
                .expose_secret(),
            "k"
        );
        assert!(matches!(
            validate_value(keys::API_KEY, "  ", &o),
            Err(ConfigError::Empty { .. })
        ));
        for bad in ["a\rb", "a\nb", "ab\r\n", "a\u{0}b", "a\u{7f}"] {
            let e = validate_value(keys::API_KEY, bad, &o).unwrap_err();
            assert!(
                matches!(
                    e,
                    ConfigError::InvalidCharacter {
                        key: "api.api_key",
                        ..
                    }
                ),
                "{e:?}"
            );
        }
        assert!(matches!(
            validate_value(keys::USER_NAME, "a:b", &o),
            Err(ConfigError::ColonInUserName { .. })
        ));
        assert!(validate_value(keys::SERVICE_KEY, "a:b", &o).is_ok());
    }

    #[test]
    fn signing_key_rules() {
        let o = Origin::Argument;
        assert!(decode_signing_key(&STANDARD.encode([7u8; 31]), &o).is_err());
        assert!(decode_signing_key("not base64!", &o).is_err());
        assert_eq!(
            decode_signing_key(&STANDARD.encode([7u8; 32]), &o)
                .unwrap()
                .expose_secret(),
            &[7u8; 32]
        );
    }
}
