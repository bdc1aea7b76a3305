package com.contrastsecurity.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The packaged jar, in a fresh JVM with nothing but the jar: it loads its embedded library. */
class JarLoadingIT {
    private static String run(Map<String, String> env, String... args) throws Exception {
        String jar = System.getProperty("contrast.auth.jar");
        String testClasses = System.getProperty("contrast.auth.test.classes");
        assertTrue(Files.isRegularFile(Path.of(jar)), "jar missing: " + jar);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xcheck:jni");
        command.addAll(List.of(args));
        command.add("-cp");
        command.add(jar + File.pathSeparator + testClasses);
        command.add("com.contrastsecurity.auth.JarSmoke");
        if (env.containsKey("MODE")) {
            command.addAll(List.of(env.get("MODE").split(" ")));
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("CONTRAST"));
        env.forEach((k, v) -> {
            if (!k.equals("MODE")) {
                pb.environment().put(k, v);
            }
        });
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return p.exitValue() + "\n" + out;
    }

    @Test
    void aFreshJvmLoadsTheLibraryFromTheJar() throws Exception {
        String out = run(Map.of());
        assertTrue(out.startsWith("0\n"), out);
        assertTrue(out.contains("source=jar:native/" + NativeLibrary.platform() + "/libcontrast_auth.so"), out);
        assertTrue(out.contains("authorization=" + TestSupport.authorization("jar_user", "JARSK")), out);
        assertTrue(out.contains("api_key=JARAK"), out);
        assertTrue(out.contains("signature=contrast=:"), out);
        // -Xcheck:jni reports misuse (e.g. JNI calls inside a critical region) as warnings.
        assertFalse(out.contains("WARNING in native method") || out.contains("Warning: Calling other JNI"), out);
    }

    @Test
    void systemPropertiesBeatTheEnvironment() throws Exception {
        Map<String, String> env = Map.of("MODE", "environment",
                "CONTRAST__API__URL", "https://env.example/Contrast", "CONTRAST__API__USER_NAME", "env_user",
                "CONTRAST__API__SERVICE_KEY", "ENVSK", "CONTRAST__API__API_KEY", "ENVAK");
        String out = run(env, "-Dcontrast.api.api_key=PROPAK");
        assertTrue(out.startsWith("0\n"), out);
        assertTrue(out.contains("api_key=PROPAK"), out);
        assertTrue(out.contains("authorization=" + TestSupport.authorization("env_user", "ENVSK")), out);
    }

    @Test
    void reloadPicksUpAChangedConfigurationFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("contrast_security.yaml");
        Files.writeString(yaml, "api:\n  url: https://yaml.example/Contrast\n  user_name: yaml_user\n"
                + "  service_key: YAMLSK\n  api_key: YAMLAK1\n");
        String out = run(Map.of("MODE", "reload " + yaml, "CONTRAST_CONFIG_PATH", yaml.toString()));
        assertTrue(out.startsWith("0\n"), out);
        assertTrue(out.contains("before=YAMLAK1 generation=1"), out);
        assertTrue(out.contains("after=YAMLAK2 generation=2"), out);
        assertTrue(out.contains("broken=InvalidConfigurationException kept=YAMLAK2"), out);
    }

    @Test
    void theLibraryPropertyOverridesTheJar() throws Exception {
        String out = run(Map.of(), "-Dcontrast.auth.library=/nonexistent/libcontrast_auth.so");
        assertNotEquals("0", out.substring(0, out.indexOf('\n')), out);
        assertTrue(out.contains("UnsatisfiedLinkError") && out.contains("/nonexistent/libcontrast_auth.so"), out);
        assertEquals(-1, out.indexOf("source=jar:"), out);
    }
}
