//! The RFC 9421 signature base: covered components, signature parameters, and the
//! byte-exact base string (§2.5) that is HMAC'd.

use std::borrow::Cow;

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
    /// `content-type`: the header value; surrounding spaces and tabs are removed (RFC 9110
    /// OWS) and any other control character is refused.
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
    /// The first 16 lowercase hex digits of SHA-256 of the HMAC key.
    pub keyid: String,
    /// Always [`TAG`] when signing; checked when verifying.
    pub tag: String,
}

impl SignatureParams {
    /// The serialized value of `@signature-params`: the inner list and its parameters.
    pub fn serialize(&self) -> Result<String, SignError> {
        serialize_params(
            self.created,
            self.expires,
            &self.nonce,
            &self.keyid,
            &self.tag,
        )
    }
}

/// The covered components as an inner list: `("@method" "@authority" ...)`.
pub const INNER_LIST: &str =
    r#"("@method" "@authority" "@path" "@query" "content-type" "content-digest")"#;

/// [`SignatureParams::serialize`] over borrowed values.
pub fn serialize_params(
    created: u64,
    expires: u64,
    nonce: &str,
    keyid: &str,
    tag: &str,
) -> Result<String, SignError> {
    let suffix = serialize_params_suffix(keyid, tag)?;
    serialize_params_with_suffix(created, expires, nonce, &suffix)
}

/// The key's part of the parameters, the same for every signature made with it:
/// `;keyid="<keyid>";tag="<tag>"` (sized exactly).
pub fn serialize_params_suffix(keyid: &str, tag: &str) -> Result<String, SignError> {
    let mut out = String::with_capacity(18 + 2 * (keyid.len() + tag.len()));
    out.push_str(";keyid=");
    push_sf_string(&mut out, "keyid", keyid)?;
    out.push_str(";tag=");
    push_sf_string(&mut out, "tag", tag)?;
    Ok(out)
}

/// The whole `@signature-params` value from the per-signature values and the key's
/// [`serialize_params_suffix`].
pub fn serialize_params_with_suffix(
    created: u64,
    expires: u64,
    nonce: &str,
    suffix: &str,
) -> Result<String, SignError> {
    // ";created=" 9 + ";expires=" 9 + ";nonce=" 7 + two quotes + two 20-digit times.
    let mut out = String::with_capacity(INNER_LIST.len() + 67 + 2 * nonce.len() + suffix.len());
    out.push_str(INNER_LIST);
    out.push_str(";created=");
    push_decimal(&mut out, created);
    out.push_str(";expires=");
    push_decimal(&mut out, expires);
    out.push_str(";nonce=");
    push_sf_string(&mut out, "nonce", nonce)?;
    out.push_str(suffix);
    Ok(out)
}

/// Appends `n` in decimal (without the formatting machinery: this runs per signature).
fn push_decimal(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[start..]).expect("decimal digits are ASCII"));
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
    let url = UrlComponents {
        authority: Cow::Borrowed(components.authority),
        path: Cow::Borrowed(components.path),
        query: components.query.map(Cow::Borrowed),
    };
    let content_type = trim_ows("content-type", components.content_type)?;
    let mut out = String::with_capacity(
        target_lines_len(components.method, &url, content_type)
            + final_lines(components.content_digest, serialized_params)
                .iter()
                .map(|p| p.len())
                .sum::<usize>(),
    );
    push_target_lines(&mut out, components.method, &url, content_type)?;
    let content_digest = trim_ows("content-digest", components.content_digest)?;
    check_value("content-digest", content_digest)?;
    for part in final_lines(content_digest, serialized_params) {
        out.push_str(part);
    }
    Ok(out)
}

/// The first five lines of the signature base, each with its LF: everything the request
/// target (method, URL, content type) decides, the same for every report to it.
/// `content_type` is trimmed of spaces and tabs only; other control characters are refused.
pub fn target_lines(
    method: &str,
    url: &UrlComponents<'_>,
    content_type: &str,
) -> Result<String, SignError> {
    let content_type = trim_ows("content-type", content_type)?;
    let mut out = String::with_capacity(target_lines_len(method, url, content_type));
    push_target_lines(&mut out, method, url, content_type)?;
    Ok(out)
}

/// The rest of the signature base after [`target_lines`], in pieces (so an HMAC can take
/// them without a copy): the `content-digest` line and the `@signature-params` line, no LF
/// at the end. `content_digest` is the header value, already trimmed and checked.
pub fn final_lines<'a>(content_digest: &'a str, serialized_params: &'a str) -> [&'a str; 4] {
    [
        "\"content-digest\": ",
        content_digest,
        "\n\"@signature-params\": ",
        serialized_params,
    ]
}

