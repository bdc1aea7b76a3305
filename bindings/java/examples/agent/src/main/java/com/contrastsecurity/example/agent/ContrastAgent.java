package com.contrastsecurity.example.agent;

import com.contrastsecurity.auth.ContrastAuth;
import com.contrastsecurity.auth.InvalidConfigurationException;
import com.contrastsecurity.auth.NativeLibrary;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The shape of the real JVM agent, built as one shaded jar with contrast-auth relocated:
 * {@code premain} loads the native library, reads the {@code contrast.*} system properties
 * (above {@code CONTRAST__*} and the YAML file) and signs a report. Run:
 * {@code java -javaagent:contrast-agent-example.jar -Dcontrast.api.url=... -cp app.jar App}.
 */
public final class ContrastAgent {
    private ContrastAgent() {}

    /**
     * @param args the agent arguments (unused)
     * @param instrumentation the JVM's instrumentation (unused here)
     */
    public static void premain(String args, Instrumentation instrumentation) {
        try {
            final ContrastAuth auth = ContrastAuth.fromEnvironment();
            System.out.println("contrast agent: contrast-auth relocated to " + ContrastAuth.class.getPackage().getName());
            System.out.println("contrast agent: native library from " + NativeLibrary.source());
            byte[] report = "{\"agent\":\"example\",\"findings\":[]}".getBytes(StandardCharsets.UTF_8);
            String url = System.getProperty("contrast.api.url") + "/api/ng/agents/report";
            Map<String, String> signature = auth.sign("POST", url, "application/json", report);
            for (Map.Entry<String, String> header : signature.entrySet()) {
                System.out.println("contrast agent: " + header.getKey() + ": " + header.getValue());
            }
            System.out.println("contrast agent: credentials loaded, generation " + auth.generation()
                    + ", headers " + auth.headers().keySet());
            try {
                ContrastAuth.fromToken("not a token").close();
            } catch (InvalidConfigurationException e) {
                System.out.println("contrast agent: a bad token is rejected as " + e.getClass().getName());
            }
            Runtime.getRuntime().addShutdownHook(new Thread(new Runnable() {
                @Override
                public void run() {
                    auth.close();
                }
            }));
        } catch (Exception | LinkageError e) {
            System.err.println("contrast agent: disabled: " + e);
        }
    }
}
