//! A loopback HTTPS test server that checks both layers and signatures (issue #4).
