package com.contrastsecurity.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every bad input gives an exception of the right type, naming what is wrong, never a secret. */
class BadInputTest {
    static final String USER = "agent_bad@Org";
    static final String SK = "SVCKEYsecret123";
    static final String AK = "APIKEYsecret456";

    @Test
    void nullArgumentsAreNullPointerExceptions() throws Exception {
        assertThrows(NullPointerException.class, () -> ContrastAuth.fromCredentials(null, USER, SK, AK));
        assertThrows(NullPointerException.class, () -> ContrastAuth.fromCredentials(TestSupport.URL, USER, null, AK));
        assertThrows(NullPointerException.class, () -> ContrastAuth.fromToken(null));
        assertThrows(NullPointerException.class, () -> ContrastAuth.fromEnvironment((Map<String, String>) null));
        try (ContrastAuth auth = ContrastAuth.fromCredentials(TestSupport.URL, USER, SK, AK)) {
            assertThrows(NullPointerException.class, () -> auth.sign("POST", TestSupport.URL + "/x", "application/json", null));
            assertThrows(NullPointerException.class, () -> auth.sign(null, TestSupport.URL + "/x", "application/json", new byte[0]));
            assertThrows(NullPointerException.class, () -> auth.send("POST", null, "application/json", new byte[0]));
        }
    }