/// The `(name, prefix, value)` of each line of [`target_lines`] (`content_type` already
/// trimmed by [`trim_ows`]).
fn target_line_values<'a>(
    method: &'a str,
    url: &'a UrlComponents<'_>,
    content_type: &'a str,
) -> [(&'static str, &'static str, &'a str); 5] {
    let path: &str = if url.path.is_empty() { "/" } else { &url.path };
    [
        ("@method", "", method),
        ("@authority", "", &url.authority),
        ("@path", "", path),
        ("@query", "?", url.query.as_deref().unwrap_or("")),
        ("content-type", "", content_type),
    ]
}

fn target_lines_len(method: &str, url: &UrlComponents<'_>, content_type: &str) -> usize {
    target_line_values(method, url, content_type)
        .iter()
        .map(|(n, p, v)| n.len() + p.len() + v.len() + 5)
        .sum()
}

fn push_target_lines(
    out: &mut String,
    method: &str,
    url: &UrlComponents<'_>,
    content_type: &str,
) -> Result<(), SignError> {
    for (name, prefix, value) in target_line_values(method, url, content_type) {
        check_value(name, value)?;
        push_line_parts(out, name, prefix, value);
    }
    Ok(())
}

/// A method is an HTTP token (RFC 9110 §5.6.2).
pub fn check_method(method: &str) -> Result<(), SignError> {
    let is_tchar = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if method.is_empty() || !method.bytes().all(is_tchar) {
        return Err(SignError::InvalidComponent {
            component: "@method",
            reason: "is not an HTTP method token",
        });
    }
    Ok(())
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
    push_line_parts(out, name, "", value);
    Ok(())
}

/// `"name": <prefix><value>` and a LF (the value already checked).
fn push_line_parts(out: &mut String, name: &str, prefix: &str, value: &str) {
    out.push('"');
    out.push_str(name);
    out.push_str("\": ");
    out.push_str(prefix);
    out.push_str(value);
    out.push('\n');
}

/// A header value without its optional whitespace: only SP and HTAB are removed (RFC 9110
/// §5.5 OWS), never CR, LF, VT, FF or Unicode spaces, and a control character other than
/// HTAB anywhere in the value is refused first (so `"\r\r\r"` is not an empty value).
pub fn trim_ows<'v>(name: &'static str, value: &'v str) -> Result<&'v str, SignError> {
    // One pass without early exit, which the compiler vectorizes.
    let unusual = value
        .bytes()
        .fold(false, |seen, b| seen | !matches!(b, b' '..=b'~' | b'\t'));
    if unusual && value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(SignError::InvalidComponent {
            component: name,
            reason: "contains a control character (CR, LF, ...)",
        });
    }
    Ok(value.trim_matches([' ', '\t']))
}

/// A component value may not contain CR, LF or other control characters (they would
/// break the line structure of the base, and are not valid in HTTP anyway).
pub(crate) fn check_value(name: &'static str, value: &str) -> Result<(), SignError> {
    // Printable ASCII (the usual case) is checked byte-wise; anything else char-wise.
    // One pass without early exit, which the compiler vectorizes.
    let unusual = value
        .bytes()
        .fold(false, |seen, b| seen | !matches!(b, b' '..=b'~'));
    if unusual && value.chars().any(|c| c.is_control()) {
        return Err(SignError::InvalidComponent {
            component: name,
            reason: "contains a control character (CR, LF, ...)",
        });
    }
    Ok(())
}

/// `@authority`, `@path` and `@query` of a URL, borrowed from it where they appear as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlComponents<'a> {
    /// Lowercase host, with `:port` unless it is 443.
    pub authority: Cow<'a, str>,
    /// The path as sent, `/` when empty.
    pub path: Cow<'a, str>,
    /// The query without its `?`, or `None` when there is none.
    pub query: Option<Cow<'a, str>>,
}

/// Derives `@authority`, `@path` and `@query` from an absolute `https://` URL.
pub fn split_url(url: &str) -> Result<UrlComponents<'_>, SignError> {
    if let Some(parts) = split_plain_url(url) {
        return Ok(parts);
    }
    split_url_parsed(url)
}

