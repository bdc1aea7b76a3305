package com.contrastsecurity.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, in fresh JVMs with nothing but the jar: loading, extraction, errors. */
class JarLoadingIT {
    private static final String LIBRARY = System.mapLibraryName("contrast_auth");

    private static String jar() {
        String jar = System.getProperty("contrast.auth.jar");
        assertTrue(Files.isRegularFile(Path.of(jar)), "jar missing: " + jar);
        return jar;
    }

    /** java -Xcheck:jni [JDK options] args... -cp jar:test-classes JarSmoke mode... */
    private static ProcessBuilder command(String jar, Map<String, String> env, List<String> args, String... mode) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xcheck:jni");
        String extra = System.getProperty("contrast.auth.test.jvmArgs", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(Arrays.asList(extra.split("\\s+")));
        }
        command.addAll(args);
        command.add("-cp");
        command.add(jar + File.pathSeparator + System.getProperty("contrast.auth.test.classes"));
        command.add("com.contrastsecurity.auth.JarSmoke");
        command.addAll(Arrays.asList(mode));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("CONTRAST"));
        pb.environment().putAll(env);
        return pb;
    }

    /** Runs JarSmoke to the end: exit code, a newline, then its output. */
    private static String run(String jar, Map<String, String> env, List<String> args, String... mode) throws Exception {
        Process p = command(jar, env, args, mode).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return p.exitValue() + "\n" + out;
    }

    private static String run(Map<String, String> env, String... args) throws Exception {
        return run(jar(), env, List.of(args));
    }

    /** Every file below {@code dir}. */
    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).collect(Collectors.toList());
        }
    }

    /** Starts JarSmoke in hold mode, waits until it has loaded the library, returns it running. */
    private static Process startHolding(List<String> args) throws Exception {
        Process p = command(jar(), Map.of(), args, "hold").start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
            if (line.equals("holding")) {
                return p;
            }
        }
        throw new AssertionError("the JVM ended before loading the library:\n" + seen);
    }

    private static void kill9(Process p) throws Exception {
        p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no deleteOnExit
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue(), "not killed by SIGKILL");
    }

    @Test
    void aFreshJvmLoadsTheLibraryFromTheJar() throws Exception {
        String out = run(Map.of());
        assertTrue(out.startsWith("0\n"), out);
        assertTrue(out.contains("source=jar:native/" + NativeLibrary.platform() + "/" + LIBRARY + " (unlinked after load)"), out);
        assertTrue(out.contains("authorization=" + TestSupport.authorization("jar_user", "JARSK")), out);
        assertTrue(out.contains("api_key=JARAK"), out);
        assertTrue(out.contains("signature=contrast=:"), out);
        // -Xcheck:jni reports misuse (e.g. JNI calls inside a critical region) as warnings.
        assertFalse(out.contains("WARNING in native method") || out.contains("Warning: Calling other JNI"), out);
        // JDK 24+ with --enable-native-access (run-tests.sh passes it there): no warning at all.
        assertFalse(out.contains("WARNING"), out);
    }

    @Test
    void extractionLeavesNothingBehindOnExitNorAfterKill9(@TempDir Path tmp) throws Exception {
        List<String> args = List.of("-Djava.io.tmpdir=" + tmp);
        String out = run(jar(), Map.of(), args);
        assertTrue(out.startsWith("0\n"), out);
        assertEquals(List.of(), files(tmp), "left behind after a normal exit");

        Process p = startHolding(args);
        try {
            // Loaded and running: the file is already gone (unlinked right after System.load).
            assertEquals(List.of(), files(tmp), "on disk while the JVM runs");
        } finally {
            kill9(p);
        }
        assertEquals(List.of(), files(tmp), "left behind after kill -9");
        assertTrue(run(jar(), Map.of(), args).startsWith("0\n"));
        assertEquals(List.of(), files(tmp), "left behind by the JVM after the kill");
    }

    @Test
    void theCacheIsReusedAfterKill9AndRepairedWhenTampered(@TempDir Path tmp) throws Exception {
        List<String> args = List.of("-Djava.io.tmpdir=" + tmp, "-Dcontrast.auth.extract=cache");
        String out = run(jar(), Map.of(), args);
        assertTrue(out.startsWith("0\n") && out.contains("(cached in " + tmp), out);
        List<Path> cached = files(tmp);
        assertEquals(1, cached.size(), cached.toString());
        Path library = cached.get(0);
        assertEquals(LIBRARY, library.getFileName().toString());
        String directory = library.getParent().getParent().getFileName().toString();
        assertTrue(directory.matches("contrast-auth-" + NativeLibrary.version().replace(".", "\\.") + "-[0-9a-f]{16}"),
                directory);
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(library.getParent())));
        byte[] original = Files.readAllBytes(library);

        kill9(startHolding(args));
        assertEquals(List.of(library), files(tmp), "kill -9 then a new JVM added a copy");

        Files.write(library, new byte[] {1, 2, 3});
        assertTrue(run(jar(), Map.of(), args).startsWith("0\n"));
        assertEquals(List.of(library), files(tmp));
        assertTrue(Arrays.equals(original, Files.readAllBytes(library)), "a tampered cached library was loaded as is");
    }

    @Test
    void anotherPlatformGetsOneErrorNamingWhatWasDetectedAndWhatTheJarCarries() throws Exception {
        String out = run(Map.of(), "-Dos.arch=ppc64le");
        assertNotEquals("0", out.substring(0, out.indexOf('\n')), out);
        assertTrue(out.contains("UnsatisfiedLinkError: contrast-auth: no native library for this platform: detected linux-ppc64le"), out);
        String carried = out.substring(out.indexOf("this jar carries ") + "this jar carries ".length());
        assertTrue(carried.startsWith(NativeLibrary.platform()), out);
        // The same clear error on every attempt, not a NoClassDefFoundError the second time.
        assertTrue(out.contains("second attempt: java.lang.UnsatisfiedLinkError: contrast-auth: no native library"), out);
    }

    @Test
    void aLibraryOfAnotherVersionIsRefused(@TempDir Path tmp) throws Exception {
        Path other = tmp.resolve("other-version.jar");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(Path.of(jar())));
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(other))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.putNextEntry(new ZipEntry(e.getName()));
                byte[] bytes = in.readAllBytes();
                if (e.getName().equals(NativeLibrary.INDEX)) {
                    String index = new String(bytes, StandardCharsets.ISO_8859_1);
                    bytes = index.replaceAll("(?m)^version=.*$", "version=9.9.9").getBytes(StandardCharsets.ISO_8859_1);
                }
                // Through a small buffer: under -Xcheck:jni each deflate call copies the whole
                // array it is given (the library is tens of MB).
                byte[] slice = new byte[65536];
                for (int i = 0; i < bytes.length; i += slice.length) {
                    int n = Math.min(slice.length, bytes.length - i);
                    System.arraycopy(bytes, i, slice, 0, n);
                    out.write(slice, 0, n);
                }
            }
        }
        String out = run(other.toString(), Map.of(), List.of());
        assertNotEquals("0", out.substring(0, out.indexOf('\n')), out);
        assertTrue(out.contains("is contrast-auth " + NativeLibrary.version() + " but this jar is 9.9.9"), out);
    }

    @Test
    void systemPropertiesBeatTheEnvironment() throws Exception {
        Map<String, String> env = Map.of(
                "CONTRAST__API__URL", "https://env.example/Contrast", "CONTRAST__API__USER_NAME", "env_user",
                "CONTRAST__API__SERVICE_KEY", "ENVSK", "CONTRAST__API__API_KEY", "ENVAK");
        String out = run(jar(), env, List.of("-Dcontrast.api.api_key=PROPAK"), "environment");
        assertTrue(out.startsWith("0\n"), out);
        assertTrue(out.contains("api_key=PROPAK"), out);
        assertTrue(out.contains("authorization=" + TestSupport.authorization("env_user", "ENVSK")), out);
    }

    @Test
    void reloadPicksUpAChangedConfigurationFile(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("contrast_security.yaml");
        Files.writeString(yaml, "api:\n  url: https://yaml.example/Contrast\n  user_name: yaml_user\n"
                + "  service_key: YAMLSK\n  api_key: YAMLAK1\n");
        String out = run(jar(), Map.of("CONTRAST_CONFIG_PATH", yaml.toString()), List.of(), "reload", yaml.toString());
        assertTrue(out.startsWith("0\n"), out);
        assertTrue(out.contains("before=YAMLAK1 generation=1"), out);
        assertTrue(out.contains("after=YAMLAK2 generation=2"), out);
        assertTrue(out.contains("broken=InvalidConfigurationException kept=YAMLAK2"), out);
    }

    @Test
    void theLibraryPropertyOverridesTheJar() throws Exception {
        String missing = run(Map.of(), "-Dcontrast.auth.library=/nonexistent/" + LIBRARY);
        assertNotEquals("0", missing.substring(0, missing.indexOf('\n')), missing);
        assertTrue(missing.contains("UnsatisfiedLinkError") && missing.contains("/nonexistent/" + LIBRARY), missing);
        assertEquals(-1, missing.indexOf("source=jar:"), missing);

        String lib = System.getProperty("contrast.auth.native.lib");
        String out = run(Map.of(), "-Dcontrast.auth.library=" + lib);
        assertTrue(out.startsWith("0\n") && out.contains("source=property:" + lib + "\n"), out);
        assertTrue(out.contains("signature=contrast=:"), out);
    }
}
