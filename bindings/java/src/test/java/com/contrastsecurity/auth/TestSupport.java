package com.contrastsecurity.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Shared helpers: independent (pure Java) computations of expected values. */
final class TestSupport {
    static final String URL = "https://app.contrastsecurity.com/Contrast";

    private TestSupport() {}

    static Path vectors() {
        return Path.of(System.getProperty("contrast.auth.vectors", "../../tests/vectors"));
    }

    /** Authorization computed in Java: standard base64 of user:serviceKey. */
    static String authorization(String user, String serviceKey) {
        return Base64.getEncoder().encodeToString((user + ":" + serviceKey).getBytes(StandardCharsets.UTF_8));
    }

    /** The crate's fingerprint: first 8 hex digits of SHA-256. */
    static String fingerprint(String value) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 4; i++) {
                sb.append(String.format("%02x", d[i]));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static void assertNoSecret(String message, String... secrets) {
        for (String s : secrets) {
            assertFalse(message != null && message.contains(s), "message leaks a secret: " + message);
        }
    }
}
