package com.contrastsecurity.auth;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Enumeration;
import java.util.Properties;

/**
 * Loads {@code libcontrast_auth} once: the file named by {@code -Dcontrast.auth.library} if set,
 * else the library the jar carries for this platform under {@code native/<platform>/} (see
 * {@link #platform()}), put on disk as {@link LibraryFile} describes. Either way the library must
 * be the jar's version. The natives are then bound by the library itself ({@code JNI_OnLoad})
 * to the classes as loaded, so the jar also works shaded and relocated.
 *
 * <p>When nothing fits, one {@link UnsatisfiedLinkError} names the platform detected and the
 * platforms the jar carries; it is thrown again by every later attempt.
 */
public final class NativeLibrary {
    /** The system property naming a library file to load instead of the packaged one. */
    public static final String LIBRARY_PROPERTY = "contrast.auth.library";

    /** The jar's index of what it carries: {@code version} and {@code platforms}. */
    static final String INDEX = "native/contrast-auth.properties";

    /**
     * Where the library's {@code JNI_OnLoad} reads this package (as loaded) from, followed by
     * the loading thread's id. Not under {@code contrast.} (configuration), nor spelled as the
     * package, which a relocating shader would rewrite.
     */
    private static final String PACKAGE_PROPERTY_PREFIX = "contrastauth.jni.package.";

    private static String source;
    private static String failure;
    private static boolean loading;

    private NativeLibrary() {}

    /** Loads the library if it is not loaded yet; throws the same error again if that failed. */
    static synchronized void load() {
        // `loading`: re-entered from NativeBridge's initializer during the version check.
        if (source != null || loading) {
            return;
        }
        if (failure != null) {
            throw new UnsatisfiedLinkError(failure);
        }
        loading = true;
        try {
            source = loadOnce();
        } catch (UnsatisfiedLinkError e) {
            failure = e.getMessage();
            throw e;
        } finally {
            loading = false;
        }
    }

    /**
     * Where the library was loaded from: {@code property:<path>} or {@code jar:<resource>}
     * followed by how it was put on disk (e.g. {@code (unlinked after load)}).
     *
     * @return the source, loading the library first if needed
     * @throws UnsatisfiedLinkError if the library cannot be loaded (the message says why)
     */
    public static synchronized String source() {
        load();
        return source;
    }

    /**
     * The platform of this JVM as the jar names its native directories.
     *
     * @return e.g. {@code linux-x86_64} or {@code linux-musl-aarch64}
     */
    public static String platform() {
        return Platform.detect();
    }

    /**
     * The library's file name in the jar's {@code native/<platform>/} folder, as
     * {@code System.mapLibraryName} names it on that platform's OS.
     *
     * @param platform e.g. {@code macos-aarch64}
     * @return {@code contrast_auth.dll}, {@code libcontrast_auth.dylib} or {@code libcontrast_auth.so}
     */
    static String libraryFile(String platform) {
        if (platform.startsWith("windows-")) {
            return "contrast_auth.dll";
        } else if (platform.startsWith("macos-")) {
            return "libcontrast_auth.dylib";
        }
        return "libcontrast_auth.so";
    }

    /** @return the version of this jar (equal to the library's) */
    public static String version() {
        return index().getProperty("version");
    }

