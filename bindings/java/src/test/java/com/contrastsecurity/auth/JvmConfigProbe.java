package com.contrastsecurity.auth;

import java.nio.charset.StandardCharsets;

/**
 * Main class run in a fresh JVM by {@link JvmConfigurationTest}: {@code ContrastAuth.fromEnvironment()}
 * with this JVM's system properties (and so its {@code javax.net.ssl.*} settings), then prints
 * the API key header and, with the argument {@code send}, the outcome of one report.
 */
public final class JvmConfigProbe {
    private JvmConfigProbe() {}

    public static void main(String[] args) {
        try (ContrastAuth auth = ContrastAuth.fromEnvironment()) {
            System.out.println("api_key=" + auth.apiKeyHeader());
            if (args.length > 0 && args[0].equals("send")) {
                SendResult sent = auth.send("POST", "/api/ng/agents/report", "application/json",
                        "{}".getBytes(StandardCharsets.UTF_8));
                System.out.println("status=" + sent.status());
            }
        } catch (NetworkException e) {
            System.out.println("exception=NetworkException kind=" + e.kind() + " message=" + e.getMessage());
        } catch (ContrastAuthException e) {
            System.out.println("exception=" + e.getClass().getSimpleName() + " message=" + e.getMessage());
        }
    }
}