/// The fast path of [`split_url`], for the URLs agents send: `https://host[:port]/path[?query]`
/// with a lowercase DNS host and only characters the URL parser leaves exactly as written, so
/// every component is a slice of `url` (no allocation).
/// Anything else (IP addresses, upper case, dot segments, characters that would be
/// percent-encoded, fragments) returns `None` and takes the full parse, so both paths
/// always agree (`tests/signing_signer.rs` checks this over generated URLs).
fn split_plain_url(url: &str) -> Option<UrlComponents<'_>> {
    let rest = url.strip_prefix("https://")?;
    let bytes = rest.as_bytes();
    // Authority: up to the first `/` (a `?`, `#` or the end before it takes the full parse).
    let slash = bytes
        .iter()
        .position(|&b| matches!(b, b'/' | b'?' | b'#'))?;
    if bytes[slash] != b'/' {
        return None;
    }
    let authority = &rest[..slash];
    let (host, port) = match authority.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    if !is_plain_dns_host(host) {
        return None;
    }
    // A port is kept as written only in its canonical form (digits, no leading zero), which
    // is how the parser prints it; the default port 443 is dropped.
    let authority = match port {
        None => authority,
        Some(p)
            if !p.is_empty()
                && p.len() <= 5
                && !p.starts_with('0')
                && p.bytes().all(|b| b.is_ascii_digit()) =>
        {
            let n: u16 = p.parse().ok()?;
            if n == 443 { host } else { authority }
        }
        Some(_) => return None,
    };
    // Path: one pass, ending at `?`; no `#`, no dot segment, only bytes kept as written.
    let mut segment_start = slash + 1;
    let mut query_start = None;
    for (i, &b) in bytes.iter().enumerate().skip(slash + 1) {
        match b {
            b'/' | b'?' => {
                if is_plain_dot_segment(&bytes[segment_start..i]) {
                    return None;
                }
                if b == b'?' {
                    query_start = Some(i);
                    break;
                }
                segment_start = i + 1;
            }
            _ if URL_BYTE_CLASS[usize::from(b)] & PLAIN_IN_PATH == 0 => return None,
            _ => {}
        }
    }
    let path_end = query_start.unwrap_or(bytes.len());
    if query_start.is_none() && is_plain_dot_segment(&bytes[segment_start..]) {
        return None;
    }
    let query = match query_start {
        Some(q) => {
            let query = &rest[q + 1..];
            if !query
                .bytes()
                .all(|b| URL_BYTE_CLASS[usize::from(b)] & PLAIN_IN_QUERY != 0)
            {
                return None;
            }
            Some(Cow::Borrowed(query))
        }
        None => None,
    };
    Some(UrlComponents {
        authority: Cow::Borrowed(authority),
        path: Cow::Borrowed(&rest[slash..path_end]),
        query,
    })
}

/// A lowercase DNS name the URL parser keeps as written: labels of `a-z`, `0-9` and inner
/// `-`, none an IDNA `xn--` label (the parser validates those), the last one not what the
/// WHATWG host parser reads as an IPv4 number (all digits, or `0x` and hex digits: such a
/// host is an IPv4 address, e.g. `0x` is `0.0.0.0`, or invalid, as `a.0x1`). The last label
/// starting with `0x` at all is left to the full parse.
fn is_plain_dns_host(host: &str) -> bool {
    let label_ok = |l: &str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && !l.starts_with("xn--")
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    let last = host.rsplit('.').next().unwrap_or_default();
    host.split('.').all(label_ok)
        && !last.bytes().all(|b| b.is_ascii_digit())
        && !last.starts_with("0x")
}

/// `.` or `..` (without percent-encoding, which the fast path does not take).
fn is_plain_dot_segment(segment: &[u8]) -> bool {
    matches!(segment, b"." | b"..")
}

/// The byte may appear as is in a path the URL parser leaves unchanged.
const PLAIN_IN_PATH: u8 = 1;
/// The byte may appear as is in a query the URL parser leaves unchanged.
const PLAIN_IN_QUERY: u8 = 2;

/// Classes of every byte for the fast path: ASCII letters, digits and `-._~!$&()*+,;=:@/`
/// in both; `'` in paths only, `?` in queries only. Never `%`, `#`, controls or non-ASCII.
const URL_BYTE_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let both = PLAIN_IN_PATH | PLAIN_IN_QUERY;
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            table[b] = both;
        }
        b += 1;
    }
    let punctuation = b"-._~!$&()*+,;=:@/";
    let mut i = 0;
    while i < punctuation.len() {
        table[punctuation[i] as usize] = both;
        i += 1;
    }
    table[b'\'' as usize] = PLAIN_IN_PATH;
    table[b'?' as usize] = PLAIN_IN_QUERY;
    table
};

