package com.contrastsecurity.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Close is idempotent; use after close is an exception; rotation refreshes the cached pair. */
class LifecycleTest {
    static final String USER = "agent_life@Org";

    @Test
    void closeTwiceThenEveryCallThrows() throws Exception {
        ContrastAuth auth = ContrastAuth.fromCredentials(TestSupport.URL, USER, "SK1", "AK1");
        auth.close();
        auth.close();
        byte[] body = new byte[8];
        assertThrows(IllegalStateException.class, auth::authorizationHeader);
        assertThrows(IllegalStateException.class, auth::apiKeyHeader);
        assertThrows(IllegalStateException.class, auth::headers);
        assertThrows(IllegalStateException.class, auth::generation);
        assertThrows(IllegalStateException.class, () -> auth.sign("POST", TestSupport.URL + "/r", "text/plain", body));
        assertThrows(IllegalStateException.class, () -> auth.rotate("SK2", null));
        assertThrows(IllegalStateException.class, auth::reload);
        assertThrows(IllegalStateException.class, () -> auth.send("POST", "/r", "text/plain", body));
        assertEquals("ContrastAuth[closed]", auth.toString());
    }

    @Test
    void closeReleasesTheNativeHandle() throws Exception {
        ContrastAuth auth = ContrastAuth.fromCredentials(TestSupport.URL, USER, "SK1", "AK1");
        long serial = auth.nativeSerial();
        assertTrue(NativeBridge.isLive(serial));
        auth.close();
        assertFalse(NativeBridge.isLive(serial));
        auth.close();
        assertFalse(NativeBridge.isLive(serial));
    }

    /** The phantom-reference backstop: instances dropped without close() are released by the GC. */
    @Test
    void unclosedInstancesAreReleasedByTheBackstop() throws Exception {
        List<Long> serials = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ContrastAuth leaked = ContrastAuth.fromCredentials(TestSupport.URL, USER, "SK" + i, "AK" + i);
            serials.add(leaked.nativeSerial());
        }
        assertTrue(serials.stream().allMatch(NativeBridge::isLive));
        // Eventually, not within a time budget: as long as the GC needs (at most 60 s).
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (serials.stream().anyMatch(NativeBridge::isLive) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(10);
        }
        long alive = serials.stream().filter(NativeBridge::isLive).count();
        assertEquals(0, alive, alive + " of 8 unclosed instances were never released");
    }

    @Test
    void rotationReplacesTheCachedPairAndCountsGenerations() throws Exception {
        try (ContrastAuth auth = ContrastAuth.fromCredentials(TestSupport.URL, USER, "SK1", "AK1")) {
            String before = auth.authorizationHeader();
            assertEquals(1, auth.generation());
            auth.rotate("SK2", null);
            assertEquals(2, auth.generation());
            assertEquals(TestSupport.authorization(USER, "SK2"), auth.authorizationHeader());
            assertFalse(before.equals(auth.authorizationHeader()));
            assertEquals("AK1", auth.apiKeyHeader());
            auth.rotate(null, "AK2");
            assertEquals(Map.of("Authorization", TestSupport.authorization(USER, "SK2"), "API-Key", "AK2"), auth.headers());
            assertEquals(3, auth.generation());
            auth.reload(); // credentials given directly: nothing to re-read
            assertEquals(3, auth.generation());
            assertFalse(auth.toString().contains("SK2") || auth.toString().contains("AK2"));
        }
    }

    @Test
    void signatureChangesKeyWithRotation() throws Exception {
        try (ContrastAuth auth = ContrastAuth.fromCredentials(TestSupport.URL, USER, "SK1", "AK1")) {
            byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
            Map<String, String> first = auth.sign("POST", TestSupport.URL + "/api/r", "application/json", body);
            assertEquals("sha-256=:" + java.util.Base64.getEncoder().encodeToString(
                    java.security.MessageDigest.getInstance("SHA-256").digest(body)) + ":", first.get("Content-Digest"));
            assertTrue(first.get("Signature").startsWith("contrast=:"), first.get("Signature"));
            assertFalse(first.get("Signature").contains("contrast-prev"));
            auth.rotate("SK2", "AK2");
            Map<String, String> second = auth.sign("POST", TestSupport.URL + "/api/r", "application/json", body);
            // During the grace period the previous key signs too.
            assertTrue(second.get("Signature").contains("contrast-prev=:"), second.get("Signature"));
            assertFalse(first.get("Signature-Input").equals(second.get("Signature-Input")));
        }
    }
}
