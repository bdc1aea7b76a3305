package com.contrastsecurity.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** 16 threads sign and read while another rotates: only consistent pairs, no crash. */
class ConcurrencyTest {
    static final String USER = "agent_threads@Org";
    static final int READERS = 16;
    static final int ROTATIONS = 400;

    @Test
    void readersSeeOnlyConsistentPairsDuringRotation() throws Exception {
        Map<String, String> pairs = new HashMap<>(); // authorization -> the API key of the same rotation
        pairs.put(TestSupport.authorization(USER, "SK-0"), "AK-0");
        for (int i = 1; i <= ROTATIONS; i++) {
            pairs.put(TestSupport.authorization(USER, "SK-" + i), "AK-" + i);
        }
        byte[] body = "{\"report\":true}".getBytes(StandardCharsets.UTF_8);
        ExecutorService pool = Executors.newFixedThreadPool(READERS + 1);
        try (ContrastAuth auth = ContrastAuth.fromCredentials(TestSupport.URL, USER, "SK-0", "AK-0")) {
            AtomicBoolean done = new AtomicBoolean();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> readers = new ArrayList<>();
            for (int t = 0; t < READERS; t++) {
                readers.add(pool.submit(() -> {
                    start.await();
                    int reads = 0;
                    long lastGeneration = 0;
                    while (!done.get() || reads < 50) {
                        Map<String, String> h = auth.headers();
                        String expectedKey = pairs.get(h.get("Authorization"));
                        assertEquals(expectedKey, h.get("API-Key"), "mixed pair");
                        long generation = auth.generation();
                        assertTrue(generation >= lastGeneration, "generation went backwards");
                        lastGeneration = generation;
                        Map<String, String> sig = auth.sign("POST", TestSupport.URL + "/api/ng/report", "application/json", body);
                        assertTrue(sig.get("Signature").startsWith("contrast=:"));
                        assertTrue(sig.get("Signature-Input").matches(".*;keyid=\"[0-9a-f]{16}\";.*"));
                        reads++;
                    }
                    return reads;
                }));
            }
            Future<?> rotator = pool.submit(() -> {
                start.await();
                for (int i = 1; i <= ROTATIONS; i++) {
                    auth.rotate("SK-" + i, "AK-" + i);
                }
                done.set(true);
                return null;
            });
            start.countDown();
            rotator.get();
            for (Future<Integer> f : readers) {
                assertTrue(f.get() >= 50);
            }
            assertEquals(ROTATIONS + 1, auth.generation());
            assertEquals("AK-" + ROTATIONS, auth.apiKeyHeader());
            assertEquals(TestSupport.authorization(USER, "SK-" + ROTATIONS), auth.authorizationHeader());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closingWhileThreadsUseItGivesOnlyIllegalStateExceptions() throws Exception {
        byte[] body = new byte[1024];
        ExecutorService pool = Executors.newFixedThreadPool(READERS);
        try {
            ContrastAuth auth = ContrastAuth.fromCredentials(TestSupport.URL, USER, "SK-0", "AK-0");
            CountDownLatch running = new CountDownLatch(READERS);
            List<Future<Integer>> users = new ArrayList<>();
            for (int t = 0; t < READERS; t++) {
                users.add(pool.submit(() -> {
                    running.countDown();
                    int ok = 0;
                    try {
                        while (true) {
                            auth.sign("POST", TestSupport.URL + "/r", "application/octet-stream", body);
                            auth.rotate(null, "AK-" + ok);
                            auth.apiKeyHeader();
                            ok++;
                        }
                    } catch (IllegalStateException closed) {
                        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
                    }
                    return ok;
                }));
            }
            running.await();
            Thread.sleep(50);
            auth.close();
            for (Future<Integer> f : users) {
                f.get(); // each ended with IllegalStateException, none crashed
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
