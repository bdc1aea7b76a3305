//! One HTTP/1.1 request as the test server keeps it: method, target, host, the headers it
//! reads, and the body.

/// The request headers the server reads (lower case).
pub(super) const KEPT_HEADERS: [&str; 12] = [
    "host",
    "authorization",
    "api-key",
    "content-type",
    "content-length",
    "content-encoding",
    "transfer-encoding",
    "content-digest",
    "signature-input",
    "signature",
    "user-agent",
    "x-contrast-report-id",
];

/// One parsed request, headers of interest copied out.
pub(super) struct Request {
    pub(super) method: String,
    pub(super) target: String,
    pub(super) host: Option<String>,
    /// Values of [`KEPT_HEADERS`], by position.
    pub(super) headers: [Option<String>; KEPT_HEADERS.len()],
    pub(super) body: Vec<u8>,
}

impl Request {
    /// A kept header's value (`name` in lower case).
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        let index = KEPT_HEADERS.iter().position(|k| *k == name)?;
        self.headers[index].as_deref()
    }
}
