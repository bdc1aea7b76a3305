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
    if let Some(parts) = split_plain_url(url) {
        return Ok(parts);
    }
    split_url_parsed(url)
}

/// The fast path of [`split_url`], for the URLs agents send: `https://host[:port]/path[?query]`
/// with a lowercase DNS host and only characters the URL parser leaves exactly as written.
/// Anything else (IP addresses, upper case, dot segments, characters that would be
/// percent-encoded, fragments) returns `None` and takes the full parse, so both paths
/// always agree (`tests/signing_signer.rs` checks this over generated URLs).
fn split_plain_url(url: &str) -> Option<(String, String, Option<String>)> {
    let rest = url.strip_prefix("https://")?;
    if rest.contains('#') {
        return None;
    }
    let (before_query, query) = match rest.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = before_query.split_at(before_query.find('/')?);
    let (host, port) = match authority.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    let label_ok = |l: &str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    let last = host.rsplit('.').next()?;
    if !host.split('.').all(label_ok)
        || last.bytes().all(|b| b.is_ascii_digit())
        || last.starts_with("xn--")
    {
        return None;
    }
    let port = match port {
        None => None,
        Some(p)
            if !p.is_empty()
                && p.len() <= 5
                && !p.starts_with('0')
                && p.bytes().all(|b| b.is_ascii_digit()) =>
        {
            let n: u16 = p.parse().ok()?;
            (n != 443).then_some(n)
        }
        Some(_) => return None,
    };
    let plain = |b: u8, extra: &[u8]| {
        b.is_ascii_alphanumeric() || b"-._~!$&()*+,;=:@/".contains(&b) || extra.contains(&b)
    };
    if !path.bytes().all(|b| plain(b, b"'"))
        || path.split('/').any(is_dot_segment)
        || path.contains("%")
    {
        return None;
    }
    if let Some(q) = query
        && (!q.bytes().all(|b| plain(b, b"?")) || q.contains('%'))
    {
        return None;
    }
    let authority = match port {
        Some(n) => format!("{host}:{n}"),
        None => host.to_string(),
    };
    Some((authority, path.to_string(), query.map(str::to_string)))
}

/// The general path of [`split_url`]: a full parse with the `url` crate.
pub fn split_url_parsed(url: &str) -> Result<(String, String, Option<String>), SignError> {
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
    check_raw_path(url)?;
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

/// Rejects a path the URL parser would rewrite beyond percent-encoding: dot segments (`.`,
/// `..`, also as `%2e`) are resolved and a backslash becomes `/`, while an HTTP client sends the
/// path as written, so the signed `@path` would not be the path the server receives.
fn check_raw_path(url: &str) -> Result<(), SignError> {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let end = after_scheme.find(['?', '#']).unwrap_or(after_scheme.len());
    let authority_and_path = &after_scheme[..end];
    let path = authority_and_path
        .find(['/', '\\'])
        .map_or("", |i| &authority_and_path[i..]);
    if path.contains('\\') {
        return Err(SignError::InvalidComponent {
            component: "@path",
            reason: "contains a backslash (the URL parser would turn it into `/`)",
        });
    }
    if path.split('/').any(is_dot_segment) {
        return Err(SignError::InvalidComponent {
            component: "@path",
            reason: "contains a `.` or `..` segment (resolve it before sending and signing)",
        });
    }
    Ok(())
}

/// `.` or `..`, each dot possibly written `%2e` / `%2E` (no allocation: this runs per report).
fn is_dot_segment(segment: &str) -> bool {
    let mut rest = segment.as_bytes();
    let mut dots = 0;
    while !rest.is_empty() {
        if rest[0] == b'.' {
            rest = &rest[1..];
        } else if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(b"%2e") {
            rest = &rest[3..];
        } else {
            return false;
        }
        dots += 1;
    }
    dots == 1 || dots == 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_url_derives_components() {
        let (a, p, q) = split_url("https://H.Example:443/Contrast/a%20b?x=1&y").unwrap();
        assert_eq!(
            (a.as_str(), p.as_str(), q.as_deref()),
            ("h.example", "/Contrast/a%20b", Some("x=1&y"))
        );
        let (a, p, q) = split_url("https://h.example:8443").unwrap();
        assert_eq!((a.as_str(), p.as_str(), q), ("h.example:8443", "/", None));
        let (_, p, q) = split_url("https://h.example/a?#frag").unwrap();
        assert_eq!((p.as_str(), q.as_deref()), ("/a", Some("")));
    }

    #[test]
    fn paths_the_parser_would_rewrite_are_rejected() {
        for url in [
            "https://h.example/Contrast/api/../x",
            "https://h.example/Contrast/./x",
            "https://h.example/Contrast/%2E%2e/x",
            "https://h.example/Contrast/api/..",
            "https://h.example/Contrast\\api",
        ] {
            let err = split_url(url).unwrap_err();
            assert!(
                matches!(
                    err,
                    SignError::InvalidComponent {
                        component: "@path",
                        ..
                    }
                ),
                "{url}: {err:?}"
            );
        }
        for (segment, dot) in [
            (".", true),
            ("..", true),
            ("%2E.", true),
            ("...", false),
            ("", false),
            (".a", false),
            ("%2f", false),
        ] {
            assert_eq!(is_dot_segment(segment), dot, "{segment}");
        }
        // Dots inside a segment, or in the query, are fine.
        assert!(split_url("https://h.example/a/..b/c.d?x=../y").is_ok());
    }
}
