package com.contrastsecurity.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's log records in java.util.logging ("com.contrastsecurity.auth"), delivered
 * after native calls (the sign path's records are made inside JNI critical regions), and the
 * counters: a full session at FINER against the crate's loopback HTTPS test server, with no
 * planted secret in any record in any base64 form.
 */
class LoggingTest {
    static final String USER = "agent_logging@Org";
    static final String SK = "SVCKEYlogging0001";
    static final String WRONG_SK = "SVCKEYloggingWRONG";
    static final String AK = "APIKEYlogging0001";

    static final class Capture extends Handler {
        final List<LogRecord> records = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();
        volatile ContrastAuth reenter;
        volatile boolean fail;

        @Override
        public synchronized void publish(LogRecord record) {
            records.add(record);
            threads.add(Thread.currentThread());
            ContrastAuth auth = reenter;
            if (auth != null) {
                auth.generation(); // calls the library again from inside a delivery
                auth.counters();
            }
            if (fail) {
                throw new IllegalStateException("deliberate test failure in a log handler");
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}

        synchronized List<String> events() {
            List<String> out = new ArrayList<>();
            for (LogRecord r : records) {
                out.add((String) r.getParameters()[0]);
            }
            return out;
        }

        synchronized LogRecord first(String event) {
            for (LogRecord r : records) {
                if (event.equals(r.getParameters()[0])) {
                    return r;
                }
            }
            return null;
        }
    }

    final Logger logger = Logger.getLogger("com.contrastsecurity.auth");
    final Capture capture = new Capture();
    Level previousLevel;
    boolean previousParents;

    @BeforeEach
    void capture() {
        previousLevel = logger.getLevel();
        previousParents = logger.getUseParentHandlers();
        logger.setLevel(Level.ALL);
        logger.setUseParentHandlers(false);
        capture.setLevel(Level.ALL);
        logger.addHandler(capture);
        ContrastAuth.refreshLogLevel();
    }

    @AfterEach
    void restore() {
        logger.removeHandler(capture);
        logger.setLevel(previousLevel);
        logger.setUseParentHandlers(previousParents);
        ContrastAuth.refreshLogLevel();
    }

    @Test
    void theNativeLevelFollowsTheLogger() {
        assertEquals(5, NativeLog.nativeLevel());
        logger.setLevel(Level.FINE);
        assertEquals(4, NativeLog.nativeLevel());
        logger.setLevel(Level.WARNING);
        assertEquals(2, NativeLog.nativeLevel());
        logger.setLevel(Level.OFF);
        assertEquals(0, NativeLog.nativeLevel());
    }

    @Test
    void aRotationIsInfoAndHandlersMayCallBackAndFail() throws Exception {
        try (ContrastAuth auth = ContrastAuth.fromCredentials("https://h.example/Contrast", USER, SK, AK)) {
            capture.reenter = auth;
            auth.rotate("SVCKEYrotatedA", null);
            capture.reenter = null;
            capture.fail = true;
            auth.rotate("SVCKEYrotatedB", null); // a throwing handler does not break the call
            capture.fail = false;
            assertEquals(3, auth.generation());
            logger.setLevel(Level.WARNING);
            ContrastAuth.refreshLogLevel();
            auth.rotate("SVCKEYrotatedC", null); // INFO: not produced for a WARNING logger
        }
        assertEquals(List.of("credentials.rotated", "credentials.rotated"), capture.events());
        LogRecord rotated = capture.records.get(0);
        assertEquals(Level.INFO, rotated.getLevel());
        assertEquals("com.contrastsecurity.auth", rotated.getLoggerName());
        assertTrue(rotated.getMessage().contains("service_key"), rotated.getMessage());
    }

    @Test
    void aFullSessionLogsEveryStepAndNoSecret(@TempDir Path dir) throws Exception {
        String cli = System.getProperty("contrast.auth.cli", "../../target/release/contrast-auth");
        assertTrue(Files.isExecutable(Path.of(cli)), "test server binary missing: " + cli);
        Process server = new ProcessBuilder(cli, "test-server", "--accept", USER + ":" + SK + ":" + AK,
                "--fault", "503", "--clock-offset", "60", "--ca-out", dir.resolve("ca.pem").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Counters counters;
        long droppedBefore = NativeBridge.droppedLogRecords();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            JsonObject json = JsonParser.parseString(out.readLine()).getAsJsonObject();
            String url = json.get("url").getAsString();
            Map<String, String> properties = new HashMap<>();
            properties.put("contrast.api.url", url);
            properties.put("contrast.api.user_name", USER);
            properties.put("contrast.api.service_key", WRONG_SK);
            properties.put("contrast.api.api_key", AK);
            properties.put("contrast.api.certificate.ca_file", json.get("ca_file").getAsString());
            properties.put("contrast.api.certificate.ca_flie", "/typo.pem");
            properties.put("contrast.agent.java.standalone_app_name", "not ours");
            try (ContrastAuth auth = ContrastAuth.fromEnvironment(properties)) {
                assertEquals(0, auth.counters().requests());
                auth.sign("POST", url + "/api/ng/report", "application/json", "{}".getBytes(StandardCharsets.UTF_8));
                // 503 (retried), then 401 with the wrong key: reloaded, nothing changed, refused.
                CredentialsRejectedException refused = assertThrows(CredentialsRejectedException.class,
                        () -> auth.send("POST", "/api/ng/report", "application/json", new byte[] {'{', '}'}));
                assertEquals(401, refused.status());
                auth.rotate(SK, null);
                SendResult sent = auth.send("POST", "/api/ng/report", "application/json", new byte[] {'{', '}'});
                assertEquals(2, sent.generation());
                counters = auth.counters();
            }
        } finally {
            server.getOutputStream().close();
            server.waitFor();
        }
        assertEquals(1, counters.acknowledged(), counters.toString());
        assertEquals(1, counters.failed(), counters.toString());
        assertEquals(3, counters.requests(), counters.toString());
        assertEquals(1, counters.retries(), counters.toString());
        assertEquals(1, counters.reloads(), counters.toString());
        assertEquals(1, counters.rejections(), counters.toString());
        assertEquals(0, counters.reconnects(), counters.toString());
        assertTrue(counters.handshakes() >= 1, counters.toString());

        List<String> events = capture.events();
        for (String event : List.of("config.unknown_key", "config.loaded", "signing.signed", "transport.connected",
                "transport.retry", "transport.clock_skew", "transport.rejected", "credentials.reloaded",
                "transport.failed", "credentials.rotated", "transport.sent")) {
            assertTrue(events.contains(event), "no " + event + " in " + events);
        }
        // Once per reading of the configuration: at creation and at the reload after the 401.
        assertEquals(2, events.stream().filter("config.unknown_key"::equals).count(), events.toString());
        assertTrue(capture.first("config.unknown_key").getMessage().contains("did you mean `api.certificate.ca_file`?"));
        assertEquals(Level.WARNING, capture.first("config.unknown_key").getLevel());
        assertEquals(Level.FINE, capture.first("transport.retry").getLevel());
        assertTrue(capture.first("transport.retry").getMessage().contains("HTTP 503"));
        assertEquals(Level.WARNING, capture.first("transport.rejected").getLevel());
        assertTrue(capture.first("transport.rejected").getMessage().contains("HTTP 401"));
        assertEquals(Level.FINE, capture.first("credentials.reloaded").getLevel()); // nothing changed
        assertEquals(Level.INFO, capture.first("credentials.rotated").getLevel());
        assertEquals(Level.FINER, capture.first("signing.signed").getLevel());
        for (Thread thread : capture.threads) {
            assertSame(Thread.currentThread(), thread, "delivered on the calling thread");
        }
        List<String> secrets = new ArrayList<>();
        for (String text : List.of(USER, SK, WRONG_SK, AK, "SVCKEYrotatedA", USER + ":" + SK, USER + ":" + WRONG_SK)) {
            byte[] raw = text.getBytes(StandardCharsets.UTF_8);
            secrets.add(text);
            secrets.add(Base64.getEncoder().encodeToString(raw));
            secrets.add(Base64.getEncoder().withoutPadding().encodeToString(raw));
            secrets.add(Base64.getUrlEncoder().encodeToString(raw));
            secrets.add(Base64.getUrlEncoder().withoutPadding().encodeToString(raw));
        }
        for (LogRecord record : capture.records) {
            for (String secret : secrets) {
                assertFalse(record.getMessage().contains(secret), "a secret leaked into " + record.getMessage());
            }
        }
        assertEquals(droppedBefore, NativeBridge.droppedLogRecords(), "records lost");
        assertNotNull(capture.first("transport.sent"));
    }
}
