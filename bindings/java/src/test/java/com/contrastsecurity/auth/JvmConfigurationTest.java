package com.contrastsecurity.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java agent's configuration: the JVM's trust store and key store (in fresh JVMs, with
 * {@code -Djavax.net.ssl.*}), {@code contrast.config.path}, the {@code java/} system directory,
 * and the proxy given as parts, against the crate's loopback test server and CONNECT proxy.
 */
class JvmConfigurationTest {
    static final String USER = "agent_jvm@Org";
    static final String SK = "SVCKEYjvm0001";
    static final String AK = "APIKEYjvm0001";
    static final String PROXY_USER = "proxy-user";
    static final String PROXY_PASS = "proxy:P@ss-jvm";
    static final String STORE_PASSWORD = "store-pw-4711";

    @TempDir
    static Path dir;
    static Server plain;
    static Server mutual;

    /** A `contrast-auth test-server` process and what it printed. */
    static final class Server {
        Process process;
        String url;
        Path caFile;
        Path clientCert;
        Path clientKey;
        int proxyPort;

        void stop() throws Exception {
            process.getOutputStream().close();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    static Server start(String name, String... extra) throws Exception {
        String cli = System.getProperty("contrast.auth.cli", "../../target/release/contrast-auth");
        Path serverDir = Files.createDirectories(dir.resolve(name));
        List<String> command = new ArrayList<>(List.of(cli, "test-server", "--accept", USER + ":" + SK + ":" + AK,
                "--ca-out", serverDir.resolve("ca.pem").toString()));
        command.addAll(List.of(extra));
        Server s = new Server();
        s.process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new BufferedReader(new InputStreamReader(s.process.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        assertTrue(line != null, "the test server printed nothing");
        JsonObject json = JsonParser.parseString(line).getAsJsonObject();
        s.url = json.get("url").getAsString();
        s.caFile = Path.of(json.get("ca_file").getAsString());
        if (json.has("client_cert")) {
            s.clientCert = Path.of(json.get("client_cert").getAsString());
            s.clientKey = Path.of(json.get("client_key").getAsString());
        }
        if (json.has("proxy_port")) {
            s.proxyPort = json.get("proxy_port").getAsInt();
        }
        return s;
    }

    @BeforeAll
    static void startServers() throws Exception {
        plain = start("plain", "--proxy", PROXY_USER + ":" + PROXY_PASS);
        mutual = start("mutual", "--require-client-cert");
    }

    @AfterAll
    static void stopServers() throws Exception {
        for (Server s : new Server[] {plain, mutual}) {
            if (s != null) {
                s.stop();
            }
        }
    }

    static Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** A PKCS12 trust store holding the CA of `server`, made now with the KeyStore API. */
    static Path trustStore(Server server) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("contrast-test-ca", certificate(server.caFile));
        Path path = Files.createTempFile(dir, "trust", ".p12");
        try (OutputStream out = Files.newOutputStream(path)) {
            store.store(out, STORE_PASSWORD.toCharArray());
        }
        return path;
    }

    /** A PKCS12 key store with the client certificate and key the server issued. */
    static Path keyStore(Server server) throws Exception {
        String pem = Files.readString(server.clientKey);
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        PrivateKey key;
        try {
            key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (java.security.spec.InvalidKeySpecException notEc) {
            key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", key, STORE_PASSWORD.toCharArray(),
                new Certificate[] {certificate(server.clientCert)});
        Path path = Files.createTempFile(dir, "keys", ".p12");
        try (OutputStream out = Files.newOutputStream(path)) {
            store.store(out, STORE_PASSWORD.toCharArray());
        }
        return path;
    }

    static String classpath() throws Exception {
        Path main = Path.of(ContrastAuth.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path test = Path.of(JvmConfigProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return main + File.pathSeparator + test;
    }

    /**
     * Runs {@link JvmConfigProbe} in a fresh JVM with `properties` as -D options and `env` as
     * its only CONTRAST* environment, in an empty working directory, with an empty system
     * configuration directory unless the properties name one. Returns its output.
     */
    static String probe(Map<String, String> properties, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xcheck:jni");
        command.add("-Dcontrast.auth.library=" + System.getProperty("contrast.auth.library"));
        Map<String, String> all = new HashMap<>(properties);
        all.putIfAbsent(ContrastAuth.SYSTEM_CONFIG_DIR_PROPERTY,
                Files.createDirectories(dir.resolve("empty-etc")).toString());
        all.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-cp");
        command.add(classpath());
        command.add(JvmConfigProbe.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .directory(Files.createTempDirectory(dir, "cwd").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("CONTRAST"));
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(!out.contains("WARNING in native method"), out);
        return out;
    }

    static Map<String, String> credentials(Server server) {
        Map<String, String> m = new HashMap<>();
        m.put("contrast.api.url", server.url);
        m.put("contrast.api.user_name", USER);
        m.put("contrast.api.service_key", SK);
        m.put("contrast.api.api_key", AK);
        return m;
    }

    static Map<String, String> trusting(Server server, Path trustStore) {
        Map<String, String> m = credentials(server);
        m.put("javax.net.ssl.trustStore", trustStore.toString());
        m.put("javax.net.ssl.trustStorePassword", STORE_PASSWORD);
        m.put("javax.net.ssl.trustStoreType", "PKCS12");
        return m;
    }

    @Test
    void theJvmTrustStoreIsTrustedWithoutACaFile() throws Exception {
        String out = probe(trusting(plain, trustStore(plain)), Map.of(), "send");
        assertTrue(out.contains("status=200") || out.matches("(?s).*status=2\\d\\d.*"), out);
    }

    @Test
    void withoutTheTrustStoreTheServerIsNotTrusted() throws Exception {
        String out = probe(credentials(plain), Map.of(), "send");
        assertTrue(out.contains("exception=NetworkException kind=tls"), out);
    }

    @Test
    void theJvmKeyStoreGivesMutualTls() throws Exception {
        Map<String, String> props = trusting(mutual, trustStore(mutual));
        String refused = probe(props, Map.of(), "send");
        assertTrue(refused.contains("exception=NetworkException kind=tls"), refused);

        props.put("javax.net.ssl.keyStore", keyStore(mutual).toString());
        props.put("javax.net.ssl.keyStorePassword", STORE_PASSWORD);
        props.put("javax.net.ssl.keyStoreType", "PKCS12");
        String out = probe(props, Map.of(), "send");
        assertTrue(out.matches("(?s).*status=2\\d\\d.*"), out);
    }

    @Test
    void aKeyStoreWithTheWrongPasswordIsAConfigurationErrorWithoutThePassword() throws Exception {
        Map<String, String> props = credentials(mutual);
        props.put("javax.net.ssl.keyStore", keyStore(mutual).toString());
        props.put("javax.net.ssl.keyStorePassword", "wrong-pw-0815");
        String out = probe(props, Map.of());
        assertTrue(out.contains("exception=InvalidConfigurationException")
                && out.contains("javax.net.ssl.keyStore="), out);
        TestSupport.assertNoSecret(out, "wrong-pw-0815", STORE_PASSWORD);
    }

    static Path yaml(Path directory, String apiKey) throws Exception {
        Files.createDirectories(directory);
        Path file = directory.resolve("contrast_security.yaml");
        Files.writeString(file, "api:\n  url: https://yaml.example/Contrast\n  user_name: yaml_user\n"
                + "  service_key: YAMLSK\n  api_key: " + apiKey + "\n");
        return file;
    }

    @Test
    void contrastConfigPathBeatsTheEnvironmentVariable() throws Exception {
        Path byProperty = yaml(dir.resolve("by-property"), "PROPERTYAK");
        Path byEnvironment = yaml(dir.resolve("by-environment"), "ENVIRONMENTAK");
        Map<String, String> env = Map.of("CONTRAST_CONFIG_PATH", byEnvironment.toString());
        String out = probe(Map.of("contrast.config.path", byProperty.toString()), env);
        assertTrue(out.contains("api_key=PROPERTYAK"), out);
        out = probe(Map.of(), env);
        assertTrue(out.contains("api_key=ENVIRONMENTAK"), out);
    }

    @Test
    void theJavaAgentDirectoryIsSearched() throws Exception {
        Path etc = dir.resolve("etc-contrast");
        yaml(etc, "SYSTEMAK");
        yaml(etc.resolve("java"), "JAVADIRAK");
        String out = probe(Map.of(ContrastAuth.SYSTEM_CONFIG_DIR_PROPERTY, etc.toString()), Map.of());
        assertTrue(out.contains("api_key=JAVADIRAK"), out);
        Files.delete(etc.resolve("java").resolve("contrast_security.yaml"));
        out = probe(Map.of(ContrastAuth.SYSTEM_CONFIG_DIR_PROPERTY, etc.toString()), Map.of());
        assertTrue(out.contains("api_key=SYSTEMAK"), out);
    }

    private static Map<String, String> proxied(String password) {
        Map<String, String> m = credentials(plain);
        m.put("contrast.api.certificate.ca_file", plain.caFile.toString());
        m.put("contrast.api.proxy.host", "127.0.0.1");
        m.put("contrast.api.proxy.port", Integer.toString(plain.proxyPort));
        m.put("contrast.api.proxy.user", PROXY_USER);
        m.put("contrast.api.proxy.pass", password);
        m.put("contrast.api.proxy.auth_type", "Basic");
        return m;
    }

    @Test
    void proxyPartsWithBasicCredentialsReachTheServer() throws Exception {
        try (ContrastAuth auth = ContrastAuth.fromEnvironment(proxied(PROXY_PASS))) {
            SendResult sent = auth.send("POST", "/api/ng/agents/report", "application/json", new byte[] {'{', '}'});
            assertTrue(sent.status() >= 200 && sent.status() < 300, sent.toString());
        }
        // The proxy checks the credentials: a wrong password gets no report through.
        try (ContrastAuth auth = ContrastAuth.fromEnvironment(proxied("wrong-proxy-pw"))) {
            NetworkException e = assertThrows(NetworkException.class,
                    () -> auth.send("POST", "/api/ng/agents/report", "application/json", new byte[] {'{', '}'}));
            TestSupport.assertNoSecret(e.getMessage(), "wrong-proxy-pw", PROXY_PASS, SK, AK);
        }
    }

    @Test
    void proxyUrlAndPartsTogetherAreRefusedNamingBoth() {
        Map<String, String> props = proxied(PROXY_PASS);
        props.put("contrast.api.proxy.url", "http://127.0.0.1:" + plain.proxyPort);
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> ContrastAuth.fromEnvironment(props));
        assertTrue(e.getMessage().contains("api.proxy.url") && e.getMessage().contains("api.proxy.host"),
                e.getMessage());
        TestSupport.assertNoSecret(e.getMessage(), PROXY_PASS);
    }

    @Test
    void ntlmProxyAuthenticationIsRefused() {
        Map<String, String> props = proxied(PROXY_PASS);
        props.put("contrast.api.proxy.auth_type", "NTLM");
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> ContrastAuth.fromEnvironment(props));
        assertTrue(e.getMessage().contains("api.proxy.auth_type") && e.getMessage().contains("NTLM"),
                e.getMessage());
        TestSupport.assertNoSecret(e.getMessage(), PROXY_PASS);
    }

    @Test
    void derOfTheJvmTrustAnchorsIsHandedOverAndWiped() throws Exception {
        JvmTls tls = JvmTls.read();
        assertTrue(tls.trustAnchors.length > 0, "the JDK's cacerts has anchors");
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        factory.generateCertificate(new ByteArrayInputStream(tls.trustAnchors[0]));
        tls.wipe();
        for (byte b : tls.trustAnchors[0]) {
            assertEquals(0, b);
        }
    }
}
