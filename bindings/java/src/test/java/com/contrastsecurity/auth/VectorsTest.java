package com.contrastsecurity.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Headers and signatures equal the shared vectors in tests/vectors. */
class VectorsTest {
    private static List<Path> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(TestSupport.vectors())) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("case.json"))).sorted().collect(Collectors.toList());
        }
    }

    private static JsonObject read(Path dir) throws IOException {
        return JsonParser.parseString(Files.readString(dir.resolve("case.json"))).getAsJsonObject();
    }

    private static String str(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }

    @Test
    void headerValuesEqualEveryVector() throws Exception {
        List<Path> cases = cases();
        assertTrue(cases.size() >= 20, "expected the shared vectors, found " + cases.size());
        for (Path dir : cases) {
            JsonObject c = read(dir);
            JsonObject creds = c.getAsJsonObject("credentials");
            JsonObject expected = c.getAsJsonObject("expected");
            String user = str(creds, "user_name");
            String sk = str(creds, "service_key");
            String ak = str(creds, "api_key");
            try (ContrastAuth auth = ContrastAuth.fromCredentials(TestSupport.URL, user, sk, ak)) {
                assertEquals(str(expected, "authorization"), auth.authorizationHeader(), dir.toString());
                assertEquals(str(expected, "api_key"), auth.apiKeyHeader(), dir.toString());
                // And independently of the vector file: java.util.Base64 of user:service_key.
                assertEquals(TestSupport.authorization(user, sk), auth.authorizationHeader(), dir.toString());
                Map<String, String> both = auth.headers();
                assertEquals(auth.authorizationHeader(), both.get("Authorization"));
                assertEquals(ak, both.get("API-Key"));
            }
        }
    }

    @Test
    void headerValuesEqualTheSharedHeaderVectors() throws Exception {
        JsonObject file = JsonParser.parseString(Files.readString(TestSupport.vectors().resolve("headers.json")))
                .getAsJsonObject();
        String url = str(file, "url");
        int checked = 0;
        for (JsonElement element : file.getAsJsonArray("cases")) {
            JsonObject c = element.getAsJsonObject();
            String name = str(c, "name");
            try (ContrastAuth auth = ContrastAuth.fromCredentials(url, str(c, "user_name"), str(c, "service_key"),
                    str(c, "api_key"))) {
                assertEquals(str(c, "authorization"), auth.authorizationHeader(), name);
                assertEquals(str(c, "api_key_header"), auth.apiKeyHeader(), name);
                assertEquals(TestSupport.authorization(str(c, "user_name"), str(c, "service_key")),
                        auth.authorizationHeader(), name);
                checked++;
            }
        }
        assertTrue(checked >= 7, "only " + checked + " header vectors");
    }

    @Test
    void signaturesEqualEverySigningVector() throws Exception {
        int signed = 0;
        int configured = 0;
        for (Path dir : cases()) {
            JsonObject c = read(dir);
            JsonObject creds = c.getAsJsonObject("credentials");
            JsonObject expected = c.getAsJsonObject("expected");
            JsonObject request = c.getAsJsonObject("request");
            JsonElement prevElement = c.get("previous_credentials");
            JsonObject first = prevElement == null || prevElement.isJsonNull() ? creds : prevElement.getAsJsonObject();
            assertEquals(str(first, "user_name"), str(creds, "user_name"));
            try (ContrastAuth auth = open(first)) {
                if (first != creds) {
                    auth.rotate(str(creds, "service_key"), str(creds, "api_key"));
                }
                byte[] body = Files.readAllBytes(dir.resolve(str(request, "body_file")));
                byte[] nonce = Base64.getUrlDecoder().decode(str(c, "nonce"));
                Map<String, String> headers = auth.signWithNonce(str(request, "method"), str(request, "url"),
                        str(request, "content_type"), body, c.get("created").getAsLong(), nonce,
                        c.get("validity_seconds").getAsLong());
                assertEquals(str(expected, "content_digest"), headers.get("Content-Digest"), dir.toString());
                assertEquals(str(expected, "signature_input"), headers.get("Signature-Input"), dir.toString());
                assertEquals(str(expected, "signature"), headers.get("Signature"), dir.toString());
                signed++;
                if (str(creds, "signing_key") != null) {
                    configured++;
                }
            }
        }
        assertTrue(signed >= 20, "signed only " + signed + " vectors");
        assertTrue(configured >= 1, "no vector with a configured signing key was signed");
    }

    /**
     * Bodies up to 256 KiB are hashed in place (a JNI critical region); longer ones are copied
     * out first, so the GC is never held for long. Both paths sign exactly like the pure Java
     * implementation of the wire format, at the boundary and well past it.
     */
    @Test
    void bodiesOnBothSidesOfTheInPlaceLimitSignLikePureJava() throws Exception {
        SignBenchmark.PureJavaSigner pure = new SignBenchmark.PureJavaSigner(SignBenchmark.USER,
                SignBenchmark.SERVICE_KEY, SignBenchmark.API_KEY);
        int limit = 256 * 1024;
        try (ContrastAuth auth = ContrastAuth.fromCredentials(TestSupport.URL, SignBenchmark.USER,
                SignBenchmark.SERVICE_KEY, SignBenchmark.API_KEY)) {
            for (int size : new int[] {limit - 1, limit, limit + 1, 1 << 20, 3 << 20}) {
                byte[] body = new byte[size];
                for (int i = 0; i < size; i++) {
                    body[i] = (byte) (i * 31 + size);
                }
                byte[] nonce = new byte[16];
                nonce[0] = (byte) size;
                long created = 1767225600L + size;
                Map<String, String> expected = pure.sign("POST", SignBenchmark.URL, "application/json", body,
                        created, nonce);
                Map<String, String> signed = auth.signWithNonce("POST", SignBenchmark.URL, "application/json",
                        body, created, nonce, 300);
                assertEquals(expected, signed, "a body of " + size + " bytes");
            }
        }
    }

    /**
     * Credentials of a vector: given directly, or, with a dedicated {@code api.signing_key}, as
     * the host's {@code contrast.api.*} system properties (the way an agent configures one).
     */
    private static ContrastAuth open(JsonObject creds) throws ContrastAuthException {
        String signingKey = str(creds, "signing_key");
        if (signingKey == null) {
            return ContrastAuth.fromCredentials(TestSupport.URL, str(creds, "user_name"),
                    str(creds, "service_key"), str(creds, "api_key"));
        }
        return ContrastAuth.fromEnvironment(Map.of(
                "contrast.api.url", TestSupport.URL,
                "contrast.api.user_name", str(creds, "user_name"),
                "contrast.api.service_key", str(creds, "service_key"),
                "contrast.api.api_key", str(creds, "api_key"),
                "contrast.api.signing_key", signingKey));
    }
}
