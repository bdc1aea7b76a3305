package com.contrastsecurity.auth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * Loads {@code libcontrast_auth} once: the path in {@code -Dcontrast.auth.library} if set; else
 * the library packaged in the jar under {@code native/<os>-<arch>/}, extracted once to a private
 * temporary file; else {@code System.loadLibrary("contrast_auth")}.
 */
public final class NativeLibrary {
    /** The system property naming a library file to load instead of the packaged one. */
    public static final String LIBRARY_PROPERTY = "contrast.auth.library";

    private static String source;

    private NativeLibrary() {}

    /** Loads the library if it is not loaded yet. */
    static synchronized void load() {
        if (source != null) {
            return;
        }
        String override = System.getProperty(LIBRARY_PROPERTY);
        if (override != null && !override.isEmpty()) {
            System.load(Path.of(override).toAbsolutePath().toString());
            source = "property:" + override;
            return;
        }
        String resource = "native/" + platform() + "/" + System.mapLibraryName("contrast_auth");
        try (InputStream in = NativeLibrary.class.getClassLoader().getResourceAsStream(resource)) {
            if (in != null) {
                Path file = extract(in);
                System.load(file.toString());
                source = "jar:" + resource;
                return;
            }
        } catch (IOException e) {
            throw new UnsatisfiedLinkError("contrast-auth: cannot extract " + resource + ": " + e);
        }
        System.loadLibrary("contrast_auth");
        source = "java.library.path";
    }

    /**
     * Where the library was loaded from: {@code property:<path>}, {@code jar:<resource>} or
     * {@code java.library.path}.
     *
     * @return the source, loading the library first if needed
     */
    public static synchronized String source() {
        load();
        return source;
    }

    /** @return {@code <os>-<arch>}, e.g. {@code linux-x86_64}, the jar directory of this platform */
    public static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            os = "macos";
        } else if (os.startsWith("windows")) {
            os = "windows";
        } else if (os.startsWith("linux")) {
            os = "linux";
        }
        if (arch.equals("amd64") || arch.equals("x64")) {
            arch = "x86_64";
        } else if (arch.equals("arm64")) {
            arch = "aarch64";
        }
        return os + "-" + arch;
    }

    private static Path extract(InputStream in) throws IOException {
        Path directory;
        try {
            directory = Files.createTempDirectory("contrast-auth-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            directory = Files.createTempDirectory("contrast-auth-");
        }
        Path file = directory.resolve(System.mapLibraryName("contrast_auth"));
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        file.toFile().deleteOnExit();
        directory.toFile().deleteOnExit();
        return file;
    }
}
