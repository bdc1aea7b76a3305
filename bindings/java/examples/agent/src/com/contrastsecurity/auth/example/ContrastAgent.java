package com.contrastsecurity.auth.example;

import com.contrastsecurity.auth.ContrastAuth;
import com.contrastsecurity.auth.NativeLibrary;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The shape of the real JVM agent: {@code premain} loads the native library, reads the
 * {@code contrast.*} system properties (above {@code CONTRAST__*} and the YAML file) and signs
 * a report. Run: {@code java -javaagent:contrast-agent-example.jar -cp contrast-auth.jar
 * -Dcontrast.api.url=... App}.
 */
public final class ContrastAgent {
    private ContrastAgent() {}

    /**
     * @param args the agent arguments (unused)
     * @param instrumentation the JVM's instrumentation (unused here)
     */
    public static void premain(String args, Instrumentation instrumentation) {
        try {
            ContrastAuth auth = ContrastAuth.fromEnvironment();
            System.out.println("contrast agent: native library from " + NativeLibrary.source());
            byte[] report = "{\"agent\":\"example\",\"findings\":[]}".getBytes(StandardCharsets.UTF_8);
            String url = System.getProperty("contrast.api.url") + "/api/ng/agents/report";
            Map<String, String> signature = auth.sign("POST", url, "application/json", report);
            signature.forEach((name, value) -> System.out.println("contrast agent: " + name + ": " + value));
            System.out.println("contrast agent: credentials loaded, generation " + auth.generation());
            Runtime.getRuntime().addShutdownHook(new Thread(auth::close));
        } catch (Exception e) {
            System.err.println("contrast agent: disabled: " + e.getMessage());
        }
    }
}
