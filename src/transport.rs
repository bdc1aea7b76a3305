//! Sending reports over TLS with ureq and rustls (issue #4).
