//! The outgoing request a signature covers: method, URL, content type and body as sent.

/// An outgoing request to sign.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    /// The method, e.g. `POST`.
    pub method: &'a str,
    /// The absolute `https://` URL the request goes to (path and query as sent).
    pub url: &'a str,
    /// The `Content-Type` header value.
    pub content_type: &'a str,
    /// The body as sent (after gzip when compressed).
    pub body: &'a [u8],
}