/// The general path of [`split_url`]: a full parse with the `url` crate.
pub fn split_url_parsed(url: &str) -> Result<UrlComponents<'static>, SignError> {
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
    Ok(UrlComponents {
        authority: Cow::Owned(authority),
        path: Cow::Owned(path),
        query: parsed.query().map(|q| Cow::Owned(q.to_string())),
    })
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
        let parts = |url| {
            let c = split_url(url).unwrap();
            (
                c.authority.into_owned(),
                c.path.into_owned(),
                c.query.map(Cow::into_owned),
            )
        };
        let s = |v: &str| v.to_string();
        assert_eq!(
            parts("https://H.Example:443/Contrast/a%20b?x=1&y"),
            (s("h.example"), s("/Contrast/a%20b"), Some(s("x=1&y")))
        );
        assert_eq!(
            parts("https://h.example:8443"),
            (s("h.example:8443"), s("/"), None)
        );
        assert_eq!(
            parts("https://h.example/a?#frag"),
            (s("h.example"), s("/a"), Some(s("")))
        );
        // The fast path borrows, drops the default port and keeps others as written.
        for (url, authority) in [
            ("https://h.example:443/a?b", "h.example"),
            ("https://h.example:8443/a", "h.example:8443"),
            ("https://h.example/a", "h.example"),
        ] {
            let c = split_url(url).unwrap();
            assert!(
                matches!(c.authority, Cow::Borrowed(a) if a == authority),
                "{url}"
            );
            assert!(matches!(c.path, Cow::Borrowed("/a")), "{url}");
        }
    }

    /// Issue 16: hosts whose last label is an IPv4 number in the WHATWG sense took the fast
    /// path (`0x` kept as written where the full parse gives `0.0.0.0`; `a.0x1` accepted where
    /// the full parse refuses it).
    #[test]
    fn fast_path_declines_ipv4_number_last_labels() {
        for url in [
            "https://0x/",
            "https://0x1/a",
            "https://a.0x1/",
            "https://a.0xff/x?y",
            "https://h.0x:8443/",
            "https://1.2.3.4/",
            "https://a.0123/",
            // Not a number (g is no hex digit), but any `0x` last label takes the full parse.
            "https://a.0xg/",
        ] {
            assert!(split_plain_url(url).is_none(), "{url} took the fast path");
            assert_eq!(
                split_url(url).ok(),
                split_url_parsed(url).ok(),
                "{url}: both paths must agree"
            );
        }
        assert_eq!(split_url("https://0x/").unwrap().authority, "0.0.0.0");
        assert!(split_url("https://a.0x1/").is_err());
        // Labels that only look like numbers elsewhere keep the fast path.
        for url in ["https://0x.example/", "https://a.x0/", "https://a.b0x1/"] {
            assert!(split_plain_url(url).is_some(), "{url}");
        }
    }

    /// Issue 16: content-type and content-digest lose only SP and HTAB around them; other
    /// whitespace stays (and so changes the base) and control characters are refused.
    #[test]
    fn only_spaces_and_tabs_are_trimmed() {
        assert_eq!(
            trim_ows("x", " \tapplication/json\t ").unwrap(),
            "application/json"
        );
        assert_eq!(
            trim_ows("x", "application/json\u{3000}").unwrap(),
            "application/json\u{3000}"
        );
        assert_eq!(trim_ows("x", "\u{a0}a\u{2028}").unwrap(), "\u{a0}a\u{2028}");
        for bad in [
            "\r\r\r",
            "\x0c\x0b\r\napplication/json\r\n",
            "a\u{85}",
            "a\n",
            "\0",
        ] {
            assert!(
                matches!(
                    trim_ows("content-type", bad),
                    Err(SignError::InvalidComponent {
                        component: "content-type",
                        ..
                    })
                ),
                "{bad:?}"
            );
        }
        let url = split_url("https://h.example/a").unwrap();
        let plain = target_lines("POST", &url, "application/json").unwrap();
        assert_eq!(
            target_lines("POST", &url, "\tapplication/json ").unwrap(),
            plain
        );
        assert_ne!(
            target_lines("POST", &url, "application/json\u{3000}").unwrap(),
            plain
        );
        assert!(target_lines("POST", &url, "\r\r\r").is_err());
        assert!(target_lines("POST", &url, "\x0c\x0b\r\napplication/json\r\n").is_err());
        let components = |digest| Components {
            method: "POST",
            authority: "h.example",
            path: "/a",
            query: None,
            content_type: "application/json",
            content_digest: digest,
        };
        let base = signature_base(&components("sha-256=:AA==:"), "()").unwrap();
        assert_eq!(
            signature_base(&components(" sha-256=:AA==:\t"), "()").unwrap(),
            base
        );
        assert_ne!(
            signature_base(&components("\u{a0}sha-256=:AA==:"), "()").unwrap(),
            base
        );
        assert!(signature_base(&components("\u{85}sha-256=:AA==:\u{85}"), "()").is_err());
    }

    #[test]
    fn inner_list_names_the_components_in_order() {
        let quoted: Vec<String> = COMPONENTS.iter().map(|c| format!("\"{c}\"")).collect();
        assert_eq!(INNER_LIST, format!("({})", quoted.join(" ")));
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