    @Test
    void nullArgumentsReachingRustAreNullPointerExceptions() throws Exception {
        // The Rust side checks too (the Java wrapper is not the only caller of the bridge).
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> NativeBridge.createFromCredentials(TestSupport.URL, USER, null, AK));
        assertTrue(e.getMessage().contains("serviceKey"), e.getMessage());
        assertThrows(NullPointerException.class, () -> NativeBridge.createFromToken(null));
        byte[][] none = new byte[0][];
        assertThrows(NullPointerException.class,
                () -> NativeBridge.createFromEnvironmentWithTls(null, new String[0], null, none, null, null));
        assertThrows(NullPointerException.class, () -> NativeBridge.createFromEnvironmentWithTls(
                new String[] {"contrast.api.url"}, new String[] {null}, null, none, null, null));
        e = assertThrows(NullPointerException.class, () -> NativeBridge.createFromEnvironmentWithTls(
                new String[0], new String[0], null, null, null, null));
        assertTrue(e.getMessage().contains("trustAnchors"), e.getMessage());
        e = assertThrows(NullPointerException.class, () -> NativeBridge.createFromEnvironmentWithTls(
                new String[0], new String[0], null, new byte[][] {null}, null, null));
        assertTrue(e.getMessage().contains("trustAnchors"), e.getMessage());
        e = assertThrows(NullPointerException.class, () -> NativeBridge.createFromEnvironmentWithTls(
                new String[0], new String[0], null, none, new byte[][] {new byte[1]}, null));
        assertTrue(e.getMessage().contains("clientKey"), e.getMessage());
        // Bytes that are no certificate or key: InvalidConfigurationException naming which.
        String[] keys = {"contrast.api.url", "contrast.api.user_name", "contrast.api.service_key",
            "contrast.api.api_key"};
        String[] values = {TestSupport.URL, USER, SK, AK};
        InvalidConfigurationException bad = assertThrows(InvalidConfigurationException.class,
                () -> NativeBridge.createFromEnvironmentWithTls(keys, values, null,
                        new byte[][] {{0x30, 0x03, 1, 2, 3}}, null, null));
        assertTrue(bad.getMessage().contains("trust anchor 0"), bad.getMessage());
        bad = assertThrows(InvalidConfigurationException.class,
                () -> NativeBridge.createFromEnvironmentWithTls(keys, values, null, none,
                        new byte[][] {{0x30, 0x03, 1, 2, 3}}, new byte[] {1, 2, 3}));
        assertTrue(bad.getMessage().contains("chain certificate 0"), bad.getMessage());
        long handle = NativeBridge.createFromCredentials(TestSupport.URL, USER, SK, AK);
        try {
            byte[] target = ("POST" + TestSupport.URL + "text/plain").getBytes(StandardCharsets.UTF_8);
            int urlLength = TestSupport.URL.length();
            byte[] out = new byte[1024];
            e = assertThrows(NullPointerException.class, () -> NativeBridge.sign(handle, target, 4, urlLength, null, out));
            assertTrue(e.getMessage().contains("body"), e.getMessage());
            e = assertThrows(NullPointerException.class, () -> NativeBridge.sign(handle, null, 4, urlLength, new byte[1], out));
            assertTrue(e.getMessage().contains("target"), e.getMessage());
            e = assertThrows(NullPointerException.class, () -> NativeBridge.sign(handle, target, 4, urlLength, new byte[1], null));
            assertTrue(e.getMessage().contains("out"), e.getMessage());
        } finally {
            NativeBridge.destroy(handle);
        }
    }

    /** Issue 16: secrets cross as UTF-16 (GetStringRegion), non-BMP characters included. */
    @Test
    void secretStringsKeepNonBmpCharactersAndRefuseUnpairedSurrogates() throws Exception {
        String user = "agent\u00e9\uD83D\uDD11@Org";
        try (ContrastAuth auth = ContrastAuth.fromCredentials(TestSupport.URL, user, SK, AK)) {
            String expected = Base64.getEncoder()
                    .encodeToString((user + ":" + SK).getBytes(StandardCharsets.UTF_8));
            assertEquals(expected, auth.authorizationHeader());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NativeBridge.createFromCredentials(TestSupport.URL, "agent\uD800@Org", SK, AK));
        assertTrue(e.getMessage().contains("userName") && e.getMessage().contains("UTF-16"), e.getMessage());
    }

    @Test
    void plainHttpIsRefusedAsTlsRequired() {
        TlsRequiredException e = assertThrows(TlsRequiredException.class,
                () -> ContrastAuth.fromCredentials("http://app.contrastsecurity.com/Contrast", USER, SK, AK));
        assertTrue(e.getMessage().contains("https"), e.getMessage());
        TestSupport.assertNoSecret(e.getMessage(), SK, AK);
    }

    @Test
    void invalidValuesAreInvalidConfiguration() {
        String[][] bad = {
            {"", USER, SK, AK, "api.url"},
            {TestSupport.URL, "", SK, AK, "api.user_name"},
            {TestSupport.URL, USER, "", AK, "api.service_key"},
            {TestSupport.URL, USER, SK, "", "api.api_key"},
            {TestSupport.URL, USER, SK + "\r\nX-Injected: 1", AK, "api.service_key"},
            {TestSupport.URL, USER, SK, AK + "\n", "api.api_key"},
            {TestSupport.URL, "user:with:colon", SK, AK, "api.user_name"},
            {"https://", USER, SK, AK, "api.url"},
        };
        for (String[] row : bad) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> ContrastAuth.fromCredentials(row[0], row[1], row[2], row[3]), String.join("|", row));
            assertTrue(e.getMessage().contains(row[4]), e.getMessage());
            assertTrue(!(e instanceof TlsRequiredException), e.getMessage());
            TestSupport.assertNoSecret(e.getMessage(), SK, AK);
        }
    }

    @Test
    void malformedTokensAreInvalidConfigurationWithoutTheirContent() {
        String notBase64 = "this is not base64 SECRETTOKEN";
        String notJson = Base64.getEncoder().encodeToString("SECRETJSON{".getBytes(StandardCharsets.UTF_8));
        String missing = Base64.getEncoder().encodeToString(
                "{\"url\":\"https://a.example/Contrast\",\"api_key\":\"AKSECRET\",\"user_name\":\"u\"}".getBytes(StandardCharsets.UTF_8));
        for (String token : new String[] {notBase64, notJson, missing, ""}) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> ContrastAuth.fromToken(token));
            TestSupport.assertNoSecret(e.getMessage(), "SECRETTOKEN", "SECRETJSON", "AKSECRET");
        }
    }

    @Test
    void validTokenGivesItsHeaders() throws Exception {
        String json = "{\"url\":\"https://a.example/Contrast\",\"api_key\":\"" + AK + "\",\"service_key\":\"" + SK
                + "\",\"user_name\":\"" + USER + "\"}";
        String token = Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
        try (ContrastAuth auth = ContrastAuth.fromToken(token)) {
            assertEquals(TestSupport.authorization(USER, SK), auth.authorizationHeader());
            assertEquals(AK, auth.apiKeyHeader());
        }
    }

    @Test
    void missingEnvironmentConfigurationIsInvalidConfiguration() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> ContrastAuth.fromEnvironment(Map.of("contrast.api.url", TestSupport.URL, "contrast.api.user_name", USER)));
        assertTrue(e.getMessage().contains("api."), e.getMessage());
        assertThrows(TlsRequiredException.class, () -> ContrastAuth.fromEnvironment(Map.of(
                "contrast.api.url", "http://x.example/Contrast", "contrast.api.user_name", USER,
                "contrast.api.service_key", SK, "contrast.api.api_key", AK)));
    }

    @Test
    void systemPropertiesConfigure() throws Exception {
        Map<String, String> props = Map.of("contrast.api.url", TestSupport.URL, "contrast.api.user_name", USER,
                "contrast.api.service_key", SK, "contrast.api.api_key", AK, "java.version", "ignored");
        try (ContrastAuth auth = ContrastAuth.fromEnvironment(props)) {
            assertEquals(TestSupport.authorization(USER, SK), auth.authorizationHeader());
            assertEquals(AK, auth.apiKeyHeader());
        }
    }

    @Test
    void badRotationIsRefusedAndKeepsTheKeys() throws Exception {
        try (ContrastAuth auth = ContrastAuth.fromCredentials(TestSupport.URL, USER, SK, AK)) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> auth.rotate("NEWSECRET\r\n", null));
            TestSupport.assertNoSecret(e.getMessage(), "NEWSECRET", SK, AK);
            assertThrows(InvalidConfigurationException.class, () -> auth.rotate(null, ""));
            assertEquals(TestSupport.authorization(USER, SK), auth.authorizationHeader());
            assertEquals(AK, auth.apiKeyHeader());
            assertEquals(1, auth.generation());
            auth.rotate(null, null); // nothing to change
            assertEquals(AK, auth.apiKeyHeader());
        }
    }

    @Test
    void unsignableRequestsAreIllegalArguments() throws Exception {
        try (ContrastAuth auth = ContrastAuth.fromCredentials(TestSupport.URL, USER, SK, AK)) {
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            assertThrows(IllegalArgumentException.class, () -> auth.sign("PO ST", TestSupport.URL + "/r", "application/json", body));
            assertThrows(IllegalArgumentException.class, () -> auth.sign("POST", "not a url", "application/json", body));
            assertThrows(IllegalArgumentException.class, () -> auth.sign("POST", TestSupport.URL + "/r", "application/json\r\nX: y", body));
            assertThrows(IllegalArgumentException.class,
                    () -> auth.signWithNonce("POST", TestSupport.URL + "/r", "application/json", body, 1, new byte[15], 300));
            assertThrows(IllegalArgumentException.class, () -> auth.send("GET\n", "/r", "application/json", body));
        }
    }

    @Test
    void malformedNativeSignArgumentsAreIllegalArguments() throws Exception {
        long handle = NativeBridge.createFromCredentials(TestSupport.URL, USER, SK, AK);
        try {
            String url = TestSupport.URL + "/r";
            byte[] target = ("POST" + url + "text/plain").getBytes(StandardCharsets.UTF_8);
            byte[] body = new byte[3];
            byte[] out = new byte[1024];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> NativeBridge.sign(handle, target, -1, url.length(), body, out));
            assertTrue(e.getMessage().contains("methodLength"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> NativeBridge.sign(handle, target, 4, target.length, body, out));
            assertTrue(e.getMessage().contains("target"), e.getMessage());
            byte[] badUtf8 = target.clone();
            badUtf8[10] = (byte) 0xC3;
            e = assertThrows(IllegalArgumentException.class,
                    () -> NativeBridge.sign(handle, badUtf8, 4, url.length(), body, out));
            assertTrue(e.getMessage().contains("url") && e.getMessage().contains("UTF-8"), e.getMessage());
            // Too small an output buffer: minus the size needed, and nothing written.
            byte[] small = new byte[16];
            long packed = NativeBridge.sign(handle, target, 4, url.length(), body, small);
            assertTrue(packed < -100 && packed > -1024, "packed " + packed);
            assertArrayEquals(new byte[16], small);
            long fits = NativeBridge.sign(handle, target, 4, url.length(), body, new byte[(int) -packed]);
            assertTrue(fits > 0, "packed " + fits);
        } finally {
            NativeBridge.destroy(handle);
        }
    }

    @Test
    void unpairedSurrogatesAreIllegalArgumentsNotReplaced() throws Exception {
        try (ContrastAuth auth = ContrastAuth.fromCredentials(TestSupport.URL, USER, SK, AK)) {
            byte[] body = new byte[1];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> auth.sign("POST", TestSupport.URL + "/r\uD800", "application/json", body));
            assertTrue(e.getMessage().contains("url") && e.getMessage().contains("surrogate"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> auth.sign("POST", TestSupport.URL + "/r", "application/json\uDC00", body));
            assertTrue(e.getMessage().contains("contentType"), e.getMessage());
        }
    }

    @Test
    void aLongUserNameSignsWithAKeyidOfSixteenHexDigits() throws Exception {
        String longUser = "agent_" + "x".repeat(3000) + "@ExampleOrg";
        try (ContrastAuth auth = ContrastAuth.fromCredentials(TestSupport.URL, longUser, SK, AK)) {
            for (int i = 0; i < 2; i++) {
                Map<String, String> headers = auth.sign("POST", TestSupport.URL + "/r", "application/json", new byte[2]);
                String input = headers.get(ContrastAuth.SIGNATURE_INPUT);
                assertTrue(input.matches(".*;keyid=\"[0-9a-f]{16}\";tag=.*"), input);
                assertFalse(input.contains(longUser), input);
                assertTrue(headers.get(ContrastAuth.SIGNATURE).startsWith("contrast=:"));
            }
        }
    }

    @Test
    void aPanicInRustIsAnIllegalStateExceptionAndTheJvmGoesOn() throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class, NativeBridge::panicForTest);
        assertTrue(e.getMessage().contains("panic"), e.getMessage());
        try (ContrastAuth auth = ContrastAuth.fromCredentials(TestSupport.URL, USER, SK, AK)) {
            assertEquals(AK, auth.apiKeyHeader());
        }
    }

    @Test
    void handleZeroIsClosedAndDestroyingItDoesNothing() {
        NativeBridge.destroy(0);
        assertThrows(IllegalStateException.class, () -> NativeBridge.headers(0));
        assertThrows(IllegalStateException.class, () -> NativeBridge.rotate(0, "a", "b"));
        assertThrows(IllegalStateException.class, () -> NativeBridge.sign(0, new byte[0], 0, 0, new byte[0], new byte[512]));
    }
}
