//! The RFC 9421 signature base: covered components, signature parameters, and the
//! byte-exact base string (§2.5) that is HMAC'd.

use std::fmt::Write;

use crate::signing::error::SignError;

/// The covered components, in order (fixed by the wire format).
pub const COMPONENTS: [&str; 6] = [
    "@method",
    "@authority",
    "@path",
    "@query",
    "content-type",
    "content-digest",
];

/// The `tag` parameter value.
pub const TAG: &str = "contrast-auth/v1";

/// The signature label of the current key.
pub const LABEL: &str = "contrast";

/// The signature label of the previous key during rotation.
pub const PREVIOUS_LABEL: &str = "contrast-prev";

/// The values of the covered components of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Components<'a> {
    /// `@method`: the request method, e.g. `POST`.
    pub method: &'a str,
    /// `@authority`: lowercase host, with `:port` unless it is 443.
    pub authority: &'a str,
    /// `@path`: the absolute path as sent (percent-encoded), `/` when empty.
    pub path: &'a str,
    /// `@query`: the query without its `?`, or `None` when there is none.
    pub query: Option<&'a str>,
    /// `content-type`: the header value, surrounding whitespace removed.
    pub content_type: &'a str,
    /// `content-digest`: the header value.
    pub content_digest: &'a str,
}

/// The signature parameters, serialized in the fixed order
/// `created`, `expires`, `nonce`, `keyid`, `tag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureParams {
    /// Creation time, Unix seconds.
    pub created: u64,
    /// Expiry time, Unix seconds.
    pub expires: u64,
    /// base64url (no padding) of 16 random bytes.
    pub nonce: String,
    /// `<user_name>/<fingerprint>`.
    pub keyid: String,
    /// Always [`TAG`] when signing; checked when verifying.
    pub tag: String,
}

impl SignatureParams {
    /// The serialized value of `@signature-params`: the inner list and its parameters.
    pub fn serialize(&self) -> Result<String, SignError> {
        let mut out = String::with_capacity(160 + self.keyid.len());
        out.push('(');
        for (i, c) in COMPONENTS.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push('"');
            out.push_str(c);
            out.push('"');
        }
        out.push(')');
        let _ = write!(
            out,
            ";created={};expires={};nonce=",
            self.created, self.expires
        );
        push_sf_string(&mut out, "nonce", &self.nonce)?;
        out.push_str(";keyid=");
        push_sf_string(&mut out, "keyid", &self.keyid)?;
        out.push_str(";tag=");
        push_sf_string(&mut out, "tag", &self.tag)?;
        Ok(out)
    }
}

/// Appends an RFC 8941 sf-string (`"` and `\` escaped; printable ASCII only).
fn push_sf_string(out: &mut String, part: &'static str, value: &str) -> Result<(), SignError> {
    out.push('"');
    // Fast path: printable ASCII without a quote or backslash is copied as is.
    if value
        .bytes()
        .all(|b| matches!(b, b' '..=b'~') && b != b'"' && b != b'\\')
    {
        out.push_str(value);
        out.push('"');
        return Ok(());
    }
    for c in value.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            _ => {
                return Err(SignError::InvalidParameter {
                    part,
                    reason: "only printable ASCII can appear in a signature parameter",
                });
            }
        }
    }
    out.push('"');
    Ok(())
}

/// Builds the signature base (RFC 9421 §2.5) for the fixed components: one line per
/// covered component (`"name": value`), then `"@signature-params": <serialized params>`,
/// joined by LF with no trailing LF. `serialized_params` is the output of
/// [`SignatureParams::serialize`] (or, when verifying, the inner list and parameters as
/// received).
pub fn signature_base(
    components: &Components<'_>,
    serialized_params: &str,
) -> Result<String, SignError> {
    let path = if components.path.is_empty() {
        "/"
    } else {
        components.path
    };
    let query = components.query.unwrap_or("");
    let mut at_query = String::with_capacity(query.len() + 1);
    at_query.push('?');
    at_query.push_str(query);
    base_from_lines(
        &[
            ("@method", components.method),
            ("@authority", components.authority),
            ("@path", path),
            ("@query", &at_query),
            ("content-type", components.content_type.trim()),
            ("content-digest", components.content_digest.trim()),
        ],
        serialized_params,
    )
}

/// The general RFC 9421 §2.5 construction over any (component name, value) list; the
/// fixed-format [`signature_base`] is built on it (and RFC 9421's own examples too).
pub fn base_from_lines(
    lines: &[(&'static str, &str)],
    serialized_params: &str,
) -> Result<String, SignError> {
    let len: usize = lines.iter().map(|(n, v)| n.len() + v.len() + 5).sum();
    let mut out = String::with_capacity(len + 22 + serialized_params.len());
    for (name, value) in lines {
        push_line(&mut out, name, value)?;
    }
    out.push_str("\"@signature-params\": ");
    out.push_str(serialized_params);
    Ok(out)
}

fn push_line(out: &mut String, name: &'static str, value: &str) -> Result<(), SignError> {
    check_value(name, value)?;
    out.push('"');
    out.push_str(name);
    out.push_str("\": ");
    out.push_str(value);
    out.push('\n');
    Ok(())
}

/// A component value may not contain CR, LF or other control characters (they would
/// break the line structure of the base, and are not valid in HTTP anyway).
fn check_value(name: &'static str, value: &str) -> Result<(), SignError> {
    // Printable ASCII (the usual case) is checked byte-wise; anything else char-wise.
    let printable_ascii = value.bytes().all(|b| matches!(b, b' '..=b'~'));
    if !printable_ascii && value.chars().any(|c| c.is_control()) {
        return Err(SignError::InvalidComponent {
            component: name,
            reason: "contains a control character (CR, LF, ...)",
        });
    }
    Ok(())
}

/// Derives `@authority`, `@path` and `@query` from an absolute `https://` URL.
pub fn split_url(url: &str) -> Result<(String, String, Option<String>), SignError> {
    let parsed = url::Url::parse(url).map_err(|_| SignError::InvalidComponent {
        component: "url",
        reason: "not an absolute URL",
    })?;
    if parsed.scheme() != "https" {
        return Err(SignError::InvalidComponent {
            component: "url",
            reason: "only https URLs are signed (TLS is required)",
        });
    }
    let host = parsed.host_str().unwrap_or_default().to_ascii_lowercase();
    if host.is_empty() {
        return Err(SignError::InvalidComponent {
            component: "@authority",
            reason: "the URL has no host",
        });
    }
    let authority = match parsed.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    };
    let path = if parsed.path().is_empty() {
        "/".to_string()
    } else {
        parsed.path().to_string()
    };
    Ok((authority, path, parsed.query().map(str::to_string)))
}
