package com.contrastsecurity.auth;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH: signing a report through JNI vs pure Java (MessageDigest + Mac HMAC-SHA256) over the same
 * signature base. Setup checks that both produce identical headers for a fixed time and nonce.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SignBenchmark {
    static final String USER = "agent_0f3c9a1e@ExampleOrg";
    static final String SERVICE_KEY = "SVCKEY4Q7Z2M9X1B";
    static final String API_KEY = "APIKEYd8f2a61c0e9b47";
    static final String URL = "https://app.contrastsecurity.com/Contrast/api/ng/agents/report";
    static final String CONTENT_TYPE = "application/json";

    @Param({"1024", "65536", "1048576"})
    int size;

    byte[] body;
    ContrastAuth auth;
    PureJavaSigner pure;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        body = new byte[size];
        new SecureRandom().nextBytes(body);
        auth = ContrastAuth.fromCredentials(TestSupport.URL, USER, SERVICE_KEY, API_KEY);
        pure = new PureJavaSigner(USER, SERVICE_KEY, API_KEY);
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        long created = 1767225600L;
        Map<String, String> fromJni = auth.signWithNonce("POST", URL, CONTENT_TYPE, body, created, nonce, 300);
        Map<String, String> fromJava = pure.sign("POST", URL, CONTENT_TYPE, body, created, nonce);
        if (!fromJni.equals(fromJava)) {
            throw new IllegalStateException("JNI and pure Java disagree:\n" + fromJni + "\n" + fromJava);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        auth.close();
    }

    /** Through JNI: the body is read in place (critical region), or copied out above 256 KiB. */
    @Benchmark
    public Map<String, String> jni() {
        return auth.sign("POST", URL, CONTENT_TYPE, body);
    }

    /** The reports of an agent go to a few endpoints in turn. */
    static final String[] ENDPOINTS = {
        URL, URL.replace("/report", "/heartbeat"), URL.replace("/report", "/activity"),
    };
    int nextEndpoint;

    /** Through JNI, to three endpoints in turn (each stays prepared, on both sides of JNI). */
    @Benchmark
    public Map<String, String> jniThreeEndpoints() {
        String url = ENDPOINTS[nextEndpoint++ % ENDPOINTS.length];
        return auth.sign("POST", url, CONTENT_TYPE, body);
    }

    /** Pure Java: same digest, same signature base, same HMAC. */
    @Benchmark
    public Map<String, String> pureJava() throws GeneralSecurityException {
        byte[] nonce = new byte[16];
        pure.random.nextBytes(nonce);
        return pure.sign("POST", URL, CONTENT_TYPE, body, System.currentTimeMillis() / 1000, nonce);
    }

    /** A straightforward Java implementation of the wire format in docs/wire-format.md. */
    static final class PureJavaSigner {
        final SecureRandom random = new SecureRandom();
        final SecretKeySpec key;
        final String keyid;

        PureJavaSigner(String user, String serviceKey, String apiKey) throws GeneralSecurityException {
            // HKDF-SHA256 (RFC 5869): salt = API key, IKM = service key, info = "contrast-auth/v1 " + user.
            Mac extract = Mac.getInstance("HmacSHA256");
            extract.init(new SecretKeySpec(apiKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] prk = extract.doFinal(serviceKey.getBytes(StandardCharsets.UTF_8));
            Mac expand = Mac.getInstance("HmacSHA256");
            expand.init(new SecretKeySpec(prk, "HmacSHA256"));
            expand.update(("contrast-auth/v1 " + user).getBytes(StandardCharsets.UTF_8));
            expand.update((byte) 1);
            byte[] okm = expand.doFinal();
            key = new SecretKeySpec(okm, "HmacSHA256");
            byte[] fp = MessageDigest.getInstance("SHA-256").digest(okm);
            StringBuilder hex = new StringBuilder(16);
            for (int i = 0; i < 8; i++) {
                hex.append(String.format("%02x", fp[i]));
            }
            keyid = hex.toString();
        }

        Map<String, String> sign(String method, String url, String contentType, byte[] body, long created,
                byte[] nonce) throws GeneralSecurityException {
            String digest = "sha-256=:" + Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(body)) + ":";
            URI uri = URI.create(url);
            String query = uri.getRawQuery() == null ? "?" : "?" + uri.getRawQuery();
            String authority = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            String params = "(\"@method\" \"@authority\" \"@path\" \"@query\" \"content-type\" \"content-digest\")"
                    + ";created=" + created + ";expires=" + (created + 300)
                    + ";nonce=\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(nonce) + "\""
                    + ";keyid=\"" + keyid + "\";tag=\"contrast-auth/v1\"";
            String base = "\"@method\": " + method + "\n"
                    + "\"@authority\": " + authority + "\n"
                    + "\"@path\": " + uri.getRawPath() + "\n"
                    + "\"@query\": " + query + "\n"
                    + "\"content-type\": " + contentType + "\n"
                    + "\"content-digest\": " + digest + "\n"
                    + "\"@signature-params\": " + params;
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            String signature = Base64.getEncoder().encodeToString(mac.doFinal(base.getBytes(StandardCharsets.UTF_8)));
            Map<String, String> headers = new LinkedHashMap<>(4);
            headers.put(ContrastAuth.CONTENT_DIGEST, digest);
            headers.put(ContrastAuth.SIGNATURE_INPUT, "contrast=" + params);
            headers.put(ContrastAuth.SIGNATURE, "contrast=:" + signature + ":");
            return headers;
        }
    }
}
