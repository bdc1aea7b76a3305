package com.contrastsecurity.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reports sent to the crate's loopback HTTPS test server (`contrast-auth test-server`). */
class TransportTest {
    static final String USER = "agent_tls@Org";
    static final String SK = "SVCKEYtls0001";
    static final String AK = "APIKEYtls0001";
    static final String SK2 = "SVCKEYtls0002";

    @TempDir
    static Path dir;
    static Process server;
    static String url;
    static String caFile;

    @BeforeAll
    static void startServer() throws Exception {
        String cli = System.getProperty("contrast.auth.cli", "../../target/release/contrast-auth");
        assertTrue(Files.isExecutable(Path.of(cli)), "test server binary missing: " + cli);
        server = new ProcessBuilder(cli, "test-server", "--accept", USER + ":" + SK + ":" + AK,
                "--accept", USER + ":" + SK2 + ":" + AK, "--require-signature",
                "--ca-out", dir.resolve("ca.pem").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertTrue(line != null, "the test server printed nothing");
        JsonObject json = JsonParser.parseString(line).getAsJsonObject();
        url = json.get("url").getAsString();
        caFile = json.get("ca_file").getAsString();
        assertTrue(url.startsWith("https://127.0.0.1:") || url.startsWith("https://localhost:"), url);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.getOutputStream().close(); // the server stops at end of stdin
            server.waitFor();
        }
    }

    private static ContrastAuth client(String serviceKey) throws ContrastAuthException {
        return ContrastAuth.fromEnvironment(Map.of("contrast.api.url", url, "contrast.api.user_name", USER,
                "contrast.api.service_key", serviceKey, "contrast.api.api_key", AK,
                "contrast.api.certificate.ca_file", caFile));
    }

    @Test
    void aSignedReportIsAcknowledgedOverTls() throws Exception {
        try (ContrastAuth auth = client(SK)) {
            SendResult sent = auth.send("POST", "/api/ng/agents/report", "application/json",
                    "{\"finding\":1}".getBytes(StandardCharsets.UTF_8));
            assertTrue(sent.status() >= 200 && sent.status() < 300, sent.toString());
            assertEquals(1, sent.attempts());
            assertEquals(1, sent.generation());
            assertFalse(sent.reloaded());
            assertFalse(sent.reportId().isEmpty());
            // Rotating to the second accepted key keeps reports flowing, without a restart.
            auth.rotate(SK2, null);
            SendResult after = auth.send("POST", "/api/ng/agents/report", "application/json", new byte[] {'{', '}'});
            assertEquals(2, after.generation());
        }
    }

    @Test
    void aWrongKeyIsRejectedWithStatusAndFingerprints() throws Exception {
        try (ContrastAuth auth = client("SVCKEYwrong999")) {
            CredentialsRejectedException e = assertThrows(CredentialsRejectedException.class,
                    () -> auth.send("POST", "/api/ng/agents/report", "application/json", new byte[] {'{', '}'}));
            assertEquals(401, e.status());
            assertEquals(TestSupport.fingerprint("SVCKEYwrong999"), e.serviceKeyFingerprint());
            assertEquals(TestSupport.fingerprint(AK), e.apiKeyFingerprint());
            assertEquals(TestSupport.fingerprint(USER), e.userNameFingerprint());
            TestSupport.assertNoSecret(e.getMessage(), "SVCKEYwrong999", AK);
        }
    }

    @Test
    void anUntrustedServerIsANetworkException() throws Exception {
        // Without the test CA the server's certificate is not trusted.
        try (ContrastAuth auth = ContrastAuth.fromCredentials(url, USER, SK, AK)) {
            NetworkException e = assertThrows(NetworkException.class,
                    () -> auth.send("POST", "/api/ng/agents/report", "application/json", new byte[] {'{', '}'}));
            assertEquals(0, e.status());
            TestSupport.assertNoSecret(e.getMessage(), SK, AK);
        }
    }

    /**
     * A user name with a Latin-1 or a 4-byte UTF-8 character works end to end: configuration
     * (system properties), headers, signing, sending to a server that requires signatures; the
     * user name is in no signature header. The server gets the name through a UTF-8 file (a
     * JVM encodes command-line arguments in the platform locale, which may not be UTF-8).
     */
    @Test
    void nonAsciiUserNamesWorkEndToEnd() throws Exception {
        for (String user : new String[] {"agent_\u00fc7f3a", "agent_\uD834\uDD1E7f3a@Org"}) {
            Path spec = Files.createTempFile(dir, "accept", ".txt");
            Files.writeString(spec, user + ":" + SK + ":" + AK, StandardCharsets.UTF_8);
            Path ca = Files.createTempFile(dir, "ca", ".pem");
            String cli = System.getProperty("contrast.auth.cli", "../../target/release/contrast-auth");
            Process own = new ProcessBuilder("/bin/sh", "-c",
                    "exec \"$0\" test-server --require-signature --accept \"$(cat \"$1\")\" --ca-out \"$2\"",
                    cli, spec.toString(), ca.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(own.getInputStream(), StandardCharsets.UTF_8));
                String line = out.readLine();
                assertTrue(line != null, "the test server printed nothing");
                String ownUrl = JsonParser.parseString(line).getAsJsonObject().get("url").getAsString();
                try (ContrastAuth auth = ContrastAuth.fromEnvironment(Map.of("contrast.api.url", ownUrl,
                        "contrast.api.user_name", user, "contrast.api.service_key", SK, "contrast.api.api_key", AK,
                        "contrast.api.certificate.ca_file", ca.toString()))) {
                    String expected = java.util.Base64.getEncoder().encodeToString(
                            (user + ":" + SK).getBytes(StandardCharsets.UTF_8));
                    assertEquals(expected, auth.authorizationHeader());
                    Map<String, String> signed = auth.sign("POST", ownUrl + "/api/ng/agents/report", "application/json",
                            new byte[] {'{', '}'});
                    for (String value : signed.values()) {
                        assertFalse(value.contains(user), value);
                        assertTrue(value.chars().allMatch(c -> c < 128), value);
                    }
                    SendResult sent = auth.send("POST", "/api/ng/agents/report", "application/json",
                            "{\"finding\":1}".getBytes(StandardCharsets.UTF_8));
                    assertEquals(200, sent.status(), sent.toString());
                    assertEquals(1, sent.attempts());
                }
            } finally {
                own.getOutputStream().close();
                own.waitFor();
            }
        }
    }
}
