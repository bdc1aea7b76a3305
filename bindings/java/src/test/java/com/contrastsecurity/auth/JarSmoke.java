package com.contrastsecurity.auth;

/** Main class run in a fresh JVM by JarLoadingIT: prints where the library came from and headers. */
public final class JarSmoke {
    private JarSmoke() {}

    public static void main(String[] args) throws Exception {
        System.out.println("source=" + NativeLibrary.source());
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