    private static String loadOnce() {
        Properties index = index();
        String version = index.getProperty("version");
        String override = System.getProperty(LIBRARY_PROPERTY);
        if (override != null && !override.isEmpty()) {
            String path = new File(override).getAbsolutePath();
            systemLoad(path);
            checkVersion(version, path);
            return "property:" + override;
        }
        String platform = Platform.detect();
        String resource = "native/" + platform + "/" + libraryFile(platform);
        URL url = ownResource(resource);
        if (url == null) {
            throw new UnsatisfiedLinkError("contrast-auth: no native library for this platform: detected " + platform
                    + " (os.name=" + System.getProperty("os.name") + ", os.arch=" + System.getProperty("os.arch")
                    + "); this jar carries " + index.getProperty("platforms", "none")
                    + " (or name a library file with -D" + LIBRARY_PROPERTY + "=<path>)");
        }
        String placed;
        try {
            byte[] library = readAll(url);
            placed = LibraryFile.extractAndLoad(library, libraryFile(platform), version,
                    jniPackage(), NativeLibrary::systemLoad);
        } catch (IOException | RuntimeException e) {
            throw new UnsatisfiedLinkError("contrast-auth: cannot extract " + resource + ": " + e);
        }
        checkVersion(version, resource);
        return "jar:" + resource + " (" + placed + ")";
    }

    /** {@code System.load}, telling the library's JNI_OnLoad which package to bind the natives to. */
    private static void systemLoad(String path) {
        String key = PACKAGE_PROPERTY_PREFIX + Thread.currentThread().getId();
        System.setProperty(key, jniPackage());
        try {
            System.load(path);
        } finally {
            System.clearProperty(key);
        }
    }

    /** The library just loaded must be this jar's version (it registered its natives on load). */
    private static void checkVersion(String expected, String library) {
        String actual;
        try {
            actual = NativeBridge.version();
        } catch (UnsatisfiedLinkError e) {
            throw new UnsatisfiedLinkError("contrast-auth: " + library + " is not a contrast-auth " + expected
                    + " library (it bound no natives to " + NativeBridge.class.getName() + ": " + e.getMessage() + ")");
        }
        if (!expected.equals(actual)) {
            throw new UnsatisfiedLinkError("contrast-auth: " + library + " is contrast-auth " + actual
                    + " but this jar is " + expected + ": use the library of the same version");
        }
    }

    /** This package as the JVM loaded it, in JNI form, e.g. {@code com/contrastsecurity/auth}. */
    static String jniPackage() {
        String name = NativeLibrary.class.getName();
        return name.substring(0, name.lastIndexOf('.')).replace('.', '/');
    }

    /** The jar's index (version and platforms), from the jar this class came from. */
    private static Properties index() {
        URL url = ownResource(INDEX);
        if (url == null) {
            throw new UnsatisfiedLinkError("contrast-auth: " + INDEX + " is missing beside "
                    + NativeLibrary.class.getName() + " (a jar built without its resources)");
        }
        Properties index = new Properties();
        try (InputStream in = url.openStream()) {
            index.load(in);
        } catch (IOException e) {
            throw new UnsatisfiedLinkError("contrast-auth: cannot read " + url + ": " + e);
        }
        if (index.getProperty("version", "").isEmpty()) {
            throw new UnsatisfiedLinkError("contrast-auth: " + url + " names no version");
        }
        return index;
    }

    /**
     * A resource of the jar (or directory) this class was loaded from, else the first one the
     * class loader finds: two agents may each carry a copy of this jar on one class path.
     */
    static URL ownResource(String name) {
        ClassLoader loader = NativeLibrary.class.getClassLoader();
        String self = NativeLibrary.class.getName().replace('.', '/') + ".class";
        try {
            URL selfUrl = loader == null ? ClassLoader.getSystemResource(self) : loader.getResource(self);
            String base = selfUrl == null ? null : selfUrl.toString();
            base = base != null && base.endsWith(self) ? base.substring(0, base.length() - self.length()) : null;
            Enumeration<URL> all = loader == null ? ClassLoader.getSystemResources(name) : loader.getResources(name);
            URL first = null;
            while (all.hasMoreElements()) {
                URL url = all.nextElement();
                if (base != null && url.toString().equals(base + name)) {
                    return url;
                }
                if (first == null) {
                    first = url;
                }
            }
            return first;
        } catch (IOException e) {
            return null;
        }
    }

    private static byte[] readAll(URL url) throws IOException {
        try (InputStream in = url.openStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }
}
