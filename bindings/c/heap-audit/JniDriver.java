import com.contrastsecurity.auth.ContrastAuth;
import com.contrastsecurity.auth.SendResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * The heap audit's JNI driver (run.sh): the calls driver.c makes through the C ABI, made
 * through the Java binding, with the same planted secrets (from the environment). The
 * interposer counts only blocks freed by the Rust library (HEAP_AUDIT_ONLY): the JVM's own
 * copies of Java strings are outside what the library can wipe (docs/java.md, "What the JVM keeps").
 */
public final class JniDriver {
    private static final String JSON = "application/json";
    private static final String SIGN_URL = "https://app.contrastsecurity.com/Contrast/api/ng/agents/report";
    private static int failures;

    private JniDriver() {}

    private static String need(String name) {
        String value = System.getenv(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException(name + " is not set");
        }
        return value;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            failures++;
            System.err.println("heap-audit JNI driver: " + what);
        }
    }

    private static void useConfig(String name) throws Exception {
        Files.move(Path.of(need("AUDIT_DIR"), name), Path.of(need("CONTRAST_CONFIG_PATH")),
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static void readAndSign(ContrastAuth auth, int times) {
        check(!auth.authorizationHeader().isEmpty(), "Authorization");
        check(!auth.apiKeyHeader().isEmpty(), "API-Key");
        check(auth.headers().containsKey("Authorization"), "headers()");
        byte[] body = "{\"findings\":[{\"rule\":\"sql-injection\"}]}".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < times; i++) {
            check(auth.sign("POST", SIGN_URL, JSON, body).size() == 3, "sign");
        }
    }

    private static SendResult send(ContrastAuth auth) throws Exception {
        return auth.send("POST", "/api/ng/agents/report", JSON,
                "{\"findings\":[{\"rule\":\"xss\"}]}".getBytes(StandardCharsets.UTF_8));
    }

    public static void main(String[] args) throws Exception {
        int sends = Integer.parseInt(need("AUDIT_SENDS"));
        String url = need("CONTRAST__API__URL");
        String ca = need("CONTRAST__API__CERTIFICATE__CA_FILE");

        // From the environment (+ YAML with a configured signing key), the host's system
        // properties adding the user name and API key as an agent passes them.
        useConfig("signing.yaml");
        try (ContrastAuth configured = ContrastAuth.fromEnvironment(Map.of(
                "contrast.api.user_name", need("CONTRAST__API__USER_NAME"),
                "contrast.api.api_key", need("CONTRAST__API__API_KEY")))) {
            readAndSign(configured, sends);
        }
        try (ContrastAuth fromToken = ContrastAuth.fromToken(need("AUDIT_TOKEN"))) {
            readAndSign(fromToken, sends);
        }
        try (ContrastAuth explicit = ContrastAuth.fromCredentials("https://app.contrastsecurity.com/Contrast",
                need("AUDIT_USER_N"), need("AUDIT_SK_N"), need("AUDIT_AK_N"))) {
            readAndSign(explicit, sends);
            explicit.rotate(need("AUDIT_SK_N2"), need("AUDIT_AK_N2"));
            readAndSign(explicit, sends);
        }

        // Sending: 503 and 500 retried, then a 401 that makes the library reload its file.
        useConfig("refused.yaml");
        try (ContrastAuth sender = ContrastAuth.fromEnvironment(Map.of(
                "contrast.api.url", url, "contrast.api.certificate.ca_file", ca))) {
            useConfig("accepted.yaml");
            SendResult first = send(sender);
            check(first.attempts() == 4 && first.reloaded() && first.generation() == 2, "first report " + first);
            for (int i = 0; i < sends; i++) {
                check(send(sender).attempts() == 1, "report " + i);
            }
            readAndSign(sender, sends);
            useConfig("reloaded.yaml");
            sender.reload();
            check(sender.generation() == 3, "reload: generation " + sender.generation());
            for (int i = 0; i < 3; i++) {
                send(sender);
            }
            sender.rotate(need("AUDIT_SK_E4"), need("AUDIT_AK_E4"));
            for (int i = 0; i < 3; i++) {
                send(sender);
            }
            readAndSign(sender, 3);
        }
        System.err.println("heap-audit JNI driver: " + failures + " failures");
        System.exit(failures == 0 ? 0 : 1);
    }
}
