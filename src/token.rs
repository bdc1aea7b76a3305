//! The agent token (`api.token`): strict standard base64 of a JSON object with exactly
//! `url`, `api_key`, `service_key` and `user_name`.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use crate::error::TokenError;
use crate::secret::Secret;

/// The four fields of an agent token, each held as a secret.
#[derive(Debug)]
pub struct TokenFields {
    /// The API URL (`api.url`), including the `/Contrast` base.
    pub url: Secret,
    /// The organization API key (`api.api_key`).
    pub api_key: Secret,
    /// The agent user's service key (`api.service_key`).
    pub service_key: Secret,
    /// The agent user name (`api.user_name`).
    pub user_name: Secret,
}

/// The field names a token has, in the order they are encoded.
pub const TOKEN_FIELDS: [&str; 4] = ["url", "api_key", "service_key", "user_name"];

/// Decodes and strictly validates a token. Errors never include the token's content.
pub fn decode(token: &str) -> Result<TokenFields, TokenError> {
    let token = token.trim_matches([' ', '\t']);
    let bytes = Zeroizing::new(STANDARD.decode(token).map_err(base64_reason)?);
    let text = std::str::from_utf8(&bytes).map_err(|e| TokenError::Json {
        reason: format!("invalid UTF-8 at byte {}", e.valid_up_to()),
    })?;
    // Keys and values are wiped when dropped: on every error path too (an unknown or
    // missing field, or a JSON error after some members were read).
    let mut map: BTreeMap<WipedString, WipedString> =
        serde_json::from_str(text).map_err(|e| TokenError::Json {
            reason: json_reason(&e),
        })?;
    if let Some(unknown) = map.keys().find(|k| !TOKEN_FIELDS.contains(&k.0.as_str())) {
        let mut name: String = unknown.0.chars().take(40).collect();
        name.retain(|c| !c.is_control());
        return Err(TokenError::UnknownField(name));
    }
    let mut take = |field: &'static str| {
        map.remove(field)
            .map(|mut v| Secret::new(std::mem::take(&mut v.0)))
            .ok_or(TokenError::MissingField(field))
    };
    Ok(TokenFields {
        url: take("url")?,
        api_key: take("api_key")?,
        service_key: take("service_key")?,
        user_name: take("user_name")?,
    })
}

/// A string read from a token, wiped when dropped (keys too: a value may be pasted as a key).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct WipedString(String);

impl std::borrow::Borrow<str> for WipedString {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl Drop for WipedString {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl<'de> serde::Deserialize<'de> for WipedString {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(WipedString)
    }
}

/// Encodes the four values into a token (standard padded base64 of compact JSON).
pub fn encode(url: &str, api_key: &str, service_key: &str, user_name: &str) -> Secret {
    #[derive(serde::Serialize)]
    struct Fields<'a> {
        url: &'a str,
        api_key: &'a str,
        service_key: &'a str,
        user_name: &'a str,
    }
    // Sized for the worst case up front (every byte escaped as `\u00XX`, plus the names and
    // punctuation), so the buffer never grows and leaves no unwiped copy behind.
    let values = url.len() + api_key.len() + service_key.len() + user_name.len();
    let mut json = Zeroizing::new(Vec::with_capacity(64 + 6 * values));
    serde_json::to_writer(
        &mut *json,
        &Fields {
            url,
            api_key,
            service_key,
            user_name,
        },
    )
    .expect("serializing four strings cannot fail");
    let mut out = String::with_capacity(base64::encoded_len(json.len(), true).unwrap_or(0));
    STANDARD.encode_string(json.as_slice(), &mut out);
    Secret::new(out)
}

fn base64_reason(e: base64::DecodeError) -> TokenError {
    use base64::DecodeError::*;
    let reason = match e {
        InvalidByte(offset, _) => format!("invalid character at offset {offset}"),
        InvalidLength(len) => format!("invalid length {len}"),
        InvalidLastSymbol(offset, _) => format!("non-canonical last symbol at offset {offset}"),
        InvalidPadding => "missing or invalid padding".to_string(),
    };
    TokenError::Base64 { reason }
}

/// A JSON error described by category and position only (serde's messages can quote values).
fn json_reason(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Io => "read error",
        Category::Syntax => "syntax error",
        Category::Eof => "unexpected end of input",
        Category::Data => "expected an object whose values are all strings",
    };
    format!("{what} at line {} column {}", e.line(), e.column())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        STANDARD.encode(s)
    }

    #[test]
    fn round_trip() {
        let t = encode("https://h/Contrast", "AK", "SK", "agent_1");
        let f = decode(t.expose_secret()).unwrap();
        assert_eq!(f.url.expose_secret(), "https://h/Contrast");
        assert_eq!(f.api_key.expose_secret(), "AK");
        assert_eq!(f.service_key.expose_secret(), "SK");
        assert_eq!(f.user_name.expose_secret(), "agent_1");
    }

    #[test]
    fn errors_name_the_problem_without_content() {
        let secret = "SUPERSECRETVALUE";
        let cases = [
            (format!("{}!", b64(secret)), "base64"),
            (
                b64(secret).trim_end_matches('=').to_string() + "=",
                "base64",
            ),
            (b64(&format!("{{\"url\": {secret}")), "syntax"),
            (
                b64(&format!("{{\"url\": 5, \"x\": \"{secret}\"}}")),
                "strings",
            ),
            (
                b64(&format!(
                    r#"{{"url":"u","api_key":"{secret}","service_key":"s"}}"#
                )),
                "user_name",
            ),
            (
                b64(&format!(
                    r#"{{"url":"u","api_key":"{secret}","service_key":"s","user_name":"n","extra":"x"}}"#
                )),
                "extra",
            ),
        ];
        for (token, needle) in cases {
            let err = decode(&token).unwrap_err().to_string();
            assert!(err.contains(needle), "{err} should mention {needle}");
            assert!(!err.contains(secret), "{err} leaks the secret");
        }
    }

    #[test]
    fn url_safe_alphabet_is_rejected() {
        // 0xfb 0xff encodes to "+/8=" in standard and "-_8=" in URL-safe base64.
        assert!(decode("-_8=").is_err());
    }
}
