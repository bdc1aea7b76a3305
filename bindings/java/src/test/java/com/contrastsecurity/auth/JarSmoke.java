package com.contrastsecurity.auth;

/** Main class run in a fresh JVM by JarLoadingIT: prints where the library came from and headers. */
public final class JarSmoke {
    private JarSmoke() {}

    /** Reads the YAML file named by CONTRAST_CONFIG_PATH, rotates its API key, reloads. */
    private static void reload(java.nio.file.Path yaml) throws Exception {
        try (ContrastAuth auth = ContrastAuth.fromEnvironment()) {
            System.out.println("before=" + auth.apiKeyHeader() + " generation=" + auth.generation());
            String text = java.nio.file.Files.readString(yaml);
            java.nio.file.Files.writeString(yaml, text.replace("YAMLAK1", "YAMLAK2"));
            auth.reload();
            System.out.println("after=" + auth.apiKeyHeader() + " generation=" + auth.generation());
            java.nio.file.Files.writeString(yaml, "api: [not, a, map");
            try {
                auth.reload();
                System.out.println("broken reload accepted");
            } catch (InvalidConfigurationException e) {
                System.out.println("broken=" + e.getClass().getSimpleName() + " kept=" + auth.apiKeyHeader());
            }
        }
    }

    public static void main(String[] args) throws Exception {
        String source;
        try {
            source = NativeLibrary.source();
        } catch (UnsatisfiedLinkError e) {
            System.out.println("first attempt: " + e);
            try {
                ContrastAuth.fromCredentials("https://a.example/Contrast", "jar_user", "JARSK", "JARAK").close();
                System.out.println("second attempt: loaded");
            } catch (Throwable t) {
                System.out.println("second attempt: " + t);
            }
            System.exit(1);
            return;
        }
        System.out.println("source=" + source);
        if (args.length == 1 && args[0].equals("hold")) {
            // Loaded: wait to be killed (JarLoadingIT checks what is on disk meanwhile).
            System.out.println("holding");
            System.out.flush();
            Thread.sleep(120_000);
            return;
        }
        if (args.length == 2 && args[0].equals("reload")) {
            reload(java.nio.file.Path.of(args[1]));
            return;
        }
        try (ContrastAuth auth = args.length > 0 && args[0].equals("environment")
                ? ContrastAuth.fromEnvironment()
                : ContrastAuth.fromCredentials("https://a.example/Contrast", "jar_user", "JARSK", "JARAK")) {
            System.out.println("authorization=" + auth.authorizationHeader());
            System.out.println("api_key=" + auth.apiKeyHeader());
            byte[] body = new byte[64 * 1024];
            System.out.println("signature=" + auth.sign("POST", "https://a.example/Contrast/r", "text/plain", body).get("Signature"));
        }
    }
}
